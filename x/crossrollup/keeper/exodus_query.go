package keeper

import (
	"context"

	"github.com/nativechain/nativechain/x/crossrollup/types"
)

// ExitStatus says whether a leaf has exited.
func (q queryServer) ExitStatus(ctx context.Context, req *types.QueryExitStatusRequest) (*types.QueryExitStatusResponse, error) {
	return &types.QueryExitStatusResponse{}, nil
}

// ExitCredits lists an L2 address's exit credits.
func (q queryServer) ExitCredits(ctx context.Context, req *types.QueryExitCreditsRequest) (*types.QueryExitCreditsResponse, error) {
	return &types.QueryExitCreditsResponse{}, nil
}
