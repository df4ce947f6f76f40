// Package ante holds x/crossrollup's transaction-admission check for
// bundles.
package ante

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/crossrollup/keeper"
	"github.com/nativechain/nativechain/x/crossrollup/types"
)

// BundleDecorator checks every MsgSubmitBundle of a transaction in CheckTx
// and ReCheckTx by applying it to a throwaway branch of the check state:
// the batches of a bundle depend on each other (a later batch consumes what
// an earlier one routed to it), so they cannot be checked one by one the way
// x/rollups' BatchProofDecorator checks a lone batch. Verification gas is
// charged as the handler charges it. In FinalizeBlock and simulation it does
// nothing: the message handler runs the same code for real.
type BundleDecorator struct {
	keeper keeper.Keeper
}

// NewBundleDecorator returns the decorator.
func NewBundleDecorator(k keeper.Keeper) BundleDecorator {
	return BundleDecorator{keeper: k}
}

// AnteHandle implements sdk.AnteDecorator.
func (d BundleDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if !ctx.IsCheckTx() || simulate {
		return next(ctx, tx, simulate)
	}
	for _, msg := range tx.GetMsgs() {
		bundle, ok := msg.(*types.MsgSubmitBundle)
		if !ok {
			continue
		}
		if err := d.keeper.CheckBundle(ctx, bundle); err != nil {
			return ctx, err
		}
	}
	return next(ctx, tx, simulate)
}
