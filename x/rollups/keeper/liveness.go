package keeper

import (
	"context"
	"slices"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// Liveness: no operator can hold a rollup's users hostage.
//
//   - Any inbox message (a deposit, a routed message, a forced L2
//     transaction) must be consumed by a batch within inbox_deadline_blocks
//     of its arrival. Otherwise EndBlock freezes the rollup: no more batches
//     or deposits, and its operators' bond goes to the reward pool.
//   - A rollup whose operators post nothing for permissionless_after_blocks
//     accepts its next valid batch from anyone: the validity proof makes
//     that safe, and x/rewards pays the submitter as its operator.
//
// Deadlines index (deadline height, rollup id) for every active rollup with
// an unconsumed message, so EndBlock reads only the overdue ones, oldest
// first, at most max_freezes_per_block per block.

// noteAppended records the deadline of a message just appended at height h
// to r, if it is now the oldest unconsumed one. The caller saves r.
func (k Keeper) noteAppended(ctx context.Context, params types.Params, r *types.Rollup, h int64) error {
	if r.InboxDeadline != 0 || r.Status != types.ROLLUP_STATUS_ACTIVE {
		return nil // an older message already sets the deadline
	}
	return k.moveDeadline(ctx, r, h+int64(params.InboxDeadlineBlocks))
}

// noteConsumed recomputes r's deadline after a batch consumed messages: the
// arrival of the oldest message still unconsumed, plus the deadline length.
// The caller saves r.
func (k Keeper) noteConsumed(ctx context.Context, params types.Params, r *types.Rollup) error {
	want := int64(0)
	if r.InboxConsumed < r.InboxSize {
		oldest, err := k.Inbox.Get(ctx, collections.Join(r.Id, r.InboxConsumed))
		if err != nil {
			return err
		}
		want = oldest.Height + int64(params.InboxDeadlineBlocks)
	}
	return k.moveDeadline(ctx, r, want)
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
	if slices.Contains(r.Operators, submitter) {
		return true
	}
	last := max(r.LastBatchHeight, r.RegisteredHeight)
	return ctx.BlockHeight() >= last+int64(params.PermissionlessAfterBlocks)
}

// EndBlock freezes the rollups whose oldest unconsumed inbox message is
// overdue, oldest deadline first, at most max_freezes_per_block of them;
// the rest wait for the next block. A failure of one rollup's slashing or
// hooks is logged and leaves that part undone; it never halts the chain.
func (k Keeper) EndBlock(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	h := sdkCtx.BlockHeight()
	iter, err := k.Deadlines.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	var due []collections.Pair[int64, string]
	for ; iter.Valid() && len(due) < int(params.MaxFreezesPerBlock); iter.Next() {
		key, err := iter.Key()
		if err != nil {
			iter.Close()
			return err
		}
		if key.K1() >= h {
			break // ordered by deadline: the rest are not due
		}
		due = append(due, key)
	}
	iter.Close() // no writes while iterating
	for _, key := range due {
		if err := k.freeze(sdkCtx, key.K2(), key.K1()); err != nil {
			return err
		}
	}
	return nil
}

// freeze freezes an overdue rollup. Only store errors are returned.
func (k Keeper) freeze(ctx sdk.Context, id string, deadline int64) error {
	r, err := k.GetRollup(ctx, id)
	if err != nil {
		return err
	}
	if err := k.moveDeadline(ctx, &r, 0); err != nil {
		return err
	}
	if r.Status != types.ROLLUP_STATUS_ACTIVE {
		return k.Rollups.Set(ctx, id, r) // stale index entry: drop it
	}
	r.Status = types.ROLLUP_STATUS_FROZEN
	r.FrozenHeight = ctx.BlockHeight()

	slashed := sdk.NewCoin(r.Bond.Denom, sdkmath.ZeroInt())
	if r.Bond.IsPositive() && k.rewardPool != nil {
		branch, write := ctx.CacheContext()
		err := k.rewardPool.FundPoolFromModule(branch, types.ModuleName, sdk.NewCoins(r.Bond), types.RewardSourceSlashedBond)
		if err == nil {
			write()
			slashed = r.Bond
			r.Bond = sdk.NewCoin(r.Bond.Denom, sdkmath.ZeroInt())
		} else {
			ctx.Logger().Error("rollups: slashing a frozen rollup's bond failed; the bond stays escrowed", "rollup", id, "err", err)
		}
	}
	if err := k.Rollups.Set(ctx, id, r); err != nil {
		return err
	}
	if k.hooks != nil {
		branch, write := ctx.CacheContext()
		if err := k.hooks.AfterRollupFrozen(branch, id); err != nil {
			ctx.Logger().Error("rollups: a frozen-rollup hook failed; its effects are dropped", "rollup", id, "err", err)
		} else {
			write()
		}
	}
	return ctx.EventManager().EmitTypedEvent(&types.EventRollupFrozen{
		RollupId: id, OverdueSequence: r.InboxConsumed, Deadline: deadline, SlashedBond: slashed.String(),
	})
}

// forceInclude appends a user's L2 transaction to the inbox (kind 4).
func (k Keeper) forceInclude(ctx context.Context, msg *types.MsgForceInclude) (*types.MsgForceIncludeResponse, error) {
	sender, err := k.addressCodec.StringToBytes(msg.Sender)
	if err != nil {
		return nil, types.ErrInvalidInboxEntry.Wrap(err.Error())
	}
	seq, err := k.AppendInbox(ctx, msg.RollupId, types.InboxEntry{
		Kind: types.InboxKindForcedTx, Sender: sender, Payload: msg.L2Tx,
	})
	if err != nil {
		return nil, err
	}
	// The deadline that binds this message is the oldest unconsumed one's,
	// which is never later than its own.
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	msgDeadline := sdk.UnwrapSDKContext(ctx).BlockHeight() + int64(params.InboxDeadlineBlocks)
	if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventForcedInclusion{
		RollupId: msg.RollupId, Sender: msg.Sender, InboxSequence: seq, Deadline: msgDeadline,
	}); err != nil {
		return nil, err
	}
	return &types.MsgForceIncludeResponse{InboxSequence: seq, Deadline: msgDeadline}, nil
}
