package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rewards/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Hooks returns the x/rollups hooks of the reward pool.
func (k Keeper) Hooks() rollupstypes.RollupsHooks { return hooks{k} }

type hooks struct{ k Keeper }

var _ rollupstypes.RollupsHooks = hooks{}

// AfterBatchVerified charges the batch fee to the submitter and records
// the batch's work for (current epoch, rollup, submitter). A submitter that
// cannot pay fails the batch.
func (h hooks) AfterBatchVerified(ctx context.Context, batch rollupstypes.VerifiedBatch) error {
	return h.k.recordBatch(ctx, batch)
}

// AfterRollupFrozen takes the rollup's work out of the current epoch: its
// operators earn nothing for it. Its work records stay and are skipped at
// payout, as are those of an epoch still being paid.
func (h hooks) AfterRollupFrozen(ctx context.Context, rollupID string) error {
	return h.k.forfeitRollupWork(ctx, rollupID)
}

// BeforeRollupDeregistered never vetoes: deregistration is the bridge's
// concern (x/crossrollup).
func (hooks) BeforeRollupDeregistered(context.Context, string) error { return nil }

// AfterRewardFundsCollected moves what x/rollups collected for the pool (a
// registration or forced-inclusion fee, a slashed bond) from its module
// account into the pool, recorded under source.
func (h hooks) AfterRewardFundsCollected(ctx context.Context, amt sdk.Coins, source string) error {
	return h.k.FundPoolFromModule(ctx, rollupstypes.ModuleName, amt, source)
}

// recordBatch touches as few keys as the formula allows (issue 17): the
// params, the approval, the epoch state and one work record per (epoch,
// rollup, submitter). The epoch's batch fees are counted in the epoch
// state's fees_paid and reach inflows[batch_fee] when the epoch closes (or
// a rollup's work is forfeited), not per batch; a rollup's totals are
// summed from its work records only if it is frozen (forfeitRollupWork).
func (k Keeper) recordBatch(ctx context.Context, batch rollupstypes.VerifiedBatch) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	submitter, err := k.addressCodec.StringToBytes(batch.Submitter)
	if err != nil {
		return types.ErrInvalidAddress.Wrapf("submitter %q: %s", batch.Submitter, err)
	}
	fee := params.BatchFee(batch.DataBytes)
	if err := k.collect(ctx, FromAccount(submitter), fee, types.SourceBatchFee); err != nil {
		return types.ErrBatchFeeUnpaid.Wrapf("%s owes %s for batch %d of %q: %s", batch.Submitter, fee, batch.Index, batch.RollupID, err)
	}
	approved, err := k.verifiedUnderApprovedKey(ctx, batch.RollupID)
	if err != nil {
		return err
	}

	epoch, err := k.Epoch.Get(ctx)
	if err != nil {
		return err
	}
	txs := types.CreditedTxs(batch.L2TxCount, batch.DataBytes)
	weight := params.WorkWeight(txs, batch.DataBytes)
	approvedWeight := sdkmath.ZeroInt()
	if approved {
		approvedWeight = weight
	}
	key := collections.Join3(epoch.Number, batch.RollupID, batch.Submitter)
	rec, err := k.workRecord(ctx, key)
	if err != nil {
		return err
	}
	rec.L2Txs = saturatingAdd(rec.L2Txs, txs)
	rec.DaBytes = saturatingAdd(rec.DaBytes, batch.DataBytes)
	rec.Batches++
	rec.Weight = rec.Weight.Add(weight)
	rec.ApprovedWeight = rec.ApprovedWeight.Add(approvedWeight)
	rec.FeesPaid = rec.FeesPaid.Add(fee...)
	if err := k.setWorkRecord(ctx, rec); err != nil {
		return err
	}
	epoch.EligibleWork = epoch.EligibleWork.Add(weight)
	epoch.ApprovedWork = orZero(epoch.ApprovedWork).Add(approvedWeight)
	epoch.FeesPaid = epoch.FeesPaid.Add(fee...)
	if err := k.Epoch.Set(ctx, epoch); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventWorkRecorded{
		Epoch: epoch.Number, RollupId: batch.RollupID, Operator: batch.Submitter,
		L2Txs: txs, DaBytes: batch.DataBytes, Weight: weight.String(), Fee: fee.String(), Approved: approved,
	})
}

// workRecord reads the work record under key, an empty one if there is none.
func (k Keeper) workRecord(ctx context.Context, key collections.Triple[uint64, string, string]) (types.WorkRecord, error) {
	rec, err := k.Work.Get(ctx, key)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		rec = types.WorkRecord{Weight: sdkmath.ZeroInt()}
	case err != nil:
		return types.WorkRecord{}, err
	}
	return withWorkKey(key, rec), nil
}

// setWorkRecord stores rec under its (epoch, rollup, operator) key. The
// stored value leaves out what the key already says (the record is
// rewritten by every batch; withWorkKey puts it back on every read).
func (k Keeper) setWorkRecord(ctx context.Context, rec types.WorkRecord) error {
	key := collections.Join3(rec.Epoch, rec.RollupId, rec.Operator)
	rec.Epoch, rec.RollupId, rec.Operator = 0, "", ""
	return k.Work.Set(ctx, key, rec)
}

// withWorkKey fills in a stored work record's epoch, rollup and operator
// from its key.
func withWorkKey(key collections.Triple[uint64, string, string], rec types.WorkRecord) types.WorkRecord {
	rec.Epoch, rec.RollupId, rec.Operator = key.K1(), key.K2(), key.K3()
	rec.Weight = orZero(rec.Weight)
	rec.ApprovedWeight = orZero(rec.ApprovedWeight)
	return rec
}

// verifiedUnderApprovedKey reports whether the rollup's current verifying
// key, the one its batch was just verified with (x/rollups activates a due
// pending key before calling the hook), is approved for it. A rollup
// x/rollups does not know earns from fees only.
func (k Keeper) verifiedUnderApprovedKey(ctx context.Context, rollupID string) (bool, error) {
	r, err := k.rollupsKeeper.GetRollup(ctx, rollupID)
	if errors.Is(err, rollupstypes.ErrUnknownRollup) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if len(r.VkHash) == 0 {
		return false, nil
	}
	return k.ApprovedKeys.Has(ctx, collections.Join(rollupID, r.VkHash))
}

// forfeitRollupWork takes a frozen rollup's work out of the current
// epoch: its weight, approved weight and fees, summed from its work records
// of the epoch (one per submitter, each made by paid batches), leave the
// epoch's totals, and its fees, no longer backing a share, are counted in
// inflows[batch_fee] now rather than at the close. The sums are kept in
// RollupTotals, which also marks the rollup's work as forfeited: a second
// call does nothing.
func (k Keeper) forfeitRollupWork(ctx context.Context, rollupID string) error {
	epoch, err := k.Epoch.Get(ctx)
	if err != nil {
		return err
	}
	key := collections.Join(epoch.Number, rollupID)
	if done, err := k.RollupTotals.Has(ctx, key); err != nil || done {
		return err
	}
	totals := types.RollupWork{Epoch: epoch.Number, RollupId: rollupID, Weight: sdkmath.ZeroInt(), ApprovedWeight: sdkmath.ZeroInt()}
	iter, err := k.Work.Iterate(ctx, collections.NewSuperPrefixedTripleRange[uint64, string, string](epoch.Number, rollupID))
	if err != nil {
		return err
	}
	found := false
	for ; iter.Valid(); iter.Next() {
		rec, err := iter.Value()
		if err != nil {
			iter.Close()
			return err
		}
		found = true
		totals.Weight = totals.Weight.Add(orZero(rec.Weight))
		totals.ApprovedWeight = totals.ApprovedWeight.Add(orZero(rec.ApprovedWeight))
		totals.FeesPaid = totals.FeesPaid.Add(rec.FeesPaid...)
	}
	iter.Close() // never write while iterating
	if !found {
		return nil // no work this epoch
	}
	if err := k.RollupTotals.Set(ctx, key, totals); err != nil {
		return err
	}
	epoch.EligibleWork = sdkmath.MaxInt(epoch.EligibleWork.Sub(totals.Weight), sdkmath.ZeroInt())
	epoch.ApprovedWork = sdkmath.MaxInt(orZero(epoch.ApprovedWork).Sub(totals.ApprovedWeight), sdkmath.ZeroInt())
	// The frozen rollup's fees stay in the pool; they no longer back a share.
	forfeited := totals.FeesPaid.Min(epoch.FeesPaid)
	epoch.FeesPaid = epoch.FeesPaid.Sub(forfeited...)
	if err := addAll(ctx, k.Inflows, types.SourceBatchFee, forfeited); err != nil {
		return err
	}
	if err := k.Epoch.Set(ctx, epoch); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRollupWorkForfeited{
		Epoch: epoch.Number, RollupId: rollupID, Weight: totals.Weight.String(),
	})
}

// orZero reads an Int that older state may have left unset as zero.
func orZero(i sdkmath.Int) sdkmath.Int {
	if i.IsNil() {
		return sdkmath.ZeroInt()
	}
	return i
}

func saturatingAdd(a, b uint64) uint64 {
	if s := a + b; s >= a {
		return s
	}
	return ^uint64(0)
}

func minInt(a, b sdkmath.Int) sdkmath.Int {
	if a.LT(b) {
		return a
	}
	return b
}
