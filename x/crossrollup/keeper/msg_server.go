package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/crossrollup/types"
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

// Deposit bridges coins into a rollup.
func (m msgServer) Deposit(ctx context.Context, msg *types.MsgDeposit) (*types.MsgDepositResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	seq, err := m.deposit(ctx, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgDepositResponse{InboxSequence: seq}, nil
}

// SendMessage appends an L1 call to a rollup's inbox, with optional value.
func (m msgServer) SendMessage(ctx context.Context, msg *types.MsgSendMessage) (*types.MsgSendMessageResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	seq, err := m.sendMessage(ctx, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgSendMessageResponse{InboxSequence: seq}, nil
}

// SubmitBundle applies batches of several rollups, in order, all or nothing.
func (m msgServer) SubmitBundle(ctx context.Context, msg *types.MsgSubmitBundle) (*types.MsgSubmitBundleResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	applied, err := m.submitBundle(ctx, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgSubmitBundleResponse{Applied: applied}, nil
}

// SetPaused pauses or resumes one rollup's bridge; only the authority may.
func (m msgServer) SetPaused(ctx context.Context, msg *types.MsgSetPaused) (*types.MsgSetPausedResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	if msg.Authority != m.authority {
		return nil, types.ErrUnauthorized.Wrapf("expected authority %s, got %s", m.authority, msg.Authority)
	}
	if _, err := m.rollupsKeeper.GetRollup(ctx, msg.RollupId); err != nil {
		return nil, err
	}
	var err error
	if msg.Paused {
		err = m.Paused.Set(ctx, msg.RollupId, true)
	} else {
		err = m.Paused.Remove(ctx, msg.RollupId)
	}
	if err != nil {
		return nil, err
	}
	return &types.MsgSetPausedResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventPausedSet{RollupId: msg.RollupId, Paused: msg.Paused})
}

// SetOutflowCap sets (or, when empty, clears) a rollup's per-epoch cap.
func (m msgServer) SetOutflowCap(ctx context.Context, msg *types.MsgSetOutflowCap) (*types.MsgSetOutflowCapResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	if msg.Authority != m.authority {
		return nil, types.ErrUnauthorized.Wrapf("expected authority %s, got %s", m.authority, msg.Authority)
	}
	if _, err := m.rollupsKeeper.GetRollup(ctx, msg.RollupId); err != nil {
		return nil, err
	}
	var err error
	if msg.Cap.Empty() {
		err = m.OutflowCaps.Remove(ctx, msg.RollupId)
	} else {
		err = m.OutflowCaps.Set(ctx, msg.RollupId, types.OutflowCap{Cap: msg.Cap})
	}
	if err != nil {
		return nil, err
	}
	return &types.MsgSetOutflowCapResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventOutflowCapSet{RollupId: msg.RollupId, Cap: msg.Cap.String()})
}
