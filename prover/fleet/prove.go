package fleet

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
)

// witnessHeaderBytes is gnark's witness encoding header: public count,
// secret count, vector length (4 bytes each).
const witnessHeaderBytes = 12

// parseWitness decodes a job's witness for key k after checking its
// shape against k's constraint system, so that no length from the wire
// reaches gnark's decoder unchecked.
func parseWitness(k *Key, bz []byte) (witness.Witness, error) {
	if len(bz) < witnessHeaderBytes {
		return nil, fmt.Errorf("witness of %d bytes", len(bz))
	}
	nbPublic := binary.BigEndian.Uint32(bz[0:4])
	nbSecret := binary.BigEndian.Uint32(bz[4:8])
	n := binary.BigEndian.Uint32(bz[8:12])
	wantPublic, wantSecret := k.CS.GetNbPublicVariables()-1, k.CS.GetNbSecretVariables()
	if int(nbPublic) != wantPublic || int(nbSecret) != wantSecret || uint64(n) != uint64(nbPublic)+uint64(nbSecret) ||
		len(bz) != witnessHeaderBytes+32*int(n) {
		return nil, fmt.Errorf("witness of %d public and %d secret inputs in %d bytes; %s takes %d and %d",
			nbPublic, nbSecret, len(bz), k.Circuit, wantPublic, wantSecret)
	}
	w, err := witness.New(ecc.BN254.ScalarField())
	if err != nil {
		return nil, err
	}
	if err := w.UnmarshalBinary(bz); err != nil {
		return nil, fmt.Errorf("decode witness: %w", err)
	}
	return w, nil
}

// proveWitness proves a serialized witness with k on the CPU (proveWith).
func proveWitness(k *Key, bz []byte) ([]byte, error) { return proveWith(cpuBackend{}, k, bz) }

// proveWith proves a serialized witness with k on backend b and checks the
// proof against k's verifying key before returning its compressed
// encoding.
func proveWith(b Backend, k *Key, bz []byte) (proof []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			proof, err = nil, fmt.Errorf("prover panicked: %v", r)
		}
	}()
	w, err := parseWitness(k, bz)
	if err != nil {
		return nil, err
	}
	k.solving.Lock() // see Key.solving
	p, err := b.Prove(k, w)
	k.solving.Unlock()
	if err != nil {
		return nil, fmt.Errorf("prove: %w", err)
	}
	pub, err := w.Public()
	if err != nil {
		return nil, err
	}
	if err := groth16.Verify(p, k.VK, pub); err != nil {
		return nil, fmt.Errorf("own proof does not verify: %w", err)
	}
	var buf bytes.Buffer
	if _, err := p.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// checkProof is the operator's check of a worker's proof: it decodes the
// exact bytes (no trailing data) and verifies them against vk for the
// public part of the witness the operator built itself.
func checkProof(vk groth16.VerifyingKey, proof []byte, public witness.Witness) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("proof decoding panicked: %v", r)
		}
	}()
	p := groth16.NewProof(ecc.BN254)
	n, err := p.ReadFrom(bytes.NewReader(proof))
	if err != nil {
		return fmt.Errorf("decode proof: %w", err)
	}
	if n != int64(len(proof)) {
		return fmt.Errorf("proof has %d trailing bytes", int64(len(proof))-n)
	}
	return groth16.Verify(p, vk, public)
}
