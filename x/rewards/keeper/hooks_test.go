package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

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

// storeAccesses is a gas meter that records the store operations charged
// to it (the gaskv descriptors), to count the keys a hook touches.
type storeAccesses struct {
	storetypes.GasMeter
	ops map[string]int
}

func (m *storeAccesses) ConsumeGas(amount storetypes.Gas, descriptor string) {
	if descriptor != storetypes.GasReadPerByteDesc && descriptor != storetypes.GasWritePerByteDesc {
		m.ops[descriptor]++ // one flat charge per key read, written, tested, deleted or iterated over
	}
	m.GasMeter.ConsumeGas(amount, descriptor)
}

func recordAccesses(ctx sdk.Context) (sdk.Context, *storeAccesses) {
	m := &storeAccesses{GasMeter: storetypes.NewInfiniteGasMeter(), ops: map[string]int{}}
	return ctx.WithGasMeter(m), m
}

// A batch touches four keys of x/rewards (issue 17): the params, the key
// approval, the epoch state and its work record; no inflow, no rollup
// totals. The bank and x/rollups are fakes here: they charge nothing.
func TestAfterBatchVerified_TouchesFourKeys(t *testing.T) {
	for _, tc := range []struct {
		name     string
		previous int // batches of the same (epoch, rollup, operator) before
	}{{"first batch of the epoch", 0}, {"a later batch", 2}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, specParams)
			f.activeRollup("alpha")
			op := addr(1)
			f.bank.fund(op, coins(100_000)...)
			for range tc.previous {
				require.NoError(t, f.batch(t, "alpha", op, 4, 48))
			}
			ctx, m := recordAccesses(f.ctx)
			require.NoError(t, f.keeper.Hooks().AfterBatchVerified(ctx, rollupstypes.VerifiedBatch{
				RollupID: "alpha", Index: 9, Submitter: f.str(t, op), DataBytes: 48, L2TxCount: 4,
			}))
			require.Equal(t, map[string]int{
				storetypes.GasReadCostFlatDesc:  3, // params, epoch, work
				storetypes.GasHasDesc:           1, // approved_keys
				storetypes.GasWriteCostFlatDesc: 2, // epoch, work
			}, m.ops)
		})
	}
}
