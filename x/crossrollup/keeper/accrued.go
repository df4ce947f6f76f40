package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/crossrollup/types"
)

// Accrued withdrawals (issue 17). A withdrawal in a batch's outbox whose
// recipient is the batch's own submitter (the operator's fee withdrawal in
// every payments batch) is not sent through x/bank: its amount leaves the
// rollup's ledger, as any paid withdrawal's does, and is added to the
// submitter's accrued balance, which stays in the escrow account until the
// submitter claims it with MsgClaimAccrued. A batch then writes one key for
// the payout (the accrual) instead of the escrow's and the submitter's
// balances, denomination indexes and account checks.
//
// Nothing is stranded: the accrual belongs to the L1 account, not to the
// rollup, so freezing, exodus and deregistration of the rollup leave it
// claimable; and the bridge invariant is
// escrow == ledgers + pending withdrawals + accrued withdrawals.
// The pause and the outflow cap apply at accrual exactly as at payment (a
// paused or capped rollup defers the withdrawal instead), so a claim is not
// an outflow of any rollup and is never deferred.

// accrue adds coin to what addr may claim.
func (k Keeper) accrue(ctx context.Context, addr sdk.AccAddress, coin sdk.Coin) error {
	key := collections.Join(addr, coin.Denom)
	cur, err := k.Accrued.Get(ctx, key)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		cur = sdkmath.ZeroInt()
	case err != nil:
		return err
	}
	return k.Accrued.Set(ctx, key, cur.Add(coin.Amount))
}

// AccruedOf is what addr may claim, every denom.
func (k Keeper) AccruedOf(ctx context.Context, addr sdk.AccAddress) (sdk.Coins, error) {
	amt := sdk.NewCoins()
	err := k.Accrued.Walk(ctx, collections.NewPrefixedPairRange[sdk.AccAddress, string](addr),
		func(key collections.Pair[sdk.AccAddress, string], v sdkmath.Int) (bool, error) {
			amt = amt.Add(sdk.NewCoin(key.K2(), v))
			return false, nil
		})
	return amt, err
}

// AccruedTotal sums every accrued withdrawal per denom (for the invariant).
func (k Keeper) AccruedTotal(ctx context.Context) (sdk.Coins, error) {
	total := sdk.NewCoins()
	err := k.Accrued.Walk(ctx, nil, func(key collections.Pair[sdk.AccAddress, string], v sdkmath.Int) (bool, error) {
		total = total.Add(sdk.NewCoin(key.K2(), v))
		return false, nil
	})
	return total, err
}

// ClaimAccrued pays claimant everything accrued to it from the escrow
// account and clears it. With nothing accrued (claiming twice, or an
// account no batch paid) it fails with ErrNothingAccrued and moves nothing.
func (k Keeper) ClaimAccrued(ctx context.Context, claimant sdk.AccAddress) (sdk.Coins, error) {
	amt, err := k.AccruedOf(ctx, claimant)
	if err != nil {
		return nil, err
	}
	addr, err := k.addressCodec.BytesToString(claimant)
	if err != nil {
		return nil, types.ErrInvalidRequest.Wrap(err.Error())
	}
	if amt.IsZero() {
		return nil, types.ErrNothingAccrued.Wrapf("%s has nothing accrued", addr)
	}
	for _, c := range amt {
		if err := k.Accrued.Remove(ctx, collections.Join(claimant, c.Denom)); err != nil {
			return nil, err
		}
	}
	if err := k.bankKeeper.SendCoinsFromModuleToAccount(ctx, types.ModuleName, claimant, amt); err != nil {
		return nil, err
	}
	return amt, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventAccruedClaimed{Claimant: addr, Amount: amt.String()})
}

// ClaimAccrued is the Msg handler of MsgClaimAccrued.
func (m msgServer) ClaimAccrued(ctx context.Context, msg *types.MsgClaimAccrued) (*types.MsgClaimAccruedResponse, error) {
	if err := msg.Validate(m.addressCodec); err != nil {
		return nil, err
	}
	claimant, _ := m.addressCodec.StringToBytes(msg.Claimant) // validated above
	amt, err := m.Keeper.ClaimAccrued(ctx, claimant)
	if err != nil {
		return nil, err
	}
	return &types.MsgClaimAccruedResponse{Amount: amt}, nil
}

// Accrued is the query of what an account may claim.
func (q queryServer) Accrued(ctx context.Context, req *types.QueryAccruedRequest) (*types.QueryAccruedResponse, error) {
	if req == nil {
		return nil, types.ErrInvalidRequest.Wrap("empty request")
	}
	addr, err := q.addressCodec.StringToBytes(req.Address)
	if err != nil {
		return nil, types.ErrInvalidRequest.Wrapf("invalid address %q: %s", req.Address, err)
	}
	amt, err := q.Keeper.AccruedOf(ctx, addr)
	if err != nil {
		return nil, err
	}
	return &types.QueryAccruedResponse{Amount: amt}, nil
}
