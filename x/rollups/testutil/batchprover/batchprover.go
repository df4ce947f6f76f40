// Package batchprover proves batch commitments with the tiny development
// circuit of prover/devcircuit, so keeper, integration and system tests
// (and the devnet demo before the payments rollup circuit exists) can make
// real Groth16 proofs for any statement in milliseconds.
//
// The test circuit only proves knowledge of the commitment's preimage: it
// says nothing about a rollup's state transition. It is test
// infrastructure and never a rollup's circuit.
package batchprover

import (
	"bytes"
	"fmt"
	"io"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/devcircuit"
)

// Prover holds the compiled test circuit and a key pair from a fresh
// (insecure, single-party) setup.
type Prover struct {
	cs constraint.ConstraintSystem
	pk groth16.ProvingKey
	vk groth16.VerifyingKey
}

// New compiles the test circuit and runs a development setup (about a
// second on one core).
func New() (*Prover, error) {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &devcircuit.Circuit{})
	if err != nil {
		return nil, fmt.Errorf("compile test circuit: %w", err)
	}
	pk, vk, err := groth16.Setup(cs)
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	return &Prover{cs: cs, pk: pk, vk: vk}, nil
}

// Load restores a prover from the keys ProvingKey and VerifyingKey return.
func Load(pkBytes, vkBytes []byte) (*Prover, error) {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &devcircuit.Circuit{})
	if err != nil {
		return nil, err
	}
	pk := groth16.NewProvingKey(ecc.BN254)
	if _, err := pk.ReadFrom(bytes.NewReader(pkBytes)); err != nil {
		return nil, fmt.Errorf("proving key: %w", err)
	}
	vk := groth16.NewVerifyingKey(ecc.BN254)
	if _, err := vk.ReadFrom(bytes.NewReader(vkBytes)); err != nil {
		return nil, fmt.Errorf("verifying key: %w", err)
	}
	return &Prover{cs: cs, pk: pk, vk: vk}, nil
}

// VerifyingKey returns the verifying key in the encoding the chain takes.
func (p *Prover) VerifyingKey() []byte { return encode(p.vk) }

// ProvingKey returns the proving key (for caching between runs).
func (p *Prover) ProvingKey() []byte { return encode(p.pk) }

// Prove returns a proof, in the encoding the chain takes, that the prover
// knows the preimage of c's commitment.
func (p *Prover) Prove(c protocol.BatchCommitment) ([]byte, error) {
	assignment, err := devcircuit.Assignment(c)
	if err != nil {
		return nil, err
	}
	w, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	if err != nil {
		return nil, err
	}
	proof, err := groth16.Prove(p.cs, p.pk, w)
	if err != nil {
		return nil, err
	}
	return encode(proof), nil
}

func encode(v io.WriterTo) []byte {
	var buf bytes.Buffer
	if _, err := v.WriteTo(&buf); err != nil { // compressed encoding
		panic(err) // writing to a bytes.Buffer cannot fail
	}
	return buf.Bytes()
}
