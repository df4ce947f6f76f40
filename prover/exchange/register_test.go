package exchange

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/circuits"
)

func TestRegistry_CompilesExchangeWithParams(t *testing.T) {
	c, err := circuits.Compile(CircuitName, circuits.Params{"depth": "4", "slots": "1", "fee_bps": "25"})
	require.NoError(t, err)
	want, err := Compile(Params{Depth: 4, Slots: 1, FeeBps: 25})
	require.NoError(t, err)
	require.Equal(t, want.GetNbConstraints(), c.CS.GetNbConstraints())
	for _, bad := range []circuits.Params{{"depth": "25"}, {"fee_bps": "10000"}, {"fee_bps": "0"}, {"quote": "unat"}} {
		_, err = circuits.Compile(CircuitName, bad)
		require.Error(t, err, "%v", bad)
	}
}
