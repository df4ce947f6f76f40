package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Regression tests of the December 2026 review (docs/adversarial.md,
// "December 2026 review"): H1, M2, M5, L2, L3, L7 and the unknown-rollup
// queries. They use exodusFixture: whole rollup records, and an inbox that
// validates every appended entry as x/rollups does.

const (
	sinkID  = "sink"  // active, with a layout: where a capped rollup routes
	plainID = "plain" // active, no exit layout
)

func (f *exodusFixture) addRollup(id string, layout *rollupstypes.ExitLayout) {
	f.reg.rollups[id] = &rollupstypes.Rollup{Id: id, Status: rollupstypes.ROLLUP_STATUS_ACTIVE, StateRoot: root(deadRoot), ExitLayout: layout}
}

func (f *exodusFixture) apply(t *testing.T, id string, outbox ...protocol.OutboxEntry) error {
	t.Helper()
	return f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{RollupID: id, Index: 1, Outbox: outbox})
}

func withdrawalOf(sender, to []byte, amt uint64) protocol.OutboxEntry {
	return protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Sender: sender, Recipient: to, Denom: denom, Amount: protocol.NewUint128(amt)}
}

func sendOf(dest string, amt uint64, payload []byte) protocol.OutboxEntry {
	return protocol.OutboxEntry{
		Kind: protocol.OutboxKindCrossRollupMessage, Sender: l2Carol, Recipient: l2Dave, DestRollupID: dest,
		Denom: denom, Amount: protocol.NewUint128(amt), Payload: payload,
	}
}

// anyEventWith reports whether an event of type typ has an attribute
// key="value" pair equal to kv.
func anyEventWith(ctx sdk.Context, typ, kv string) bool {
	for _, e := range ctx.EventManager().Events() {
		if e.Type != typ {
			continue
		}
		for _, a := range e.Attributes {
			if a.Key+"="+a.Value == kv {
				return true
			}
		}
	}
	return false
}

// lastInbox is the last entry appended to id's inbox.
func (f *exodusFixture) lastInbox(t *testing.T, id string) rollupstypes.InboxMessage {
	t.Helper()
	require.NotEmpty(t, f.reg.inbox[id], "inbox of %s", id)
	return f.reg.inbox[id][len(f.reg.inbox[id])-1]
}

func (f *exodusFixture) setCap(t *testing.T, id string, amt int64) {
	t.Helper()
	require.NoError(t, f.keeper.OutflowCaps.Set(f.ctx, id, types.OutflowCap{Cap: sdk.NewCoins(sdk.NewInt64Coin(denom, amt))}))
}

func (f *exodusFixture) pendingTotal(t *testing.T) string {
	t.Helper()
	p, err := f.keeper.PendingTotal(f.ctx)
	require.NoError(t, err)
	return p.String()
}

// ---------------------------------------------------------------------------
// H1: user content never fails a verified batch

func TestWithdraw_UndeliverableRecipientRefundsTheSender(t *testing.T) {
	f := newExodusFixture(t)
	f.fund(t, liveID, sdk.NewInt64Coin(denom, 100))
	f.bank.blocked[string(f.bob)] = true

	// ACT: a withdrawal to a blocked address, then one without a sender.
	require.NoError(t, f.apply(t, liveID, withdrawalOf(l2Carol, f.bob, 40)))

	// ASSERT: a refund entry to the L2 sender; the value never left.
	back := f.lastInbox(t, liveID)
	require.Equal(t, uint32(protocol.InboxKindRefund), back.Kind)
	require.Equal(t, l2Carol, back.Recipient)
	require.Equal(t, []byte(f.bob), back.Sender, "the refund names the recipient that could not be paid")
	require.Equal(t, liveID, back.SourceRollupId)
	require.Equal(t, "40", back.Amount)
	require.Equal(t, int64(100), f.ledger(t, liveID))
	require.True(t, f.bank.balances[string(f.bob)].IsZero())
	require.Contains(t, requireEvent(t, f.ctx, "nativechain.crossrollup.v1.EventWithdrawalRefunded"), `outcome="refunded"`)
	f.requireInvariant(t)

	// No L2 sender: nobody to give it back to; it stays in the ledger.
	inbox := len(f.reg.inbox[liveID])
	require.NoError(t, f.apply(t, liveID, withdrawalOf(nil, f.bob, 30)))
	require.Len(t, f.reg.inbox[liveID], inbox)
	require.Equal(t, int64(100), f.ledger(t, liveID))
	require.Contains(t, requireEvent(t, f.ctx, "nativechain.crossrollup.v1.EventWithdrawalRefunded"), `outcome="kept"`)
	f.requireInvariant(t)

	// A real inconsistency still fails the batch: more than the ledger.
	before := f.state(t)
	require.ErrorIs(t, f.apply(t, liveID, withdrawalOf(l2Carol, f.bob, 101)), types.ErrLedgerInsufficient)
	require.Equal(t, before, f.state(t))
}

func TestRoute_ADestinationInboxThatRefusesBouncesTheMessage(t *testing.T) {
	f := newExodusFixture(t)
	f.addRollup(sinkID, nil)
	f.reg.refuse = map[string]bool{sinkID: true}
	f.fund(t, liveID, sdk.NewInt64Coin(denom, 100))

	require.NoError(t, f.apply(t, liveID, sendOf(sinkID, 30, []byte("call"))))

	require.Empty(t, f.reg.inbox[sinkID])
	back := f.lastInbox(t, liveID)
	require.Equal(t, uint32(protocol.InboxKindRefund), back.Kind)
	require.Equal(t, l2Carol, back.Recipient)
	require.Equal(t, []byte("call"), back.Payload, "a payload the chain could carry comes back")
	require.Equal(t, int64(100), f.ledger(t, liveID))
	require.Equal(t, int64(0), f.ledger(t, sinkID))
	f.requireInvariant(t)

	// The source's own inbox refuses too: an exit credit of the sender.
	f.reg.refuse[liveID] = true
	f.bank.blocked[string(f.bob)] = true
	require.NoError(t, f.apply(t, liveID, withdrawalOf(l2Dave, f.bob, 10)))
	require.Equal(t, "10unat", f.credits(t, liveID, l2Dave))
	require.Equal(t, int64(100), f.ledger(t, liveID))
	f.requireInvariant(t)
}

func TestRefunds_ASourceInboxThatRefusesMakesTheRefundWait(t *testing.T) {
	f := newExodusFixture(t)
	f.reg.rollups[deadID].Status = rollupstypes.ROLLUP_STATUS_ACTIVE
	f.addInbox(t, deadID, routed(liveID, 20))
	f.freeze(t, deadID)
	f.reg.refuse = map[string]bool{liveID: true}

	require.NoError(t, f.keeper.ProcessRefunds(f.ctx))
	require.Equal(t, int64(20), f.ledger(t, deadID))
	require.Equal(t, int64(0), f.ledger(t, liveID))
	require.Equal(t, uint64(1), f.status(t, deadID).WaitingRefunds)

	f.reg.refuse[liveID] = false
	require.NoError(t, f.keeper.ProcessRefunds(f.ctx))
	require.Equal(t, int64(20), f.ledger(t, liveID))
	require.Equal(t, l2Dave, f.lastInbox(t, liveID).Recipient)
	require.True(t, f.status(t, deadID).RefundsComplete)
	f.requireInvariant(t)
}

// ---------------------------------------------------------------------------
// M2: outflow caps cover routed value

func TestRoute_OutflowCapCountsRoutedValue(t *testing.T) {
	// ARRANGE (the review's PoC): live is capped at 10 per epoch and holds
	// 100; sink is an uncapped rollup the attacker controls.
	f := newExodusFixture(t)
	f.addRollup(sinkID, &rollupstypes.ExitLayout{Name: layoutName, Depth: exitDepth, Denom: denom})
	f.fund(t, liveID, sdk.NewInt64Coin(denom, 100))
	f.setCap(t, liveID, 10)

	// ACT: live routes 100 to sink; sink withdraws 100 in the same epoch.
	require.NoError(t, f.apply(t, liveID, sendOf(sinkID, 100, []byte("drain"))))
	err := f.apply(t, sinkID, withdrawalOf(l2Dave, f.bob, 100))

	// ASSERT: the message bounced, nothing reached sink, nothing was paid.
	require.ErrorIs(t, err, types.ErrLedgerInsufficient)
	require.Empty(t, f.reg.inbox[sinkID])
	require.Equal(t, int64(100), f.ledger(t, liveID))
	require.Equal(t, int64(0), f.ledger(t, sinkID))
	require.True(t, f.bank.balances[string(f.bob)].IsZero())
	back := f.lastInbox(t, liveID)
	require.Equal(t, uint32(protocol.InboxKindRefund), back.Kind)
	require.Equal(t, l2Carol, back.Recipient)
	require.Contains(t, requireEvent(t, f.ctx, "nativechain.crossrollup.v1.EventMessageBounced"), "outflow cap")
	f.requireInvariant(t)

	// Within the cap, routed value counts as outflow: 6 routed, then a
	// withdrawal of 4 is paid and one more unit waits for the next epoch.
	require.NoError(t, f.apply(t, liveID, sendOf(sinkID, 6, nil)))
	require.Equal(t, int64(6), f.ledger(t, sinkID))
	require.NoError(t, f.apply(t, liveID, withdrawalOf(l2Carol, f.bob, 4), withdrawalOf(l2Carol, f.bob, 1)))
	require.Equal(t, "4unat", f.bank.balances[string(f.bob)].String())
	require.Equal(t, "1unat", f.pendingTotal(t))
	require.Equal(t, "10unat", f.status(t, liveID).Usage.Paid.String())
	f.requireInvariant(t)
}

// ---------------------------------------------------------------------------
// M5: refunds to a paused rollup wait instead of stranding

func TestRefunds_ToAPausedSourceWaitUntilItResumes(t *testing.T) {
	// ARRANGE: dead holds a message quiet (active, paused) routed to it,
	// then a deposit; dead freezes.
	f := newExodusFixture(t)
	f.reg.rollups[deadID].Status = rollupstypes.ROLLUP_STATUS_ACTIVE
	f.addInbox(t, deadID, routed(quietID, 20))
	f.addInbox(t, deadID, deposit(f.alice, 5))
	f.freeze(t, deadID)

	// ACT: refunds run while quiet is paused.
	require.NoError(t, f.keeper.ProcessRefunds(f.ctx))
	require.NoError(t, f.keeper.ProcessRefunds(f.ctx))

	// ASSERT: the deposit went back, the routed refund waits in dead's
	// ledger: no credit on quiet that nobody could claim while it lives.
	require.Equal(t, "5unat", f.bank.balances[string(f.alice)].String())
	require.Equal(t, "", f.credits(t, quietID, l2Dave))
	require.Equal(t, int64(0), f.ledger(t, quietID))
	require.Equal(t, int64(20), f.ledger(t, deadID))
	require.Empty(t, f.reg.inbox[quietID])
	require.True(t, anyEventWith(f.ctx, "nativechain.crossrollup.v1.EventInboxRefunded", keeperOutcome("waiting")))
	s := f.status(t, deadID)
	require.False(t, s.RefundsComplete, "a refund still waits")
	require.Equal(t, uint64(1), s.WaitingRefunds)
	f.requireInvariant(t)

	// Quiet resumes: the refund bounces into its inbox, to the L2 sender.
	require.NoError(t, f.keeper.Paused.Remove(f.ctx, quietID))
	require.NoError(t, f.keeper.ProcessRefunds(f.ctx))
	back := f.lastInbox(t, quietID)
	require.Equal(t, uint32(protocol.InboxKindRefund), back.Kind)
	require.Equal(t, l2Dave, back.Recipient)
	require.Equal(t, int64(20), f.ledger(t, quietID))
	require.Equal(t, int64(0), f.ledger(t, deadID))
	require.True(t, f.status(t, deadID).RefundsComplete)
	f.requireInvariant(t)
}

func TestRefunds_AWaitingRefundWhoseSourceFreezesIsCreditedThere(t *testing.T) {
	f := newExodusFixture(t)
	f.reg.rollups[deadID].Status = rollupstypes.ROLLUP_STATUS_ACTIVE
	f.addInbox(t, deadID, routed(quietID, 20))
	f.freeze(t, deadID)
	require.NoError(t, f.keeper.ProcessRefunds(f.ctx))
	require.Equal(t, int64(20), f.ledger(t, deadID))

	f.reg.rollups[quietID].Status = rollupstypes.ROLLUP_STATUS_FROZEN // exits open there
	require.NoError(t, f.keeper.ProcessRefunds(f.ctx))
	require.Equal(t, "20unat", f.credits(t, quietID, l2Dave))
	require.Equal(t, int64(20), f.ledger(t, quietID))
	require.True(t, f.status(t, deadID).RefundsComplete)
	f.requireInvariant(t)
}

// ---------------------------------------------------------------------------
// L3: ReleasePending cannot halt EndBlock

func TestReleasePending_ARecipientBlockedAfterDeferralIsRefundedWithoutHalting(t *testing.T) {
	// ARRANGE: three withdrawals deferred by a pause: to bob (with and
	// without an L2 sender) and to alice. Then bob becomes a blocked
	// address (as after an upgrade adding a module account there).
	f := newExodusFixture(t)
	f.fund(t, liveID, sdk.NewInt64Coin(denom, 100))
	require.NoError(t, f.keeper.Paused.Set(f.ctx, liveID, true))
	require.NoError(t, f.apply(t, liveID,
		withdrawalOf(l2Carol, f.bob, 25), withdrawalOf(nil, f.bob, 5), withdrawalOf(l2Dave, f.alice, 10)))
	require.Equal(t, "40unat", f.pendingTotal(t))
	require.Equal(t, int64(60), f.ledger(t, liveID))
	f.bank.blocked[string(f.bob)] = true
	require.NoError(t, f.keeper.Paused.Remove(f.ctx, liveID))

	// ACT
	require.NoError(t, f.keeper.ReleasePending(f.ctx))

	// ASSERT: alice is paid; carol's 25 are back in the ledger with a
	// refund entry; the sender-less 5 wait, logged, never halting.
	require.Equal(t, "10unat", f.bank.balances[string(f.alice)].String())
	require.True(t, f.bank.balances[string(f.bob)].IsZero())
	back := f.lastInbox(t, liveID)
	require.Equal(t, uint32(protocol.InboxKindRefund), back.Kind)
	require.Equal(t, l2Carol, back.Recipient)
	require.Equal(t, "25", back.Amount)
	require.Equal(t, int64(85), f.ledger(t, liveID))
	require.Equal(t, "5unat", f.pendingTotal(t))
	f.requireInvariant(t)
	require.NoError(t, f.keeper.ReleasePending(f.ctx), "and again next block")
	require.Equal(t, "5unat", f.pendingTotal(t))
}

// ---------------------------------------------------------------------------
// L7: rollups without an exit layout

func TestDeposit_IntoARollupWithoutExitLayoutIsRefusedWhenRequired(t *testing.T) {
	f := newExodusFixture(t)
	f.addRollup(plainID, nil)
	f.bank.balances[string(f.bob)] = sdk.NewCoins(sdk.NewInt64Coin(denom, 1_000))
	coin := sdk.NewInt64Coin(denom, 10)
	dep := func(id string) error {
		_, err := f.msgs.Deposit(f.ctx, &types.MsgDeposit{Sender: f.bobS, RollupId: id, L2Recipient: l2Carol, Amount: coin})
		return err
	}
	call := func(id string, value *sdk.Coin) error {
		_, err := f.msgs.SendMessage(f.ctx, &types.MsgSendMessage{Sender: f.bobS, RollupId: id, L2Recipient: l2Carol, Payload: []byte("hi"), Amount: value})
		return err
	}
	params, err := f.keeper.Params.Get(f.ctx)
	require.NoError(t, err)
	require.False(t, params.RequireExitLayout, "off by default")
	params.RequireExitLayout = true
	require.NoError(t, f.keeper.Params.Set(f.ctx, params))

	before := f.state(t)
	require.ErrorIs(t, dep(plainID), types.ErrNoExitLayout)
	require.ErrorIs(t, call(plainID, &coin), types.ErrNoExitLayout)
	require.Equal(t, before, f.state(t), "a refusal changes nothing")
	require.NoError(t, call(plainID, nil), "a call without value risks nothing")
	require.NoError(t, dep(liveID))
	f.requireInvariant(t)
}

// ---------------------------------------------------------------------------
// L2: payload and outbox caps against the encodings and governance changes

func TestParams_PayloadAndOutboxCapsStayWithinTheEncoding(t *testing.T) {
	p := types.DefaultParams()
	p.MaxPayloadBytes = protocol.MaxPayloadLen
	p.MaxOutboxEntries = protocol.MaxOutboxEntries
	require.NoError(t, p.Validate())
	p.MaxPayloadBytes = protocol.MaxPayloadLen + 1
	require.ErrorIs(t, p.Validate(), types.ErrInvalidParams)
	p.MaxPayloadBytes = protocol.MaxPayloadLen
	p.MaxOutboxEntries = protocol.MaxOutboxEntries + 1
	require.ErrorIs(t, p.Validate(), types.ErrInvalidParams)
}

func TestAfterBatchVerified_LoweredCapsBounceInsteadOfFailingAProvenBatch(t *testing.T) {
	// ARRANGE: a batch proven under the defaults; governance then lowers
	// max_payload_bytes to 8 and max_outbox_entries to 2.
	f := newExodusFixture(t)
	f.fund(t, liveID, sdk.NewInt64Coin(denom, 100))
	params, err := f.keeper.Params.Get(f.ctx)
	require.NoError(t, err)
	params.MaxPayloadBytes, params.MaxOutboxEntries = 8, 2
	require.NoError(t, f.keeper.Params.Set(f.ctx, params))

	// ACT
	err = f.apply(t, liveID,
		withdrawalOf(l2Carol, f.bob, 10),         // delivered
		sendOf(quietID, 7, []byte("nine bytes")), // over max_payload_bytes: bounced
		withdrawalOf(l2Dave, f.bob, 5),           // beyond max_outbox_entries: refunded
	)

	// ASSERT
	require.NoError(t, err)
	require.Equal(t, "10unat", f.bank.balances[string(f.bob)].String())
	require.Empty(t, f.reg.inbox[quietID])
	require.Len(t, f.reg.inbox[liveID], 2)
	first, second := f.reg.inbox[liveID][0], f.reg.inbox[liveID][1]
	require.Equal(t, l2Carol, first.Recipient)
	require.Equal(t, "7", first.Amount)
	require.Empty(t, first.Payload, "the refused payload is not carried back")
	require.Equal(t, l2Dave, second.Recipient)
	require.Equal(t, "5", second.Amount)
	require.Equal(t, int64(90), f.ledger(t, liveID))
	f.requireInvariant(t)
}

// ---------------------------------------------------------------------------
// Queries about a rollup that does not exist

func TestQueries_UnknownRollupIsATypedError(t *testing.T) {
	f := newExodusFixture(t)
	_, err := f.query.Escrow(f.ctx, &types.QueryEscrowRequest{RollupId: "nowhere"})
	require.ErrorIs(t, err, rollupstypes.ErrUnknownRollup)
	_, err = f.query.BridgeStatus(f.ctx, &types.QueryBridgeStatusRequest{RollupId: "nowhere"})
	require.ErrorIs(t, err, rollupstypes.ErrUnknownRollup)
	_, err = f.query.MessageStatus(f.ctx, &types.QueryMessageStatusRequest{RollupId: "nowhere"})
	require.ErrorIs(t, err, rollupstypes.ErrUnknownRollup)

	// A known rollup with nothing escrowed answers, empty; so does one that
	// was deregistered (its record stays).
	for _, id := range []string{liveID, goneID} {
		res, err := f.query.Escrow(f.ctx, &types.QueryEscrowRequest{RollupId: id})
		require.NoError(t, err)
		require.Empty(t, res.Ledgers)
		_, err = f.query.BridgeStatus(f.ctx, &types.QueryBridgeStatusRequest{RollupId: id})
		require.NoError(t, err)
	}
	_ = sdkmath.ZeroInt()
}

func TestGenesis_WaitingRefundsRoundTripAndAreValidated(t *testing.T) {
	// ARRANGE: a refund waiting for quiet (paused).
	f := newExodusFixture(t)
	f.reg.rollups[deadID].Status = rollupstypes.ROLLUP_STATUS_ACTIVE
	f.addInbox(t, deadID, routed(quietID, 20))
	f.freeze(t, deadID)
	require.NoError(t, f.keeper.ProcessRefunds(f.ctx))
	exported, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Equal(t, []types.WaitingRefund{{RollupId: deadID, Sequence: 0, SourceRollupId: quietID}}, exported.WaitingRefunds)
	require.NoError(t, exported.Validate())

	// ACT: import elsewhere, then quiet resumes there.
	g := newExodusFixture(t)
	*g.reg = *f.reg // the keeper holds g.reg: give it f's rollups and inboxes
	g.bank.balances[string(g.escrow)] = f.bank.balances[string(f.escrow)]
	require.NoError(t, g.keeper.InitGenesis(g.ctx, exported))
	again, err := g.keeper.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported.String(), again.String())
	require.NoError(t, g.keeper.Paused.Remove(g.ctx, quietID))
	require.NoError(t, g.keeper.ProcessRefunds(g.ctx))
	require.Equal(t, int64(20), g.ledger(t, quietID))

	// Validation: duplicates and bad ids are refused.
	dup := exported
	dup.WaitingRefunds = append(dup.WaitingRefunds, dup.WaitingRefunds[0])
	require.ErrorIs(t, dup.Validate(), types.ErrInvalidGenesis)
	bad := exported
	bad.WaitingRefunds = []types.WaitingRefund{{RollupId: deadID, SourceRollupId: ""}}
	require.ErrorIs(t, bad.Validate(), types.ErrInvalidGenesis)
}
