package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// With batch_history_keep = 2 each batch removes the record keep batches
// behind it: the store holds the last two, queries for older ones say they
// were pruned, and queries past the head say there is no such batch.
func TestBatchHistory_PrunedPastKeepWithTypedError(t *testing.T) {
	f := newFixture(t)
	f.setParams(t, func(p *types.Params) { p.BatchHistoryKeep = 2 })
	f.register(t, rollupID)
	for range 5 {
		f.submit(t, rollupID)
	}
	for i := uint64(1); i <= 5; i++ {
		has, err := f.keeper.Batches.Has(f.ctx, collections.Join(rollupID, i))
		require.NoError(t, err)
		require.Equal(t, i > 3, has, "batch %d", i)
	}
	_, err := f.queryServer.Batch(f.ctx, &types.QueryBatchRequest{RollupId: rollupID, Index: 2})
	require.ErrorIs(t, err, types.ErrBatchPruned)
	_, err = f.queryServer.Batch(f.ctx, &types.QueryBatchRequest{RollupId: rollupID, Index: 6})
	require.ErrorIs(t, err, types.ErrUnknownBatch)
	latest, err := f.queryServer.LatestBatch(f.ctx, &types.QueryLatestBatchRequest{RollupId: rollupID})
	require.NoError(t, err)
	require.Equal(t, f.rollup(t, rollupID).StateRoot, latest.Batch.NewStateRoot)
	// The oldest kept batch still links to the one before it.
	b5, err := f.keeper.GetBatch(f.ctx, rollupID, 5)
	require.NoError(t, err)
	b4, err := f.keeper.GetBatch(f.ctx, rollupID, 4)
	require.NoError(t, err)
	require.Equal(t, b4.NewStateRoot, b5.PrevStateRoot)
}

// Lowering batch_history_keep drains the backlog with bounded work: at most
// two records per batch.
func TestBatchHistory_LoweredKeepDrainsTwoPerBatch(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)
	for range 6 {
		f.submit(t, rollupID)
	}
	f.setParams(t, func(p *types.Params) { p.BatchHistoryKeep = 1 })
	count := func() int {
		n := 0
		require.NoError(t, f.keeper.Batches.Walk(f.ctx, nil, func(collections.Pair[string, uint64], types.Batch) (bool, error) {
			n++
			return false, nil
		}))
		return n
	}
	f.submit(t, rollupID) // 7 stored, 2 removed
	require.Equal(t, 5, count())
	f.submit(t, rollupID)
	require.Equal(t, 4, count())
	for range 3 {
		f.submit(t, rollupID)
	}
	require.Equal(t, 1, count(), "drained to keep = 1")
}

// Pruning opens no replay: the batch that was pruned, and a batch that
// starts from a pruned (old) root, are both refused; the index and root
// live in the rollup record, not in the history.
func TestBatchHistory_PruningOpensNoReplay(t *testing.T) {
	f := newFixture(t)
	f.setParams(t, func(p *types.Params) { p.BatchHistoryKeep = 1 })
	f.register(t, rollupID)
	first := f.submit(t, rollupID)
	oldRoot := first.NewStateRoot
	f.submit(t, rollupID)
	f.submit(t, rollupID)
	has, err := f.keeper.Batches.Has(f.ctx, collections.Join(rollupID, uint64(1)))
	require.NoError(t, err)
	require.False(t, has, "batch 1 was pruned")
	before := f.rollup(t, rollupID)

	// The pruned batch itself, bytes for bytes.
	_, err = f.msgServer.SubmitBatch(f.ctx, first)
	require.ErrorIs(t, err, types.ErrWrongBatchIndex)
	f.requireRollupUnchanged(t, before)

	// A batch at the right index proven from the pruned, old root: the
	// chain builds the statement from its current root, so the proof is
	// for another statement.
	in := defaultInput(before.NextBatchIndex)
	c := f.commitment(t, rollupID, in)
	c.PrevStateRoot = mustRoot(t, oldRoot)
	msg := f.msgFor(t, testProver(t), c, in)
	_, err = f.msgServer.SubmitBatch(f.ctx, msg)
	require.Error(t, err)
	f.requireRollupUnchanged(t, before)
}

// Genesis with pruned history round-trips and the chain goes on.
func TestGenesis_RoundTripsWithPrunedHistory(t *testing.T) {
	f := newFixture(t)
	f.setParams(t, func(p *types.Params) { p.BatchHistoryKeep = 2 })
	f.register(t, rollupID)
	for range 4 {
		f.submit(t, rollupID)
	}
	exported, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	require.Len(t, exported.Batches, 2)
	next := f.nextBatch(t, rollupID)

	imported := newFixture(t)
	require.NoError(t, imported.keeper.InitGenesis(imported.ctx, exported))
	reexported, err := imported.keeper.ExportGenesis(imported.ctx)
	require.NoError(t, err)
	want, err := exported.Marshal()
	require.NoError(t, err)
	got, err := reexported.Marshal()
	require.NoError(t, err)
	require.Equal(t, want, got)

	_, err = imported.queryServer.Batch(imported.ctx, &types.QueryBatchRequest{RollupId: rollupID, Index: 1})
	require.ErrorIs(t, err, types.ErrBatchPruned)
	_, err = imported.msgServer.SubmitBatch(imported.ctx, next)
	require.NoError(t, err)
	has, err := imported.keeper.Batches.Has(imported.ctx, collections.Join(rollupID, uint64(3)))
	require.NoError(t, err)
	require.False(t, has, "the imported chain prunes on")
}

// Exodus reads nothing from the batch history: x/crossrollup's claims are
// checked against the frozen rollup's state root and exit layout, which are
// in the rollup record. With history pruned to one batch, a rollup that
// misses a deadline freezes at the last verified root, keeps its exit
// layout, and a genesis export and import carries both.
func TestBatchHistory_PrunedHistoryKeepsWhatExodusReads(t *testing.T) {
	f, k, _ := livenessFixture(t)
	f.setParams(t, func(p *types.Params) { p.BatchHistoryKeep = 1 })
	f.register(t, rollupID)
	for range 3 {
		f.submit(t, rollupID)
	}
	live := f.rollup(t, rollupID)
	f.appendInbox(t, rollupID, 1)
	late := f.at(f.ctx.BlockHeight() + deadlineBlocks + 1)
	require.NoError(t, k.EndBlock(late.ctx))

	frozen := late.rollup(t, rollupID)
	require.Equal(t, types.ROLLUP_STATUS_FROZEN, frozen.Status)
	require.Equal(t, live.StateRoot, frozen.StateRoot, "claims are proven against the last verified root")
	require.Equal(t, live.ExitLayout, frozen.ExitLayout)
	require.Equal(t, uint64(4), frozen.NextBatchIndex)
	for i, kept := range map[uint64]bool{1: false, 2: false, 3: true} {
		has, err := f.keeper.Batches.Has(f.ctx, collections.Join(rollupID, i))
		require.NoError(t, err)
		require.Equal(t, kept, has, "batch %d", i)
	}

	exported, err := k.ExportGenesis(late.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	imported := newFixture(t)
	require.NoError(t, imported.keeper.InitGenesis(imported.ctx, exported))
	r := imported.rollup(t, rollupID)
	require.Equal(t, types.ROLLUP_STATUS_FROZEN, r.Status)
	require.Equal(t, frozen.StateRoot, r.StateRoot)
	require.Equal(t, frozen.ExitLayout, r.ExitLayout)
	require.Equal(t, frozen.FrozenHeight, r.FrozenHeight)
}
