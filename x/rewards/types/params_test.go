package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rewards/types"
)

func dec(s string) sdkmath.LegacyDec { return sdkmath.LegacyMustNewDecFromStr(s) }

func TestParams_Validate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(p *types.Params)
		valid  bool
	}{
		{"defaults", func(*types.Params) {}, true},
		{"all to validators", func(p *types.Params) { p.ValidatorShare, p.OperatorShare = dec("1"), dec("0") }, true},
		{"uneven split summing to one", func(p *types.Params) { p.ValidatorShare, p.OperatorShare = dec("0.3"), dec("0.7") }, true},
		{"split below one", func(p *types.Params) { p.ValidatorShare, p.OperatorShare = dec("0.3"), dec("0.6") }, false},
		{"split above one", func(p *types.Params) { p.ValidatorShare, p.OperatorShare = dec("0.5"), dec("0.6") }, false},
		{"negative share", func(p *types.Params) { p.ValidatorShare, p.OperatorShare = dec("-0.5"), dec("1.5") }, false},
		{"inflation share over one", func(p *types.Params) { p.InflationShare = dec("1.01") }, false},
		{"nil inflation share", func(p *types.Params) { p.InflationShare = sdkmath.LegacyDec{} }, false},
		{"zero epoch length", func(p *types.Params) { p.EpochLength = 0 }, false},
		{"no work weight", func(p *types.Params) { p.TxWeight, p.DaByteWeight = 0, 0 }, false},
		{"zero payouts per block", func(p *types.Params) { p.MaxPayoutsPerBlock = 0 }, false},
		{"payouts per block over limit", func(p *types.Params) { p.MaxPayoutsPerBlock = types.MaxPayoutsPerBlockLimit + 1 }, false},
		{"work weight over limit", func(p *types.Params) { p.TxWeight = types.MaxWorkWeight + 1 }, false},
		{"zero fees", func(p *types.Params) {
			p.FeePerDaByte, p.FeePerVerification = sdk.NewInt64Coin("unat", 0), sdk.NewInt64Coin("unat", 0)
		}, true},
		{"negative fee", func(p *types.Params) { p.FeePerDaByte = sdk.Coin{Denom: "unat", Amount: sdkmath.NewInt(-1)} }, false},
		{"fee without denom", func(p *types.Params) { p.FeePerVerification = sdk.Coin{Amount: sdkmath.NewInt(1)} }, false},
		{"nil fee amount", func(p *types.Params) { p.FeePerVerification = sdk.Coin{Denom: "unat"} }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := types.DefaultParams()
			tc.mutate(&p)
			err := p.Validate()
			if tc.valid {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidParams)
		})
	}
}
