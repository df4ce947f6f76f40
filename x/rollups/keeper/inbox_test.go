package keeper_test

import (
	"bytes"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// oneOfEachKind is a valid inbox entry of every kind. Their Sequence is
// garbage: AppendInbox assigns it.
func oneOfEachKind() []protocol.InboxEntry {
	return []protocol.InboxEntry{
		{Sequence: 99, Kind: protocol.InboxKindDeposit, Sender: bytes.Repeat([]byte{0x11}, 20),
			Recipient: bytes.Repeat([]byte{0x22}, 32), Denom: "unat", Amount: protocol.NewUint128(1_000_000)},
		{Sequence: 99, Kind: protocol.InboxKindCrossRollupMessage, Sender: bytes.Repeat([]byte{0x33}, 32),
			Recipient: bytes.Repeat([]byte{0x44}, 32), SourceRollupID: "dex", Payload: []byte("hello")},
		{Sequence: 99, Kind: protocol.InboxKindL1Call, Sender: bytes.Repeat([]byte{0x55}, 20), Payload: []byte{1, 2, 3}},
		{Sequence: 99, Kind: protocol.InboxKindForcedTx, Sender: bytes.Repeat([]byte{0x66}, 20), Payload: []byte("signed L2 tx")},
	}
}

func TestAppendInbox_AssignsContiguousSequencesAndExtendsAccumulator(t *testing.T) {
	f := newFixture(t)
	registered := f.register(t, rollupID)
	f.register(t, "dex")
	acc := protocol.InboxAccumulatorGenesis()

	for i, entry := range oneOfEachKind() {
		at := f.atHeight(testHeight + int64(i))
		seq, err := at.keeper.AppendInbox(at.ctx, rollupID, entry)
		require.NoError(t, err)
		require.Equal(t, uint64(i), seq)

		entry.Sequence = uint64(i)
		acc = protocol.InboxAccumulate(acc, entry)
		stored, err := f.keeper.Inbox.Get(f.ctx, collections.Join(rollupID, seq))
		require.NoError(t, err)
		require.Equal(t, uint64(i), stored.Sequence)
		require.Equal(t, testHeight+int64(i), stored.Height)
		require.Equal(t, protocol.FieldElementBytes(acc), stored.Accumulator)
		roundTrip, err := stored.Entry()
		require.NoError(t, err)
		require.Equal(t, entry.Hash(), roundTrip.Hash(), "the stored message is the entry")

		events := typedEvents[*types.EventInboxMessageAppended](t, at.ctx)
		require.Len(t, events, 1)
		require.Equal(t, types.EventInboxMessageAppended{
			RollupId: rollupID, Sequence: seq, Kind: uint32(entry.Kind), Accumulator: hex.EncodeToString(protocol.FieldElementBytes(acc)),
		}, *events[0])
	}

	r := f.rollup(t, rollupID)
	require.Equal(t, uint64(4), r.InboxSize)
	require.Equal(t, protocol.FieldElementBytes(acc), r.InboxAccumulator)
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
	with := func(e protocol.InboxEntry, mutate func(*protocol.InboxEntry)) protocol.InboxEntry {
		mutate(&e)
		return e
	}
	tests := []struct {
		name    string
		entry   protocol.InboxEntry
		wantErr error
	}{
		{"unspecified kind", with(deposit, func(e *protocol.InboxEntry) { e.Kind = protocol.InboxKindUnspecified }), protocol.ErrUnknownInboxKind},
		{"unknown kind", with(deposit, func(e *protocol.InboxEntry) { e.Kind = 9 }), protocol.ErrUnknownInboxKind},
		{"deposit of zero", with(deposit, func(e *protocol.InboxEntry) { e.Amount, e.Denom = protocol.Uint128{}, "" }), protocol.ErrInvalidInboxEntry},
		{"deposit without sender", with(deposit, func(e *protocol.InboxEntry) { e.Sender = nil }), protocol.ErrInvalidAddress},
		{"deposit without recipient", with(deposit, func(e *protocol.InboxEntry) { e.Recipient = nil }), protocol.ErrInvalidAddress},
		{"deposit from a rollup", with(deposit, func(e *protocol.InboxEntry) { e.SourceRollupID = "dex" }), protocol.ErrInvalidInboxEntry},
		{"deposit with an invalid denom", with(deposit, func(e *protocol.InboxEntry) { e.Denom = "1x" }), protocol.ErrInvalidDenom},
		{"zero value with a denom", with(message, func(e *protocol.InboxEntry) { e.Denom = "unat" }), protocol.ErrInvalidDenom},
		{"cross-rollup message without source", with(message, func(e *protocol.InboxEntry) { e.SourceRollupID = "" }), protocol.ErrInvalidRollupID},
		{"forced transaction with value", with(forced, func(e *protocol.InboxEntry) { e.Amount, e.Denom = protocol.NewUint128(1), "unat" }),
			protocol.ErrInvalidInboxEntry},
		{"forced transaction without payload", with(forced, func(e *protocol.InboxEntry) { e.Payload = nil }), protocol.ErrInvalidInboxEntry},
		{"sender over 64 bytes", with(deposit, func(e *protocol.InboxEntry) { e.Sender = make([]byte, protocol.MaxAddressLen+1) }), protocol.ErrInvalidAddress},
		{"payload over the limit", with(message, func(e *protocol.InboxEntry) { e.Payload = make([]byte, protocol.MaxPayloadLen+1) }), protocol.ErrPayloadTooLarge},
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
			require.NoError(t, f.keeper.SetRollup(f.ctx, r))
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

// A rollup with an exit layout holds one denom (issue 18): value in
// another denom is refused for deposits, L1 calls and routed messages, and
// changes nothing; the layout's denom, entries without value, refunds, and
// any denom into a rollup without a layout are appended.
func TestAppendInbox_RefusesValueInADenomTheRollupDoesNotHold(t *testing.T) {
	sender, recipient := bytes.Repeat([]byte{0x11}, 20), bytes.Repeat([]byte{0x22}, 32)
	value := func(kind protocol.InboxKind, denom string) protocol.InboxEntry {
		e := protocol.InboxEntry{Kind: kind, Sender: sender, Recipient: recipient, Denom: denom, Amount: protocol.NewUint128(7)}
		if kind == protocol.InboxKindCrossRollupMessage || kind == protocol.InboxKindRefund {
			e.SourceRollupID = "dex"
		}
		return e
	}
	tests := []struct {
		name    string
		layout  bool
		entry   protocol.InboxEntry
		refused bool
	}{
		{"deposit in another denom", true, value(protocol.InboxKindDeposit, "uusdc"), true},
		{"L1 call with value in another denom", true, value(protocol.InboxKindL1Call, "uusdc"), true},
		{"routed message in another denom", true, value(protocol.InboxKindCrossRollupMessage, "uusdc"), true},
		{"deposit in the layout's denom", true, value(protocol.InboxKindDeposit, "unat"), false},
		{"routed message in the layout's denom", true, value(protocol.InboxKindCrossRollupMessage, "unat"), false},
		{"refund in another denom (returns what the rollup sent)", true, value(protocol.InboxKindRefund, "uusdc"), false},
		{"call without value", true, oneOfEachKind()[2], false},
		{"no layout: any denom", false, value(protocol.InboxKindDeposit, "uusdc"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			msg := f.registerMsg(t, rollupID)
			if tc.layout {
				msg.ExitLayout = &types.ExitLayout{Name: "payments-v1", Depth: 20, Denom: "unat"}
			}
			_, err := f.msgServer.RegisterRollup(f.ctx, msg)
			require.NoError(t, err)
			before := f.rollup(t, rollupID)
			f.ctx = f.ctx.WithEventManager(sdk.NewEventManager())

			_, err = f.keeper.AppendInbox(f.ctx, rollupID, tc.entry)

			if !tc.refused {
				require.NoError(t, err)
				require.Equal(t, before.InboxSize+1, f.rollup(t, rollupID).InboxSize)
				return
			}
			require.ErrorIs(t, err, types.ErrDenomNotHeld)
			require.Equal(t, before, f.rollup(t, rollupID))
			has, err := f.keeper.Inbox.Has(f.ctx, collections.Join(rollupID, uint64(0)))
			require.NoError(t, err)
			require.False(t, has)
			require.Empty(t, typedEvents[*types.EventInboxMessageAppended](t, f.ctx))
		})
	}
}

// An exchange-v1 rollup holds two denoms (issue 18): value in either is
// appended, value in a third is refused exactly as for a one-denom layout
// and changes nothing.
func TestAppendInbox_TwoDenomLayoutHoldsBothAndRefusesAThird(t *testing.T) {
	sender, recipient := bytes.Repeat([]byte{0x11}, 20), bytes.Repeat([]byte{0x22}, 32)
	value := func(kind protocol.InboxKind, denom string) protocol.InboxEntry {
		e := protocol.InboxEntry{Kind: kind, Sender: sender, Recipient: recipient, Denom: denom, Amount: protocol.NewUint128(7)}
		if kind == protocol.InboxKindCrossRollupMessage || kind == protocol.InboxKindRefund {
			e.SourceRollupID = "dex"
		}
		return e
	}
	tests := []struct {
		name    string
		entry   protocol.InboxEntry
		refused bool
	}{
		{"deposit in the base denom", value(protocol.InboxKindDeposit, "unat"), false},
		{"deposit in the quote denom", value(protocol.InboxKindDeposit, "uusdc"), false},
		{"L1 call with value in the quote denom", value(protocol.InboxKindL1Call, "uusdc"), false},
		{"routed message in the quote denom", value(protocol.InboxKindCrossRollupMessage, "uusdc"), false},
		{"deposit in a third denom", value(protocol.InboxKindDeposit, "uatom"), true},
		{"L1 call with value in a third denom", value(protocol.InboxKindL1Call, "uatom"), true},
		{"routed message in a third denom", value(protocol.InboxKindCrossRollupMessage, "uatom"), true},
		{"refund in a third denom (returns what the rollup sent)", value(protocol.InboxKindRefund, "uatom"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			msg := f.registerMsg(t, rollupID)
			msg.ExitLayout = &types.ExitLayout{Name: "exchange-v1", Depth: 20, Denom: "unat", QuoteDenom: "uusdc"}
			msg.GenesisStateRoot = exchangeEmptyRoot(msg.ExitLayout)
			_, err := f.msgServer.RegisterRollup(f.ctx, msg)
			require.NoError(t, err)
			before := f.rollup(t, rollupID)
			f.ctx = f.ctx.WithEventManager(sdk.NewEventManager())

			_, err = f.keeper.AppendInbox(f.ctx, rollupID, tc.entry)

			if !tc.refused {
				require.NoError(t, err)
				require.Equal(t, before.InboxSize+1, f.rollup(t, rollupID).InboxSize)
				return
			}
			require.ErrorIs(t, err, types.ErrDenomNotHeld)
			require.Contains(t, err.Error(), "holds unat and uusdc, the entry carries uatom")
			require.Equal(t, before, f.rollup(t, rollupID))
			has, err := f.keeper.Inbox.Has(f.ctx, collections.Join(rollupID, uint64(0)))
			require.NoError(t, err)
			require.False(t, has)
			require.Empty(t, typedEvents[*types.EventInboxMessageAppended](t, f.ctx))
		})
	}
}
