package operator

import (
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"
)

// provenRun builds batches 2, 3 and 4 (four transfers each), proves them
// last first and releases batch 2 last, so all three are proven and ready
// when the submitter may send batch 2.
func provenRun(t *testing.T, chain *fakeChain) *running {
	t.Helper()
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	p := &gatedProver{gates: map[uint64]chan struct{}{}}
	close(p.gate(1))
	r := startProver(t, dbm.NewMemDB(), chain, p)
	waitVerified(t, r.op, 1)
	for n := uint32(0); n < 12; n++ {
		_, err := r.op.Submit(transfer(t, r.op, alice, 0, 1, 10, 0, n))
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return p.startedN() == 4 }, 5*time.Second, 10*time.Millisecond)
	close(p.gate(4))
	close(p.gate(3))
	require.Eventually(t, func() bool { return r.op.Status().LastProven == 4 }, 5*time.Second, 10*time.Millisecond)
	close(p.gate(2))
	waitVerified(t, r.op, 4)
	require.Equal(t, "880", balance(t, r.op, alice).VerifiedBalance)
	require.Empty(t, r.op.Status().Halted)
	chain.mu.Lock()
	defer chain.mu.Unlock()
	for i := uint64(2); i <= 4; i++ {
		require.Equal(t, 1, chain.applied[i], "batch %d applied once", i)
	}
	return r
}

// Issue 16: consecutive batches proven and ready go to the chain in one
// transaction, in index order, without waiting for each to land.
func TestSubmitter_ProvenRunGoesInOneTransaction(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	provenRun(t, chain)
	chain.mu.Lock()
	defer chain.mu.Unlock()
	require.Equal(t, []int{3}, chain.groups)
	for i := uint64(2); i <= 4; i++ {
		require.Equal(t, 1, chain.submits[i], "batch %d broadcast once", i)
	}
}

// A transaction of several batches fails whole in its block (here: out of
// gas): its batches are sent again one per transaction from the first
// that did not land, and each applies once; nothing halts.
func TestSubmitter_FailedTransactionOfSeveralIsResentOnePerTransaction(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	chain.failGroups = 1
	provenRun(t, chain)
	chain.mu.Lock()
	defer chain.mu.Unlock()
	require.Equal(t, []int{3}, chain.groups, "no second transaction of several for the same run")
	for i := uint64(2); i <= 4; i++ {
		require.Equal(t, 2, chain.submits[i], "batch %d: in the failed transaction, then alone", i)
	}
}

// CheckTx refuses a transaction of several batches: they are sent one per
// transaction, so a refusal, if any, is about one batch.
func TestSubmitter_RefusedTransactionOfSeveralIsResentOnePerTransaction(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	chain.refuseGroups = 1
	provenRun(t, chain)
	chain.mu.Lock()
	defer chain.mu.Unlock()
	require.Empty(t, chain.groups)
	for i := uint64(2); i <= 4; i++ {
		require.Equal(t, 1, chain.submits[i], "batch %d sent alone once", i)
	}
}

// The node's check state holds a batch for the index the committed chain
// expects (an earlier copy, or another operator's, still in the mempool):
// the refusal is waited out, not taken for a rejection.
func TestSubmitter_PendingIndexRefusalIsTransient(t *testing.T) {
	for _, ce := range []*CheckTxError{
		{Codespace: "rollups", Code: 14, Log: `batch 0 of the transaction (pay/5): rollup "pay" expects batch 6, got 5: wrong batch index`},
		{Codespace: "simulation", Log: `rpc error: code = Unknown desc = rollup "pay" expects batch 6, got 5: wrong batch index`},
	} {
		require.True(t, pendingIndex(ce), ce.Error())
	}
	require.False(t, pendingIndex(&CheckTxError{Codespace: "rollups-verifier", Code: 3, Log: "invalid proof"}))
}
