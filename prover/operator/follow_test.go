package operator

import (
	"context"
	"fmt"
	"math/big"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// startAs runs an operator on its own database over chain (a second
// operator's client of the fake chain, or the fake chain itself).
func startAs(t *testing.T, db dbm.DB, chain Chain, opts Options) *running {
	t.Helper()
	op, err := Open(context.Background(), db, chain, NewInlineProver(&fakeProver{}), opts, false)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{op: op, cancel: cancel, done: make(chan struct{})}
	go func() { _ = op.Run(ctx); close(r.done) }()
	t.Cleanup(r.stop)
	return r
}

func standbyOptions(afterBlocks int64) Options {
	o := testOptions()
	o.Standby, o.TakeoverAfterBlocks = true, afterBlocks
	return o
}

func (c *fakeChain) setHold(hold bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hold = hold
}

func (c *fakeChain) batch(i uint64) (types.Batch, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.batches[i]
	return b, ok
}

func (c *fakeChain) root() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("%x", c.rollup.StateRoot)
}

// batchesBy counts the verified batches a submitter landed.
func (c *fakeChain) batchesBy(sub string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, b := range c.batches {
		if b.Submitter == sub {
			n++
		}
	}
	return n
}

func txStatus(t *testing.T, op *Operator, id string) TxStatus {
	t.Helper()
	s, err := op.TxStatus(id)
	require.NoError(t, err)
	return s
}

// A standby follows the primary's batches: its verified state is the
// chain's, the transaction both daemons received is final at the standby
// as the primary's, the one whose nonce the primary's batch used is
// dropped, and one only the standby has stays pending.
func TestOperator_FollowsAForeignBatch(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice, bob, carol := testKey(t, 1), testKey(t, 2), testKey(t, 3)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	chain.deposit(carol.Public, 50, "unat")
	primary := start(t, dbm.NewMemDB(), chain, &fakeProver{}, false)
	standbyChain := chain.client("standby")
	standby := startAs(t, dbm.NewMemDB(), standbyChain, standbyOptions(1<<30))
	waitVerified(t, primary.op, 1)
	waitVerified(t, standby.op, 1)

	both := transfer(t, primary.op, alice, 0, 1, 300, 1, 0)
	_, err := primary.op.Submit(both)
	require.NoError(t, err)
	onStandby, err := standby.op.Submit(both)
	require.NoError(t, err)
	_, err = primary.op.Submit(transfer(t, primary.op, alice, 0, 1, 7, 0, 1))
	require.NoError(t, err)
	conflicting, err := standby.op.Submit(transfer(t, standby.op, alice, 0, 1, 9, 0, 1)) // same nonce, other amount
	require.NoError(t, err)
	onlyStandby, err := standby.op.Submit(transfer(t, standby.op, carol, 2, 1, 5, 0, 0))
	require.NoError(t, err)

	require.Eventually(t, func() bool { a, ok := tryBalance(primary.op, alice); return ok && a.VerifiedNonce == 2 }, 10*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool { return standby.op.Status().LastVerified == primary.op.Status().LastVerified },
		10*time.Second, 10*time.Millisecond)

	st := standby.op.Status()
	require.Empty(t, st.Halted)
	require.NoError(t, standby.op.Healthy())
	require.Equal(t, "standby", st.Role)
	require.Equal(t, chain.root(), st.StateRoot, "the followed state is the chain's")
	require.Equal(t, st.LastVerified, st.BatchesFollowed, "every batch was the primary's")
	require.Zero(t, st.RacesLost)
	require.Equal(t, "692", balance(t, standby.op, alice).VerifiedBalance)
	require.Equal(t, "317", balance(t, standby.op, bob).VerifiedBalance)
	require.Equal(t, "verified", txStatus(t, standby.op, onStandby.ID).Status)
	require.Equal(t, "rejected", txStatus(t, standby.op, conflicting.ID).Status)
	require.Contains(t, txStatus(t, standby.op, conflicting.ID).Reason, "nonce 1 of account 0 was used")
	require.Equal(t, "pending", txStatus(t, standby.op, onlyStandby.ID).Status)
	require.Equal(t, 1, st.MempoolPending)
	require.Zero(t, chain.batchesBy(standbyChain.sub.String()), "a standby with work but a live primary submits nothing")
}

// Two primaries broadcast a batch for the same index into the same block:
// the loser follows the winner's batch, rebuilds its transaction on top
// and lands it; neither halts.
func TestOperator_LostRaceInABlockIsFollowed(t *testing.T) {
	for _, keep := range []uint64{0, 2} {
		t.Run(fmt.Sprintf("batch_history_keep=%d", keep), func(t *testing.T) { testLostRaceInABlockIsFollowed(t, keep) })
	}
}

// With keep 2 the Batch query of batch 2, once batch 3 landed, derives no
// previous root or inbox_from (batch 1's record is pruned): the winner
// still recognises its own batch and the loser follows from the event.
func testLostRaceInABlockIsFollowed(t *testing.T, keep uint64) {
	chain := newFakeChain("pay", testParams)
	chain.historyKeep = keep
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	a := start(t, dbm.NewMemDB(), chain, &fakeProver{}, false)
	waitVerified(t, a.op, 1)
	b := startAs(t, dbm.NewMemDB(), chain.client("second"), testOptions())
	waitVerified(t, b.op, 1)

	chain.setHold(true)
	txA, err := a.op.Submit(transfer(t, a.op, alice, 0, 1, 100, 0, 0))
	require.NoError(t, err)
	txB, err := b.op.Submit(transfer(t, b.op, bob, 1, 0, 4, 0, 0))
	require.NoError(t, err)
	require.Eventually(t, func() bool { chain.mu.Lock(); defer chain.mu.Unlock(); return chain.submits[2] == 2 },
		10*time.Second, 10*time.Millisecond, "both broadcast batch 2")
	chain.setHold(false)

	for _, r := range []*running{a, b} {
		waitVerified(t, r.op, 3)
	}
	require.Equal(t, "verified", txStatus(t, a.op, txA.ID).Status)
	require.Equal(t, "verified", txStatus(t, b.op, txB.ID).Status)
	sa, sb := a.op.Status(), b.op.Status()
	require.Empty(t, sa.Halted)
	require.Empty(t, sb.Halted)
	require.Equal(t, uint64(1), sa.RacesLost+sb.RacesLost, "one of the two lost batch 2")
	require.Equal(t, chain.root(), sa.StateRoot)
	require.Equal(t, chain.root(), sb.StateRoot)
	require.Equal(t, "904", balance(t, a.op, alice).VerifiedBalance)
	require.Equal(t, "904", balance(t, b.op, alice).VerifiedBalance)
	for i, n := range chain.applied {
		require.Equal(t, 1, n, "batch %d applied %d times", i, n)
	}
}

// The other operator's batch lands between this operator's last look at
// the chain and its broadcast: CheckTx refuses the batch, and that is a
// lost race to follow, not a rejection.
func TestOperator_LostRaceAtCheckTxIsNotARejection(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	a := start(t, dbm.NewMemDB(), chain, &fakeProver{}, false)
	waitVerified(t, a.op, 1)
	second := chain.client("second")
	b := startAs(t, dbm.NewMemDB(), second, testOptions())
	waitVerified(t, b.op, 1)

	chain.setHold(true)
	_, err := b.op.Submit(transfer(t, b.op, bob, 1, 0, 4, 0, 0))
	require.NoError(t, err)
	require.Eventually(t, func() bool { chain.mu.Lock(); defer chain.mu.Unlock(); return chain.submits[2] == 1 },
		10*time.Second, 10*time.Millisecond)
	first := chain.Submitter().String()
	chain.mu.Lock()
	chain.onSubmit = func(m *types.MsgSubmitBatch) {
		if m.Submitter != first {
			return
		}
		chain.mu.Lock()
		defer chain.mu.Unlock()
		if chain.hold { // the block with the second operator's batch
			chain.hold = false
			chain.height++
			for _, p := range chain.mempool {
				chain.apply(p)
			}
			chain.mempool = nil
		}
	}
	chain.mu.Unlock()
	txA, err := a.op.Submit(transfer(t, a.op, alice, 0, 1, 100, 0, 0))
	require.NoError(t, err)

	waitVerified(t, a.op, 3)
	require.Equal(t, "verified", txStatus(t, a.op, txA.ID).Status)
	st := a.op.Status()
	require.Empty(t, st.Halted)
	require.NoError(t, a.op.Healthy())
	require.Equal(t, uint64(1), st.RacesLost)
	require.Equal(t, uint64(1), st.BatchesFollowed)
	require.Equal(t, second.sub.String(), mustBatch(t, chain, 2).Submitter)
	require.Equal(t, first, mustBatch(t, chain, 3).Submitter)
	require.Equal(t, "904", balance(t, a.op, alice).VerifiedBalance)
	require.Equal(t, "106", balance(t, a.op, bob).VerifiedBalance)
}

func mustBatch(t *testing.T, c *fakeChain, i uint64) types.Batch {
	t.Helper()
	b, ok := c.batch(i)
	require.True(t, ok, "no batch %d", i)
	return b
}

// A batch that does not rebuild to the chain's root from this operator's
// state is a real divergence: the pipeline halts and /health says so.
func TestOperator_DivergenceHalts(t *testing.T) {
	one, err := payments.EncodeAmount(big.NewInt(1))
	require.NoError(t, err)
	transferData := payments.EncodeData([]payments.Record{{Kind: payments.KindTransfer, From: 0, To: 1, Amount: one}})
	creditData := payments.EncodeData([]payments.Record{{Kind: payments.KindCredit, To: 0}})
	for _, tc := range []struct {
		name    string
		data    []byte
		newRoot func(chainRoot []byte) []byte
		want    string
	}{
		{"replayed root differs from the chain's", transferData, func(r []byte) []byte { return r }, "the states diverged"},
		{"data does not decode", []byte{1, 2, 3, 4, 5}, func(r []byte) []byte { return r }, "data does not decode"},
		{"credit without an inbox entry", creditData, func(r []byte) []byte { return r }, "does not replay"},
		{"account beyond the tree", payments.EncodeData([]payments.Record{{Kind: payments.KindTransfer, From: 0, To: 300, Amount: one}}),
			func(r []byte) []byte { return r }, "beyond the tree"},
	} {
		// keep 1: the Batch query of batch 2 no longer derives its previous
		// root (batch 1's record is pruned); the event still names it.
		for _, keep := range []uint64{0, 1} {
			t.Run(fmt.Sprintf("%s/batch_history_keep=%d", tc.name, keep), func(t *testing.T) {
				chain := newFakeChain("pay", testParams)
				chain.historyKeep = keep
				alice, bob := testKey(t, 1), testKey(t, 2)
				chain.deposit(alice.Public, 1000, "unat")
				chain.deposit(bob.Public, 10, "unat")
				r := start(t, dbm.NewMemDB(), chain, &fakeProver{}, false)
				waitVerified(t, r.op, 1)
				before := r.op.Status().StateRoot

				chain.mu.Lock()
				root := chain.rollup.StateRoot
				chain.mu.Unlock()
				chain.landForeign(&types.MsgSubmitBatch{Submitter: "other", RollupId: "pay", BatchIndex: 2,
					NewStateRoot: tc.newRoot(root), Data: tc.data})

				require.Eventually(t, func() bool { return r.op.Status().Halted != "" }, 5*time.Second, 10*time.Millisecond)
				st := r.op.Status()
				require.Contains(t, st.Halted, tc.want)
				require.Error(t, r.op.Healthy())
				require.Equal(t, uint64(1), st.LastVerified, "nothing of the bad batch is committed")
				require.Equal(t, before, st.StateRoot)
				_, err := r.op.Submit(transfer(t, r.op, alice, 0, 1, 1, 0, 0))
				require.Equal(t, CodeHalted, codeOf(err))
			})
		}
	}
}

// A standby with work waits for the primary; once the primary is gone it
// takes over after TakeoverAfterBlocks silent blocks, and the primary, back,
// follows what the standby landed.
func TestOperator_StandbyWaitsThenTakesOver(t *testing.T) {
	const after = 40
	chain := newFakeChain("pay", testParams)
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	primaryDB := dbm.NewMemDB()
	primary := start(t, primaryDB, chain, &fakeProver{}, false)
	standbyChain := chain.client("standby")
	standby := startAs(t, dbm.NewMemDB(), standbyChain, standbyOptions(after))
	waitVerified(t, primary.op, 1)

	// While the primary lands batches, the standby only follows, even with
	// inbox work in sight.
	_, err := primary.op.Submit(transfer(t, primary.op, alice, 0, 1, 100, 0, 0))
	require.NoError(t, err)
	chain.deposit(bob.Public, 5, "unat")
	require.Eventually(t, func() bool { a, ok := tryBalance(standby.op, bob); return ok && a.VerifiedBalance == "115" }, 10*time.Second, 10*time.Millisecond)
	require.Zero(t, chain.batchesBy(standbyChain.sub.String()))
	require.Equal(t, "standby", standby.op.Status().Role)

	// The primary dies; a transfer reaches the standby.
	primary.stop()
	last := standby.op.Status().LastVerified
	lastPrimary := mustBatch(t, chain, last)
	res, err := standby.op.Submit(transfer(t, standby.op, alice, 0, 1, 50, 0, 1))
	require.NoError(t, err)
	waitVerified(t, standby.op, last+1)

	first := mustBatch(t, chain, last+1)
	require.Equal(t, standbyChain.sub.String(), first.Submitter)
	require.GreaterOrEqual(t, first.Height-lastPrimary.Height, int64(after), "the standby waited the takeover delay")
	require.Equal(t, "verified", txStatus(t, standby.op, res.ID).Status)
	st := standby.op.Status()
	require.Equal(t, "standby-active", st.Role)
	require.Empty(t, st.Halted)

	// The primary comes back and follows the standby's batch.
	primary = start(t, primaryDB, chain, &fakeProver{}, false)
	require.Equal(t, last+1, primary.op.Status().LastVerified)
	require.Equal(t, uint64(1), primary.op.Status().BatchesFollowed)
	require.Equal(t, "850", balance(t, primary.op, alice).VerifiedBalance)
	require.NoError(t, primary.op.Healthy())
}
