package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/types"
)

func TestForceInclude_RefusedIntoAFrozenRollup(t *testing.T) {
	f, k, _ := livenessFixture(t)
	f.register(t, rollupID)
	f.appendInbox(t, rollupID, 1)
	require.NoError(t, k.EndBlock(f.at(f.ctx.BlockHeight()+deadlineBlocks+1).ctx))
	require.Equal(t, types.ROLLUP_STATUS_FROZEN, f.rollup(t, rollupID).Status)
	before := f.rollup(t, rollupID)

	_, err := keeper.NewMsgServerImpl(k).ForceInclude(f.ctx, &types.MsgForceInclude{
		Sender: f.outsider, RollupId: rollupID, L2Tx: []byte("signed withdrawal"),
	})

	require.ErrorIs(t, err, types.ErrRollupNotActive)
	require.Equal(t, before, f.rollup(t, rollupID), "a refused forced tx changes nothing")
}
