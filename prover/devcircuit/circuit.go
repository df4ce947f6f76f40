package devcircuit

import (
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/hash"
	"github.com/consensys/gnark/std/permutation/poseidon2"
	"github.com/consensys/gnark/std/rangecheck"

	"github.com/nativechain/nativechain/protocol"
)

// Circuit proves knowledge of the preimage of a batch commitment.
type Circuit struct {
	Commitment frontend.Variable `gnark:",public"`
	Preimage   [protocol.BatchCommitmentArity]frontend.Variable
}

// Define asserts Commitment == H(TagBatchCommitment; Preimage).
func (c *Circuit) Define(api frontend.API) error {
	got, err := BatchCommitment(api, c.Preimage[:])
	if err != nil {
		return err
	}
	api.AssertIsEqual(got, c.Commitment)
	return nil
}

// CommittedCircuit is Circuit plus a 64-bit range check of the batch index.
// gnark implements the range check with a lookup argument that needs one
// BSB22 commitment, so its verifying key and proofs exercise the verifier's
// commitment path.
type CommittedCircuit struct {
	Circuit
}

// Define adds the range check to Circuit's constraints.
func (c *CommittedCircuit) Define(api frontend.API) error {
	if err := c.Circuit.Define(api); err != nil {
		return err
	}
	rangecheck.New(api).Check(c.Preimage[2], 64)
	return nil
}

// BatchCommitment is the commitment gadget: a Merkle-Damgard chain over the
// Poseidon2 (t=2, rF=6, rP=50) compression function whose initial state is
// the tag. The prover's production gadget must compute the same value.
func BatchCommitment(api frontend.API, preimage []frontend.Variable) (frontend.Variable, error) {
	perm, err := poseidon2.NewPoseidon2FromParameters(api,
		protocol.Poseidon2Width, protocol.Poseidon2FullRounds, protocol.Poseidon2PartialRounds)
	if err != nil {
		return nil, err
	}
	tag := protocol.TagElement(protocol.TagBatchCommitment)
	h := hash.NewMerkleDamgardHasher(api, perm, tag.BigInt(new(big.Int)))
	h.Write(preimage...)
	return h.Sum(), nil
}

// Assignment returns a full witness for c.
func Assignment(c protocol.BatchCommitment) (*Circuit, error) {
	pre, err := c.Preimage()
	if err != nil {
		return nil, err
	}
	cm, err := c.Commitment()
	if err != nil {
		return nil, err
	}
	a := &Circuit{Commitment: cm}
	for i := range pre {
		a.Preimage[i] = pre[i]
	}
	return a, nil
}
