package ante

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/crossrollup/keeper"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupsante "github.com/nativechain/nativechain/x/rollups/ante"
	rollupskeeper "github.com/nativechain/nativechain/x/rollups/keeper"
)

// BundleDecorator checks every MsgSubmitBundle of a transaction in CheckTx
// and ReCheckTx by applying it to a throwaway branch of the check state:
// the batches of a bundle depend on each other (a later batch consumes what
// an earlier one routed to it), so they cannot be checked one by one the way
// x/rollups' BatchProofDecorator checks a lone batch. Before anything is
// applied, every batch of the transaction passes x/rollups' cheap checks
// and the per-transaction byte bound, so a malformed last batch costs no
// DA hashing or pairing of the batches before it. The bundle is applied at
// the height it can land in (rollupsante.LandingContext). Verification gas
// is charged as the handler charges it. In FinalizeBlock and simulation it
// does nothing: the message handler runs the same code for real.
type BundleDecorator struct {
	keeper  keeper.Keeper
	rollups *rollupskeeper.Keeper
}

// NewBundleDecorator returns the decorator.
func NewBundleDecorator(k keeper.Keeper, rollups *rollupskeeper.Keeper) BundleDecorator {
	return BundleDecorator{keeper: k, rollups: rollups}
}

// AnteHandle implements sdk.AnteDecorator.
func (d BundleDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if !ctx.IsCheckTx() || simulate {
		return next(ctx, tx, simulate)
	}
	var bundles []*types.MsgSubmitBundle
	for _, msg := range tx.GetMsgs() {
		if bundle, ok := msg.(*types.MsgSubmitBundle); ok {
			bundles = append(bundles, bundle)
		}
	}
	if len(bundles) == 0 {
		return next(ctx, tx, simulate)
	}
	landing := rollupsante.LandingContext(ctx)
	if err := rollupsante.PrecheckBatches(landing, d.rollups, rollupsante.TxBatches(tx)); err != nil {
		return ctx, err
	}
	for _, bundle := range bundles {
		if err := d.keeper.CheckBundle(landing, bundle); err != nil {
			return ctx, err
		}
	}
	return next(ctx, tx, simulate)
}
