package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/nativechain/nativechain/x/rewards/types"
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

// Pool returns the pool balance and its books.
func (q queryServer) Pool(ctx context.Context, _ *types.QueryPoolRequest) (*types.QueryPoolResponse, error) {
	inflows, totalIn, err := q.InflowsBySource(ctx)
	if err != nil {
		return nil, err
	}
	outflows, totalOut, err := q.OutflowsByDestination(ctx)
	if err != nil {
		return nil, err
	}
	pending, err := q.PendingClaims(ctx)
	if err != nil {
		return nil, err
	}
	reserved, err := q.Reserved(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryPoolResponse{
		Balance: q.PoolBalance(ctx), Inflows: inflows, TotalInflows: totalIn,
		Outflows: outflows, TotalOutflows: totalOut, PendingClaims: pending, Reserved: reserved,
	}, nil
}

// CurrentEpoch returns the epoch being recorded, its work per rollup and
// operator (paginated), and the payout in progress.
func (q queryServer) CurrentEpoch(ctx context.Context, req *types.QueryCurrentEpochRequest) (*types.QueryCurrentEpochResponse, error) {
	if req == nil {
		return nil, types.ErrInvalidRequest.Wrap("empty request")
	}
	params, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	epoch, err := q.Epoch.Get(ctx)
	if err != nil {
		return nil, err
	}
	work, page, err := query.CollectionPaginate(ctx, q.Work, req.Pagination,
		func(key collections.Triple[uint64, string, string], w types.WorkRecord) (types.WorkRecord, error) {
			return withWorkKey(key, w), nil
		},
		func(o *query.CollectionsPaginateOptions[collections.Triple[uint64, string, string]]) {
			prefix := collections.TriplePrefix[uint64, string, string](epoch.Number)
			o.Prefix = &prefix
		})
	if err != nil {
		return nil, err
	}
	res := &types.QueryCurrentEpochResponse{Epoch: epoch, EndHeight: EpochEndHeight(epoch, params), Work: work, Pagination: page}
	payout, err := q.ActivePayout.Get(ctx)
	switch {
	case err == nil:
		res.ActivePayout = &payout
	case !errors.Is(err, collections.ErrNotFound):
		return nil, err
	}
	return res, nil
}

// PendingRewards returns an operator's credited, unclaimed rewards.
func (q queryServer) PendingRewards(ctx context.Context, req *types.QueryPendingRewardsRequest) (*types.QueryPendingRewardsResponse, error) {
	if req == nil {
		return nil, types.ErrInvalidRequest.Wrap("empty request")
	}
	operator, err := q.addressCodec.StringToBytes(req.Operator)
	if err != nil {
		return nil, types.ErrInvalidAddress.Wrapf("operator %q: %s", req.Operator, err)
	}
	amt, err := q.Keeper.PendingRewards(ctx, operator)
	if err != nil {
		return nil, err
	}
	return &types.QueryPendingRewardsResponse{Amount: amt}, nil
}

// Payouts returns the finished epoch payouts.
func (q queryServer) Payouts(ctx context.Context, req *types.QueryPayoutsRequest) (*types.QueryPayoutsResponse, error) {
	if req == nil {
		return nil, types.ErrInvalidRequest.Wrap("empty request")
	}
	payouts, page, err := query.CollectionPaginate(ctx, q.Keeper.Payouts, req.Pagination,
		func(_ uint64, p types.EpochPayout) (types.EpochPayout, error) { return p, nil })
	if err != nil {
		return nil, err
	}
	return &types.QueryPayoutsResponse{Payouts: payouts, Pagination: page}, nil
}

// ApprovedRollupKeys returns the approved (rollup, key) pairs.
func (q queryServer) ApprovedRollupKeys(ctx context.Context, req *types.QueryApprovedRollupKeysRequest) (*types.QueryApprovedRollupKeysResponse, error) {
	if req == nil {
		return nil, types.ErrInvalidRequest.Wrap("empty request")
	}
	keys, page, err := query.CollectionPaginate(ctx, q.Keeper.ApprovedKeys, req.Pagination,
		func(key collections.Pair[string, []byte], _ bool) (types.ApprovedRollupKey, error) {
			return types.ApprovedRollupKey{RollupId: key.K1(), VkHash: key.K2()}, nil
		})
	if err != nil {
		return nil, err
	}
	return &types.QueryApprovedRollupKeysResponse{ApprovedKeys: keys, Pagination: page}, nil
}
