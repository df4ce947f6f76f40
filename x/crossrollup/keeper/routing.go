package keeper

import (
	"context"
	"encoding/hex"
	"fmt"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// tryAppendInbox appends entry to rollupID's inbox on a branch, written
// back only if x/rollups accepts it. A refusal (the rollup is not active,
// its inbox is full, the entry is invalid) is reported as appended=false,
// never as an error: the caller then returns the value another way.
func (k Keeper) tryAppendInbox(ctx sdk.Context, rollupID string, entry protocol.InboxEntry) (seq uint64, appended bool, err error) {
	seq, refusal, err := k.appendInbox(ctx, rollupID, entry)
	return seq, err == nil && refusal == nil, err
}

// appendInbox is tryAppendInbox that also says why the inbox refused the
// entry (an unknown or inactive rollup, a full inbox, an invalid entry).
func (k Keeper) appendInbox(ctx sdk.Context, rollupID string, entry protocol.InboxEntry) (seq uint64, refusal, err error) {
	branch, write := ctx.CacheContext()
	seq, refusal = k.rollupsKeeper.AppendInbox(branch, rollupID, entry)
	if refusal != nil {
		ctx.Logger().Info("crossrollup: inbox refused an entry", "rollup", rollupID, "kind", entry.Kind.String(), "err", refusal)
		return 0, refusal, nil
	}
	write()
	return seq, nil, nil
}

// route delivers one cross-rollup message. The source ledger must hold the
// value (no rollup subsidises another). If the destination can take the
// message, the value moves ledger to ledger and the message is appended to
// the destination's inbox; otherwise the value stays and a refund entry is
// appended to the source's own inbox (bounce). Either way the escrow
// account does not move, and nothing is lost or stuck.
//
// A message bounces for a fact about the rollups (paused source or
// destination; an unknown or inactive destination, whose inbox refuses it), for its content (a payload over
// max_payload_bytes: the refund then carries no payload), when its value
// would take the source over its outflow cap (routed value counts as
// outflow, M2), or when the destination's inbox refuses it.
//
// A routed message only ever becomes an inbox entry: it cannot reach any
// Msg of the base chain (operator, key or params changes), whatever its
// recipient or payload.
func (k Keeper) route(ctx context.Context, params types.Params, src *controls, batch rollupstypes.VerifiedBatch, e protocol.OutboxEntry, refunds *consumedRefunds) error {
	value := sdkmath.NewIntFromBigInt(e.Amount.BigInt())
	held := sdkmath.ZeroInt()
	if value.IsPositive() {
		var err error
		if held, err = k.ledgerIn(ctx, src, batch.RollupID, e.Denom); err != nil {
			return err
		}
		if held.LT(value) {
			return types.ErrLedgerInsufficient.Wrapf("rollup %q holds %s%s, entry carries %s", batch.RollupID, held, e.Denom, value)
		}
	}
	if uint64(len(e.Payload)) > params.MaxPayloadBytes {
		return k.bounce(ctx, batch, e, fmt.Sprintf("payload of %d bytes is over max_payload_bytes %d", len(e.Payload), params.MaxPayloadBytes), true, refunds)
	}
	reason, err := k.undeliverable(ctx, src, e.DestRollupID)
	if err != nil {
		return err
	}
	if reason == "" && value.IsPositive() {
		if reason, err = k.capReached(ctx, params, src, sdk.NewCoin(e.Denom, value)); err != nil {
			return err
		}
	}
	if reason != "" {
		return k.bounce(ctx, batch, e, reason, false, refunds)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	seq, refusal, err := k.appendInbox(sdkCtx, e.DestRollupID, protocol.InboxEntry{
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
	if refusal != nil {
		return k.bounce(ctx, batch, e, "destination rollup's inbox refused the message: "+refusal.Error(), false, refunds)
	}
	amount := ""
	if value.IsPositive() {
		coin := sdk.NewCoin(e.Denom, value)
		amount = coin.String()
		// Nothing between the check above and here writes the source's
		// ledger (the inbox is x/rollups'): debit what was read.
		if err := k.setLedgerIn(ctx, src, batch.RollupID, e.Denom, held.Sub(value)); err != nil {
			return err
		}
		if err := k.creditLedger(ctx, src, e.DestRollupID, e.Denom, value); err != nil {
			return err
		}
		if err := k.recordOutflow(ctx, params, src, coin); err != nil {
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

// undeliverable says why a message from source cannot reach dest for a
// fact the bridge keeps (a paused source or destination), or "" if it may
// be appended. Whether dest exists and is active is x/rollups' to say:
// AppendInbox refuses an unknown or inactive rollup, and the message then
// bounces with that reason (route), so the destination's rollup record is
// read once per message, by the append, not twice (issue 17). Any other
// error fails the batch.
func (k Keeper) undeliverable(ctx context.Context, source *controls, dest string) (string, error) {
	if paused, err := k.isPaused(ctx, source); err != nil {
		return "", err
	} else if paused {
		return "source rollup's bridge is paused", nil
	}
	if paused, err := k.destinationPaused(ctx, source, dest); err != nil {
		return "", err
	} else if paused {
		return "destination rollup's bridge is paused", nil
	}
	return "", nil
}
