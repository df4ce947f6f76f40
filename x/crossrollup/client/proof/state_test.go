package proof_test

import (
	"context"
	"testing"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/store/v2/rootmulti"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/client/proof"
	crossrollupkeeper "github.com/nativechain/nativechain/x/crossrollup/keeper"
	rollupskeeper "github.com/nativechain/nativechain/x/rollups/keeper"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

const (
	testRollup = "payments"
	testDenom  = "unat"
	// otherStore is mounted next to the bridge stores so the multistore
	// proof has a real sibling to hash with.
	otherStore = "bank"
)

// chainState is a real multistore (rootmulti with IAVL on an in-memory db)
// written through the real keepers, so proofs and keys in these tests are
// exactly what a node serves.
type chainState struct {
	t       *testing.T
	cms     *rootmulti.Store
	keys    map[string]*storetypes.KVStoreKey
	rollups *rollupskeeper.Keeper
	bridge  crossrollupkeeper.Keeper
}

// noBank and noPool stand for x/bank and the reward pool, which these
// tests never reach: they write the stores directly.
type noBank struct{}

func (noBank) SendCoinsFromAccountToModule(context.Context, sdk.AccAddress, string, sdk.Coins) error {
	return nil
}
func (noBank) SendCoinsFromModuleToAccount(context.Context, string, sdk.AccAddress, sdk.Coins) error {
	return nil
}
func (noBank) SendCoinsFromModuleToModule(context.Context, string, string, sdk.Coins) error {
	return nil
}
func (noBank) GetAllBalances(context.Context, sdk.AccAddress) sdk.Coins { return nil }
func (noBank) BlockedAddr(sdk.AccAddress) bool                          { return false }

type noPool struct{}

func (noPool) FundPoolFromModule(context.Context, string, sdk.Coins, string) error { return nil }

func newChainState(t *testing.T) *chainState {
	t.Helper()
	cms := rootmulti.NewStore(dbm.NewMemDB(), log.NewNopLogger())
	keys := map[string]*storetypes.KVStoreKey{}
	for _, name := range []string{proof.RollupsStore, proof.CrossrollupStore, otherStore} {
		keys[name] = storetypes.NewKVStoreKey(name)
		cms.MountStoreWithDB(keys[name], storetypes.StoreTypeIAVL, nil)
	}
	require.NoError(t, cms.LoadLatestVersion())

	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry())
	ac := addresscodec.NewBech32Codec("native")
	authority, err := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	require.NoError(t, err)
	rollups := rollupskeeper.NewKeeper(cdc, runtime.NewKVStoreService(keys[proof.RollupsStore]), ac, noBank{}, authority)
	return &chainState{
		t:       t,
		cms:     cms,
		keys:    keys,
		rollups: rollups,
		bridge: crossrollupkeeper.NewKeeper(cdc, runtime.NewKVStoreService(keys[proof.CrossrollupStore]), ac, noBank{},
			rollups, rollupskeeper.NewMsgServerImpl(rollups), noPool{}, nil, authority),
	}
}

// ctx is a context writing straight into the multistore's working state.
func (s *chainState) ctx() sdk.Context {
	h := s.cms.LastCommitID().Version + 1
	return sdk.NewContext(s.cms, cmtproto.Header{Height: h, ChainID: "nativechain-test-1"}, false, log.NewNopLogger())
}

// commit commits a block and returns its version and app hash.
func (s *chainState) commit() (int64, []byte) {
	cid := s.cms.Commit()
	return cid.Version, cid.Hash
}

// registerRollup writes an active rollup record with an empty inbox.
func (s *chainState) registerRollup(id string) {
	s.t.Helper()
	require.NoError(s.t, s.rollups.Params.Set(s.ctx(), rollupstypes.DefaultParams())) // read by AppendInbox
	require.NoError(s.t, s.rollups.SetRollup(s.ctx(), rollupstypes.Rollup{
		Id:               id,
		Status:           rollupstypes.ROLLUP_STATUS_ACTIVE,
		InboxAccumulator: protocol.FieldElementBytes(protocol.InboxAccumulatorGenesis()),
	}))
}

// deposit appends a deposit to the rollup's inbox through the keeper and
// credits its ledger, as MsgDeposit does.
func (s *chainState) deposit(id string, amount uint64) uint64 {
	s.t.Helper()
	ctx := s.ctx()
	seq, err := s.rollups.AppendInbox(ctx, id, protocol.InboxEntry{
		Kind:      protocol.InboxKindDeposit,
		Sender:    []byte("depositor-address-20"),
		Recipient: []byte{0x0a, 0x1b, 0x2c},
		Denom:     testDenom,
		Amount:    protocol.NewUint128(amount),
	})
	require.NoError(s.t, err)
	pair := collections.Join(id, testDenom)
	have, err := s.bridge.Ledgers.Get(ctx, pair)
	if err != nil {
		have = sdkmath.ZeroInt()
	}
	require.NoError(s.t, s.bridge.Ledgers.Set(ctx, pair, have.AddRaw(int64(amount))))
	return seq
}

// consume marks the first n inbox messages consumed, as a verified batch does.
func (s *chainState) consume(id string, n uint64) {
	s.t.Helper()
	ctx := s.ctx()
	r, err := s.rollups.GetRollup(ctx, id)
	require.NoError(s.t, err)
	r.InboxConsumed = n
	require.NoError(s.t, s.rollups.SetRollup(ctx, r))
}

// query is the multistore query a node runs for /store/<store>/key.
func (s *chainState) query(store string, key []byte, height int64) *storetypes.ResponseQuery {
	s.t.Helper()
	res, err := s.cms.Query(&storetypes.RequestQuery{
		Path: "/" + store + "/key", Data: key, Height: height, Prove: true,
	})
	require.NoError(s.t, err)
	return res
}

// rawKeys lists the raw keys of a store under a one-byte collection prefix.
func (s *chainState) rawKeys(store string, prefix collections.Prefix) [][]byte {
	s.t.Helper()
	kv := s.cms.GetKVStore(s.keys[store])
	it := storetypes.KVStorePrefixIterator(kv, prefix.Bytes())
	defer it.Close()
	var out [][]byte
	for ; it.Valid(); it.Next() {
		out = append(out, append([]byte(nil), it.Key()...))
	}
	return out
}
