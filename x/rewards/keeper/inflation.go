package keeper

import (
	"context"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	mintkeeper "github.com/cosmos/cosmos-sdk/x/mint/keeper"
	minttypes "github.com/cosmos/cosmos-sdk/x/mint/types"

	"github.com/nativechain/nativechain/x/rewards/types"
)

// SupplyReader is the part of x/bank MintInflation reads.
type SupplyReader interface {
	GetSupply(ctx context.Context, denom string) sdk.Coin
}

// MintInflation reads what x/mint's default mint function minted in the
// current block. That function stores the updated minter before it mints
// minter.BlockProvision(params), so after x/mint's BeginBlock the stored
// minter and params give this block's amount exactly. When a max supply is
// set and the supply has reached it, the mint may have been cut to an amount
// that cannot be recovered; MintInflation then reports zero, never more than
// was minted.
type MintInflation struct {
	minter collections.Item[minttypes.Minter]
	params collections.Item[minttypes.Params]
	supply SupplyReader
}

var _ types.InflationSource = MintInflation{}

// NewMintInflation reads the stores of the app's x/mint keeper.
func NewMintInflation(mk mintkeeper.Keeper, supply SupplyReader) MintInflation {
	return MintInflation{minter: mk.Minter, params: mk.Params, supply: supply}
}

// BlockInflation returns this block's minted coin.
func (m MintInflation) BlockInflation(ctx context.Context) (sdk.Coin, error) {
	minter, err := m.minter.Get(ctx)
	if err != nil {
		return sdk.Coin{}, err
	}
	params, err := m.params.Get(ctx)
	if err != nil {
		return sdk.Coin{}, err
	}
	minted := minter.BlockProvision(params)
	if !params.MaxSupply.IsZero() && m.supply.GetSupply(ctx, params.MintDenom).Amount.GTE(params.MaxSupply) {
		return sdk.NewInt64Coin(params.MintDenom, 0), nil
	}
	return minted, nil
}

// BeginBlock moves inflation_share of the coins x/mint just minted from the
// fee collector into the pool. It runs after x/mint and before
// x/distribution, which allocates what is left in the fee collector.
func (k Keeper) BeginBlock(ctx context.Context) error {
	if k.inflation == nil {
		return nil
	}
	minted, err := k.inflation.BlockInflation(ctx)
	if err != nil {
		return err
	}
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
