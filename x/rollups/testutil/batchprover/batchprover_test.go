package batchprover_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

func TestProver_ProofVerifiesWithTheChainVerifier(t *testing.T) {
	p, err := batchprover.New()
	require.NoError(t, err)
	vk, err := verifier.ValidateVerifyingKey(p.VerifyingKey(), 4096, protocol.BatchPublicInputs)
	require.NoError(t, err)

	c := protocol.BatchCommitment{ChainID: "nativechain-test-1", RollupID: "payments", BatchIndex: 1,
		DAHash: protocol.DAHash([]byte("data")), InboxBefore: protocol.InboxAccumulatorGenesis(), InboxAfter: protocol.InboxAccumulatorGenesis(),
		Submitter: []byte("operator-address-20b")}
	proofBz, err := p.Prove(c)
	require.NoError(t, err)
	proof, err := verifier.ParseProof(proofBz)
	require.NoError(t, err)
	inputs, err := c.PublicInputs()
	require.NoError(t, err)
	require.NoError(t, verifier.Verify(vk, proof, inputs))

	c.BatchIndex = 2 // another statement
	inputs, err = c.PublicInputs()
	require.NoError(t, err)
	require.ErrorIs(t, verifier.Verify(vk, proof, inputs), verifier.ErrProofInvalid)

	// Keys survive a round trip through their encodings.
	q, err := batchprover.Load(p.ProvingKey(), p.VerifyingKey())
	require.NoError(t, err)
	require.Equal(t, p.VerifyingKey(), q.VerifyingKey())
}
