package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/nativechain/nativechain/x/crossrollup/types"
)

func TestParams_Validate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(p *types.Params)
		valid  bool
	}{
		{"defaults", func(*types.Params) {}, true},
		{"deposits paused", func(p *types.Params) { p.DepositsEnabled = false }, true},
		{"max fee rate", func(p *types.Params) { p.BridgeFeeRate = types.MaxBridgeFeeRate }, true},
		{"zero payload bytes", func(p *types.Params) { p.MaxPayloadBytes = 0 }, false},
		{"payload bytes over limit", func(p *types.Params) { p.MaxPayloadBytes = types.MaxPayloadBytesLimit + 1 }, false},
		{"zero outbox entries", func(p *types.Params) { p.MaxOutboxEntries = 0 }, false},
		{"outbox entries over limit", func(p *types.Params) { p.MaxOutboxEntries = types.MaxOutboxEntriesLimit + 1 }, false},
		{"negative fee rate", func(p *types.Params) { p.BridgeFeeRate = sdkmath.LegacyNewDec(-1) }, false},
		{"fee rate over max", func(p *types.Params) { p.BridgeFeeRate = types.MaxBridgeFeeRate.Add(sdkmath.LegacySmallestDec()) }, false},
		{"nil fee rate", func(p *types.Params) { p.BridgeFeeRate = sdkmath.LegacyDec{} }, false},
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
