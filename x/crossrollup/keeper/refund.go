package keeper

import (
	"context"
	"encoding/hex"
	"errors"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Refunds (docs/spec/exodus.md): the inbox entries a frozen rollup never
// consumed carried value that its state does not hold. When x/rollups
// freezes a rollup, it is queued with a cursor at its first unconsumed
// entry, and EndBlock gives every entry's value back, at most
// max_refunds_per_block entries per block over all rollups, rollups in id
// order:
//
//	deposit, L1 call with value  coins back to the L1 sender
//	routed message with value    bounced into the source's inbox (kind 5)
//	                             if the source is active and not paused,
//	                             waits while it is active and paused,
//	                             else an exit credit of the L2 sender there
//	refund (kind 5)              an exit credit of its L2 recipient here
//	anything without value       nothing
//
// A frozen rollup accepts no inbox entries, so the cursor's end is final.
// Each step keeps the bridge invariant: value moves between ledgers or
// leaves escrow and ledger together, and credits stay in their ledger
// until claimed.

// Outcomes of EventInboxRefunded.
const (
	RefundReturned = "returned"
	RefundBounced  = "bounced"
	RefundCredited = "credited"
	RefundFailed   = "failed"
	RefundWaiting  = "waiting"
)

// errSourcePaused says a routed entry's source is active but paused, or its
// inbox refused the refund entry: the refund waits (WaitingRefunds) rather
// than becoming an exit credit that nobody could claim while that rollup
// lives (M5 of the December 2026 review).
var errSourcePaused = errors.New("the source rollup cannot take the refund now (paused, or its inbox refused it)")

// enqueueRefunds queues a just-frozen rollup's unconsumed inbox.
func (k Keeper) enqueueRefunds(ctx context.Context, rollupID string) error {
	r, err := k.rollupsKeeper.GetRollup(ctx, rollupID)
	if err != nil {
		return err
	}
	if r.InboxConsumed >= r.InboxSize {
		return nil
	}
	return k.RefundQueue.Set(ctx, rollupID, types.RefundCursor{
		RollupId: rollupID, NextSequence: r.InboxConsumed, EndSequence: r.InboxSize,
	})
}

// ProcessRefunds runs in EndBlock: it refunds at most max_refunds_per_block
// queued inbox entries, rollups in id order, and drops a rollup from the
// queue once its last entry is done. It returns only store errors; an
// entry that cannot be refunded is logged, reported as "failed" and its
// value stays in the frozen rollup's ledger.
func (k Keeper) ProcessRefunds(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	budget := uint64(params.MaxRefundsPerBlock)
	iter, err := k.RefundQueue.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	var cursors []types.RefundCursor
	for ; iter.Valid() && uint64(len(cursors)) < budget; iter.Next() {
		c, err := iter.Value()
		if err != nil {
			iter.Close()
			return err
		}
		cursors = append(cursors, c)
	}
	iter.Close() // never write while iterating

	sdkCtx := sdk.UnwrapSDKContext(ctx)
	for _, c := range cursors {
		n := min(budget, c.EndSequence-c.NextSequence)
		for end := c.NextSequence + n; c.NextSequence < end; c.NextSequence++ {
			if err := k.refundEntry(sdkCtx, c.RollupId, c.NextSequence); err != nil {
				return err
			}
		}
		budget -= n
		if c.NextSequence >= c.EndSequence {
			err = k.RefundQueue.Remove(ctx, c.RollupId)
		} else {
			err = k.RefundQueue.Set(ctx, c.RollupId, c)
		}
		if err != nil {
			return err
		}
		if budget == 0 {
			break
		}
	}
	// What the cursors left of the budget retries refunds that wait for a
	// paused source; the cursors' work is finite, so they are served.
	return k.retryWaitingRefunds(sdkCtx, budget)
}

// retryWaitingRefunds examines at most budget waiting refunds, from a
// cursor that wraps around, so each is retried within
// ceil(waiting / budget) blocks once the cursors are done.
func (k Keeper) retryWaitingRefunds(ctx sdk.Context, budget uint64) error {
	if budget == 0 {
		return nil
	}
	cursor, err := k.WaitingRefundCursor.Get(ctx)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	hadCursor := err == nil
	from := collections.Join(cursor.RollupId, cursor.Sequence)
	todo, err := k.collectWaiting(ctx, new(collections.Range[collections.Pair[string, uint64]]).StartInclusive(from), budget)
	if err != nil {
		return err
	}
	if uint64(len(todo)) < budget && (cursor.RollupId != "" || cursor.Sequence != 0) {
		more, err := k.collectWaiting(ctx, new(collections.Range[collections.Pair[string, uint64]]).EndExclusive(from), budget-uint64(len(todo)))
		if err != nil {
			return err
		}
		todo = append(todo, more...)
	}
	if len(todo) == 0 {
		// Nothing waits: keep no cursor, so an idle bridge writes nothing
		// per block and the store matches an export of it.
		if hadCursor {
			return k.WaitingRefundCursor.Remove(ctx)
		}
		return nil
	}
	next := types.WaitingRefund{}
	for _, w := range todo {
		if err := k.retryWaiting(ctx, w); err != nil {
			return err
		}
		next = types.WaitingRefund{RollupId: w.RollupId, Sequence: w.Sequence + 1}
	}
	return k.WaitingRefundCursor.Set(ctx, next)
}

func (k Keeper) collectWaiting(ctx sdk.Context, rng *collections.Range[collections.Pair[string, uint64]], n uint64) ([]types.WaitingRefund, error) {
	iter, err := k.WaitingRefunds.Iterate(ctx, rng)
	if err != nil {
		return nil, err
	}
	defer iter.Close() // never write while iterating: the caller writes after
	var out []types.WaitingRefund
	for ; iter.Valid() && uint64(len(out)) < n; iter.Next() {
		w, err := iter.Value()
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, nil
}

// retryWaiting refunds one waiting entry if its source may now take it; it
// leaves the queue when refunded or failed, and stays while the source is
// still paused.
func (k Keeper) retryWaiting(ctx sdk.Context, w types.WaitingRefund) error {
	branch, write := ctx.CacheContext()
	m, err := k.rollupsKeeper.GetInboxMessage(branch, w.RollupId, w.Sequence)
	if err == nil {
		err = k.refundInboxMessage(branch, w.RollupId, m)
	}
	if errors.Is(err, errSourcePaused) {
		return nil
	}
	if err == nil {
		write()
	} else {
		ctx.Logger().Error("crossrollup: a waiting inbox refund failed; its value stays in the frozen rollup's ledger",
			"rollup", w.RollupId, "sequence", w.Sequence, "err", err)
		if err := ctx.EventManager().EmitTypedEvent(&types.EventInboxRefunded{
			RollupId: w.RollupId, Sequence: w.Sequence, Outcome: RefundFailed,
		}); err != nil {
			return err
		}
	}
	return k.WaitingRefunds.Remove(ctx, collections.Join(w.RollupId, w.Sequence))
}

// refundEntry refunds one entry on a branch of ctx, written back only if
// the whole refund succeeded.
func (k Keeper) refundEntry(ctx sdk.Context, rollupID string, seq uint64) error {
	branch, write := ctx.CacheContext()
	m, err := k.rollupsKeeper.GetInboxMessage(branch, rollupID, seq)
	if err == nil {
		err = k.refundInboxMessage(branch, rollupID, m)
	}
	if err == nil {
		write()
		return nil
	}
	if errors.Is(err, errSourcePaused) {
		m, _ := k.rollupsKeeper.GetInboxMessage(ctx, rollupID, seq)
		if err := k.WaitingRefunds.Set(ctx, collections.Join(rollupID, seq), types.WaitingRefund{
			RollupId: rollupID, Sequence: seq, SourceRollupId: m.SourceRollupId,
		}); err != nil {
			return err
		}
		return ctx.EventManager().EmitTypedEvent(&types.EventInboxRefunded{
			RollupId: rollupID, Sequence: seq, Kind: m.Kind, Outcome: RefundWaiting, ToRollupId: m.SourceRollupId,
		})
	}
	ctx.Logger().Error("crossrollup: an inbox refund failed; its value stays in the frozen rollup's ledger",
		"rollup", rollupID, "sequence", seq, "err", err)
	return ctx.EventManager().EmitTypedEvent(&types.EventInboxRefunded{
		RollupId: rollupID, Sequence: seq, Outcome: RefundFailed,
	})
}

// refundInboxMessage gives back the value of one unconsumed entry of the
// frozen rollup frozenID.
func (k Keeper) refundInboxMessage(ctx sdk.Context, frozenID string, m rollupstypes.InboxMessage) error {
	entry, err := m.Entry()
	if err != nil {
		return err
	}
	value := sdkmath.NewIntFromBigInt(entry.Amount.BigInt())
	if !value.IsPositive() {
		return nil // nothing to give back
	}
	if err := sdk.ValidateDenom(entry.Denom); err != nil {
		return err
	}
	coin := sdk.NewCoin(entry.Denom, value)
	event := types.EventInboxRefunded{
		RollupId: frozenID, Sequence: m.Sequence, Kind: m.Kind, Amount: coin.String(),
	}
	switch entry.Kind {
	case protocol.InboxKindDeposit, protocol.InboxKindL1Call:
		sender := sdk.AccAddress(entry.Sender)
		if err := k.debitLedger(ctx, nil, frozenID, coin.Denom, coin.Amount); err != nil {
			return err
		}
		if err := k.bankKeeper.SendCoinsFromModuleToAccount(ctx, types.ModuleName, sender, sdk.NewCoins(coin)); err != nil {
			return err
		}
		addr, err := k.addressCodec.BytesToString(sender)
		if err != nil {
			return err
		}
		event.Outcome, event.Recipient = RefundReturned, addr

	case protocol.InboxKindCrossRollupMessage:
		if err := k.refundRouted(ctx, frozenID, entry, coin, &event); err != nil {
			return err
		}

	case protocol.InboxKindRefund:
		// A message this rollup sent bounced back: its L2 sender is owed
		// the value, which is already in this rollup's ledger.
		if err := k.credit(ctx, frozenID, entry.Recipient, coin, frozenID, m.Sequence); err != nil {
			return err
		}
		event.Outcome, event.ToRollupId, event.Recipient = RefundCredited, frozenID, hex.EncodeToString(entry.Recipient)

	default:
		return nil // forced transactions carry no value
	}
	return ctx.EventManager().EmitTypedEvent(&event)
}

// refundRouted gives back the value of a message another rollup routed to
// the frozen one: into the source's inbox if the source takes messages,
// else as an exit credit of the L2 sender in the source. A source that no
// longer exists (or was deregistered) cannot pay anyone: the value then
// stays here as an exit credit of the intended recipient.
func (k Keeper) refundRouted(ctx sdk.Context, frozenID string, entry protocol.InboxEntry, coin sdk.Coin, event *types.EventInboxRefunded) error {
	src := entry.SourceRollupID
	r, err := k.rollupsKeeper.GetRollup(ctx, src)
	if errors.Is(err, rollupstypes.ErrUnknownRollup) || (err == nil && r.Status == rollupstypes.ROLLUP_STATUS_DEREGISTERED) {
		if err := k.credit(ctx, frozenID, entry.Recipient, coin, frozenID, entry.Sequence); err != nil {
			return err
		}
		event.Outcome, event.ToRollupId, event.Recipient = RefundCredited, frozenID, hex.EncodeToString(entry.Recipient)
		return nil
	}
	if err != nil {
		return err
	}
	paused, err := k.Paused.Has(ctx, src)
	if err != nil {
		return err
	}
	if paused && r.Status == rollupstypes.ROLLUP_STATUS_ACTIVE {
		return errSourcePaused
	}
	if err := k.debitLedger(ctx, nil, frozenID, coin.Denom, coin.Amount); err != nil {
		return err
	}
	if err := k.creditLedger(ctx, nil, src, coin.Denom, coin.Amount); err != nil {
		return err
	}
	if r.Status == rollupstypes.ROLLUP_STATUS_ACTIVE {
		seq, appended, err := k.tryAppendInbox(ctx, src, protocol.InboxEntry{
			Kind:           protocol.InboxKindRefund,
			Sender:         entry.Recipient,
			Recipient:      entry.Sender,
			SourceRollupID: frozenID,
			Denom:          entry.Denom,
			Amount:         entry.Amount,
			Payload:        entry.Payload,
		})
		if err != nil {
			return err
		}
		if !appended {
			return errSourcePaused // retried; the ledger moves are dropped with the branch
		}
		event.Outcome, event.ToRollupId, event.Recipient = RefundBounced, src, hex.EncodeToString(entry.Sender)
		event.RefundInboxSequence = seq
		return nil
	}
	if err := k.credit(ctx, src, entry.Sender, coin, frozenID, entry.Sequence); err != nil {
		return err
	}
	event.Outcome, event.ToRollupId, event.Recipient = RefundCredited, src, hex.EncodeToString(entry.Sender)
	return nil
}

// credit records an exit credit of account in rollupID (whose ledger
// already holds the value) and reports it.
func (k Keeper) credit(ctx sdk.Context, rollupID string, account []byte, coin sdk.Coin, fromRollupID string, fromSeq uint64) error {
	if len(account) == 0 {
		return types.ErrInvalidRequest.Wrap("an exit credit needs an L2 address")
	}
	if err := k.creditExit(ctx, rollupID, account, coin.Denom, coin.Amount); err != nil {
		return err
	}
	return ctx.EventManager().EmitTypedEvent(&types.EventExitCredited{
		RollupId: rollupID, Account: hex.EncodeToString(account), Amount: coin.String(),
		FromRollupId: fromRollupID, FromSequence: fromSeq,
	})
}
