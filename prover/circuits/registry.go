package circuits

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/constraint"
	csbn254 "github.com/consensys/gnark/constraint/bn254"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// ParamSpec declares one parameter of a circuit.
type ParamSpec struct {
	Name        string
	Default     string
	Description string
}

// Definition is what a circuit package registers.
type Definition struct {
	// Name is what tools pass to --circuit: lower case, no spaces.
	Name        string
	Description string
	// Params lists every parameter New reads, with its default.
	Params []ParamSpec
	// New returns the circuit definition for complete parameters (every
	// declared parameter present). It must be deterministic.
	New func(Params) (frontend.Circuit, error)
}

var registry = struct {
	sync.RWMutex
	defs map[string]Definition
}{defs: map[string]Definition{}}

// Register adds a circuit to the registry.
func Register(d Definition) error {
	if d.Name == "" || strings.ContainsAny(d.Name, " \t\n=,") {
		return fmt.Errorf("%w: bad name %q", ErrInvalidParams, d.Name)
	}
	if d.New == nil {
		return fmt.Errorf("%w: circuit %q has no constructor", ErrInvalidParams, d.Name)
	}
	seen := map[string]bool{}
	for _, p := range d.Params {
		if err := checkParamToken(p.Name); err != nil || seen[p.Name] {
			return fmt.Errorf("%w: circuit %q declares bad or duplicate parameter %q", ErrInvalidParams, d.Name, p.Name)
		}
		if err := checkParamToken(p.Default); err != nil {
			return fmt.Errorf("%w: circuit %q: default of %q: %v", ErrInvalidParams, d.Name, p.Name, err)
		}
		seen[p.Name] = true
	}
	registry.Lock()
	defer registry.Unlock()
	if _, ok := registry.defs[d.Name]; ok {
		return fmt.Errorf("%w: %q", ErrAlreadyRegistered, d.Name)
	}
	d.Params = slices.Clone(d.Params)
	registry.defs[d.Name] = d
	return nil
}

// MustRegister is Register for package init functions.
func MustRegister(d Definition) {
	if err := Register(d); err != nil {
		panic(err)
	}
}

// Lookup returns the definition registered under name.
func Lookup(name string) (Definition, error) {
	registry.RLock()
	defer registry.RUnlock()
	d, ok := registry.defs[name]
	if !ok {
		return Definition{}, fmt.Errorf("%w: %q (registered: %s)", ErrUnknownCircuit, name, strings.Join(namesLocked(), ", "))
	}
	return d, nil
}

// Names lists the registered circuits, sorted.
func Names() []string {
	registry.RLock()
	defer registry.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	names := make([]string, 0, len(registry.defs))
	for n := range registry.defs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Params are a circuit's parameters by name.
type Params map[string]string

// ParseParams reads "key=value" strings (the --param flag).
func ParseParams(kvs []string) (Params, error) {
	p := Params{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%w: %q is not key=value", ErrInvalidParams, kv)
		}
		if _, dup := p[k]; dup {
			return nil, fmt.Errorf("%w: %q given twice", ErrInvalidParams, k)
		}
		p[k] = v
	}
	return p, nil
}

// Canonical is the parameters as "k1=v1,k2=v2", sorted by key: the form
// recorded in key files and manifests.
func (p Params) Canonical() string {
	keys := make([]string, 0, len(p))
	for k := range p {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + p[k]
	}
	return strings.Join(parts, ",")
}

// ParseCanonical inverts Canonical.
func ParseCanonical(s string) (Params, error) {
	if s == "" {
		return Params{}, nil
	}
	return ParseParams(strings.Split(s, ","))
}

// Int returns parameter name as an int.
func (p Params) Int(name string) (int, error) {
	v, ok := p[name]
	if !ok {
		return 0, fmt.Errorf("%w: missing %q", ErrInvalidParams, name)
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%w: %s=%q is not an integer", ErrInvalidParams, name, v)
	}
	return n, nil
}

// Bool returns parameter name as a bool ("true"/"false").
func (p Params) Bool(name string) (bool, error) {
	v, ok := p[name]
	if !ok {
		return false, fmt.Errorf("%w: missing %q", ErrInvalidParams, name)
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%w: %s=%q is not a boolean", ErrInvalidParams, name, v)
	}
	return b, nil
}

// Resolve fills in defaults and rejects parameters d does not declare or
// that would not survive the canonical form.
func (d Definition) Resolve(given Params) (Params, error) {
	out := Params{}
	declared := map[string]bool{}
	for _, spec := range d.Params {
		declared[spec.Name] = true
		out[spec.Name] = spec.Default
	}
	for k, v := range given {
		if !declared[k] {
			return nil, fmt.Errorf("%w: circuit %q has no parameter %q", ErrInvalidParams, d.Name, k)
		}
		if err := checkParamToken(v); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalidParams, k, err)
		}
		out[k] = v
	}
	return out, nil
}

func checkParamToken(s string) error {
	if s == "" {
		return errors.New("empty")
	}
	if strings.ContainsAny(s, ",= \t\n") {
		return fmt.Errorf("%q contains one of ',', '=', or whitespace", s)
	}
	return nil
}

// CircuitHash identifies a compiled constraint system.
type CircuitHash [sha256.Size]byte

// String is the lower-case hex form used in file names and manifests.
func (h CircuitHash) String() string { return hex.EncodeToString(h[:]) }

// ParseCircuitHash reads the hex form.
func ParseCircuitHash(s string) (CircuitHash, error) {
	var h CircuitHash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("circuit hash must be %d bytes of hex, got %q", len(h), s)
	}
	copy(h[:], b)
	return h, nil
}

// HashConstraintSystem is SHA-256 over cs's gnark serialization.
func HashConstraintSystem(cs constraint.ConstraintSystem) (CircuitHash, error) {
	hw := sha256.New()
	if _, err := cs.WriteTo(hw); err != nil {
		return CircuitHash{}, fmt.Errorf("serialize constraint system: %w", err)
	}
	var h CircuitHash
	copy(h[:], hw.Sum(nil))
	return h, nil
}

// Compiled is a registered circuit compiled for one set of parameters.
type Compiled struct {
	Name   string
	Params Params // complete: defaults filled in
	CS     constraint.ConstraintSystem
	Hash   CircuitHash
}

// R1CS returns the BN254 R1CS (what gnark's mpcsetup takes).
func (c *Compiled) R1CS() *csbn254.R1CS { return c.CS.(*csbn254.R1CS) }

// String is "name(params)" for messages.
func (c *Compiled) String() string { return Describe(c.Name, c.Params.Canonical()) }

// Describe formats a circuit name and canonical parameters for messages.
func Describe(name, canonicalParams string) string {
	if canonicalParams == "" {
		return name
	}
	return name + "(" + canonicalParams + ")"
}

// Compile looks name up, resolves params, compiles the circuit to a BN254
// R1CS and hashes it.
func Compile(name string, params Params) (*Compiled, error) {
	d, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	full, err := d.Resolve(params)
	if err != nil {
		return nil, err
	}
	circuit, err := d.New(full)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrInvalidParams, Describe(name, full.Canonical()), err)
	}
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, circuit)
	if err != nil {
		return nil, fmt.Errorf("compile %s: %w", Describe(name, full.Canonical()), err)
	}
	h, err := HashConstraintSystem(cs)
	if err != nil {
		return nil, err
	}
	return &Compiled{Name: name, Params: full, CS: cs, Hash: h}, nil
}
