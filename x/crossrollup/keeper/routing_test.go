package keeper_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

var (
	l2Alice = bytes.Repeat([]byte{0xaa}, 32)
	l2Bob   = bytes.Repeat([]byte{0xbb}, 32)
)

func message(dest string, amt uint64, payload []byte) protocol.OutboxEntry {
	e := protocol.OutboxEntry{
		Kind: protocol.OutboxKindCrossRollupMessage, Sender: l2Alice, Recipient: l2Bob,
		DestRollupID: dest, Payload: payload,
	}
	if amt > 0 {
		e.Denom, e.Amount = denom, protocol.NewUint128(amt)
	}
	return e
}

func (f bridgeFixture) ledger(t *testing.T, id string) int64 {
	t.Helper()
	amt, err := f.keeper.Ledger(f.ctx, id, denom)
	require.NoError(t, err)
	return amt.Int64()
}

// requireInvariant checks escrow == ledgers + pending + accrued, per denom.
func (f bridgeFixture) requireInvariant(t *testing.T) {
	t.Helper()
	escrow, ledgers, pending, accrued, err := f.keeper.EscrowInvariant(f.ctx)
	require.NoError(t, err)
	require.Equal(t, escrow.String(), ledgers.Add(pending...).Add(accrued...).String(), "escrow must equal ledgers + pending + accrued")
}

func TestRoute_DeliversInTheSameCallOrBounces(t *testing.T) {
	gov := authtypes.NewModuleAddress("gov")
	tests := []struct {
		name  string
		setup func(t *testing.T, f bridgeFixture)
		entry protocol.OutboxEntry
		// delivered: the destination inbox got the message and the value;
		// otherwise the source inbox got a refund and kept the value.
		delivered bool
		reason    string
	}{
		{name: "value and payload to an active rollup", entry: message(betaID, 30, []byte("swap")), delivered: true},
		{name: "payload only", entry: message(betaID, 0, []byte("ping")), delivered: true},
		{name: "unknown destination bounces", entry: message("nowhere", 30, nil), reason: "unknown"},
		{name: "frozen destination bounces", entry: message(frozenID, 30, nil), reason: "inbox refused the message: frozen: rollup is not active"},
		{name: "paused destination bounces", setup: func(t *testing.T, f bridgeFixture) {
			require.NoError(t, f.keeper.Paused.Set(f.ctx, betaID, true))
		}, entry: message(betaID, 30, nil), reason: "destination rollup's bridge is paused"},
		{name: "paused source bounces", setup: func(t *testing.T, f bridgeFixture) {
			require.NoError(t, f.keeper.Paused.Set(f.ctx, activeID, true))
		}, entry: message(betaID, 30, nil), reason: "source rollup's bridge is paused"},
		{
			// A payload that is an encoded governance message, addressed to
			// the gov account, is only bytes in an inbox: nothing on L1 runs it.
			name: "privileged-looking message is inert", delivered: true,
			entry: func() protocol.OutboxEntry {
				bz, err := (&types.MsgSetPaused{Authority: sdk.MustBech32ifyAddressBytes("native", gov), RollupId: betaID, Paused: true}).Marshal()
				require.NoError(t, err)
				e := message(betaID, 0, bz)
				e.Recipient = gov
				return e
			}(),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newBridgeFixture(t)
			f.fund(t, activeID, 100)
			if tc.setup != nil {
				tc.setup(t, f)
			}
			pausedBefore, err := f.keeper.Paused.Has(f.ctx, betaID)
			require.NoError(t, err)
			escrowBefore := f.bank.GetAllBalances(f.ctx, f.escrow)

			err = f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{
				RollupID: activeID, Index: 4, Outbox: []protocol.OutboxEntry{tc.entry},
			})
			require.NoError(t, err)
			require.Equal(t, escrowBefore, f.bank.GetAllBalances(f.ctx, f.escrow), "routing never moves the escrow account")
			f.requireInvariant(t)
			value := int64(tc.entry.Amount.Lo)
			if tc.delivered {
				require.Equal(t, 100-value, f.ledger(t, activeID))
				require.Equal(t, value, f.ledger(t, betaID))
				got := f.rollups.inbox[betaID]
				require.Len(t, got, 1)
				require.Equal(t, protocol.InboxKindCrossRollupMessage, got[0].Kind)
				require.Equal(t, activeID, got[0].SourceRollupID)
				require.Equal(t, tc.entry.Sender, got[0].Sender)
				require.Equal(t, tc.entry.Recipient, got[0].Recipient)
				require.Equal(t, tc.entry.Payload, got[0].Payload)
				require.Empty(t, f.rollups.inbox[activeID])
				pausedAfter, err := f.keeper.Paused.Has(f.ctx, betaID)
				require.NoError(t, err)
				require.Equal(t, pausedBefore, pausedAfter, "a routed payload never executes on L1")
				requireEvent(t, f.ctx, "nativechain.crossrollup.v1.EventMessageRouted")
				return
			}
			require.Equal(t, int64(100), f.ledger(t, activeID), "a bounced message keeps its value at the source")
			require.Empty(t, f.rollups.inbox[betaID])
			refund := f.rollups.inbox[activeID]
			require.Len(t, refund, 1)
			require.Equal(t, protocol.InboxKindRefund, refund[0].Kind)
			require.Equal(t, tc.entry.DestRollupID, refund[0].SourceRollupID)
			require.Equal(t, tc.entry.Sender, refund[0].Recipient, "the refund goes back to the L2 sender")
			require.Equal(t, tc.entry.Amount, refund[0].Amount)
			ev := requireEvent(t, f.ctx, "nativechain.crossrollup.v1.EventMessageBounced")
			require.Contains(t, ev, tc.reason)
		})
	}
}

func TestRoute_OversizePayloadBouncesWithoutThePayload(t *testing.T) {
	f := newBridgeFixture(t)
	f.fund(t, activeID, 100)
	big := make([]byte, types.DefaultMaxPayloadBytes+1)
	err := f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{
		RollupID: activeID, Index: 1, Outbox: []protocol.OutboxEntry{message(betaID, 1, big)},
	})
	require.NoError(t, err, "user content never fails a verified batch")
	require.Empty(t, f.rollups.inbox[betaID])
	require.Len(t, f.rollups.inbox[activeID], 1)
	refund := f.rollups.inbox[activeID][0]
	require.Equal(t, protocol.InboxKindRefund, refund.Kind)
	require.Equal(t, l2Alice, refund.Recipient)
	require.Empty(t, refund.Payload)
	require.Equal(t, int64(100), f.ledger(t, activeID))
	require.Contains(t, requireEvent(t, f.ctx, "nativechain.crossrollup.v1.EventMessageBounced"), "max_payload_bytes")
	f.requireInvariant(t)
}

// requireEvent returns the attributes of the last event of a type, as text.
func requireEvent(t *testing.T, ctx sdk.Context, typ string) string {
	t.Helper()
	events := ctx.EventManager().Events()
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].Type == typ {
			var out string
			for _, a := range events[i].Attributes {
				out += a.Key + "=" + a.Value + " "
			}
			return out
		}
	}
	t.Fatalf("no %s event", typ)
	return ""
}

func TestOutflowCap_DefersThenReleasesNextEpoch(t *testing.T) {
	f := newBridgeFixture(t)
	f.fund(t, activeID, 100)
	bob := sdk.AccAddress(bytes.Repeat([]byte{0xb0}, 20))
	params, err := f.keeper.Params.Get(f.ctx)
	require.NoError(t, err)
	f.ctx = f.ctx.WithBlockHeight(int64(params.OutflowEpochBlocks) * 3)
	_, err = f.msgs.SetOutflowCap(f.ctx, &types.MsgSetOutflowCap{
		Authority: f.authority(t), RollupId: activeID, Cap: sdk.NewCoins(sdk.NewInt64Coin(denom, 50)),
	})
	require.NoError(t, err)

	withdraw := func(amt uint64) {
		require.NoError(t, f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{
			RollupID: activeID, Index: 1, Outbox: []protocol.OutboxEntry{{
				Kind: protocol.OutboxKindWithdrawal, Recipient: bob, Denom: denom, Amount: protocol.NewUint128(amt),
			}},
		}))
	}
	withdraw(30)
	withdraw(30) // 60 > 50: waits
	require.Equal(t, int64(30), f.bank.GetAllBalances(f.ctx, bob).AmountOf(denom).Int64())
	require.Equal(t, int64(40), f.ledger(t, activeID), "a deferred withdrawal has left the ledger")
	f.requireInvariant(t)
	pending, err := f.keeper.PendingTotal(f.ctx)
	require.NoError(t, err)
	require.Equal(t, "30unat", pending.String())

	// Same epoch: nothing is released.
	require.NoError(t, f.keeper.ReleasePending(f.ctx))
	require.Equal(t, int64(30), f.bank.GetAllBalances(f.ctx, bob).AmountOf(denom).Int64())

	// Next epoch: released, once.
	f.ctx = f.ctx.WithBlockHeight(int64(params.OutflowEpochBlocks) * 4)
	require.NoError(t, f.keeper.ReleasePending(f.ctx))
	require.NoError(t, f.keeper.ReleasePending(f.ctx))
	require.Equal(t, int64(60), f.bank.GetAllBalances(f.ctx, bob).AmountOf(denom).Int64())
	f.requireInvariant(t)
	pending, err = f.keeper.PendingTotal(f.ctx)
	require.NoError(t, err)
	require.True(t, pending.IsZero())
}

func TestPause_DefersWithdrawalsRefusesDepositsAndResumes(t *testing.T) {
	f := newBridgeFixture(t)
	f.fund(t, activeID, 100)
	bob := sdk.AccAddress(bytes.Repeat([]byte{0xb0}, 20))
	_, err := f.msgs.SetPaused(f.ctx, &types.MsgSetPaused{Authority: f.authority(t), RollupId: activeID, Paused: true})
	require.NoError(t, err)

	_, err = f.msgs.Deposit(f.ctx, &types.MsgDeposit{Sender: f.aliceS, RollupId: activeID, L2Recipient: l2Bob, Amount: sdk.NewInt64Coin(denom, 5)})
	require.ErrorIs(t, err, types.ErrRollupPaused)
	_, err = f.msgs.SendMessage(f.ctx, &types.MsgSendMessage{Sender: f.aliceS, RollupId: activeID, Payload: []byte{1}})
	require.ErrorIs(t, err, types.ErrRollupPaused)

	require.NoError(t, f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{
		RollupID: activeID, Index: 1, Outbox: []protocol.OutboxEntry{{
			Kind: protocol.OutboxKindWithdrawal, Recipient: bob, Denom: denom, Amount: protocol.NewUint128(25),
		}},
	}))
	require.NoError(t, f.keeper.ReleasePending(f.ctx))
	require.True(t, f.bank.GetAllBalances(f.ctx, bob).IsZero(), "paused: nothing is paid")
	f.requireInvariant(t)

	_, err = f.msgs.SetPaused(f.ctx, &types.MsgSetPaused{Authority: f.authority(t), RollupId: activeID, Paused: false})
	require.NoError(t, err)
	require.NoError(t, f.keeper.ReleasePending(f.ctx))
	require.Equal(t, int64(25), f.bank.GetAllBalances(f.ctx, bob).AmountOf(denom).Int64())
	f.requireInvariant(t)
}

func TestSafetyValves_OnlyTheAuthority(t *testing.T) {
	f := newBridgeFixture(t)
	_, err := f.msgs.SetPaused(f.ctx, &types.MsgSetPaused{Authority: f.aliceS, RollupId: activeID, Paused: true})
	require.ErrorIs(t, err, types.ErrUnauthorized)
	_, err = f.msgs.SetOutflowCap(f.ctx, &types.MsgSetOutflowCap{Authority: f.aliceS, RollupId: activeID, Cap: sdk.NewCoins(sdk.NewInt64Coin(denom, 1))})
	require.ErrorIs(t, err, types.ErrUnauthorized)
	_, err = f.msgs.SetPaused(f.ctx, &types.MsgSetPaused{Authority: f.authority(t), RollupId: "nowhere", Paused: true})
	require.ErrorIs(t, err, rollupstypes.ErrUnknownRollup)
	paused, err := f.keeper.Paused.Has(f.ctx, activeID)
	require.NoError(t, err)
	require.False(t, paused)
}

func TestSendMessage(t *testing.T) {
	tests := []struct {
		name    string
		msg     func(f bridgeFixture) *types.MsgSendMessage
		wantErr error
	}{
		{"payload only", func(f bridgeFixture) *types.MsgSendMessage {
			return &types.MsgSendMessage{Sender: f.aliceS, RollupId: activeID, L2Recipient: l2Bob, Payload: []byte("call")}
		}, nil},
		{"payload and value", func(f bridgeFixture) *types.MsgSendMessage {
			c := sdk.NewInt64Coin(denom, 10)
			return &types.MsgSendMessage{Sender: f.aliceS, RollupId: activeID, Payload: []byte("call"), Amount: &c}
		}, nil},
		{"nothing to send", func(f bridgeFixture) *types.MsgSendMessage {
			return &types.MsgSendMessage{Sender: f.aliceS, RollupId: activeID}
		}, types.ErrInvalidMessage},
		{"payload over the param", func(f bridgeFixture) *types.MsgSendMessage {
			return &types.MsgSendMessage{Sender: f.aliceS, RollupId: activeID, Payload: make([]byte, types.DefaultMaxPayloadBytes+1)}
		}, protocol.ErrPayloadTooLarge},
		{"zero value", func(f bridgeFixture) *types.MsgSendMessage {
			c := sdk.NewInt64Coin(denom, 0)
			return &types.MsgSendMessage{Sender: f.aliceS, RollupId: activeID, Payload: []byte{1}, Amount: &c}
		}, types.ErrInvalidMessage},
		{"more value than the sender has", func(f bridgeFixture) *types.MsgSendMessage {
			c := sdk.NewInt64Coin(denom, 1_001)
			return &types.MsgSendMessage{Sender: f.aliceS, RollupId: activeID, Payload: []byte{1}, Amount: &c}
		}, nil /* checked below */},
		{"frozen rollup", func(f bridgeFixture) *types.MsgSendMessage {
			return &types.MsgSendMessage{Sender: f.aliceS, RollupId: frozenID, Payload: []byte{1}}
		}, rollupstypes.ErrRollupNotActive},
		{"unknown rollup", func(f bridgeFixture) *types.MsgSendMessage {
			return &types.MsgSendMessage{Sender: f.aliceS, RollupId: "nowhere", Payload: []byte{1}}
		}, rollupstypes.ErrUnknownRollup},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newBridgeFixture(t)
			msg := tc.msg(f)
			res, err := f.msgs.SendMessage(f.ctx, msg)
			if tc.name == "more value than the sender has" {
				require.Error(t, err)
				return
			}
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Equal(t, "[]", f.ledgers(t))
				return
			}
			require.NoError(t, err)
			got := f.rollups.inbox[activeID][res.InboxSequence]
			require.Equal(t, protocol.InboxKindL1Call, got.Kind)
			require.Equal(t, []byte(f.alice), got.Sender)
			require.Equal(t, msg.Payload, got.Payload)
			if msg.Amount != nil {
				require.Equal(t, msg.Amount.Amount.Int64(), f.ledger(t, activeID))
			}
			f.requireInvariant(t)
		})
	}
}

// fakePool records bridge fees moved into it.
type fakePool struct {
	bank *fakeBank
	got  sdk.Coins
}

func (p *fakePool) FundPoolFromModule(_ context.Context, from string, amt sdk.Coins, source string) error {
	if source != types.RewardSourceBridgeFee {
		return types.ErrInvalidRequest.Wrapf("source %q", source)
	}
	p.got = p.got.Add(amt...)
	return p.bank.move(authtypes.NewModuleAddress(from), authtypes.NewModuleAddress("rewards"), amt)
}

func TestBridgeFee_GoesToThePoolOnTopOfTheDeposit(t *testing.T) {
	f := newBridgeFixture(t)
	params, err := f.keeper.Params.Get(f.ctx)
	require.NoError(t, err)
	params.BridgeFeeRate = sdkmath.LegacyNewDecWithPrec(1, 2) // 1%
	require.NoError(t, f.keeper.Params.Set(f.ctx, params))
	deposit := &types.MsgDeposit{Sender: f.aliceS, RollupId: activeID, L2Recipient: l2Bob, Amount: sdk.NewInt64Coin(denom, 300)}

	_, err = f.msgs.Deposit(f.ctx, deposit)
	require.NoError(t, err)
	require.Equal(t, "3unat", f.pool.got.String())
	require.Equal(t, "3unat", f.bank.GetAllBalances(f.ctx, authtypes.NewModuleAddress("rewards")).String())
	require.Equal(t, int64(1_000-303), f.bank.GetAllBalances(f.ctx, f.alice).AmountOf(denom).Int64())
	require.Equal(t, int64(300), f.ledger(t, activeID), "the rollup is credited the full deposit")
	f.requireInvariant(t)
}

// authority is the gov module account, the fixture keeper's authority.
func (f bridgeFixture) authority(t *testing.T) string {
	t.Helper()
	return sdk.MustBech32ifyAddressBytes("native", authtypes.NewModuleAddress("gov"))
}

func TestSubmitBundle_RefusesOverTheParamAndAppliesItsBatchesInOrder(t *testing.T) {
	f := newBridgeFixture(t)
	batch := func(id string) *rollupstypes.MsgSubmitBatch {
		return &rollupstypes.MsgSubmitBatch{
			Submitter: f.aliceS, RollupId: id, BatchIndex: 1, NewStateRoot: make([]byte, 32), Proof: bytes.Repeat([]byte{1}, 164),
		}
	}
	params, err := f.keeper.Params.Get(f.ctx)
	require.NoError(t, err)
	params.MaxBundleBatches = 2
	require.NoError(t, f.keeper.Params.Set(f.ctx, params))

	_, err = f.msgs.SubmitBundle(f.ctx, &types.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{batch(activeID), batch(betaID), batch(activeID)}})
	require.ErrorIs(t, err, types.ErrInvalidBundle, "three batches over max_bundle_batches 2")
	require.Empty(t, f.batches.applied, "a refused bundle applies nothing")

	res, err := f.msgs.SubmitBundle(f.ctx, &types.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{batch(betaID), batch(activeID)}})
	require.NoError(t, err)
	require.Equal(t, []string{betaID + "/1", activeID + "/1"}, f.batches.applied, "through x/rollups' Msg service, in the bundle's order")
	require.Len(t, res.Applied, 2)

	f.batches.failAt = activeID
	_, err = f.msgs.SubmitBundle(f.ctx, &types.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{batch(betaID), batch(activeID)}})
	require.ErrorIs(t, err, rollupstypes.ErrWrongBatchIndex, "a batch's own error fails the bundle")
	require.ErrorContains(t, err, "bundle batch 1 (alpha/1)")
}
