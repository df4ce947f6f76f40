package keeper

import (
	"context"
	"encoding/hex"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// withdraw takes one withdrawal from the rollup's ledger and pays it, or
// defers it while the rollup is paused or over its outflow cap. A recipient
// the chain cannot pay gets nothing and the value goes back to the L2
// sender (refundWithdrawal). A withdrawal to the batch's own submitter
// that may be paid now accrues to it instead (accrued.go).
func (k Keeper) withdraw(ctx context.Context, params types.Params, src *controls, batch rollupstypes.VerifiedBatch, e protocol.OutboxEntry) error {
	coin := sdk.NewCoin(e.Denom, sdkmath.NewIntFromBigInt(e.Amount.BigInt()))
	recipient := sdk.AccAddress(e.Recipient)
	if reason := k.unpayable(recipient); reason != "" {
		return k.returnWithdrawal(ctx, src, batch, e, coin, reason)
	}
	if err := k.debitLedger(ctx, src, batch.RollupID, coin.Denom, coin.Amount); err != nil {
		return err
	}
	addr, err := k.addressCodec.BytesToString(recipient)
	if err != nil {
		return err
	}
	reason, err := k.outflowBlocked(ctx, params, src, coin)
	if err != nil {
		return err
	}
	if reason != "" {
		return k.defer_(ctx, types.PendingWithdrawal{
			RollupId: batch.RollupID, BatchIndex: batch.Index, Recipient: addr, Amount: coin,
			Height: sdk.UnwrapSDKContext(ctx).BlockHeight(), L2Sender: e.Sender,
		}, reason)
	}
	accrued := len(src.submitter) > 0 && recipient.Equals(src.submitter)
	if accrued {
		if err := k.accrue(ctx, recipient, coin); err != nil {
			return err
		}
		if err := k.recordOutflow(ctx, params, src, coin); err != nil {
			return err
		}
	} else if err := k.pay(ctx, params, src, recipient, coin); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventWithdrawal{
		RollupId: batch.RollupID, BatchIndex: batch.Index, Recipient: addr, Amount: coin.String(), Accrued: accrued,
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
func (k Keeper) returnEntry(ctx context.Context, src *controls, batch rollupstypes.VerifiedBatch, e protocol.OutboxEntry, reason string, refunds *consumedRefunds) error {
	if e.Kind == protocol.OutboxKindWithdrawal {
		return k.returnWithdrawal(ctx, src, batch, e, sdk.NewCoin(e.Denom, sdkmath.NewIntFromBigInt(e.Amount.BigInt())), reason)
	}
	if err := k.requireHeld(ctx, src, batch.RollupID, e.Denom, sdkmath.NewIntFromBigInt(e.Amount.BigInt())); err != nil {
		return err
	}
	return k.bounce(ctx, batch, e, reason, false, refunds)
}

// returnWithdrawal refunds a withdrawal of a verified batch that will not
// be paid. The rollup's L2 burned the value, so its ledger must hold it
// (else the batch fails: the rollup spends what it does not hold); it
// stays there and goes back to the L2 sender.
func (k Keeper) returnWithdrawal(ctx context.Context, src *controls, batch rollupstypes.VerifiedBatch, e protocol.OutboxEntry, coin sdk.Coin, reason string) error {
	if err := k.requireHeld(ctx, src, batch.RollupID, coin.Denom, coin.Amount); err != nil {
		return err
	}
	return k.refundWithdrawal(ctx, batch.RollupID, batch.Index, 0, e.Sender, e.Recipient, coin, reason)
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
