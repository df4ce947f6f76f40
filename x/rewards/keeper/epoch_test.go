package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/x/rewards/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// specParams are the parameters of the worked example in docs/spec/rewards.md.
func specParams(p *types.Params) {
	p.InflationShare = sdkmath.LegacyMustNewDecFromStr("0.10")
	p.ValidatorShare = sdkmath.LegacyMustNewDecFromStr("0.40")
	p.OperatorShare = sdkmath.LegacyMustNewDecFromStr("0.60")
	p.EpochLength = 10
	p.TxWeight = 100
	p.DaByteWeight = 1
	p.FeePerDaByte = sdk.NewInt64Coin(denom, 2)
	p.FeePerVerification = sdk.NewInt64Coin(denom, 1_001)
}

// TestSpecWorkedExample replays the worked example of docs/spec/rewards.md
// and checks every figure in it. alpha and gamma run approved keys, beta
// does not.
func TestSpecWorkedExample(t *testing.T) {
	f := newFixture(t, specParams)
	f.activeRollup("alpha", "gamma")
	f.unapprovedRollup("beta")
	a, b, c, d := addr(0xa), addr(0xb), addr(0xc), addr(0xd)
	for _, op := range []sdk.AccAddress{a, b, c, d} {
		f.bank.fund(op, sdk.NewInt64Coin(denom, 10_000))
	}
	feeCollectorAddr := authtypes.NewModuleAddress(feeCollector)

	for h := int64(1); h <= 10; h++ {
		f.block(t, 1_000_007, func() {
			switch h {
			case 2:
				require.NoError(t, f.batch(t, "alpha", a, 40, 1_000)) // weight 5,000, fee 3,001
				require.NoError(t, f.batch(t, "alpha", b, 10, 500))   // weight 1,500, fee 2,001
			case 4:
				require.NoError(t, f.batch(t, "beta", c, 25, 2_000)) // weight 4,500, fee 5,001
			case 5:
				require.NoError(t, f.batch(t, "gamma", d, 100, 3_000)) // weight 13,000, fee 7,001
			case 7:
				f.rollups.status["gamma"] = rollupstypes.ROLLUP_STATUS_FROZEN
				require.NoError(t, f.keeper.Hooks().AfterRollupFrozen(f.ctx, "gamma"))
			}
		})
	}

	// Inflows: 10 x floor(0.10 x 1,000,007) = 1,000,000 inflation, 17,004 batch fees.
	res, err := f.query.Pool(f.ctx, &types.QueryPoolRequest{})
	require.NoError(t, err)
	require.Equal(t, []types.SourceAmount{
		{Source: types.SourceBatchFee, Amount: coins(17_004)},
		{Source: types.SourceInflation, Amount: coins(1_000_000)},
	}, res.Inflows)
	// Epoch 1 closed at the end of block 10: validators 406,801, operator pot 610,202.
	require.Equal(t, []types.SourceAmount{{Source: types.OutflowValidators, Amount: coins(406_801)}}, res.Outflows)
	require.Equal(t, coins(10*1_000_007-1_000_000+406_801).String(), f.bank.balance(feeCollectorAddr).String())
	// The pot is the fee-backed part floor(0.60 x 10,003) = 6,001 (gamma's
	// fees were taken out when it froze) and the approved part 604,201.
	// Each gets its share of the first by fees paid and, if approved, its
	// share of the second by weight over approved work 6,500.
	require.Equal(t, coins(1_800+464_770).String(), f.pending(t, a).String())
	require.Equal(t, coins(1_200+139_431).String(), f.pending(t, b).String())
	require.Equal(t, coins(3_000).String(), f.pending(t, c).String(), "unapproved: the operator share of its own fee only")
	require.True(t, f.pending(t, d).IsZero(), "a frozen rollup's operator earns nothing")
	// The pool keeps the pending claims and 2 unat of dust.
	require.Equal(t, coins(610_203).String(), res.Balance.String())
	require.Equal(t, coins(610_201).String(), res.PendingClaims.String())
	require.True(t, res.Reserved.IsZero())

	payouts, err := f.query.Payouts(f.ctx, &types.QueryPayoutsRequest{})
	require.NoError(t, err)
	require.Len(t, payouts.Payouts, 1)
	p := payouts.Payouts[0]
	require.Equal(t, uint64(1), p.Epoch)
	require.Equal(t, int64(10), p.ClosedHeight)
	require.Equal(t, int64(10), p.CompletedHeight)
	require.Equal(t, coins(610_202).String(), p.OperatorPot.String())
	require.Equal(t, coins(610_201).String(), p.OperatorCredited.String())
	require.Equal(t, intOf(11_000).String(), p.EligibleWork.String())
	require.Equal(t, coins(6_001).String(), p.FeeBackedPot.String())
	require.Equal(t, coins(604_201).String(), p.ApprovedPot.String())
	require.Equal(t, intOf(6_500).String(), p.ApprovedWork.String())
	require.Equal(t, uint64(3), p.RecordsCredited)
	require.Equal(t, uint64(1), p.RecordsSkipped)
}

func TestEpoch_ClosesEveryEpochLengthBlocks(t *testing.T) {
	f := newFixture(t, func(p *types.Params) { p.EpochLength = 3 })
	f.activeRollup("alpha")
	for i := 0; i < 9; i++ {
		f.block(t, 1_000, nil)
	}
	epoch, err := f.keeper.Epoch.Get(f.ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(4), epoch.Number)
	require.Equal(t, int64(10), epoch.StartHeight)
	payouts, err := f.query.Payouts(f.ctx, &types.QueryPayoutsRequest{})
	require.NoError(t, err)
	require.Len(t, payouts.Payouts, 3)
	for i, p := range payouts.Payouts {
		require.Equal(t, int64(3*(i+1)), p.ClosedHeight)
	}
}

func TestEpoch_WithoutWorkTheOperatorShareStaysInThePool(t *testing.T) {
	f := newFixture(t, func(p *types.Params) { p.EpochLength = 2 })
	f.fundPool(t, 1_001, types.SourceBridgeFee)
	f.endBlock(t) // height 1
	f.endBlock(t) // height 2 closes epoch 1

	// Validators get floor(0.5 x 1,001) = 500; the operator half has no one to go to.
	require.Equal(t, coins(500).String(), f.bank.moduleBalance(feeCollector).String())
	require.Equal(t, coins(501).String(), f.bank.moduleBalance(types.ModuleName).String())
	payout, err := f.keeper.Payouts.Get(f.ctx, 1)
	require.NoError(t, err)
	require.True(t, payout.OperatorPot.IsZero())
}

func TestEpoch_FrozenAfterCloseForfeitsTheUncreditedShare(t *testing.T) {
	f := newFixture(t, func(p *types.Params) {
		p.EpochLength = 1
		p.MaxPayoutsPerBlock = 1
	})
	f.activeRollup("alpha", "beta")
	f.fundPool(t, 1_000, types.SourceBridgeFee)
	require.NoError(t, f.batch(t, "alpha", addr(1), 1, 1))
	require.NoError(t, f.batch(t, "beta", addr(2), 1, 1))
	f.endBlock(t) // closes epoch 1 and credits the first record (alpha)
	require.Equal(t, coins(250).String(), f.pending(t, addr(1)).String())

	// beta is frozen while its record waits: it is skipped and its share stays.
	f.rollups.status["beta"] = rollupstypes.ROLLUP_STATUS_FROZEN
	require.NoError(t, f.keeper.Hooks().AfterRollupFrozen(f.ctx, "beta"))
	f.endBlock(t)
	require.True(t, f.pending(t, addr(2)).IsZero())
	payout, err := f.keeper.Payouts.Get(f.ctx, 1)
	require.NoError(t, err)
	require.Equal(t, uint64(1), payout.RecordsCredited)
	require.Equal(t, uint64(1), payout.RecordsSkipped)
	// beta's 250 stayed; epoch 2 closed in the same block and sent half of
	// what was not owed (250) to validators: 250 pending + 125 left.
	require.Equal(t, coins(375).String(), f.bank.moduleBalance(types.ModuleName).String())
}

func TestEpoch_DeregisteredOrUnknownRollupEarnsNothing(t *testing.T) {
	f := newFixture(t, func(p *types.Params) { p.EpochLength = 1 })
	f.activeRollup("alpha", "closed")
	f.fundPool(t, 1_000, types.SourceBridgeFee)
	require.NoError(t, f.batch(t, "alpha", addr(1), 1, 1))
	require.NoError(t, f.batch(t, "closed", addr(2), 1, 1))
	require.NoError(t, f.batch(t, "vanished", addr(3), 1, 1))
	f.rollups.status["closed"] = rollupstypes.ROLLUP_STATUS_DEREGISTERED
	f.endBlock(t)
	require.Equal(t, coins(250).String(), f.pending(t, addr(1)).String(), "floor(500 x 101 / 202): the unknown rollup's work was never approved")
	require.True(t, f.pending(t, addr(2)).IsZero())
	require.True(t, f.pending(t, addr(3)).IsZero())
}

func TestEpoch_NextEpochWaitsForTheRunningPayout(t *testing.T) {
	f := newFixture(t, func(p *types.Params) {
		p.EpochLength = 1
		p.MaxPayoutsPerBlock = 2
	})
	f.activeRollup("alpha")
	f.fundPool(t, 10_000, types.SourceBridgeFee)
	for i := uint32(0); i < 5; i++ {
		require.NoError(t, f.batch(t, "alpha", addr(i), 1, 1))
	}
	f.endBlock(t) // height 1: epoch 1 closes, records 1-2
	f.endBlock(t) // height 2: records 3-4; epoch 2 is due but waits
	epoch, err := f.keeper.Epoch.Get(f.ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(2), epoch.Number)
	has, err := f.keeper.ActivePayout.Has(f.ctx)
	require.NoError(t, err)
	require.True(t, has)
	f.endBlock(t) // height 3: record 5 finishes epoch 1, then epoch 2 closes
	epoch, err = f.keeper.Epoch.Get(f.ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(3), epoch.Number)
	require.Equal(t, int64(4), epoch.StartHeight)
	for i := uint32(0); i < 5; i++ {
		require.Equal(t, coins(1_000).String(), f.pending(t, addr(i)).String(), "operator %d: 5,000 pot in 5 equal shares", i)
	}
}
