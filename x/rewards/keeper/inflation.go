package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/x/rewards/types"
)

// TakeInflationShare moves inflation_share of the coins x/mint just minted
// into the fee collector from there into the pool. The app's mint function
// (app/mint.go, given to x/mint with mintkeeper.WithMintFn) calls it right
// after x/mint's own minting, in x/mint's BeginBlock, so it runs before
// x/distribution allocates what is left in the fee collector.
func (k Keeper) TakeInflationShare(ctx context.Context, minted sdk.Coin) error {
	if !minted.IsPositive() {
		return nil
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	share := params.InflationShare.MulInt(minted.Amount).TruncateInt()
	// The fee collector holds at least the minted coins at this point;
	// capping keeps a misconfigured mint function from halting the chain.
	share = minInt(share, k.bankKeeper.GetAllBalances(ctx, authtypes.NewModuleAddress(k.feeCollector)).AmountOf(minted.Denom))
	if !share.IsPositive() {
		return nil
	}
	return k.FundPool(ctx, FromModule(k.feeCollector), sdk.NewCoins(sdk.NewCoin(minted.Denom, share)), types.SourceInflation)
}
