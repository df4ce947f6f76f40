package keeper

import (
	"context"
	"fmt"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/crossrollup/types"
)

// submitBundle applies the batches in order through x/rollups' Msg service.
// The first failure fails the message, and the transaction's state is then
// discarded whole: the batches before it are rolled back too.
func (k Keeper) submitBundle(ctx context.Context, msg *types.MsgSubmitBundle) ([]types.BundleItem, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	if len(msg.Batches) > int(params.MaxBundleBatches) {
		return nil, types.ErrInvalidBundle.Wrapf("%d batches, max_bundle_batches %d", len(msg.Batches), params.MaxBundleBatches)
	}
	applied := make([]types.BundleItem, 0, len(msg.Batches))
	names := make([]string, 0, len(msg.Batches))
	for i, b := range msg.Batches {
		if _, err := k.batches.SubmitBatch(ctx, b); err != nil {
			// Keep the batch's own error (its code and type) and say which.
			return nil, errorsmod.Wrapf(err, "bundle batch %d (%s/%d)", i, b.RollupId, b.BatchIndex)
		}
		applied = append(applied, types.BundleItem{RollupId: b.RollupId, BatchIndex: b.BatchIndex})
		names = append(names, fmt.Sprintf("%s/%d", b.RollupId, b.BatchIndex))
	}
	return applied, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventBundleApplied{Batches: names})
}

// CheckBundle runs a bundle on a branch of ctx that is then discarded: the
// CheckTx admission test of a bundle.
func (k Keeper) CheckBundle(ctx sdk.Context, msg *types.MsgSubmitBundle) error {
	if err := msg.Validate(k.addressCodec); err != nil {
		return err
	}
	branch, _ := ctx.CacheContext() // never written back
	_, err := k.submitBundle(branch, msg)
	return err
}
