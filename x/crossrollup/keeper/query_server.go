package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/nativechain/nativechain/x/crossrollup/types"
)

type queryServer struct {
	Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the module's Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer {
	return queryServer{Keeper: k}
}

// Params returns the current params.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	params, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: params}, nil
}

// Escrow returns a rollup's ledgers in denom order.
func (q queryServer) Escrow(ctx context.Context, req *types.QueryEscrowRequest) (*types.QueryEscrowResponse, error) {
	if req == nil || req.RollupId == "" {
		return nil, types.ErrInvalidRequest.Wrap("rollup id required")
	}
	if _, err := q.rollupsKeeper.GetRollup(ctx, req.RollupId); err != nil {
		return nil, err // ErrUnknownRollup, as message-status and inbox answer
	}
	res := &types.QueryEscrowResponse{}
	err := q.Ledgers.Walk(ctx, collections.NewPrefixedPairRange[string, string](req.RollupId),
		func(key collections.Pair[string, string], amt sdkmath.Int) (bool, error) {
			res.Ledgers = append(res.Ledgers, types.EscrowLedger{RollupId: key.K1(), Denom: key.K2(), Amount: amt.String()})
			return false, nil
		})
	return res, err
}

// Invariant compares the escrow account with the ledgers plus the pending
// and the accrued withdrawals.
func (q queryServer) Invariant(ctx context.Context, _ *types.QueryInvariantRequest) (*types.QueryInvariantResponse, error) {
	escrow, ledgers, pending, accrued, err := q.Keeper.EscrowInvariant(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryInvariantResponse{
		EscrowBalance: escrow, LedgersTotal: ledgers, PendingTotal: pending, AccruedTotal: accrued,
		Holds: escrow.Equal(ledgers.Add(pending...).Add(accrued...)),
	}, nil
}

// BridgeStatus is one rollup's pause flag, cap and usage this epoch.
func (q queryServer) BridgeStatus(ctx context.Context, req *types.QueryBridgeStatusRequest) (*types.QueryBridgeStatusResponse, error) {
	if req == nil || req.RollupId == "" {
		return nil, types.ErrInvalidRequest.Wrap("rollup id required")
	}
	if _, err := q.rollupsKeeper.GetRollup(ctx, req.RollupId); err != nil {
		return nil, err // ErrUnknownRollup
	}
	params, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	paused, err := q.Paused.Has(ctx, req.RollupId)
	if err != nil {
		return nil, err
	}
	limit, err := q.OutflowCaps.Get(ctx, req.RollupId)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return nil, err
	}
	usage, err := q.usage(ctx, params, req.RollupId)
	if err != nil {
		return nil, err
	}
	res := &types.QueryBridgeStatusResponse{
		Paused: paused, Cap: limit, Usage: usage, CurrentEpoch: currentEpoch(ctx, params),
	}
	if err := q.refundStatus(ctx, req.RollupId, res); err != nil {
		return nil, err
	}
	return res, nil
}

// PendingWithdrawals pages through deferred withdrawals, oldest first.
func (q queryServer) PendingWithdrawals(ctx context.Context, req *types.QueryPendingWithdrawalsRequest) (*types.QueryPendingWithdrawalsResponse, error) {
	if req == nil {
		req = &types.QueryPendingWithdrawalsRequest{}
	}
	pending, page, err := query.CollectionPaginate(ctx, q.Pending, req.Pagination,
		func(_ uint64, p types.PendingWithdrawal) (types.PendingWithdrawal, error) { return p, nil })
	if err != nil {
		return nil, err
	}
	return &types.QueryPendingWithdrawalsResponse{Pending: pending, Pagination: page}, nil
}

// MessageStatus returns an inbox entry and whether a batch consumed it.
func (q queryServer) MessageStatus(ctx context.Context, req *types.QueryMessageStatusRequest) (*types.QueryMessageStatusResponse, error) {
	if req == nil || req.RollupId == "" {
		return nil, types.ErrInvalidRequest.Wrap("rollup id required")
	}
	r, err := q.rollupsKeeper.GetRollup(ctx, req.RollupId)
	if err != nil {
		return nil, err
	}
	msg, err := q.rollupsKeeper.GetInboxMessage(ctx, req.RollupId, req.Sequence)
	if err != nil {
		return nil, err
	}
	return &types.QueryMessageStatusResponse{
		Message: msg, Consumed: req.Sequence < r.InboxConsumed, InboxConsumed: r.InboxConsumed,
	}, nil
}
