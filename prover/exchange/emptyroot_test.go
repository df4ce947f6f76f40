package exchange

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol/exchangev1"
)

// A new exchange state's root is exchangev1.EmptyRoot of its depth and
// denoms: the genesis root x/rollups requires of an exchange-v1
// registration (red team 6, R6-2). Swapping the denoms changes it.
func TestState_EmptyRootIsTheLayoutsEmptyRoot(t *testing.T) {
	for _, p := range []Params{
		{Depth: 4, Slots: 2, BaseDenom: "unat", QuoteDenom: "uusdc"},
		{Depth: 24, Slots: 2, BaseDenom: "uusdc", QuoteDenom: "unat"},
	} {
		root, err := mustOpen(t, p).Root()
		require.NoError(t, err)
		require.Equal(t, exchangev1.EmptyRoot(uint32(p.Depth), exchangev1.Pair{Base: p.BaseDenom, Quote: p.QuoteDenom}), root)
		swapped := exchangev1.EmptyRoot(uint32(p.Depth), exchangev1.Pair{Base: p.QuoteDenom, Quote: p.BaseDenom})
		require.NotEqual(t, swapped, root)
	}
}
