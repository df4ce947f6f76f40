package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// H5 (review 2026-12): an operator-set change took effect at once, so an
// admin could replace the operators and, with a key change, drain the
// rollup. It now waits like a key change: the old set submits until the
// activation height, the new one from then on.
func TestUpdateOperators_TakesEffectOnlyAfterDelay(t *testing.T) {
	f := newFixture(t)
	p := f.params(t)
	p.PermissionlessAfterBlocks = 1_000_000 // only operators may submit here
	require.NoError(t, f.keeper.Params.Set(f.ctx, p))
	f.register(t, rollupID)
	newOp, err := f.ac.BytesToString(addr(0x0c))
	require.NoError(t, err)

	res, err := f.msgServer.UpdateOperators(f.ctx, &types.MsgUpdateOperators{Admin: f.admin, RollupId: rollupID, Operators: []string{newOp}})
	require.NoError(t, err)
	activation := testHeight + int64(f.params(t).VkUpdateDelayBlocks)
	require.Equal(t, activation, res.ActivationHeight)
	r := f.rollup(t, rollupID)
	require.Equal(t, []string{f.operator}, r.Operators, "the old set stays in force")
	require.Equal(t, []string{newOp}, r.PendingOperators.Operators)
	require.Len(t, typedEvents[*types.EventOperatorsScheduled](t, f.ctx), 1)
	require.Empty(t, typedEvents[*types.EventOperatorsUpdated](t, f.ctx))

	submitAs := func(g fixture, who string) error {
		in := defaultInput(g.rollup(t, rollupID).NextBatchIndex)
		c := g.commitment(t, rollupID, in)
		c.Submitter = g.rawAddress(t, who)
		msg := g.msgFor(t, testProver(t), c, in)
		msg.Submitter = who
		_, err := g.msgServer.SubmitBatch(g.ctx, msg)
		return err
	}
	before := f.atHeight(activation - 1)
	require.ErrorIs(t, submitAs(before, newOp), types.ErrNotOperator, "the new operator may not submit yet")
	require.NoError(t, submitAs(before, f.operator), "the old operator still submits")

	at := f.atHeight(activation)
	require.ErrorIs(t, submitAs(at, f.operator), types.ErrNotOperator, "the old operator is retired")
	require.NoError(t, submitAs(at, newOp))
	r = at.rollup(t, rollupID)
	require.Equal(t, []string{newOp}, r.Operators)
	require.Nil(t, r.PendingOperators)
	require.Len(t, typedEvents[*types.EventOperatorsUpdated](t, at.ctx), 1)
}

// H5: a user who force-withdraws right after a key change is scheduled is
// served under the old key, or the rollup freezes before the new key
// applies, even when a flood ahead of the withdrawal pushes its deadline
// past the key's activation height.
func TestUpdateVerifyingKey_UserWhoForceExitsRightAfterIsServedUnderTheOldKey(t *testing.T) {
	for _, served := range []bool{true, false} {
		name := map[bool]string{true: "the operator serves the exit", false: "nobody serves it: frozen under the old key"}[served]
		t.Run(name, func(t *testing.T) {
			f, k, _ := livenessFixture(t) // D = 10
			f.setParams(t, func(p *types.Params) {
				p.InboxDeadlineBlocks = 10
				p.VkUpdateDelayBlocks = 10 + 2 + types.MinExitReactionBlocks // 112
				p.InboxEntriesPerDeadline = 4
				p.ForcedEntriesPerDeadline = 1
			})
			f.register(t, rollupID)
			oldKey, newKey := testProver(t), rotatedProver(t)
			res, err := f.msgServer.UpdateVerifyingKey(f.ctx, &types.MsgUpdateVerifyingKey{Admin: f.admin, RollupId: rollupID, VerifyingKey: newKey.VerifyingKey()})
			require.NoError(t, err)
			activation := res.ActivationHeight

			// A flood of 200 L1 calls (50 windows at 4 per 10 blocks), then
			// the user's forced withdrawal one block after the schedule.
			user := f.atHeight(testHeight + 1)
			for i := uint64(0); i < 200; i++ {
				_, err := user.keeper.AppendInbox(user.ctx, rollupID, l1Call(i))
				require.NoError(t, err)
			}
			exit, err := user.forceInclude(rollupID, "withdraw everything")
			require.NoError(t, err)
			require.Greater(t, exit.Deadline, activation, "the flood pushed the exit's deadline past the activation height")
			r := user.rollup(t, rollupID)
			require.Equal(t, exit.Deadline, r.PendingVerifyingKey.ProtectedDeadline)

			if served {
				// A lazy but honest operator consumes each message in its
				// deadline block, under the old key: the exit is served
				// long after the key's activation height.
				for h := testHeight + 2; h <= exit.Deadline; h++ {
					g := f.atHeight(h)
					if h == activation {
						in := defaultInput(g.rollup(t, rollupID).NextBatchIndex)
						c := g.commitment(t, rollupID, in)
						require.ErrorIs(t, g.keeper.CheckBatch(g.ctx, g.msgFor(t, newKey, c, in)), verifier.ErrProofInvalid,
							"the new key does not apply at its activation height while the exit waits")
					}
					if n := g.dueCount(t, rollupID); n > 0 {
						g.consume(t, rollupID, n)
					}
					require.NoError(t, k.EndBlock(g.ctx))
					require.Equal(t, types.ROLLUP_STATUS_ACTIVE, g.rollup(t, rollupID).Status)
				}
				r := f.rollup(t, rollupID)
				require.Greater(t, r.InboxConsumed, exit.InboxSequence, "the exit was served")
				require.Equal(t, oldKey.VerifyingKey(), r.VerifyingKey, "under the old key")
				// Two blocks after the protected deadline the new key applies.
				after := f.atHeight(exit.Deadline + 2)
				in := defaultInput(after.rollup(t, rollupID).NextBatchIndex)
				c := after.commitment(t, rollupID, in)
				require.NoError(t, after.keeper.CheckBatch(after.ctx, after.msgFor(t, newKey, c, in)))
				return
			}
			// Nobody consumes: the rollup freezes before the new key applies.
			for h := testHeight + 2; h <= exit.Deadline+1; h++ {
				require.NoError(t, k.EndBlock(f.atHeight(h).ctx))
			}
			r = f.rollup(t, rollupID)
			require.Equal(t, types.ROLLUP_STATUS_FROZEN, r.Status)
			require.Less(t, r.FrozenHeight, activation)
			require.Equal(t, oldKey.VerifyingKey(), r.VerifyingKey, "exodus runs against the last root proven under the old key")
		})
	}
}

// dueCount is the number of unconsumed messages of id due at or before the
// fixture's height.
func (f fixture) dueCount(t testing.TB, id string) uint64 {
	t.Helper()
	r := f.rollup(t, id)
	n := uint64(0)
	for seq := r.InboxConsumed; seq < r.InboxSize; seq++ {
		m, err := f.keeper.GetInboxMessage(f.ctx, id, seq)
		require.NoError(t, err)
		if m.Deadline > f.ctx.BlockHeight() {
			break
		}
		n++
	}
	return n
}

// Without a flood the protected deadline is within the delay: the key
// applies exactly at its activation height.
func TestUpdateVerifyingKey_ExitWithinTheWindowDoesNotPostponeTheKey(t *testing.T) {
	f, _, _ := livenessFixture(t)
	f.register(t, rollupID)
	res, err := f.msgServer.UpdateVerifyingKey(f.ctx, &types.MsgUpdateVerifyingKey{Admin: f.admin, RollupId: rollupID, VerifyingKey: rotatedProver(t).VerifyingKey()})
	require.NoError(t, err)
	p := f.rollup(t, rollupID).PendingVerifyingKey
	last := f.atHeight(p.ExitCutoffHeight)
	exit, err := last.forceInclude(rollupID, "withdraw")
	require.NoError(t, err)
	require.Equal(t, res.ActivationHeight-2, exit.Deadline, "the last protected exit is due two blocks before activation")
	late := f.atHeight(p.ExitCutoffHeight + 1)
	_, err = late.forceInclude(rollupID, "too late to protect")
	require.NoError(t, err)
	require.Equal(t, exit.Deadline, f.rollup(t, rollupID).PendingVerifyingKey.ProtectedDeadline, "an exit after the cutoff protects nothing")
}
