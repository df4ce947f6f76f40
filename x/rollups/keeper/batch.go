package keeper

import (
	"context"
	"encoding/hex"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// batchPlan is everything a batch needs after the cheap checks: the
// statement the chain built from its own state and the parsed proof.
type batchPlan struct {
	vk        *verifier.VerifyingKey
	vkHash    []byte
	proof     *verifier.Proof
	inputs    []fr.Element
	statement [32]byte
	outbox    []protocol.OutboxEntry
	accBefore []byte
	accAfter  []byte
	daHash    fr.Element
	outHash   fr.Element
	newRoot   fr.Element
}

// planBatch runs every check of a batch against rollup r, cheapest first,
// and builds its public inputs from chain state. It charges the
// verification and DA gas before any hashing or curve arithmetic. It does
// not verify the proof and writes nothing.
func (k Keeper) planBatch(ctx sdk.Context, params types.Params, r types.Rollup, msg *types.MsgSubmitBatch) (*batchPlan, error) {
	if r.Status != types.ROLLUP_STATUS_ACTIVE {
		return nil, types.ErrRollupNotActive.Wrapf("rollup %q is %s", r.Id, r.Status)
	}
	if !mayPropose(ctx, params, r, msg.Submitter) {
		return nil, types.ErrNotOperator.Wrapf("%s is not an operator of %q (anyone may submit after %d blocks without a batch)",
			msg.Submitter, r.Id, params.PermissionlessAfterBlocks)
	}
	if msg.BatchIndex != r.NextBatchIndex {
		return nil, types.ErrWrongBatchIndex.Wrapf("rollup %q expects batch %d, got %d", r.Id, r.NextBatchIndex, msg.BatchIndex)
	}
	if uint64(len(msg.Data)) > r.MaxBatchDataBytes {
		return nil, types.ErrBatchDataTooLarge.Wrapf("%d bytes, rollup %q allows %d", len(msg.Data), r.Id, r.MaxBatchDataBytes)
	}
	if available := r.InboxSize - r.InboxConsumed; msg.InboxConsumed > available {
		return nil, types.ErrInboxOverconsumed.Wrapf("consumes %d, %d unconsumed", msg.InboxConsumed, available)
	}
	newRoot, err := protocol.ParseStateRoot(msg.NewStateRoot)
	if err != nil {
		return nil, err
	}
	outbox, err := protocol.DecodeOutbox(msg.Outbox)
	if err != nil {
		return nil, err
	}
	proof, err := verifier.ParseProof(msg.Proof)
	if err != nil {
		return nil, errorsmod.Wrap(err, "batch proof")
	}
	submitter, err := k.addressCodec.StringToBytes(msg.Submitter)
	if err != nil {
		return nil, errorsmod.Wrap(sdkerrors.ErrInvalidAddress, err.Error())
	}
	prevRoot, err := protocol.ParseStateRoot(r.StateRoot)
	if err != nil {
		return nil, err
	}
	before, err := protocol.ParseFieldElement(r.ConsumedAccumulator)
	if err != nil {
		return nil, err
	}

	// Everything below costs real work: charge for it first. The key parse
	// (cached) and the inbox read come before the DA hash, the dearest step
	// (about 170 us per KiB), so a batch they refuse is never hashed.
	ctx.GasMeter().ConsumeGas(params.VerifyProofGas, "rollups: batch proof verification")
	ctx.GasMeter().ConsumeGas(params.GasPerDaByte*uint64(len(msg.Data)+len(msg.Outbox)), "rollups: batch data")
	ctx.GasMeter().ConsumeGas(types.OutboxEntryGas*uint64(len(outbox)), "rollups: outbox entries")

	vkHash, _ := effectiveKey(r, ctx.BlockHeight())
	vk, err := k.loadVerifyingKey(ctx, vkHash)
	if err != nil {
		return nil, err
	}
	accBefore := r.ConsumedAccumulator
	accAfter, err := k.accumulatorAfter(ctx, r.Id, r.InboxConsumed+msg.InboxConsumed)
	if err != nil {
		return nil, err
	}
	after, err := protocol.ParseFieldElement(accAfter)
	if err != nil {
		return nil, err
	}
	plan := &batchPlan{
		vk: vk, vkHash: vkHash, proof: proof, outbox: outbox,
		accBefore: accBefore, accAfter: accAfter,
		daHash: k.cache.daHash(msg.Data), outHash: protocol.OutboxHash(outbox), newRoot: newRoot,
	}
	commitment := protocol.BatchCommitment{
		ChainID:       ctx.ChainID(),
		RollupID:      r.Id,
		BatchIndex:    msg.BatchIndex,
		PrevStateRoot: prevRoot,
		NewStateRoot:  newRoot,
		DAHash:        plan.daHash,
		InboxBefore:   before,
		InboxAfter:    after,
		OutboxHash:    plan.outHash,
		L2TxCount:     msg.L2TxCount,
		Submitter:     submitter,
	}
	if plan.inputs, err = commitment.PublicInputs(); err != nil {
		return nil, err
	}
	var h [32]byte
	copy(h[:], vkHash)
	plan.statement = statementID(h, plan.inputs, msg.Proof)
	return plan, nil
}

// verifyPlan checks the proof unless this node already verified the exact
// same statement (CheckTx, ProcessProposal, block-level batch verification).
func (k Keeper) verifyPlan(plan *batchPlan) error {
	if k.cache.verified(plan.statement) {
		return nil
	}
	if err := verifier.Verify(plan.vk, plan.proof, plan.inputs); err != nil {
		return errorsmod.Wrap(err, "batch proof")
	}
	k.cache.markVerified(plan.statement)
	return nil
}

// PrecheckBatch runs the checks of a batch that need neither the state
// earlier batches of the same transaction leave behind nor any hashing or
// curve arithmetic beyond parsing: the message itself, its rollup being
// active, its size under the rollup's cap, and its root, outbox, proof and
// submitter encodings. The ante handlers run it on every batch of a
// transaction before any batch is hashed or verified, so a malformed batch
// anywhere in a bundle costs CheckTx no DA hashing or pairing.
func (k Keeper) PrecheckBatch(ctx sdk.Context, msg *types.MsgSubmitBatch) error {
	if err := msg.Validate(k.addressCodec); err != nil {
		return err
	}
	r, err := k.rollupInfo(ctx, msg.RollupId) // status and cap: the cold part
	if err != nil {
		return err
	}
	if r.Status != types.ROLLUP_STATUS_ACTIVE {
		return types.ErrRollupNotActive.Wrapf("rollup %q is %s", r.Id, r.Status)
	}
	if uint64(len(msg.Data)) > r.MaxBatchDataBytes {
		return types.ErrBatchDataTooLarge.Wrapf("%d bytes, rollup %q allows %d", len(msg.Data), r.Id, r.MaxBatchDataBytes)
	}
	if _, err := protocol.DecodeOutbox(msg.Outbox); err != nil {
		return err
	}
	if _, err := verifier.ParseProof(msg.Proof); err != nil {
		return errorsmod.Wrap(err, "batch proof")
	}
	if _, err := k.addressCodec.StringToBytes(msg.Submitter); err != nil {
		return errorsmod.Wrap(sdkerrors.ErrInvalidAddress, err.Error())
	}
	return nil
}

// CheckBatch runs every check of a batch, including proof verification,
// against the current state without writing it. CheckTx does not use it:
// the ante handler applies a transaction's batches in order on the check
// state (x/rollups/ante), so a batch can build on one still in the mempool.
func (k Keeper) CheckBatch(ctx sdk.Context, msg *types.MsgSubmitBatch) error {
	if err := msg.Validate(k.addressCodec); err != nil {
		return err
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	r, err := k.GetRollup(ctx, msg.RollupId)
	if err != nil {
		return err
	}
	plan, err := k.planBatch(ctx, params, r, msg)
	if err != nil {
		return err
	}
	return k.verifyPlan(plan)
}

// submitBatch verifies a batch and applies it: the rollup's root, batch
// index and inbox position advance, the batch record is stored, and the
// hooks see its outbox.
func (k Keeper) submitBatch(ctx context.Context, msg *types.MsgSubmitBatch) (*types.MsgSubmitBatchResponse, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	r, err := k.GetRollup(ctx, msg.RollupId)
	if err != nil {
		return nil, err
	}
	was, err := coldSnapshot(r)
	if err != nil {
		return nil, err
	}
	plan, err := k.planBatch(sdkCtx, params, r, msg)
	if err != nil {
		return nil, err
	}
	if err := k.verifyPlan(plan); err != nil {
		return nil, err
	}

	// planBatch verified under the key in force at this height; make a due
	// pending key the current one in the record.
	if err := activatePendingKey(sdkCtx, &r); err != nil {
		return nil, err
	}
	batch := types.Batch{
		RollupId:               r.Id,
		Index:                  msg.BatchIndex,
		PrevStateRoot:          r.StateRoot,
		NewStateRoot:           protocol.StateRootBytes(plan.newRoot),
		DaHash:                 protocol.FieldElementBytes(plan.daHash),
		DataBytes:              uint64(len(msg.Data)),
		InboxFrom:              r.InboxConsumed,
		InboxTo:                r.InboxConsumed + msg.InboxConsumed,
		InboxAccumulatorBefore: plan.accBefore,
		InboxAccumulatorAfter:  plan.accAfter,
		OutboxHash:             protocol.FieldElementBytes(plan.outHash),
		OutboxEntries:          uint64(len(plan.outbox)),
		L2TxCount:              msg.L2TxCount,
		Submitter:              msg.Submitter,
		Height:                 sdkCtx.BlockHeight(),
		VkHash:                 plan.vkHash,
	}
	r.StateRoot = batch.NewStateRoot
	r.NextBatchIndex++
	r.InboxConsumed = batch.InboxTo
	r.ConsumedAccumulator = plan.accAfter
	r.LastBatchHeight = sdkCtx.BlockHeight()
	if err := k.noteConsumed(ctx, params, &r); err != nil {
		return nil, err
	}
	if err := k.noteForcedConsumed(ctx, &r); err != nil {
		return nil, err
	}

	if err := k.updateRollup(ctx, was, r); err != nil {
		return nil, err
	}
	if err := k.recordBatch(ctx, batch, params.BatchHistoryKeep); err != nil {
		return nil, err
	}
	if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventBatchVerified{
		RollupId:      r.Id,
		Index:         batch.Index,
		NewStateRoot:  hex.EncodeToString(batch.NewStateRoot),
		Submitter:     msg.Submitter,
		DataBytes:     batch.DataBytes,
		InboxConsumed: msg.InboxConsumed,
		OutboxEntries: batch.OutboxEntries,
	}); err != nil {
		return nil, err
	}
	if err := k.hooks.AfterBatchVerified(ctx, types.VerifiedBatch{
		RollupID:  r.Id,
		Index:     batch.Index,
		Submitter: msg.Submitter,
		Operators: r.Operators,
		DataBytes: batch.DataBytes,
		L2TxCount: msg.L2TxCount,
		Outbox:    plan.outbox,
		InboxFrom: batch.InboxFrom,
		InboxTo:   batch.InboxTo,
	}); err != nil {
		return nil, err
	}
	return &types.MsgSubmitBatchResponse{NewStateRoot: batch.NewStateRoot}, nil
}
