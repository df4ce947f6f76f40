package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/x/rewards"
	"github.com/nativechain/nativechain/x/rewards/keeper"
	"github.com/nativechain/nativechain/x/rewards/types"
)

func TestNewKeeper_PanicsOnMalformedAuthority(t *testing.T) {
	key := storetypes.NewKVStoreKey(types.StoreKey)
	encCfg := moduletestutil.MakeTestEncodingConfig(rewards.AppModule{})
	requirePanicsContaining(t, `x/rewards: invalid authority address "cosmos1notours"`, func() {
		keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), address.NewBech32Codec("native"),
			newFakeBank(), &fakeRollups{}, feeCollector, "cosmos1notours")
	})
}

// The app refuses to start without a dependency: the pool never pays a
// rollup's operators without asking x/rollups whether it is active.
func TestNewKeeper_PanicsOnAMissingDependency(t *testing.T) {
	key := storetypes.NewKVStoreKey(types.StoreKey)
	encCfg := moduletestutil.MakeTestEncodingConfig(rewards.AppModule{})
	ac := address.NewBech32Codec("native")
	authority, err := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	require.NoError(t, err)
	require.PanicsWithValue(t, "x/rewards: NewKeeper: no rollups keeper given", func() {
		keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), ac, newFakeBank(), nil, feeCollector, authority)
	})
	require.PanicsWithValue(t, "x/rewards: NewKeeper: no bank keeper given", func() {
		keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), ac, nil, &fakeRollups{}, feeCollector, authority)
	})
	require.PanicsWithValue(t, "x/rewards: NewKeeper: no fee collector name given", func() {
		keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), ac, newFakeBank(), &fakeRollups{}, "", authority)
	})
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
	valid.EpochLength = 10

	zeroEpoch := types.DefaultParams()
	zeroEpoch.EpochLength = 0

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
		{"invalid params are refused", func(f fixture) string { return f.authority }, zeroEpoch, types.ErrInvalidParams},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			before := f.params(t)
			_, err := f.msgServer.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: tc.authority(f), Params: tc.params})
			got := f.params(t)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Equal(t, fmt.Sprint(ptr(before)), fmt.Sprint(ptr(got)), "a refused update must change nothing")
				return
			}
			require.NoError(t, err)
			require.Equal(t, fmt.Sprint(ptr(tc.params)), fmt.Sprint(ptr(got)))
		})
	}
}

func TestParamsQuery(t *testing.T) {
	f := newFixture(t)
	res, err := f.query.Params(f.ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, fmt.Sprint(ptr(f.params(t))), fmt.Sprint(ptr(res.Params)))
}

func TestInitGenesis_RejectsInvalidParams(t *testing.T) {
	f := newFixture(t)
	gs := types.DefaultGenesis()
	gs.Params.EpochLength = 0
	require.ErrorIs(t, f.keeper.InitGenesis(f.ctx, gs), types.ErrInvalidGenesis)
}

func ptr[T any](v T) *T { return &v }
