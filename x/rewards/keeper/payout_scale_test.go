package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/nativechain/nativechain/x/rewards/types"
)

// payoutRun records what each block of an epoch payout did.
type payoutRun struct {
	blocks      int
	maxRecords  uint64 // most work records handled in one block
	maxGas      uint64 // most gas one EndBlock consumed
	totalCredit int
}

// runPayout records one batch for each of n operators in one epoch, closes
// the epoch and ends blocks until the payout finishes, metering each EndBlock.
func runPayout(t *testing.T, n int) payoutRun {
	t.Helper()
	f := newFixture(t, func(p *types.Params) { p.EpochLength = 1 })
	f.activeRollup("alpha", "beta")
	f.fundPool(t, 1_000_000_000, types.SourceBridgeFee)
	for i := 0; i < n; i++ {
		rollup := "alpha"
		if i%2 == 1 {
			rollup = "beta"
		}
		require.NoError(t, f.batch(t, rollup, addr(uint32(i)), uint64(1+i%7), 100))
	}
	limit := uint64(f.params(t).MaxPayoutsPerBlock)
	var run payoutRun
	remaining := uint64(n)
	for {
		meter := storetypes.NewInfiniteGasMeter()
		require.NoError(t, f.keeper.EndBlock(f.ctx.WithGasMeter(meter)))
		run.maxGas = max(run.maxGas, meter.GasConsumed())
		require.NoError(t, f.keeper.CheckPoolInvariant(f.ctx))
		f.ctx = f.ctx.WithBlockHeight(f.ctx.BlockHeight() + 1)
		run.blocks++
		left := countWork(t, f)
		run.maxRecords = max(run.maxRecords, remaining-left)
		remaining = left
		done, err := f.keeper.Payouts.Has(f.ctx, 1)
		require.NoError(t, err)
		if done {
			break
		}
		require.LessOrEqual(t, run.blocks, n/int(limit)+2, "the payout must finish in ceil(n / max_payouts_per_block) blocks")
	}
	payout, err := f.keeper.Payouts.Get(f.ctx, 1)
	require.NoError(t, err)
	run.totalCredit = int(payout.RecordsCredited)
	require.True(t, payout.OperatorPot.IsAllGTE(payout.OperatorCredited))
	return run
}

func countWork(t *testing.T, f fixture) uint64 {
	t.Helper()
	iter, err := f.keeper.Work.Iterate(f.ctx, nil)
	require.NoError(t, err)
	defer iter.Close()
	n := uint64(0)
	for ; iter.Valid(); iter.Next() {
		n++
	}
	return n
}

// TestPayout_TenThousandOperatorsFinishWithinBoundedGasPerBlock: 10,000
// operators are credited over ceil(10,000 / 200) blocks, no block handles
// more than max_payouts_per_block records, and the most gas one block uses
// does not grow with the number of operators (compared with 1,000).
func TestPayout_TenThousandOperatorsFinishWithinBoundedGasPerBlock(t *testing.T) {
	if testing.Short() {
		t.Skip("records 10,000 batches")
	}
	limit := uint64(types.DefaultMaxPayoutsPerBlock)
	small := runPayout(t, 1_000)
	large := runPayout(t, 10_000)

	require.Equal(t, 1_000/int(limit), small.blocks)
	require.Equal(t, 10_000/int(limit), large.blocks)
	require.LessOrEqual(t, large.maxRecords, limit)
	require.Equal(t, 10_000, large.totalCredit)
	// Same page size, same work per block: allow 10% for key-length and
	// tree-shape differences, far below the 10x a loop over all operators
	// would show.
	require.LessOrEqual(t, large.maxGas, small.maxGas*11/10,
		"max gas per block: %d with 10,000 operators, %d with 1,000", large.maxGas, small.maxGas)
	t.Logf("max gas per EndBlock: %d (1,000 operators), %d (10,000 operators)", small.maxGas, large.maxGas)
}
