package keeper

import (
	"context"
	"encoding/hex"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rewards/types"
)

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the module's Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer {
	return msgServer{Keeper: k}
}

// UpdateParams replaces the params; only the authority may call it.
func (m msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	if msg.Authority != m.authority {
		return nil, types.ErrUnauthorized.Wrapf("expected authority %s, got %s", m.authority, msg.Authority)
	}
	if err := m.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, nil
}

// ClaimRewards pays the signer everything credited to it.
func (m msgServer) ClaimRewards(ctx context.Context, msg *types.MsgClaimRewards) (*types.MsgClaimRewardsResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	operator, err := m.addressCodec.StringToBytes(msg.Operator)
	if err != nil {
		return nil, types.ErrInvalidAddress.Wrap(err.Error())
	}
	paid, err := m.Claim(ctx, operator)
	if err != nil {
		return nil, err
	}
	return &types.MsgClaimRewardsResponse{Amount: paid}, nil
}

// ApproveRollupKey lets the rollup's work under the key earn from the
// inflation-funded part of the operator pot, from the next batch on; only
// the authority may call it, for a registered rollup. Approving an approved
// key changes nothing.
func (m msgServer) ApproveRollupKey(ctx context.Context, msg *types.MsgApproveRollupKey) (*types.MsgApproveRollupKeyResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	if msg.Authority != m.authority {
		return nil, types.ErrUnauthorized.Wrapf("expected authority %s, got %s", m.authority, msg.Authority)
	}
	// Only a registered id: an approval waiting for an id nobody holds yet
	// would pay whoever registers it first with the public key.
	if _, err := m.rollupsKeeper.GetRollup(ctx, msg.RollupId); err != nil {
		return nil, types.ErrInvalidApproval.Wrapf("rollup %q: %s", msg.RollupId, err)
	}
	if err := m.ApprovedKeys.Set(ctx, collections.Join(msg.RollupId, msg.VkHash), true); err != nil {
		return nil, err
	}
	return &types.MsgApproveRollupKeyResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRollupKeyApproved{
		RollupId: msg.RollupId, VkHash: hex.EncodeToString(msg.VkHash),
	})
}

// RevokeRollupKey withdraws an approval, from the next batch on: work
// already recorded in the epoch keeps its approved weight. Only the
// authority may call it.
func (m msgServer) RevokeRollupKey(ctx context.Context, msg *types.MsgRevokeRollupKey) (*types.MsgRevokeRollupKeyResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	if msg.Authority != m.authority {
		return nil, types.ErrUnauthorized.Wrapf("expected authority %s, got %s", m.authority, msg.Authority)
	}
	key := collections.Join(msg.RollupId, msg.VkHash)
	has, err := m.ApprovedKeys.Has(ctx, key)
	if err != nil {
		return nil, err
	}
	if !has {
		return nil, types.ErrUnknownApproval.Wrapf("key %x of %q", msg.VkHash, msg.RollupId)
	}
	if err := m.ApprovedKeys.Remove(ctx, key); err != nil {
		return nil, err
	}
	return &types.MsgRevokeRollupKeyResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRollupKeyRevoked{
		RollupId: msg.RollupId, VkHash: hex.EncodeToString(msg.VkHash),
	})
}
