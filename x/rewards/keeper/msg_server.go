package keeper

import (
	"context"

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
