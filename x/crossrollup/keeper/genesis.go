package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/x/crossrollup/types"
)

// InitGenesis writes the genesis state. x/bank's genesis runs first, so the
// escrow account's balance can be checked against the ledgers: the bridge
// invariant holds from the first block.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	total := sdk.NewCoins()
	for _, l := range gs.Ledgers {
		amt, _ := sdkmath.NewIntFromString(l.Amount) // validated above
		if err := k.Ledgers.Set(ctx, collections.Join(l.RollupId, l.Denom), amt); err != nil {
			return err
		}
		total = total.Add(sdk.NewCoin(l.Denom, amt))
	}
	for _, id := range gs.Paused {
		if err := k.Paused.Set(ctx, id, true); err != nil {
			return err
		}
	}
	for _, c := range gs.OutflowCaps {
		if err := k.OutflowCaps.Set(ctx, c.RollupId, c.Cap); err != nil {
			return err
		}
	}
	for _, u := range gs.OutflowUsage {
		if err := k.OutflowUsage.Set(ctx, u.RollupId, u.Usage); err != nil {
			return err
		}
	}
	pending := sdk.NewCoins()
	for _, p := range gs.Pending {
		if err := k.Pending.Set(ctx, p.Id, p); err != nil {
			return err
		}
		pending = pending.Add(p.Amount)
	}
	if err := k.NextPendingID.Set(ctx, gs.NextPendingId); err != nil {
		return err
	}
	if err := k.ReleaseCursor.Set(ctx, gs.ReleaseCursor); err != nil {
		return err
	}
	if err := k.initExodusGenesis(ctx, gs); err != nil {
		return err
	}
	accrued := sdk.NewCoins()
	for _, a := range gs.Accrued {
		addr, err := k.addressCodec.StringToBytes(a.Address)
		if err != nil {
			return types.ErrInvalidGenesis.Wrapf("accrued withdrawal of %q: %s", a.Address, err)
		}
		if err := k.Accrued.Set(ctx, collections.Join(sdk.AccAddress(addr), a.Amount.Denom), a.Amount.Amount); err != nil {
			return err
		}
		accrued = accrued.Add(a.Amount)
	}
	escrow := k.bankKeeper.GetAllBalances(ctx, authtypes.NewModuleAddress(types.ModuleName))
	if !escrow.Equal(total.Add(pending...).Add(accrued...)) {
		return types.ErrInvalidGenesis.Wrapf("escrow account holds %s, ledgers sum to %s, pending withdrawals to %s and accrued withdrawals to %s",
			escrow, total, pending, accrued)
	}
	return nil
}

// ExportGenesis reads the module state back, ledgers in key order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params}
	err = k.Ledgers.Walk(ctx, nil, func(key collections.Pair[string, string], amt sdkmath.Int) (bool, error) {
		gs.Ledgers = append(gs.Ledgers, types.EscrowLedger{RollupId: key.K1(), Denom: key.K2(), Amount: amt.String()})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if err := k.Paused.Walk(ctx, nil, func(id string, _ bool) (bool, error) {
		gs.Paused = append(gs.Paused, id)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.OutflowCaps.Walk(ctx, nil, func(id string, c types.OutflowCap) (bool, error) {
		gs.OutflowCaps = append(gs.OutflowCaps, types.RollupOutflowCap{RollupId: id, Cap: c})
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.OutflowUsage.Walk(ctx, nil, func(id string, u types.OutflowUsage) (bool, error) {
		gs.OutflowUsage = append(gs.OutflowUsage, types.RollupOutflowUsage{RollupId: id, Usage: u})
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Pending.Walk(ctx, nil, func(_ uint64, p types.PendingWithdrawal) (bool, error) {
		gs.Pending = append(gs.Pending, p)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if gs.NextPendingId, err = k.NextPendingID.Peek(ctx); err != nil {
		return nil, err
	}
	if gs.ReleaseCursor, err = k.ReleaseCursor.Get(ctx); err != nil && !errors.Is(err, collections.ErrNotFound) {
		return nil, err
	}
	if err := k.exportExodusGenesis(ctx, gs); err != nil {
		return nil, err
	}
	err = k.Accrued.Walk(ctx, nil, func(key collections.Pair[sdk.AccAddress, string], amt sdkmath.Int) (bool, error) {
		addr, err := k.addressCodec.BytesToString(key.K1())
		if err != nil {
			return true, err
		}
		gs.Accrued = append(gs.Accrued, types.AccruedWithdrawal{Address: addr, Amount: sdk.NewCoin(key.K2(), amt)})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	return gs, nil
}
