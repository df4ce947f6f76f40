package abci

import (
	abci "github.com/cometbft/cometbft/abci/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rollups/ante"
	"github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/types"
)

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
		out = append(out, ante.TxBatches(tx)...)
	}
	return out
}

// PaidBatchMsgs is BatchMsgs restricted to transactions that pass the ante
// handler (fee, signature, sequence) with gas left to pay for their
// batches, run in block order on a throwaway branch of ctx so a signer's
// sequence and balance advance from one of its transactions to the next. A
// transaction that fails ante fails in FinalizeBlock without paying, and
// one whose gas limit, after its ante, does not cover its batches' charge
// (keeper.BatchGas: verify_proof_gas plus the data bytes) runs out of gas
// in FinalizeBlock before any of them is hashed: the block-level pass must
// not verify their batches for free. Transactions without batches are not
// checked (they cost nothing here); a batch transaction that follows one of
// them from the same signer then looks out of sequence and is only left to
// FinalizeBlock, which verifies it alone at its own expense.
//
// The result only decides what is pre-verified into a node-local cache;
// it never decides whether a block is accepted.
func PaidBatchMsgs(ctx sdk.Context, k *keeper.Keeper, decode sdk.TxDecoder, anteHandler sdk.AnteHandler, txs [][]byte) []*types.MsgSubmitBatch {
	if anteHandler == nil {
		return BatchMsgs(decode, txs)
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil
	}
	branch, _ := ctx.CacheContext() // never written back
	var out []*types.MsgSubmitBatch
	for _, bz := range txs {
		tx, err := decode(bz)
		if err != nil {
			continue
		}
		batches := ante.TxBatches(tx)
		if len(batches) == 0 {
			continue
		}
		var need uint64
		for _, b := range batches {
			need = saturatingAdd(need, keeper.BatchGas(params, b))
		}
		if left, ok := passesAnte(branch, anteHandler, tx, bz); ok && left >= need {
			out = append(out, batches...)
		}
	}
	return out
}

func saturatingAdd(a, b uint64) uint64 {
	if a > ^uint64(0)-b {
		return ^uint64(0)
	}
	return a + b
}

// passesAnte runs the ante handler for one transaction on its own branch of
// ctx and keeps its writes (sequence, fee) only if it passes. It returns the
// gas the transaction has left for its messages.
func passesAnte(ctx sdk.Context, anteHandler sdk.AnteHandler, tx sdk.Tx, bz []byte) (left uint64, ok bool) {
	txCtx, write := ctx.CacheContext()
	defer func() {
		if r := recover(); r != nil {
			left, ok = 0, false // out of gas and other ante panics: the tx fails
		}
	}()
	newCtx, err := anteHandler(txCtx.WithTxBytes(bz), tx, false)
	if err != nil {
		return 0, false
	}
	write()
	return newCtx.GasMeter().GasRemaining(), true
}

// BlockGasWithinLimit reports whether the gas limits the block's
// transactions declare add up to at most the block gas limit. It depends
// only on the transactions' bytes and the consensus params, and the SDK's
// PrepareProposal (and CometBFT's mempool reaping before it) selects
// transactions by the same sum, so an honest proposer never builds a block
// that fails it.
func BlockGasWithinLimit(ctx sdk.Context, decode sdk.TxDecoder, txs [][]byte) (uint64, bool) {
	b := ctx.ConsensusParams().Block
	if b == nil || b.MaxGas <= 0 {
		return 0, true
	}
	limit := uint64(b.MaxGas)
	var total uint64
	for _, bz := range txs {
		tx, err := decode(bz)
		if err != nil {
			continue // fails in FinalizeBlock; runs nothing
		}
		gasTx, ok := tx.(interface{ GetGas() uint64 })
		if !ok {
			continue
		}
		gas := gasTx.GetGas()
		if gas > limit-total {
			return total + min(gas, limit+1-total), false
		}
		total += gas
	}
	return total, true
}

// ProcessProposalHandler verifies the proposal's batch proofs with one
// multi-pairing to warm the verification cache, then defers to next.
//
// It never rejects a proposal for what one transaction contains: a batch
// whose proof fails (for example one proven under a key that a key change
// retires at this height) fails its own transaction in FinalizeBlock.
// Rejecting the block instead would halt the chain whenever PrepareProposal,
// which does not verify proofs, and ProcessProposal disagree about a
// transaction (security review 2026-12, C1). The one block-level rule is
// the block gas limit over the transactions' declared gas, which is what
// bounds FinalizeBlock (the SDK's block gas meter is off by default).
//
// Only batches of transactions that pass ante, at most a block gas limit's
// worth, are pre-verified (review M1): a proposer cannot pack batch work
// that nobody pays for.
func ProcessProposalHandler(k *keeper.Keeper, decode sdk.TxDecoder, anteHandler sdk.AnteHandler, next sdk.ProcessProposalHandler) sdk.ProcessProposalHandler {
	return func(ctx sdk.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
		if gas, ok := BlockGasWithinLimit(ctx, decode, req.Txs); !ok {
			ctx.Logger().Info("rejecting proposal over the block gas limit",
				"height", req.Height, "declared_gas", gas, "max_gas", ctx.ConsensusParams().Block.MaxGas)
			return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}, nil
		}
		if bad, err := k.VerifyBlockBatches(ctx, PaidBatchMsgs(ctx, k, decode, anteHandler, req.Txs)); err != nil {
			ctx.Logger().Debug("block-level batch verification found a bad proof; its tx will fail",
				"height", req.Height, "batch", bad, "err", err)
		}
		return next(ctx, req)
	}
}

// PreBlockBatchVerify verifies the block's batch proofs with one
// multi-pairing before its transactions run, under the same bounds as
// ProcessProposal. Nodes that took part in ProcessProposal find them
// cached; nodes catching up by block sync get the batched verification
// here. It never fails the block: a bad proof is rejected by its own
// transaction.
func PreBlockBatchVerify(ctx sdk.Context, k *keeper.Keeper, decode sdk.TxDecoder, anteHandler sdk.AnteHandler, req *abci.RequestFinalizeBlock) {
	if _, err := k.VerifyBlockBatches(ctx, PaidBatchMsgs(ctx, k, decode, anteHandler, req.Txs)); err != nil {
		ctx.Logger().Debug("block-level batch verification found a bad proof; its tx will fail", "err", err)
	}
}
