package keeper

import (
	"context"
	"slices"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// Liveness: no operator can hold a rollup's users hostage, and nobody can
// get an honest rollup frozen.
//
//   - Every inbox message (a deposit, a routed message, an L1 call, a
//     forced L2 transaction) stores its own deadline, set by its queue
//     position and not by its arrival alone:
//
//     due(i) = max(arrival(i) + D, due(i-1), due(i-C) + D)
//
//     with D = inbox_deadline_blocks and C = inbox_entries_per_deadline.
//     Deadlines never decrease along the queue, and no window of D blocks
//     holds more than C of them, so a rollup that consumes C messages per D
//     blocks never misses one: a flood delays later messages, it cannot
//     freeze the rollup (review 2026-12, H2). Forced transactions are also
//     spaced by the forced capacity, ceil(D / forced_entries_per_deadline)
//     blocks apart, since a circuit consumes only a few per batch (H3).
//   - If the oldest unconsumed message is still unconsumed after its
//     deadline, EndBlock freezes the rollup: no more batches or deposits,
//     and its operators' bond goes to the reward pool.
//   - A rollup whose operators post nothing for permissionless_after_blocks
//     accepts its next valid batch from anyone: the validity proof makes
//     that safe, and x/rewards pays the submitter as its operator.
//
// Deadlines index (deadline height, rollup id) for every active rollup with
// an unconsumed message, so EndBlock reads only the overdue ones, oldest
// first, at most max_freezes_per_block per block.

// messageDeadline is a stored message's deadline; messages stored before
// deadlines were recorded per message are due at arrival + D.
func messageDeadline(m types.InboxMessage, params types.Params) int64 {
	if m.Deadline != 0 {
		return m.Deadline
	}
	return m.Height + int64(params.InboxDeadlineBlocks)
}

// queueDeadline is the deadline of the message about to be appended to r at
// height h (sequence r.InboxSize). It reads at most two stored messages. For
// a forced transaction it also advances r.LastForcedDeadline; the caller
// saves r.
func (k Keeper) queueDeadline(ctx context.Context, params types.Params, r *types.Rollup, h int64, forced bool) (int64, error) {
	d := int64(params.InboxDeadlineBlocks)
	due := h + d
	seq := r.InboxSize
	if seq >= 1 {
		prev, err := k.Inbox.Get(ctx, collections.Join(r.Id, seq-1))
		if err != nil {
			return 0, err
		}
		due = max(due, messageDeadline(prev, params))
	}
	if c := params.InboxEntriesPerDeadline; seq >= c {
		back, err := k.Inbox.Get(ctx, collections.Join(r.Id, seq-c))
		if err != nil {
			return 0, err
		}
		due = max(due, messageDeadline(back, params)+d)
	}
	if forced {
		if r.LastForcedDeadline != 0 {
			due = max(due, r.LastForcedDeadline+forcedSpacing(params))
		}
		r.LastForcedDeadline = due
	}
	return due, nil
}

// forcedSpacing is the least distance between two forced transactions'
// deadlines: ceil(D / forced_entries_per_deadline).
func forcedSpacing(params types.Params) int64 {
	f := params.ForcedEntriesPerDeadline
	return int64((params.InboxDeadlineBlocks + f - 1) / f)
}

// noteAppended indexes the deadline of a message just appended to r, if it
// is now the oldest unconsumed one. The caller saves r.
func (k Keeper) noteAppended(ctx context.Context, r *types.Rollup, deadline int64) error {
	if r.InboxDeadline != 0 || r.Status != types.ROLLUP_STATUS_ACTIVE {
		return nil // an older message already sets the deadline
	}
	return k.moveDeadline(ctx, r, deadline)
}

// noteConsumed recomputes r's deadline after a batch consumed messages: the
// stored deadline of the oldest message still unconsumed. The caller saves
// r.
func (k Keeper) noteConsumed(ctx context.Context, params types.Params, r *types.Rollup) error {
	want := int64(0)
	if r.InboxConsumed < r.InboxSize {
		oldest, err := k.Inbox.Get(ctx, collections.Join(r.Id, r.InboxConsumed))
		if err != nil {
			return err
		}
		want = messageDeadline(oldest, params)
	}
	return k.moveDeadline(ctx, r, want)
}

// tailDeadline is the deadline of r's last unconsumed message (0: none).
func (k Keeper) tailDeadline(ctx context.Context, params types.Params, r types.Rollup) (int64, error) {
	if r.InboxConsumed >= r.InboxSize {
		return 0, nil
	}
	last, err := k.Inbox.Get(ctx, collections.Join(r.Id, r.InboxSize-1))
	if err != nil {
		return 0, err
	}
	return messageDeadline(last, params), nil
}

// moveDeadline replaces r's indexed deadline with want (0: none).
func (k Keeper) moveDeadline(ctx context.Context, r *types.Rollup, want int64) error {
	if r.InboxDeadline == want {
		return nil
	}
	if r.InboxDeadline != 0 {
		if err := k.Deadlines.Remove(ctx, collections.Join(r.InboxDeadline, r.Id)); err != nil {
			return err
		}
	}
	if want != 0 {
		if err := k.Deadlines.Set(ctx, collections.Join(want, r.Id), true); err != nil {
			return err
		}
	}
	r.InboxDeadline = want
	return nil
}

// mayPropose reports whether submitter may submit r's next batch: one of
// its operators always, anyone once the operators have been silent for
// permissionless_after_blocks.
func mayPropose(ctx sdk.Context, params types.Params, r types.Rollup, submitter string) bool {
	if slices.Contains(effectiveOperators(r, ctx.BlockHeight()), submitter) {
		return true
	}
	last := max(r.LastBatchHeight, r.RegisteredHeight)
	// Params bound the wait; a stored value past the bound (an older
	// genesis) saturates rather than wrap to a negative offset.
	wait := min(params.PermissionlessAfterBlocks, types.MaxPermissionlessAfterBlocks)
	return ctx.BlockHeight() >= last+int64(wait)
}

// EndBlock freezes the rollups whose oldest unconsumed inbox message is
// overdue, oldest deadline first, then closes the winding-down rollups whose
// closing height has come, at most max_freezes_per_block of both together;
// the rest wait for the next block. A failure of one rollup's slashing,
// bond return or hooks is logged and leaves that part undone; it never
// halts the chain.
func (k Keeper) EndBlock(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	h := sdkCtx.BlockHeight()
	budget := int(params.MaxFreezesPerBlock)
	due, err := dueKeys(ctx, k.Deadlines, func(deadline int64) bool { return deadline < h }, budget)
	if err != nil {
		return err
	}
	for _, key := range due {
		if err := k.freeze(sdkCtx, key.K2(), key.K1()); err != nil {
			return err
		}
	}
	closing, err := dueKeys(ctx, k.Closings, func(at int64) bool { return at <= h }, budget-len(due))
	if err != nil {
		return err
	}
	for _, key := range closing {
		if err := k.closeRollup(sdkCtx, key.K2(), key.K1()); err != nil {
			return err
		}
	}
	return nil
}

// dueKeys reads, in height order, at most limit keys of an index whose
// height satisfies isDue.
func dueKeys(ctx context.Context, index collections.Map[collections.Pair[int64, string], bool], isDue func(int64) bool, limit int) ([]collections.Pair[int64, string], error) {
	if limit <= 0 {
		return nil, nil
	}
	iter, err := index.Iterate(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer iter.Close() // no writes while iterating: callers write after
	var due []collections.Pair[int64, string]
	for ; iter.Valid() && len(due) < limit; iter.Next() {
		key, err := iter.Key()
		if err != nil {
			return nil, err
		}
		if !isDue(key.K1()) {
			break // ordered by height: the rest are not due
		}
		due = append(due, key)
	}
	return due, nil
}

// freeze freezes an overdue rollup and slashes its bond. Only store errors
// are returned.
func (k Keeper) freeze(ctx sdk.Context, id string, deadline int64) error {
	r, err := k.GetRollup(ctx, id)
	if err != nil {
		return err
	}
	if err := k.moveDeadline(ctx, &r, 0); err != nil {
		return err
	}
	if r.Status != types.ROLLUP_STATUS_ACTIVE {
		return k.SetRollup(ctx, r) // stale index entry: drop it
	}
	if err := k.stopClosing(ctx, &r); err != nil {
		return err
	}
	r.Status = types.ROLLUP_STATUS_FROZEN
	r.FrozenHeight = ctx.BlockHeight()

	slashed := sdk.NewCoin(r.Bond.Denom, sdkmath.ZeroInt())
	if r.Bond.IsPositive() {
		branch, write := ctx.CacheContext()
		err := k.hooks.AfterRewardFundsCollected(branch, sdk.NewCoins(r.Bond), types.RewardSourceSlashedBond)
		if err == nil {
			write()
			slashed = r.Bond
			r.Bond = sdk.NewCoin(r.Bond.Denom, sdkmath.ZeroInt())
		} else {
			ctx.Logger().Error("rollups: slashing a frozen rollup's bond failed; the bond stays escrowed", "rollup", id, "err", err)
		}
	}
	if err := k.SetRollup(ctx, r); err != nil {
		return err
	}
	k.afterFrozen(ctx, id)
	return ctx.EventManager().EmitTypedEvent(&types.EventRollupFrozen{
		RollupId: id, OverdueSequence: r.InboxConsumed, Deadline: deadline, SlashedBond: slashed.String(),
	})
}

// afterFrozen runs the frozen-rollup hooks (refunds, exodus) on a branch;
// a failure is logged and its effects dropped.
func (k Keeper) afterFrozen(ctx sdk.Context, id string) {
	branch, write := ctx.CacheContext()
	if err := k.hooks.AfterRollupFrozen(branch, id); err != nil {
		ctx.Logger().Error("rollups: a frozen-rollup hook failed; its effects are dropped", "rollup", id, "err", err)
		return
	}
	write()
}

// forceInclude appends a user's L2 transaction to the inbox (kind 4) and
// charges the forced-inclusion fee into the reward pool. Nothing refuses it
// at a cap: its deadline comes from its queue position, so a long forced
// queue delays it but cannot keep it out (review 2026-12, H3).
func (k Keeper) forceInclude(ctx context.Context, msg *types.MsgForceInclude) (*types.MsgForceIncludeResponse, error) {
	sender, err := k.addressCodec.StringToBytes(msg.Sender)
	if err != nil {
		return nil, protocol.ErrInvalidInboxEntry.Wrap(err.Error())
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	// One branch for the append and the fee: a refusal of either changes
	// nothing.
	branch, write := sdkCtx.CacheContext()
	seq, err := k.AppendInbox(branch, msg.RollupId, protocol.InboxEntry{
		Kind: protocol.InboxKindForcedTx, Sender: sender, Payload: msg.L2Tx,
	})
	if err != nil {
		return nil, err
	}
	if err := k.chargeForcedInclusionFee(branch, params, sender); err != nil {
		return nil, err
	}
	stored, err := k.Inbox.Get(branch, collections.Join(msg.RollupId, seq))
	if err != nil {
		return nil, err
	}
	write()
	// The rollup freezes if this message is still unconsumed after its own
	// stored deadline (or earlier, at an older message's).
	msgDeadline := messageDeadline(stored, params)
	if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventForcedInclusion{
		RollupId: msg.RollupId, Sender: msg.Sender, InboxSequence: seq, Deadline: msgDeadline,
	}); err != nil {
		return nil, err
	}
	return &types.MsgForceIncludeResponse{InboxSequence: seq, Deadline: msgDeadline}, nil
}

// chargeForcedInclusionFee moves the fee from the sender, through the
// module account, into the reward pool.
func (k Keeper) chargeForcedInclusionFee(ctx context.Context, params types.Params, sender []byte) error {
	fee := params.ForcedInclusionFee
	if !fee.IsPositive() {
		return nil
	}
	if err := k.bankKeeper.SendCoinsFromAccountToModule(ctx, sender, types.ModuleName, sdk.NewCoins(fee)); err != nil {
		return types.ErrForcedInclusionFee.Wrapf("%s: %s", fee, err)
	}
	return k.hooks.AfterRewardFundsCollected(ctx, sdk.NewCoins(fee), types.RewardSourceForcedInclusionFee)
}
