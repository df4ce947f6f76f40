package ante

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/crossrollup/keeper"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupsante "github.com/nativechain/nativechain/x/rollups/ante"
)

// BundleDecorator runs the bundle-level checks of every MsgSubmitBundle of
// a transaction (the message, max_bundle_batches) in CheckTx and ReCheckTx.
// It runs before x/rollups' BatchProofDecorator, which applies every batch
// of the transaction, bundled or not, in message order on the
// transaction's ante branch of the check state: what the bundle's handler
// does with them (it submits them in order through x/rollups' Msg
// service). So a bundle whose later batch consumes what an earlier one
// routed to it is admitted, a batch built on a bundle still in the mempool
// is too, and a bundle that would fail never enters the mempool. In
// FinalizeBlock and simulation it does nothing: the message handler runs
// the same checks for real.
//
// It also bounds the batches of the whole transaction, lone and bundled,
// to max_bundle_batches (ErrTooManyBatches), before any is hashed or
// verified: CheckTx verifies every batch of a transaction and a refused
// one pays nothing, so without it one transaction of n consecutive batches
// of the sender's own rollup with a bad last one cost every node n-1 free
// verifications, n bounded only by the gas limit (red team 3).
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
		if bundle, ok := msg.(*types.MsgSubmitBundle); ok {
			if err := d.keeper.PrecheckBundle(ctx, bundle); err != nil {
				return ctx, err
			}
		}
	}
	if n := len(rollupsante.TxBatches(tx)); n > 1 {
		params, err := d.keeper.Params.Get(ctx)
		if err != nil {
			return ctx, err
		}
		if n > int(params.MaxBundleBatches) {
			return ctx, types.ErrTooManyBatches.Wrapf("%d batches; the mempool admits at most max_bundle_batches %d per transaction", n, params.MaxBundleBatches)
		}
	}
	return next(ctx, tx, simulate)
}
