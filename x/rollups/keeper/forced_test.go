package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// forcedFixture is the liveness fixture (D = 10) with
// forced_entries_per_deadline = perDeadline.
func forcedFixture(t *testing.T, perDeadline uint64) (fixture, *keeper.Keeper) {
	t.Helper()
	f, k, _ := livenessFixture(t)
	p := f.params(t)
	p.ForcedEntriesPerDeadline = perDeadline
	require.NoError(t, f.keeper.Params.Set(f.ctx, p))
	return f, k
}

func (f fixture) forceInclude(id string, tx string) (*types.MsgForceIncludeResponse, error) {
	return f.msgServer.ForceInclude(f.ctx, &types.MsgForceInclude{Sender: f.outsider, RollupId: id, L2Tx: []byte(tx)})
}

// appendKinds appends, in order, a forced tx for each 'f' and a deposit for
// each 'd' of kinds.
func (f fixture) appendKinds(t *testing.T, id, kinds string) {
	t.Helper()
	for i, c := range kinds {
		var err error
		switch c {
		case 'f':
			_, err = f.forceInclude(id, "forced "+string(rune('a'+i)))
		case 'd':
			_, err = f.keeper.AppendInbox(f.ctx, id, deposit(uint64(i)))
		default:
			t.Fatalf("unknown kind %q", c)
		}
		require.NoError(t, err, "entry %d (%c)", i, c)
	}
}

// pendingForced lists the indexed forced sequences of a rollup.
func (f fixture) pendingForced(t *testing.T, id string) []uint64 {
	t.Helper()
	iter, err := f.keeper.PendingForced.Iterate(f.ctx, collections.NewPrefixedPairRange[string, uint64](id))
	require.NoError(t, err)
	keys, err := iter.Keys()
	require.NoError(t, err)
	var out []uint64
	for _, k := range keys {
		out = append(out, k.K2())
	}
	return out
}

// Forced transactions are due at least ceil(D / forced_entries_per_deadline)
// blocks apart, and every message's deadline is at least its predecessor's,
// so deposits behind a forced entry inherit its deadline.
func TestForceInclude_DeadlinesSpacedByForcedCapacity(t *testing.T) {
	tests := []struct {
		name         string
		perDeadline  uint64 // forced entries per D = 10 blocks
		kinds        string
		wantDeadline []int64 // relative to the append height
	}{
		{"one forced entry", 2, "f", []int64{10}},
		{"two per deadline: 5 apart", 2, "fff", []int64{10, 15, 20}},
		{"three per deadline: ceil(10/3) = 4 apart", 3, "ff", []int64{10, 14}},
		{"deposits are not spaced", 2, "ddd", []int64{10, 10, 10}},
		{"a deposit behind a forced entry is due with it", 2, "fdfd", []int64{10, 10, 15, 15}},
		{"forced spacing counts from the last forced entry", 1, "dfdf", []int64{10, 10, 10, 20}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := forcedFixture(t, tc.perDeadline)
			f.register(t, rollupID)
			f.appendKinds(t, rollupID, tc.kinds)
			var got []int64
			for i := range tc.kinds {
				m, err := f.keeper.GetInboxMessage(f.ctx, rollupID, uint64(i))
				require.NoError(t, err)
				got = append(got, m.Deadline-f.ctx.BlockHeight())
			}
			require.Equal(t, tc.wantDeadline, got)
			require.Equal(t, f.ctx.BlockHeight()+tc.wantDeadline[0], f.rollup(t, rollupID).InboxDeadline, "the oldest message's deadline binds")
		})
	}
}

func TestForceInclude_ChargesTheFeeIntoTheRewardPool(t *testing.T) {
	f, k, pool := livenessFixture(t)
	f.register(t, rollupID)
	msgs := keeper.NewMsgServerImpl(k)
	fee := f.params(t).ForcedInclusionFee
	require.True(t, fee.IsPositive(), "the default fee is positive")
	sender := f.accAddr(t, f.outsider)
	before := f.bank.balance(sender)

	_, err := msgs.ForceInclude(f.ctx, &types.MsgForceInclude{Sender: f.outsider, RollupId: rollupID, L2Tx: []byte("exit")})

	require.NoError(t, err)
	require.Equal(t, before.Sub(fee).String(), f.bank.balance(sender).String())
	require.Equal(t, []string{types.RewardSourceForcedInclusionFee + ":" + fee.String()}, pool.inflows[len(pool.inflows)-1:])

	// A sender who cannot pay is refused and nothing changes.
	broke := f.ac
	poor, err := broke.BytesToString(addr(0x99))
	require.NoError(t, err)
	snapshot := f.rollup(t, rollupID)
	_, err = msgs.ForceInclude(f.ctx, &types.MsgForceInclude{Sender: poor, RollupId: rollupID, L2Tx: []byte("exit")})
	require.ErrorIs(t, err, types.ErrForcedInclusionFee)
	f.requireRollupUnchanged(t, snapshot)
	_, err = f.keeper.GetInboxMessage(f.ctx, rollupID, snapshot.InboxSize)
	require.ErrorIs(t, err, types.ErrInboxMessageNotFound, "no inbox append")
}

func TestForceInclude_ConsumingForcedEntriesUpdatesTheIndex(t *testing.T) {
	f, _ := forcedFixture(t, 2)
	f.register(t, rollupID)
	f.register(t, "dex")
	f.appendKinds(t, rollupID, "dfdf") // forced at 1 and 3
	f.appendKinds(t, "dex", "ff")

	steps := []struct {
		name        string
		consume     uint64
		wantPending []uint64
	}{
		{"consuming a deposit leaves the forced entries", 1, []uint64{1, 3}},
		{"consuming one forced entry drops it", 2, []uint64{3}},
		{"consuming the rest empties the index", 1, nil},
	}
	for _, st := range steps {
		in := defaultInput(f.rollup(t, rollupID).NextBatchIndex)
		in.inboxConsumed = st.consume
		_, err := f.msgServer.SubmitBatch(f.ctx, f.batchMsg(t, rollupID, in))
		require.NoError(t, err, st.name)
		r := f.rollup(t, rollupID)
		require.Equal(t, uint64(len(st.wantPending)), r.PendingForced, st.name)
		require.Equal(t, st.wantPending, f.pendingForced(t, rollupID), st.name)
		require.Equal(t, []uint64{0, 1}, f.pendingForced(t, "dex"), "%s: other rollups keep their queue", st.name)
	}
}

func TestForceInclude_FrozenRollupRefusedAsNotActive(t *testing.T) {
	f, k := forcedFixture(t, 1)
	f.register(t, rollupID)
	f.appendKinds(t, rollupID, "f") // left unconsumed
	require.NoError(t, k.EndBlock(f.at(f.ctx.BlockHeight()+deadlineBlocks+1).ctx))
	before := f.rollup(t, rollupID)
	require.Equal(t, types.ROLLUP_STATUS_FROZEN, before.Status)

	_, err := f.forceInclude(rollupID, "too late")

	require.ErrorIs(t, err, types.ErrRollupNotActive)
	f.requireRollupUnchanged(t, before)
}

func TestGenesis_PendingForcedRoundTrip(t *testing.T) {
	f, _ := forcedFixture(t, 3)
	f.register(t, rollupID)
	f.register(t, "dex")
	f.appendKinds(t, rollupID, "fdfdf")
	f.appendKinds(t, "dex", "df")
	in := defaultInput(1)
	in.inboxConsumed = 3 // the first two forced entries and a deposit
	_, err := f.msgServer.SubmitBatch(f.ctx, f.batchMsg(t, rollupID, in))
	require.NoError(t, err)
	require.Equal(t, []uint64{4}, f.pendingForced(t, rollupID))

	exported, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(3), exported.Params.ForcedEntriesPerDeadline)
	require.Equal(t, uint64(1), rollupByID(exported, rollupID).PendingForced)
	require.Equal(t, uint64(1), rollupByID(exported, "dex").PendingForced)

	imported := newFixture(t)
	require.NoError(t, imported.keeper.InitGenesis(imported.ctx, exported))
	require.Equal(t, []uint64{4}, imported.pendingForced(t, rollupID), "the index is rebuilt from the inbox")
	require.Equal(t, []uint64{1}, imported.pendingForced(t, "dex"))
	reexported, err := imported.keeper.ExportGenesis(imported.ctx)
	require.NoError(t, err)
	want, err := exported.Marshal()
	require.NoError(t, err)
	got, err := reexported.Marshal()
	require.NoError(t, err)
	require.Equal(t, want, got)

	// The imported chain spaces the next forced entry from the same last
	// forced deadline.
	last := rollupByID(exported, rollupID).LastForcedDeadline
	require.NotZero(t, last)
	imported.bank.fund(imported.accAddr(t, imported.outsider), imported.params(t).MinOperatorBond)
	res, err := imported.forceInclude(rollupID, "next")
	require.NoError(t, err)
	require.Equal(t, last+4, res.Deadline, "ceil(10/3) = 4 after the last forced deadline")
}

func TestInitGenesis_RejectsPendingForcedMismatch(t *testing.T) {
	f, _ := forcedFixture(t, 3)
	f.register(t, rollupID)
	f.appendKinds(t, rollupID, "fdf")
	exported, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)

	tests := []struct {
		name   string
		mutate func(gs *types.GenesisState)
	}{
		{"count too high", func(gs *types.GenesisState) { gs.Rollups[0].PendingForced++ }},
		{"count too low", func(gs *types.GenesisState) { gs.Rollups[0].PendingForced-- }},
		{"forced entry counted though consumed", func(gs *types.GenesisState) { gs.Rollups[0].InboxConsumed = 1 }},
		{"forced entry dropped from the inbox", func(gs *types.GenesisState) { gs.Inbox = gs.Inbox[1:] }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs := cloneGenesis(t, exported)
			tc.mutate(gs)
			g := newFixture(t)

			require.ErrorIs(t, g.keeper.InitGenesis(g.ctx, gs), types.ErrInvalidGenesis)

			require.Empty(t, g.pendingForced(t, rollupID), "a refused genesis writes nothing")
		})
	}
}
