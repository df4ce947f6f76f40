package keeper

import (
	"context"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/nativechain/nativechain/x/rollups/types"
)

type queryServer struct {
	*Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the module's Query service.
func NewQueryServerImpl(k *Keeper) types.QueryServer {
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

// Inbox query limits.
const (
	defaultInboxLimit = 100
	maxInboxLimit     = 1000
)

// Rollup returns one rollup.
func (q queryServer) Rollup(ctx context.Context, req *types.QueryRollupRequest) (*types.QueryRollupResponse, error) {
	if req == nil {
		return nil, types.ErrInvalidRequest.Wrap("empty request")
	}
	r, err := q.GetRollup(ctx, req.RollupId)
	if err != nil {
		return nil, err
	}
	if r, err = q.withKeyBytes(ctx, r); err != nil {
		return nil, err
	}
	return &types.QueryRollupResponse{Rollup: r}, nil
}

// Rollups lists rollups in id order.
func (q queryServer) Rollups(ctx context.Context, req *types.QueryRollupsRequest) (*types.QueryRollupsResponse, error) {
	if req == nil {
		req = &types.QueryRollupsRequest{}
	}
	rollups, page, err := query.CollectionPaginate(ctx, q.Keeper.RollupInfos, req.Pagination,
		func(id string, cold types.Rollup) (types.Rollup, error) {
			hot, err := q.Keeper.Rollups.Get(ctx, id)
			if err != nil {
				return types.Rollup{}, err
			}
			return q.withKeyBytes(ctx, joinRollup(cold, hot))
		})
	if err != nil {
		return nil, err
	}
	return &types.QueryRollupsResponse{Rollups: rollups, Pagination: page}, nil
}

// Batch returns a verified batch by index.
func (q queryServer) Batch(ctx context.Context, req *types.QueryBatchRequest) (*types.QueryBatchResponse, error) {
	if req == nil {
		return nil, types.ErrInvalidRequest.Wrap("empty request")
	}
	b, err := q.GetBatch(ctx, req.RollupId, req.Index)
	if err != nil {
		return nil, err
	}
	return &types.QueryBatchResponse{Batch: b}, nil
}

// LatestBatch returns the last verified batch of a rollup.
func (q queryServer) LatestBatch(ctx context.Context, req *types.QueryLatestBatchRequest) (*types.QueryLatestBatchResponse, error) {
	if req == nil {
		return nil, types.ErrInvalidRequest.Wrap("empty request")
	}
	r, err := q.GetRollup(ctx, req.RollupId)
	if err != nil {
		return nil, err
	}
	if r.NextBatchIndex <= 1 {
		return nil, types.ErrUnknownBatch.Wrapf("rollup %q has no verified batch yet", r.Id)
	}
	res, err := q.Batch(ctx, &types.QueryBatchRequest{RollupId: r.Id, Index: r.NextBatchIndex - 1})
	if err != nil {
		return nil, err
	}
	return &types.QueryLatestBatchResponse{Batch: res.Batch}, nil
}

// Inbox returns up to limit inbox messages from sequence `from`.
func (q queryServer) Inbox(ctx context.Context, req *types.QueryInboxRequest) (*types.QueryInboxResponse, error) {
	if req == nil {
		return nil, types.ErrInvalidRequest.Wrap("empty request")
	}
	r, err := q.GetRollup(ctx, req.RollupId)
	if err != nil {
		return nil, err
	}
	limit := req.Limit
	if limit == 0 {
		limit = defaultInboxLimit
	}
	if limit > maxInboxLimit {
		return nil, types.ErrInvalidRequest.Wrapf("limit %d exceeds %d", limit, maxInboxLimit)
	}
	res := &types.QueryInboxResponse{InboxSize: r.InboxSize, InboxConsumed: r.InboxConsumed}
	for seq := req.From; seq < r.InboxSize && uint64(len(res.Messages)) < limit; seq++ {
		msg, err := q.Keeper.Inbox.Get(ctx, collections.Join(r.Id, seq))
		if err != nil {
			return nil, err
		}
		res.Messages = append(res.Messages, msg)
	}
	return res, nil
}
