package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/protocol"
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
		{"vk bytes over limit", func(p *types.Params) { p.MaxVkBytes = protocol.MaxVerifyingKeyBytes + 1 }, false},
		{"free verification", func(p *types.Params) { p.VerifyProofGas = 0 }, false},
		{"zero inbox deadline", func(p *types.Params) { p.InboxDeadlineBlocks = 0 }, false},
		{"zero operators", func(p *types.Params) { p.MaxOperators = 0 }, false},
		{"operators over limit", func(p *types.Params) { p.MaxOperators = types.MaxOperatorsLimit + 1 }, false},
		{"verify gas over limit", func(p *types.Params) { p.VerifyProofGas = types.MaxVerifyProofGas + 1 }, false},
		{"DA gas over limit (overflow guard)", func(p *types.Params) { p.GasPerDaByte = types.MaxGasPerDaByte + 1 }, false},
		{"invalid fee denom", func(p *types.Params) { p.RegistrationFee = sdk.Coin{Denom: "1bad", Amount: sdkmath.OneInt()} }, false},
		{"negative bond", func(p *types.Params) { p.MinOperatorBond = sdk.Coin{Denom: "unat", Amount: sdkmath.NewInt(-1)} }, false},
		{"inbox deadline over limit", func(p *types.Params) {
			p.InboxDeadlineBlocks = types.MaxInboxDeadlineBlocks + 1
			p.VkUpdateDelayBlocks = 4 * types.MaxInboxDeadlineBlocks
		}, false},
		{"zero inbox rate", func(p *types.Params) { p.InboxEntriesPerDeadline = 0 }, false},
		{"inbox rate over limit", func(p *types.Params) { p.InboxEntriesPerDeadline = types.MaxInboxEntriesPerDeadline + 1 }, false},
		{"zero forced rate", func(p *types.Params) { p.ForcedEntriesPerDeadline = 0 }, false},
		{"forced rate equal to inbox rate", func(p *types.Params) { p.ForcedEntriesPerDeadline = p.InboxEntriesPerDeadline }, true},
		{"forced rate above inbox rate", func(p *types.Params) { p.ForcedEntriesPerDeadline = p.InboxEntriesPerDeadline + 1 }, false},
		{"zero forced fee", func(p *types.Params) { p.ForcedInclusionFee = sdk.NewCoin("unat", sdkmath.ZeroInt()) }, true},
		{"invalid forced fee", func(p *types.Params) { p.ForcedInclusionFee = sdk.Coin{Denom: "unat", Amount: sdkmath.NewInt(-1)} }, false},
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

// L2 (review 2026-12): posted data is never free.
func TestParams_RejectZeroGasPerDaByte(t *testing.T) {
	p := types.DefaultParams()
	p.GasPerDaByte = 0
	require.ErrorIs(t, p.Validate(), types.ErrInvalidParams)
	p.GasPerDaByte = 1
	require.NoError(t, p.Validate())
}

// H5 and C1 (review 2026-12): a key or operator change must leave users who
// object the whole forced-exit window (inbox deadline, two blocks to
// freeze, and a reaction margin), and never apply in the block that made
// it.
func TestParams_RejectKeyDelayShorterThanForcedExitWindow(t *testing.T) {
	window := types.DefaultInboxDeadlineBlocks + 2 + types.MinExitReactionBlocks
	tests := []struct {
		name  string
		delay uint64
		valid bool
	}{
		{"zero (C1)", 0, false},
		{"old default 100", 100, false},
		{"equal to the inbox deadline", types.DefaultInboxDeadlineBlocks, false},
		{"one short of the window", window - 1, false},
		{"exactly the window", window, true},
		{"default", types.DefaultVkUpdateDelayBlocks, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := types.DefaultParams()
			p.VkUpdateDelayBlocks = tc.delay
			err := p.Validate()
			if tc.valid {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidParams)
		})
	}
	// Raising the inbox deadline without the delay is refused too.
	p := types.DefaultParams()
	p.InboxDeadlineBlocks = p.VkUpdateDelayBlocks
	require.ErrorIs(t, p.Validate(), types.ErrInvalidParams)
}

// A posted byte is carried once and hashed once: the ante's tx-size gas
// (tx_size_cost_per_byte) already pays for carrying every byte of the
// transaction, so gas_per_da_byte prices only the hashing (2.25 gas a byte
// measured against secp256k1, docs/x-rollups.md). It was set to the tx-size
// price itself, which charged carrying twice (issue 17).
func TestParams_DAByteChargeIsTheHashingOnly(t *testing.T) {
	p := types.DefaultParams()
	require.Less(t, p.GasPerDaByte, authtypes.DefaultTxSizeCostPerByte,
		"gas_per_da_byte must not charge carrying the bytes again")
	require.Equal(t, uint64(5), p.GasPerDaByte)
}
