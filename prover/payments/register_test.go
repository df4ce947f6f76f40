package payments

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/circuits"
)

func TestRegistry_CompilesPaymentsWithParams(t *testing.T) {
	c, err := circuits.Compile(CircuitName, circuits.Params{"depth": "6", "slots": "2"})
	require.NoError(t, err)
	want, err := Compile(Params{Depth: 6, Slots: 2})
	require.NoError(t, err)
	require.Equal(t, want.GetNbConstraints(), c.CS.GetNbConstraints())
	_, err = circuits.Compile(CircuitName, circuits.Params{"depth": "25"})
	require.ErrorIs(t, err, circuits.ErrInvalidParams)
}
