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
