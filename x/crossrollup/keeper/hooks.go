package keeper

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Hooks returns the x/rollups hooks of the bridge.
func (k Keeper) Hooks() rollupstypes.RollupsHooks { return hooks{k} }

type hooks struct{ k Keeper }

var _ rollupstypes.RollupsHooks = hooks{}

// AfterBatchVerified applies a verified batch's outbox, in order, in the
// same transaction: withdrawals are paid from the rollup's ledger (or
// deferred by a pause or an outflow cap), cross-rollup messages move their
// value to the destination's ledger and land in its inbox in this block, or
// bounce back to the source's inbox.
//
// What a user put in the outbox never fails the batch (H1 of the December
// 2026 review): a withdrawal the chain cannot pay (blocked or malformed
// recipient) and a message it cannot carry (payload over
// max_payload_bytes, over the outflow cap, a destination that refuses it),
// and any entry past max_outbox_entries, go back to the L2 sender as a
// refund entry (kind 5) in the rollup's own inbox. Only a store error or a
// rollup spending value its ledger does not hold (ErrLedgerInsufficient)
// fails the batch, and then the outbox is applied whole or not at all.
func (h hooks) AfterBatchVerified(ctx context.Context, batch rollupstypes.VerifiedBatch) error {
	params, err := h.k.Params.Get(ctx)
	if err != nil {
		return err
	}
	refunds := newConsumedRefunds(batch)
	for i, e := range batch.Outbox {
		// DecodeOutbox validated the entries, before the proof was checked;
		// check again so this method never depends on its caller
		// (sdk.NewCoin panics on a bad denom).
		if err := e.Validate(); err != nil {
			return errorsmod.Wrapf(types.ErrInvalidWithdrawal.Wrap(err.Error()), "outbox entry %d", i)
		}
		if uint64(i) >= params.MaxOutboxEntries {
			// Governance may lower the cap after a batch was proven: the
			// entries past it are returned, never the batch refused.
			err = h.k.returnEntry(ctx, batch, e, fmt.Sprintf("entry %d is past max_outbox_entries %d", i, params.MaxOutboxEntries), refunds)
		} else {
			switch e.Kind {
			case protocol.OutboxKindWithdrawal:
				err = h.k.withdraw(ctx, params, batch, e)
			case protocol.OutboxKindCrossRollupMessage:
				err = h.k.route(ctx, params, batch, e, refunds)
			default:
				err = types.ErrInvalidWithdrawal.Wrapf("kind %s", e.Kind)
			}
		}
		if err != nil {
			return errorsmod.Wrapf(err, "outbox entry %d", i)
		}
	}
	return nil
}

// AfterRollupFrozen queues the refund of the frozen rollup's unconsumed
// inbox, which EndBlock then processes a bounded number of entries at a
// time (ProcessRefunds). Messages routed to a frozen rollup from now on
// bounce (see route); its accounts exit with MsgExodusWithdraw.
func (h hooks) AfterRollupFrozen(ctx context.Context, rollupID string) error {
	return h.k.enqueueRefunds(ctx, rollupID)
}

// BeforeRollupDeregistered vetoes closing a rollup at once while any of its
// ledgers holds funds (ErrBridgeLedgerNotEmpty): x/rollups then winds it
// down, and its users leave by exodus and refunds.
func (h hooks) BeforeRollupDeregistered(ctx context.Context, rollupID string) error {
	holds, err := h.k.RollupHoldsFunds(ctx, rollupID)
	if err != nil {
		return err
	}
	if holds {
		return rollupstypes.ErrBridgeLedgerNotEmpty.Wrapf("rollup %q still holds bridged funds", rollupID)
	}
	return nil
}

// AfterRewardFundsCollected is x/rewards' business: the bridge does nothing.
func (hooks) AfterRewardFundsCollected(context.Context, sdk.Coins, string) error { return nil }

// withdraw takes one withdrawal from the rollup's ledger and pays it, or
// defers it while the rollup is paused or over its outflow cap. A recipient
// the chain cannot pay gets nothing and the value goes back to the L2
// sender (refundWithdrawal).
func (k Keeper) withdraw(ctx context.Context, params types.Params, batch rollupstypes.VerifiedBatch, e protocol.OutboxEntry) error {
	coin := sdk.NewCoin(e.Denom, sdkmath.NewIntFromBigInt(e.Amount.BigInt()))
	recipient := sdk.AccAddress(e.Recipient)
	if reason := k.unpayable(recipient); reason != "" {
		return k.returnWithdrawal(ctx, batch, e, coin, reason)
	}
	if err := k.debitLedger(ctx, batch.RollupID, coin.Denom, coin.Amount); err != nil {
		return err
	}
	addr, err := k.addressCodec.BytesToString(recipient)
	if err != nil {
		return err
	}
	reason, err := k.outflowBlocked(ctx, params, batch.RollupID, coin)
	if err != nil {
		return err
	}
	if reason != "" {
		return k.defer_(ctx, types.PendingWithdrawal{
			RollupId: batch.RollupID, BatchIndex: batch.Index, Recipient: addr, Amount: coin,
			Height: sdk.UnwrapSDKContext(ctx).BlockHeight(), L2Sender: e.Sender,
		}, reason)
	}
	if err := k.pay(ctx, params, batch.RollupID, recipient, coin); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventWithdrawal{
		RollupId: batch.RollupID, BatchIndex: batch.Index, Recipient: addr, Amount: coin.String(),
	})
}

// unpayable says why the bank could never pay recipient, or "": a
// malformed address or a blocked one (any module account).
func (k Keeper) unpayable(recipient sdk.AccAddress) string {
	if err := sdk.VerifyAddressFormat(recipient); err != nil {
		return "recipient: " + err.Error()
	}
	if k.bankKeeper.BlockedAddr(recipient) {
		return "recipient may not receive funds (blocked address)"
	}
	return ""
}

// returnEntry gives an entry's value back to its L2 sender without
// delivering it.
func (k Keeper) returnEntry(ctx context.Context, batch rollupstypes.VerifiedBatch, e protocol.OutboxEntry, reason string, refunds *consumedRefunds) error {
	if e.Kind == protocol.OutboxKindWithdrawal {
		return k.returnWithdrawal(ctx, batch, e, sdk.NewCoin(e.Denom, sdkmath.NewIntFromBigInt(e.Amount.BigInt())), reason)
	}
	if err := k.requireHeld(ctx, batch.RollupID, e.Denom, sdkmath.NewIntFromBigInt(e.Amount.BigInt())); err != nil {
		return err
	}
	return k.bounce(ctx, batch, e, reason, false, refunds)
}

// returnWithdrawal refunds a withdrawal of a verified batch that will not
// be paid. The rollup's L2 burned the value, so its ledger must hold it
// (else the batch fails: the rollup spends what it does not hold); it
// stays there and goes back to the L2 sender.
func (k Keeper) returnWithdrawal(ctx context.Context, batch rollupstypes.VerifiedBatch, e protocol.OutboxEntry, coin sdk.Coin, reason string) error {
	if err := k.requireHeld(ctx, batch.RollupID, coin.Denom, coin.Amount); err != nil {
		return err
	}
	return k.refundWithdrawal(ctx, batch.RollupID, batch.Index, 0, e.Sender, e.Recipient, coin, reason)
}

// requireHeld fails unless rollupID's ledger holds amt of denom.
func (k Keeper) requireHeld(ctx context.Context, rollupID, denom string, amt sdkmath.Int) error {
	if !amt.IsPositive() {
		return nil
	}
	held, err := k.Ledger(ctx, rollupID, denom)
	if err != nil {
		return err
	}
	if held.LT(amt) {
		return types.ErrLedgerInsufficient.Wrapf("rollup %q holds %s%s, entry carries %s", rollupID, held, denom, amt)
	}
	return nil
}

// Outcomes of EventWithdrawalRefunded.
const (
	WithdrawalRefunded = "refunded"
	WithdrawalCredited = "credited"
	WithdrawalKept     = "kept"
)

// refundWithdrawal gives a withdrawal's value, which is in rollupID's
// ledger, back to the L2 sender: a refund entry (kind 5) in the rollup's
// inbox, sent by the unpaid recipient, with the rollup itself as source;
// or, if the rollup takes no inbox entry (frozen, or its inbox refuses),
// an exit credit of the sender there. Without an L2 sender the value stays
// in the ledger: nobody can be named to get it back.
func (k Keeper) refundWithdrawal(ctx context.Context, rollupID string, batchIndex, pendingID uint64, l2Sender, recipient []byte, coin sdk.Coin, reason string) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	event := types.EventWithdrawalRefunded{
		RollupId: rollupID, BatchIndex: batchIndex, PendingId: pendingID, Recipient: hex.EncodeToString(recipient),
		L2Sender: hex.EncodeToString(l2Sender), Amount: coin.String(), Reason: reason, Outcome: WithdrawalKept,
	}
	if len(l2Sender) > 0 {
		amount, err := protocol.Uint128FromBig(coin.Amount.BigInt())
		if err != nil {
			return err
		}
		seq, appended, err := k.tryAppendInbox(sdkCtx, rollupID, protocol.InboxEntry{
			Kind: protocol.InboxKindRefund, Sender: recipient, Recipient: l2Sender,
			SourceRollupID: rollupID, Denom: coin.Denom, Amount: amount,
		})
		switch {
		case err != nil:
			return err
		case appended:
			event.Outcome, event.RefundInboxSequence = WithdrawalRefunded, seq
		default:
			if err := k.credit(sdkCtx, rollupID, l2Sender, coin, rollupID, 0); err != nil {
				return err
			}
			event.Outcome = WithdrawalCredited
		}
	} else {
		sdkCtx.Logger().Info("crossrollup: an unpayable withdrawal has no L2 sender; its value stays in the rollup's ledger",
			"rollup", rollupID, "batch", batchIndex, "amount", coin.String(), "reason", reason)
	}
	return sdkCtx.EventManager().EmitTypedEvent(&event)
}

// tryAppendInbox appends entry to rollupID's inbox on a branch, written
// back only if x/rollups accepts it. A refusal (the rollup is not active,
// its inbox is full, the entry is invalid) is reported as appended=false,
// never as an error: the caller then returns the value another way.
func (k Keeper) tryAppendInbox(ctx sdk.Context, rollupID string, entry protocol.InboxEntry) (seq uint64, appended bool, err error) {
	branch, write := ctx.CacheContext()
	seq, err = k.rollupsKeeper.AppendInbox(branch, rollupID, entry)
	if err != nil {
		ctx.Logger().Info("crossrollup: inbox refused an entry", "rollup", rollupID, "kind", entry.Kind.String(), "err", err)
		return 0, false, nil
	}
	write()
	return seq, true, nil
}

// route delivers one cross-rollup message. The source ledger must hold the
// value (no rollup subsidises another). If the destination can take the
// message, the value moves ledger to ledger and the message is appended to
// the destination's inbox; otherwise the value stays and a refund entry is
// appended to the source's own inbox (bounce). Either way the escrow
// account does not move, and nothing is lost or stuck.
//
// A message bounces for a fact about the rollups (unknown, frozen or paused
// destination, paused source), for its content (a payload over
// max_payload_bytes: the refund then carries no payload), when its value
// would take the source over its outflow cap (routed value counts as
// outflow, M2), or when the destination's inbox refuses it.
//
// A routed message only ever becomes an inbox entry: it cannot reach any
// Msg of the base chain (operator, key or params changes), whatever its
// recipient or payload.
func (k Keeper) route(ctx context.Context, params types.Params, batch rollupstypes.VerifiedBatch, e protocol.OutboxEntry, refunds *consumedRefunds) error {
	value := sdkmath.NewIntFromBigInt(e.Amount.BigInt())
	if err := k.requireHeld(ctx, batch.RollupID, e.Denom, value); err != nil {
		return err
	}
	if uint64(len(e.Payload)) > params.MaxPayloadBytes {
		return k.bounce(ctx, batch, e, fmt.Sprintf("payload of %d bytes is over max_payload_bytes %d", len(e.Payload), params.MaxPayloadBytes), true, refunds)
	}
	reason, err := k.undeliverable(ctx, batch.RollupID, e.DestRollupID)
	if err != nil {
		return err
	}
	if reason == "" && value.IsPositive() {
		if reason, err = k.capReached(ctx, params, batch.RollupID, sdk.NewCoin(e.Denom, value)); err != nil {
			return err
		}
	}
	if reason != "" {
		return k.bounce(ctx, batch, e, reason, false, refunds)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	seq, appended, err := k.tryAppendInbox(sdkCtx, e.DestRollupID, protocol.InboxEntry{
		Kind:           protocol.InboxKindCrossRollupMessage,
		Sender:         e.Sender,
		Recipient:      e.Recipient,
		SourceRollupID: batch.RollupID,
		Denom:          e.Denom,
		Amount:         e.Amount,
		Payload:        e.Payload,
	})
	if err != nil {
		return err
	}
	if !appended {
		return k.bounce(ctx, batch, e, "destination rollup's inbox refused the message", false, refunds)
	}
	amount := ""
	if value.IsPositive() {
		coin := sdk.NewCoin(e.Denom, value)
		amount = coin.String()
		if err := k.debitLedger(ctx, batch.RollupID, e.Denom, value); err != nil {
			return err
		}
		if err := k.creditLedger(ctx, e.DestRollupID, e.Denom, value); err != nil {
			return err
		}
		if err := k.recordOutflow(ctx, params, batch.RollupID, coin); err != nil {
			return err
		}
	}
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventMessageRouted{
		SourceRollupId: batch.RollupID, SourceBatchIndex: batch.Index, DestRollupId: e.DestRollupID,
		DestInboxSequence: seq, L2Sender: hex.EncodeToString(e.Sender), L2Recipient: hex.EncodeToString(e.Recipient),
		Amount: amount, PayloadBytes: uint64(len(e.Payload)),
	})
}

// bounce returns a message to its L2 sender: the value never left the
// source ledger (the caller checked it holds it), and a refund entry goes
// into the source's inbox, or an exit credit of the sender if the inbox
// refuses it. dropPayload leaves out a payload the chain refused to carry.
//
// A refund of this batch's inbox that the rollup sent back out (see
// consumedRefunds) is not bounced again: it is credited to the sender for
// exit, so no refund goes round for ever.
func (k Keeper) bounce(ctx context.Context, batch rollupstypes.VerifiedBatch, e protocol.OutboxEntry, reason string, dropPayload bool, refunds *consumedRefunds) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	value := sdkmath.NewIntFromBigInt(e.Amount.BigInt())
	amount := ""
	if value.IsPositive() {
		amount = sdk.NewCoin(e.Denom, value).String()
	}
	refund := protocol.InboxEntry{
		Kind:           protocol.InboxKindRefund,
		Sender:         e.Recipient,
		Recipient:      e.Sender,
		SourceRollupID: e.DestRollupID,
		Denom:          e.Denom,
		Amount:         e.Amount,
		Payload:        e.Payload,
	}
	if dropPayload {
		refund.Payload = nil
	}
	var seq uint64
	appended := false
	returned := false
	if value.IsPositive() {
		var err error
		if returned, err = refunds.returns(ctx, k, e); err != nil {
			return err
		}
	}
	if !returned {
		var err error
		if seq, appended, err = k.tryAppendInbox(sdkCtx, batch.RollupID, refund); err != nil {
			return err
		}
	}
	if !appended {
		if !value.IsPositive() {
			reason += "; the source's inbox refused the refund (nothing of value lost)"
		} else {
			if err := k.credit(sdkCtx, batch.RollupID, e.Sender, sdk.NewCoin(e.Denom, value), batch.RollupID, 0); err != nil {
				return err
			}
			if returned {
				reason += "; a refund the rollup could not credit came back: credited to the sender for exit"
			} else {
				reason += "; the source's inbox refused the refund: credited to the sender for exit"
			}
		}
	}
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventMessageBounced{
		SourceRollupId: batch.RollupID, SourceBatchIndex: batch.Index, DestRollupId: e.DestRollupID,
		RefundInboxSequence: seq, Amount: amount, Reason: reason,
	})
}

// undeliverable says why a message from source cannot reach dest, or "" if
// it can. Only facts about the rollups make a message bounce; any other
// error fails the batch.
func (k Keeper) undeliverable(ctx context.Context, source, dest string) (string, error) {
	if paused, err := k.Paused.Has(ctx, source); err != nil {
		return "", err
	} else if paused {
		return "source rollup's bridge is paused", nil
	}
	r, err := k.rollupsKeeper.GetRollup(ctx, dest)
	if errors.Is(err, rollupstypes.ErrUnknownRollup) {
		return "destination rollup is unknown", nil
	}
	if err != nil {
		return "", err
	}
	if r.Status != rollupstypes.ROLLUP_STATUS_ACTIVE {
		return "destination rollup is " + r.Status.String(), nil
	}
	if paused, err := k.Paused.Has(ctx, dest); err != nil {
		return "", err
	} else if paused {
		return "destination rollup's bridge is paused", nil
	}
	return "", nil
}
