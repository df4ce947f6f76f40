package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rewards/types"
)

func TestFormula_SplitAndSharesNeverExceedWhatIsSplit(t *testing.T) {
	p := types.DefaultParams()
	p.ValidatorShare, p.OperatorShare = dec("0.4"), dec("0.6")
	available := sdk.NewCoins(sdk.NewInt64Coin("unat", 1_017_004), sdk.NewInt64Coin("uusdc", 7))
	v, o := p.SplitEpoch(available)
	require.Equal(t, "406801unat,2uusdc", v.String())
	require.Equal(t, "610202unat,4uusdc", o.String())
	require.True(t, available.IsAllGTE(v.Add(o...)))

	weights := []int64{5_000, 1_500, 4_500}
	total := sdk.NewCoins()
	for _, w := range weights {
		total = total.Add(types.OperatorReward(o, sdkmath.NewInt(w), sdkmath.NewInt(11_000))...)
	}
	require.Equal(t, "610201unat,2uusdc", total.String())
	require.True(t, types.OperatorReward(o, sdkmath.ZeroInt(), sdkmath.NewInt(11_000)).IsZero())
	require.True(t, types.OperatorReward(o, sdkmath.NewInt(1), sdkmath.ZeroInt()).IsZero())
}

func TestFormula_WorkAndFee(t *testing.T) {
	p := types.DefaultParams()
	p.TxWeight, p.DaByteWeight = 100, 1
	p.FeePerDaByte, p.FeePerVerification = sdk.NewInt64Coin("unat", 2), sdk.NewInt64Coin("unat", 1_001)
	require.Equal(t, "5000", p.WorkWeight(40, 1_000).String())
	require.Equal(t, "3001unat", p.BatchFee(1_000).String())
	require.Equal(t, uint64(100), types.CreditedTxs(2_000, 100), "at most one tx per posted byte")
	require.Equal(t, uint64(40), types.CreditedTxs(40, 1_000))

	p.FeePerDaByte, p.FeePerVerification = sdk.NewInt64Coin("unat", 0), sdk.NewInt64Coin("unat", 0)
	require.True(t, p.BatchFee(1_000).IsZero())
	// The largest weights and counts stay within math.Int.
	p.TxWeight, p.DaByteWeight = types.MaxWorkWeight, types.MaxWorkWeight
	require.NotPanics(t, func() { p.WorkWeight(^uint64(0), ^uint64(0)) })
}

func TestFormula_OperatorPotSplitsIntoFeeBackedAndApproved(t *testing.T) {
	p := types.DefaultParams()
	p.ValidatorShare, p.OperatorShare = dec("0.4"), dec("0.6")
	pot := sdk.NewCoins(sdk.NewInt64Coin("unat", 610_202), sdk.NewInt64Coin("uusdc", 4))
	fees := sdk.NewCoins(sdk.NewInt64Coin("unat", 10_003))

	feeBacked, approved := p.SplitOperatorPot(pot, fees, sdkmath.NewInt(6_500))
	require.Equal(t, "6001unat", feeBacked.String(), "floor(0.6 x 10,003)")
	require.Equal(t, "604201unat,4uusdc", approved.String())
	require.True(t, feeBacked.Add(approved...).Equal(pot))

	// Without approved work only the fee-backed part is paid; the rest stays.
	feeBacked, approved = p.SplitOperatorPot(pot, fees, sdkmath.ZeroInt())
	require.Equal(t, "6001unat", feeBacked.String())
	require.True(t, approved.IsZero())
	_, approved = p.SplitOperatorPot(pot, fees, sdkmath.Int{})
	require.True(t, approved.IsZero(), "unset approved work reads as none")

	// Fees larger than the pot can back (a pool drained by what is owed):
	// the fee-backed part is the whole pot, never more.
	feeBacked, approved = p.SplitOperatorPot(sdk.NewCoins(sdk.NewInt64Coin("unat", 100)), fees, sdkmath.NewInt(1))
	require.Equal(t, "100unat", feeBacked.String())
	require.True(t, approved.IsZero())
}

func TestFormula_FeeBackedSharesNeverExceedTheOperatorShareOfOwnFees(t *testing.T) {
	pot := sdk.NewCoins(sdk.NewInt64Coin("unat", 6_001))
	total := sdk.NewCoins(sdk.NewInt64Coin("unat", 10_003))
	paid := []int64{3_001, 2_001, 5_001}
	want := []int64{1_800, 1_200, 3_000}
	sum := sdk.NewCoins()
	for i, f := range paid {
		got := types.FeeBackedReward(pot, sdk.NewCoins(sdk.NewInt64Coin("unat", f)), total)
		require.Equal(t, sdk.NewCoins(sdk.NewInt64Coin("unat", want[i])).String(), got.String())
		require.True(t, got.AmountOf("unat").MulRaw(10).LTE(sdkmath.NewInt(6*f)), "at most 0.6 of its own fee")
		sum = sum.Add(got...)
	}
	require.True(t, pot.IsAllGTE(sum))
	require.True(t, types.FeeBackedReward(pot, sdk.NewCoins(), total).IsZero(), "no fee, no share")
	require.True(t, types.FeeBackedReward(pot, total, sdk.NewCoins()).IsZero(), "no fees in the epoch")
	require.True(t, types.FeeBackedReward(pot, sdk.NewCoins(sdk.NewInt64Coin("uusdc", 9)), total).IsZero(), "another denom backs nothing")
}

// The review's H4 attack in numbers (docs/spec/rewards.md): whatever the
// junk rollup claims, it gets back at most the operator share of its fee.
func TestFormula_JunkWorkEarnsOnlyItsOwnFeeShare(t *testing.T) {
	p := types.DefaultParams() // operator share 0.5
	junkFee := p.BatchFee(128 * 1024)
	honestFees := p.BatchFee(192)
	for range 17 {
		honestFees = honestFees.Add(p.BatchFee(192)...)
	}
	junkWeight := p.WorkWeight(types.CreditedTxs(128*1024, 128*1024), 128*1024)
	require.Equal(t, "13238272", junkWeight.String(), "101 per byte")

	pot := sdk.NewCoins(sdk.NewInt64Coin(sdk.DefaultBondDenom, 1_224_054))
	fees := honestFees.Add(junkFee...)
	honestWork := p.WorkWeight(16, 192).MulRaw(18)
	feeBacked, approved := p.SplitOperatorPot(pot, fees, honestWork)
	junk := types.FeeBackedReward(feeBacked, junkFee, fees) // not approved: no work share
	require.Equal(t, int64(141_072), junkFee.AmountOf(sdk.DefaultBondDenom).Int64())
	require.Equal(t, int64(70_536), junk.AmountOf(sdk.DefaultBondDenom).Int64(), "half of what it paid")
	honest := types.FeeBackedReward(feeBacked, honestFees, fees).Add(types.OperatorReward(approved, honestWork, honestWork)...)
	require.Equal(t, int64(1_153_518), honest.AmountOf(sdk.DefaultBondDenom).Int64())
}
