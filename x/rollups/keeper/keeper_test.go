package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/x/rollups"
	"github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/types"
)

func TestNewKeeper_PanicsOnMalformedAuthority(t *testing.T) {
	key := storetypes.NewKVStoreKey(types.StoreKey)
	encCfg := moduletestutil.MakeTestEncodingConfig(rollups.AppModule{})
	requirePanicsContaining(t, `x/rollups: invalid authority address "cosmos1notours"`, func() {
		keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), address.NewBech32Codec("native"), newFakeBank(), "cosmos1notours")
	})
}

// The app refuses to start without a dependency: no path of the keeper
// runs with one missing.
func TestNewKeeper_PanicsOnAMissingDependency(t *testing.T) {
	key := storetypes.NewKVStoreKey(types.StoreKey)
	encCfg := moduletestutil.MakeTestEncodingConfig(rollups.AppModule{})
	ac := address.NewBech32Codec("native")
	authority, err := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	require.NoError(t, err)
	require.PanicsWithValue(t, "x/rollups: NewKeeper: no bank keeper given", func() {
		keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), ac, nil, authority)
	})
	require.PanicsWithValue(t, "x/rollups: NewKeeper: no address codec given", func() {
		keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), nil, newFakeBank(), authority)
	})
}

// Hooks are registered once, as x/staking's: a second registration, or
// none, is a wiring bug the app refuses to start with.
func TestSetHooks_PanicsOnASecondRegistrationAndOnNil(t *testing.T) {
	f := newFixture(t)
	require.PanicsWithValue(t, "x/rollups: SetHooks: hooks already set", func() { f.keeper.SetHooks(&recordingHooks{}) })

	key := storetypes.NewKVStoreKey(types.StoreKey)
	encCfg := moduletestutil.MakeTestEncodingConfig(rollups.AppModule{})
	k := keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), f.ac, newFakeBank(), f.authority)
	require.PanicsWithValue(t, "x/rollups: SetHooks: nil hooks", func() { k.SetHooks(nil) })
	require.PanicsWithValue(t,
		"x/rollups: NewAppModule: the keeper has no hooks; register x/crossrollup's and x/rewards' with SetHooks first",
		func() { rollups.NewAppModule(encCfg.Codec, k) })
	k.SetHooks(types.MultiRollupsHooks{})
	require.NotPanics(t, func() { rollups.NewAppModule(encCfg.Codec, k) })
}

func TestUpdateParams(t *testing.T) {
	valid := types.DefaultParams()
	valid.MaxBatchDataBytes = 64 * 1024

	zeroGas := types.DefaultParams()
	zeroGas.VerifyProofGas = 0

	tests := []struct {
		name      string
		authority func(f fixture) string
		params    types.Params
		wantErr   error
	}{
		{"authority updates params", func(f fixture) string { return f.authority }, valid, nil},
		{"non-authority is refused", func(fixture) string {
			addr, _ := address.NewBech32Codec("native").BytesToString([]byte("someone-else-00000000"))
			return addr
		}, valid, types.ErrUnauthorized},
		{"malformed authority is refused", func(fixture) string { return "native1bad" }, valid, types.ErrUnauthorized},
		{"invalid params are refused", func(f fixture) string { return f.authority }, zeroGas, types.ErrInvalidParams},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			_, err := f.msgServer.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: tc.authority(f), Params: tc.params})
			got, getErr := f.keeper.Params.Get(f.ctx)
			require.NoError(t, getErr)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Equal(t, fmt.Sprint(ptr(types.DefaultParams())), fmt.Sprint(ptr(got)), "a refused update must change nothing")
				return
			}
			require.NoError(t, err)
			require.Equal(t, fmt.Sprint(ptr(tc.params)), fmt.Sprint(ptr(got)))
		})
	}
}

func TestParamsQuery(t *testing.T) {
	f := newFixture(t)
	res, err := keeper.NewQueryServerImpl(f.keeper).Params(f.ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, fmt.Sprint(ptr(types.DefaultParams())), fmt.Sprint(ptr(res.Params)))
}

func TestGenesis_ExportReturnsWhatWasImported(t *testing.T) {
	f := newFixture(t)
	gs := types.DefaultGenesis()
	gs.Params.InboxDeadlineBlocks = 42
	require.NoError(t, f.keeper.InitGenesis(f.ctx, gs))
	exported, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Equal(t, gs.String(), exported.String())
}

func TestInitGenesis_RejectsInvalidParams(t *testing.T) {
	f := newFixture(t)
	gs := types.DefaultGenesis()
	gs.Params.MaxOperators = 0
	require.ErrorIs(t, f.keeper.InitGenesis(f.ctx, gs), types.ErrInvalidGenesis)
}

func ptr[T any](v T) *T { return &v }

// requirePanicsContaining asserts that f panics with a message containing
// want.
func requirePanicsContaining(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		require.NotNil(t, r, "expected a panic containing %q", want)
		require.Contains(t, fmt.Sprint(r), want)
	}()
	f()
}

// MultiRollupsHooks calls the hooks in order: the first veto of a
// deregistration stops it, and reward funds reach only the hooks before a
// failing one.
func TestMultiRollupsHooks_StopAtTheFirstVetoOrError(t *testing.T) {
	f := newFixture(t)
	bank := newFakeBank()
	bank.fund(authtypes.NewModuleAddress(types.ModuleName), sdk.NewInt64Coin("unat", 10))
	vetoing := &recordingHooks{ledger: &fakeBridgeLedger{holds: map[string]bool{"a": true}}, pool: &fakeRewardPool{bank: bank}}
	failing := &recordingHooks{ledger: &fakeBridgeLedger{holds: map[string]bool{}}, pool: &fakeRewardPool{bank: bank, err: types.ErrUnauthorized}}
	never := &recordingHooks{ledger: &fakeBridgeLedger{err: types.ErrUnknownRollup}, pool: &fakeRewardPool{bank: bank}}

	require.ErrorIs(t, types.MultiRollupsHooks{vetoing, never}.BeforeRollupDeregistered(f.ctx, "a"), types.ErrBridgeLedgerNotEmpty)
	require.NoError(t, types.MultiRollupsHooks{vetoing, failing}.BeforeRollupDeregistered(f.ctx, "b"))

	fee := sdk.NewCoins(sdk.NewInt64Coin("unat", 4))
	err := types.MultiRollupsHooks{vetoing, failing, never}.AfterRewardFundsCollected(f.ctx, fee, types.RewardSourceRegistrationFee)
	require.ErrorIs(t, err, types.ErrUnauthorized)
	require.Equal(t, []string{"registration_fee:4unat"}, vetoing.pool.inflows)
	require.Empty(t, never.pool.inflows, "hooks after a failing one are not called")
}
