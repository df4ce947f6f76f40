package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	minttypes "github.com/cosmos/cosmos-sdk/x/mint/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	rewardstypes "github.com/nativechain/nativechain/x/rewards/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// mintOutcome is what one run of x/mint's mint function moved.
type mintOutcome struct {
	minted, toPool, toFeeCollector sdkmath.Int
}

// runMint runs x/mint's mint function (the one x/mint's BeginBlock runs) on
// a branch of the chain's state, with max_supply set to maxSupply(supply).
func runMint(t *testing.T, c *apptest.Chain, maxSupply func(supply sdkmath.Int) sdkmath.Int) mintOutcome {
	t.Helper()
	ctx, _ := c.Context().CacheContext()
	bank := c.App.BankKeeper
	params, err := c.App.MintKeeper.Params.Get(ctx)
	require.NoError(t, err)
	supply := bank.GetSupply(ctx, app.BondDenom).Amount
	params.MaxSupply = maxSupply(supply)
	require.NoError(t, c.App.MintKeeper.Params.Set(ctx, params))
	pool := authtypes.NewModuleAddress(rewardstypes.ModuleName)
	feeCollector := authtypes.NewModuleAddress(authtypes.FeeCollectorName)
	poolBefore, fcBefore := bank.GetBalance(ctx, pool, app.BondDenom), bank.GetBalance(ctx, feeCollector, app.BondDenom)

	require.NoError(t, c.App.MintKeeper.MintFn(ctx))

	return mintOutcome{
		minted:         bank.GetSupply(ctx, app.BondDenom).Amount.Sub(supply),
		toPool:         bank.GetBalance(ctx, pool, app.BondDenom).Amount.Sub(poolBefore.Amount),
		toFeeCollector: bank.GetBalance(ctx, feeCollector, app.BondDenom).Amount.Sub(fcBefore.Amount),
	}
}

// x/rewards takes its share of inflation through x/mint's own extension
// point: the mint function mints into the fee collector, and the pool takes
// inflation_share of what was minted, before x/distribution sees it.
func TestMintFn_ThePoolTakesItsShareOfWhatXMintMinted(t *testing.T) {
	c := apptest.Setup(t, 1)
	share, err := c.App.RewardsKeeper.Params.Get(c.Context())
	require.NoError(t, err)

	got := runMint(t, c, func(sdkmath.Int) sdkmath.Int { return sdkmath.ZeroInt() }) // no max supply

	require.True(t, got.minted.IsPositive())
	want := share.InflationShare.MulInt(got.minted).TruncateInt()
	require.True(t, want.IsPositive())
	require.Equal(t, want.String(), got.toPool.String())
	require.Equal(t, got.minted.Sub(want).String(), got.toFeeCollector.String(), "the rest is x/distribution's")
}

// The pool takes nothing once the supply has reached max_supply, including
// from the block that reaches it, capped or not (what x/rewards' BeginBlock
// did when it read x/mint's state).
func TestMintFn_ThePoolTakesNothingOnceMaxSupplyIsReached(t *testing.T) {
	c := apptest.Setup(t, 1)
	provision := runMint(t, c, func(sdkmath.Int) sdkmath.Int { return sdkmath.ZeroInt() }).minted
	require.True(t, provision.GT(sdkmath.NewInt(2)))

	for _, tc := range []struct {
		name       string
		maxSupply  func(supply sdkmath.Int) sdkmath.Int
		wantMinted sdkmath.Int
		poolTakes  bool
	}{
		{"max supply far away", func(s sdkmath.Int) sdkmath.Int { return s.Add(provision.MulRaw(10)) }, provision, true},
		{"this block reaches it exactly", func(s sdkmath.Int) sdkmath.Int { return s.Add(provision) }, provision, false},
		{"this block is cut to reach it", func(s sdkmath.Int) sdkmath.Int { return s.Add(provision.QuoRaw(2)) }, provision.QuoRaw(2), false},
		{"already reached", func(s sdkmath.Int) sdkmath.Int { return s }, sdkmath.ZeroInt(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := runMint(t, c, tc.maxSupply)
			require.Equal(t, tc.wantMinted.String(), got.minted.String())
			require.Equal(t, tc.poolTakes, got.toPool.IsPositive(), "pool took %s", got.toPool)
			require.Equal(t, got.minted.Sub(got.toPool).String(), got.toFeeCollector.String())
		})
	}
}

// x/rollups' hooks are registered once, by app.New: a second registration
// is a wiring bug that panics, as x/staking's does.
func TestNew_RegistersRollupsHooksOnce(t *testing.T) {
	c := apptest.Setup(t, 1)
	require.PanicsWithValue(t, "x/rollups: SetHooks: hooks already set", func() {
		c.App.RollupsKeeper.SetHooks(rollupstypes.MultiRollupsHooks{c.App.RewardsKeeper.Hooks()})
	})
}

// Red team (docs/adversarial.md): the pool's share is measured around
// x/mint's own minting, so coins minted or burned elsewhere in the same
// block before it (another module's mint, a burn) change neither what the
// pool takes nor what the fee collector keeps.
func TestMintFn_SupplyChangesOutsideTheMintDoNotChangeTheShare(t *testing.T) {
	c := apptest.Setup(t, 1)
	share, err := c.App.RewardsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	plain := runMint(t, c, func(sdkmath.Int) sdkmath.Int { return sdkmath.ZeroInt() })

	ctx, _ := c.Context().CacheContext()
	bank := c.App.BankKeeper
	// Another module mints a lot, and some of it is burned, before x/mint
	// runs in the same block.
	extra := sdk.NewCoins(sdk.NewCoin(app.BondDenom, plain.minted.MulRaw(1000)))
	require.NoError(t, bank.MintCoins(ctx, minttypes.ModuleName, extra))
	require.NoError(t, bank.SendCoinsFromModuleToModule(ctx, minttypes.ModuleName, govtypes.ModuleName, extra))
	burn := sdk.NewCoins(sdk.NewCoin(app.BondDenom, plain.minted.MulRaw(400)))
	require.NoError(t, bank.BurnCoins(ctx, govtypes.ModuleName, burn))

	pool := authtypes.NewModuleAddress(rewardstypes.ModuleName)
	feeCollector := authtypes.NewModuleAddress(authtypes.FeeCollectorName)
	supply := bank.GetSupply(ctx, app.BondDenom).Amount
	poolBefore, fcBefore := bank.GetBalance(ctx, pool, app.BondDenom).Amount, bank.GetBalance(ctx, feeCollector, app.BondDenom).Amount
	require.NoError(t, c.App.MintKeeper.MintFn(ctx))
	minted := bank.GetSupply(ctx, app.BondDenom).Amount.Sub(supply)
	toPool := bank.GetBalance(ctx, pool, app.BondDenom).Amount.Sub(poolBefore)
	toFC := bank.GetBalance(ctx, feeCollector, app.BondDenom).Amount.Sub(fcBefore)

	require.Equal(t, share.InflationShare.MulInt(minted).TruncateInt().String(), toPool.String())
	require.Equal(t, minted.Sub(toPool).String(), toFC.String())
	t.Logf("plain block: minted %s, pool %s; this block: minted %s, pool %s", plain.minted, plain.toPool, minted, toPool)
	require.True(t, minted.IsPositive())
}
