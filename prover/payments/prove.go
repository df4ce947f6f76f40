package payments

import (
	"bytes"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/nativechain/nativechain/prover/rollupkit"
)

// Compile builds the circuit's R1CS for params.
func Compile(p Params) (constraint.ConstraintSystem, error) {
	p = p.WithDefaults()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewCircuit(p))
}

// Prover holds a compiled circuit and its Groth16 keys.
type Prover struct {
	Params Params
	CS     constraint.ConstraintSystem
	PK     groth16.ProvingKey
	VK     groth16.VerifyingKey
}

// NewDevProver compiles params and runs a single-party Groth16 setup. Its
// toxic waste is not destroyed in any verifiable way: for tests and
// devnets; production keys come from prover/setup's ceremony.
func NewDevProver(p Params) (*Prover, error) {
	cs, err := Compile(p)
	if err != nil {
		return nil, err
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		return nil, err
	}
	return &Prover{Params: p.WithDefaults(), CS: cs, PK: pk, VK: vk}, nil
}

// VerifyingKeyBytes is the VK in gnark's compressed encoding, as
// MsgRegisterRollup takes it.
func (p *Prover) VerifyingKeyBytes() ([]byte, error) {
	var buf bytes.Buffer
	if _, err := p.VK.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
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
