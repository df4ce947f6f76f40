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
	if err := k.checkBundleSize(ctx, msg); err != nil {
		return nil, err
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

// checkBundleSize bounds the bundle by the max_bundle_batches param.
func (k Keeper) checkBundleSize(ctx context.Context, msg *types.MsgSubmitBundle) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if len(msg.Batches) > int(params.MaxBundleBatches) {
		return types.ErrInvalidBundle.Wrapf("%d batches, max_bundle_batches %d", len(msg.Batches), params.MaxBundleBatches)
	}
	return nil
}

// PrecheckBundle runs the checks of a bundle that are the bundle's own,
// not its batches': the message and the max_bundle_batches param. The
// CheckTx admission test of a bundle is this, then its batches applied in
// order by x/rollups' BatchProofDecorator, which is what submitBundle does
// with them.
func (k Keeper) PrecheckBundle(ctx sdk.Context, msg *types.MsgSubmitBundle) error {
	if err := msg.Validate(k.addressCodec); err != nil {
		return err
	}
	return k.checkBundleSize(ctx, msg)
}
