package keeper_test

import (
	"bytes"
	"errors"
	"math/rand"
	"slices"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// proofCountOffset is where the commitment count sits in a compressed
// proof: after [Ar]1 [Bs]2 [Krs]1.
const proofCountOffset = 32 + 64 + 32

func TestSubmitBatch_AdvancesRollupAndStoresBatch(t *testing.T) {
	f := newFixture(t)
	registered := f.register(t, rollupID)
	f.appendInbox(t, rollupID, 3)
	in := batchInput{
		newRoot:       root(42),
		data:          bytes.Repeat([]byte("tx"), 2048),
		outbox:        []protocol.OutboxEntry{withdrawal(250_000)},
		inboxConsumed: 2,
	}
	msg := f.batchMsg(t, rollupID, in)
	params := f.params(t)
	f.ctx = f.ctx.WithGasMeter(storetypes.NewGasMeter(10_000_000)).WithEventManager(sdk.NewEventManager())

	res, err := f.msgServer.SubmitBatch(f.ctx, msg)

	require.NoError(t, err)
	require.Equal(t, in.newRoot, res.NewStateRoot)

	// Verification and data are paid for.
	minGas := params.VerifyProofGas + params.GasPerDaByte*uint64(len(in.data))
	require.GreaterOrEqual(t, f.ctx.GasMeter().GasConsumed(), minGas)

	// The rollup advanced by exactly one batch.
	acc0 := protocol.FieldElementBytes(protocol.InboxAccumulatorGenesis())
	acc2 := protocol.FieldElementBytes(f.inboxAccumulator(t, rollupID, 2))
	r := f.rollup(t, rollupID)
	require.Equal(t, in.newRoot, r.StateRoot)
	require.Equal(t, registered.GenesisStateRoot, r.GenesisStateRoot)
	require.Equal(t, uint64(2), r.NextBatchIndex)
	require.Equal(t, uint64(2), r.InboxConsumed)
	require.Equal(t, acc2, r.ConsumedAccumulator)
	require.Equal(t, uint64(3), r.InboxSize, "consuming does not shrink the inbox")
	require.Equal(t, protocol.FieldElementBytes(f.inboxAccumulator(t, rollupID, 3)), r.InboxAccumulator)
	require.Equal(t, testHeight, r.LastBatchHeight)

	// The full batch record, emitted as a typed event, holds what the chain
	// computed, not what was claimed.
	records := typedEvents[*types.Batch](t, f.ctx)
	require.Len(t, records, 1)
	batch := *records[0]
	daHash, outHash := protocol.DAHash(in.data), protocol.OutboxHash(in.outbox)
	require.Equal(t, rollupID, batch.RollupId)
	require.Equal(t, uint64(1), batch.Index)
	require.Equal(t, registered.StateRoot, batch.PrevStateRoot)
	require.Equal(t, in.newRoot, batch.NewStateRoot)
	require.Equal(t, protocol.FieldElementBytes(daHash), batch.DaHash)
	require.Equal(t, uint64(len(in.data)), batch.DataBytes)
	require.Equal(t, uint64(0), batch.InboxFrom)
	require.Equal(t, uint64(2), batch.InboxTo)
	require.Equal(t, acc0, batch.InboxAccumulatorBefore)
	require.Equal(t, acc2, batch.InboxAccumulatorAfter)
	require.Equal(t, protocol.FieldElementBytes(outHash), batch.OutboxHash)
	require.Equal(t, uint64(1), batch.OutboxEntries)
	require.Equal(t, msg.L2TxCount, batch.L2TxCount)
	require.Equal(t, f.operator, batch.Submitter)
	require.Equal(t, testHeight, batch.Height)
	require.Equal(t, registered.VkHash, batch.VkHash)

	// The store keeps only the root, DA hash, inbox position and height:
	// at most 128 bytes of key and value per batch.
	stored, err := f.keeper.Batches.Get(f.ctx, collections.Join(rollupID, uint64(1)))
	require.NoError(t, err)
	require.Equal(t, types.Batch{NewStateRoot: batch.NewStateRoot, DaHash: batch.DaHash, InboxTo: 2, Height: testHeight}, stored)
	key, err := collections.EncodeKeyWithPrefix(types.BatchesKey, f.keeper.Batches.KeyCodec(), collections.Join(rollupID, uint64(1)))
	require.NoError(t, err)
	require.LessOrEqual(t, len(key)+stored.Size(), 128)
	// The query gives back everything the chain can derive.
	queried, err := f.keeper.GetBatch(f.ctx, rollupID, 1)
	require.NoError(t, err)
	want := batch
	want.DataBytes, want.OutboxHash, want.OutboxEntries, want.L2TxCount, want.Submitter, want.VkHash = 0, nil, 0, 0, "", nil
	require.Equal(t, want, queried)

	events := typedEvents[*types.EventBatchVerified](t, f.ctx)
	require.Len(t, events, 1)
	require.Equal(t, types.EventBatchVerified{
		RollupId: rollupID, Index: 1, NewStateRoot: "000000000000000000000000000000000000000000000000000000000000002a",
		Submitter: f.operator, DataBytes: uint64(len(in.data)), InboxConsumed: 2, OutboxEntries: 1,
	}, *events[0])

	// Other modules see the decoded outbox.
	require.Len(t, f.hooks.batches, 1)
	require.Equal(t, types.VerifiedBatch{
		RollupID: rollupID, Index: 1, Submitter: f.operator, Operators: []string{f.operator},
		DataBytes: uint64(len(in.data)), L2TxCount: msg.L2TxCount, Outbox: in.outbox,
		InboxFrom: 0, InboxTo: 2,
	}, f.hooks.batches[0])
}

// Batches chain: each starts from the root and inbox position the previous
// one left, and the records link up.
func TestSubmitBatch_ConsecutiveBatchesFollowStoredState(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)
	f.appendInbox(t, rollupID, 3)
	for i, consumed := range []uint64{1, 0, 2} {
		in := defaultInput(uint64(i + 1))
		in.inboxConsumed = consumed
		_, err := f.msgServer.SubmitBatch(f.ctx, f.batchMsg(t, rollupID, in))
		require.NoError(t, err, "batch %d", i+1)
	}
	r := f.rollup(t, rollupID)
	require.Equal(t, uint64(4), r.NextBatchIndex)
	require.Equal(t, uint64(3), r.InboxConsumed)
	require.Equal(t, r.InboxAccumulator, r.ConsumedAccumulator, "everything consumed")

	var prev types.Batch
	for i := uint64(1); i <= 3; i++ {
		b, err := f.keeper.GetBatch(f.ctx, rollupID, i)
		require.NoError(t, err)
		if i > 1 {
			require.Equal(t, prev.NewStateRoot, b.PrevStateRoot)
			require.Equal(t, prev.InboxTo, b.InboxFrom)
			require.Equal(t, prev.InboxAccumulatorAfter, b.InboxAccumulatorBefore)
		}
		prev = b
	}
	require.Equal(t, r.StateRoot, prev.NewStateRoot)
	require.Len(t, f.hooks.batches, 3)
}

// Proof bytes that are not a proof of the statement are refused, each with
// the verifier's typed error, and change nothing.
func TestSubmitBatch_RefusesMalformedProofs(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)
	valid := f.nextBatch(t, rollupID).Proof
	require.Len(t, valid, verifier.ProofSize, "the test circuit has no commitment")
	rng := rand.New(rand.NewSource(7))
	random := func(n int) []byte {
		b := make([]byte, n)
		rng.Read(b)
		return b
	}
	infinityG1 := append([]byte{0x40}, make([]byte, 31)...)

	tests := []struct {
		name    string
		proof   []byte
		wantErr error
	}{
		{"random bytes", withU32(random(verifier.ProofSize), proofCountOffset, 0), verifier.ErrProofEncoding},
		{"random bytes with one commitment", withU32(random(verifier.MaxProofSize), proofCountOffset, 1), verifier.ErrProofEncoding},
		{"random bytes with a hostile commitment count", withU32(random(verifier.MaxProofSize), proofCountOffset, 0xffffffff), verifier.ErrProofCommitmentCount},
		{"zeroed", make([]byte, verifier.ProofSize), verifier.ErrProofEncoding},
		{"empty", nil, types.ErrInvalidProof},
		{"truncated by one byte", valid[:len(valid)-1], verifier.ErrProofLength},
		{"truncated to half", valid[:len(valid)/2], verifier.ErrProofLength},
		{"one trailing byte", append(slices.Clone(valid), 0), verifier.ErrProofLength},
		{"padded to the commitment length", append(slices.Clone(valid), make([]byte, 32)...), verifier.ErrProofLength},
		{"over the message limit", append(slices.Clone(valid), make([]byte, types.MaxProofBytes+1-len(valid))...), types.ErrInvalidProof},
		{"claims a commitment it does not carry", withU32(valid, proofCountOffset, 1), verifier.ErrProofLength},
		{"Ar at infinity", withBytes(valid, 0, infinityG1), verifier.ErrProofEncoding},
		{"Ar off the curve", withBytes(valid, 0, offCurveG1()), verifier.ErrProofEncoding},
		{"a valid proof of another statement", f.msgFor(t, testProver(t),
			f.commitment(t, rollupID, defaultInput(99)), defaultInput(99)).Proof, verifier.ErrProofInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := f.rollup(t, rollupID)
			msg := f.batchMsgWithoutProof(t, rollupID, defaultInput(1))
			msg.Proof = tc.proof

			_, err := f.msgServer.SubmitBatch(f.ctx, msg)

			require.ErrorIs(t, err, tc.wantErr)
			f.requireRollupUnchanged(t, before)
			require.Empty(t, f.hooks.batches)
		})
	}
}

// batchMsgWithoutProof is a well-formed message for in at the rollup's
// next index, with a placeholder proof.
func (f fixture) batchMsgWithoutProof(t *testing.T, id string, in batchInput) *types.MsgSubmitBatch {
	t.Helper()
	outbox, err := protocol.EncodeOutbox(in.outbox)
	require.NoError(t, err)
	return &types.MsgSubmitBatch{
		Submitter: f.operator, RollupId: id, BatchIndex: f.rollup(t, id).NextBatchIndex,
		NewStateRoot: in.newRoot, Data: in.data, InboxConsumed: in.inboxConsumed, Outbox: outbox,
		Proof: make([]byte, verifier.ProofSize),
	}
}

// A valid proof binds every component of the statement: change any one of
// them, in the message or in what was proven, and it does not verify.
func TestSubmitBatch_RefusesProofOfAnyOtherStatement(t *testing.T) {
	other := fr.NewElement(31337)
	tests := []struct {
		name string
		// proven changes the statement that is proven; posted the message.
		proven func(c *protocol.BatchCommitment)
		posted func(in *batchInput)
	}{
		{name: "posted new root differs", posted: func(in *batchInput) { in.newRoot = root(31337) }},
		{name: "posted data differs", posted: func(in *batchInput) { in.data = append(slices.Clone(in.data), '!') }},
		{name: "posted data truncated", posted: func(in *batchInput) { in.data = in.data[:len(in.data)-1] }},
		{name: "posted outbox has an extra entry", posted: func(in *batchInput) {
			in.outbox = append(slices.Clone(in.outbox), withdrawal(1))
		}},
		{name: "posted outbox is empty", posted: func(in *batchInput) { in.outbox = nil }},
		{name: "posted outbox amount differs", posted: func(in *batchInput) { in.outbox = []protocol.OutboxEntry{withdrawal(2)} }},
		{name: "posted inbox consumption is larger", posted: func(in *batchInput) { in.inboxConsumed = 2 }},
		{name: "posted inbox consumption is smaller", posted: func(in *batchInput) { in.inboxConsumed = 0 }},
		{name: "proven for the next index", proven: func(c *protocol.BatchCommitment) { c.BatchIndex++ }},
		{name: "proven from another previous root", proven: func(c *protocol.BatchCommitment) { c.PrevStateRoot = other }},
		{name: "proven with another inbox start", proven: func(c *protocol.BatchCommitment) { c.InboxBefore = other }},
		{name: "proven with another inbox end", proven: func(c *protocol.BatchCommitment) { c.InboxAfter = other }},
		{name: "proven with another DA hash", proven: func(c *protocol.BatchCommitment) { c.DAHash = other }},
		{name: "proven with another outbox hash", proven: func(c *protocol.BatchCommitment) { c.OutboxHash = other }},
		{name: "proven for another rollup id", proven: func(c *protocol.BatchCommitment) { c.RollupID = "dex" }},
		{name: "proven for another chain id", proven: func(c *protocol.BatchCommitment) { c.ChainID = "nativechain-2" }},
		{name: "proven with another L2 tx count", proven: func(c *protocol.BatchCommitment) { c.L2TxCount++ }},
		{name: "proven for another submitter", proven: func(c *protocol.BatchCommitment) {
			c.Submitter = bytes.Repeat([]byte{0xee}, 20) // the outsider, who front-runs nothing
		}},
	}
	f := newFixture(t)
	f.register(t, rollupID)
	f.appendInbox(t, rollupID, 2)
	base := defaultInput(1)
	base.inboxConsumed = 1
	base.outbox = []protocol.OutboxEntry{withdrawal(1)}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := f.commitment(t, rollupID, base)
			if tc.proven != nil {
				tc.proven(&c)
			}
			in := base
			if tc.posted != nil {
				tc.posted(&in)
			}
			msg := f.msgFor(t, testProver(t), c, in)
			msg.RollupId, msg.BatchIndex = rollupID, 1 // always aimed at the rollup's next batch
			before := f.rollup(t, rollupID)

			_, err := f.msgServer.SubmitBatch(f.ctx, msg)

			require.ErrorIs(t, err, verifier.ErrProofInvalid)
			f.requireRollupUnchanged(t, before)
		})
	}
	// The unchanged statement does verify: the cases above fail for the
	// change alone.
	_, err := f.msgServer.SubmitBatch(f.ctx, f.batchMsg(t, rollupID, base))
	require.NoError(t, err)
}

// Two rollups with the same key and the same state: a real, accepted-form
// batch of one is not a batch of the other.
func TestSubmitBatch_RefusesProofMadeForAnotherRollup(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)
	f.register(t, "dex")
	msg := f.nextBatch(t, "dex")
	msg.RollupId = rollupID
	before := f.rollup(t, rollupID)

	_, err := f.msgServer.SubmitBatch(f.ctx, msg)

	require.ErrorIs(t, err, verifier.ErrProofInvalid)
	f.requireRollupUnchanged(t, before)
	msg.RollupId = "dex"
	_, err = f.msgServer.SubmitBatch(f.ctx, msg)
	require.NoError(t, err, "it is a valid batch of the rollup it was made for")
}

// A batch valid on one chain does not verify on another chain whose rollup
// has the same id and state.
func TestSubmitBatch_RefusesProofMadeForAnotherChain(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)
	msg := f.nextBatch(t, rollupID)
	before := f.rollup(t, rollupID)

	_, err := f.msgServer.SubmitBatch(f.ctx.WithChainID("nativechain-fork-1"), msg)

	require.ErrorIs(t, err, verifier.ErrProofInvalid)
	f.requireRollupUnchanged(t, before)
	_, err = f.msgServer.SubmitBatch(f.ctx, msg)
	require.NoError(t, err)
}

func TestSubmitBatch_RefusesReplayedIndex(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)
	msg := f.submit(t, rollupID)
	after := f.rollup(t, rollupID)

	_, err := f.msgServer.SubmitBatch(f.ctx, msg)

	require.ErrorIs(t, err, types.ErrWrongBatchIndex)
	f.requireRollupUnchanged(t, after)
	require.Len(t, f.hooks.batches, 1, "the hooks saw the batch once")
}

func TestSubmitBatch_RefusesSkippedIndex(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)
	in := defaultInput(2)
	c := f.commitment(t, rollupID, in)
	c.BatchIndex = 2 // a correct proof of batch 2 from the current state
	msg := f.msgFor(t, testProver(t), c, in)
	before := f.rollup(t, rollupID)

	_, err := f.msgServer.SubmitBatch(f.ctx, msg)

	require.ErrorIs(t, err, types.ErrWrongBatchIndex)
	f.requireRollupUnchanged(t, before)
}

// Groth16 proofs are malleable: proving the same statement again gives new
// bytes that verify. Replay protection is the index inside the statement,
// so the second proof of an accepted batch is refused by index.
func TestSubmitBatch_RefusesRerandomizedProofOfAcceptedBatch(t *testing.T) {
	f := newFixture(t)
	r := f.register(t, rollupID)
	in := defaultInput(1)
	c := f.commitment(t, rollupID, in)
	first := f.msgFor(t, testProver(t), c, in)
	_, err := f.msgServer.SubmitBatch(f.ctx, first)
	require.NoError(t, err)
	after := f.rollup(t, rollupID)

	second := *first
	second.Proof = prove(t, testProver(t), c)
	require.NotEqual(t, first.Proof, second.Proof, "proving is randomized")
	vk, err := verifier.ValidateVerifyingKey(r.VerifyingKey, int(protocol.MaxVerifyingKeyBytes), protocol.BatchPublicInputs)
	require.NoError(t, err)
	proof, err := verifier.ParseProof(second.Proof)
	require.NoError(t, err)
	inputs, err := c.PublicInputs()
	require.NoError(t, err)
	require.NoError(t, verifier.Verify(vk, proof, inputs), "the new proof verifies cryptographically")

	_, err = f.msgServer.SubmitBatch(f.ctx, &second)
	require.ErrorIs(t, err, types.ErrWrongBatchIndex)
	f.requireRollupUnchanged(t, after)

	// Aimed at the next index instead, it is a proof of the wrong statement.
	second.BatchIndex = 2
	_, err = f.msgServer.SubmitBatch(f.ctx, &second)
	require.ErrorIs(t, err, verifier.ErrProofInvalid)
	f.requireRollupUnchanged(t, after)
}

// Checks that need no proof verification refuse a batch before it costs a
// pairing, each with its own error, and change nothing.
func TestSubmitBatch_RefusesBatchesThatDoNotFitTheRollup(t *testing.T) {
	tests := []struct {
		name    string
		arrange func(t *testing.T, f fixture, m *types.MsgSubmitBatch)
		wantErr error
	}{
		{"submitter is not an operator", func(_ *testing.T, f fixture, m *types.MsgSubmitBatch) { m.Submitter = f.outsider }, types.ErrNotOperator},
		{"admin is not an operator", func(_ *testing.T, f fixture, m *types.MsgSubmitBatch) { m.Submitter = f.admin }, types.ErrNotOperator},
		{"malformed submitter", func(_ *testing.T, _ fixture, m *types.MsgSubmitBatch) { m.Submitter = "native1bad" }, types.ErrUnauthorized},
		{"unregistered rollup", func(_ *testing.T, _ fixture, m *types.MsgSubmitBatch) { m.RollupId = "unknown" }, types.ErrUnknownRollup},
		{"invalid rollup id", func(_ *testing.T, _ fixture, m *types.MsgSubmitBatch) { m.RollupId = "Pay" }, protocol.ErrInvalidRollupID},
		{"index zero", func(_ *testing.T, _ fixture, m *types.MsgSubmitBatch) { m.BatchIndex = 0 }, types.ErrWrongBatchIndex},
		{"more inbox entries than exist", func(_ *testing.T, _ fixture, m *types.MsgSubmitBatch) { m.InboxConsumed = 2 }, types.ErrInboxOverconsumed},
		{"inbox consumption overflowing uint64", func(_ *testing.T, _ fixture, m *types.MsgSubmitBatch) { m.InboxConsumed = ^uint64(0) }, types.ErrInboxOverconsumed},
		{"new root equal to the modulus", func(_ *testing.T, _ fixture, m *types.MsgSubmitBatch) { m.NewStateRoot = modulusBytes() }, protocol.ErrStateRootNonCanonical},
		{"new root all ones", func(_ *testing.T, _ fixture, m *types.MsgSubmitBatch) {
			m.NewStateRoot = bytes.Repeat([]byte{0xff}, 32)
		}, protocol.ErrStateRootNonCanonical},
		{"new root of 33 bytes", func(_ *testing.T, _ fixture, m *types.MsgSubmitBatch) { m.NewStateRoot = append(root(5), 0) }, protocol.ErrStateRootLength},
		{"data over the rollup's limit", func(t *testing.T, f fixture, m *types.MsgSubmitBatch) {
			m.Data = make([]byte, f.rollup(t, rollupID).MaxBatchDataBytes+1)
		}, types.ErrBatchDataTooLarge},
		{"data over the chain's hard limit", func(_ *testing.T, _ fixture, m *types.MsgSubmitBatch) {
			m.Data = make([]byte, types.MaxBatchDataBytesLimit+1)
		}, types.ErrBatchDataTooLarge},
		{"truncated outbox", func(_ *testing.T, _ fixture, m *types.MsgSubmitBatch) { m.Outbox = []byte{0x01} }, protocol.ErrOutboxTruncated},
		{"outbox with an explicit zero count", func(_ *testing.T, _ fixture, m *types.MsgSubmitBatch) { m.Outbox = []byte{0x00} }, protocol.ErrOutboxNonCanonical},
		{"outbox with trailing bytes", func(t *testing.T, _ fixture, m *types.MsgSubmitBatch) {
			bz, err := protocol.EncodeOutbox([]protocol.OutboxEntry{withdrawal(1)})
			require.NoError(t, err)
			m.Outbox = append(bz, 0)
		}, protocol.ErrOutboxTrailingBytes},
		{"frozen rollup", func(t *testing.T, f fixture, _ *types.MsgSubmitBatch) {
			r := f.rollup(t, rollupID)
			r.Status = types.ROLLUP_STATUS_FROZEN
			require.NoError(t, f.keeper.SetRollup(f.ctx, r))
		}, types.ErrRollupNotActive},
	}
	f := newFixture(t)
	f.register(t, rollupID)
	f.appendInbox(t, rollupID, 1)
	valid := f.nextBatch(t, rollupID)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := f
			f.ctx, _ = f.ctx.CacheContext() // the frozen case writes its setup
			msg := *valid
			tc.arrange(t, f, &msg)
			before := f.rollup(t, rollupID)

			_, err := f.msgServer.SubmitBatch(f.ctx, &msg)

			require.ErrorIs(t, err, tc.wantErr)
			f.requireRollupUnchanged(t, before)
			require.ErrorIs(t, f.keeper.CheckBatch(f.ctx, &msg), tc.wantErr, "CheckTx refuses it the same way")
		})
	}
	_, err := f.msgServer.SubmitBatch(f.ctx, valid)
	require.NoError(t, err, "the unchanged batch is valid")
}

func TestSubmitBatch_DataLimitIsTheRollups(t *testing.T) {
	f := newFixture(t)
	reg := f.registerMsg(t, rollupID)
	reg.MaxBatchDataBytes = 64
	_, err := f.msgServer.RegisterRollup(f.ctx, reg)
	require.NoError(t, err)

	over := batchInput{newRoot: root(2), data: bytes.Repeat([]byte{7}, 65)}
	_, err = f.msgServer.SubmitBatch(f.ctx, f.batchMsg(t, rollupID, over))
	require.ErrorIs(t, err, types.ErrBatchDataTooLarge)

	atLimit := batchInput{newRoot: root(2), data: bytes.Repeat([]byte{7}, 64)}
	_, err = f.msgServer.SubmitBatch(f.ctx, f.batchMsg(t, rollupID, atLimit))
	require.NoError(t, err)
}

// Verification gas is charged before the pairing, so a batch whose proof
// fails still pays for the work it caused.
func TestSubmitBatch_ChargesGasBeforeVerifying(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)
	params := f.params(t)
	msg := f.nextBatch(t, rollupID)
	msg.NewStateRoot = root(777) // the proof no longer matches
	ctx := f.ctx.WithGasMeter(storetypes.NewGasMeter(10_000_000))

	_, err := f.msgServer.SubmitBatch(ctx, msg)

	require.ErrorIs(t, err, verifier.ErrProofInvalid)
	require.GreaterOrEqual(t, ctx.GasMeter().GasConsumed(), params.VerifyProofGas+params.GasPerDaByte*uint64(len(msg.Data)))

	// Out of gas before verification: the batch is refused with the SDK's
	// out-of-gas panic, not verified for free.
	valid := f.nextBatch(t, rollupID)
	low := f.ctx.WithGasMeter(storetypes.NewGasMeter(params.VerifyProofGas / 2))
	require.Panics(t, func() { _, _ = f.msgServer.SubmitBatch(low, valid) })
}

// A hook error fails the batch: a batch whose outbox cannot be applied is
// not accepted (the SDK then discards the transaction's writes).
func TestSubmitBatch_FailsWhenAHookFails(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)
	hookErr := errors.New("escrow ledger cannot pay the withdrawal")
	f.hooks.err = hookErr
	in := defaultInput(1)
	in.outbox = []protocol.OutboxEntry{withdrawal(5)}

	_, err := f.msgServer.SubmitBatch(f.ctx, f.batchMsg(t, rollupID, in))

	require.ErrorIs(t, err, hookErr)
}

// CheckBatch (CheckTx) runs every check including verification and writes
// nothing; the verified-statement cache changes no answer.
func TestCheckBatch_CachedVerificationChangesNoResult(t *testing.T) {
	f := newFixture(t)
	before := f.register(t, rollupID)
	msg := f.nextBatch(t, rollupID)
	bad := *msg
	bad.Data = []byte("not what was proven")

	for i := 0; i < 2; i++ {
		require.NoError(t, f.keeper.CheckBatch(f.ctx, msg), "check %d", i)
		require.ErrorIs(t, f.keeper.CheckBatch(f.ctx, &bad), verifier.ErrProofInvalid, "check %d", i)
	}
	f.requireRollupUnchanged(t, before)
	require.Empty(t, f.hooks.batches)

	_, err := f.msgServer.SubmitBatch(f.ctx, msg)
	require.NoError(t, err, "a cached statement is still accepted")
	_, err = f.msgServer.SubmitBatch(f.ctx, &bad)
	require.ErrorIs(t, err, types.ErrWrongBatchIndex)

	// The cache never bypasses the state checks.
	require.ErrorIs(t, f.keeper.CheckBatch(f.ctx, msg), types.ErrWrongBatchIndex)
}
