package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/rewards/keeper"
	"github.com/nativechain/nativechain/x/rewards/types"
)

// TestGenesis_ExportImportRoundTrip exports a pool in the middle of a
// paginated payout, with pending claims and history, and imports it into a
// fresh keeper over the same balances: the books and the payout carry on.
func TestGenesis_ExportImportRoundTrip(t *testing.T) {
	f := newFixture(t, func(p *types.Params) {
		p.EpochLength = 2
		p.MaxPayoutsPerBlock = 2
	})
	f.activeRollup("alpha")
	f.fundPool(t, 100_000, types.SourceBridgeFee)
	for i := uint32(0); i < 5; i++ {
		require.NoError(t, f.batch(t, "alpha", addr(i), 1, 10))
	}
	f.endBlock(t)
	f.endBlock(t)                                           // epoch 1 closes, 2 of 5 records credited
	require.NoError(t, f.batch(t, "alpha", addr(9), 1, 10)) // work of epoch 2
	exported, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NotNil(t, exported.ActivePayout)
	require.Len(t, exported.Work, 4)
	require.Len(t, exported.Pending, 2)
	require.NoError(t, exported.Validate())

	g := newFixture(t)
	g.bank.balances = f.bank.balances
	g.rollups.status = f.rollups.status
	g.ctx = g.ctx.WithBlockHeight(f.ctx.BlockHeight())
	require.NoError(t, g.keeper.InitGenesis(g.ctx, exported))
	again, err := g.keeper.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported.String(), again.String())

	g.endBlock(t)
	g.endBlock(t) // the rest of epoch 1
	for i := uint32(0); i < 5; i++ {
		require.Equal(t, coins(10_000).String(), g.pending(t, addr(i)).String(), "operator %d: 50,000 pot in 5 shares", i)
	}
}

func TestInitGenesis_RejectsBooksThatDoNotMatchThePoolBalance(t *testing.T) {
	f := newFixture(t)
	gs := types.DefaultGenesis()
	gs.Inflows = []types.SourceAmount{{Source: types.SourceBridgeFee, Amount: coins(10)}}
	require.ErrorIs(t, f.keeper.InitGenesis(f.ctx, gs), types.ErrInvalidGenesis, "the pool holds nothing")

	g := newFixture(t)
	g.bank.fund(keeper.PoolAddress(), coins(10)...)
	require.NoError(t, g.keeper.InitGenesis(g.ctx, gs))
}
