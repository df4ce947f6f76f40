package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// windDownFloodFixture: D = 10, C = 2, a 112-block wind-down (the least
// the params allow: D + 2 + 100). The admin appends 26 value-less L1 calls
// (cheap: gas only) and deregisters in the same block: the queue now ends
// at h0 + 130, past the closing height h0 + 112, and no L1 call may be
// added while closing.
func windDownFloodFixture(t *testing.T) (f fixture, k *keeper.Keeper, h0, closing int64) {
	t.Helper()
	f, k, _ = livenessFixture(t)
	f.setParams(t, func(p *types.Params) {
		p.InboxDeadlineBlocks = 10
		p.VkUpdateDelayBlocks = 10 + 2 + types.MinExitReactionBlocks
		p.InboxEntriesPerDeadline = 2
		p.ForcedEntriesPerDeadline = 1
	})
	f.register(t, rollupID)
	f.ledger.holds[rollupID] = true
	h0 = f.ctx.BlockHeight()
	for i := uint64(0); i < 26; i++ {
		_, err := f.keeper.AppendInbox(f.ctx, rollupID, l1Call(i))
		require.NoError(t, err)
	}
	res, err := f.msgServer.DeregisterRollup(f.ctx, &types.MsgDeregisterRollup{Admin: f.admin, RollupId: rollupID})
	require.NoError(t, err)
	require.Equal(t, h0+112, res.ClosingHeight)
	return f, k, h0, res.ClosingHeight
}

// A flood queued before the deregistration pushed every forced exit of the
// wind-down past the closing height: the operator consumed its own junk by
// its deadlines, never served the exit, and the rollup closed unslashed
// with the bond back to the admin. A message appended up to closing - D - 2
// is now served or the rollup is frozen and slashed, as for a key change.
func TestDeregisterRollup_FloodCannotPushForcedExitsPastTheClosing(t *testing.T) {
	f, k, h0, closing := windDownFloodFixture(t)
	admin := f.accAddr(t, f.admin)
	adminBefore := f.bank.balance(admin)

	// Well inside the wind-down (cutoff h0 + 100), a user forces an exit.
	res, err := f.atHeight(h0+1).forceInclude(rollupID, "withdraw everything")
	require.NoError(t, err)
	require.Greater(t, res.Deadline, closing, "the flood put it past the closing height")
	// The operator consumes the junk ahead of it, and nothing more.
	f.atHeight(h0+2).consume(t, rollupID, 26)

	end := f.atHeight(closing)
	require.NoError(t, k.EndBlock(end.ctx))
	require.Equal(t, types.ROLLUP_STATUS_ACTIVE, end.rollup(t, rollupID).Status,
		"closed at %d with the forced exit due at %d unserved", closing, res.Deadline)

	late := f.atHeight(res.Deadline + 1)
	require.NoError(t, k.EndBlock(late.ctx))
	r := late.rollup(t, rollupID)
	require.Equal(t, types.ROLLUP_STATUS_FROZEN, r.Status)
	require.True(t, r.Bond.IsZero(), "slashed")
	require.Len(t, typedEvents[*types.EventRollupFrozen](t, late.ctx), 1)
	require.Empty(t, typedEvents[*types.EventRollupClosed](t, late.ctx))
	require.Equal(t, adminBefore.String(), f.bank.balance(admin).String(), "no bond back for a censor")
}

// The closing waits only for messages appended up to the cutoff: once they
// are served the rollup closes unslashed, and a message appended after the
// cutoff postpones nothing.
func TestDeregisterRollup_ClosingWaitsOnlyForProtectedMessages(t *testing.T) {
	f, k, h0, closing := windDownFloodFixture(t)
	res, err := f.atHeight(h0+1).forceInclude(rollupID, "withdraw everything")
	require.NoError(t, err)
	f.atHeight(h0+2).consume(t, rollupID, 26)

	require.NoError(t, k.EndBlock(f.atHeight(closing).ctx))
	require.Equal(t, types.ROLLUP_STATUS_ACTIVE, f.rollup(t, rollupID).Status)
	// The exit is served before its deadline; a forced tx appended after
	// the cutoff stays unserved.
	f.atHeight(closing+1).consume(t, rollupID, 1)
	_, err = f.atHeight(closing+1).forceInclude(rollupID, "too late")
	require.NoError(t, err)

	end := f.atHeight(res.Deadline + 1)
	require.NoError(t, k.EndBlock(end.ctx))
	r := end.rollup(t, rollupID)
	require.Equal(t, types.ROLLUP_STATUS_FROZEN, r.Status, "closed")
	require.Len(t, typedEvents[*types.EventRollupClosed](t, end.ctx), 1, "unslashed: the protected exit was served")
	require.Empty(t, typedEvents[*types.EventRollupFrozen](t, end.ctx))
}
