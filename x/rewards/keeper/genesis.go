package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rewards/types"
)

// InitGenesis writes the genesis state into the store. Besides the
// stateless checks it requires the pool's bank balance (x/bank's genesis
// runs first) to equal the inflows minus the outflows and to cover what is
// owed, so the books start balanced.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := gs.ValidateAddresses(k.addressCodec); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	epoch := gs.Epoch
	epoch.ApprovedWork = orZero(epoch.ApprovedWork)
	if epoch.StartHeight == 0 {
		epoch.StartHeight = max(sdk.UnwrapSDKContext(ctx).BlockHeight(), 1)
	}
	if err := k.Epoch.Set(ctx, epoch); err != nil {
		return err
	}
	for _, w := range gs.Work {
		w.ApprovedWeight = orZero(w.ApprovedWeight)
		if err := k.setWorkRecord(ctx, w); err != nil {
			return err
		}
	}
	for _, rw := range gs.RollupWork {
		rw.ApprovedWeight = orZero(rw.ApprovedWeight)
		if err := k.RollupTotals.Set(ctx, collections.Join(rw.Epoch, rw.RollupId), rw); err != nil {
			return err
		}
	}
	for _, a := range gs.ApprovedKeys {
		if err := k.ApprovedKeys.Set(ctx, collections.Join(a.RollupId, a.VkHash), true); err != nil {
			return err
		}
	}
	// The open epoch's batch fees are in the genesis inflows and in its
	// fees_paid; the store counts them only in the latter until it closes.
	open := epoch.FeesPaid
	for _, s := range gs.Inflows {
		amt := s.Amount
		if s.Source == types.SourceBatchFee {
			var neg bool
			if amt, neg = amt.SafeSub(open...); neg {
				return types.ErrInvalidGenesis.Wrapf("inflows[%s] %s are less than the open epoch's fees paid %s", s.Source, s.Amount, open)
			}
			open = nil
		}
		if err := addAll(ctx, k.Inflows, s.Source, amt); err != nil {
			return err
		}
	}
	if !open.IsZero() {
		return types.ErrInvalidGenesis.Wrapf("the open epoch's fees paid %s are not in inflows[%s]", open, types.SourceBatchFee)
	}
	for _, s := range gs.Outflows {
		if err := addAll(ctx, k.Outflows, s.Source, s.Amount); err != nil {
			return err
		}
	}
	for _, p := range gs.Pending {
		operator, err := k.addressCodec.StringToBytes(p.Operator)
		if err != nil {
			return types.ErrInvalidGenesis.Wrap(err.Error())
		}
		for _, c := range p.Amount {
			if err := k.Pending.Set(ctx, collections.Join(sdk.AccAddress(operator), c.Denom), c.Amount); err != nil {
				return err
			}
			total, err := getInt(ctx, k.PendingTotal, c.Denom)
			if err != nil {
				return err
			}
			if err := k.PendingTotal.Set(ctx, c.Denom, total.Add(c.Amount)); err != nil {
				return err
			}
		}
	}
	if gs.ActivePayout != nil {
		payout := *gs.ActivePayout
		payout.ApprovedWork = orZero(payout.ApprovedWork)
		if err := k.ActivePayout.Set(ctx, payout); err != nil {
			return err
		}
	}
	for _, p := range gs.Payouts {
		if err := k.Payouts.Set(ctx, p.Epoch, p); err != nil {
			return err
		}
	}
	if err := k.CheckPoolInvariant(ctx); err != nil {
		return types.ErrInvalidGenesis.Wrap(err.Error())
	}
	return nil
}

// ExportGenesis reads the module state back into a genesis state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	epoch, err := k.Epoch.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params, Epoch: epoch}
	if err := k.Work.Walk(ctx, nil, func(key collections.Triple[uint64, string, string], w types.WorkRecord) (bool, error) {
		gs.Work = append(gs.Work, withWorkKey(key, w))
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.RollupTotals.Walk(ctx, nil, func(_ collections.Pair[uint64, string], w types.RollupWork) (bool, error) {
		gs.RollupWork = append(gs.RollupWork, w)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.ApprovedKeys.Walk(ctx, nil, func(key collections.Pair[string, []byte], _ bool) (bool, error) {
		gs.ApprovedKeys = append(gs.ApprovedKeys, types.ApprovedRollupKey{RollupId: key.K1(), VkHash: key.K2()})
		return false, nil
	}); err != nil {
		return nil, err
	}
	if gs.Inflows, _, err = k.InflowsBySource(ctx); err != nil {
		return nil, err
	}
	if gs.Outflows, _, err = k.OutflowsByDestination(ctx); err != nil {
		return nil, err
	}
	if err := k.Pending.Walk(ctx, nil, func(key collections.Pair[sdk.AccAddress, string], amt sdkmath.Int) (bool, error) {
		operator, err := k.addressCodec.BytesToString(key.K1())
		if err != nil {
			return true, err
		}
		coin := sdk.NewCoin(key.K2(), amt)
		if n := len(gs.Pending); n > 0 && gs.Pending[n-1].Operator == operator {
			gs.Pending[n-1].Amount = gs.Pending[n-1].Amount.Add(coin)
		} else {
			gs.Pending = append(gs.Pending, types.PendingReward{Operator: operator, Amount: sdk.NewCoins(coin)})
		}
		return false, nil
	}); err != nil {
		return nil, err
	}
	payout, err := k.ActivePayout.Get(ctx)
	switch {
	case err == nil:
		gs.ActivePayout = &payout
	case !errors.Is(err, collections.ErrNotFound):
		return nil, err
	}
	if err := k.Payouts.Walk(ctx, nil, func(_ uint64, p types.EpochPayout) (bool, error) {
		gs.Payouts = append(gs.Payouts, p)
		return false, nil
	}); err != nil {
		return nil, err
	}
	return gs, nil
}
