package operator

import (
	"context"
	"encoding/json"
	"math/big"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/exchange"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/rollupkit"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// The exchange kind (prover/exchange/kit*.go) on the operator, end to end
// on the fake chain: deposits in both denoms through the inbox, liquidity,
// a swap, a withdrawal, admission refusals, a restart, and another
// operator's batch followed, with the pending transaction whose nonce it
// took dropped.

var exParams = exchange.Params{Depth: 4, Slots: 4}

type exchangeRun struct {
	t     *testing.T
	chain *fakeChain
	r     *exchange.Rollup
	db    dbm.DB
	run   *running
}

func newExchangeRun(t *testing.T) *exchangeRun {
	r, err := exchange.NewRollup(exParams)
	require.NoError(t, err)
	chain := newFakeChain("dex", testParams)
	chain.mu.Lock()
	empty := protocol.StateRootBytes(r.EmptyRoot())
	chain.rollup.GenesisStateRoot, chain.rollup.StateRoot = empty, empty
	chain.mu.Unlock()
	return &exchangeRun{t: t, chain: chain, r: r, db: dbm.NewMemDB()}
}

// open starts an operator on the run's database; batchTimeout 0: the
// tests' default.
func (x *exchangeRun) open(batchTimeout time.Duration) {
	opts := testOptions()
	opts.RollupID, opts.Rollup = "dex", x.r
	if batchTimeout > 0 {
		opts.BatchTimeout = batchTimeout
	}
	op, err := Open(context.Background(), x.db, x.chain, NewInlineProver(&fakeProver{}), opts, false)
	require.NoError(x.t, err)
	ctx, cancel := context.WithCancel(context.Background())
	x.run = &running{op: op, cancel: cancel, done: make(chan struct{})}
	go func() { _ = x.run.op.Run(ctx); close(x.run.done) }()
	x.t.Cleanup(x.run.stop)
}

func (x *exchangeRun) account(k *payments.PrivateKey) (exchange.AccountView, error) {
	a, err := x.run.op.Account(k.Public.Address())
	if err != nil {
		return exchange.AccountView{}, err
	}
	return a.(exchange.AccountView), nil
}

// verified waits until k's verified account satisfies ok.
func (x *exchangeRun) verified(k *payments.PrivateKey, ok func(exchange.AccountAmounts) bool) exchange.AccountView {
	x.t.Helper()
	var last exchange.AccountView
	require.Eventually(x.t, func() bool {
		a, err := x.account(k)
		last = a
		return err == nil && ok(a.Verified)
	}, 20*time.Second, 10*time.Millisecond, "account not verified as expected: %+v, status %+v", last, x.run.op.Status())
	return last
}

// signed is tx from k's account, signed for the fake chain's rollup.
func (x *exchangeRun) signed(k *payments.PrivateKey, index uint32, tx exchange.Tx) []byte {
	tx.Account = index
	tx.Sign(k, "fake-1", "dex", exParams)
	bz, err := json.Marshal(tx)
	require.NoError(x.t, err)
	return bz
}

func TestOperator_RunsTheExchangeKind(t *testing.T) {
	x := newExchangeRun(t)
	alice, bob := testKey(t, 1), testKey(t, 2)
	x.chain.deposit(alice.Public, 1_000_000, "unat")
	x.chain.deposit(alice.Public, 2_000_000, "uusdc")
	x.chain.deposit(bob.Public, 50_000, "unat")
	x.open(0)
	require.Equal(t, "exchange", x.run.op.Status().Kind)
	a := x.verified(alice, func(v exchange.AccountAmounts) bool { return v.Quote == "2000000" })
	require.Equal(t, "1000000", a.Verified.Base)
	b := x.verified(bob, func(v exchange.AccountAmounts) bool { return v.Base == "50000" })
	ai, bi := a.Index, b.Index

	// the pool is empty: a swap is refused at the API
	_, err := x.run.op.Submit(x.signed(bob, bi, exchange.Tx{Kind: exchange.KindSwap, Amount1: big.NewInt(100), Min1: big.NewInt(1)}))
	require.Equal(t, CodeInvalidTx, codeOf(err), "%v", err)
	require.ErrorContains(t, err, "the pool is empty")

	// liquidity, then a swap against it (both pending at once), then a
	// withdrawal of the swapped quote to L1
	_, err = x.run.op.Submit(x.signed(alice, ai, exchange.Tx{Kind: exchange.KindAdd, Amount1: big.NewInt(100_000),
		Amount2: big.NewInt(200_000), Min1: big.NewInt(1)}))
	require.NoError(t, err)
	swap := exchange.Tx{Kind: exchange.KindSwap, Amount1: big.NewInt(10_000), Min1: big.NewInt(18_000)}
	_, err = x.run.op.Submit(x.signed(bob, bi, swap))
	require.NoError(t, err)
	_, err = x.run.op.Submit(x.signed(bob, bi, exchange.Tx{Kind: exchange.KindSwap, Amount1: big.NewInt(40_001), Min1: big.NewInt(1), Nonce: 1}))
	require.Equal(t, CodeInsufficientBalance, codeOf(err), "the pending swap counts: %v", err)
	_, err = x.run.op.Submit(x.signed(bob, bi, exchange.Tx{Kind: exchange.KindSwap, Amount1: big.NewInt(100), Min1: big.NewInt(1_000), Nonce: 1}))
	require.Equal(t, CodeInvalidTx, codeOf(err))
	require.ErrorContains(t, err, "too high")
	_, err = x.run.op.Submit(x.signed(bob, bi, exchange.Tx{Kind: exchange.KindSwap, Amount1: big.NewInt(100), Min1: big.NewInt(1), Nonce: 5}))
	require.Equal(t, CodeBadNonce, codeOf(err))
	p, err := x.account(bob)
	require.NoError(t, err)
	require.Equal(t, "40000", p.Pending.Base)
	require.Equal(t, uint32(1), p.Pending.Nonce)
	// 10000 in at 30 bps against 100k/200k: 18132 out
	b = x.verified(bob, func(v exchange.AccountAmounts) bool { return v.Nonce == 1 })
	require.Equal(t, "40000", b.Verified.Base)
	require.Equal(t, "18132", b.Verified.Quote)
	wd, err := x.run.op.Submit(x.signed(bob, bi, exchange.Tx{Kind: exchange.KindWithdraw, Side: 1, Amount1: big.NewInt(8132),
		Recipient: []byte("l1-recipient-address"), Nonce: 1}))
	require.NoError(t, err)
	b = x.verified(bob, func(v exchange.AccountAmounts) bool { return v.Nonce == 2 })
	require.Equal(t, "10000", b.Verified.Quote)
	st, err := x.run.op.TxStatus(wd.ID)
	require.NoError(t, err)
	require.Equal(t, "verified", st.Status)
	x.chain.mu.Lock()
	var withdrawn []protocol.OutboxEntry
	for _, m := range x.chain.posted {
		out, err := protocol.DecodeOutbox(m.Outbox)
		require.NoError(t, err)
		withdrawn = append(withdrawn, out...)
	}
	x.chain.mu.Unlock()
	require.Len(t, withdrawn, 1)
	require.Equal(t, "uusdc", withdrawn[0].Denom)
	require.Equal(t, uint64(8132), withdrawn[0].Amount.BigInt().Uint64())
	require.Equal(t, []byte("l1-recipient-address"), withdrawn[0].Recipient)

	// A restart rebuilds the head; a transaction submitted to it is not
	// built (a long batch timeout) before another operator's batch takes
	// its nonce with another swap: it is dropped, the state follows.
	x.run.stop()
	x.open(time.Hour)
	a, err = x.account(alice)
	require.NoError(t, err)
	require.Equal(t, "100000", a.Verified.Shares)
	pending, err := x.run.op.Submit(x.signed(bob, bi, exchange.Tx{Kind: exchange.KindSwap, Amount1: big.NewInt(1000), Min1: big.NewInt(1), Nonce: 2}))
	require.NoError(t, err)
	x.run.stop()
	foreign := x.foreignBatch(bob, bi, exchange.Tx{Kind: exchange.KindSwap, Amount1: big.NewInt(2000), Min1: big.NewInt(1), Nonce: 2})
	x.open(0)
	x.verified(bob, func(v exchange.AccountAmounts) bool { return v.Nonce == 3 && v.Base == "38000" })
	require.Equal(t, foreign, x.run.op.Status().LastVerified)
	st, err = x.run.op.TxStatus(pending.ID)
	require.NoError(t, err)
	require.Equal(t, "rejected", st.Status)
	require.Contains(t, st.Reason, "nonce 2 of account 1 was used on the chain by batch")
	require.Empty(t, x.run.op.Status().Halted)

	// and it goes on building on the followed state
	_, err = x.run.op.Submit(x.signed(alice, ai, exchange.Tx{Kind: exchange.KindRemove, Amount1: big.NewInt(50_000), Min1: big.NewInt(1), Min2: big.NewInt(1), Nonce: 1}))
	require.NoError(t, err)
	a = x.verified(alice, func(v exchange.AccountAmounts) bool { return v.Nonce == 2 })
	require.Equal(t, "50000", a.Verified.Shares)
}

// foreignBatch lands, as another operator's, a batch of tx built on a
// replica of the rollup rebuilt from what the chain keeps (posted data and
// consumed inbox); it returns the batch's index.
func (x *exchangeRun) foreignBatch(k *payments.PrivateKey, index uint32, tx exchange.Tx) uint64 {
	x.t.Helper()
	st, err := exchange.OpenState(dbm.NewMemDB(), exParams)
	require.NoError(x.t, err)
	x.chain.mu.Lock()
	next := x.chain.rollup.NextBatchIndex
	consumed := 0
	for i := uint64(1); i < next; i++ {
		m := x.chain.posted[i]
		var inbox []protocol.InboxEntry
		for j := 0; j < int(m.InboxConsumed); j++ {
			e, err := x.chain.inbox[consumed+j].Entry()
			require.NoError(x.t, err)
			inbox = append(inbox, e)
		}
		consumed += int(m.InboxConsumed)
		_, err := st.ApplyData(m.Data, inbox)
		require.NoError(x.t, err)
	}
	acc, _ := protocol.ParseFieldElement(x.chain.rollup.ConsumedAccumulator)
	x.chain.mu.Unlock()
	tx.Account = index
	tx.Sign(k, "fake-1", "dex", exParams)
	b, err := st.BuildBatch(rollupkit.BatchContext{ChainID: "fake-1", RollupID: "dex", BatchIndex: next,
		Submitter: []byte("other-operator-addr1"), InboxBefore: acc}, nil, []exchange.Tx{tx})
	require.NoError(x.t, err)
	require.Len(x.t, b.Included, 1)
	out, err := b.EncodedOutbox()
	require.NoError(x.t, err)
	x.chain.landForeign(&types.MsgSubmitBatch{Submitter: "other", RollupId: "dex", BatchIndex: next,
		NewStateRoot: protocol.StateRootBytes(b.NewRoot), Data: b.Data, Outbox: out, L2TxCount: 1})
	return next
}
