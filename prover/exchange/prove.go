package exchange

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

// Compile builds the circuit's R1CS for p.
func Compile(p Params) (constraint.ConstraintSystem, error) {
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

// NewDevProver compiles p and runs a single-party Groth16 setup: for tests
// and devnets only (the toxic waste is not destroyed verifiably).
func NewDevProver(p Params) (*Prover, error) {
	cs, err := Compile(p)
	if err != nil {
		return nil, err
	}
	pk, vk, err := groth16.Setup(cs)
	return &Prover{Params: p.WithDefaults(), CS: cs, PK: pk, VK: vk}, err
}

// VerifyingKeyBytes is the VK in gnark's compressed encoding.
func (p *Prover) VerifyingKeyBytes() ([]byte, error) {
	var buf bytes.Buffer
	_, err := p.VK.WriteTo(&buf)
	return buf.Bytes(), err
}

// Prove proves a built batch and checks the proof before returning its
// compressed encoding.
func (p *Prover) Prove(b *rollupkit.Batch) ([]byte, error) {
	w, err := frontend.NewWitness(b.Assignment, ecc.BN254.ScalarField())
	if err != nil {
		return nil, err
	}
	proof, err := groth16.Prove(p.CS, p.PK, w)
	if err != nil {
		return nil, fmt.Errorf("exchange: prove: %w", err)
	}
	if pub, err := w.Public(); err != nil || groth16.Verify(proof, p.VK, pub) != nil {
		return nil, fmt.Errorf("exchange: proof does not verify (%v)", err)
	}
	var buf bytes.Buffer
	_, err = proof.WriteTo(&buf)
	return buf.Bytes(), err
}
