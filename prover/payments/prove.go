package payments

import (
	"fmt"

	"github.com/consensys/gnark/constraint"

	"github.com/nativechain/nativechain/prover/rollupkit"
)

// Compile builds the circuit's R1CS for params.
func Compile(p Params) (constraint.ConstraintSystem, error) {
	p = p.WithDefaults()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return rollupkit.Compile(NewCircuit(p))
}

// Prover holds a compiled circuit and its Groth16 keys (rollupkit.Prover,
// whose VerifyingKeyBytes is the VK as MsgRegisterRollup takes it).
type Prover struct {
	Params Params
	rollupkit.Prover
}

// NewDevProver compiles params and runs a single-party Groth16 setup
// (rollupkit.NewDevProver): for tests and devnets; production keys come
// from prover/setup's ceremony.
func NewDevProver(p Params) (*Prover, error) {
	p = p.WithDefaults()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	kp, err := rollupkit.NewDevProver(NewCircuit(p))
	if err != nil {
		return nil, err
	}
	return &Prover{Params: p, Prover: *kp}, nil
}

// Prove proves a built batch (the prover uses every core) and checks the
// proof against the batch's own commitment before returning its compressed
// encoding, as MsgSubmitBatch takes it.
func (p *Prover) Prove(b *Batch) ([]byte, error) {
	proof, err := rollupkit.ProveAssignment(p.CS, p.PK, p.VK, b.Assignment)
	if err != nil {
		return nil, fmt.Errorf("payments: %w", err)
	}
	return proof, nil
}
