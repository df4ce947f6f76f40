package keeper_test

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup"
	"github.com/nativechain/nativechain/x/crossrollup/keeper"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// ---------------------------------------------------------------------------
// Fakes

// fakeBank tracks balances of plain and module accounts by address bytes.
type fakeBank struct {
	balances map[string]sdk.Coins
	blocked  map[string]bool
}

var _ types.BankKeeper = (*fakeBank)(nil)

func newFakeBank() *fakeBank {
	return &fakeBank{balances: map[string]sdk.Coins{}, blocked: map[string]bool{}}
}

func (b *fakeBank) move(from, to sdk.AccAddress, amt sdk.Coins) error {
	have := b.balances[string(from)]
	left, neg := have.SafeSub(amt...)
	if neg {
		return sdkerrors.ErrInsufficientFunds.Wrapf("%s < %s", have, amt)
	}
	b.balances[string(from)] = left
	b.balances[string(to)] = b.balances[string(to)].Add(amt...)
	return nil
}

func (b *fakeBank) SendCoinsFromAccountToModule(_ context.Context, from sdk.AccAddress, mod string, amt sdk.Coins) error {
	return b.move(from, authtypes.NewModuleAddress(mod), amt)
}

// SendCoinsFromModuleToAccount refuses a blocked recipient, as x/bank does.
func (b *fakeBank) SendCoinsFromModuleToAccount(_ context.Context, mod string, to sdk.AccAddress, amt sdk.Coins) error {
	if b.blocked[string(to)] {
		return sdkerrors.ErrUnauthorized.Wrapf("%s is not allowed to receive funds", to)
	}
	return b.move(authtypes.NewModuleAddress(mod), to, amt)
}

func (b *fakeBank) SendCoinsFromModuleToModule(_ context.Context, from, to string, amt sdk.Coins) error {
	return b.move(authtypes.NewModuleAddress(from), authtypes.NewModuleAddress(to), amt)
}

func (b *fakeBank) GetAllBalances(_ context.Context, addr sdk.AccAddress) sdk.Coins {
	return sdk.NewCoins(b.balances[string(addr)]...)
}

func (b *fakeBank) BlockedAddr(addr sdk.AccAddress) bool { return b.blocked[string(addr)] }

func (b *fakeBank) snapshot() string {
	m := map[string]string{}
	for k, v := range b.balances {
		if !v.IsZero() {
			m[fmt.Sprintf("%x", k)] = v.String()
		}
	}
	return fmt.Sprint(m)
}

// fakeRollups knows rollups by id and records appended inbox entries.
type fakeRollups struct {
	rollups map[string]rollupstypes.RollupStatus
	inbox   map[string][]protocol.InboxEntry
}

var _ types.RollupsKeeper = (*fakeRollups)(nil)

func (r *fakeRollups) GetRollup(_ context.Context, id string) (rollupstypes.Rollup, error) {
	st, ok := r.rollups[id]
	if !ok {
		return rollupstypes.Rollup{}, rollupstypes.ErrUnknownRollup.Wrap(id)
	}
	return rollupstypes.Rollup{Id: id, Status: st}, nil
}

func (r *fakeRollups) AppendInbox(ctx context.Context, id string, e protocol.InboxEntry) (uint64, error) {
	ro, err := r.GetRollup(ctx, id)
	if err != nil {
		return 0, err
	}
	if ro.Status != rollupstypes.ROLLUP_STATUS_ACTIVE {
		return 0, rollupstypes.ErrRollupNotActive.Wrap(id)
	}
	e.Sequence = uint64(len(r.inbox[id]))
	r.inbox[id] = append(r.inbox[id], e)
	return e.Sequence, nil
}

func (r *fakeRollups) GetInboxMessage(_ context.Context, id string, seq uint64) (rollupstypes.InboxMessage, error) {
	if seq >= uint64(len(r.inbox[id])) {
		return rollupstypes.InboxMessage{}, rollupstypes.ErrInboxMessageNotFound
	}
	e := r.inbox[id][seq]
	return rollupstypes.InboxMessage{Sequence: e.Sequence, Kind: uint32(e.Kind), Sender: e.Sender, Recipient: e.Recipient}, nil
}

func (r *fakeRollups) snapshot() string { return fmt.Sprintf("%+v", r.inbox) }

// fakeBatches stands for x/rollups' Msg service: it records the batches a
// bundle applies, in order, and fails the batch of failAt's rollup id.
type fakeBatches struct {
	applied []string
	failAt  string
}

var _ types.BatchSubmitter = (*fakeBatches)(nil)

func (b *fakeBatches) SubmitBatch(_ context.Context, msg *rollupstypes.MsgSubmitBatch) (*rollupstypes.MsgSubmitBatchResponse, error) {
	if msg.RollupId == b.failAt {
		return nil, rollupstypes.ErrWrongBatchIndex.Wrapf("%s/%d", msg.RollupId, msg.BatchIndex)
	}
	b.applied = append(b.applied, fmt.Sprintf("%s/%d", msg.RollupId, msg.BatchIndex))
	return &rollupstypes.MsgSubmitBatchResponse{}, nil
}

// ---------------------------------------------------------------------------
// Fixture

const (
	denom    = "unat"
	activeID = "alpha"
	betaID   = "beta"
	frozenID = "frozen"
)

type bridgeFixture struct {
	ctx     sdk.Context
	keeper  keeper.Keeper
	msgs    types.MsgServer
	bank    *fakeBank
	rollups *fakeRollups
	batches *fakeBatches
	pool    *fakePool
	alice   sdk.AccAddress
	aliceS  string
	escrow  sdk.AccAddress
}

func newBridgeFixture(t *testing.T) bridgeFixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	testCtx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test"))
	encCfg := moduletestutil.MakeTestEncodingConfig(crossrollup.AppModule{})
	ac := address.NewBech32Codec("native")
	authority, err := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	require.NoError(t, err)

	bank := newFakeBank()
	rollups := &fakeRollups{
		rollups: map[string]rollupstypes.RollupStatus{
			activeID: rollupstypes.ROLLUP_STATUS_ACTIVE, betaID: rollupstypes.ROLLUP_STATUS_ACTIVE, frozenID: rollupstypes.ROLLUP_STATUS_FROZEN,
		},
		inbox: map[string][]protocol.InboxEntry{},
	}
	batches, pool := &fakeBatches{}, &fakePool{bank: bank}
	k := keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), ac, bank, rollups, batches, pool, nil, authority)
	require.NoError(t, k.InitGenesis(testCtx.Ctx, types.DefaultGenesis()))

	alice := sdk.AccAddress(bytes.Repeat([]byte{0xa1}, 20))
	aliceS, err := ac.BytesToString(alice)
	require.NoError(t, err)
	bank.balances[string(alice)] = sdk.NewCoins(sdk.NewInt64Coin(denom, 1_000))
	return bridgeFixture{
		ctx: testCtx.Ctx, keeper: k, msgs: keeper.NewMsgServerImpl(k), bank: bank, rollups: rollups, batches: batches, pool: pool,
		alice: alice, aliceS: aliceS, escrow: authtypes.NewModuleAddress(types.ModuleName),
	}
}

// fund credits a ledger and puts the matching coins in escrow.
func (f bridgeFixture) fund(t *testing.T, rollupID string, amt int64) {
	t.Helper()
	require.NoError(t, f.keeper.Ledgers.Set(f.ctx, collections.Join(rollupID, denom), sdkmath.NewInt(amt)))
	f.bank.balances[string(f.escrow)] = f.bank.balances[string(f.escrow)].Add(sdk.NewInt64Coin(denom, amt))
}

func (f bridgeFixture) ledgers(t *testing.T) string {
	t.Helper()
	gs, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	return fmt.Sprint(gs.Ledgers)
}

type stateSnap struct{ ledgers, balances, inbox string }

func (f bridgeFixture) snap(t *testing.T) stateSnap {
	return stateSnap{f.ledgers(t), f.bank.snapshot(), f.rollups.snapshot()}
}

// ---------------------------------------------------------------------------
// Deposit

func TestDeposit(t *testing.T) {
	recipient := bytes.Repeat([]byte{0x42}, 20)
	over128 := sdkmath.NewIntFromBigInt(new(big.Int).Lsh(big.NewInt(1), 128))

	tests := []struct {
		name    string
		setup   func(t *testing.T, f bridgeFixture)
		msg     func(f bridgeFixture) *types.MsgDeposit
		wantErr error
		// inboxMayChange marks failures after the inbox append (see below).
		inboxMayChange bool
	}{
		{"success", nil, func(f bridgeFixture) *types.MsgDeposit {
			return &types.MsgDeposit{Sender: f.aliceS, RollupId: activeID, L2Recipient: recipient, Amount: sdk.NewInt64Coin(denom, 300)}
		}, nil, false},
		{"deposits disabled", func(t *testing.T, f bridgeFixture) {
			p := types.DefaultParams()
			p.DepositsEnabled = false
			require.NoError(t, f.keeper.Params.Set(f.ctx, p))
		}, func(f bridgeFixture) *types.MsgDeposit {
			return &types.MsgDeposit{Sender: f.aliceS, RollupId: activeID, L2Recipient: recipient, Amount: sdk.NewInt64Coin(denom, 300)}
		}, types.ErrDepositsDisabled, false},
		{"unknown rollup", nil, func(f bridgeFixture) *types.MsgDeposit {
			return &types.MsgDeposit{Sender: f.aliceS, RollupId: "nosuch", L2Recipient: recipient, Amount: sdk.NewInt64Coin(denom, 300)}
		}, rollupstypes.ErrUnknownRollup, false},
		{"inactive rollup", nil, func(f bridgeFixture) *types.MsgDeposit {
			return &types.MsgDeposit{Sender: f.aliceS, RollupId: frozenID, L2Recipient: recipient, Amount: sdk.NewInt64Coin(denom, 300)}
		}, rollupstypes.ErrRollupNotActive, false},
		{"zero amount", nil, func(f bridgeFixture) *types.MsgDeposit {
			return &types.MsgDeposit{Sender: f.aliceS, RollupId: activeID, L2Recipient: recipient, Amount: sdk.NewInt64Coin(denom, 0)}
		}, types.ErrInvalidDeposit, false},
		{"empty recipient", nil, func(f bridgeFixture) *types.MsgDeposit {
			return &types.MsgDeposit{Sender: f.aliceS, RollupId: activeID, Amount: sdk.NewInt64Coin(denom, 300)}
		}, types.ErrInvalidDeposit, false},
		{"65-byte recipient", nil, func(f bridgeFixture) *types.MsgDeposit {
			return &types.MsgDeposit{Sender: f.aliceS, RollupId: activeID, L2Recipient: make([]byte, 65), Amount: sdk.NewInt64Coin(denom, 300)}
		}, types.ErrInvalidDeposit, false},
		{"invalid sender", nil, func(f bridgeFixture) *types.MsgDeposit {
			return &types.MsgDeposit{Sender: "cosmos1notours", RollupId: activeID, L2Recipient: recipient, Amount: sdk.NewInt64Coin(denom, 300)}
		}, types.ErrInvalidDeposit, false},
		{"amount of 2^128", func(t *testing.T, f bridgeFixture) {
			f.bank.balances[string(f.alice)] = sdk.NewCoins(sdk.NewCoin(denom, over128))
		}, func(f bridgeFixture) *types.MsgDeposit {
			return &types.MsgDeposit{Sender: f.aliceS, RollupId: activeID, L2Recipient: recipient, Amount: sdk.NewCoin(denom, over128)}
		}, protocol.ErrAmountOverflow, false},
		// The keeper appends to the inbox before moving coins. In the real
		// app a failed tx's state (inbox included) is discarded; the fake
		// inbox is not transactional, so the append persists here and only
		// ledgers and balances are asserted unchanged.
		{"sender without funds", nil, func(f bridgeFixture) *types.MsgDeposit {
			return &types.MsgDeposit{Sender: f.aliceS, RollupId: activeID, L2Recipient: recipient, Amount: sdk.NewInt64Coin(denom, 5_000)}
		}, sdkerrors.ErrInsufficientFunds, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newBridgeFixture(t)
			if tc.setup != nil {
				tc.setup(t, f)
			}
			msg := tc.msg(f)
			before := f.snap(t)
			res, err := f.msgs.Deposit(f.ctx, msg)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				after := f.snap(t)
				require.Equal(t, before.ledgers, after.ledgers, "ledgers changed")
				require.Equal(t, before.balances, after.balances, "balances changed")
				if !tc.inboxMayChange {
					require.Equal(t, before.inbox, after.inbox, "inbox changed")
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, uint64(0), res.InboxSequence)
			require.Equal(t, sdk.NewCoins(sdk.NewInt64Coin(denom, 300)), f.bank.GetAllBalances(f.ctx, f.escrow))
			require.Equal(t, sdk.NewCoins(sdk.NewInt64Coin(denom, 700)), f.bank.GetAllBalances(f.ctx, f.alice))
			got, err := f.keeper.Ledger(f.ctx, activeID, denom)
			require.NoError(t, err)
			require.Equal(t, "300", got.String())
			require.Equal(t, []protocol.InboxEntry{{
				Sequence: 0, Kind: protocol.InboxKindDeposit, Sender: f.alice.Bytes(),
				Recipient: recipient, Denom: denom, Amount: protocol.NewUint128(300),
			}}, f.rollups.inbox[activeID])

			// A second deposit accumulates on the ledger and gets the next sequence.
			res, err = f.msgs.Deposit(f.ctx, msg)
			require.NoError(t, err)
			require.Equal(t, uint64(1), res.InboxSequence)
			got, err = f.keeper.Ledger(f.ctx, activeID, denom)
			require.NoError(t, err)
			require.Equal(t, "600", got.String())
		})
	}
}

// ---------------------------------------------------------------------------
// Withdrawals

func TestAfterBatchVerified(t *testing.T) {
	bob := sdk.AccAddress(bytes.Repeat([]byte{0xb0}, 20))
	blocked := sdk.AccAddress(bytes.Repeat([]byte{0xee}, 20))
	withdrawal := func(to []byte, amt uint64) protocol.OutboxEntry {
		return protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Recipient: to, Denom: denom, Amount: protocol.NewUint128(amt)}
	}

	tests := []struct {
		name       string
		outbox     []protocol.OutboxEntry
		wantErr    error
		wantLedger string // after success, "" means removed
		wantBob    int64
	}{
		{"partial withdrawal", []protocol.OutboxEntry{withdrawal(bob, 40)}, nil, "60", 40},
		{"withdrawal empties ledger", []protocol.OutboxEntry{withdrawal(bob, 60), withdrawal(bob, 40)}, nil, "", 100},
		{"overdraw", []protocol.OutboxEntry{withdrawal(bob, 101)}, types.ErrLedgerInsufficient, "", 0},
		// H1: an unpayable recipient never fails the batch; without an L2
		// sender to refund, the value stays in the ledger.
		{"blocked recipient is kept, not failing", []protocol.OutboxEntry{withdrawal(blocked, 10), withdrawal(bob, 5)}, nil, "95", 5},
		{"empty recipient", []protocol.OutboxEntry{withdrawal(nil, 10)}, types.ErrInvalidWithdrawal, "", 0},
		{"300-byte recipient", []protocol.OutboxEntry{withdrawal(make([]byte, 300), 10)}, types.ErrInvalidWithdrawal, "", 0},
		{"cross-rollup message over the ledger", []protocol.OutboxEntry{{
			Kind: protocol.OutboxKindCrossRollupMessage, Sender: []byte{9}, DestRollupID: betaID, Recipient: []byte{1}, Denom: denom, Amount: protocol.NewUint128(101),
		}}, types.ErrLedgerInsufficient, "", 0},
		{"cross-rollup message without sender", []protocol.OutboxEntry{{
			Kind: protocol.OutboxKindCrossRollupMessage, DestRollupID: betaID, Recipient: []byte{1}, Denom: denom, Amount: protocol.NewUint128(1),
		}}, types.ErrInvalidWithdrawal, "", 0},
		{"unknown kind", []protocol.OutboxEntry{{Kind: 9, Recipient: bob, Denom: denom, Amount: protocol.NewUint128(1)}}, types.ErrInvalidWithdrawal, "", 0},
		// Entries past max_outbox_entries: TestAfterBatchVerified_LoweredCapsBounceInsteadOfFailingAProvenBatch.
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newBridgeFixture(t)
			f.bank.blocked[string(blocked)] = true
			f.fund(t, activeID, 100)
			before := f.snap(t)
			err := f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{RollupID: activeID, Index: 1, Outbox: tc.outbox})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Equal(t, before, f.snap(t), "a refused batch must change nothing")
				return
			}
			require.NoError(t, err)
			require.Equal(t, sdk.NewCoins(sdk.NewInt64Coin(denom, tc.wantBob)), f.bank.GetAllBalances(f.ctx, bob))
			require.Equal(t, sdk.NewCoins(sdk.NewInt64Coin(denom, 100-tc.wantBob)), f.bank.GetAllBalances(f.ctx, f.escrow))
			has, err := f.keeper.Ledgers.Has(f.ctx, collections.Join(activeID, denom))
			require.NoError(t, err)
			if tc.wantLedger == "" {
				require.False(t, has, "emptied ledger must be removed")
				return
			}
			got, err := f.keeper.Ledger(f.ctx, activeID, denom)
			require.NoError(t, err)
			require.Equal(t, tc.wantLedger, got.String())
		})
	}
}

func TestAfterRollupFrozen_EmptyInboxQueuesNoRefund(t *testing.T) {
	f := newBridgeFixture(t)
	require.NoError(t, f.keeper.Hooks().AfterRollupFrozen(f.ctx, activeID))
	has, err := f.keeper.RefundQueue.Has(f.ctx, activeID)
	require.NoError(t, err)
	require.False(t, has)
}

// ---------------------------------------------------------------------------
// Ledger queries

func TestRollupHoldsFunds(t *testing.T) {
	f := newBridgeFixture(t)
	held, err := f.keeper.RollupHoldsFunds(f.ctx, activeID)
	require.NoError(t, err)
	require.False(t, held)

	f.fund(t, activeID, 5)
	held, err = f.keeper.RollupHoldsFunds(f.ctx, activeID)
	require.NoError(t, err)
	require.True(t, held)

	// A rollup whose id is a prefix of a funded one holds nothing.
	held, err = f.keeper.RollupHoldsFunds(f.ctx, "alph")
	require.NoError(t, err)
	require.False(t, held)
}

func TestEscrowQuery(t *testing.T) {
	f := newBridgeFixture(t)
	for _, l := range []struct {
		id, denom string
		amt       int64
	}{{activeID, "uzzz", 3}, {activeID, "uaaa", 1}, {activeID, "ummm", 2}, {"beta", "uaaa", 9}} {
		require.NoError(t, f.keeper.Ledgers.Set(f.ctx, collections.Join(l.id, l.denom), sdkmath.NewInt(l.amt)))
	}
	q := keeper.NewQueryServerImpl(f.keeper)

	res, err := q.Escrow(f.ctx, &types.QueryEscrowRequest{RollupId: activeID})
	require.NoError(t, err)
	require.Equal(t, []types.EscrowLedger{
		{RollupId: activeID, Denom: "uaaa", Amount: "1"},
		{RollupId: activeID, Denom: "ummm", Amount: "2"},
		{RollupId: activeID, Denom: "uzzz", Amount: "3"},
	}, res.Ledgers)

	res, err = q.Escrow(f.ctx, &types.QueryEscrowRequest{RollupId: frozenID})
	require.NoError(t, err)
	require.Empty(t, res.Ledgers)
	_, err = q.Escrow(f.ctx, &types.QueryEscrowRequest{RollupId: "nosuch"})
	require.ErrorIs(t, err, rollupstypes.ErrUnknownRollup)

	_, err = q.Escrow(f.ctx, &types.QueryEscrowRequest{})
	require.ErrorIs(t, err, types.ErrInvalidRequest)
	_, err = q.Escrow(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
}

// ---------------------------------------------------------------------------
// Genesis

func TestInitGenesis_EscrowMustMatchLedgers(t *testing.T) {
	gs := types.DefaultGenesis()
	gs.Ledgers = []types.EscrowLedger{
		{RollupId: activeID, Denom: denom, Amount: "70"},
		{RollupId: "beta", Denom: denom, Amount: "30"},
	}
	tests := []struct {
		name    string
		escrow  sdk.Coins
		wantErr error
	}{
		{"matching escrow", sdk.NewCoins(sdk.NewInt64Coin(denom, 100)), nil},
		{"escrow short", sdk.NewCoins(sdk.NewInt64Coin(denom, 99)), types.ErrInvalidGenesis},
		{"escrow over", sdk.NewCoins(sdk.NewInt64Coin(denom, 101)), types.ErrInvalidGenesis},
		{"extra denom in escrow", sdk.NewCoins(sdk.NewInt64Coin(denom, 100), sdk.NewInt64Coin("uother", 1)), types.ErrInvalidGenesis},
		{"empty escrow", sdk.NewCoins(), types.ErrInvalidGenesis},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newBridgeFixture(t)
			f.bank.balances[string(f.escrow)] = tc.escrow
			err := f.keeper.InitGenesis(f.ctx, gs)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestGenesis_RoundTripWithLedgers(t *testing.T) {
	f := newBridgeFixture(t)
	gs := types.DefaultGenesis()
	gs.Params.DepositsEnabled = false
	gs.Ledgers = []types.EscrowLedger{
		{RollupId: activeID, Denom: "uaaa", Amount: "5"},
		{RollupId: activeID, Denom: denom, Amount: "340282366920938463463374607431768211455"},
		{RollupId: "beta", Denom: denom, Amount: "7"},
	}
	f.bank.balances[string(f.escrow)] = sdk.NewCoins(
		sdk.NewInt64Coin("uaaa", 5),
		sdk.NewCoin(denom, sdkmath.NewIntFromBigInt(new(big.Int).Lsh(big.NewInt(1), 128)).SubRaw(1).AddRaw(7)),
	)
	require.NoError(t, f.keeper.InitGenesis(f.ctx, gs))
	exported, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	// Export is in key order: (alpha,uaaa), (alpha,unat), (beta,unat).
	require.Equal(t, gs.String(), exported.String())

	// Importing the export into a fresh chain with the same escrow works.
	g := newBridgeFixture(t)
	g.bank.balances[string(g.escrow)] = f.bank.balances[string(f.escrow)]
	require.NoError(t, g.keeper.InitGenesis(g.ctx, exported))
	again, err := g.keeper.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported.String(), again.String())
}

func TestGenesisValidate(t *testing.T) {
	ok := types.EscrowLedger{RollupId: activeID, Denom: denom, Amount: "10"}
	with := func(ls ...types.EscrowLedger) types.GenesisState {
		gs := *types.DefaultGenesis()
		gs.Ledgers = ls
		return gs
	}
	mod := func(fn func(*types.EscrowLedger)) types.EscrowLedger {
		l := ok
		fn(&l)
		return l
	}
	badParams := *types.DefaultGenesis()
	badParams.Params.MaxOutboxEntries = 0

	tests := []struct {
		name    string
		gs      types.GenesisState
		wantErr bool
	}{
		{"default", *types.DefaultGenesis(), false},
		{"one ledger", with(ok), false},
		{"same denom, two rollups", with(ok, mod(func(l *types.EscrowLedger) { l.RollupId = "beta" })), false},
		{"bad params", badParams, true},
		{"duplicate ledger", with(ok, mod(func(l *types.EscrowLedger) { l.Amount = "3" })), true},
		{"zero amount", with(mod(func(l *types.EscrowLedger) { l.Amount = "0" })), true},
		{"negative amount", with(mod(func(l *types.EscrowLedger) { l.Amount = "-5" })), true},
		{"decimal amount", with(mod(func(l *types.EscrowLedger) { l.Amount = "1.5" })), true},
		{"non-numeric amount", with(mod(func(l *types.EscrowLedger) { l.Amount = "ten" })), true},
		{"empty amount", with(mod(func(l *types.EscrowLedger) { l.Amount = "" })), true},
		{"empty denom", with(mod(func(l *types.EscrowLedger) { l.Denom = "" })), true},
		{"bad denom", with(mod(func(l *types.EscrowLedger) { l.Denom = "1bad!" })), true},
		{"empty rollup id", with(mod(func(l *types.EscrowLedger) { l.RollupId = "" })), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.gs.Validate()
			if tc.wantErr {
				require.ErrorIs(t, err, types.ErrInvalidGenesis)
				return
			}
			require.NoError(t, err)
		})
	}
}
