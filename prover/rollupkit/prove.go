package rollupkit

import (
	"bytes"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// Compile builds a circuit's R1CS over BN254's scalar field, as the chain
// verifies it.
func Compile(c frontend.Circuit) (constraint.ConstraintSystem, error) {
	return frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
}

// Prover proves any kind's batches in this process with one circuit's
// Groth16 keys (resolved through the circuits registry and the key
// files, or a dev setup).
type Prover struct {
	CS constraint.ConstraintSystem
	PK groth16.ProvingKey
	VK groth16.VerifyingKey
}

// NewDevProver compiles c and runs a single-party Groth16 setup. Its toxic
// waste is not destroyed in any verifiable way: for tests and devnets;
// production keys come from prover/setup's ceremony.
func NewDevProver(c frontend.Circuit) (*Prover, error) {
	cs, err := Compile(c)
	if err != nil {
		return nil, err
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		return nil, err
	}
	return &Prover{CS: cs, PK: pk, VK: vk}, nil
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

// Prove proves b.Assignment (the prover uses every core) and checks the
// proof against the assignment's own public inputs before returning its
// compressed encoding, as MsgSubmitBatch takes it.
func (p *Prover) Prove(b *Batch) ([]byte, error) {
	return ProveAssignment(p.CS, p.PK, p.VK, b.Assignment)
}

// ProveAssignment is Prover.Prove for a bare assignment.
func ProveAssignment(cs constraint.ConstraintSystem, pk groth16.ProvingKey, vk groth16.VerifyingKey, assignment frontend.Circuit) ([]byte, error) {
	w, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	if err != nil {
		return nil, err
	}
	proof, err := groth16.Prove(cs, pk, w)
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	pub, err := w.Public()
	if err != nil {
		return nil, err
	}
	if err := groth16.Verify(proof, vk, pub); err != nil {
		return nil, fmt.Errorf("proof does not verify: %w", err)
	}
	var buf bytes.Buffer
	if _, err := proof.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
