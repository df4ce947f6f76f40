package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/rewards/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Red team of issue 17: a rollup frozen in epoch 1 keeps its RollupTotals
// entry (the forfeit marker) until the payout of epoch 1 reaches its work
// records. A payout spans blocks; an export in between carries a
// rollup_work entry of the epoch being paid, which the genesis must accept
// (as it accepts that epoch's work records), or export/import at an epoch
// boundary fails.
func TestRedTeam17_ExportMidPayoutWithAFrozenRollupRoundTrips(t *testing.T) {
	f := newFixture(t, func(p *types.Params) {
		p.EpochLength = 2
		p.MaxPayoutsPerBlock = 2
	})
	f.activeRollup("alpha", "beta")
	f.fundPool(t, 100_000, types.SourceBridgeFee)
	for i := uint32(0); i < 3; i++ {
		require.NoError(t, f.batch(t, "alpha", addr(i), 1, 10))
	}
	require.NoError(t, f.batch(t, "beta", addr(7), 1, 10))
	f.rollups.status["beta"] = rollupstypes.ROLLUP_STATUS_FROZEN
	require.NoError(t, f.keeper.Hooks().AfterRollupFrozen(f.ctx, "beta"))
	f.endBlock(t)
	f.endBlock(t) // epoch 1 closes; alpha's first 2 records credited, beta's not reached
	exported, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NotNil(t, exported.ActivePayout)
	require.Len(t, exported.RollupWork, 1, "beta's forfeit marker of epoch 1 is still there")
	require.NoError(t, exported.Validate(), "an export mid-payout must be a valid genesis")

	g := newFixture(t)
	g.bank.balances = f.bank.balances
	g.rollups.status = f.rollups.status
	g.ctx = g.ctx.WithBlockHeight(f.ctx.BlockHeight())
	require.NoError(t, g.keeper.InitGenesis(g.ctx, exported))
	again, err := g.keeper.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported.String(), again.String())
	g.runUntilPaid(t, 1)
	require.True(t, g.pending(t, addr(7)).IsZero(), "the frozen rollup's operator earns nothing")
	require.NoError(t, g.keeper.CheckPoolInvariant(g.ctx))
	after, err := g.keeper.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Empty(t, after.RollupWork, "the marker goes with beta's records")
}

// Freezing sums only the frozen rollup's records, not those of a rollup
// whose id extends it (the super-prefix range ends at the id's terminator).
func TestRedTeam17_ForfeitSumsOnlyTheFrozenRollup(t *testing.T) {
	f := newFixture(t)
	f.activeRollup("alpha", "alpha2", "alph")
	require.NoError(t, f.batch(t, "alph", addr(1), 1, 10))   // weight 110
	require.NoError(t, f.batch(t, "alpha", addr(2), 2, 10))  // weight 210
	require.NoError(t, f.batch(t, "alpha", addr(3), 2, 10))  // weight 210
	require.NoError(t, f.batch(t, "alpha2", addr(4), 3, 10)) // weight 310
	f.rollups.status["alpha"] = rollupstypes.ROLLUP_STATUS_FROZEN
	require.NoError(t, f.keeper.Hooks().AfterRollupFrozen(f.ctx, "alpha"))
	epoch, err := f.keeper.Epoch.Get(f.ctx)
	require.NoError(t, err)
	require.Equal(t, intOf(110+310).String(), epoch.EligibleWork.String())
	require.NoError(t, f.keeper.CheckPoolInvariant(f.ctx))
}
