package keeper

import (
	"context"

	"cosmossdk.io/collections"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// Forced transactions (inbox kind 4) are never refused at a cap: a cap is
// something a censoring operator can keep full itself (review 2026-12, H3).
// A rollup's circuit consumes only a few forced entries per batch, so their
// deadlines are spaced by the forced capacity instead (liveness.go,
// queueDeadline), and each one costs the forced-inclusion fee.
//
// Rollup.PendingForced counts the unconsumed ones, and PendingForced indexes
// them by (rollup id, sequence), so a batch finds the forced entries of its
// consumed range without reading the deposits and messages around them.

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
