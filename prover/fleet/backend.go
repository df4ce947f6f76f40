package fleet

import (
	"fmt"
	"sort"
	"strings"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
)

// A Backend is what a worker proves with: gnark's CPU prover (BackendCPU,
// always built) or an accelerated one compiled in by a build tag
// (BackendICICLE, `-tags icicle`, on NVIDIA GPUs). Every backend returns a
// standard gnark Groth16 proof, which the worker checks against the key's
// verifying key before it publishes it (proveWitness), and which the
// operator checks again: a faulty accelerator costs a failed job, never a
// bad batch.
type Backend interface {
	// Name is the backend's name in flags, logs and status.
	Name() string
	// Prepare readies k for proving on this backend (an accelerator loads
	// the proving key into device memory once); it is called once per key
	// before the worker takes jobs.
	Prepare(k *Key) error
	// Prove proves the full witness w with k. Calls for one key are
	// serialized by the caller (Key.solving).
	Prove(k *Key, w witness.Witness) (groth16.Proof, error)
}

// BackendCPU is gnark's groth16.Prove on the CPU, using every core.
const BackendCPU = "cpu"

// BackendICICLE is gnark's ICICLE-accelerated Groth16 prover
// (backend/accelerated/icicle/groth16) on a CUDA GPU; built only with the
// `icicle` build tag.
const BackendICICLE = "icicle"

// backends are the backends compiled into this binary, by name.
var backends = map[string]func() Backend{
	BackendCPU: func() Backend { return cpuBackend{} },
}

// NewBackend returns the backend called name ("" is BackendCPU). A backend
// this binary was built without is an error that says how to get it.
func NewBackend(name string) (Backend, error) {
	if name == "" {
		name = BackendCPU
	}
	if mk, ok := backends[name]; ok {
		return mk(), nil
	}
	if name == BackendICICLE {
		return nil, fmt.Errorf("fleet: backend %q is not in this binary: build it with `go build -tags icicle` on a machine with CUDA and the ICICLE libraries (docs/operator-guide.md, GPU proving)", name)
	}
	return nil, fmt.Errorf("fleet: unknown backend %q (this binary has: %s)", name, strings.Join(Backends(), ", "))
}

// Backends are the names of the backends compiled into this binary.
func Backends() []string {
	names := make([]string, 0, len(backends))
	for n := range backends {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

type cpuBackend struct{}

func (cpuBackend) Name() string         { return BackendCPU }
func (cpuBackend) Prepare(k *Key) error { return nil }
func (cpuBackend) Prove(k *Key, w witness.Witness) (groth16.Proof, error) {
	return groth16.Prove(k.CS, k.PK, w)
}
