package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// Red team 7, R7-2: registration refuses an exchange-v1 rollup whose
// genesis root is not EmptyRoot of its layout (R6-2), but genesis import
// took any: a rollup listed in genesis with its layout's denoms swapped
// (or another depth) came back as if registered. Genesis now holds an
// exchange-v1 rollup to the rule registration applies.
func TestRedTeam7_GenesisHoldsAnExchangeRollupToItsLayoutsEmptyRoot(t *testing.T) {
	const depth = 8
	layout := &types.ExitLayout{Name: protocol.ExitLayoutExchangeV1, Depth: depth, Denom: "unat", QuoteDenom: "uusdc"}
	empty := func(base, quote string, d uint32) []byte {
		return protocol.StateRootBytes(exchangev1.EmptyRoot(d, exchangev1.Pair{Base: base, Quote: quote}))
	}
	for _, tc := range []struct {
		name        string
		genesisRoot []byte
		valid       bool
	}{
		{"the layout's empty root", empty("unat", "uusdc", depth), true},
		{"swapped denoms", empty("uusdc", "unat", depth), false},
		{"another depth", empty("unat", "uusdc", depth+1), false},
		{"any root", rootBytes(7), false},
		{"no genesis root", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs := populatedGenesis()
			gs.Rollups[0].ExitLayout = layout
			gs.Rollups[0].GenesisStateRoot = tc.genesisRoot
			err := gs.Validate()
			if tc.valid {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			require.ErrorIs(t, err, types.ErrInvalidExitLayout)
		})
	}
}
