package operator

import (
	"context"
	"sync"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
)

// gatedProver is a Prover (not an InlineProver: no concurrency limit of
// its own) whose jobs each wait for their own release.
type gatedProver struct {
	mu       sync.Mutex
	gates    map[uint64]chan struct{}
	started  []uint64
	canceled []uint64
}

func (p *gatedProver) gate(index uint64) chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gates[index] == nil {
		p.gates[index] = make(chan struct{})
	}
	return p.gates[index]
}

func (p *gatedProver) Prove(ctx context.Context, job ProvingJob) ([]byte, error) {
	p.mu.Lock()
	p.started = append(p.started, job.Index)
	p.mu.Unlock()
	select {
	case <-p.gate(job.Index):
	case <-ctx.Done():
		p.mu.Lock()
		p.canceled = append(p.canceled, job.Index)
		p.mu.Unlock()
		return nil, ctx.Err()
	}
	return []byte(fakeProof(protocol.StateRootBytes(job.Batch.PrevRoot))), nil
}

func (p *gatedProver) startedN() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.started)
}

func startProver(t *testing.T, db dbm.DB, chain *fakeChain, prover Prover) *running {
	t.Helper()
	op, err := Open(context.Background(), db, chain, prover, testOptions(), false)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{op: op, cancel: cancel, done: make(chan struct{})}
	go func() { _ = op.Run(ctx); close(r.done) }()
	t.Cleanup(r.stop)
	return r
}

// Batches built ahead are proven at once (up to MaxInFlight), their
// proofs recorded as they come, and submitted in index order whatever
// order the proofs came back in.
func TestProving_ParallelJobsSubmittedInIndexOrder(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	p := &gatedProver{gates: map[uint64]chan struct{}{}}
	close(p.gate(1)) // the deposits' batch
	r := startProver(t, dbm.NewMemDB(), chain, p)
	waitVerified(t, r.op, 1)

	// Three full batches (2, 3, 4) of four transfers each.
	for n := uint32(0); n < 12; n++ {
		_, err := r.op.Submit(transfer(t, r.op, alice, 0, 1, 10, 0, n))
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return p.startedN() == 4 }, 5*time.Second, 10*time.Millisecond,
		"batches 2, 3 and 4 proven at once")
	st := r.op.Status().Proving
	require.Len(t, st.InFlight, 3)
	require.Equal(t, []uint64{2, 3, 4}, []uint64{st.InFlight[0].Index, st.InFlight[1].Index, st.InFlight[2].Index})

	// Proofs come back last first: nothing is submitted before batch 2.
	close(p.gate(4))
	close(p.gate(3))
	require.Eventually(t, func() bool { return r.op.Status().LastProven == 4 }, 5*time.Second, 10*time.Millisecond)
	time.Sleep(100 * time.Millisecond)
	chain.mu.Lock()
	require.Zero(t, chain.submits[3]+chain.submits[4], "submitted ahead of batch 2")
	chain.mu.Unlock()

	close(p.gate(2))
	waitVerified(t, r.op, 4)
	for i := uint64(2); i <= 4; i++ {
		require.Equal(t, 1, chain.applied[i], "batch %d", i)
	}
	require.Equal(t, "880", balance(t, r.op, alice).VerifiedBalance)
	require.Empty(t, r.op.Status().Halted)
	require.Greater(t, r.op.Status().Proving.TransfersPerSecond, 0.0)
}

// A batch discarded while it is being proven has its job ended (a fleet
// stops waiting for a proof nobody will submit), and the rebuilt batch is
// proven afresh.
func TestProving_DiscardedBatchEndsItsJob(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	p := &gatedProver{gates: map[uint64]chan struct{}{}}
	close(p.gate(1))
	r := startProver(t, dbm.NewMemDB(), chain, p)
	waitVerified(t, r.op, 1)
	for n := uint32(0); n < 4; n++ {
		_, err := r.op.Submit(transfer(t, r.op, alice, 0, 1, 10, 0, n))
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return p.startedN() == 2 }, 5*time.Second, 10*time.Millisecond)

	// As after a rejection: the batch is discarded, its transactions go
	// back to the mempool and the head is rebuilt.
	b := r.op.builder
	b.mu.Lock()
	require.NoError(t, b.discardFrom(b.store.verifiedIndex()+1, "test: discarded while proving"))
	require.NoError(t, b.rebuildHead())
	b.mu.Unlock()
	b.wake()

	require.Eventually(t, func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return len(p.canceled) == 1 && p.canceled[0] == 2 && len(p.started) == 3
	}, 5*time.Second, 10*time.Millisecond, "the stale job ended and batch 2 proven again")
	close(p.gate(2))
	waitVerified(t, r.op, 2)
	require.Equal(t, 1, chain.applied[2])
	require.Empty(t, r.op.Status().Halted)
}

// InlineProver proves one batch at a time, as before the fleet.
func TestProving_InlineProverOneAtATime(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	gate := make(chan struct{})
	p := &fakeProver{gate: gate}
	r := start(t, dbm.NewMemDB(), chain, p, false)
	require.Eventually(t, func() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.calls == 1 }, 5*time.Second, 10*time.Millisecond)
	for n := uint32(0); n < 8; n++ {
		_, err := r.op.Submit(transfer(t, r.op, alice, 0, 1, 10, 0, n))
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return r.op.Status().LastBuilt == 3 }, 5*time.Second, 10*time.Millisecond)
	time.Sleep(200 * time.Millisecond)
	p.mu.Lock()
	require.Equal(t, 1, p.calls, "a second inline proof started before the first ended")
	p.mu.Unlock()
	require.Len(t, r.op.Status().Proving.InFlight, 1)
	require.Equal(t, "inline", r.op.Status().Proving.Prover)
	close(gate)
	waitVerified(t, r.op, 3)
}
