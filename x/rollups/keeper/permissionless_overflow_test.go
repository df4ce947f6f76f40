package keeper_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// permissionless_after_blocks "never" (2^64 - 1, as a proposal disabling
// permissionless proving would write) was accepted, and int64() of it is -1:
// the rollup was open to any submitter from its first block. The params
// now bound it, and a stored value that slipped past (an older genesis)
// saturates instead of wrapping.
func TestPermissionlessProving_HugeDelayNeverOpensTheRollupAtOnce(t *testing.T) {
	f, _, _ := livenessFixture(t)
	p := f.params(t)
	p.PermissionlessAfterBlocks = math.MaxUint64
	_, err := f.msgServer.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: p})
	require.ErrorIs(t, err, types.ErrInvalidParams)

	require.NoError(t, f.keeper.Params.Set(f.ctx, p))
	f.register(t, rollupID)
	g := f.at(f.rollup(t, rollupID).RegisteredHeight + 1)
	in := defaultInput(1)
	c := g.commitment(t, rollupID, in)
	c.Submitter = g.rawAddress(t, g.outsider)
	msg := g.msgFor(t, testProver(t), c, in)
	msg.Submitter = g.outsider
	_, err = g.msgServer.SubmitBatch(g.ctx, msg)
	require.ErrorIs(t, err, types.ErrNotOperator)
}
