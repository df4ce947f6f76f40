package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/rewards/types"
)

// paidFixture is a fixture after one epoch that credited addr(1) with 500.
func paidFixture(t *testing.T) fixture {
	t.Helper()
	f := newFixture(t, func(p *types.Params) { p.EpochLength = 1 })
	f.activeRollup("alpha")
	f.fundPool(t, 1_000, types.SourceBridgeFee)
	require.NoError(t, f.batch(t, "alpha", addr(1), 1, 1))
	f.endBlock(t)
	return f
}

func TestClaim_TwicePaysOnce(t *testing.T) {
	f := paidFixture(t)
	op := addr(1)
	require.Equal(t, coins(500).String(), f.pending(t, op).String())

	res, err := f.msgServer.ClaimRewards(f.ctx, &types.MsgClaimRewards{Operator: f.str(t, op)})
	require.NoError(t, err)
	require.Equal(t, coins(500).String(), res.Amount.String())
	require.Equal(t, coins(500).String(), f.bank.balance(op).String())
	require.NoError(t, f.keeper.CheckPoolInvariant(f.ctx))

	_, err = f.msgServer.ClaimRewards(f.ctx, &types.MsgClaimRewards{Operator: f.str(t, op)})
	require.ErrorIs(t, err, types.ErrNoPendingRewards)
	require.Equal(t, coins(500).String(), f.bank.balance(op).String(), "the second claim pays nothing")
	_, out, err := f.keeper.OutflowsByDestination(f.ctx)
	require.NoError(t, err)
	require.Equal(t, coins(500+500).String(), out.String(), "validators 500, one claim of 500")
	require.Len(t, typedEvents[*types.EventRewardsClaimed](t, f.ctx), 1)
	require.NoError(t, f.keeper.CheckPoolInvariant(f.ctx))
}

func TestClaim_ByNonOperatorsFailsCleanly(t *testing.T) {
	tests := []struct {
		name     string
		operator func(f fixture) string
		wantErr  error
	}{
		{"account that never operated", func(f fixture) string { return f.str(t, addr(0xee)) }, types.ErrNoPendingRewards},
		{"malformed address", func(fixture) string { return "native1bad" }, types.ErrInvalidAddress},
		{"empty address", func(fixture) string { return "" }, types.ErrInvalidAddress},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := paidFixture(t)
			poolBefore := f.bank.moduleBalance(types.ModuleName)
			_, err := f.msgServer.ClaimRewards(f.ctx, &types.MsgClaimRewards{Operator: tc.operator(f)})
			require.ErrorIs(t, err, tc.wantErr)
			require.Equal(t, poolBefore.String(), f.bank.moduleBalance(types.ModuleName).String())
			require.Equal(t, coins(500).String(), f.pending(t, addr(1)).String(), "the operator's credit is untouched")
			require.NoError(t, f.keeper.CheckPoolInvariant(f.ctx))
		})
	}
}
