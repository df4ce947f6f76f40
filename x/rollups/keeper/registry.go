package keeper

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// GetRollup returns a rollup or ErrUnknownRollup.
func (k Keeper) GetRollup(ctx context.Context, id string) (types.Rollup, error) {
	r, err := k.Rollups.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return types.Rollup{}, types.ErrUnknownRollup.Wrapf("%q", id)
	}
	return r, err
}

// parseVerifyingKey validates untrusted key bytes (size, public-input count,
// commitment count, trailing bytes) before any curve arithmetic. The gas for
// it is charged by the caller first.
func (k Keeper) parseVerifyingKey(bz []byte, params types.Params) (*verifier.VerifyingKey, error) {
	vk, err := verifier.ValidateVerifyingKey(bz, int(params.MaxVkBytes), types.BatchPublicInputs)
	if err != nil {
		// Keep the verifier's typed error (and its ABCI code): it says
		// exactly what is wrong with the key.
		return nil, errorsmod.Wrap(err, "rollup verifying key")
	}
	k.cache.putKey(vk)
	return vk, nil
}

// registerRollup escrows the bond and fee and stores the rollup.
func (k Keeper) registerRollup(ctx context.Context, msg *types.MsgRegisterRollup) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if has, err := k.Rollups.Has(ctx, msg.RollupId); err != nil {
		return err
	} else if has {
		return types.ErrRollupExists.Wrapf("%q", msg.RollupId)
	}
	if err := types.ValidateOperators(k.addressCodec, msg.Operators, params.MaxOperators); err != nil {
		return err
	}
	if msg.Bond.Denom != params.MinOperatorBond.Denom || msg.Bond.Amount.LT(params.MinOperatorBond.Amount) {
		return types.ErrInsufficientBond.Wrapf("bond %s, minimum %s", msg.Bond, params.MinOperatorBond)
	}
	maxData := msg.MaxBatchDataBytes
	if maxData == 0 {
		maxData = params.MaxBatchDataBytes
	}
	if maxData > params.MaxBatchDataBytes {
		return types.ErrInvalidBatchLimit.Wrapf("%d exceeds the chain-wide cap %d", maxData, params.MaxBatchDataBytes)
	}
	if uint64(len(msg.VerifyingKey)) > params.MaxVkBytes {
		return types.ErrInvalidVerifyingKey.Wrapf("%d bytes, at most %d", len(msg.VerifyingKey), params.MaxVkBytes)
	}
	// Parsing a key costs about one verification: charge before parsing.
	sdkCtx.GasMeter().ConsumeGas(params.VerifyProofGas, "rollups: verifying key validation")
	vk, err := k.parseVerifyingKey(msg.VerifyingKey, params)
	if err != nil {
		return err
	}
	genesisRoot, err := types.ParseStateRoot(msg.GenesisStateRoot)
	if err != nil {
		return err
	}

	admin, err := k.addressCodec.StringToBytes(msg.Admin)
	if err != nil {
		return types.ErrUnauthorized.Wrap(err.Error())
	}
	escrow := sdk.NewCoins(msg.Bond)
	if params.RegistrationFee.IsPositive() {
		escrow = escrow.Add(params.RegistrationFee)
	}
	if err := k.bankKeeper.SendCoinsFromAccountToModule(ctx, admin, types.ModuleName, escrow); err != nil {
		return err
	}
	// The bond stays escrowed here; the fee is the reward pool's.
	if k.rewardPool != nil && params.RegistrationFee.IsPositive() {
		fee := sdk.NewCoins(params.RegistrationFee)
		if err := k.rewardPool.FundPoolFromModule(ctx, types.ModuleName, fee, types.RewardSourceRegistrationFee); err != nil {
			return err
		}
	}

	vkHash := vk.Hash()
	acc := types.InboxAccumulatorGenesis()
	rootBytes := types.StateRootBytes(genesisRoot)
	var exitLayout *types.ExitLayout
	if !msg.ExitLayout.IsEmpty() {
		l := *msg.ExitLayout
		exitLayout = &l
	}
	rollup := types.Rollup{
		Id:                  msg.RollupId,
		Admin:               msg.Admin,
		Operators:           msg.Operators,
		VerifyingKey:        msg.VerifyingKey,
		VkHash:              vkHash[:],
		GenesisStateRoot:    rootBytes,
		StateRoot:           rootBytes,
		NextBatchIndex:      1,
		Bond:                msg.Bond,
		RegistrationFee:     params.RegistrationFee,
		MaxBatchDataBytes:   maxData,
		Status:              types.ROLLUP_STATUS_ACTIVE,
		InboxAccumulator:    types.FieldElementBytes(acc),
		ConsumedAccumulator: types.FieldElementBytes(acc),
		RegisteredHeight:    sdkCtx.BlockHeight(),
		LastBatchHeight:     sdkCtx.BlockHeight(),
		ExitLayout:          exitLayout,
	}
	if err := k.Rollups.Set(ctx, rollup.Id, rollup); err != nil {
		return err
	}
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventRollupRegistered{
		RollupId:         rollup.Id,
		Admin:            rollup.Admin,
		Operators:        rollup.Operators,
		VkHash:           hex.EncodeToString(rollup.VkHash),
		GenesisStateRoot: hex.EncodeToString(rootBytes),
		Bond:             rollup.Bond.String(),
	})
}

// adminRollup loads a rollup and checks the signer is its admin.
func (k Keeper) adminRollup(ctx context.Context, id, signer string) (types.Rollup, error) {
	r, err := k.GetRollup(ctx, id)
	if err != nil {
		return r, err
	}
	if r.Admin != signer {
		return r, types.ErrNotAdmin.Wrapf("rollup %q is administered by %s", id, r.Admin)
	}
	if r.Status == types.ROLLUP_STATUS_DEREGISTERED {
		return r, types.ErrRollupNotActive.Wrapf("rollup %q is deregistered", id)
	}
	return r, nil
}

func (k Keeper) updateOperators(ctx context.Context, msg *types.MsgUpdateOperators) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	r, err := k.adminRollup(ctx, msg.RollupId, msg.Admin)
	if err != nil {
		return err
	}
	if err := types.ValidateOperators(k.addressCodec, msg.Operators, params.MaxOperators); err != nil {
		return err
	}
	r.Operators = msg.Operators
	if err := k.Rollups.Set(ctx, r.Id, r); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventOperatorsUpdated{RollupId: r.Id, Operators: r.Operators})
}

func (k Keeper) updateVerifyingKey(ctx context.Context, msg *types.MsgUpdateVerifyingKey) (int64, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	r, err := k.adminRollup(ctx, msg.RollupId, msg.Admin)
	if err != nil {
		return 0, err
	}
	if r.Status != types.ROLLUP_STATUS_ACTIVE {
		return 0, types.ErrRollupNotActive.Wrapf("rollup %q is %s", r.Id, r.Status)
	}
	// A key that is already due is in force: make it current before the new
	// change replaces the pending slot, or the retired key would come back.
	if err := activatePendingKey(sdkCtx, &r); err != nil {
		return 0, err
	}
	if uint64(len(msg.VerifyingKey)) > params.MaxVkBytes {
		return 0, types.ErrInvalidVerifyingKey.Wrapf("%d bytes, at most %d", len(msg.VerifyingKey), params.MaxVkBytes)
	}
	sdkCtx.GasMeter().ConsumeGas(params.VerifyProofGas, "rollups: verifying key validation")
	vk, err := k.parseVerifyingKey(msg.VerifyingKey, params)
	if err != nil {
		return 0, err
	}
	h := vk.Hash()
	if bytes.Equal(h[:], r.VkHash) {
		return 0, types.ErrInvalidVerifyingKey.Wrap("the rollup already uses this key")
	}
	activation := sdkCtx.BlockHeight() + int64(params.VkUpdateDelayBlocks)
	r.PendingVerifyingKey = &types.PendingVerifyingKey{VerifyingKey: msg.VerifyingKey, VkHash: h[:], ActivationHeight: activation}
	if err := k.Rollups.Set(ctx, r.Id, r); err != nil {
		return 0, err
	}
	return activation, sdkCtx.EventManager().EmitTypedEvent(&types.EventVerifyingKeyScheduled{
		RollupId: r.Id, VkHash: hex.EncodeToString(h[:]), ActivationHeight: activation,
	})
}

// effectiveKey returns the verifying key that applies at the context's
// height: a pending key becomes current once its activation height is
// reached. It does not write; activatePendingKey does.
func effectiveKey(r types.Rollup, height int64) (vkBytes, vkHash []byte, pendingDue bool) {
	if p := r.PendingVerifyingKey; p != nil && height >= p.ActivationHeight {
		return p.VerifyingKey, p.VkHash, true
	}
	return r.VerifyingKey, r.VkHash, false
}

// activatePendingKey makes a due pending key current.
func activatePendingKey(ctx sdk.Context, r *types.Rollup) error {
	if _, _, due := effectiveKey(*r, ctx.BlockHeight()); !due {
		return nil
	}
	r.VerifyingKey, r.VkHash = r.PendingVerifyingKey.VerifyingKey, r.PendingVerifyingKey.VkHash
	r.PendingVerifyingKey = nil
	return ctx.EventManager().EmitTypedEvent(&types.EventVerifyingKeyActivated{RollupId: r.Id, VkHash: hex.EncodeToString(r.VkHash)})
}

func (k Keeper) deregisterRollup(ctx context.Context, msg *types.MsgDeregisterRollup) error {
	r, err := k.adminRollup(ctx, msg.RollupId, msg.Admin)
	if err != nil {
		return err
	}
	if k.bridgeLedger != nil {
		holds, err := k.bridgeLedger.RollupHoldsFunds(ctx, r.Id)
		if err != nil {
			return err
		}
		if holds {
			return types.ErrBridgeLedgerNotEmpty.Wrapf("rollup %q: users must withdraw first", r.Id)
		}
	}
	admin, err := k.addressCodec.StringToBytes(r.Admin)
	if err != nil {
		return err
	}
	if r.Bond.IsPositive() {
		if err := k.bankKeeper.SendCoinsFromModuleToAccount(ctx, types.ModuleName, admin, sdk.NewCoins(r.Bond)); err != nil {
			return err
		}
	}
	returned := r.Bond
	r.Bond = sdk.NewCoin(r.Bond.Denom, sdkmath.ZeroInt())
	r.Status = types.ROLLUP_STATUS_DEREGISTERED
	r.Operators = nil
	if err := k.moveDeadline(ctx, &r, 0); err != nil {
		return err
	}
	if err := k.Rollups.Set(ctx, r.Id, r); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRollupDeregistered{RollupId: r.Id, BondReturned: returned.String()})
}
