package keeper_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups"
	"github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// The keeper tests run on a context with a chain id and a height: the chain
// id is part of every batch statement, the height decides when a scheduled
// verifying key activates.
const (
	testChainID       = "nativechain-test-1"
	testHeight  int64 = 100
	rollupID          = "payments"
)

// Provers. A setup of the test circuit takes about a second, so each prover
// is made once per test binary; the second one exists only to test
// verifying-key rotation.
var (
	proverOnce, otherProverOnce sync.Once
	sharedProver, otherProver   *batchprover.Prover
	proverErr, otherProverErr   error
)

// testProver proves statements under the verifying key every fixture
// rollup registers with.
func testProver(t testing.TB) *batchprover.Prover {
	t.Helper()
	proverOnce.Do(func() { sharedProver, proverErr = batchprover.New() })
	require.NoError(t, proverErr)
	return sharedProver
}

// rotatedProver proves under a second, unrelated verifying key.
func rotatedProver(t testing.TB) *batchprover.Prover {
	t.Helper()
	otherProverOnce.Do(func() { otherProver, otherProverErr = batchprover.New() })
	require.NoError(t, otherProverErr)
	return otherProver
}

// ---------------------------------------------------------------------------
// Hand-written fakes

// fakeBank is an in-memory x/bank: balances by address bytes, module
// accounts at their usual derived addresses, so tests can assert escrow and
// refunds exactly.
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

var _ types.BankKeeper = (*fakeBank)(nil)

// recordingHooks stand for x/crossrollup and x/rewards behind x/rollups'
// hooks. They record what x/rollups tells other modules; err makes
// AfterBatchVerified fail, as a module that cannot apply an outbox would.
// The bridge-funds veto asks ledger, as x/crossrollup asks its ledgers, and
// the reward funds go to pool, as x/rewards takes them.
type recordingHooks struct {
	batches []types.VerifiedBatch
	frozen  []string
	err     error
	ledger  *fakeBridgeLedger
	pool    *fakeRewardPool
}

var _ types.RollupsHooks = (*recordingHooks)(nil)

func (h *recordingHooks) AfterBatchVerified(_ context.Context, b types.VerifiedBatch) error {
	if h.err != nil {
		return h.err
	}
	h.batches = append(h.batches, b)
	return nil
}

func (h *recordingHooks) AfterRollupFrozen(_ context.Context, id string) error {
	h.frozen = append(h.frozen, id)
	return nil
}

func (h *recordingHooks) BeforeRollupDeregistered(ctx context.Context, id string) error {
	holds, err := h.ledger.RollupHoldsFunds(ctx, id)
	if err != nil {
		return err
	}
	if holds {
		return types.ErrBridgeLedgerNotEmpty.Wrapf("rollup %q holds bridged funds", id)
	}
	return nil
}

func (h *recordingHooks) AfterRewardFundsCollected(ctx context.Context, amt sdk.Coins, source string) error {
	return h.pool.FundPoolFromModule(ctx, types.ModuleName, amt, source)
}

// fakeBridgeLedger says which rollups still hold bridged funds.
type fakeBridgeLedger struct {
	holds map[string]bool
	err   error
}

func (l *fakeBridgeLedger) RollupHoldsFunds(_ context.Context, id string) (bool, error) {
	return l.holds[id], l.err
}

// fakeRewardPool is the reward pool as x/rollups sees it: it takes coins
// from a module account into the "rewards" module account and records the
// inflow's source; err makes it refuse.
type fakeRewardPool struct {
	bank    *fakeBank
	inflows []string
	err     error
}

func (p *fakeRewardPool) FundPoolFromModule(ctx context.Context, from string, amt sdk.Coins, source string) error {
	if p.err != nil {
		return p.err
	}
	if err := p.bank.SendCoinsFromModuleToModule(ctx, from, "rewards", amt); err != nil {
		return err
	}
	p.inflows = append(p.inflows, source+":"+amt.String())
	return nil
}

// ---------------------------------------------------------------------------
// Fixture

type fixture struct {
	ctx         sdk.Context
	keeper      *keeper.Keeper
	msgServer   types.MsgServer
	queryServer types.QueryServer
	authority   string
	ac          address.Codec

	bank   *fakeBank
	hooks  *recordingHooks
	ledger *fakeBridgeLedger
	pool   *fakeRewardPool

	// admin is funded and administers the rollups the fixture registers;
	// operator is their only operator; outsider holds nothing and is
	// neither.
	admin, operator, outsider string
}

// addr returns a deterministic 20-byte account for a one-byte seed.
func addr(seed byte) sdk.AccAddress { return sdk.AccAddress(bytes.Repeat([]byte{seed}, 20)) }

func newFixture(t testing.TB) fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	testCtx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test"))
	ctx := testCtx.Ctx.WithChainID(testChainID).WithBlockHeight(testHeight)
	encCfg := moduletestutil.MakeTestEncodingConfig(rollups.AppModule{})
	ac := addresscodec.NewBech32Codec("native")
	authority, err := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	require.NoError(t, err)

	bank := newFakeBank()
	ledger, pool := &fakeBridgeLedger{holds: map[string]bool{}}, &fakeRewardPool{bank: bank}
	hooks := &recordingHooks{ledger: ledger, pool: pool}
	k := keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), ac, bank, authority)
	k.SetHooks(hooks)
	require.NoError(t, k.InitGenesis(ctx, types.DefaultGenesis()))

	str := func(a sdk.AccAddress) string {
		s, err := ac.BytesToString(a)
		require.NoError(t, err)
		return s
	}
	f := fixture{
		ctx: ctx, keeper: k, msgServer: keeper.NewMsgServerImpl(k), queryServer: keeper.NewQueryServerImpl(k),
		authority: authority, ac: ac, bank: bank, hooks: hooks, ledger: ledger, pool: pool,
		admin: str(addr(0xa1)), operator: str(addr(0x0b)), outsider: str(addr(0xee)),
	}
	params := f.params(t)
	bank.fund(addr(0xa1), sdk.NewInt64Coin(params.MinOperatorBond.Denom, 1_000_000_000_000))
	return f
}

func (f fixture) params(t testing.TB) types.Params {
	t.Helper()
	p, err := f.keeper.Params.Get(f.ctx)
	require.NoError(t, err)
	return p
}

func (f fixture) setParams(t testing.TB, mutate func(*types.Params)) {
	t.Helper()
	p := f.params(t)
	mutate(&p)
	_, err := f.msgServer.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: p})
	require.NoError(t, err)
}

func (f fixture) accAddr(t testing.TB, s string) sdk.AccAddress {
	t.Helper()
	bz, err := f.ac.StringToBytes(s)
	require.NoError(t, err)
	return bz
}

// atHeight returns the fixture on a context at another height, with a
// fresh event manager.
func (f fixture) atHeight(h int64) fixture {
	f.ctx = f.ctx.WithBlockHeight(h).WithEventManager(sdk.NewEventManager())
	return f
}

// root is the canonical encoding of the field element v.
func root(v uint64) []byte {
	e := fr.NewElement(v)
	return protocol.StateRootBytes(e)
}

// registerMsg is a valid registration of id by the fixture's admin.
func (f fixture) registerMsg(t testing.TB, id string) *types.MsgRegisterRollup {
	t.Helper()
	return &types.MsgRegisterRollup{
		Admin:            f.admin,
		RollupId:         id,
		VerifyingKey:     testProver(t).VerifyingKey(),
		GenesisStateRoot: root(1),
		Operators:        []string{f.operator},
		Bond:             f.params(t).MinOperatorBond,
	}
}

func (f fixture) register(t testing.TB, id string) types.Rollup {
	t.Helper()
	_, err := f.msgServer.RegisterRollup(f.ctx, f.registerMsg(t, id))
	require.NoError(t, err)
	return f.rollup(t, id)
}

func (f fixture) rollup(t testing.TB, id string) types.Rollup {
	t.Helper()
	// The query's view: the store keeps keys by hash, queries show the
	// bytes.
	res, err := f.queryServer.Rollup(f.ctx, &types.QueryRollupRequest{RollupId: id})
	require.NoError(t, err)
	return res.Rollup
}

// deposit is a valid inbox entry; n makes entries distinct.
func deposit(n uint64) protocol.InboxEntry {
	return protocol.InboxEntry{
		Kind:      protocol.InboxKindDeposit,
		Sender:    bytes.Repeat([]byte{0x11}, 20),
		Recipient: bytes.Repeat([]byte{0x22}, 32),
		Denom:     "unat",
		Amount:    protocol.NewUint128(1_000 + n),
	}
}

func (f fixture) appendInbox(t testing.TB, id string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		_, err := f.keeper.AppendInbox(f.ctx, id, deposit(uint64(i)))
		require.NoError(t, err)
	}
}

// ---------------------------------------------------------------------------
// Batches

// batchInput is what an operator posts besides the proof.
type batchInput struct {
	newRoot       []byte
	data          []byte
	outbox        []protocol.OutboxEntry
	inboxConsumed uint64
}

// defaultInput is a distinct, valid input for batch index i.
func defaultInput(i uint64) batchInput {
	return batchInput{newRoot: root(1_000 + i), data: []byte(fmt.Sprintf("batch %d: compressed L2 transactions", i))}
}

// withdrawal is a valid outbox entry.
func withdrawal(amount uint64) protocol.OutboxEntry {
	return protocol.OutboxEntry{
		Kind:      protocol.OutboxKindWithdrawal,
		Sender:    bytes.Repeat([]byte{0x77}, 32),
		Recipient: bytes.Repeat([]byte{0x55}, 20),
		Denom:     "unat",
		Amount:    protocol.NewUint128(amount),
	}
}

// inboxAccumulator is the accumulator after the first n inbox messages of a
// rollup, read from the stored messages (not from the rollup record).
func (f fixture) inboxAccumulator(t testing.TB, id string, n uint64) fr.Element {
	t.Helper()
	if n == 0 {
		return protocol.InboxAccumulatorGenesis()
	}
	m, err := f.keeper.Inbox.Get(f.ctx, collections.Join(id, n-1))
	require.NoError(t, err)
	acc, err := protocol.ParseFieldElement(m.Accumulator)
	require.NoError(t, err)
	return acc
}

// commitment is the statement the chain builds for in as the rollup's next
// batch, computed here from the stored state.
func (f fixture) commitment(t testing.TB, id string, in batchInput) protocol.BatchCommitment {
	t.Helper()
	r := f.rollup(t, id)
	prev, err := protocol.ParseStateRoot(r.StateRoot)
	require.NoError(t, err)
	newRoot, err := protocol.ParseStateRoot(in.newRoot)
	require.NoError(t, err)
	return protocol.BatchCommitment{
		ChainID:       f.ctx.ChainID(),
		RollupID:      id,
		BatchIndex:    r.NextBatchIndex,
		PrevStateRoot: prev,
		NewStateRoot:  newRoot,
		DAHash:        protocol.DAHash(in.data),
		InboxBefore:   f.inboxAccumulator(t, id, r.InboxConsumed),
		InboxAfter:    f.inboxAccumulator(t, id, r.InboxConsumed+in.inboxConsumed),
		OutboxHash:    protocol.OutboxHash(in.outbox),
		L2TxCount:     3,
		Submitter:     f.rawAddress(t, f.operator),
	}
}

// rawAddress is the account bytes of a bech32 address.
func (f fixture) rawAddress(t testing.TB, bech string) []byte {
	t.Helper()
	bz, err := f.ac.StringToBytes(bech)
	require.NoError(t, err)
	return bz
}

// prove proves c with p.
func prove(t testing.TB, p *batchprover.Prover, c protocol.BatchCommitment) []byte {
	t.Helper()
	proof, err := p.Prove(c)
	require.NoError(t, err)
	return proof
}

// msgFor is the operator's message posting in, with a proof of c by p. The
// message and the statement are independent so tests can make them differ.
func (f fixture) msgFor(t testing.TB, p *batchprover.Prover, c protocol.BatchCommitment, in batchInput) *types.MsgSubmitBatch {
	t.Helper()
	outbox, err := protocol.EncodeOutbox(in.outbox)
	require.NoError(t, err)
	return &types.MsgSubmitBatch{
		Submitter:     f.operator,
		RollupId:      c.RollupID,
		BatchIndex:    c.BatchIndex,
		NewStateRoot:  in.newRoot,
		Data:          in.data,
		InboxConsumed: in.inboxConsumed,
		Outbox:        outbox,
		Proof:         prove(t, p, c),
		L2TxCount:     3,
	}
}

// batchMsg is a valid next batch of rollup id posting in.
func (f fixture) batchMsg(t testing.TB, id string, in batchInput) *types.MsgSubmitBatch {
	t.Helper()
	return f.msgFor(t, testProver(t), f.commitment(t, id, in), in)
}

// nextBatch is a valid next batch of rollup id with a default input.
func (f fixture) nextBatch(t testing.TB, id string) *types.MsgSubmitBatch {
	t.Helper()
	return f.batchMsg(t, id, defaultInput(f.rollup(t, id).NextBatchIndex))
}

// submit submits a valid next batch and requires it to be accepted.
func (f fixture) submit(t testing.TB, id string) *types.MsgSubmitBatch {
	t.Helper()
	msg := f.nextBatch(t, id)
	_, err := f.msgServer.SubmitBatch(f.ctx, msg)
	require.NoError(t, err)
	return msg
}

// ---------------------------------------------------------------------------
// Assertions

// requireRollupUnchanged asserts the stored rollup is byte-for-byte before
// and that no batch was stored at its next index.
func (f fixture) requireRollupUnchanged(t testing.TB, before types.Rollup) {
	t.Helper()
	after := f.rollup(t, before.Id)
	want, err := before.Marshal()
	require.NoError(t, err)
	got, err := after.Marshal()
	require.NoError(t, err)
	require.Equal(t, want, got, "a refused message must not change the rollup")
	has, err := f.keeper.Batches.Has(f.ctx, collections.Join(before.Id, before.NextBatchIndex))
	require.NoError(t, err)
	require.False(t, has, "a refused batch must not be stored")
}

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
		require.True(t, ok, "event %s parsed as %T", name, msg)
		out = append(out, typed)
	}
	return out
}
