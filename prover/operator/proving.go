package operator

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/payments"
)

// ProvingJob is one built batch to prove. The builder knows each batch's
// next state natively before any proof exists, so consecutive batches can
// be built ahead of their proofs (up to Options.MaxInFlight); the
// submitter sends proofs in index order whatever order they come back in.
type ProvingJob struct {
	RollupID string
	Index    uint64
	// Batch is the native batch: its Assignment is the full witness
	// (public inputs included), its PrevRoot and NewRoot the transition it
	// proves.
	Batch *payments.Batch
}

// Prover turns a proving job into the proof MsgSubmitBatch carries. It
// returns only a proof it has checked against the rollup's verifying key
// for the job's public inputs: the operator submits what it returns.
// An error halts the pipeline.
//
// InlineProver is the implementation today. A prover fleet (issue 16) is
// another: it knows its circuit id and key hash, publishes the job (the
// serialized witness of job.Batch.Assignment, with an id made of RollupID,
// Index and the witness hash) to a work queue, waits for a worker's proof
// and verifies it before returning it.
type Prover interface {
	Prove(ctx context.Context, job ProvingJob) ([]byte, error)
}

// BatchProver proves a built batch in this process; *payments.Prover is
// one (it checks its proof against its verifying key before returning it).
type BatchProver interface {
	Prove(b *payments.Batch) ([]byte, error)
}

// InlineProver proves each job in this process with a BatchProver, one at
// a time (the prover uses every core).
type InlineProver struct{ batches BatchProver }

// NewInlineProver proves with p in this process.
func NewInlineProver(p BatchProver) InlineProver { return InlineProver{batches: p} }

// Prove proves job.Batch. The proof, once started, runs to its end: ctx
// is not consulted.
func (p InlineProver) Prove(_ context.Context, job ProvingJob) ([]byte, error) {
	return p.batches.Prove(job.Batch)
}

// proving turns built batches into proofs, lowest index first, one at a
// time: it holds the native batch of every unverified batch (the builder
// hands them over as it builds or replays them) and records each proof in
// the store, then wakes the submitter.
type proving struct {
	*env
	prover    Prover
	store     *store
	submitter *submitter

	mu        sync.Mutex
	batches   map[uint64]*payments.Batch // by index: built and not yet verified
	provenN   uint64
	lastProve time.Duration
	wakeup    chan struct{}
}

// wake tells proving a batch was built.
func (p *proving) wake() { signal(p.wakeup) }

// add takes the native batch of the batch at index.
func (p *proving) add(index uint64, b *payments.Batch) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.batches[index] = b
}

// drop forgets the batch at index (verified or discarded).
func (p *proving) drop(index uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.batches, index)
}

// reset forgets every batch (the head is rebuilt, or another operator's
// batch replaced this operator's).
func (p *proving) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.batches = map[uint64]*payments.Batch{}
}

func (p *proving) proveLoop(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		for p.proveOnce(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-p.wakeup:
		}
	}
}

// next is the lowest unverified batch still to prove, and its native batch.
func (p *proving) next() (*batchRecord, *payments.Batch) {
	recs, statuses := p.store.unverified()
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, r := range recs {
		if b := p.batches[r.Index]; statuses[i] == BatchBuilt && b != nil {
			return r, b
		}
	}
	return nil, nil
}

func (p *proving) proveOnce(ctx context.Context) bool {
	if ctx.Err() != nil {
		return false
	}
	rec, b := p.next()
	halted := p.halt.why() != ""
	p.mu.Lock()
	eta := p.lastProve
	p.mu.Unlock()
	if rec == nil || halted {
		return false
	}
	if eta > 0 {
		p.log.Info("proving batch", "index", rec.Index, "slots", p.opts.Params.Slots, "eta", eta.Round(100*time.Millisecond))
	} else {
		p.log.Info("proving batch", "index", rec.Index, "slots", p.opts.Params.Slots)
	}
	start := time.Now()
	proof, err := p.prover.Prove(ctx, ProvingJob{RollupID: p.opts.RollupID, Index: rec.Index, Batch: b})
	elapsed := time.Since(start)
	if err != nil {
		p.halt.set(fmt.Sprintf("proving batch %d failed: %v", rec.Index, err))
		return false
	}
	stale, err := p.store.proven(rec, protocol.StateRootBytes(b.NewRoot), proof, elapsed)
	if stale {
		return true // discarded or rebuilt meanwhile
	}
	if err != nil {
		p.log.Error("persist proof", "index", rec.Index, "err", err)
		return false
	}
	p.mu.Lock()
	p.provenN++
	p.lastProve = elapsed
	p.mu.Unlock()
	p.metrics.batchesProven.Inc()
	p.metrics.provingSeconds.Observe(elapsed.Seconds())
	p.log.Info("batch proven", "index", rec.Index, "seconds", fmt.Sprintf("%.2f", elapsed.Seconds()))
	p.submitter.wake()
	return true
}

// status fills proving's part of a Status.
func (p *proving) status(s *Status) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s.BatchesProven, s.LastProveMillis = p.provenN, p.lastProve.Milliseconds()
}
