package operator

import (
	"context"
	"math/big"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// forceInclude appends a forced transaction to the fake chain's inbox, as
// tx rollups force-include does.
func forceInclude(c *fakeChain, payload []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	prev, _ := protocol.ParseFieldElement(c.rollup.InboxAccumulator)
	e := protocol.InboxEntry{Sequence: uint64(len(c.inbox)), Kind: protocol.InboxKindForcedTx,
		Sender: []byte("l1-forcing-account-2"), Payload: payload}
	acc := protocol.InboxAccumulate(prev, e)
	c.inbox = append(c.inbox, types.InboxMessageFromEntry(e, c.height, protocol.StateRootBytes(acc)))
	c.rollup.InboxAccumulator = protocol.StateRootBytes(acc)
	c.rollup.InboxSize++
}

// A forced withdrawal takes the nonce of a transaction already accepted
// into the mempool: the forced one is executed first (the inbox comes
// before the mempool), the mempool one is dropped as stale, and the
// operator goes on without halting.
func TestOperator_ForcedTxBumpsTheNonceOfAMempoolTx(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	db := dbm.NewMemDB()
	r := start(t, db, chain, &fakeProver{}, false)
	waitVerified(t, r.op, 1)
	r.stop()

	// the mempool takes a transfer at nonce 0 before the operator sees the
	// forced withdrawal at the same nonce
	op, err := Open(context.Background(), db, chain, NewInlineProver(&fakeProver{}), testOptions(), false)
	require.NoError(t, err)
	res, err := op.Submit(transfer(t, op, alice, 0, 1, 300, 1, 0))
	require.NoError(t, err)
	amt, err := payments.EncodeAmount(big.NewInt(400))
	require.NoError(t, err)
	w := payments.Tx{Kind: payments.KindWithdraw, From: 0, Amount: amt, Nonce: 0, Recipient: []byte("alice-l1-account-20b")}
	w.Sign(alice, paymentsv1.Domain(op.chainID, "pay"), "unat")
	payload, err := payments.EncodeForcedTx(&w)
	require.NoError(t, err)
	forceInclude(chain, payload)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = op.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	waitVerified(t, op, 2)
	require.Empty(t, op.Status().Halted)
	a := balance(t, op, alice)
	require.Equal(t, "600", a.VerifiedBalance, "the forced withdrawal, not the transfer")
	require.Equal(t, uint32(1), a.VerifiedNonce)
	st, err := op.TxStatus(res.ID)
	require.NoError(t, err)
	require.Equal(t, "rejected", st.Status)
	require.Contains(t, st.Reason, "nonce")

	// the account goes on at the next nonce
	_, err = op.Submit(transfer(t, op, alice, 0, 1, 100, 0, 1))
	require.NoError(t, err)
	waitVerified(t, op, 3)
	require.Equal(t, "500", balance(t, op, alice).VerifiedBalance)
	require.Equal(t, "110", balance(t, op, bob).VerifiedBalance)
}

// A standby follows a batch that executed a forced transfer: its replay
// reads the accounts the forced payload names, and its state stays the
// chain's.
func TestOperator_FollowsABatchWithAForcedTx(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	primary := start(t, dbm.NewMemDB(), chain, &fakeProver{}, false)
	standby := startAs(t, dbm.NewMemDB(), chain.client("standby"), standbyOptions(1<<30))
	waitVerified(t, primary.op, 1)
	waitVerified(t, standby.op, 1)

	amt, err := payments.EncodeAmount(big.NewInt(250))
	require.NoError(t, err)
	tx := payments.Tx{Kind: payments.KindTransfer, From: 0, To: 1, ToKey: bob.Public, Amount: amt, Nonce: 0}
	tx.Sign(alice, paymentsv1.Domain(primary.op.chainID, "pay"), "unat")
	payload, err := payments.EncodeForcedTx(&tx)
	require.NoError(t, err)
	forceInclude(chain, payload)

	waitVerified(t, primary.op, 2)
	require.Eventually(t, func() bool { return standby.op.Status().LastVerified >= 2 }, 10*time.Second, 10*time.Millisecond,
		"standby: %+v", standby.op.Status())
	st := standby.op.Status()
	require.Empty(t, st.Halted)
	require.Equal(t, chain.root(), st.StateRoot)
	require.Equal(t, "750", balance(t, standby.op, alice).VerifiedBalance)
	require.Equal(t, uint32(1), balance(t, standby.op, alice).VerifiedNonce)
	require.Equal(t, "260", balance(t, standby.op, bob).VerifiedBalance)
}
