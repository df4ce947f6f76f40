package keeper

import (
	"context"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rewards/types"
)

// PendingRewards returns what an operator has been credited and not claimed.
func (k Keeper) PendingRewards(ctx context.Context, operator sdk.AccAddress) (sdk.Coins, error) {
	amt := sdk.NewCoins()
	err := k.Pending.Walk(ctx, collections.NewPrefixedPairRange[sdk.AccAddress, string](operator),
		func(key collections.Pair[sdk.AccAddress, string], v sdkmath.Int) (bool, error) {
			amt = amt.Add(sdk.NewCoin(key.K2(), v))
			return false, nil
		})
	return amt, err
}

// Claim sends an operator its pending rewards from the pool and clears
// them. Claiming with nothing pending (twice in a row, or as an account
// that never operated) fails with ErrNoPendingRewards and moves nothing.
// Credited rewards wait for a claim rather than being sent at payout, so
// a payout only writes store entries, and a claim's bank transfer is paid
// for by the operator's own transaction.
func (k Keeper) Claim(ctx context.Context, operator sdk.AccAddress) (sdk.Coins, error) {
	amt, err := k.PendingRewards(ctx, operator)
	if err != nil {
		return nil, err
	}
	opStr, err := k.addressCodec.BytesToString(operator)
	if err != nil {
		return nil, types.ErrInvalidAddress.Wrap(err.Error())
	}
	if amt.IsZero() {
		return nil, types.ErrNoPendingRewards.Wrapf("%s has nothing to claim", opStr)
	}
	if err := k.bankKeeper.SendCoinsFromModuleToAccount(ctx, types.ModuleName, operator, amt); err != nil {
		return nil, err
	}
	for _, c := range amt {
		if err := k.Pending.Remove(ctx, collections.Join(operator, c.Denom)); err != nil {
			return nil, err
		}
		total, err := getInt(ctx, k.PendingTotal, c.Denom)
		if err != nil {
			return nil, err
		}
		left := total.Sub(c.Amount)
		if left.IsNegative() {
			return nil, types.ErrPoolInvariant.Wrapf("pending total of %s below a claim of %s", c.Denom, c.Amount)
		}
		if left.IsZero() {
			err = k.PendingTotal.Remove(ctx, c.Denom)
		} else {
			err = k.PendingTotal.Set(ctx, c.Denom, left)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := k.recordOutflow(ctx, types.OutflowOperatorClaims, amt); err != nil {
		return nil, err
	}
	return amt, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRewardsClaimed{Operator: opStr, Amount: amt.String()})
}
