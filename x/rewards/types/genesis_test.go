package types_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rewards/types"
)

func TestGenesis_Validate(t *testing.T) {
	coins := sdk.NewCoins(sdk.NewInt64Coin("unat", 10))
	hash32 := bytes.Repeat([]byte{0xab}, 32)
	work := func(epoch uint64) types.WorkRecord {
		return types.WorkRecord{Epoch: epoch, RollupId: "alpha", Operator: "op", Weight: sdkmath.NewInt(1)}
	}
	tests := []struct {
		name   string
		mutate func(gs *types.GenesisState)
		valid  bool
	}{
		{"default", func(*types.GenesisState) {}, true},
		{"epoch zero", func(gs *types.GenesisState) { gs.Epoch.Number = 0 }, false},
		{"nil eligible work", func(gs *types.GenesisState) { gs.Epoch.EligibleWork = sdkmath.Int{} }, false},
		{"work of the current epoch", func(gs *types.GenesisState) { gs.Work = []types.WorkRecord{work(1)} }, true},
		{"work of a past epoch not being paid", func(gs *types.GenesisState) {
			gs.Epoch.Number = 3
			gs.Work = []types.WorkRecord{work(1)}
		}, false},
		{"duplicate work", func(gs *types.GenesisState) { gs.Work = []types.WorkRecord{work(1), work(1)} }, false},
		{"unknown inflow source", func(gs *types.GenesisState) {
			gs.Inflows = []types.SourceAmount{{Source: "gift", Amount: coins}}
		}, false},
		{"outflows exceed inflows", func(gs *types.GenesisState) {
			gs.Outflows = []types.SourceAmount{{Source: types.OutflowValidators, Amount: coins}}
		}, false},
		{"zero pending", func(gs *types.GenesisState) {
			gs.Pending = []types.PendingReward{{Operator: "op", Amount: sdk.NewCoins()}}
		}, false},
		{"payout credited beyond its pot", func(gs *types.GenesisState) {
			gs.Epoch.Number = 2
			gs.ActivePayout = &types.ActivePayout{Epoch: 1, EligibleWork: sdkmath.NewInt(1), Credited: coins}
		}, false},
		{"payout of the current epoch", func(gs *types.GenesisState) {
			gs.ActivePayout = &types.ActivePayout{Epoch: 1, EligibleWork: sdkmath.NewInt(1)}
		}, false},
		{"payout record from the future", func(gs *types.GenesisState) {
			gs.Payouts = []types.EpochPayout{{Epoch: 1, EligibleWork: sdkmath.ZeroInt()}}
		}, false},
		{"approved key", func(gs *types.GenesisState) {
			gs.ApprovedKeys = []types.ApprovedRollupKey{{RollupId: "alpha", VkHash: hash32}}
		}, true},
		{"approved key with a short hash", func(gs *types.GenesisState) {
			gs.ApprovedKeys = []types.ApprovedRollupKey{{RollupId: "alpha", VkHash: hash32[:31]}}
		}, false},
		{"approved key without a rollup", func(gs *types.GenesisState) {
			gs.ApprovedKeys = []types.ApprovedRollupKey{{VkHash: hash32}}
		}, false},
		{"duplicate approved key", func(gs *types.GenesisState) {
			gs.ApprovedKeys = []types.ApprovedRollupKey{{RollupId: "alpha", VkHash: hash32}, {RollupId: "alpha", VkHash: hash32}}
		}, false},
		{"approved weight above the weight", func(gs *types.GenesisState) {
			w := work(1)
			w.ApprovedWeight = sdkmath.NewInt(2)
			gs.Work = []types.WorkRecord{w}
		}, false},
		{"epoch approved work above eligible work", func(gs *types.GenesisState) { gs.Epoch.ApprovedWork = sdkmath.NewInt(1) }, false},
		{"unset approved work reads as zero", func(gs *types.GenesisState) { gs.Epoch.ApprovedWork = sdkmath.Int{} }, true},
		{"payout pot that is not its two parts", func(gs *types.GenesisState) {
			gs.Epoch.Number = 2
			gs.ActivePayout = &types.ActivePayout{Epoch: 1, EligibleWork: sdkmath.NewInt(1), OperatorPot: coins, FeeBackedPot: coins, ApprovedPot: coins}
		}, false},
		{"payout pot split in two", func(gs *types.GenesisState) {
			gs.Epoch.Number = 2
			gs.ActivePayout = &types.ActivePayout{Epoch: 1, EligibleWork: sdkmath.NewInt(1), OperatorPot: coins.Add(coins...), FeeBackedPot: coins, ApprovedPot: coins}
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs := types.DefaultGenesis()
			tc.mutate(gs)
			err := gs.Validate()
			if tc.valid {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
		})
	}
}
