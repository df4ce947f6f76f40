package app

import (
	"context"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	mintkeeper "github.com/cosmos/cosmos-sdk/x/mint/keeper"
	minttypes "github.com/cosmos/cosmos-sdk/x/mint/types"
)

// inflationPool is the part of x/rewards the mint function pays: it takes
// its share of what x/mint minted out of the fee collector.
type inflationPool interface {
	TakeInflationShare(ctx context.Context, minted sdk.Coin) error
}

// supplyReader is the part of x/bank the mint function measures the mint
// with.
type supplyReader interface {
	GetSupply(ctx context.Context, denom string) sdk.Coin
}

// mintWithPoolShare is the app's x/mint mint function (x/mint's extension
// point, mintkeeper.WithMintFn): x/mint's default minting into the fee
// collector, then the reward pool's inflation_share of what it minted, in
// x/mint's BeginBlock, before x/distribution allocates the rest of the fee
// collector. Once the supply has reached x/mint's max_supply the pool
// takes nothing, even from the block that reached it.
func mintWithPoolShare(pool inflationPool, supply supplyReader) mintkeeper.MintFn {
	mint := mintkeeper.DefaultMintFn(minttypes.DefaultInflationCalculationFn)
	return func(ctx sdk.Context, k *mintkeeper.Keeper) error {
		params, err := k.Params.Get(ctx)
		if err != nil {
			return err
		}
		before := supply.GetSupply(ctx, params.MintDenom).Amount
		if err := mint(ctx, k); err != nil {
			return err
		}
		after := supply.GetSupply(ctx, params.MintDenom).Amount
		minted := after.Sub(before)
		if !params.MaxSupply.IsZero() && after.GTE(params.MaxSupply) {
			minted = sdkmath.ZeroInt()
		}
		return pool.TakeInflationShare(ctx, sdk.NewCoin(params.MintDenom, minted))
	}
}
