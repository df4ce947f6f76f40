package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// deadlineBlocks is the inbox deadline the liveness tests run with.
const deadlineBlocks = 10

func livenessFixture(t *testing.T) (fixture, *keeper.Keeper, *fakeRewardPool) {
	t.Helper()
	f := newFixture(t)
	params := f.params(t)
	params.InboxDeadlineBlocks = deadlineBlocks
	params.PermissionlessAfterBlocks = 20
	params.MaxFreezesPerBlock = 2
	require.NoError(t, f.keeper.Params.Set(f.ctx, params))
	// The outsider force-includes: it pays the forced-inclusion fee.
	f.bank.fund(addr(0xee), f.params(t).MinOperatorBond.Add(f.params(t).MinOperatorBond))
	return f, f.keeper, f.pool
}

func (f fixture) at(h int64) fixture {
	f.ctx = f.ctx.WithBlockHeight(h)
	return f
}

func TestForceInclude_AppendsAForcedTxWithADeadline(t *testing.T) {
	f, k, _ := livenessFixture(t)
	f.register(t, rollupID)
	msgs := keeper.NewMsgServerImpl(k)
	res, err := msgs.ForceInclude(f.ctx, &types.MsgForceInclude{Sender: f.outsider, RollupId: rollupID, L2Tx: []byte("signed withdrawal")})
	require.NoError(t, err)
	require.Equal(t, uint64(0), res.InboxSequence)
	require.Equal(t, f.ctx.BlockHeight()+deadlineBlocks, res.Deadline)
	m, err := f.keeper.GetInboxMessage(f.ctx, rollupID, 0)
	require.NoError(t, err)
	require.Equal(t, uint32(protocol.InboxKindForcedTx), m.Kind)
	require.Equal(t, []byte("signed withdrawal"), m.Payload)
	require.Equal(t, res.Deadline, f.rollup(t, rollupID).InboxDeadline)

	for _, tc := range []struct {
		name string
		msg  *types.MsgForceInclude
		want error
	}{
		{"empty tx", &types.MsgForceInclude{Sender: f.outsider, RollupId: rollupID}, protocol.ErrInvalidInboxEntry},
		{"oversize tx", &types.MsgForceInclude{Sender: f.outsider, RollupId: rollupID, L2Tx: make([]byte, protocol.MaxPayloadLen+1)}, protocol.ErrPayloadTooLarge},
		{"unknown rollup", &types.MsgForceInclude{Sender: f.outsider, RollupId: "nowhere", L2Tx: []byte{1}}, types.ErrUnknownRollup},
		{"bad sender", &types.MsgForceInclude{Sender: "native1bad", RollupId: rollupID, L2Tx: []byte{1}}, protocol.ErrInvalidInboxEntry},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := msgs.ForceInclude(f.ctx, tc.msg)
			require.ErrorIs(t, err, tc.want)
			require.Equal(t, uint64(1), f.rollup(t, rollupID).InboxSize, "a refused forced tx changes nothing")
		})
	}
}

func TestDeadline_FreezesAnOverdueRollupAndSlashesItsBond(t *testing.T) {
	f, k, pool := livenessFixture(t)
	f.register(t, rollupID)
	bond := f.rollup(t, rollupID).Bond
	f.appendInbox(t, rollupID, 1)
	deadline := f.ctx.BlockHeight() + deadlineBlocks

	// Up to and including the deadline block, nothing happens.
	require.NoError(t, k.EndBlock(f.at(deadline).ctx))
	require.Equal(t, types.ROLLUP_STATUS_ACTIVE, f.rollup(t, rollupID).Status)

	// The block after: frozen, bond slashed into the pool, index cleared.
	late := f.at(deadline + 1)
	require.NoError(t, k.EndBlock(late.ctx))
	r := late.rollup(t, rollupID)
	require.Equal(t, types.ROLLUP_STATUS_FROZEN, r.Status)
	require.Equal(t, deadline+1, r.FrozenHeight)
	require.True(t, r.Bond.IsZero())
	require.Equal(t, []string{types.RewardSourceSlashedBond + ":" + bond.String()}, pool.inflows[len(pool.inflows)-1:])
	require.Zero(t, r.InboxDeadline)
	has, err := f.keeper.Deadlines.Has(f.ctx, collections.Join(deadline, rollupID))
	require.NoError(t, err)
	require.False(t, has)

	// A frozen rollup takes no batch and no inbox message.
	_, err = f.msgServer.SubmitBatch(late.ctx, late.nextBatch(t, rollupID))
	require.ErrorIs(t, err, types.ErrRollupNotActive)
	_, err = f.keeper.AppendInbox(late.ctx, rollupID, deposit(9))
	require.ErrorIs(t, err, types.ErrRollupNotActive)
}

func TestDeadline_ABatchThatConsumesInTimeMovesTheDeadline(t *testing.T) {
	f, k, _ := livenessFixture(t)
	f.register(t, rollupID)
	f.appendInbox(t, rollupID, 1)
	later := f.at(f.ctx.BlockHeight() + 5)
	later.appendInbox(t, rollupID, 1) // arrives 5 blocks later
	first := f.ctx.BlockHeight() + deadlineBlocks
	require.Equal(t, first, f.rollup(t, rollupID).InboxDeadline)

	// A batch consumes the first message: the deadline is now the second's.
	in := defaultInput(1)
	in.inboxConsumed = 1
	_, err := f.msgServer.SubmitBatch(later.ctx, later.batchMsg(t, rollupID, in))
	require.NoError(t, err)
	require.Equal(t, later.ctx.BlockHeight()+deadlineBlocks, f.rollup(t, rollupID).InboxDeadline)
	require.NoError(t, k.EndBlock(f.at(first+1).ctx))
	require.Equal(t, types.ROLLUP_STATUS_ACTIVE, f.rollup(t, rollupID).Status, "the first deadline no longer binds")

	// Consuming everything clears it.
	in = defaultInput(2)
	in.inboxConsumed = 1
	_, err = f.msgServer.SubmitBatch(later.ctx, later.batchMsg(t, rollupID, in))
	require.NoError(t, err)
	require.Zero(t, f.rollup(t, rollupID).InboxDeadline)
	require.NoError(t, k.EndBlock(f.at(first+100).ctx))
	require.Equal(t, types.ROLLUP_STATUS_ACTIVE, f.rollup(t, rollupID).Status)
}

func TestDeadline_EndBlockWorkIsBounded(t *testing.T) {
	f, k, _ := livenessFixture(t) // max 2 freezes per block
	ids := []string{"roll-a", "roll-b", "roll-c", "roll-d", "roll-e"}
	admin := sdk.AccAddress(f.rawAddress(t, f.admin))
	f.bank.fund(admin, sdk.NewCoins(f.params(t).MinOperatorBond.Add(f.params(t).RegistrationFee)).MulInt(sdkmath.NewInt(int64(len(ids))))...)
	for _, id := range ids {
		f.register(t, id)
		f.appendInbox(t, id, 1)
	}
	late := f.ctx.BlockHeight() + deadlineBlocks + 1
	frozen := func() int {
		n := 0
		for _, id := range ids {
			if f.rollup(t, id).Status == types.ROLLUP_STATUS_FROZEN {
				n++
			}
		}
		return n
	}
	for i, want := range []int{2, 4, 5, 5} {
		require.NoError(t, k.EndBlock(f.at(late+int64(i)).ctx))
		require.Equal(t, want, frozen(), "after EndBlock %d", i)
	}
}

func TestPermissionlessProving_OpensAfterTheOperatorsGoSilent(t *testing.T) {
	f, _, _ := livenessFixture(t) // permissionless after 20 blocks
	f.register(t, rollupID)
	registered := f.rollup(t, rollupID).RegisteredHeight

	proveFor := func(g fixture, who string) *types.MsgSubmitBatch {
		in := defaultInput(g.rollup(t, rollupID).NextBatchIndex)
		c := g.commitment(t, rollupID, in)
		c.Submitter = g.rawAddress(t, who)
		msg := g.msgFor(t, testProver(t), c, in)
		msg.Submitter = who
		return msg
	}
	early := f.at(registered + 19)
	_, err := f.msgServer.SubmitBatch(early.ctx, proveFor(early, f.outsider))
	require.ErrorIs(t, err, types.ErrNotOperator)

	open := f.at(registered + 20)
	_, err = f.msgServer.SubmitBatch(open.ctx, proveFor(open, f.outsider))
	require.NoError(t, err, "anyone may prove a silent rollup")
	require.Equal(t, f.outsider, latestSubmitter(t, open, rollupID))

	// The batch restarts the clock: the outsider must wait again.
	_, err = f.msgServer.SubmitBatch(open.ctx, proveFor(open, f.outsider))
	require.ErrorIs(t, err, types.ErrNotOperator)
	// The operators never wait.
	_, err = f.msgServer.SubmitBatch(open.ctx, proveFor(open, f.operator))
	require.NoError(t, err)
}

func latestSubmitter(t *testing.T, f fixture, id string) string {
	t.Helper()
	// The submitter is in the batch's full record, its event.
	records := typedEvents[*types.Batch](t, f.ctx)
	require.NotEmpty(t, records)
	last := records[len(records)-1]
	require.Equal(t, id, last.RollupId)
	require.Equal(t, f.rollup(t, id).NextBatchIndex-1, last.Index)
	return last.Submitter
}
