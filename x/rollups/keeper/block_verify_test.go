package keeper_test

import (
	"bytes"
	"fmt"
	"testing"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// blockFixture is a chain with two registered rollups, two inbox messages
// for the first, and the batches of one block: the first rollup's batch 1,
// the second rollup's batch 1, then the first rollup's batch 2, which is
// proven against the state batch 1 leaves.
//
// Registration is deterministic, so the same batches are valid on every
// fresh blockFixture: each test gets its own keeper (and verified-proof
// cache) without proving again.
type blockFixture struct {
	fixture
	msgs []*types.MsgSubmitBatch
}

func newBlockFixture(t *testing.T) blockFixture {
	t.Helper()
	f := newFixture(t)
	f.register(t, rollupID)
	f.register(t, "dex")
	f.appendInbox(t, rollupID, 2)
	return blockFixture{fixture: f}
}

func makeBlockBatches(t *testing.T) []*types.MsgSubmitBatch {
	t.Helper()
	f := newBlockFixture(t)
	in1 := defaultInput(1)
	in1.inboxConsumed = 1
	c1 := f.commitment(t, rollupID, in1)
	a1 := f.msgFor(t, testProver(t), c1, in1)

	b1 := f.nextBatch(t, "dex")

	in2 := defaultInput(2)
	in2.inboxConsumed = 1
	in2.outbox = []protocol.OutboxEntry{withdrawal(9)}
	c2 := c1
	c2.BatchIndex = 2
	c2.PrevStateRoot = c1.NewStateRoot
	c2.NewStateRoot = mustRoot(t, in2.newRoot)
	c2.DAHash = protocol.DAHash(in2.data)
	c2.InboxBefore = c1.InboxAfter
	c2.InboxAfter = f.inboxAccumulator(t, rollupID, 2)
	c2.OutboxHash = protocol.OutboxHash(in2.outbox)
	a2 := f.msgFor(t, testProver(t), c2, in2)
	return []*types.MsgSubmitBatch{a1, b1, a2}
}

func mustRoot(t *testing.T, bz []byte) fr.Element {
	t.Helper()
	r, err := protocol.ParseStateRoot(bz)
	require.NoError(t, err)
	return r
}

func cloneMsgs(msgs []*types.MsgSubmitBatch) []*types.MsgSubmitBatch {
	out := make([]*types.MsgSubmitBatch, len(msgs))
	for i, m := range msgs {
		cp := *m
		out[i] = &cp
	}
	return out
}

func TestVerifyBlockBatches_VerifiesTwoRollupsAndConsecutiveBatchesTogether(t *testing.T) {
	msgs := makeBlockBatches(t)
	f := newBlockFixture(t)
	payments, dex := f.rollup(t, rollupID), f.rollup(t, "dex")

	bad, err := f.keeper.VerifyBlockBatches(f.ctx, msgs)

	require.NoError(t, err)
	require.Equal(t, -1, bad)
	f.requireRollupUnchanged(t, payments)
	f.requireRollupUnchanged(t, dex)

	// FinalizeBlock then applies them in block order.
	for i, msg := range msgs {
		_, err := f.msgServer.SubmitBatch(f.ctx, msg)
		require.NoError(t, err, "batch %d", i)
	}
	require.Equal(t, uint64(3), f.rollup(t, rollupID).NextBatchIndex)
	require.Equal(t, uint64(2), f.rollup(t, rollupID).InboxConsumed)
	require.Equal(t, uint64(2), f.rollup(t, "dex").NextBatchIndex)
}

func TestVerifyBlockBatches_ReturnsThePositionOfATamperedBatch(t *testing.T) {
	msgs := makeBlockBatches(t)
	tamperings := []struct {
		name   string
		tamper func(m *types.MsgSubmitBatch)
	}{
		{"data", func(m *types.MsgSubmitBatch) { m.Data = append([]byte("x"), m.Data...) }},
		{"proof of another batch", func(m *types.MsgSubmitBatch) {
			for _, other := range msgs {
				if other.RollupId != m.RollupId || other.BatchIndex != m.BatchIndex {
					m.Proof = other.Proof
					return
				}
			}
		}},
	}
	for _, tm := range tamperings {
		for pos := range msgs {
			t.Run(fmt.Sprintf("%s at position %d", tm.name, pos), func(t *testing.T) {
				f := newBlockFixture(t)
				block := cloneMsgs(msgs)
				tm.tamper(block[pos])

				bad, err := f.keeper.VerifyBlockBatches(f.ctx, block)

				require.ErrorIs(t, err, verifier.ErrProofInvalid)
				require.Equal(t, pos, bad)
			})
		}
	}
}

// The new root of the last batch is in no other batch's statement, so only
// that position is reported.
func TestVerifyBlockBatches_ReportsATamperedLastRoot(t *testing.T) {
	msgs := makeBlockBatches(t)
	f := newBlockFixture(t)
	block := cloneMsgs(msgs)
	block[2].NewStateRoot = root(31337)

	bad, err := f.keeper.VerifyBlockBatches(f.ctx, block)

	require.ErrorIs(t, err, verifier.ErrProofInvalid)
	require.Equal(t, 2, bad)
}

// Batches that fail a check before verification are left to FinalizeBlock,
// which refuses them with their own error; so are the batches that follow
// them in the same rollup.
func TestVerifyBlockBatches_SkipsBatchesThatFailCheapChecks(t *testing.T) {
	msgs := makeBlockBatches(t)
	f := newBlockFixture(t)
	block := cloneMsgs(msgs)
	block[0].Submitter = f.outsider // a1 cannot apply, so neither can a2

	bad, err := f.keeper.VerifyBlockBatches(f.ctx, block)
	require.NoError(t, err)
	require.Equal(t, -1, bad)

	bad, err = f.keeper.VerifyBlockBatches(f.ctx, nil)
	require.NoError(t, err)
	require.Equal(t, -1, bad)

	_, err = f.msgServer.SubmitBatch(f.ctx, block[0])
	require.ErrorIs(t, err, types.ErrNotOperator)
	_, err = f.msgServer.SubmitBatch(f.ctx, block[1])
	require.NoError(t, err)
	_, err = f.msgServer.SubmitBatch(f.ctx, block[2])
	require.ErrorIs(t, err, types.ErrWrongBatchIndex)
}

// A second pass over the same block finds every statement cached and the
// same answer.
func TestVerifyBlockBatches_CachedStatementsGiveTheSameAnswer(t *testing.T) {
	msgs := makeBlockBatches(t)
	f := newBlockFixture(t)
	for i := 0; i < 2; i++ {
		bad, err := f.keeper.VerifyBlockBatches(f.ctx, msgs)
		require.NoError(t, err)
		require.Equal(t, -1, bad)
	}
	block := cloneMsgs(msgs)
	block[1].Data = []byte("tampered after the first pass")
	bad, err := f.keeper.VerifyBlockBatches(f.ctx, block)
	require.ErrorIs(t, err, verifier.ErrProofInvalid)
	require.Equal(t, 1, bad)
}

// M1 (security review 2026-12): the block-level pass runs before any
// transaction pays, so it considers batches only while their batch gas
// fits in the block gas limit; the rest verify one by one, paid by their
// own transactions.
func TestVerifyBlockBatches_ConsidersNoMoreThanTheBlockGasLimit(t *testing.T) {
	msgs := makeBlockBatches(t)
	f := newBlockFixture(t)
	params := f.params(t)
	gasOf := func(m *types.MsgSubmitBatch) int64 {
		return int64(params.VerifyProofGas + params.GasPerDaByte*uint64(len(m.Data)+len(m.Outbox)))
	}
	limit := gasOf(msgs[0]) + gasOf(msgs[1]) // the third batch does not fit
	ctx := f.ctx.WithConsensusParams(cmtproto.ConsensusParams{Block: &cmtproto.BlockParams{MaxBytes: 1 << 20, MaxGas: limit}})
	require.Equal(t, uint64(limit), keeper.BlockBatchGasBudget(ctx))

	before := f.keeper.VerifyCacheStats()
	bad, err := f.keeper.VerifyBlockBatches(ctx, msgs)

	require.NoError(t, err)
	require.Equal(t, -1, bad)
	after := f.keeper.VerifyCacheStats()
	require.Equal(t, uint64(2), after.ProofsVerified-before.ProofsVerified, "only the batches within the block gas limit")

	// Without a block gas limit the fallback budget applies, and the third
	// batch is verified too.
	require.Equal(t, keeper.FallbackBlockBatchGas, keeper.BlockBatchGasBudget(f.ctx))
	bad, err = f.keeper.VerifyBlockBatches(f.ctx, msgs)
	require.NoError(t, err)
	require.Equal(t, -1, bad)
	require.Equal(t, uint64(1), f.keeper.VerifyCacheStats().ProofsVerified-after.ProofsVerified)
}

// withBsOffTheSubgroup returns proof bytes whose Bs is a compressed point on
// the twist but outside the prime-order subgroup.
func withBsOffTheSubgroup(t *testing.T, proof []byte) []byte {
	t.Helper()
	_, _, _, g2 := curve.Generators()
	var b, x3 = g2.Y, g2.X // the twist's b' = y² - x³
	b.Square(&b)
	x3.Square(&x3).Mul(&x3, &g2.X)
	b.Sub(&b, &x3)
	for k := uint64(1); k < 1000; k++ {
		var p curve.G2Affine
		p.X.A0.SetUint64(k)
		y2 := p.X
		y2.Square(&y2).Mul(&y2, &p.X).Add(&y2, &b)
		if y2.Legendre() != 1 {
			continue
		}
		p.Y.Sqrt(&y2)
		if p.IsOnCurve() && !p.IsInSubGroup() {
			out := bytes.Clone(proof)
			enc := p.Bytes()
			copy(out[curve.SizeOfG1AffineCompressed:], enc[:])
			return out
		}
	}
	t.Fatal("no point off the subgroup found")
	return nil
}

// A proof whose Bs is off the G2 subgroup is refused when parsed: the
// block-level pass leaves its batch out and verifies the others, and the
// ante precheck and the handler reject it.
func TestVerifyBlockBatches_LeavesOutAProofOffTheSubgroup(t *testing.T) {
	msgs := makeBlockBatches(t)
	f := newBlockFixture(t)
	block := cloneMsgs(msgs)
	block[1].Proof = withBsOffTheSubgroup(t, block[1].Proof)

	before := f.keeper.VerifyCacheStats()
	bad, err := f.keeper.VerifyBlockBatches(f.ctx, block)

	require.NoError(t, err)
	require.Equal(t, -1, bad)
	require.Equal(t, uint64(2), f.keeper.VerifyCacheStats().ProofsVerified-before.ProofsVerified, "the two other batches")
	require.ErrorIs(t, f.keeper.PrecheckBatch(f.ctx, block[1]), verifier.ErrProofEncoding)
	for i, msg := range block {
		_, err := f.msgServer.SubmitBatch(f.ctx, msg)
		if i == 1 {
			require.ErrorIs(t, err, verifier.ErrProofEncoding)
			continue
		}
		require.NoError(t, err, "batch %d", i)
	}
}

// The block-level pass simulates the rollup record through the block as
// submitBatch moves it, last_batch_height included: once a permissionless
// submitter's batch lands, the same submitter's next batch in the block
// must wait for the window again, so it is not pre-verified for a
// transaction that will fail.
func TestVerifyBlockBatches_PermissionlessNextBatchInTheBlockIsNotPreVerified(t *testing.T) {
	f := newFixture(t)
	f.setParams(t, func(p *types.Params) { p.PermissionlessAfterBlocks = 20 })
	reg := f.register(t, rollupID)
	f = f.atHeight(reg.RegisteredHeight + 20)

	stranger := func(in batchInput, c protocol.BatchCommitment) *types.MsgSubmitBatch {
		c.Submitter = f.rawAddress(t, f.outsider)
		m := f.msgFor(t, testProver(t), c, in)
		m.Submitter = f.outsider
		return m
	}
	in1, in2 := defaultInput(1), defaultInput(2)
	c1 := f.commitment(t, rollupID, in1)
	c2 := c1
	c2.BatchIndex, c2.PrevStateRoot, c2.NewStateRoot, c2.DAHash = 2, c1.NewStateRoot, mustRoot(t, in2.newRoot), protocol.DAHash(in2.data)
	msgs := []*types.MsgSubmitBatch{stranger(in1, c1), stranger(in2, c2)}

	before := f.keeper.VerifyCacheStats()
	bad, err := f.keeper.VerifyBlockBatches(f.ctx, msgs)
	require.NoError(t, err)
	require.Equal(t, -1, bad)
	after := f.keeper.VerifyCacheStats()
	require.Equal(t, uint64(1), after.BlockPassProofs-before.BlockPassProofs, "only the first batch may land")

	_, err = f.msgServer.SubmitBatch(f.ctx, msgs[0])
	require.NoError(t, err)
	_, err = f.msgServer.SubmitBatch(f.ctx, msgs[1])
	require.ErrorIs(t, err, types.ErrNotOperator)
}
