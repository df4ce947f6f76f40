package operator

import (
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/payments"
)

// M4, outside review: max_pending_per_account bounds one account, not k
// of them. Accounts holding min_fee transactions fill the mempool (157 at
// the defaults, 1 unat a transaction) and every honest transaction was
// refused with mempool_full, whatever fee it offered, until the spam
// drained. A full mempool now takes a higher fee in place of the cheapest
// evictable transaction (the last of another sender, in no batch yet).
func TestSubmit_FullMempoolTakesAHigherFeeInPlaceOfTheCheapest(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	opts := testOptions()
	opts.MinFee = big.NewInt(1)
	opts.MaxMempool = 2
	r, alice, bob := funded(t, chain, opts)
	chain.setHold(true) // nothing is verified: every accepted transaction stays
	r.op.builder.mu.Lock()
	r.op.opts.BatchTimeout = time.Hour // and nothing is batched while the test runs
	r.op.builder.mu.Unlock()

	// the spammer fills the mempool at the minimum fee
	spam0, err := r.op.Submit(transfer(t, r.op, alice, 0, 0, 1, 1, 0))
	require.NoError(t, err)
	spam1, err := r.op.Submit(transfer(t, r.op, alice, 0, 0, 1, 1, 1))
	require.NoError(t, err)

	// the same fee does not get in
	_, err = r.op.Submit(transfer(t, r.op, bob, 1, 0, 1, 1, 0))
	require.Equal(t, CodeMempoolFull, codeOf(err), "%v", err)

	// a higher fee does, in place of the spammer's last transaction
	honest, err := r.op.Submit(transfer(t, r.op, bob, 1, 0, 1, 3, 0))
	require.NoError(t, err, "a higher fee must get into a mempool full of min-fee spam")
	r.op.store.mu.Lock()
	_, keptFirst := r.op.store.byID[spam0.ID]
	_, keptLast := r.op.store.byID[spam1.ID]
	_, in := r.op.store.byID[honest.ID]
	n := len(r.op.store.mempool)
	r.op.store.mu.Unlock()
	require.True(t, keptFirst, "the evicted transaction is the last of its sender: no nonce gap")
	require.False(t, keptLast)
	require.True(t, in)
	require.Equal(t, 2, n)

	// the spammer's next nonce is 1 again; its own transactions never evict
	// each other, and a lower fee than the cheapest gets nothing
	_, err = r.op.Submit(transfer(t, r.op, alice, 0, 1, 1, 2, 1))
	require.Equal(t, CodeMempoolFull, codeOf(err), "%v", err)
}

// The batch then takes the higher fee first (else the transaction that
// outbid the spam would wait behind all of it), keeping a sender's nonce
// order and a transfer before what its recipient may spend of it.
func TestByFee_HigherFeeFirstKeepingNonceAndTransferOrder(t *testing.T) {
	entry := func(seq uint64, kind string, from, to uint32, fee string) *mempoolEntry {
		kinds := map[string]payments.RecordKind{"transfer": payments.KindTransfer, "withdraw": payments.KindWithdraw}
		f, ok := new(big.Int).SetString(fee, 10)
		require.True(t, ok)
		ef, err := payments.EncodeFee(f)
		require.NoError(t, err)
		e := &mempoolEntry{Seq: seq}
		e.setTx(&payments.KitTx{Tx: payments.Tx{Kind: kinds[kind], From: from, To: to, Fee: ef}})
		return e
	}
	pending := []*mempoolEntry{
		entry(1, "transfer", 0, 1, "1"), // alice pays bob
		entry(2, "transfer", 0, 9, "1"), // alice again: after her first
		entry(3, "withdraw", 2, 0, "5"),
		entry(4, "withdraw", 1, 0, "9"), // bob may spend alice's transfer: after it
		entry(5, "withdraw", 3, 0, "1"),
	}
	var got []uint64
	for _, e := range byFee(pending, 5) {
		got = append(got, e.Seq)
	}
	require.Equal(t, []uint64{3, 1, 4, 2, 5}, got)
	require.Len(t, byFee(pending, 2), 2)

	equal := []*mempoolEntry{entry(1, "withdraw", 0, 0, "1"), entry(2, "withdraw", 1, 0, "1")}
	require.Equal(t, equal, byFee(equal, 4), "equal fees keep acceptance order")
}
