package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// addInbox appends an entry to a rollup's inbox as x/rollups would have
// before the freeze, and escrows its value in the ledger it was credited
// to: the rollup's own (deposits, calls, routed messages) or, for a
// refund entry, the rollup's own too (a bounce keeps the value at home).
func (f *exodusFixture) addInbox(t *testing.T, id string, e protocol.InboxEntry) {
	t.Helper()
	r := f.reg.rollups[id]
	e.Sequence = r.InboxSize
	require.NoError(t, e.Validate())
	f.reg.inbox[id] = append(f.reg.inbox[id], rollupstypes.InboxMessageFromEntry(e, 1, nil))
	r.InboxSize++
	if v := e.Amount.BigInt(); v.Sign() > 0 {
		f.fund(t, id, sdk.NewInt64Coin(e.Denom, v.Int64()))
	}
}

func value(amt uint64) (string, protocol.Uint128) {
	if amt == 0 {
		return "", protocol.Uint128{}
	}
	return denom, protocol.NewUint128(amt)
}

func deposit(from sdk.AccAddress, amt uint64) protocol.InboxEntry {
	d, a := value(amt)
	return protocol.InboxEntry{Kind: protocol.InboxKindDeposit, Sender: from, Recipient: l2Carol, Denom: d, Amount: a}
}

func l1Call(from sdk.AccAddress, amt uint64) protocol.InboxEntry {
	d, a := value(amt)
	return protocol.InboxEntry{Kind: protocol.InboxKindL1Call, Sender: from, Recipient: l2Carol, Payload: []byte("call"), Denom: d, Amount: a}
}

func routed(src string, amt uint64) protocol.InboxEntry {
	d, a := value(amt)
	return protocol.InboxEntry{
		Kind: protocol.InboxKindCrossRollupMessage, SourceRollupID: src, Sender: l2Dave, Recipient: l2Carol,
		Payload: []byte("hi"), Denom: d, Amount: a,
	}
}

func bouncedHome(amt uint64) protocol.InboxEntry {
	d, a := value(amt)
	return protocol.InboxEntry{Kind: protocol.InboxKindRefund, SourceRollupID: liveID, Sender: l2Dave, Recipient: l2Carol, Denom: d, Amount: a}
}

func (f *exodusFixture) freeze(t *testing.T, id string) {
	t.Helper()
	f.reg.rollups[id].Status = rollupstypes.ROLLUP_STATUS_FROZEN
	require.NoError(t, f.keeper.Hooks().AfterRollupFrozen(f.ctx, id))
}

func (f *exodusFixture) credits(t *testing.T, id string, account []byte) string {
	t.Helper()
	c, err := f.keeper.ExitCreditsOf(f.ctx, id, account)
	require.NoError(t, err)
	return c.String()
}

func (f *exodusFixture) status(t *testing.T, id string) *types.QueryBridgeStatusResponse {
	t.Helper()
	s, err := f.query.BridgeStatus(f.ctx, &types.QueryBridgeStatusRequest{RollupId: id})
	require.NoError(t, err)
	return s
}

func TestRefunds_EachInboxKind(t *testing.T) {
	tests := []struct {
		name  string
		entry func(f *exodusFixture) protocol.InboxEntry
		// what the frozen rollup's ledger, the L1 sender, the source's
		// ledger and the credits hold after the refund.
		wantFrozenLedger int64
		wantAlice        string
		wantSourceLedger int64
		source           string
		wantCredit       func(t *testing.T, f *exodusFixture)
		wantOutcome      string
	}{
		{
			name: "deposit: coins back to the L1 sender", entry: func(f *exodusFixture) protocol.InboxEntry { return deposit(f.alice, 100) },
			wantFrozenLedger: 0, wantAlice: "100unat", wantOutcome: keeperOutcome("returned"),
		},
		{
			name: "L1 call with value: coins back", entry: func(f *exodusFixture) protocol.InboxEntry { return l1Call(f.alice, 50) },
			wantFrozenLedger: 0, wantAlice: "50unat", wantOutcome: keeperOutcome("returned"),
		},
		{
			name: "L1 call without value: nothing", entry: func(f *exodusFixture) protocol.InboxEntry { return l1Call(f.alice, 0) },
			wantAlice: "",
		},
		{
			name: "forced tx: nothing",
			entry: func(f *exodusFixture) protocol.InboxEntry {
				return protocol.InboxEntry{Kind: protocol.InboxKindForcedTx, Sender: f.alice, Payload: []byte("tx")}
			},
			wantAlice: "",
		},
		{
			name: "routed from a live source: bounced into its inbox", entry: func(*exodusFixture) protocol.InboxEntry { return routed(liveID, 30) },
			source: liveID, wantSourceLedger: 30, wantOutcome: keeperOutcome("bounced"),
			wantCredit: func(t *testing.T, f *exodusFixture) {
				require.Len(t, f.reg.inbox[liveID], 1)
				back := f.reg.inbox[liveID][0]
				require.Equal(t, uint32(protocol.InboxKindRefund), back.Kind)
				require.Equal(t, l2Dave, back.Recipient, "the refund goes to the L2 sender")
				require.Equal(t, l2Carol, back.Sender)
				require.Equal(t, deadID, back.SourceRollupId)
				require.Equal(t, "30", back.Amount)
				require.Equal(t, "", f.credits(t, liveID, l2Dave))
			},
		},
		{
			name: "routed from a frozen source: credit of the L2 sender there", entry: func(*exodusFixture) protocol.InboxEntry { return routed(coldID, 20) },
			source: coldID, wantSourceLedger: 20, wantOutcome: keeperOutcome("credited"),
			wantCredit: func(t *testing.T, f *exodusFixture) {
				require.Equal(t, "20unat", f.credits(t, coldID, l2Dave))
				require.Empty(t, f.reg.inbox[coldID])
			},
		},
		// A paused (active) source: the refund waits, see
		// TestRefunds_ToAPausedSourceWaitUntilItResumes.
		{
			name: "routed from a deregistered source: credit of the recipient here", entry: func(*exodusFixture) protocol.InboxEntry { return routed(goneID, 10) },
			wantFrozenLedger: 10, source: goneID, wantOutcome: keeperOutcome("credited"),
			wantCredit: func(t *testing.T, f *exodusFixture) { require.Equal(t, "10unat", f.credits(t, deadID, l2Carol)) },
		},
		{
			name: "routed without value: nothing", entry: func(*exodusFixture) protocol.InboxEntry { return routed(liveID, 0) },
			source:     liveID,
			wantCredit: func(t *testing.T, f *exodusFixture) { require.Empty(t, f.reg.inbox[liveID]) },
		},
		{
			name: "a bounce back to the frozen rollup: credit of its L2 sender here", entry: func(*exodusFixture) protocol.InboxEntry { return bouncedHome(7) },
			wantFrozenLedger: 7, wantOutcome: keeperOutcome("credited"),
			wantCredit: func(t *testing.T, f *exodusFixture) { require.Equal(t, "7unat", f.credits(t, deadID, l2Carol)) },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// ARRANGE: one consumed deposit (not refunded) and the entry.
			f := newExodusFixture(t)
			f.reg.rollups[deadID].Status = rollupstypes.ROLLUP_STATUS_ACTIVE
			f.addInbox(t, deadID, deposit(f.bob, 1))
			f.reg.rollups[deadID].InboxConsumed = 1
			f.addInbox(t, deadID, tc.entry(f))
			f.freeze(t, deadID)
			require.Equal(t, &types.RefundCursor{RollupId: deadID, NextSequence: 1, EndSequence: 2}, f.status(t, deadID).RefundCursor)
			f.requireInvariant(t)

			// ACT
			require.NoError(t, f.keeper.ProcessRefunds(f.ctx))

			// ASSERT
			f.requireInvariant(t)
			require.Equal(t, tc.wantFrozenLedger+1, f.ledger(t, deadID), "the consumed deposit stays")
			require.Equal(t, tc.wantAlice, f.bank.balances[string(f.alice)].String())
			require.True(t, f.bank.balances[string(f.bob)].IsZero())
			if tc.source != "" && tc.source != goneID {
				require.Equal(t, tc.wantSourceLedger, f.ledger(t, tc.source))
			}
			if tc.wantCredit != nil {
				tc.wantCredit(t, f)
			}
			if tc.wantOutcome != "" {
				require.Contains(t, requireEvent(t, f.ctx, "nativechain.crossrollup.v1.EventInboxRefunded"), tc.wantOutcome)
			}
			s := f.status(t, deadID)
			require.True(t, s.Frozen)
			require.Nil(t, s.RefundCursor)
			require.True(t, s.RefundsComplete)
		})
	}
}

func keeperOutcome(o string) string { return `outcome="` + o + `"` }

func TestRefunds_ThenTheCreditIsClaimedByExodus(t *testing.T) {
	// A message carol sent from deadID bounced home; deadID froze before
	// consuming the bounce. Carol claims it with a credits-only exit.
	f := newExodusFixture(t)
	f.reg.rollups[deadID].Status = rollupstypes.ROLLUP_STATUS_ACTIVE
	f.addInbox(t, deadID, bouncedHome(7))
	f.freeze(t, deadID)
	require.NoError(t, f.keeper.ProcessRefunds(f.ctx))

	res, err := f.msgs.ExodusWithdraw(f.ctx, f.creditsOnly())

	require.NoError(t, err)
	require.Equal(t, sdk.NewInt64Coin(denom, 7), res.Amount)
	require.Equal(t, int64(0), f.ledger(t, deadID))
	f.requireInvariant(t)
}

func TestRefunds_BoundedPerBlockAcrossFrozenRollups(t *testing.T) {
	// ARRANGE: two rollups freeze with 4 and 2 unconsumed deposits; EndBlock
	// refunds at most 3 entries per block, the lower id first.
	f := newExodusFixture(t)
	params, err := f.keeper.Params.Get(f.ctx)
	require.NoError(t, err)
	params.MaxRefundsPerBlock = 3
	require.NoError(t, f.keeper.Params.Set(f.ctx, params))
	for _, id := range []string{liveID, quietID} { // "live" < "quiet"
		f.reg.rollups[id].Status = rollupstypes.ROLLUP_STATUS_ACTIVE
	}
	for i := 0; i < 4; i++ {
		f.addInbox(t, liveID, deposit(f.alice, 10))
	}
	for i := 0; i < 2; i++ {
		f.addInbox(t, quietID, deposit(f.bob, 100))
	}
	f.freeze(t, quietID)
	f.freeze(t, liveID)

	steps := []struct {
		alice, bob          string
		liveNext, quietNext uint64 // cursor positions; 0: refunds done
		liveDone, quietDone bool
	}{
		{alice: "30unat", bob: "", liveNext: 3, quietNext: 0},
		{alice: "40unat", bob: "200unat", liveDone: true, quietDone: true},
		{alice: "40unat", bob: "200unat", liveDone: true, quietDone: true}, // nothing left
	}
	for i, want := range steps {
		// ACT
		require.NoError(t, f.keeper.ProcessRefunds(f.ctx), "block %d", i)

		// ASSERT
		f.requireInvariant(t)
		require.Equal(t, want.alice, f.bank.balances[string(f.alice)].String(), "block %d", i)
		require.Equal(t, want.bob, f.bank.balances[string(f.bob)].String(), "block %d", i)
		live, quiet := f.status(t, liveID), f.status(t, quietID)
		require.Equal(t, want.liveDone, live.RefundsComplete, "block %d", i)
		require.Equal(t, want.quietDone, quiet.RefundsComplete, "block %d", i)
		if !want.liveDone {
			require.Equal(t, want.liveNext, live.RefundCursor.NextSequence, "block %d", i)
		}
		if !want.quietDone {
			require.Equal(t, want.quietNext, quiet.RefundCursor.NextSequence, "block %d", i)
			require.Equal(t, uint64(2), quiet.RefundCursor.EndSequence)
		}
	}
}

func TestRefunds_AFailedEntryKeepsItsValueAndTheQueueMovesOn(t *testing.T) {
	// ARRANGE: the first entry asks for more than the frozen rollup's
	// ledger holds (only a bug could do that): its refund fails.
	f := newExodusFixture(t)
	f.reg.rollups[deadID].Status = rollupstypes.ROLLUP_STATUS_ACTIVE
	f.addInbox(t, deadID, deposit(f.bob, 1))
	f.addInbox(t, deadID, deposit(f.alice, 5))
	f.reg.inbox[deadID][0].Amount = "7" // the ledger holds 6
	f.freeze(t, deadID)

	// ACT
	require.NoError(t, f.keeper.ProcessRefunds(f.ctx))

	// ASSERT: the failed entry paid nothing and kept its value; the next
	// one was refunded; the queue is done.
	require.True(t, f.bank.balances[string(f.bob)].IsZero())
	require.Equal(t, "5unat", f.bank.balances[string(f.alice)].String())
	require.Equal(t, int64(1), f.ledger(t, deadID))
	require.True(t, f.status(t, deadID).RefundsComplete)
	f.requireInvariant(t)
	var outcomes []string
	for _, e := range f.ctx.EventManager().Events() {
		for _, a := range e.Attributes {
			if e.Type == "nativechain.crossrollup.v1.EventInboxRefunded" && a.Key == "outcome" {
				outcomes = append(outcomes, a.Value)
			}
		}
	}
	require.Equal(t, []string{`"failed"`, `"returned"`}, outcomes)
}

func TestAfterRollupFrozen_QueuesOnlyUnconsumedEntries(t *testing.T) {
	f := newExodusFixture(t)
	f.reg.rollups[liveID].InboxSize, f.reg.rollups[liveID].InboxConsumed = 3, 3
	f.freeze(t, liveID)
	s := f.status(t, liveID)
	require.Nil(t, s.RefundCursor)
	require.True(t, s.RefundsComplete, "nothing to refund")
	require.False(t, f.status(t, quietID).Frozen)
}
