package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/nativechain/nativechain/x/rewards/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

func TestAfterBatchVerified_ChargesTheFeeAndRecordsWork(t *testing.T) {
	f := newFixture(t, specParams)
	f.activeRollup("alpha")
	op := addr(1)
	f.bank.fund(op, coins(10_000)...)

	require.NoError(t, f.batch(t, "alpha", op, 40, 1_000))
	require.NoError(t, f.batch(t, "alpha", op, 2_000, 100)) // claims more txs than bytes: 100 credited

	require.Equal(t, coins(10_000-3_001-1_201).String(), f.bank.balance(op).String())
	require.Equal(t, coins(3_001+1_201).String(), f.bank.moduleBalance(types.ModuleName).String())
	rec, err := f.keeper.Work.Get(f.ctx, collections.Join3(uint64(1), "alpha", f.str(t, op)))
	require.NoError(t, err)
	require.Equal(t, uint64(140), rec.L2Txs)
	require.Equal(t, uint64(1_100), rec.DaBytes)
	require.Equal(t, uint64(2), rec.Batches)
	require.Equal(t, intOf(100*140+1_100).String(), rec.Weight.String())
	require.Equal(t, rec.Weight.String(), rec.ApprovedWeight.String(), "alpha's key is approved")
	require.Equal(t, coins(3_001+1_201).String(), rec.FeesPaid.String())
	epoch, err := f.keeper.Epoch.Get(f.ctx)
	require.NoError(t, err)
	require.Equal(t, rec.Weight.String(), epoch.EligibleWork.String())
	require.Equal(t, rec.Weight.String(), epoch.ApprovedWork.String())
	require.Equal(t, rec.FeesPaid.String(), epoch.FeesPaid.String())
	require.Len(t, typedEvents[*types.EventWorkRecorded](t, f.ctx), 2)
}

func TestAfterBatchVerified_RefusesWhenTheSubmitterCannotPay(t *testing.T) {
	tests := []struct {
		name      string
		submitter func(f fixture) string
		wantErr   error
	}{
		{"submitter without funds", func(f fixture) string { return f.str(t, addr(0xbad)) }, types.ErrBatchFeeUnpaid},
		{"malformed submitter", func(fixture) string { return "native1bad" }, types.ErrInvalidAddress},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, specParams)
			f.activeRollup("alpha")
			err := f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{
				RollupID: "alpha", Index: 1, Submitter: tc.submitter(f), DataBytes: 10, L2TxCount: 1,
			})
			require.ErrorIs(t, err, tc.wantErr)
			n := 0
			require.NoError(t, f.keeper.Work.Walk(f.ctx, nil, func(collections.Triple[uint64, string, string], types.WorkRecord) (bool, error) {
				n++
				return false, nil
			}))
			require.Zero(t, n, "an unpaid batch records no work")
		})
	}
}

func TestAfterBatchVerified_ZeroFeesChargeNothing(t *testing.T) {
	f := newFixture(t) // the fixture zeroes both fees
	require.NoError(t, f.batch(t, "alpha", addr(0xbad), 1, 10))
	require.True(t, f.bank.moduleBalance(types.ModuleName).IsZero())
}

func TestAfterRollupFrozen_ForfeitsOnlyThatRollupsWorkOnce(t *testing.T) {
	f := newFixture(t)
	f.activeRollup("alpha", "beta")
	require.NoError(t, f.batch(t, "alpha", addr(1), 1, 10)) // weight 110
	require.NoError(t, f.batch(t, "beta", addr(2), 2, 10))  // weight 210
	require.NoError(t, f.keeper.Hooks().AfterRollupFrozen(f.ctx, "beta"))
	require.NoError(t, f.keeper.Hooks().AfterRollupFrozen(f.ctx, "beta"))
	require.NoError(t, f.keeper.Hooks().AfterRollupFrozen(f.ctx, "idle"))
	epoch, err := f.keeper.Epoch.Get(f.ctx)
	require.NoError(t, err)
	require.Equal(t, intOf(110).String(), epoch.EligibleWork.String())
	require.Len(t, typedEvents[*types.EventRollupWorkForfeited](t, f.ctx), 1)
}
