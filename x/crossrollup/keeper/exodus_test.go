package keeper_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
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

// registry is a fake x/rollups with whole rollup records and stored inbox
// messages, enough for exodus and refunds.
type registry struct {
	rollups map[string]*rollupstypes.Rollup
	inbox   map[string][]rollupstypes.InboxMessage
	// refuse makes AppendInbox refuse every entry to these rollups (a full
	// or closing inbox).
	refuse map[string]bool
}

var _ types.RollupsKeeper = (*registry)(nil)

func (r *registry) GetRollup(_ context.Context, id string) (rollupstypes.Rollup, error) {
	ro, ok := r.rollups[id]
	if !ok {
		return rollupstypes.Rollup{}, rollupstypes.ErrUnknownRollup.Wrap(id)
	}
	return *ro, nil
}

func (r *registry) AppendInbox(_ context.Context, id string, e protocol.InboxEntry) (uint64, error) {
	ro, ok := r.rollups[id]
	if !ok {
		return 0, rollupstypes.ErrUnknownRollup.Wrap(id)
	}
	if ro.Status != rollupstypes.ROLLUP_STATUS_ACTIVE {
		return 0, rollupstypes.ErrRollupNotActive.Wrap(id)
	}
	if r.refuse[id] {
		return 0, rollupstypes.ErrRollupClosing.Wrap(id)
	}
	e.Sequence = ro.InboxSize
	if err := e.Validate(); err != nil {
		return 0, err
	}
	r.inbox[id] = append(r.inbox[id], rollupstypes.InboxMessageFromEntry(e, 1, nil))
	ro.InboxSize++
	return e.Sequence, nil
}

func (r *registry) GetInboxMessage(_ context.Context, id string, seq uint64) (rollupstypes.InboxMessage, error) {
	if seq >= uint64(len(r.inbox[id])) {
		return rollupstypes.InboxMessage{}, rollupstypes.ErrInboxMessageNotFound.Wrapf("%s/%d", id, seq)
	}
	return r.inbox[id][seq], nil
}

// fakeExitVerifier accepts a claim whose signature is goodSig and records
// what it was asked.
type fakeExitVerifier struct {
	gas   uint64
	calls []verifyCall
	// payout, when set, is what every leaf claim is paid (a verifier that
	// misbehaves, for the keeper's own checks).
	payout []protocol.ExitAmount
}

type verifyCall struct {
	chainID, rollupID string
	layout            protocol.ExitLayoutParams
	root              []byte
	claim             protocol.ExitClaim
}

var goodSig = []byte("signed by the L2 key")

// VerifyExitPayout pays a leaf claim its balance in the layout's denom,
// as payments-v1 does, or v.payout when set.
func (v *fakeExitVerifier) VerifyExitPayout(_ context.Context, chainID, rollupID string, layout protocol.ExitLayoutParams, root []byte, claim protocol.ExitClaim) ([]protocol.ExitAmount, error) {
	v.calls = append(v.calls, verifyCall{chainID, rollupID, layout, root, claim})
	if !bytes.Equal(claim.Signature, goodSig) {
		return nil, types.ErrInvalidExitProof.Wrap("bad signature")
	}
	if claim.LeafIndex == protocol.ExitLeafNone {
		return nil, nil
	}
	if v.payout != nil {
		return v.payout, nil
	}
	return []protocol.ExitAmount{{Denom: layout.Denom, Amount: claim.Balance}}, nil
}

func (v *fakeExitVerifier) VerifyGas(layout protocol.ExitLayoutParams) uint64 {
	return v.gas + uint64(layout.Depth)
}

// ---------------------------------------------------------------------------
// Fixture

const (
	exitDepth  = 4
	layoutName = "test-layout"
	chainID    = "nativechain-test-1"
	deadID     = "dead"  // frozen, with a layout
	bareID     = "bare"  // frozen, no layout
	oddID      = "odd"   // frozen, a layout no verifier serves
	liveID     = "live"  // active, with a layout
	coldID     = "cold"  // frozen too, a source of routed messages
	quietID    = "quiet" // active but paused
	goneID     = "gone"  // deregistered
	deadRoot   = "\x07"  // padded to 32 bytes by root()
	staleRoot  = "\x06"
)

var (
	l2Carol = bytes.Repeat([]byte{0xcc}, 64)
	l2Dave  = bytes.Repeat([]byte{0xdd}, 64)
)

func root(s string) []byte { return append(make([]byte, 32-len(s)), s...) }

type exodusFixture struct {
	ctx      sdk.Context
	keeper   keeper.Keeper
	msgs     types.MsgServer
	query    types.QueryServer
	bank     *fakeBank
	reg      *registry
	verifier *fakeExitVerifier
	escrow   sdk.AccAddress
	alice    sdk.AccAddress
	bob      sdk.AccAddress
	bobS     string
}

func newExodusFixture(t *testing.T) *exodusFixture {
	t.Helper()
	return newExodusFixtureWith(t, nil)
}

// newExodusFixtureWith builds the fixture's keeper with the fixture's
// verifier for layoutName and the verifiers of more, by layout name.
func newExodusFixtureWith(t *testing.T, more map[string]types.ExitVerifier) *exodusFixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	testCtx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test"))
	encCfg := moduletestutil.MakeTestEncodingConfig(crossrollup.AppModule{})
	ac := address.NewBech32Codec("native")
	authority, err := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	require.NoError(t, err)

	layout := &rollupstypes.ExitLayout{Name: layoutName, Depth: exitDepth, Denom: denom}
	rollup := func(id string, st rollupstypes.RollupStatus, l *rollupstypes.ExitLayout) *rollupstypes.Rollup {
		return &rollupstypes.Rollup{Id: id, Status: st, StateRoot: root(deadRoot), ExitLayout: l}
	}
	reg := &registry{
		rollups: map[string]*rollupstypes.Rollup{
			deadID:  rollup(deadID, rollupstypes.ROLLUP_STATUS_FROZEN, layout),
			bareID:  rollup(bareID, rollupstypes.ROLLUP_STATUS_FROZEN, nil),
			oddID:   rollup(oddID, rollupstypes.ROLLUP_STATUS_FROZEN, &rollupstypes.ExitLayout{Name: "other", Depth: 4, Denom: denom}),
			liveID:  rollup(liveID, rollupstypes.ROLLUP_STATUS_ACTIVE, layout),
			coldID:  rollup(coldID, rollupstypes.ROLLUP_STATUS_FROZEN, layout),
			quietID: rollup(quietID, rollupstypes.ROLLUP_STATUS_ACTIVE, layout),
			goneID:  rollup(goneID, rollupstypes.ROLLUP_STATUS_DEREGISTERED, nil),
		},
		inbox: map[string][]rollupstypes.InboxMessage{},
	}
	bank := newFakeBank()
	v := &fakeExitVerifier{gas: 50_000}
	verifiers := map[string]types.ExitVerifier{layoutName: v}
	maps.Copy(verifiers, more)
	k := keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), ac, bank, reg, &fakeBatches{}, &fakePool{bank: bank}, verifiers, authority)
	require.NoError(t, k.InitGenesis(testCtx.Ctx, types.DefaultGenesis()))
	require.NoError(t, k.Paused.Set(testCtx.Ctx, quietID, true))

	bob := sdk.AccAddress(bytes.Repeat([]byte{0xb0}, 20))
	bobS, err := ac.BytesToString(bob)
	require.NoError(t, err)
	return &exodusFixture{
		ctx: testCtx.Ctx.WithChainID(chainID).WithBlockHeight(100), keeper: k,
		msgs: keeper.NewMsgServerImpl(k), query: keeper.NewQueryServerImpl(k),
		bank: bank, reg: reg, verifier: v, escrow: authtypes.NewModuleAddress(types.ModuleName),
		alice: sdk.AccAddress(bytes.Repeat([]byte{0xa1}, 20)), bob: bob, bobS: bobS,
	}
}

// fund credits a ledger and puts the matching coins in escrow.
func (f *exodusFixture) fund(t *testing.T, rollupID string, coin sdk.Coin) {
	t.Helper()
	cur, err := f.keeper.Ledger(f.ctx, rollupID, coin.Denom)
	require.NoError(t, err)
	require.NoError(t, f.keeper.Ledgers.Set(f.ctx, collections.Join(rollupID, coin.Denom), cur.Add(coin.Amount)))
	f.bank.balances[string(f.escrow)] = f.bank.balances[string(f.escrow)].Add(coin)
}

func (f *exodusFixture) ledger(t *testing.T, id string) int64 {
	t.Helper()
	amt, err := f.keeper.Ledger(f.ctx, id, denom)
	require.NoError(t, err)
	return amt.Int64()
}

func (f *exodusFixture) requireInvariant(t *testing.T) {
	t.Helper()
	escrow, ledgers, pending, accrued, err := f.keeper.EscrowInvariant(f.ctx)
	require.NoError(t, err)
	require.Equal(t, escrow.String(), ledgers.Add(pending...).Add(accrued...).String(), "escrow must equal ledgers + pending + accrued")
}

// state is everything an exit or a refund may change, as text.
func (f *exodusFixture) state(t *testing.T) string {
	t.Helper()
	gs, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	gs.Params = types.Params{}
	return fmt.Sprintf("%v|%s|%v", gs.String(), f.bank.snapshot(), f.reg.inbox)
}

// claim is a valid leaf claim on deadID: leaf 5 of carol, balance 300.
func (f *exodusFixture) claim() *types.MsgExodusWithdraw {
	siblings := make([][]byte, exitDepth)
	for i := range siblings {
		siblings[i] = root(string(rune('a' + i)))
	}
	return &types.MsgExodusWithdraw{
		Sender: f.bobS, RollupId: deadID, StateRoot: root(deadRoot), LeafIndex: 5,
		Account: l2Carol, Balance: "300", Nonce: 2, Siblings: siblings,
		Recipient: f.bobS, Signature: goodSig,
	}
}

// creditsOnly is a claim of carol's credits on deadID.
func (f *exodusFixture) creditsOnly() *types.MsgExodusWithdraw {
	return &types.MsgExodusWithdraw{
		Sender: f.bobS, RollupId: deadID, StateRoot: root(deadRoot), LeafIndex: protocol.ExitLeafNone,
		Account: l2Carol, Recipient: f.bobS, Signature: goodSig,
	}
}

func (f *exodusFixture) credit(t *testing.T, id string, account []byte, amt int64) {
	t.Helper()
	f.fund(t, id, sdk.NewInt64Coin(denom, amt))
	require.NoError(t, f.keeper.ExitCredits.Set(f.ctx, collections.Join3(id, account, denom), sdkmath.NewInt(amt)))
}

func collectionsJoin3(id string, account []byte, d string) collections.Triple[string, []byte, string] {
	return collections.Join3(id, account, d)
}

func hexOf(b []byte) string { return fmt.Sprintf("%x", b) }
