package keeper

import (
	"context"

	"github.com/nativechain/nativechain/x/rollups/types"
)

type msgServer struct {
	*Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the module's Msg service.
func NewMsgServerImpl(k *Keeper) types.MsgServer {
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

// RegisterRollup registers a rollup and escrows its bond and fee.
func (m msgServer) RegisterRollup(ctx context.Context, msg *types.MsgRegisterRollup) (*types.MsgRegisterRollupResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	if err := m.registerRollup(ctx, msg); err != nil {
		return nil, err
	}
	return &types.MsgRegisterRollupResponse{}, nil
}

// SubmitBatch verifies a batch proof and advances the rollup.
func (m msgServer) SubmitBatch(ctx context.Context, msg *types.MsgSubmitBatch) (*types.MsgSubmitBatchResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	return m.submitBatch(ctx, msg)
}

// UpdateOperators schedules a change of a rollup's operator set.
func (m msgServer) UpdateOperators(ctx context.Context, msg *types.MsgUpdateOperators) (*types.MsgUpdateOperatorsResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	height, err := m.updateOperators(ctx, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgUpdateOperatorsResponse{ActivationHeight: height}, nil
}

// UpdateVerifyingKey schedules a verifying-key change after the delay.
func (m msgServer) UpdateVerifyingKey(ctx context.Context, msg *types.MsgUpdateVerifyingKey) (*types.MsgUpdateVerifyingKeyResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	height, err := m.updateVerifyingKey(ctx, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgUpdateVerifyingKeyResponse{ActivationHeight: height}, nil
}

// DeregisterRollup closes a rollup and returns its bond, at once or after
// a wind-down while users still hold funds.
func (m msgServer) DeregisterRollup(ctx context.Context, msg *types.MsgDeregisterRollup) (*types.MsgDeregisterRollupResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	closing, err := m.deregisterRollup(ctx, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgDeregisterRollupResponse{ClosingHeight: closing}, nil
}

// ForceInclude puts a user's L2 transaction into a rollup's inbox.
func (m msgServer) ForceInclude(ctx context.Context, msg *types.MsgForceInclude) (*types.MsgForceIncludeResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	return m.forceInclude(ctx, msg)
}
