package app_test

import (
	"encoding/json"
	"fmt"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/cosmos/cosmos-sdk/baseapp"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rewardstypes "github.com/nativechain/nativechain/x/rewards/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

func bankSend(c *apptest.Chain, from, to int, amount int64) []byte {
	msg := banktypes.NewMsgSend(c.Accounts[from].Address, c.Accounts[to].Address,
		sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(amount))))
	return c.SignTx(c.Accounts[from], msg)
}

func TestApp_BootsFromGenesisAndProducesBlocks(t *testing.T) {
	c := apptest.Setup(t, 2)

	before := c.App.BankKeeper.GetBalance(c.Context(), c.Accounts[1].Address, app.BondDenom)
	for i := 0; i < 3; i++ {
		res := c.NextBlock(bankSend(c, 0, 1, 1_000))
		require.Len(t, res.TxResults, 1)
		require.Equal(t, uint32(0), res.TxResults[0].Code, res.TxResults[0].Log)
	}
	require.Equal(t, int64(4), c.App.LastBlockHeight(), "genesis block plus three")

	after := c.App.BankKeeper.GetBalance(c.Context(), c.Accounts[1].Address, app.BondDenom)
	require.Equal(t, before.Amount.AddRaw(3_000), after.Amount)

	// Every nativechain module starts from its default params.
	ctx := c.Context()
	rp, err := c.App.RollupsKeeper.Params.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, fmt.Sprint(ptr(rollupstypes.DefaultParams())), fmt.Sprint(ptr(rp)))
	cp, err := c.App.CrossRollupKeeper.Params.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, fmt.Sprint(ptr(crossrolluptypes.DefaultParams())), fmt.Sprint(ptr(cp)))
	wp, err := c.App.RewardsKeeper.Params.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, fmt.Sprint(ptr(rewardstypes.DefaultParams())), fmt.Sprint(ptr(wp)))
}

func TestApp_NativeDenomIsUnat(t *testing.T) {
	c := apptest.Setup(t, 1)
	ctx := c.Context()
	bondDenom, err := c.App.StakingKeeper.BondDenom(ctx)
	require.NoError(t, err)
	require.Equal(t, "unat", bondDenom)
	require.Equal(t, "native", sdk.GetConfig().GetBech32AccountAddrPrefix())
	require.Contains(t, c.Accounts[0].Address.String(), "native1")
}

// Exporting a running chain and starting a new chain from the export must
// reproduce the same state: re-exporting gives the same genesis.
func TestApp_ExportImportRoundTrip(t *testing.T) {
	c := apptest.Setup(t, 3)
	for i := 0; i < 4; i++ {
		c.NextBlock(bankSend(c, i%3, (i+1)%3, int64(100+i)))
	}

	exported, err := c.App.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)

	// Import into a fresh app: run its InitChainer on the exported state
	// and export again, without executing any block in between.
	imported := app.New(log.NewNopLogger(), dbm.NewMemDB(), true,
		simtestutil.NewAppOptionsWithFlagHome(t.TempDir()), baseapp.SetChainID(apptest.ChainID))
	ctxB := imported.NewNextBlockContext(cmtproto.Header{Height: c.App.LastBlockHeight(), ChainID: apptest.ChainID, Time: c.Time})
	_, err = imported.InitChainer(ctxB, &abci.RequestInitChain{AppStateBytes: exported.AppState, ChainId: apptest.ChainID})
	require.NoError(t, err)
	reexportedState, err := imported.ModuleManager.ExportGenesis(ctxB, imported.AppCodec())
	require.NoError(t, err)
	reexportedJSON, err := json.Marshal(reexportedState)
	require.NoError(t, err)

	var a, b map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exported.AppState, &a))
	require.NoError(t, json.Unmarshal(reexportedJSON, &b))
	require.Equal(t, len(a), len(b))
	for module, state := range a {
		require.JSONEq(t, string(state), string(b[module]), "module %s differs after re-import", module)
	}

	// The stores of the nativechain modules and of bank and auth hold the
	// same bytes on both apps.
	ctxA := c.Context()
	for _, key := range []string{"rollups", "crossrollup", "rewards", "bank", "acc"} {
		storeA, storeB := ctxA.KVStore(c.App.GetKey(key)), ctxB.KVStore(imported.GetKey(key))
		itA, itB := storeA.Iterator(nil, nil), storeB.Iterator(nil, nil)
		for ; itA.Valid(); itA.Next() {
			require.True(t, itB.Valid(), "store %s: imported app is missing key %X", key, itA.Key())
			require.Equal(t, itA.Key(), itB.Key(), "store %s", key)
			require.Equal(t, itA.Value(), itB.Value(), "store %s key %X", key, itA.Key())
			itB.Next()
		}
		require.False(t, itB.Valid(), "store %s: imported app has extra keys", key)
		require.NoError(t, itA.Close())
		require.NoError(t, itB.Close())
	}
}

func TestApp_ZeroHeightExportIsValidGenesis(t *testing.T) {
	c := apptest.Setup(t, 2)
	for i := 0; i < 3; i++ {
		c.NextBlock(bankSend(c, 0, 1, 10))
	}
	exported, err := c.App.ExportAppStateAndValidators(true, nil, nil)
	require.NoError(t, err)
	require.Equal(t, int64(0), exported.Height)

	var state map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exported.AppState, &state))
	require.NoError(t, c.App.BasicModuleManager.ValidateGenesis(c.App.AppCodec(), c.App.TxConfig(), state))
}

// Two nodes that execute the same blocks from the same genesis must agree on
// every app hash.
func TestApp_SameBlocksGiveSameAppHash(t *testing.T) {
	genesis, accounts := apptest.NewGenesis(t, 3)
	a := apptest.NewChain(t, genesis, accounts)
	b := apptest.NewChain(t, genesis, accounts)

	for i := 0; i < 5; i++ {
		txA := bankSend(a, i%3, (i+2)%3, int64(7*i+1))
		txB := bankSend(b, i%3, (i+2)%3, int64(7*i+1))
		require.Equal(t, txA, txB, "same inputs must sign to the same tx bytes")
		resA := a.NextBlock(txA)
		resB := b.NextBlock(txB)
		require.Equal(t, resA.AppHash, resB.AppHash, "app hash diverged at height %d", i+1)
		require.NotEmpty(t, resA.AppHash)
	}
}

func ptr[T any](v T) *T { return &v }
