package keeper

import (
	"context"

	"cosmossdk.io/collections"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// Forced transactions (inbox kind 4) are a priority queue with a bound.
// Anyone may force-include, but a rollup's circuit consumes only a few
// forced entries per batch, so an unbounded queue would let one account
// outrun honest operators and get the rollup frozen by the inbox deadline.
// A rollup therefore holds at most max_pending_forced unconsumed forced
// entries; further force-includes are refused until batches consume some.
//
// Rollup.PendingForced counts them, and PendingForced indexes them by
// (rollup id, sequence), so a batch finds the forced entries of its
// consumed range without reading the deposits and messages around them.

// checkForcedRoom refuses a forced entry when r already holds
// max_pending_forced unconsumed ones. It writes nothing.
func checkForcedRoom(params types.Params, r types.Rollup) error {
	if r.PendingForced >= params.MaxPendingForced {
		return types.ErrForcedInboxFull.Wrapf("rollup %q holds %d unconsumed forced transactions (max %d); retry after its next batch",
			r.Id, r.PendingForced, params.MaxPendingForced)
	}
	return nil
}

// noteForcedAppended indexes the forced entry at seq and counts it. The
// caller saves r.
func (k Keeper) noteForcedAppended(ctx context.Context, r *types.Rollup, seq uint64) error {
	if err := k.PendingForced.Set(ctx, collections.Join(r.Id, seq), true); err != nil {
		return err
	}
	r.PendingForced++
	return nil
}

// noteForcedConsumed drops the index entries of the forced entries below
// r.InboxConsumed, which a batch just advanced, and uncounts them. The
// index holds only unconsumed entries, so the range read is bounded by
// r.PendingForced. The caller saves r.
func (k Keeper) noteForcedConsumed(ctx context.Context, r *types.Rollup) error {
	if r.PendingForced == 0 {
		return nil
	}
	rng := collections.NewPrefixedPairRange[string, uint64](r.Id).EndExclusive(r.InboxConsumed)
	iter, err := k.PendingForced.Iterate(ctx, rng)
	if err != nil {
		return err
	}
	var consumed []collections.Pair[string, uint64]
	for ; iter.Valid(); iter.Next() {
		key, err := iter.Key()
		if err != nil {
			iter.Close()
			return err
		}
		consumed = append(consumed, key)
	}
	iter.Close() // no writes while iterating
	for _, key := range consumed {
		if err := k.PendingForced.Remove(ctx, key); err != nil {
			return err
		}
	}
	// The count and the index move together (and genesis checks them), so
	// n never exceeds the count; saturate anyway rather than fail a valid
	// batch over bookkeeping.
	r.PendingForced -= min(uint64(len(consumed)), r.PendingForced)
	return nil
}
