package keeper_test

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// oneOfEachKind is a valid inbox entry of every kind. Their Sequence is
// garbage: AppendInbox assigns it.
func oneOfEachKind() []types.InboxEntry {
	return []types.InboxEntry{
		{Sequence: 99, Kind: types.InboxKindDeposit, Sender: bytes.Repeat([]byte{0x11}, 20),
			Recipient: bytes.Repeat([]byte{0x22}, 32), Denom: "unat", Amount: types.NewUint128(1_000_000)},
		{Sequence: 99, Kind: types.InboxKindCrossRollupMessage, Sender: bytes.Repeat([]byte{0x33}, 32),
			Recipient: bytes.Repeat([]byte{0x44}, 32), SourceRollupID: "dex", Payload: []byte("hello")},
		{Sequence: 99, Kind: types.InboxKindL1Call, Sender: bytes.Repeat([]byte{0x55}, 20), Payload: []byte{1, 2, 3}},
		{Sequence: 99, Kind: types.InboxKindForcedTx, Sender: bytes.Repeat([]byte{0x66}, 20), Payload: []byte("signed L2 tx")},
	}
}

func TestAppendInbox_AssignsContiguousSequencesAndExtendsAccumulator(t *testing.T) {
	f := newFixture(t)
	registered := f.register(t, rollupID)
	f.register(t, "dex")
	acc := types.InboxAccumulatorGenesis()

	for i, entry := range oneOfEachKind() {
		at := f.atHeight(testHeight + int64(i))
		seq, err := at.keeper.AppendInbox(at.ctx, rollupID, entry)
		require.NoError(t, err)
		require.Equal(t, uint64(i), seq)

		entry.Sequence = uint64(i)
		acc = types.InboxAccumulate(acc, entry)
		stored, err := f.keeper.Inbox.Get(f.ctx, collections.Join(rollupID, seq))
		require.NoError(t, err)
		require.Equal(t, uint64(i), stored.Sequence)
		require.Equal(t, testHeight+int64(i), stored.Height)
		require.Equal(t, types.FieldElementBytes(acc), stored.Accumulator)
		roundTrip, err := stored.Entry()
		require.NoError(t, err)
		require.Equal(t, entry.Hash(), roundTrip.Hash(), "the stored message is the entry")

		events := typedEvents[*types.EventInboxMessageAppended](t, at.ctx)
		require.Len(t, events, 1)
		require.Equal(t, types.EventInboxMessageAppended{
			RollupId: rollupID, Sequence: seq, Kind: uint32(entry.Kind), Accumulator: hex.EncodeToString(types.FieldElementBytes(acc)),
		}, *events[0])
	}

	r := f.rollup(t, rollupID)
	require.Equal(t, uint64(4), r.InboxSize)
	require.Equal(t, types.FieldElementBytes(acc), r.InboxAccumulator)
	require.Zero(t, r.InboxConsumed, "appending consumes nothing")
	require.Equal(t, registered.ConsumedAccumulator, r.ConsumedAccumulator)

	// Each rollup has its own inbox, numbered from 0.
	seq, err := f.keeper.AppendInbox(f.ctx, "dex", oneOfEachKind()[0])
	require.NoError(t, err)
	require.Zero(t, seq)
	require.Equal(t, uint64(1), f.rollup(t, "dex").InboxSize)
}

func TestAppendInbox_RefusesInvalidEntries(t *testing.T) {
	deposit := oneOfEachKind()[0]
	message := oneOfEachKind()[1]
	forced := oneOfEachKind()[3]
	with := func(e types.InboxEntry, mutate func(*types.InboxEntry)) types.InboxEntry {
		mutate(&e)
		return e
	}
	tests := []struct {
		name    string
		entry   types.InboxEntry
		wantErr error
	}{
		{"unspecified kind", with(deposit, func(e *types.InboxEntry) { e.Kind = types.InboxKindUnspecified }), types.ErrUnknownInboxKind},
		{"unknown kind", with(deposit, func(e *types.InboxEntry) { e.Kind = 9 }), types.ErrUnknownInboxKind},
		{"deposit of zero", with(deposit, func(e *types.InboxEntry) { e.Amount, e.Denom = types.Uint128{}, "" }), types.ErrInvalidInboxEntry},
		{"deposit without sender", with(deposit, func(e *types.InboxEntry) { e.Sender = nil }), types.ErrInvalidAddress},
		{"deposit without recipient", with(deposit, func(e *types.InboxEntry) { e.Recipient = nil }), types.ErrInvalidAddress},
		{"deposit from a rollup", with(deposit, func(e *types.InboxEntry) { e.SourceRollupID = "dex" }), types.ErrInvalidInboxEntry},
		{"deposit with an invalid denom", with(deposit, func(e *types.InboxEntry) { e.Denom = "1x" }), types.ErrInvalidDenom},
		{"zero value with a denom", with(message, func(e *types.InboxEntry) { e.Denom = "unat" }), types.ErrInvalidDenom},
		{"cross-rollup message without source", with(message, func(e *types.InboxEntry) { e.SourceRollupID = "" }), types.ErrInvalidRollupID},
		{"forced transaction with value", with(forced, func(e *types.InboxEntry) { e.Amount, e.Denom = types.NewUint128(1), "unat" }),
			types.ErrInvalidInboxEntry},
		{"forced transaction without payload", with(forced, func(e *types.InboxEntry) { e.Payload = nil }), types.ErrInvalidInboxEntry},
		{"sender over 64 bytes", with(deposit, func(e *types.InboxEntry) { e.Sender = make([]byte, types.MaxAddressLen+1) }), types.ErrInvalidAddress},
		{"payload over the limit", with(message, func(e *types.InboxEntry) { e.Payload = make([]byte, types.MaxPayloadLen+1) }), types.ErrPayloadTooLarge},
	}
	f := newFixture(t)
	before := f.register(t, rollupID)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.keeper.AppendInbox(f.ctx, rollupID, tc.entry)

			require.ErrorIs(t, err, tc.wantErr)
			f.requireRollupUnchanged(t, before)
			has, err := f.keeper.Inbox.Has(f.ctx, collections.Join(rollupID, uint64(0)))
			require.NoError(t, err)
			require.False(t, has)
		})
	}
}

func TestAppendInbox_RefusesUnknownOrInactiveRollup(t *testing.T) {
	tests := []struct {
		name    string
		arrange func(t *testing.T, f fixture)
		wantErr error
	}{
		{"unknown rollup", func(*testing.T, fixture) {}, types.ErrUnknownRollup},
		{"frozen rollup", func(t *testing.T, f fixture) {
			r := f.register(t, rollupID)
			r.Status = types.ROLLUP_STATUS_FROZEN
			require.NoError(t, f.keeper.Rollups.Set(f.ctx, rollupID, r))
		}, types.ErrRollupNotActive},
		{"deregistered rollup", func(t *testing.T, f fixture) {
			f.register(t, rollupID)
			_, err := f.msgServer.DeregisterRollup(f.ctx, &types.MsgDeregisterRollup{Admin: f.admin, RollupId: rollupID})
			require.NoError(t, err)
		}, types.ErrRollupNotActive},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			tc.arrange(t, f)
			f.ctx = f.ctx.WithEventManager(sdk.NewEventManager())

			_, err := f.keeper.AppendInbox(f.ctx, rollupID, oneOfEachKind()[0])

			require.ErrorIs(t, err, tc.wantErr)
			has, err := f.keeper.Inbox.Has(f.ctx, collections.Join(rollupID, uint64(0)))
			require.NoError(t, err)
			require.False(t, has)
			require.Empty(t, typedEvents[*types.EventInboxMessageAppended](t, f.ctx))
		})
	}
}
