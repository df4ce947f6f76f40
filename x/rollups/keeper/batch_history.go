package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// The batch history keeps, per batch, only what the chain and its clients
// must be able to look up later (issue 17): the root the batch left, the DA
// hash of its data, how far it consumed the inbox, and the height that
// carried it (so the data can be found in the block). Everything else of a
// batch record is derived (the previous root and inbox position are the
// previous batch's; the accumulators are the inbox's, which is never
// pruned) or recoverable from block data: the full record is emitted as a
// typed event (nativechain.rollups.v1.Batch) when the batch lands, and the
// batch's own message carries its data, outbox and submitter. A stored
// record is a Batch with only those four fields set: about 94 bytes of key
// and value for a rollup id of 8 characters.

// compactBatch returns the part of b the store keeps.
func compactBatch(b types.Batch) types.Batch {
	return types.Batch{
		NewStateRoot: b.NewStateRoot,
		DaHash:       b.DaHash,
		InboxTo:      b.InboxTo,
		Height:       b.Height,
	}
}

// maxPrunedPerBatch bounds the history records one batch removes: one per
// batch keeps the history at batch_history_keep, the second drains the
// backlog a lowered batch_history_keep leaves.
const maxPrunedPerBatch = 2

// recordBatch stores the compact record of a verified batch, emits its full
// record as a typed event, and prunes history past keep (0: keep all).
func (k Keeper) recordBatch(ctx context.Context, b types.Batch, keep uint64) error {
	if err := k.Batches.Set(ctx, collections.Join(b.RollupId, b.Index), compactBatch(b)); err != nil {
		return err
	}
	if err := k.pruneBatches(ctx, b.RollupId, b.Index, keep); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&b)
}

// pruneBatches removes at most maxPrunedPerBatch of the rollup's oldest
// records whose index is at most latest - keep. Replay stays impossible
// without them: the rollup record holds the next index and the current
// root, and a batch must carry that index and start from that root.
func (k Keeper) pruneBatches(ctx context.Context, id string, latest, keep uint64) error {
	if keep == 0 || latest <= keep {
		return nil
	}
	cutoff := latest - keep
	rng := collections.NewPrefixedPairRange[string, uint64](id).EndInclusive(cutoff)
	it, err := k.Batches.Iterate(ctx, rng)
	if err != nil {
		return err
	}
	var old []collections.Pair[string, uint64]
	for ; it.Valid() && len(old) < maxPrunedPerBatch; it.Next() {
		key, err := it.Key()
		if err != nil {
			it.Close()
			return err
		}
		old = append(old, key)
	}
	if err := it.Close(); err != nil {
		return err
	}
	for _, key := range old {
		if err := k.Batches.Remove(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

// GetBatch returns batch index of a rollup as far as the chain remembers
// it: the stored fields, the rollup id and index, and what the previous
// batch (or the rollup's genesis) and the inbox give back — the previous
// root, the inbox range and both accumulators. The operator-reported and
// outbox fields (data_bytes, outbox_hash, outbox_entries, l2_tx_count,
// submitter, vk_hash) are not kept: they are in the batch's event and its
// transaction. When the previous batch was pruned, the previous root and
// inbox start stay empty.
func (k Keeper) GetBatch(ctx context.Context, id string, index uint64) (types.Batch, error) {
	r, err := k.GetRollup(ctx, id)
	if errors.Is(err, types.ErrUnknownRollup) {
		return types.Batch{}, types.ErrUnknownBatch.Wrapf("rollup %q batch %d: %s", id, index, err)
	}
	if err != nil {
		return types.Batch{}, err
	}
	b, err := k.Batches.Get(ctx, collections.Join(id, index))
	if errors.Is(err, collections.ErrNotFound) {
		if index >= 1 && index < r.NextBatchIndex {
			return types.Batch{}, types.ErrBatchPruned.Wrapf("rollup %q batch %d is past batch_history_keep; its full record is in its event and block", id, index)
		}
		return types.Batch{}, types.ErrUnknownBatch.Wrapf("rollup %q batch %d", id, index)
	}
	if err != nil {
		return types.Batch{}, err
	}
	b.RollupId, b.Index = id, index
	if index == 1 {
		b.PrevStateRoot, b.InboxFrom = r.GenesisStateRoot, 0
		b.InboxAccumulatorBefore = protocol.FieldElementBytes(protocol.InboxAccumulatorGenesis())
	} else if prev, err := k.Batches.Get(ctx, collections.Join(id, index-1)); err == nil {
		b.PrevStateRoot, b.InboxFrom = prev.NewStateRoot, prev.InboxTo
		if b.InboxAccumulatorBefore, err = k.accumulatorAfter(ctx, id, prev.InboxTo); err != nil {
			return types.Batch{}, err
		}
	} else if !errors.Is(err, collections.ErrNotFound) {
		return types.Batch{}, err
	}
	if b.InboxAccumulatorAfter, err = k.accumulatorAfter(ctx, id, b.InboxTo); err != nil {
		return types.Batch{}, err
	}
	return b, nil
}
