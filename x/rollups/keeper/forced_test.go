package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// forcedFixture is the liveness fixture with max_pending_forced = max.
func forcedFixture(t *testing.T, max uint64) (fixture, keeper.Keeper) {
	t.Helper()
	f, k, _ := livenessFixture(t)
	f.setParams(t, func(p *types.Params) { p.MaxPendingForced = max })
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

func TestForceInclude_RefusedBeyondMaxPendingForced(t *testing.T) {
	tests := []struct {
		name      string
		max       uint64
		kinds     string // appended before the forced tx under test
		lowerTo   uint64 // if set, governance lowers the bound afterwards
		wantFull  bool
		wantIndex []uint64
	}{
		{"room for one", 1, "", 0, false, nil},
		{"bound of one reached", 1, "f", 0, true, []uint64{0}},
		{"bound reached among deposits", 2, "dfddf", 0, true, []uint64{1, 4}},
		{"deposits are not counted", 2, "ddddfd", 0, false, []uint64{4}},
		{"one below the bound", 3, "fdf", 0, false, []uint64{0, 2}},
		{"bound lowered below the count", 3, "ff", 1, true, []uint64{0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, _ := forcedFixture(t, tc.max)
			f.register(t, rollupID)
			f.appendKinds(t, rollupID, tc.kinds)
			if tc.lowerTo != 0 {
				f.setParams(t, func(p *types.Params) { p.MaxPendingForced = tc.lowerTo })
			}
			before := f.rollup(t, rollupID)
			require.Equal(t, uint64(len(tc.wantIndex)), before.PendingForced)
			require.Equal(t, tc.wantIndex, f.pendingForced(t, rollupID))

			res, err := f.forceInclude(rollupID, "one more")

			if !tc.wantFull {
				require.NoError(t, err)
				require.Equal(t, before.InboxSize, res.InboxSequence)
				require.Equal(t, before.PendingForced+1, f.rollup(t, rollupID).PendingForced)
				require.Equal(t, append(tc.wantIndex, res.InboxSequence), f.pendingForced(t, rollupID))
				return
			}
			require.ErrorIs(t, err, types.ErrForcedInboxFull)
			f.requireRollupUnchanged(t, before)
			_, err = f.keeper.GetInboxMessage(f.ctx, rollupID, before.InboxSize)
			require.ErrorIs(t, err, types.ErrInboxMessageNotFound, "no inbox append")
			require.Equal(t, tc.wantIndex, f.pendingForced(t, rollupID))
			require.Empty(t, f.bank.balance(addr(0xee)), "the sender paid nothing")
			require.Empty(t, typedEvents[*types.EventForcedInclusion](t, f.ctx)[len(tc.wantIndex):], "no event for the refused tx")

			// Deposits still get in: the bound is on forced entries only.
			_, err = f.keeper.AppendInbox(f.ctx, rollupID, deposit(99))
			require.NoError(t, err)
		})
	}
}

func TestForceInclude_ConsumingForcedEntriesFreesRoom(t *testing.T) {
	f, _ := forcedFixture(t, 2)
	f.register(t, rollupID)
	f.register(t, "dex")
	f.appendKinds(t, rollupID, "dfdf") // forced at 1 and 3: full
	f.appendKinds(t, "dex", "ff")      // another rollup's queue, full too
	_, err := f.forceInclude(rollupID, "refused")
	require.ErrorIs(t, err, types.ErrForcedInboxFull)

	steps := []struct {
		name        string
		consume     uint64
		wantPending []uint64
		wantRoom    bool
	}{
		{"consuming a deposit frees nothing", 1, []uint64{1, 3}, false},
		{"consuming one forced entry frees one slot", 2, []uint64{3}, true},
		{"consuming the rest empties the queue", 2, nil, true},
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

		_, err = f.forceInclude(rollupID, "retry "+st.name)
		if st.wantRoom {
			require.NoError(t, err, st.name)
			require.Contains(t, f.pendingForced(t, rollupID), r.InboxSize, st.name)
		} else {
			require.ErrorIs(t, err, types.ErrForcedInboxFull, st.name)
		}
	}
	_, err = f.forceInclude("dex", "still full")
	require.ErrorIs(t, err, types.ErrForcedInboxFull)
}

func TestForceInclude_FrozenRollupRefusesAsNotActiveBeforeFull(t *testing.T) {
	f, k := forcedFixture(t, 1)
	f.register(t, rollupID)
	f.appendKinds(t, rollupID, "f") // full, and left unconsumed
	require.NoError(t, k.EndBlock(f.at(f.ctx.BlockHeight()+deadlineBlocks+1).ctx))
	before := f.rollup(t, rollupID)
	require.Equal(t, types.ROLLUP_STATUS_FROZEN, before.Status)

	_, err := f.forceInclude(rollupID, "too late")

	require.ErrorIs(t, err, types.ErrRollupNotActive)
	require.NotErrorIs(t, err, types.ErrForcedInboxFull)
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
	require.Equal(t, uint64(3), exported.Params.MaxPendingForced)
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

	// The imported chain enforces the same bound on the same queue.
	imported.appendKinds(t, rollupID, "ff")
	_, err = imported.forceInclude(rollupID, "fourth")
	require.ErrorIs(t, err, types.ErrForcedInboxFull)
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
