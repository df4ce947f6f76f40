package keeper_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	sdkmath "cosmossdk.io/math"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/x/rewards"
	"github.com/nativechain/nativechain/x/rewards/keeper"
	"github.com/nativechain/nativechain/x/rewards/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

const (
	denom        = "unat"
	feeCollector = authtypes.FeeCollectorName
)

// ---------------------------------------------------------------------------
// Hand-written fakes

// fakeBank is an in-memory x/bank: balances by address bytes, module
// accounts at their derived addresses. It never mints or burns, so the
// total of all balances is the supply.
type fakeBank struct {
	balances map[string]sdk.Coins
}

func newFakeBank() *fakeBank { return &fakeBank{balances: make(map[string]sdk.Coins)} }

func (b *fakeBank) fund(addr sdk.AccAddress, coins ...sdk.Coin) {
	b.balances[string(addr)] = b.balances[string(addr)].Add(coins...)
}

func (b *fakeBank) balance(addr sdk.AccAddress) sdk.Coins { return b.balances[string(addr)] }

func (b *fakeBank) moduleBalance(name string) sdk.Coins {
	return b.balance(authtypes.NewModuleAddress(name))
}

func (b *fakeBank) supply() sdk.Coins {
	total := sdk.NewCoins()
	for _, c := range b.balances {
		total = total.Add(c...)
	}
	return total
}

func (b *fakeBank) send(from, to sdk.AccAddress, amt sdk.Coins) error {
	if !amt.IsValid() {
		return sdkerrors.ErrInvalidCoins.Wrap(amt.String())
	}
	left, negative := b.balances[string(from)].SafeSub(amt...)
	if negative {
		return sdkerrors.ErrInsufficientFunds.Wrapf("%s holds %s, needs %s", from, b.balances[string(from)], amt)
	}
	b.balances[string(from)] = left
	b.balances[string(to)] = b.balances[string(to)].Add(amt...)
	return nil
}

func (b *fakeBank) SendCoinsFromAccountToModule(_ context.Context, from sdk.AccAddress, module string, amt sdk.Coins) error {
	return b.send(from, authtypes.NewModuleAddress(module), amt)
}

func (b *fakeBank) SendCoinsFromModuleToAccount(_ context.Context, module string, to sdk.AccAddress, amt sdk.Coins) error {
	return b.send(authtypes.NewModuleAddress(module), to, amt)
}

func (b *fakeBank) SendCoinsFromModuleToModule(_ context.Context, from, to string, amt sdk.Coins) error {
	return b.send(authtypes.NewModuleAddress(from), authtypes.NewModuleAddress(to), amt)
}

func (b *fakeBank) GetAllBalances(_ context.Context, addr sdk.AccAddress) sdk.Coins {
	return b.balance(addr)
}

var _ types.BankKeeper = (*fakeBank)(nil)

// fakeRollups holds the status of each rollup; its verifying key hash is
// vkHash(id) unless keys holds another (a key change).
type fakeRollups struct {
	status map[string]rollupstypes.RollupStatus
	keys   map[string][]byte
}

func (r *fakeRollups) GetRollup(_ context.Context, id string) (rollupstypes.Rollup, error) {
	s, ok := r.status[id]
	if !ok {
		return rollupstypes.Rollup{}, rollupstypes.ErrUnknownRollup.Wrapf("%q", id)
	}
	key := vkHash(id)
	if k, ok := r.keys[id]; ok {
		key = k
	}
	return rollupstypes.Rollup{Id: id, Status: s, VkHash: key}, nil
}

// vkHash is the fake verifying key hash of a rollup.
func vkHash(id string) []byte {
	h := sha256.Sum256([]byte("vk of " + id))
	return h[:]
}

// fakeMint plays x/mint's minting: mint() adds coins to the fee collector
// and remembers that block's amount, which the app's mint function then
// hands to TakeInflationShare.
type fakeMint struct {
	bank   *fakeBank
	minted sdk.Coin
}

func (m *fakeMint) mint(amount int64) {
	m.minted = sdk.NewInt64Coin(denom, amount)
	if amount > 0 {
		m.bank.fund(authtypes.NewModuleAddress(feeCollector), m.minted)
	}
}

// ---------------------------------------------------------------------------
// Fixture

type fixture struct {
	ctx       sdk.Context
	keeper    keeper.Keeper
	msgServer types.MsgServer
	query     types.QueryServer
	authority string
	ac        address.Codec

	bank    *fakeBank
	rollups *fakeRollups
	mint    *fakeMint
	cms     storetypes.CommitMultiStore
}

// addr returns a deterministic 20-byte account for a seed.
func addr(seed uint32) sdk.AccAddress {
	return sdk.AccAddress(append(bytes.Repeat([]byte{0xa0}, 16), byte(seed>>24), byte(seed>>16), byte(seed>>8), byte(seed)))
}

func newFixture(t testing.TB, mutate ...func(*types.Params)) fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	testCtx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test"))
	encCfg := moduletestutil.MakeTestEncodingConfig(rewards.AppModule{})
	ac := addresscodec.NewBech32Codec("native")
	authority, err := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	require.NoError(t, err)

	bank := newFakeBank()
	rollups := &fakeRollups{status: map[string]rollupstypes.RollupStatus{}, keys: map[string][]byte{}}
	mint := &fakeMint{bank: bank, minted: sdk.NewInt64Coin(denom, 0)}
	k := keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), ac, bank, rollups, feeCollector, authority)
	gs := types.DefaultGenesis()
	gs.Params.FeePerDaByte = sdk.NewInt64Coin(denom, 0)
	gs.Params.FeePerVerification = sdk.NewInt64Coin(denom, 0)
	for _, m := range mutate {
		m(&gs.Params)
	}
	ctx := testCtx.Ctx.WithBlockHeight(1)
	require.NoError(t, k.InitGenesis(ctx, gs))
	return fixture{
		ctx: ctx, keeper: k, msgServer: keeper.NewMsgServerImpl(k), query: keeper.NewQueryServerImpl(k),
		authority: authority, ac: ac, bank: bank, rollups: rollups, mint: mint, cms: testCtx.CMS,
	}
}

func (f fixture) str(t testing.TB, a sdk.AccAddress) string {
	t.Helper()
	s, err := f.ac.BytesToString(a)
	require.NoError(t, err)
	return s
}

func (f fixture) params(t testing.TB) types.Params {
	t.Helper()
	p, err := f.keeper.Params.Get(f.ctx)
	require.NoError(t, err)
	return p
}

// activeRollup registers a rollup id as active in the fake x/rollups, with
// its key approved by governance: its work earns from the whole pot.
func (f fixture) activeRollup(ids ...string) {
	for _, id := range ids {
		f.rollups.status[id] = rollupstypes.ROLLUP_STATUS_ACTIVE
		if err := f.keeper.ApprovedKeys.Set(f.ctx, collections.Join(id, vkHash(id)), true); err != nil {
			panic(err)
		}
	}
}

// unapprovedRollup registers a rollup id as active with a key governance
// never approved: it earns from the fees it pays only.
func (f fixture) unapprovedRollup(ids ...string) {
	for _, id := range ids {
		f.rollups.status[id] = rollupstypes.ROLLUP_STATUS_ACTIVE
	}
}

// batch runs the batch-verified hook as x/rollups would.
func (f fixture) batch(t testing.TB, rollupID string, submitter sdk.AccAddress, txs, bytes uint64) error {
	t.Helper()
	return f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{
		RollupID: rollupID, Index: 1, Submitter: f.str(t, submitter), DataBytes: bytes, L2TxCount: txs,
	})
}

// fundPool puts coins into the pool as an inflow from a funded account.
func (f fixture) fundPool(t testing.TB, amount int64, source string) {
	t.Helper()
	funder := addr(0xfeed)
	coins := sdk.NewCoins(sdk.NewInt64Coin(denom, amount))
	f.bank.fund(funder, coins...)
	require.NoError(t, f.keeper.FundPool(f.ctx, keeper.FromAccount(funder), coins, source))
}

// endBlock runs the module's EndBlock at the context's height and returns
// the context of the next block.
func (f *fixture) endBlock(t testing.TB) {
	t.Helper()
	require.NoError(t, f.keeper.EndBlock(f.ctx))
	require.NoError(t, f.keeper.CheckPoolInvariant(f.ctx), "after EndBlock at height %d", f.ctx.BlockHeight())
	f.ctx = f.ctx.WithBlockHeight(f.ctx.BlockHeight() + 1)
}

// runUntilPaid ends blocks until no payout is in progress and the epoch
// has moved past `epoch`, and returns the number of blocks it took.
func (f *fixture) runUntilPaid(t testing.TB, epoch uint64) int {
	t.Helper()
	for blocks := 1; blocks < 1_000_000; blocks++ {
		f.endBlock(t)
		has, err := f.keeper.ActivePayout.Has(f.ctx)
		require.NoError(t, err)
		cur, err := f.keeper.Epoch.Get(f.ctx)
		require.NoError(t, err)
		if !has && cur.Number > epoch {
			return blocks
		}
	}
	t.Fatal("payout never finished")
	return 0
}

func (f fixture) pending(t testing.TB, a sdk.AccAddress) sdk.Coins {
	t.Helper()
	amt, err := f.keeper.PendingRewards(f.ctx, a)
	require.NoError(t, err)
	return amt
}

func coins(amount int64) sdk.Coins { return sdk.NewCoins(sdk.NewInt64Coin(denom, amount)) }

func intOf(v int64) sdkmath.Int { return sdkmath.NewInt(v) }

// typedEvents returns the typed events of type T emitted on ctx.
func typedEvents[T proto.Message](t testing.TB, ctx sdk.Context) []T {
	t.Helper()
	var zero T
	name := proto.MessageName(zero)
	var out []T
	for _, ev := range ctx.EventManager().ABCIEvents() {
		if ev.Type != name {
			continue
		}
		msg, err := sdk.ParseTypedEvent(ev)
		require.NoError(t, err)
		typed, ok := msg.(T)
		require.True(t, ok, fmt.Sprintf("%T", msg))
		out = append(out, typed)
	}
	return out
}

// block runs one block: x/mint mints `minted` into the fee collector and
// the pool takes its share (the app's mint function), txs run, then
// EndBlock; the pool's books are checked after it.
func (f *fixture) block(t testing.TB, minted int64, txs func()) {
	t.Helper()
	f.mintBlock(t, minted)
	if txs != nil {
		txs()
	}
	f.endBlock(t)
}

// mintBlock is x/mint's BeginBlock with the app's mint function: x/mint
// mints `minted` into the fee collector, then the pool takes its share of
// what was minted.
func (f *fixture) mintBlock(t testing.TB, minted int64) {
	t.Helper()
	f.mint.mint(minted)
	require.NoError(t, f.keeper.TakeInflationShare(f.ctx, f.mint.minted))
}
