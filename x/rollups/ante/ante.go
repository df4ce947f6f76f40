// Package ante holds x/rollups' transaction-admission and block-level
// checks: the CheckTx decorator that keeps invalid batch proofs out of the
// mempool, and the ProcessProposal / PreBlock hooks that verify the batch
// proofs of a block with one multi-pairing to warm the verification cache.
package ante

import (
	abci "github.com/cometbft/cometbft/abci/types"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// MaxBatchBytesPerTxFactor bounds, as a mempool policy, the batch data and
// outbox bytes of all batches of one transaction (a lone batch or a
// bundle) to this many times the max_batch_data_bytes param. CheckTx work
// is metered but unpaid when it fails, so this bounds the DA hashing one
// refused transaction can cost a node (about 170 us per KiB): 256 KiB at
// the default cap, instead of a full 1 MiB transaction of batches.
const MaxBatchBytesPerTxFactor = 2

// LandingContext is a CheckTx context moved to the height the transaction
// can first land in. The check state carries the header of the last
// committed block (H-1), but a transaction admitted now is executed at H at
// the earliest, and ReCheckTx after each commit moves it on again: so a
// batch is checked under the rules (verifying key, permissionless window)
// of the block it would land in, and one that a key change makes invalid
// leaves the mempool on the recheck before that block.
func LandingContext(ctx sdk.Context) sdk.Context {
	next := ctx.BlockHeight() + 1
	info := ctx.HeaderInfo()
	info.Height = next
	return ctx.WithBlockHeight(next).WithHeaderInfo(info)
}

// BatchProofDecorator fully checks every MsgSubmitBatch of a transaction in
// CheckTx and ReCheckTx (the SDK runs no message handlers there), so a batch
// with an invalid proof, a stale index or a non-operator submitter never
// enters the mempool, and one made stale by a block is evicted on recheck.
// Every batch of the transaction passes the cheap checks before any is
// hashed or verified, and verification gas is charged before verifying. In
// FinalizeBlock and simulation it does nothing: the message handler runs
// the same checks.
type BatchProofDecorator struct {
	keeper *keeper.Keeper
}

// NewBatchProofDecorator returns the decorator.
func NewBatchProofDecorator(k *keeper.Keeper) BatchProofDecorator {
	return BatchProofDecorator{keeper: k}
}

// AnteHandle implements sdk.AnteDecorator.
func (d BatchProofDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if !ctx.IsCheckTx() || simulate {
		return next(ctx, tx, simulate)
	}
	var batches []*types.MsgSubmitBatch
	for _, msg := range tx.GetMsgs() {
		if batch, ok := msg.(*types.MsgSubmitBatch); ok {
			batches = append(batches, batch)
		}
	}
	if len(batches) == 0 {
		return next(ctx, tx, simulate)
	}
	landing := LandingContext(ctx)
	if err := PrecheckBatches(landing, d.keeper, TxBatches(tx)); err != nil {
		return ctx, err
	}
	for _, batch := range batches {
		if err := d.keeper.CheckBatch(landing, batch); err != nil {
			return ctx, err
		}
	}
	return next(ctx, tx, simulate)
}

// PrecheckBatches runs the cheap checks of every batch of a transaction,
// and bounds their total bytes (MaxBatchBytesPerTxFactor), before any of
// them is hashed or verified.
func PrecheckBatches(ctx sdk.Context, k *keeper.Keeper, batches []*types.MsgSubmitBatch) error {
	if len(batches) == 0 {
		return nil
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	limit := MaxBatchBytesPerTxFactor * params.MaxBatchDataBytes
	var total uint64
	for _, b := range batches {
		if b == nil {
			continue
		}
		total += uint64(len(b.Data) + len(b.Outbox))
	}
	if total > limit {
		return types.ErrBatchDataTooLarge.Wrapf("the transaction's batches carry %d bytes; the mempool admits at most %d per transaction", total, limit)
	}
	for i, b := range batches {
		if b == nil {
			continue
		}
		if err := k.PrecheckBatch(ctx, b); err != nil {
			return errorsmod.Wrapf(err, "batch %d of the transaction", i)
		}
	}
	return nil
}

// BatchBundle is a message that carries several batches applied in order
// (x/crossrollup's MsgSubmitBundle). x/rollups knows it only by this
// method, so the dependency stays one way.
type BatchBundle interface {
	GetBatches() []*types.MsgSubmitBatch
}

// TxBatches returns the batches of a transaction, in order, including the
// batches inside bundles.
func TxBatches(tx sdk.Tx) []*types.MsgSubmitBatch {
	var out []*types.MsgSubmitBatch
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
	return out
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
		out = append(out, TxBatches(tx)...)
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
		batches := TxBatches(tx)
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
