package keeper

import (
	"bytes"
	"context"
	"errors"

	"cosmossdk.io/collections"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// A rollup record is stored in two parts (issue 17). Every batch and every
// inbox message rewrites a few fields: the state root, the next batch
// index, the inbox counters and accumulators, the last batch height and
// the deadline bookkeeping. Those hot fields are in Rollups, as a Rollup
// with only them set, about 140 bytes. The cold fields (admin, operators,
// key hash, bond, fees, status, exit layout, pending changes: several
// hundred bytes) are in RollupInfos, as a Rollup with the hot fields
// unset; a batch reads them (operators, key, status, caps) but writes them
// only when it changes one (a due key change; an inbox message that
// protects a pending change's deadline). GetRollup joins the two, so
// queries, genesis and every caller see one Rollup as before.

// splitRollup returns the cold and the hot part of r.
func splitRollup(r types.Rollup) (cold, hot types.Rollup) {
	hot = types.Rollup{
		StateRoot:           r.StateRoot,
		NextBatchIndex:      r.NextBatchIndex,
		InboxSize:           r.InboxSize,
		InboxAccumulator:    r.InboxAccumulator,
		InboxConsumed:       r.InboxConsumed,
		ConsumedAccumulator: r.ConsumedAccumulator,
		LastBatchHeight:     r.LastBatchHeight,
		InboxDeadline:       r.InboxDeadline,
		PendingForced:       r.PendingForced,
		LastForcedDeadline:  r.LastForcedDeadline,
	}
	cold = r
	cold.StateRoot, cold.NextBatchIndex, cold.InboxSize, cold.InboxAccumulator = nil, 0, 0, nil
	cold.InboxConsumed, cold.ConsumedAccumulator, cold.LastBatchHeight = 0, nil, 0
	cold.InboxDeadline, cold.PendingForced, cold.LastForcedDeadline = 0, 0, 0
	return cold, hot
}

// joinRollup is the record whose parts are cold and hot.
func joinRollup(cold, hot types.Rollup) types.Rollup {
	r := cold
	r.StateRoot, r.NextBatchIndex, r.InboxSize, r.InboxAccumulator = hot.StateRoot, hot.NextBatchIndex, hot.InboxSize, hot.InboxAccumulator
	r.InboxConsumed, r.ConsumedAccumulator, r.LastBatchHeight = hot.InboxConsumed, hot.ConsumedAccumulator, hot.LastBatchHeight
	r.InboxDeadline, r.PendingForced, r.LastForcedDeadline = hot.InboxDeadline, hot.PendingForced, hot.LastForcedDeadline
	return r
}

// GetRollup returns a rollup (both parts of its record) or
// ErrUnknownRollup.
func (k Keeper) GetRollup(ctx context.Context, id string) (types.Rollup, error) {
	cold, err := k.rollupInfo(ctx, id)
	if err != nil {
		return types.Rollup{}, err
	}
	hot, err := k.Rollups.Get(ctx, id)
	if err != nil {
		return types.Rollup{}, err
	}
	return joinRollup(cold, hot), nil
}

// rollupInfo returns the cold part of a rollup's record only (the hot
// fields unset), for the checks that need no root, index or inbox
// position, or ErrUnknownRollup.
func (k Keeper) rollupInfo(ctx context.Context, id string) (types.Rollup, error) {
	r, err := k.RollupInfos.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return types.Rollup{}, types.ErrUnknownRollup.Wrapf("%q", id)
	}
	return r, err
}

// SetRollup writes both parts of r's record (registration, governance,
// the admin's changes, EndBlock, genesis). r holds keys by hash only.
func (k Keeper) SetRollup(ctx context.Context, r types.Rollup) error {
	cold, hot := splitRollup(r)
	if err := k.RollupInfos.Set(ctx, r.Id, cold); err != nil {
		return err
	}
	return k.Rollups.Set(ctx, r.Id, hot)
}

// coldSnapshot is the encoding of r's cold part, taken when r is read so
// that updateRollup can tell whether it changed. (A copy of r would not
// do: its pending changes are pointers that r's updates write through.)
func coldSnapshot(r types.Rollup) ([]byte, error) {
	cold, _ := splitRollup(r)
	return cold.Marshal()
}

// updateRollup writes r back: the hot part always, the cold part only if
// its encoding (deterministic) differs from was, the coldSnapshot of r as
// it was read.
func (k Keeper) updateRollup(ctx context.Context, was []byte, r types.Rollup) error {
	cold, hot := splitRollup(r)
	now, err := cold.Marshal()
	if err != nil {
		return err
	}
	if !bytes.Equal(was, now) {
		if err := k.RollupInfos.Set(ctx, r.Id, cold); err != nil {
			return err
		}
	}
	return k.Rollups.Set(ctx, r.Id, hot)
}
