package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// H3 (review 2026-12): with max_pending_forced = 2 the operator pre-fills
// the forced queue with junk and its every transaction is [batch consuming
// one forced entry, force-include junk], so the victim's force-include was
// refused before and after it in every block (ErrForcedInboxFull) and the
// rollup never froze. Now nothing refuses a forced entry at a cap the
// operator can fill: the victim's entries get in, and the operator either
// consumes them in inbox order or the rollup freezes.
func TestForceInclude_OperatorCannotKeepQueueFullToCensor(t *testing.T) {
	f, k, _ := livenessFixture(t) // max_pending_forced = 2 in the review's PoC; no such cap now
	f.register(t, rollupID)
	operator := func(g fixture, tx string) error {
		_, err := g.msgServer.ForceInclude(g.ctx, &types.MsgForceInclude{Sender: g.operator, RollupId: rollupID, L2Tx: []byte(tx)})
		return err
	}
	f.bank.fund(f.accAddr(t, f.operator), f.params(t).MinOperatorBond)
	require.NoError(t, operator(f, "junk a"))
	require.NoError(t, operator(f, "junk b"))

	var victim []uint64
	h0 := f.ctx.BlockHeight()
	for h := h0 + 1; h <= h0+10; h++ {
		g := f.atHeight(h)
		res, err := g.forceInclude(rollupID, fmt.Sprintf("victim before %d", h))
		require.NoError(t, err, "victim's force-include before the operator's tx at %d", h)
		victim = append(victim, res.InboxSequence)
		g.consume(t, rollupID, 1)
		require.NoError(t, operator(g, fmt.Sprintf("junk %d", h)))
		res, err = g.forceInclude(rollupID, fmt.Sprintf("victim after %d", h))
		require.NoError(t, err, "victim's force-include after the operator's tx at %d", h)
		victim = append(victim, res.InboxSequence)
		require.NoError(t, k.EndBlock(g.ctx))
	}

	// The operator keeps consuming one forced entry per block, in inbox
	// order: it reaches the victim's entries, or the rollup freezes.
	last := victim[len(victim)-1]
	for h := h0 + 11; ; h++ {
		g := f.atHeight(h)
		r := g.rollup(t, rollupID)
		if r.Status == types.ROLLUP_STATUS_FROZEN || r.InboxConsumed > last {
			break
		}
		g.consume(t, rollupID, 1)
		require.NoError(t, k.EndBlock(g.ctx))
		require.Less(t, h, h0+10_000, "the victim is neither served nor the rollup frozen")
	}
	r := f.rollup(t, rollupID)
	require.True(t, r.Status == types.ROLLUP_STATUS_FROZEN || r.InboxConsumed > last)
}
