package operator

import (
	"bytes"
	"context"
	"encoding/hex"
	"os"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol/syncv1"
	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// R9-2 (docs/notes/i19-recheck.md): verifyBatchProof, the fix of R8-8,
// accepts batches the chain refuses. The fixture is x/rollups/testdata:
// proof_0.bin of batch 1 of "payments" under vk.bin (inputs.json).

func fixtureOffer(t *testing.T) (*checkedOffer, []byte, []byte) {
	t.Helper()
	read := func(name string) []byte {
		bz, err := os.ReadFile("../../x/rollups/testdata/" + name)
		require.NoError(t, err)
		return bz
	}
	h := func(s string) []byte {
		bz, err := hex.DecodeString(s)
		require.NoError(t, err)
		return bz
	}
	o := syncv1.Offer{ChainID: "nativechain-1", RollupID: "payments", BatchIndex: 1,
		Submitter:     sdk.AccAddress(bytes.Repeat([]byte{0x5b}, 20)).String(),
		PrevStateRoot: h("1d48a01eb58f17f8ef07628bb6649630940ca58770c3ad93d07055891c224e29"),
		NewStateRoot:  h("0c0ce15107af3c3db55980e0a7bbca6770eb0652002dd45d752d668769d07de3"),
		DAHash:        h("2708c3104112ce8c6e846089c18bd2dcb3ba27afd70be903e64a9a8ef04b9526"),
		InboxBefore:   h("26e62294c3308699c82590a67e6b5be17f189aa879a228c70f399047bcb5a5b9"),
		InboxAfter:    h("12572463c03f69d69ad21da05b1af6a9b4201061b610dc68b3f2a76fe8651619"),
		InboxFrom:     0, InboxConsumed: 1, L2TxCount: 1}
	co := &checkedOffer{offer: o, msg: &types.MsgSubmitBatch{RollupId: "payments", BatchIndex: 1, Submitter: o.Submitter, Proof: read("proof_0.bin")}}
	return co, read("vk.bin"), read("vk_commit.bin")
}

// paymentsRollup is the fixture's rollup on the chain: the one inbox entry
// the fixture batch consumes is there (its accumulator is the batch's
// InboxAfter).
func paymentsRollup(vk []byte) types.Rollup {
	h := func(s string) []byte { bz, _ := hex.DecodeString(s); return bz }
	return types.Rollup{Id: "payments", NextBatchIndex: 1, Status: types.ROLLUP_STATUS_ACTIVE, VerifyingKey: vk,
		InboxSize: 1, InboxAccumulator: h("12572463c03f69d69ad21da05b1af6a9b4201061b610dc68b3f2a76fe8651619")}
}

// Positive control: the fixture verifies when the rollup's key is vk.bin.
func TestRecheck_R9_2_FixtureVerifies(t *testing.T) {
	op, chain, _ := newLeader(t)
	op.chainID = "nativechain-1"
	co, vk, _ := fixtureOffer(t)
	chain.others["payments"] = paymentsRollup(vk)
	require.NoError(t, op.verifyBatchProof(context.Background(), co))
}

// A pending key is accepted whatever its activation height: the rollup's
// admin schedules a key it can prove anything under (a trapdoor setup, or
// the dev circuit, whose only constraint is the commitment) and the
// rollup's operators get any batch through a destination's check for the
// whole vk_update_delay_blocks, though the chain verifies under the
// current key until activation (effectiveKey) and refuses them all.
func TestRecheck_R9_2_PendingKeyNotInForceByTheRoundsExpiryIsRefused(t *testing.T) {
	op, chain, _ := newLeader(t)
	op.chainID = "nativechain-1"
	co, vk, other := fixtureOffer(t)
	r := paymentsRollup(other) // the key in force is another one
	r.PendingVerifyingKey = &types.PendingVerifyingKey{VerifyingKey: vk, ActivationHeight: 1_000_000}
	chain.others["payments"] = r
	require.Error(t, op.verifyBatchProof(context.Background(), co),
		"a proof under a key that activates at height 10^6 passes (the chain is at %d; the round expires within round_blocks)",
		op.follower.chainView().height)
}

// InboxAfter is the offer's, never compared with the chain: here the
// batch is the rollup's next and consumes the one entry in its inbox, so
// the chain will use the rollup's inbox accumulator as InboxAfter; the
// proof's statement consumed a different entry (for an upstream batch
// built on provisional entries, the predicted ones are not checked
// either: takeIntent never calls provisionalMatch).
func TestRecheck_R9_2_InboxAfterIsBoundToTheChain(t *testing.T) {
	op, chain, _ := newLeader(t)
	op.chainID = "nativechain-1"
	co, vk, _ := fixtureOffer(t)
	r := paymentsRollup(vk)
	r.InboxSize, r.InboxConsumed = 1, 0
	r.ConsumedAccumulator = co.offer.InboxBefore
	r.InboxAccumulator = bytes.Repeat([]byte{0x01}, 32) // the chain's entry 0 is another one
	chain.others["payments"] = r
	require.Error(t, op.verifyBatchProof(context.Background(), co),
		"the proof consumes inbox entries the chain does not hold and passes")
}

// The "corrupt_proof" fault's proof parses and fails only the pairing
// check, so the system test's failure is the same every run (a flipped
// byte gave an encoding error, by chance, in one CI run).
func TestWrongProof_ParsesButDoesNotVerify(t *testing.T) {
	op, chain, _ := newLeader(t)
	op.chainID = "nativechain-1"
	co, vk, _ := fixtureOffer(t)
	chain.others["payments"] = paymentsRollup(vk)
	bad, err := wrongProof(co.msg.Proof)
	require.NoError(t, err)
	require.NotEqual(t, co.msg.Proof, bad)
	_, err = verifier.ParseProof(bad)
	require.NoError(t, err, "the wrong proof is well formed")
	co.msg.Proof = bad
	err = op.verifyBatchProof(context.Background(), co)
	require.ErrorContains(t, err, "does not verify against the rollup's verifying key")
}
