package operator

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/payments"
)

var testParams = payments.Params{Depth: 8, Slots: 4, Denom: "unat"}

// testOptions take no minimum fee: most tests are about other rules
// (admission_test.go tests the fee floor and the default).
func testOptions() Options {
	return Options{RollupID: "pay", Rollup: testRollup(testParams), BatchTimeout: 100 * time.Millisecond,
		PollInterval: 20 * time.Millisecond, MinFee: new(big.Int), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func testKey(t *testing.T, b byte) *payments.PrivateKey {
	var seed [32]byte
	seed[0] = b
	return payments.NewPrivateKey(seed)
}

type running struct {
	op     *Operator
	cancel context.CancelFunc
	done   chan struct{}
}

func start(t *testing.T, db dbm.DB, chain *fakeChain, prover BatchProver, discard bool) *running {
	t.Helper()
	op, err := Open(context.Background(), db, chain, NewInlineProver(prover), testOptions(), discard)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{op: op, cancel: cancel, done: make(chan struct{})}
	go func() { _ = op.Run(ctx); close(r.done) }()
	t.Cleanup(r.stop)
	return r
}

func (r *running) stop() {
	r.cancel()
	<-r.done
}

func waitVerified(t *testing.T, op *Operator, index uint64) {
	t.Helper()
	require.Eventually(t, func() bool { return op.Status().LastVerified >= index }, 10*time.Second, 10*time.Millisecond,
		"batch %d not verified: %+v", index, op.Status())
}

func transfer(t *testing.T, op *Operator, k *payments.PrivateKey, from, to uint32, amount, fee int64, nonce uint32) WireTx {
	t.Helper()
	a, err := payments.EncodeAmount(big.NewInt(amount))
	require.NoError(t, err)
	f, err := payments.EncodeFee(big.NewInt(fee))
	require.NoError(t, err)
	recipient := headAccount(t, op, to) // the recipient's key, which the transfer signs
	toKey := recipient.Key
	if !recipient.Exists() { // no account there (yet): a key of no one, so the refusal is about the index
		toKey = testKey(t, 0xee).Public
	}
	tx := payments.Tx{Kind: payments.KindTransfer, From: from, To: to, ToKey: toKey, Amount: a, Fee: f, Nonce: nonce}
	tx.Sign(k, paymentsv1.Domain(op.chainID, "pay"), "unat")
	return ToWire(tx)
}

func balance(t *testing.T, op *Operator, k *payments.PrivateKey) AccountView {
	t.Helper()
	a, err := accountView(op, k.Public.Address())
	require.NoError(t, err)
	return a
}

// tryBalance is balance for polling: an account the operator has not
// applied yet is not an error, only not there yet. (require must not be
// called from inside require.Eventually's condition, which runs on
// another goroutine.)
func tryBalance(op *Operator, k *payments.PrivateKey) (AccountView, bool) {
	a, err := accountView(op, k.Public.Address())
	return a, err == nil
}

func codeOf(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

func TestOperator_DepositsTransfersAndVerification(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	r := start(t, dbm.NewMemDB(), chain, &fakeProver{}, false)
	waitVerified(t, r.op, 1)
	require.Equal(t, "1000", balance(t, r.op, alice).VerifiedBalance)

	_, err := r.op.Submit(transfer(t, r.op, alice, 0, 1, 300, 1, 0))
	require.NoError(t, err)
	_, err = r.op.Submit(transfer(t, r.op, alice, 0, 1, 200, 1, 1))
	require.NoError(t, err)
	require.Equal(t, "498", balance(t, r.op, alice).PendingBalance)
	waitVerified(t, r.op, 2)
	require.Equal(t, "498", balance(t, r.op, alice).VerifiedBalance)
	require.Equal(t, "510", balance(t, r.op, bob).VerifiedBalance)
	require.Equal(t, 1, chain.applied[2])
	require.Empty(t, r.op.Status().Halted)
}

func TestOperator_RejectsBadTransactionsAtTheAPI(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice, bob, mallory := testKey(t, 1), testKey(t, 2), testKey(t, 3)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	r := start(t, dbm.NewMemDB(), chain, &fakeProver{}, false)
	waitVerified(t, r.op, 1)

	forged := transfer(t, r.op, mallory, 0, 1, 5, 0, 0) // signed by the wrong key
	_, err := r.op.Submit(forged)
	require.Equal(t, CodeBadSignature, codeOf(err), "%v", err)

	ok := transfer(t, r.op, alice, 0, 1, 5, 0, 0)
	_, err = r.op.Submit(ok)
	require.NoError(t, err)
	_, err = r.op.Submit(ok)
	require.Equal(t, CodeBadNonce, codeOf(err), "replay: %v", err)

	_, err = r.op.Submit(transfer(t, r.op, alice, 0, 1, 996, 0, 1))
	require.Equal(t, CodeInsufficientBalance, codeOf(err), "overdraft counting the pending transfer: %v", err)

	_, err = r.op.Submit(transfer(t, r.op, bob, 7, 1, 1, 0, 0))
	require.Equal(t, CodeUnknownAccount, codeOf(err))
	_, err = r.op.Submit(transfer(t, r.op, alice, 0, 9, 1, 0, 1))
	require.Equal(t, CodeUnknownRecipient, codeOf(err))

	waitVerified(t, r.op, 2)
	require.Equal(t, "995", balance(t, r.op, alice).VerifiedBalance, "only the valid transfer reached a batch")
	require.Equal(t, uint64(1), chain.batches[2].L2TxCount)
}

// A crash while batch 2 is being proven and transactions wait in the
// mempool: after a restart nothing is lost and no index is applied twice.
func TestOperator_RestartMidProofLosesNothing(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 0+10, "unat")
	db := dbm.NewMemDB()
	r := start(t, db, chain, &fakeProver{}, false)
	waitVerified(t, r.op, 1)

	// Block the prover, then accept six transfers: two batches' worth.
	gate := make(chan struct{})
	p := &fakeProver{gate: gate}
	r.stop()
	r = start(t, db, chain, p, false)
	for n := uint32(0); n < 6; n++ {
		_, err := r.op.Submit(transfer(t, r.op, alice, 0, 1, 10, 1, n))
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.calls > 0 }, 5*time.Second, 10*time.Millisecond)
	// "Crash": the daemon stops with the proof unfinished.
	r.cancel()
	close(gate)
	<-r.done

	r = start(t, db, chain, &fakeProver{}, false)
	require.Eventually(t, func() bool {
		a := balance(t, r.op, alice)
		return a.VerifiedNonce == 6
	}, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, "934", balance(t, r.op, alice).VerifiedBalance)
	require.Equal(t, "70", balance(t, r.op, bob).VerifiedBalance)
	for i, n := range chain.applied {
		require.Equal(t, 1, n, "batch %d applied %d times", i, n)
	}
	require.Zero(t, r.op.Status().MempoolPending)
}

// A crash after the batch was broadcast, before it was included: the
// restarted operator sends it again (it cannot know whether the node kept
// it), the chain applies the index once and refuses the copy, and the
// operator takes the copy's failure for what it is rather than halting.
func TestOperator_RestartWhileSubmittedAppliesTheIndexOnce(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	db := dbm.NewMemDB()
	r := start(t, db, chain, &fakeProver{}, false)
	waitVerified(t, r.op, 1)
	chain.mu.Lock()
	chain.hold = true // blocks are produced but carry nothing
	chain.mu.Unlock()
	_, err := r.op.Submit(transfer(t, r.op, alice, 0, 1, 10, 0, 0))
	require.NoError(t, err)
	require.Eventually(t, func() bool { chain.mu.Lock(); defer chain.mu.Unlock(); return chain.submits[2] == 1 }, 5*time.Second, 10*time.Millisecond)
	r.stop()

	r = start(t, db, chain, &fakeProver{}, false)
	require.Eventually(t, func() bool { chain.mu.Lock(); defer chain.mu.Unlock(); return chain.submits[2] == 2 }, 5*time.Second, 10*time.Millisecond)
	chain.mu.Lock()
	chain.hold = false
	chain.mu.Unlock()
	waitVerified(t, r.op, 2)
	time.Sleep(200 * time.Millisecond) // let the submitter see the copy's failure
	require.Equal(t, 1, chain.applied[2])
	require.Empty(t, r.op.Status().Halted)
	require.Equal(t, "990", balance(t, r.op, alice).VerifiedBalance)
}

func TestOperator_RejectedBatchHaltsWithDiagnosis(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice := testKey(t, 1)
	chain.deposit(alice.Public, 1000, "unat")
	r := start(t, dbm.NewMemDB(), chain, &fakeProver{bad: true}, false)
	require.Eventually(t, func() bool { return r.op.Status().Halted != "" }, 5*time.Second, 10*time.Millisecond)
	require.Contains(t, r.op.Status().Halted, "invalid proof")
	require.Error(t, r.op.Healthy())
	require.Equal(t, 0, chain.submits[1], "never broadcast after CheckTx refused it")
	time.Sleep(100 * time.Millisecond)
	require.Equal(t, 0, chain.submits[1], "not retried")
}

func TestOperator_ChainOutageIsRetried(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice := testKey(t, 1)
	r := start(t, dbm.NewMemDB(), chain, &fakeProver{}, false)
	chain.mu.Lock()
	chain.down = true
	chain.mu.Unlock()
	chain.deposit(alice.Public, 1000, "unat")
	require.Eventually(t, func() bool { return r.op.Healthy() != nil }, 5*time.Second, 10*time.Millisecond)
	chain.mu.Lock()
	chain.down = false
	chain.mu.Unlock()
	waitVerified(t, r.op, 1)
	require.NoError(t, r.op.Healthy())
}

// After a halt, --discard-unverified drops the refused batch and rebuilds
// it; the transactions it held are kept.
func TestOperator_DiscardUnverifiedRecoversFromAHalt(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	db := dbm.NewMemDB()
	r := start(t, db, chain, &fakeProver{}, false)
	waitVerified(t, r.op, 1)
	r.stop()
	bad := &fakeProver{bad: true}
	r = start(t, db, chain, bad, false)
	_, err := r.op.Submit(transfer(t, r.op, alice, 0, 1, 10, 0, 0))
	require.NoError(t, err)
	require.Eventually(t, func() bool { return r.op.Status().Halted != "" }, 5*time.Second, 10*time.Millisecond)
	_, err = r.op.Submit(transfer(t, r.op, alice, 0, 1, 10, 0, 1))
	require.Equal(t, CodeHalted, codeOf(err))
	r.stop()

	r = start(t, db, chain, &fakeProver{}, false)
	require.NotEmpty(t, r.op.Status().Halted, "a restart alone does not clear the halt")
	r.stop()
	r = start(t, db, chain, &fakeProver{}, true)
	waitVerified(t, r.op, 2)
	require.Equal(t, "990", balance(t, r.op, alice).VerifiedBalance)
	require.Empty(t, r.op.Status().Halted)
}
