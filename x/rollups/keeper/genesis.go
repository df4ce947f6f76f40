package keeper

import (
	"context"

	"cosmossdk.io/collections"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// InitGenesis writes the genesis state into the store.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, r := range gs.Rollups {
		// Genesis carries the key bytes (Validate checked each against its
		// hash); the store keeps them once by hash.
		if err := k.putVerifyingKey(ctx, r.VkHash, r.VerifyingKey); err != nil {
			return err
		}
		if p := r.PendingVerifyingKey; p != nil {
			if err := k.putVerifyingKey(ctx, p.VkHash, p.VerifyingKey); err != nil {
				return err
			}
		}
		if err := k.SetRollup(ctx, withoutKeyBytes(r)); err != nil {
			return err
		}
		// The deadline index is derived state: rebuilt from the records.
		if r.InboxDeadline != 0 && r.Status == types.ROLLUP_STATUS_ACTIVE {
			if err := k.Deadlines.Set(ctx, collections.Join(r.InboxDeadline, r.Id), true); err != nil {
				return err
			}
		}
		// So is the wind-down index.
		if r.ClosingHeight != 0 && r.Status == types.ROLLUP_STATUS_ACTIVE {
			if err := k.Closings.Set(ctx, collections.Join(r.ClosingHeight, r.Id), true); err != nil {
				return err
			}
		}
	}
	for _, b := range gs.Batches {
		if err := k.Batches.Set(ctx, collections.Join(b.RollupId, b.Index), compactBatch(b)); err != nil {
			return err
		}
	}
	for _, m := range gs.Inbox {
		if err := k.Inbox.Set(ctx, collections.Join(m.RollupId, m.Message.Sequence), m.Message); err != nil {
			return err
		}
	}
	return k.indexPendingForced(ctx, gs)
}

// indexPendingForced rebuilds the forced-entry index, derived state like the
// deadline index, from the unconsumed forced messages of the genesis inbox.
// Validate checked that they match each rollup's pending_forced.
func (k Keeper) indexPendingForced(ctx context.Context, gs *types.GenesisState) error {
	consumed := make(map[string]uint64, len(gs.Rollups))
	for _, r := range gs.Rollups {
		consumed[r.Id] = r.InboxConsumed
	}
	for _, m := range gs.Inbox {
		if protocol.InboxKind(m.Message.Kind) != protocol.InboxKindForcedTx || m.Message.Sequence < consumed[m.RollupId] {
			continue
		}
		if err := k.PendingForced.Set(ctx, collections.Join(m.RollupId, m.Message.Sequence), true); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis reads the module state back into a genesis state, in key
// order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params}
	err = k.RollupInfos.Walk(ctx, nil, func(id string, cold types.Rollup) (bool, error) {
		hot, err := k.Rollups.Get(ctx, id)
		if err != nil {
			return true, err
		}
		r, err := k.withKeyBytes(ctx, joinRollup(cold, hot))
		if err != nil {
			return true, err
		}
		gs.Rollups = append(gs.Rollups, r)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Batches.Walk(ctx, nil, func(key collections.Pair[string, uint64], b types.Batch) (bool, error) {
		b.RollupId, b.Index = key.K1(), key.K2()
		gs.Batches = append(gs.Batches, b)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Inbox.Walk(ctx, nil, func(key collections.Pair[string, uint64], m types.InboxMessage) (bool, error) {
		gs.Inbox = append(gs.Inbox, types.GenesisInboxMessage{RollupId: key.K1(), Message: m})
		return false, nil
	})
	return gs, err
}
