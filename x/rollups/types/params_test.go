package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rollups/types"
)

func TestParams_Validate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(p *types.Params)
		valid  bool
	}{
		{"defaults", func(*types.Params) {}, true},
		{"zero batch bytes", func(p *types.Params) { p.MaxBatchDataBytes = 0 }, false},
		{"batch bytes over limit", func(p *types.Params) { p.MaxBatchDataBytes = types.MaxBatchDataBytesLimit + 1 }, false},
		{"zero vk bytes", func(p *types.Params) { p.MaxVkBytes = 0 }, false},
		{"vk bytes over limit", func(p *types.Params) { p.MaxVkBytes = types.MaxVkBytesLimit + 1 }, false},
		{"free verification", func(p *types.Params) { p.VerifyProofGas = 0 }, false},
		{"zero inbox deadline", func(p *types.Params) { p.InboxDeadlineBlocks = 0 }, false},
		{"zero operators", func(p *types.Params) { p.MaxOperators = 0 }, false},
		{"operators over limit", func(p *types.Params) { p.MaxOperators = types.MaxOperatorsLimit + 1 }, false},
		{"verify gas over limit", func(p *types.Params) { p.VerifyProofGas = types.MaxVerifyProofGas + 1 }, false},
		{"DA gas over limit (overflow guard)", func(p *types.Params) { p.GasPerDaByte = types.MaxGasPerDaByte + 1 }, false},
		{"invalid fee denom", func(p *types.Params) { p.RegistrationFee = sdk.Coin{Denom: "1bad", Amount: sdkmath.OneInt()} }, false},
		{"negative bond", func(p *types.Params) { p.MinOperatorBond = sdk.Coin{Denom: "unat", Amount: sdkmath.NewInt(-1)} }, false},
		{"zero pending forced", func(p *types.Params) { p.MaxPendingForced = 0 }, false},
		{"one pending forced", func(p *types.Params) { p.MaxPendingForced = 1 }, true},
		{"pending forced at limit", func(p *types.Params) { p.MaxPendingForced = types.MaxPendingForcedLimit }, true},
		{"pending forced over limit", func(p *types.Params) { p.MaxPendingForced = types.MaxPendingForcedLimit + 1 }, false},
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

func TestGenesis_ValidateWrapsParamsError(t *testing.T) {
	gs := types.DefaultGenesis()
	gs.Params.MaxVkBytes = 0
	err := gs.Validate()
	require.ErrorIs(t, err, types.ErrInvalidGenesis)
	require.ErrorIs(t, err, types.ErrInvalidParams)
}
