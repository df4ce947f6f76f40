package keeper

import (
	"context"

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
	escrow := k.bankKeeper.GetAllBalances(ctx, authtypes.NewModuleAddress(types.ModuleName))
	if !escrow.Equal(total) {
		return types.ErrInvalidGenesis.Wrapf("escrow account holds %s, ledgers sum to %s", escrow, total)
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
	return gs, err
}
