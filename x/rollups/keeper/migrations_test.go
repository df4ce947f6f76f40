package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rollups"
	"github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// An in-place upgrade from consensus version 1 must stop, not run on a
// store version 2 misreads (red team 4, R4-2).
func TestMigrate1to2_RefusesAnInPlaceUpgrade(t *testing.T) {
	require.EqualValues(t, 2, rollups.ConsensusVersion)
	err := keeper.Migrate1to2(sdk.Context{})
	require.ErrorIs(t, err, types.ErrNoInPlaceMigration)
	require.ErrorContains(t, err, "export genesis")
}
