package keeper

import (
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// Bounds of the block-level pass. It runs before any transaction pays, so
// it must never do more than the block could be charged for.
const (
	// MaxBlockBatches bounds the batches one block-level pass considers,
	// whatever the gas prices: at the default 30M block gas limit and
	// 20,000 verify_proof_gas a block pays for at most 1,500 proofs.
	MaxBlockBatches = 2048
	// FallbackBlockBatchGas is the batch gas budget of a block when the
	// chain sets no block gas limit (max_gas <= 0): the default limit.
	FallbackBlockBatchGas uint64 = 30_000_000
)

// BlockBatchGasBudget is the batch gas the block-level pass may consider in
// one block: the block gas limit, or FallbackBlockBatchGas when there is
// none.
func BlockBatchGasBudget(ctx sdk.Context) uint64 {
	if b := ctx.ConsensusParams().Block; b != nil && b.MaxGas > 0 {
		return uint64(b.MaxGas)
	}
	return FallbackBlockBatchGas
}

// BatchGas is what planBatch (and so a transaction's message handler)
// charges a batch before any hashing or curve arithmetic: a transaction
// whose gas left after ante is below the sum over its batches runs out of
// gas before any of them is hashed.
func BatchGas(params types.Params, msg *types.MsgSubmitBatch) uint64 {
	return batchGas(params, msg)
}

// batchGas is what planBatch charges a batch before any hashing or curve
// arithmetic. Params bound both prices and Validate bounds the sizes, so
// it cannot overflow.
func batchGas(params types.Params, msg *types.MsgSubmitBatch) uint64 {
	return params.VerifyProofGas + params.GasPerDaByte*uint64(len(msg.Data)+len(msg.Outbox)) +
		types.OutboxEntryGas*protocol.OutboxEntryCount(msg.Outbox)
}

// VerifyBlockBatches verifies the proofs of the batches of a block with one
// multi-pairing, in block order, to warm the verified-statement cache so
// FinalizeBlock does not verify them again. Each batch's statement is built
// against the state the batches before it in the block leave behind, so
// consecutive batches of one rollup in one block are handled. A batch whose
// checks fail before verification (wrong index, unknown rollup, not an
// operator, inbox entries that only earlier transactions of the block will
// append) is skipped here: FinalizeBlock rejects it, or verifies it alone.
//
// The pass runs before any transaction has paid, so it is bounded: it
// considers batches, in order, only while their batch gas (what planBatch
// charges: verify_proof_gas plus gas_per_da_byte per data and outbox byte
// plus OutboxEntryGas per outbox entry)
// fits in BlockBatchGasBudget, and at most MaxBlockBatches of them. The
// rest are verified one by one by their own transactions, which pay.
//
// It returns the position in msgs of a batch whose proof does not verify,
// or -1. Such a batch only fails its own transaction: the caller must not
// reject the block for it. It writes no state.
func (k Keeper) VerifyBlockBatches(ctx sdk.Context, msgs []*types.MsgSubmitBatch) (int, error) {
	if len(msgs) == 0 {
		return -1, nil
	}
	budget := BlockBatchGasBudget(ctx)
	// Planning charges gas; the budget above bounds the pass instead.
	ctx = ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	params, err := k.Params.Get(ctx)
	if err != nil {
		return -1, err
	}

	simulated := make(map[string]types.Rollup) // lookups only, never iterated
	items := make([]verifier.Item, 0, min(len(msgs), MaxBlockBatches))
	positions := make([]int, 0, min(len(msgs), MaxBlockBatches))
	plans := make([]*batchPlan, 0, min(len(msgs), MaxBlockBatches))
	var spent uint64
	for i, msg := range msgs {
		if i >= MaxBlockBatches {
			break
		}
		if msg.Validate(k.addressCodec) != nil {
			continue
		}
		if spent += batchGas(params, msg); spent > budget {
			break
		}
		r, ok := simulated[msg.RollupId]
		if !ok {
			if r, err = k.GetRollup(ctx, msg.RollupId); err != nil {
				continue
			}
		}
		plan, err := k.planBatch(ctx, params, r, msg)
		if err != nil {
			continue
		}
		// Advance the simulated rollup as if the batch applies.
		r.StateRoot = protocol.StateRootBytes(plan.newRoot)
		r.NextBatchIndex++
		r.InboxConsumed += msg.InboxConsumed
		r.ConsumedAccumulator = plan.accAfter
		r.LastBatchHeight = ctx.BlockHeight() // as submitBatch: a permissionless submitter's next batch waits again
		simulated[msg.RollupId] = r

		if k.cache.verified(plan.statement) {
			continue
		}
		items = append(items, verifier.Item{VK: plan.vk, Proof: plan.proof, PublicInputs: plan.inputs})
		positions = append(positions, i)
		plans = append(plans, plan)
	}
	if len(items) == 0 {
		return -1, nil
	}
	bad, err := verifier.BatchVerify(items)
	if err != nil {
		if bad >= 0 && bad < len(positions) {
			return positions[bad], err
		}
		return -1, err
	}
	for _, p := range plans {
		k.cache.markVerified(p.statement)
	}
	k.cache.noteBlockPass(len(plans))
	return -1, nil
}
