package operator

import (
	"math/big"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/payments"
)

// withdrawal signs a withdrawal of amount to the raw L1 address to.
func withdrawal(t *testing.T, op *Operator, k *payments.PrivateKey, from uint32, to []byte, amount, fee int64, nonce uint32) WireTx {
	t.Helper()
	a, err := payments.EncodeAmount(big.NewInt(amount))
	require.NoError(t, err)
	f, err := payments.EncodeFee(big.NewInt(fee))
	require.NoError(t, err)
	tx := payments.Tx{Kind: payments.KindWithdraw, From: from, Amount: a, Fee: f, Nonce: nonce, Recipient: to}
	tx.Sign(k, paymentsv1.Domain(op.chainID, "pay"), "unat")
	return ToWire(tx)
}

// send signs a cross-rollup send of amount to the L2 address of to on dest.
func send(t *testing.T, op *Operator, k *payments.PrivateKey, from uint32, dest string, to payments.PublicKey, payload []byte,
	amount, fee int64, nonce uint32) WireTx {
	t.Helper()
	a, err := payments.EncodeAmount(big.NewInt(amount))
	require.NoError(t, err)
	f, err := payments.EncodeFee(big.NewInt(fee))
	require.NoError(t, err)
	tx := payments.Tx{Kind: payments.KindSend, From: from, Amount: a, Fee: f, Nonce: nonce, Recipient: to.Address(),
		DestRollupID: dest, Payload: payload}
	tx.Sign(k, paymentsv1.Domain(op.chainID, "pay"), "unat")
	return ToWire(tx)
}

// funded runs an operator over a chain where alice (index 0) holds 1000
// and bob (index 1) 10, both verified.
func funded(t *testing.T, chain *fakeChain, opts Options) (r *running, alice, bob *payments.PrivateKey) {
	t.Helper()
	alice, bob = testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	r = startAs(t, dbm.NewMemDB(), chain, opts)
	waitVerified(t, r.op, 1)
	return r, alice, bob
}

// H1 (operator side): a withdrawal to a module account would fail the
// whole batch on the chain, so the API refuses it up front. The blocked
// set comes from the chain: a module account the operator cannot have
// known by name (one an upgrade added) is refused too.
func TestSubmit_RefusesWithdrawalToModuleAccount(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	added := chain.addModuleAccount("added-by-an-upgrade")
	r, alice, _ := funded(t, chain, testOptions())

	for _, to := range [][]byte{authtypes.NewModuleAddress("distribution"), authtypes.NewModuleAddress("crossrollup"), added} {
		_, err := r.op.Submit(withdrawal(t, r.op, alice, 0, to, 1, 0, 0))
		require.Equal(t, CodeBlockedRecipient, codeOf(err), "withdrawal to %x: %v", to, err)
	}

	_, err := r.op.Submit(withdrawal(t, r.op, alice, 0, []byte("alice-l1-account-20b"), 1, 0, 0))
	require.NoError(t, err, "an ordinary L1 address")
	waitVerified(t, r.op, 2)
	require.Empty(t, r.op.Status().Halted)
	require.Equal(t, "999", balance(t, r.op, alice).VerifiedBalance)
}

// H1 (operator side): a send whose payload the chain's max_payload_bytes
// refuses would fail the batch; one to a rollup the chain does not know
// would only bounce, but is refused as a mistake. The limit is the
// chain's, not the encoding's 4096 or the default 1024.
func TestSubmit_RefusesSendOverChainPayloadLimit(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	chain.others = []string{"other"}
	chain.setMaxPayloadBytes(100)
	r, alice, bob := funded(t, chain, testOptions())

	_, err := r.op.Submit(send(t, r.op, alice, 0, "other", bob.Public, make([]byte, 101), 5, 0, 0))
	require.Equal(t, CodePayloadTooLarge, codeOf(err), "%v", err)
	_, err = r.op.Submit(send(t, r.op, alice, 0, "nowhere", bob.Public, nil, 5, 0, 0))
	require.Equal(t, CodeUnknownRollup, codeOf(err), "%v", err)

	_, err = r.op.Submit(send(t, r.op, alice, 0, "other", bob.Public, make([]byte, 100), 5, 0, 0))
	require.NoError(t, err, "a payload at the limit")
	waitVerified(t, r.op, 2)
	require.Empty(t, r.op.Status().Halted)
	require.Equal(t, "995", balance(t, r.op, alice).VerifiedBalance)
}

// A transaction accepted while the chain would have delivered it, refused
// in its block because the chain's rules changed meanwhile (an upgrade
// made its recipient a module account): the operator drops that
// transaction, rebuilds the batch without it and goes on. It does not
// halt, and the other transactions of the batch are verified.
func TestOperator_BatchRefusedForATxsContentDropsTheTx(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	r, alice, bob := funded(t, chain, testOptions())
	chain.setHold(true)
	soonBlocked := authtypes.NewModuleAddress("soon-a-module")
	poison, err := r.op.Submit(withdrawal(t, r.op, alice, 0, soonBlocked, 7, 0, 0))
	require.NoError(t, err)
	good, err := r.op.Submit(transfer(t, r.op, bob, 1, 0, 4, 0, 0))
	require.NoError(t, err)
	chain.addModuleAccount("soon-a-module")
	chain.setHold(false)

	require.Eventually(t, func() bool {
		st, err := r.op.TxStatus(good.ID)
		return err == nil && st.Status == "verified" || r.op.Status().Halted != ""
	}, 10*time.Second, 10*time.Millisecond)
	require.Empty(t, r.op.Status().Halted)
	st, err := r.op.TxStatus(poison.ID)
	require.NoError(t, err)
	require.Equal(t, "rejected", st.Status)
	require.Contains(t, st.Reason, "module account")
	require.Equal(t, "1004", balance(t, r.op, alice).VerifiedBalance)
	require.Equal(t, "6", balance(t, r.op, bob).VerifiedBalance)

	// alice's nonce was not used: she goes on from it
	next, err := r.op.Submit(transfer(t, r.op, alice, 0, 1, 100, 0, 0))
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		st, err := r.op.TxStatus(next.ID)
		return err == nil && st.Status == "verified"
	}, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, "904", balance(t, r.op, alice).VerifiedBalance)
}

// --discard-unverified after a halt on a batch the chain refused for a
// transaction's content (the operator could not tell which one at the
// time: the chain did not answer its rules queries) drops that
// transaction; it does not put it back in the mempool, where it would be
// rebuilt into the next batch and halt the daemon again.
func TestDiscardUnverified_DoesNotResurrectARefusedTx(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	db := dbm.NewMemDB()
	r := start(t, db, chain, &fakeProver{}, false)
	waitVerified(t, r.op, 1)
	chain.setHold(true)
	soonBlocked := authtypes.NewModuleAddress("soon-a-module")
	poison, err := r.op.Submit(withdrawal(t, r.op, alice, 0, soonBlocked, 7, 0, 0))
	require.NoError(t, err)
	good, err := r.op.Submit(transfer(t, r.op, bob, 1, 0, 4, 0, 0))
	require.NoError(t, err)
	chain.addModuleAccount("soon-a-module")
	chain.setRulesDown(true)
	chain.setHold(false)
	require.Eventually(t, func() bool { return r.op.Status().Halted != "" }, 10*time.Second, 10*time.Millisecond)
	r.stop()
	chain.setRulesDown(false)

	r = start(t, db, chain, &fakeProver{}, true)
	require.Eventually(t, func() bool {
		st, err := r.op.TxStatus(good.ID)
		return err == nil && st.Status == "verified" || r.op.Status().Halted != ""
	}, 10*time.Second, 10*time.Millisecond)
	require.Empty(t, r.op.Status().Halted, "the refused withdrawal was put back and refused again")
	st, err := r.op.TxStatus(poison.ID)
	require.NoError(t, err)
	require.Equal(t, "rejected", st.Status)
	require.Contains(t, st.Reason, "module account")
	require.Equal(t, "1004", balance(t, r.op, alice).VerifiedBalance)
	require.Equal(t, "6", balance(t, r.op, bob).VerifiedBalance)
}

// A forced withdrawal to a module account cannot be refused: the circuit
// must execute it. With the chain refunding an undeliverable entry to its
// L2 sender (the H1 chain fix), the operator lands the batch, credits the
// refund from the inbox, and never halts.
func TestOperator_ForcedWithdrawalToModuleAccountIsRefundedWithoutHalting(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	chain.refundUndeliverable = true
	r, alice, _ := funded(t, chain, testOptions())
	forceInclude(chain, forcedWithdrawal(t, r.op, alice, authtypes.NewModuleAddress("distribution"), 400))

	require.Eventually(t, func() bool {
		a, ok := tryBalance(r.op, alice)
		return ok && a.VerifiedBalance == "1000" && a.VerifiedNonce == 1 || r.op.Status().Halted != ""
	}, 10*time.Second, 10*time.Millisecond)
	require.Empty(t, r.op.Status().Halted)
}

// Without that chain fix the batch that executes the forced withdrawal
// fails in every block: the operator cannot skip an inbox entry, so it
// halts, and says which inbox entry is the cause rather than blaming the
// proof.
func TestOperator_ForcedWithdrawalRefusedByTheChainHaltsNamingTheInbox(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	r, alice, _ := funded(t, chain, testOptions())
	forceInclude(chain, forcedWithdrawal(t, r.op, alice, authtypes.NewModuleAddress("distribution"), 400))

	require.Eventually(t, func() bool { return r.op.Status().Halted != "" }, 10*time.Second, 10*time.Millisecond)
	require.Contains(t, r.op.Status().Halted, "from the inbox")
}

func forcedWithdrawal(t *testing.T, op *Operator, k *payments.PrivateKey, to []byte, amount int64) []byte {
	t.Helper()
	amt, err := payments.EncodeAmount(big.NewInt(amount))
	require.NoError(t, err)
	w := payments.Tx{Kind: payments.KindWithdraw, From: 0, Amount: amt, Nonce: 0, Recipient: to}
	w.Sign(k, paymentsv1.Domain(op.chainID, "pay"), "unat")
	payload, err := payments.EncodeForcedTx(&w)
	require.NoError(t, err)
	return payload
}

// M4: one funded account cannot fill the mempool: past its pending cap
// (counting transactions in unverified batches) it is refused, and other
// accounts still get in.
func TestSubmit_OneAccountCannotFillTheMempool(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	opts := testOptions()
	opts.MaxPendingPerAccount = 5
	r, alice, bob := funded(t, chain, opts)
	chain.setHold(true) // nothing is verified: every accepted transaction stays

	for n := uint32(0); n < 5; n++ {
		_, err := r.op.Submit(transfer(t, r.op, alice, 0, 1, 1, 0, n))
		require.NoError(t, err, "transfer %d", n)
	}
	_, err := r.op.Submit(transfer(t, r.op, alice, 0, 1, 1, 0, 5))
	require.Equal(t, CodeTooManyPending, codeOf(err), "%v", err)
	_, err = r.op.Submit(transfer(t, r.op, bob, 1, 0, 1, 0, 0))
	require.NoError(t, err, "another account is not held back")
}

// M4: a transaction paying less than the operator's minimum fee is
// refused, as is a transfer of nothing.
func TestSubmit_RefusesFeeBelowMinimumAndZeroTransfers(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	opts := testOptions()
	opts.MinFee = big.NewInt(10)
	r, alice, _ := funded(t, chain, opts)

	_, err := r.op.Submit(transfer(t, r.op, alice, 0, 1, 5, 9, 0))
	require.Equal(t, CodeFeeTooLow, codeOf(err), "%v", err)
	_, err = r.op.Submit(withdrawal(t, r.op, alice, 0, []byte("alice-l1-account-20b"), 5, 0, 0))
	require.Equal(t, CodeFeeTooLow, codeOf(err), "%v", err)
	_, err = r.op.Submit(transfer(t, r.op, alice, 0, 1, 0, 10, 0))
	require.Equal(t, CodeInvalidTx, codeOf(err), "%v", err)
	require.Contains(t, err.Error(), "zero")

	_, err = r.op.Submit(transfer(t, r.op, alice, 0, 1, 5, 10, 0))
	require.NoError(t, err)
	require.Equal(t, "10", r.op.Status().MinFee)
}

func TestOptions_DefaultsBoundTheMempool(t *testing.T) {
	o := Options{}.withDefaults()
	require.Positive(t, o.MinFee.Sign(), "a nonzero minimum fee by default")
	require.Equal(t, 64, o.MaxPendingPerAccount)
	require.Equal(t, 10000, o.MaxMempool)
}
