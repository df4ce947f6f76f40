package exchange

import (
	"github.com/consensys/gnark/constraint"

	"github.com/nativechain/nativechain/prover/rollupkit"
)

// Compile builds the circuit's R1CS for p.
func Compile(p Params) (constraint.ConstraintSystem, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return rollupkit.Compile(NewCircuit(p))
}

// Prover holds a compiled circuit and its Groth16 keys; Prove proves a
// built batch (rollupkit.Prover).
type Prover struct {
	Params Params
	rollupkit.Prover
}

// NewDevProver compiles p and runs a single-party Groth16 setup: for tests
// and devnets only (rollupkit.NewDevProver).
func NewDevProver(p Params) (*Prover, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	kp, err := rollupkit.NewDevProver(NewCircuit(p))
	if err != nil {
		return nil, err
	}
	return &Prover{Params: p.WithDefaults(), Prover: *kp}, nil
}
