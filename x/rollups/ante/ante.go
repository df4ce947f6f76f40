// Package ante holds x/rollups' transaction-admission and block-level
// checks: the CheckTx decorator that keeps invalid batch proofs out of the
// mempool, and the ProcessProposal / PreBlock hooks that verify every batch
// proof of a block with one multi-pairing.
package ante

import (
	abci "github.com/cometbft/cometbft/abci/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// BatchProofDecorator fully checks every MsgSubmitBatch of a transaction in
// CheckTx and ReCheckTx (the SDK runs no message handlers there), so a batch
// with an invalid proof, a stale index or a non-operator submitter never
// enters the mempool, and one made stale by a block is evicted on recheck.
// Verification gas is charged before verifying. In FinalizeBlock and
// simulation it does nothing: the message handler runs the same checks.
type BatchProofDecorator struct {
	keeper keeper.Keeper
}

// NewBatchProofDecorator returns the decorator.
func NewBatchProofDecorator(k keeper.Keeper) BatchProofDecorator {
	return BatchProofDecorator{keeper: k}
}

// AnteHandle implements sdk.AnteDecorator.
func (d BatchProofDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if !ctx.IsCheckTx() || simulate {
		return next(ctx, tx, simulate)
	}
	for _, msg := range tx.GetMsgs() {
		batch, ok := msg.(*types.MsgSubmitBatch)
		if !ok {
			continue
		}
		if err := d.keeper.CheckBatch(ctx, batch); err != nil {
			return ctx, err
		}
	}
	return next(ctx, tx, simulate)
}

// BatchBundle is a message that carries several batches applied in order
// (x/crossrollup's MsgSubmitBundle). x/rollups knows it only by this
// method, so the dependency stays one way.
type BatchBundle interface {
	GetBatches() []*types.MsgSubmitBatch
}

// BatchMsgs returns the batches of raw block transactions, in block order,
// including the batches inside bundles. Undecodable transactions are
// skipped: the SDK rejects them on its own.
func BatchMsgs(decode sdk.TxDecoder, txs [][]byte) []*types.MsgSubmitBatch {
	var out []*types.MsgSubmitBatch
	for _, bz := range txs {
		tx, err := decode(bz)
		if err != nil {
			continue
		}
		for _, msg := range tx.GetMsgs() {
			switch m := msg.(type) {
			case *types.MsgSubmitBatch:
				out = append(out, m)
			case BatchBundle:
				for _, b := range m.GetBatches() {
					if b != nil {
						out = append(out, b)
					}
				}
			}
		}
	}
	return out
}

// ProcessProposalHandler rejects a proposal that carries a batch whose proof
// does not verify against the statement the chain builds, then defers to
// next. All batch proofs of the proposal are verified with one
// multi-pairing; the verified statements are cached so FinalizeBlock does
// not verify them again.
func ProcessProposalHandler(k keeper.Keeper, decode sdk.TxDecoder, next sdk.ProcessProposalHandler) sdk.ProcessProposalHandler {
	return func(ctx sdk.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
		bad, err := k.VerifyBlockBatches(ctx, BatchMsgs(decode, req.Txs))
		if err != nil && bad >= 0 {
			ctx.Logger().Info("rejecting proposal with an invalid batch proof",
				"height", req.Height, "batch", bad, "err", err)
			return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}, nil
		}
		if err != nil {
			return nil, err
		}
		return next(ctx, req)
	}
}

// PreBlockBatchVerify verifies every batch proof of a block with one
// multi-pairing before its transactions run. Nodes that took part in
// ProcessProposal find them cached; nodes catching up by block sync get the
// batched verification here. It never fails the block: a bad proof is
// rejected by its own transaction.
func PreBlockBatchVerify(ctx sdk.Context, k keeper.Keeper, decode sdk.TxDecoder, req *abci.RequestFinalizeBlock) {
	if _, err := k.VerifyBlockBatches(ctx, BatchMsgs(decode, req.Txs)); err != nil {
		ctx.Logger().Debug("block-level batch verification found a bad proof; its tx will fail", "err", err)
	}
}
