// Package apptest runs the real nativechain app in-process for integration
// tests: a genesis with deterministic validator and account keys, and
// helpers to finalize and commit blocks with signed transactions.
package apptest

import (
	"encoding/json"
	"math/rand"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/baseapp"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/nativechain/nativechain/app"
)

// ChainID is the chain id of in-process test chains.
const ChainID = "nativechain-test-1"

// GenesisTime is fixed so two chains built from the same genesis are
// byte-for-byte identical.
var GenesisTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Account is a funded genesis account with its signing key.
type Account struct {
	PrivKey cryptotypes.PrivKey
	Address sdk.AccAddress
	Number  uint64
	Seq     uint64
}

// Chain is one in-process nativechain node.
type Chain struct {
	T        testing.TB
	App      *app.NativeApp
	DB       dbm.DB
	Accounts []*Account
	Genesis  []byte
	Time     time.Time
	rng      *rand.Rand
}

// InitialBalance is what every test account holds at genesis.
var InitialBalance = sdkmath.NewInt(1_000_000_000_000)

// NewGenesis builds the app-state JSON of a one-validator chain with n
// funded accounts. Keys derive from fixed secrets, so the genesis is the
// same on every run.
func NewGenesis(t testing.TB, n int) ([]byte, []*Account) {
	t.Helper()
	nativeApp := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()))

	valPriv := ed25519.GenPrivKeyFromSecret([]byte("nativechain-test-validator-0"))
	cmtPub, err := cryptocodec.ToCmtPubKeyInterface(valPriv.PubKey())
	require.NoError(t, err)
	valSet := cmttypes.NewValidatorSet([]*cmttypes.Validator{cmttypes.NewValidator(cmtPub, 1)})

	accounts := make([]*Account, n)
	genAccs := make([]authtypes.GenesisAccount, n)
	balances := make([]banktypes.Balance, n)
	for i := range accounts {
		priv := secp256k1.GenPrivKeyFromSecret([]byte{byte(i), 'a', 'c', 'c'})
		addr := sdk.AccAddress(priv.PubKey().Address())
		accounts[i] = &Account{PrivKey: priv, Address: addr, Number: uint64(i)}
		genAccs[i] = authtypes.NewBaseAccount(addr, priv.PubKey(), uint64(i), 0)
		balances[i] = banktypes.Balance{Address: addr.String(), Coins: sdk.NewCoins(sdk.NewCoin(app.BondDenom, InitialBalance))}
	}

	state, err := simtestutil.GenesisStateWithValSet(nativeApp.AppCodec(), nativeApp.DefaultGenesis(), valSet, genAccs, balances...)
	require.NoError(t, err)
	bz, err := json.MarshalIndent(state, "", " ")
	require.NoError(t, err)
	return bz, accounts
}

// NewChain starts a chain from the given app state (see NewGenesis) on a
// fresh in-memory database and commits block 1, which carries the genesis
// state.
func NewChain(t testing.TB, appState []byte, accounts []*Account) *Chain {
	t.Helper()
	db := dbm.NewMemDB()
	nativeApp := app.New(log.NewNopLogger(), db, true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()), baseapp.SetChainID(ChainID))
	return startChain(t, nativeApp, db, appState, accounts)
}

// startChain runs InitChain on a loaded app and commits block 1.
func startChain(t testing.TB, nativeApp *app.NativeApp, db dbm.DB, appState []byte, accounts []*Account) *Chain {
	t.Helper()
	_, err := nativeApp.InitChain(&abci.RequestInitChain{
		ChainId:         ChainID,
		Time:            GenesisTime,
		Validators:      []abci.ValidatorUpdate{},
		ConsensusParams: simtestutil.DefaultConsensusParams,
		AppStateBytes:   appState,
		InitialHeight:   1,
	})
	require.NoError(t, err)

	// Each chain gets its own copy of the accounts so sequences are per chain.
	own := make([]*Account, len(accounts))
	for i, a := range accounts {
		cp := *a
		own[i] = &cp
	}
	c := &Chain{T: t, App: nativeApp, DB: db, Accounts: own, Genesis: appState, Time: GenesisTime, rng: rand.New(rand.NewSource(1))}
	// The genesis state is committed with the first block.
	c.NextBlock()
	return c
}

// Setup is NewGenesis followed by NewChain.
func Setup(t testing.TB, accounts int) *Chain {
	t.Helper()
	genesis, accs := NewGenesis(t, accounts)
	return NewChain(t, genesis, accs)
}

// NextBlock finalizes and commits one block holding txs, one second after
// the previous block, and returns the finalize response.
func (c *Chain) NextBlock(txs ...[]byte) *abci.ResponseFinalizeBlock {
	c.T.Helper()
	c.Time = c.Time.Add(time.Second)
	res, err := c.App.FinalizeBlock(&abci.RequestFinalizeBlock{
		Height: c.App.LastBlockHeight() + 1,
		Time:   c.Time,
		Txs:    txs,
	})
	require.NoError(c.T, err)
	_, err = c.App.Commit()
	require.NoError(c.T, err)
	return res
}

// SignTx signs msgs with the account's key at its current sequence and
// advances the sequence. Fees are generous so tests never run out of gas.
func (c *Chain) SignTx(from *Account, msgs ...sdk.Msg) []byte {
	c.T.Helper()
	txCfg := c.App.TxConfig()
	tx, err := simtestutil.GenSignedMockTx(c.rng, txCfg, msgs,
		sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(10_000))), 1_000_000, ChainID,
		[]uint64{from.Number}, []uint64{from.Seq}, from.PrivKey)
	require.NoError(c.T, err)
	bz, err := txCfg.TxEncoder()(tx)
	require.NoError(c.T, err)
	from.Seq++
	return bz
}

// Context returns a read-only context on the last committed state.
func (c *Chain) Context() sdk.Context {
	return c.App.NewContextLegacy(true, cmtproto.Header{Height: c.App.LastBlockHeight(), Time: c.Time, ChainID: ChainID})
}
