package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// The rollup record is stored in a hot part (what a batch or an inbox
// message rewrites) and a cold part (registration and admin fields): a
// batch rewrites the hot part only, GetRollup and the query join both.
func TestRollupRecord_BatchRewritesOnlyTheHotPart(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)
	coldBefore, err := f.keeper.RollupInfos.Get(f.ctx, rollupID)
	require.NoError(t, err)
	before, err := coldBefore.Marshal()
	require.NoError(t, err)

	f.submit(t, rollupID)

	cold, err := f.keeper.RollupInfos.Get(f.ctx, rollupID)
	require.NoError(t, err)
	after, err := cold.Marshal()
	require.NoError(t, err)
	require.Equal(t, before, after, "the batch left the cold part as it was")
	require.Nil(t, cold.StateRoot)
	require.Zero(t, cold.NextBatchIndex)
	require.NotEmpty(t, cold.Operators)

	hot, err := f.keeper.Rollups.Get(f.ctx, rollupID)
	require.NoError(t, err)
	require.Equal(t, uint64(2), hot.NextBatchIndex)
	require.Empty(t, hot.Id)
	require.Empty(t, hot.Operators)
	require.Empty(t, hot.Admin)
	require.Empty(t, hot.VkHash)

	r := f.rollup(t, rollupID) // the query: both parts, key bytes filled in
	require.Equal(t, hot.StateRoot, r.StateRoot)
	require.Equal(t, uint64(2), r.NextBatchIndex)
	require.Equal(t, cold.Operators, r.Operators)
	require.Equal(t, cold.VkHash, r.VkHash)
	require.Equal(t, types.ROLLUP_STATUS_ACTIVE, r.Status)
}
