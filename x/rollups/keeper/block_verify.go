package keeper

import (
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// VerifyBlockBatches verifies the proofs of every batch in a block with one
// multi-pairing, in block order. Each batch's statement is built against the
// state the batches before it in the block leave behind, so consecutive
// batches of one rollup in one block are handled. A batch whose checks fail
// before verification (wrong index, unknown rollup, not an operator, inbox
// entries that only earlier transactions of the block will append) is
// skipped here: FinalizeBlock rejects it, or verifies it alone.
//
// It returns the position in msgs of a batch whose proof does not verify,
// or -1. Verified statements are cached so FinalizeBlock does not verify
// them again. It writes no state.
func (k Keeper) VerifyBlockBatches(ctx sdk.Context, msgs []*types.MsgSubmitBatch) (int, error) {
	if len(msgs) == 0 {
		return -1, nil
	}
	// Planning charges gas; the block-level pass is not a transaction.
	ctx = ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	params, err := k.Params.Get(ctx)
	if err != nil {
		return -1, err
	}

	simulated := make(map[string]types.Rollup) // lookups only, never iterated
	items := make([]verifier.Item, 0, len(msgs))
	positions := make([]int, 0, len(msgs))
	plans := make([]*batchPlan, 0, len(msgs))
	for i, msg := range msgs {
		if msg.Validate(k.addressCodec) != nil {
			continue
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
		r.StateRoot = types.StateRootBytes(plan.newRoot)
		r.NextBatchIndex++
		r.InboxConsumed += msg.InboxConsumed
		r.ConsumedAccumulator = plan.accAfter
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
	return -1, nil
}
