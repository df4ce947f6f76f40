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
	if err := k.FundPool(ctx, FromAccount(submitter), fee, types.SourceBatchFee); err != nil {
		return types.ErrBatchFeeUnpaid.Wrapf("%s owes %s for batch %d of %q: %s", batch.Submitter, fee, batch.Index, batch.RollupID, err)
	}

	epoch, err := k.Epoch.Get(ctx)
	if err != nil {
		return err
	}
	txs := types.CreditedTxs(batch.L2TxCount, batch.DataBytes)
	weight := params.WorkWeight(txs, batch.DataBytes)
	key := collections.Join3(epoch.Number, batch.RollupID, batch.Submitter)
	rec, err := k.Work.Get(ctx, key)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		rec = types.WorkRecord{Epoch: epoch.Number, RollupId: batch.RollupID, Operator: batch.Submitter, Weight: sdkmath.ZeroInt()}
	case err != nil:
		return err
	}
	rec.L2Txs = saturatingAdd(rec.L2Txs, txs)
	rec.DaBytes = saturatingAdd(rec.DaBytes, batch.DataBytes)
	rec.Batches++
	rec.Weight = rec.Weight.Add(weight)
	if err := k.Work.Set(ctx, key, rec); err != nil {
		return err
	}
	rollupKey := collections.Join(epoch.Number, batch.RollupID)
	rollupWork, err := getInt(ctx, k.RollupWork, rollupKey)
	if err != nil {
		return err
	}
	if err := k.RollupWork.Set(ctx, rollupKey, rollupWork.Add(weight)); err != nil {
		return err
	}
	epoch.EligibleWork = epoch.EligibleWork.Add(weight)
	if err := k.Epoch.Set(ctx, epoch); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventWorkRecorded{
		Epoch: epoch.Number, RollupId: batch.RollupID, Operator: batch.Submitter,
		L2Txs: txs, DaBytes: batch.DataBytes, Weight: weight.String(), Fee: fee.String(),
	})
}

func (k Keeper) forfeitRollupWork(ctx context.Context, rollupID string) error {
	epoch, err := k.Epoch.Get(ctx)
	if err != nil {
		return err
	}
	key := collections.Join(epoch.Number, rollupID)
	weight, err := k.RollupWork.Get(ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		return nil // no work this epoch, or already forfeited
	}
	if err != nil {
		return err
	}
	if err := k.RollupWork.Remove(ctx, key); err != nil {
		return err
	}
	epoch.EligibleWork = sdkmath.MaxInt(epoch.EligibleWork.Sub(weight), sdkmath.ZeroInt())
	if err := k.Epoch.Set(ctx, epoch); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRollupWorkForfeited{
		Epoch: epoch.Number, RollupId: rollupID, Weight: weight.String(),
	})
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
