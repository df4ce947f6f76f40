package rollupkit

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

var registry = struct {
	sync.RWMutex
	kinds map[string]Kind
}{kinds: map[string]Kind{}}

// Register adds a kind to the registry.
func Register(k Kind) error {
	if k == nil || k.Name() == "" || strings.ContainsAny(k.Name(), " \t\n=,") {
		return fmt.Errorf("%w: bad name", ErrInvalidKind)
	}
	registry.Lock()
	defer registry.Unlock()
	if _, ok := registry.kinds[k.Name()]; ok {
		return fmt.Errorf("%w: %q", ErrKindRegistered, k.Name())
	}
	registry.kinds[k.Name()] = k
	return nil
}

// MustRegister is Register for package init functions.
func MustRegister(k Kind) {
	if err := Register(k); err != nil {
		panic(err)
	}
}

// Lookup returns the kind registered under name; ErrUnknownKind lists the
// registered ones.
func Lookup(name string) (Kind, error) {
	registry.RLock()
	defer registry.RUnlock()
	k, ok := registry.kinds[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q (registered: %s)", ErrUnknownKind, name, strings.Join(namesLocked(), ", "))
	}
	return k, nil
}

// Names lists the registered kinds, sorted.
func Names() []string {
	registry.RLock()
	defer registry.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	names := make([]string, 0, len(registry.kinds))
	for n := range registry.kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
