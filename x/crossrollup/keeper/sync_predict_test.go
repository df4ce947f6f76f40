package keeper_test

import (
	"bytes"
	"errors"
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
	"github.com/nativechain/nativechain/protocol/syncv1"
	"github.com/nativechain/nativechain/x/crossrollup"
	"github.com/nativechain/nativechain/x/crossrollup/keeper"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupskeeper "github.com/nativechain/nativechain/x/rollups/keeper"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// syncFixture is the bridge keeper on the real x/rollups keeper, so that
// the inbox records (sequences, stored entries, accumulators) are the
// chain's own, computed by x/rollups' AppendInbox, not by the test.
type syncFixture struct {
	ctx     sdk.Context
	bridge  keeper.Keeper
	rollups *rollupskeeper.Keeper
	bank    *fakeBank
}

const (
	syncPayments = "payments"
	syncExchange = "exchange"
	syncUSDC     = "payments-usdc"
	syncFrozen   = "frozen-dest"
)

func newSyncFixture(t *testing.T) syncFixture {
	t.Helper()
	bridgeKey, rollupsKey := storetypes.NewKVStoreKey(types.StoreKey), storetypes.NewKVStoreKey(rollupstypes.StoreKey)
	ctx := testutil.DefaultContextWithKeys(
		map[string]*storetypes.KVStoreKey{types.StoreKey: bridgeKey, rollupstypes.StoreKey: rollupsKey},
		map[string]*storetypes.TransientStoreKey{"transient_test": storetypes.NewTransientStoreKey("transient_test")}, nil,
	).WithBlockHeight(100).WithChainID("nativechain-test")
	encCfg := moduletestutil.MakeTestEncodingConfig(crossrollup.AppModule{})
	ac := address.NewBech32Codec("native")
	authority, err := ac.BytesToString(authtypes.NewModuleAddress("gov"))
	require.NoError(t, err)

	bank := newFakeBank()
	rk := rollupskeeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(rollupsKey), ac, bank, authority)
	require.NoError(t, rk.InitGenesis(ctx, rollupstypes.DefaultGenesis()))
	genesisAcc := protocol.FieldElementBytes(protocol.InboxAccumulatorGenesis())
	for _, id := range []string{syncPayments, syncExchange, syncUSDC, syncFrozen} {
		st := rollupstypes.ROLLUP_STATUS_ACTIVE
		if id == syncFrozen {
			st = rollupstypes.ROLLUP_STATUS_FROZEN
		}
		require.NoError(t, rk.SetRollup(ctx, rollupstypes.Rollup{Id: id, Status: st, InboxAccumulator: genesisAcc}))
	}
	bk := keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(bridgeKey), ac, bank, rk, &fakeBatches{}, &fakePool{bank: bank}, nil, authority)
	require.NoError(t, bk.InitGenesis(ctx, types.DefaultGenesis()))
	f := syncFixture{ctx: ctx, bridge: bk, rollups: rk, bank: bank}
	for _, id := range []string{syncPayments, syncExchange, syncUSDC} {
		require.NoError(t, bk.Ledgers.Set(ctx, collections.Join(id, denom), sdkmath.NewInt(1_000)))
		escrow := authtypes.NewModuleAddress(types.ModuleName)
		bank.balances[string(escrow)] = bank.balances[string(escrow)].Add(sdk.NewInt64Coin(denom, 1_000))
	}
	// An entry already on chain in the exchange's inbox: the prediction
	// starts from the chain's N and acc_N, not from zero.
	_, err = rk.AppendInbox(ctx, syncExchange, protocol.InboxEntry{
		Kind: protocol.InboxKindDeposit, Sender: bytes.Repeat([]byte{0x11}, 20), Recipient: l2Bob, Denom: denom, Amount: protocol.NewUint128(5),
	})
	require.NoError(t, err)
	return f
}

// facts reads what a leader reads at its snapshot.
func (f syncFixture) facts(t *testing.T) []syncv1.RollupFacts {
	t.Helper()
	var out []syncv1.RollupFacts
	for _, id := range []string{syncPayments, syncExchange, syncUSDC, syncFrozen} {
		r, err := f.rollups.GetRollup(f.ctx, id)
		require.NoError(t, err)
		paused, err := f.bridge.Paused.Get(f.ctx, id)
		if errors.Is(err, collections.ErrNotFound) {
			paused, err = false, nil
		}
		require.NoError(t, err)
		out = append(out, syncv1.RollupFacts{ID: id, InboxSize: r.InboxSize, InboxAccumulator: r.InboxAccumulator,
			Active: r.Status == rollupstypes.ROLLUP_STATUS_ACTIVE, Paused: paused})
	}
	return out
}

func (f syncFixture) route(t *testing.T, src string, index uint64, outbox []protocol.OutboxEntry) {
	t.Helper()
	require.NoError(t, f.bridge.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{RollupID: src, Index: index, Outbox: outbox}))
}

func (f syncFixture) inboxSize(t *testing.T, id string) uint64 {
	t.Helper()
	r, err := f.rollups.GetRollup(f.ctx, id)
	require.NoError(t, err)
	return r.InboxSize
}

// requireChainMatches checks the prediction against x/rollups' records:
// the inbox size and accumulator, and for every predicted entry the stored
// message at its sequence (entry hash and the accumulator stored with it).
func (f syncFixture) requireChainMatches(t *testing.T, p *syncv1.Predictor, id string, from uint64) {
	t.Helper()
	r, err := f.rollups.GetRollup(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, r.InboxSize, p.Size(id), "%s: inbox size", id)
	require.Equal(t, r.InboxAccumulator, p.Accumulator(id), "%s: inbox accumulator", id)
	tail := p.Tail(id)
	require.Equal(t, int(r.InboxSize-from), len(tail), "%s: predicted entries", id)
	acc, err := f.rollups.Inbox.Get(f.ctx, collections.Join(id, from-1))
	require.NoError(t, err)
	running, err := protocol.ParseFieldElement(acc.Accumulator)
	require.NoError(t, err)
	for i, want := range tail {
		seq := from + uint64(i)
		require.Equal(t, seq, want.Sequence, "%s: predicted sequence", id)
		stored, err := f.rollups.Inbox.Get(f.ctx, collections.Join(id, seq))
		require.NoError(t, err)
		got, err := stored.Entry()
		require.NoError(t, err)
		require.Equal(t, got.Hash(), want.Hash(), "%s/%d: entry hash", id, seq)
		running = protocol.InboxAccumulate(running, want)
		require.Equal(t, stored.Accumulator, protocol.FieldElementBytes(running), "%s/%d: accumulator", id, seq)
	}
}

func TestPredict_MatchesChainRouting(t *testing.T) {
	f := newSyncFixture(t)
	// Each rollup gets one entry on chain before the round, so that every
	// tail starts from a non-genesis accumulator at a non-zero sequence.
	f.route(t, syncExchange, 1, []protocol.OutboxEntry{message(syncPayments, 1, []byte("warm-up")), message(syncUSDC, 1, nil)})
	start := map[string]uint64{}
	for _, id := range []string{syncPayments, syncExchange, syncUSDC} {
		start[id] = f.inboxSize(t, id)
		require.NotZero(t, start[id])
	}
	params, err := f.bridge.Params.Get(f.ctx)
	require.NoError(t, err)
	p := syncv1.NewPredictor(f.facts(t), params.MaxPayloadBytes)

	withdrawal := protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Sender: l2Alice, Recipient: bytes.Repeat([]byte{0x42}, 20), Denom: denom, Amount: protocol.NewUint128(7)}
	batches := []struct {
		src    string
		index  uint64
		outbox []protocol.OutboxEntry
	}{
		// the caller: two calls to the exchange around a withdrawal
		{syncPayments, 1, []protocol.OutboxEntry{message(syncExchange, 10, []byte("swap-1")), withdrawal, message(syncExchange, 20, []byte("swap-2"))}},
		// the exchange: outputs to the destination and back to the caller
		{syncExchange, 2, []protocol.OutboxEntry{message(syncUSDC, 9, nil), message(syncPayments, 3, []byte("refund")), message(syncUSDC, 18, nil)}},
		// a second caller batch, and the destination sending on
		{syncPayments, 2, []protocol.OutboxEntry{message(syncExchange, 1, []byte("swap-3"))}},
		{syncUSDC, 1, []protocol.OutboxEntry{withdrawal, message(syncExchange, 0, []byte("ping"))}},
	}
	for _, b := range batches {
		require.NoError(t, p.Apply(b.src, b.outbox))
		f.route(t, b.src, b.index, b.outbox)
		for _, id := range []string{syncPayments, syncExchange, syncUSDC} {
			f.requireChainMatches(t, p, id, start[id])
		}
	}
	require.Len(t, p.Tail(syncExchange), 4)
	require.Len(t, p.Tail(syncUSDC), 2)
	require.Len(t, p.Tail(syncPayments), 1)
}

func TestPredict_WouldBounceIsWhatTheChainBounces(t *testing.T) {
	tests := []struct {
		name    string
		arrange func(t *testing.T, f syncFixture)
		src     string
		entry   protocol.OutboxEntry
	}{
		{"inactive destination", nil, syncPayments, message(syncFrozen, 10, []byte("swap"))},
		{"paused destination", func(t *testing.T, f syncFixture) {
			require.NoError(t, f.bridge.Paused.Set(f.ctx, syncExchange, true))
		}, syncPayments, message(syncExchange, 10, []byte("swap"))},
		{"paused source", func(t *testing.T, f syncFixture) {
			require.NoError(t, f.bridge.Paused.Set(f.ctx, syncPayments, true))
		}, syncPayments, message(syncExchange, 10, []byte("swap"))},
		{"unknown destination", nil, syncPayments, message("nowhere", 10, nil)},
		{"payload over max_payload_bytes", nil, syncPayments, message(syncExchange, 10, make([]byte, types.DefaultMaxPayloadBytes+1))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newSyncFixture(t)
			if tc.arrange != nil {
				tc.arrange(t, f)
			}
			params, err := f.bridge.Params.Get(f.ctx)
			require.NoError(t, err)
			p := syncv1.NewPredictor(f.facts(t), params.MaxPayloadBytes)
			destBefore := uint64(0)
			if tc.entry.DestRollupID != "nowhere" {
				destBefore = f.inboxSize(t, tc.entry.DestRollupID)
			}
			srcBefore := f.inboxSize(t, tc.src)

			require.ErrorIs(t, p.Apply(tc.src, []protocol.OutboxEntry{tc.entry}), syncv1.ErrWouldBounce)
			require.Equal(t, srcBefore, p.Size(tc.src), "a refused batch changes no prediction")

			f.route(t, tc.src, 1, []protocol.OutboxEntry{tc.entry})
			if tc.entry.DestRollupID != "nowhere" {
				require.Equal(t, destBefore, f.inboxSize(t, tc.entry.DestRollupID), "the chain must not deliver")
			}
			require.Equal(t, srcBefore+1, f.inboxSize(t, tc.src), "the chain must bounce to the source")
			refund, err := f.rollups.Inbox.Get(f.ctx, collections.Join(tc.src, srcBefore))
			require.NoError(t, err)
			require.Equal(t, uint32(protocol.InboxKindRefund), refund.Kind)
			requireEvent(t, f.ctx, "nativechain.crossrollup.v1.EventMessageBounced")
		})
	}
}
