package keeper

import (
	"context"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

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
	res := &types.QueryEscrowResponse{}
	err := q.Ledgers.Walk(ctx, collections.NewPrefixedPairRange[string, string](req.RollupId),
		func(key collections.Pair[string, string], amt sdkmath.Int) (bool, error) {
			res.Ledgers = append(res.Ledgers, types.EscrowLedger{RollupId: key.K1(), Denom: key.K2(), Amount: amt.String()})
			return false, nil
		})
	return res, err
}
