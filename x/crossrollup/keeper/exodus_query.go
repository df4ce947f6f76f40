package keeper

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"

	"cosmossdk.io/collections"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// ExitStatus says whether a leaf of a rollup has exited, and how.
func (q queryServer) ExitStatus(ctx context.Context, req *types.QueryExitStatusRequest) (*types.QueryExitStatusResponse, error) {
	if req == nil || req.RollupId == "" {
		return nil, types.ErrInvalidRequest.Wrap("rollup id required")
	}
	rec, err := q.Exits.Get(ctx, collections.Join(req.RollupId, req.LeafIndex))
	if errors.Is(err, collections.ErrNotFound) {
		return &types.QueryExitStatusResponse{}, nil
	}
	if err != nil {
		return nil, err
	}
	return &types.QueryExitStatusResponse{Exited: true, Record: &rec}, nil
}

// ExitCredits lists what a rollup owes an L2 address (hex) outside its
// state tree.
func (q queryServer) ExitCredits(ctx context.Context, req *types.QueryExitCreditsRequest) (*types.QueryExitCreditsResponse, error) {
	if req == nil || req.RollupId == "" {
		return nil, types.ErrInvalidRequest.Wrap("rollup id required")
	}
	account, err := hex.DecodeString(strings.TrimPrefix(req.Account, "0x"))
	if err != nil || len(account) == 0 || len(account) > protocol.MaxAddressLen {
		return nil, types.ErrInvalidRequest.Wrapf("account must be 1..%d bytes in hex", protocol.MaxAddressLen)
	}
	credits, err := q.ExitCreditsOf(ctx, req.RollupId, account)
	if err != nil {
		return nil, err
	}
	return &types.QueryExitCreditsResponse{Credits: credits}, nil
}

// refundStatus is the refund part of BridgeStatus: whether the rollup is
// frozen, its refund cursor while refunds are under way, and whether they
// are done.
func (q queryServer) refundStatus(ctx context.Context, rollupID string, res *types.QueryBridgeStatusResponse) error {
	r, err := q.rollupsKeeper.GetRollup(ctx, rollupID)
	if errors.Is(err, rollupstypes.ErrUnknownRollup) {
		return nil
	}
	if err != nil {
		return err
	}
	res.Frozen = r.Status == rollupstypes.ROLLUP_STATUS_FROZEN
	if err := q.WaitingRefunds.Walk(ctx, collections.NewPrefixedPairRange[string, uint64](rollupID),
		func(collections.Pair[string, uint64], types.WaitingRefund) (bool, error) {
			res.WaitingRefunds++
			return false, nil
		}); err != nil {
		return err
	}
	c, err := q.RefundQueue.Get(ctx, rollupID)
	if errors.Is(err, collections.ErrNotFound) {
		res.RefundsComplete = res.Frozen && res.WaitingRefunds == 0
		return nil
	}
	if err != nil {
		return err
	}
	res.RefundCursor = &c
	return nil
}
