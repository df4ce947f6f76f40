package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/x/crossrollup"
	"github.com/nativechain/nativechain/x/crossrollup/keeper"
	"github.com/nativechain/nativechain/x/crossrollup/types"
)

type fixture struct {
	ctx       sdk.Context
	keeper    keeper.Keeper
	msgServer types.MsgServer
	authority string
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	testCtx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test"))
	encCfg := moduletestutil.MakeTestEncodingConfig(crossrollup.AppModule{})
	ac := address.NewBech32Codec("native")
	authority, err := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	require.NoError(t, err)

	bank := newFakeBank()
	k := keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), ac, bank, &fakeRollups{}, &fakeBatches{}, &fakePool{bank: bank}, nil, authority)
	require.NoError(t, k.InitGenesis(testCtx.Ctx, types.DefaultGenesis()))
	return fixture{ctx: testCtx.Ctx, keeper: k, msgServer: keeper.NewMsgServerImpl(k), authority: authority}
}

func TestNewKeeper_PanicsOnMalformedAuthority(t *testing.T) {
	key := storetypes.NewKVStoreKey(types.StoreKey)
	encCfg := moduletestutil.MakeTestEncodingConfig(crossrollup.AppModule{})
	bank := newFakeBank()
	requirePanicsContaining(t, `x/crossrollup: invalid authority address "cosmos1notours"`, func() {
		keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), address.NewBech32Codec("native"),
			bank, &fakeRollups{}, &fakeBatches{}, &fakePool{bank: bank}, nil, "cosmos1notours")
	})
}

// The app refuses to start without a dependency: no path of the keeper
// (bridge fees, bundles, exits) runs with one missing.
func TestNewKeeper_PanicsOnAMissingDependency(t *testing.T) {
	key := storetypes.NewKVStoreKey(types.StoreKey)
	encCfg := moduletestutil.MakeTestEncodingConfig(crossrollup.AppModule{})
	ac := address.NewBech32Codec("native")
	authority, err := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	require.NoError(t, err)
	bank := newFakeBank()
	build := func(rollups types.RollupsKeeper, batches types.BatchSubmitter, pool types.RewardPool, verifiers map[string]types.ExitVerifier) {
		keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), ac, bank, rollups, batches, pool, verifiers, authority)
	}
	require.PanicsWithValue(t, "x/crossrollup: NewKeeper: no rollups keeper given", func() { build(nil, &fakeBatches{}, &fakePool{}, nil) })
	require.PanicsWithValue(t, "x/crossrollup: NewKeeper: no batch submitter given", func() { build(&fakeRollups{}, nil, &fakePool{}, nil) })
	require.PanicsWithValue(t, "x/crossrollup: NewKeeper: no reward pool given", func() { build(&fakeRollups{}, &fakeBatches{}, nil, nil) })
	require.PanicsWithValue(t, `x/crossrollup: NewKeeper: no exit verifier for layout "unused" given`, func() {
		build(&fakeRollups{}, &fakeBatches{}, &fakePool{}, map[string]types.ExitVerifier{"unused": nil})
	})
	require.NotPanics(t, func() { build(&fakeRollups{}, &fakeBatches{}, &fakePool{}, nil) }, "a chain may support no exit layout")
}

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

func TestUpdateParams(t *testing.T) {
	valid := types.DefaultParams()
	valid.MaxPayloadBytes = 2048

	zeroGas := types.DefaultParams()
	zeroGas.MaxOutboxEntries = 0

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
	gs.Params.DepositsEnabled = false
	require.NoError(t, f.keeper.InitGenesis(f.ctx, gs))
	exported, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Equal(t, gs.String(), exported.String())
}

func TestInitGenesis_RejectsInvalidParams(t *testing.T) {
	f := newFixture(t)
	gs := types.DefaultGenesis()
	gs.Params.MaxPayloadBytes = 0
	require.ErrorIs(t, f.keeper.InitGenesis(f.ctx, gs), types.ErrInvalidGenesis)
}

func ptr[T any](v T) *T { return &v }
