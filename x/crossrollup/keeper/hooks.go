package keeper

import (
	"context"
	"encoding/hex"
	"errors"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

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
// bounce back to the source's inbox. Any error fails the batch, so an
// outbox is applied whole or not at all.
func (h hooks) AfterBatchVerified(ctx context.Context, batch rollupstypes.VerifiedBatch) error {
	params, err := h.k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if uint64(len(batch.Outbox)) > params.MaxOutboxEntries {
		return types.ErrInvalidWithdrawal.Wrapf("%d outbox entries, at most %d", len(batch.Outbox), params.MaxOutboxEntries)
	}
	for i, e := range batch.Outbox {
		// DecodeOutbox validated the entries; check again so this method
		// never depends on its caller (sdk.NewCoin panics on a bad denom).
		if err := e.Validate(); err != nil {
			return errorsmod.Wrapf(types.ErrInvalidWithdrawal.Wrap(err.Error()), "outbox entry %d", i)
		}
		switch e.Kind {
		case rollupstypes.OutboxKindWithdrawal:
			err = h.k.withdraw(ctx, params, batch, e)
		case rollupstypes.OutboxKindCrossRollupMessage:
			err = h.k.route(ctx, params, batch, e)
		default:
			err = types.ErrInvalidWithdrawal.Wrapf("kind %s", e.Kind)
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

// withdraw takes one withdrawal from the rollup's ledger and pays it, or
// defers it while the rollup is paused or over its outflow cap.
func (k Keeper) withdraw(ctx context.Context, params types.Params, batch rollupstypes.VerifiedBatch, e rollupstypes.OutboxEntry) error {
	recipient := sdk.AccAddress(e.Recipient)
	if err := sdk.VerifyAddressFormat(recipient); err != nil {
		return types.ErrInvalidWithdrawal.Wrapf("recipient: %s", err)
	}
	if k.bankKeeper.BlockedAddr(recipient) {
		return types.ErrInvalidWithdrawal.Wrapf("recipient %s may not receive funds", recipient)
	}
	coin := sdk.NewCoin(e.Denom, sdkmath.NewIntFromBigInt(e.Amount.BigInt()))
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
			Height: sdk.UnwrapSDKContext(ctx).BlockHeight(),
		}, reason)
	}
	if err := k.pay(ctx, params, batch.RollupID, recipient, coin); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventWithdrawal{
		RollupId: batch.RollupID, BatchIndex: batch.Index, Recipient: addr, Amount: coin.String(),
	})
}

// route delivers one cross-rollup message. The source ledger must hold the
// value (no rollup subsidises another). If the destination can take the
// message, the value moves ledger to ledger and the message is appended to
// the destination's inbox; otherwise the value stays and a refund entry is
// appended to the source's own inbox. Either way the escrow account does not
// move, and nothing is lost or stuck.
//
// A routed message only ever becomes an inbox entry: it cannot reach any
// Msg of the base chain (operator, key or params changes), whatever its
// recipient or payload.
func (k Keeper) route(ctx context.Context, params types.Params, batch rollupstypes.VerifiedBatch, e rollupstypes.OutboxEntry) error {
	if uint64(len(e.Payload)) > params.MaxPayloadBytes {
		return rollupstypes.ErrPayloadTooLarge.Wrapf("%d bytes, max_payload_bytes %d", len(e.Payload), params.MaxPayloadBytes)
	}
	value := sdkmath.NewIntFromBigInt(e.Amount.BigInt())
	if value.IsPositive() {
		held, err := k.Ledger(ctx, batch.RollupID, e.Denom)
		if err != nil {
			return err
		}
		if held.LT(value) {
			return types.ErrLedgerInsufficient.Wrapf("rollup %q holds %s%s, message carries %s", batch.RollupID, held, e.Denom, value)
		}
	}
	amount := ""
	if value.IsPositive() {
		amount = sdk.NewCoin(e.Denom, value).String()
	}

	reason, err := k.undeliverable(ctx, batch.RollupID, e.DestRollupID)
	if err != nil {
		return err
	}
	if reason == "" {
		seq, err := k.rollupsKeeper.AppendInbox(ctx, e.DestRollupID, rollupstypes.InboxEntry{
			Kind:           rollupstypes.InboxKindCrossRollupMessage,
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
		if value.IsPositive() {
			if err := k.debitLedger(ctx, batch.RollupID, e.Denom, value); err != nil {
				return err
			}
			if err := k.creditLedger(ctx, e.DestRollupID, e.Denom, value); err != nil {
				return err
			}
		}
		return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMessageRouted{
			SourceRollupId: batch.RollupID, SourceBatchIndex: batch.Index, DestRollupId: e.DestRollupID,
			DestInboxSequence: seq, L2Sender: hex.EncodeToString(e.Sender), L2Recipient: hex.EncodeToString(e.Recipient),
			Amount: amount, PayloadBytes: uint64(len(e.Payload)),
		})
	}

	// Bounce: the value never left the source ledger; tell the source.
	seq, err := k.rollupsKeeper.AppendInbox(ctx, batch.RollupID, rollupstypes.InboxEntry{
		Kind:           rollupstypes.InboxKindRefund,
		Sender:         e.Recipient,
		Recipient:      e.Sender,
		SourceRollupID: e.DestRollupID,
		Denom:          e.Denom,
		Amount:         e.Amount,
		Payload:        e.Payload,
	})
	if err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMessageBounced{
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
