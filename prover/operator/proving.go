package operator

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/rollupkit"
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
	Batch *rollupkit.Batch
}

// Prover turns a proving job into the proof MsgSubmitBatch carries. It
// returns only a proof it has checked against the rollup's verifying key
// for the job's public inputs: the operator submits what it returns.
// An error halts the pipeline, unless ctx ended (the operator stops).
//
// Prove is called for up to Options.MaxInFlight jobs at once (fewer when
// the Prover is a ConcurrentProver). InlineProver proves in this process,
// one job at a time; prover/fleet's Prover publishes each job to a NATS
// JetStream work queue, waits for a worker's proof and verifies it.
type Prover interface {
	Prove(ctx context.Context, job ProvingJob) ([]byte, error)
}

// ConcurrentProver is a Prover that takes at most MaxConcurrent jobs at
// once (InlineProver: one).
type ConcurrentProver interface {
	MaxConcurrent() int
}

// ProverReporter is a Prover that reports on its own work (a fleet: its
// queue and its workers) in Status; proving has filled s.InFlight.
type ProverReporter interface {
	ReportProving(s *ProvingStatus)
}

// BatchProver proves a built batch in this process; *rollupkit.Prover is
// one for any kind's circuit (it checks its proof against its verifying
// key before returning it).
type BatchProver interface {
	Prove(b *rollupkit.Batch) ([]byte, error)
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

// MaxConcurrent is 1: one proof at a time uses every core.
func (InlineProver) MaxConcurrent() int { return 1 }

// ReportProving names the inline prover.
func (InlineProver) ReportProving(s *ProvingStatus) { s.Prover = "inline" }

// proving turns built batches into proofs: it holds the native batch of
// every unverified batch (the builder hands them over as it builds or
// replays them), proves up to Options.MaxInFlight of them at once (fewer
// for a ConcurrentProver), lowest index first, records each proof in the
// store as it arrives and wakes the submitter, which submits in index
// order.
type proving struct {
	*env
	prover    Prover
	store     *store
	submitter *submitter

	mu        sync.Mutex
	batches   map[uint64]*rollupkit.Batch // by index: built and not yet verified
	running   map[*batchRecord]runningJob // being proven
	provenN   uint64
	lastProve time.Duration
	firstAt   time.Time     // the first job's start: the rate's window starts no earlier
	recent    []provenBatch // the proofs of the last rateWindow
	wakeup    chan struct{}
}

// runningJob is a job in flight: since when, and how to end it early (its
// batch left the store: discarded, rebuilt, or replaced by another
// operator's).
type runningJob struct {
	since  time.Time
	cancel context.CancelFunc
}

// provenBatch is one proof, for the transfers/s rate.
type provenBatch struct {
	at  time.Time
	txs uint64
}

// rateWindow is the window of Status.Proving.TransfersPerSecond.
const rateWindow = time.Minute

// wake tells proving a batch was built (or a proof slot freed).
func (p *proving) wake() { signal(p.wakeup) }

// add takes the native batch of the batch at index.
func (p *proving) add(index uint64, b *rollupkit.Batch) {
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
// batch replaced this operator's). Jobs already running finish; their
// proofs are stale and dropped.
func (p *proving) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.batches = map[uint64]*rollupkit.Batch{}
}

// limit is how many jobs may run at once.
func (p *proving) limit() int {
	if c, ok := p.prover.(ConcurrentProver); ok && c.MaxConcurrent() > 0 {
		return min(c.MaxConcurrent(), p.opts.MaxInFlight)
	}
	return p.opts.MaxInFlight
}

func (p *proving) proveLoop(ctx context.Context) {
	var jobs sync.WaitGroup
	defer jobs.Wait() // an inline proof runs to its end
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		p.cancelStale()
		for p.startNext(ctx, &jobs) {
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-p.wakeup:
		}
	}
}

// cancelStale ends the jobs whose batch is no longer in the store: a
// fleet stops waiting for their proofs and their slots free up.
func (p *proving) cancelStale() {
	p.mu.Lock()
	jobs := make(map[*batchRecord]context.CancelFunc, len(p.running))
	for r, j := range p.running {
		jobs[r] = j.cancel
	}
	p.mu.Unlock()
	for r, cancel := range jobs {
		if !p.store.isCurrent(r) {
			cancel()
		}
	}
}

// claimNext is the lowest built batch that no job proves yet, and its
// native batch, marked running; nil when none or when limit jobs run.
func (p *proving) claimNext(ctx context.Context) (*batchRecord, *rollupkit.Batch, context.Context) {
	recs, statuses := p.store.unverified()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.running) >= p.limit() {
		return nil, nil, nil
	}
	for i, r := range recs {
		if _, busy := p.running[r]; !busy && statuses[i] == BatchBuilt && p.batches[r.Index] != nil {
			now := time.Now()
			jctx, cancel := context.WithCancel(ctx)
			p.running[r] = runningJob{since: now, cancel: cancel}
			if p.firstAt.IsZero() {
				p.firstAt = now
			}
			return r, p.batches[r.Index], jctx
		}
	}
	return nil, nil, nil
}

// startNext starts a job for the next batch to prove, if any.
func (p *proving) startNext(ctx context.Context, jobs *sync.WaitGroup) bool {
	if ctx.Err() != nil || p.halt.why() != "" {
		return false
	}
	rec, b, jctx := p.claimNext(ctx)
	if rec == nil {
		return false
	}
	p.mu.Lock()
	eta, n := p.lastProve, len(p.running)
	p.mu.Unlock()
	p.metrics.provingJobs.Set(float64(n))
	if eta > 0 {
		p.log.Info("proving batch", "index", rec.Index, "slots", p.kind.Summary().Slots, "jobs", n, "eta", eta.Round(100*time.Millisecond))
	} else {
		p.log.Info("proving batch", "index", rec.Index, "slots", p.kind.Summary().Slots, "jobs", n)
	}
	jobs.Add(1)
	go func() {
		defer jobs.Done()
		p.prove(jctx, rec, b)
		p.mu.Lock()
		p.running[rec].cancel()
		delete(p.running, rec) // after the store has the proof: never claimed twice
		n := len(p.running)
		p.mu.Unlock()
		p.metrics.provingJobs.Set(float64(n))
		p.wake()
	}()
	return true
}

// prove runs one job and records its proof.
func (p *proving) prove(ctx context.Context, rec *batchRecord, b *rollupkit.Batch) {
	start := time.Now()
	proof, err := p.prover.Prove(ctx, ProvingJob{RollupID: p.opts.RollupID, Index: rec.Index, Batch: b})
	elapsed := time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			return // stopping (proven again at the next start), or a stale batch
		}
		p.halt.set(fmt.Sprintf("proving batch %d failed: %v", rec.Index, err))
		return
	}
	stale, err := p.store.proven(rec, protocol.StateRootBytes(b.NewRoot), proof, elapsed)
	if stale {
		return // discarded or rebuilt meanwhile
	}
	if err != nil {
		p.log.Error("persist proof", "index", rec.Index, "err", err)
		return
	}
	now := time.Now()
	p.mu.Lock()
	p.provenN++
	p.lastProve = elapsed
	p.recent = append(p.recent, provenBatch{at: now, txs: b.Commitment.L2TxCount})
	p.pruneRecent(now)
	p.mu.Unlock()
	p.metrics.batchesProven.Inc()
	p.metrics.txsProven.Add(float64(b.Commitment.L2TxCount))
	p.metrics.provingSeconds.Observe(elapsed.Seconds())
	p.log.Info("batch proven", "index", rec.Index, "seconds", fmt.Sprintf("%.2f", elapsed.Seconds()))
	p.submitter.wake()
}

// pruneRecent drops the proofs older than rateWindow. Caller holds mu.
func (p *proving) pruneRecent(now time.Time) {
	i := 0
	for i < len(p.recent) && now.Sub(p.recent[i].at) > rateWindow {
		i++
	}
	p.recent = p.recent[i:]
}

// status fills proving's part of a Status, then the Prover's own report.
func (p *proving) status(s *Status) {
	now := time.Now()
	p.mu.Lock()
	s.BatchesProven, s.LastProveMillis = p.provenN, p.lastProve.Milliseconds()
	ps := ProvingStatus{Prover: "custom", QueueDepth: -1}
	for r, j := range p.running {
		ps.InFlight = append(ps.InFlight, ProvingJobStatus{Index: r.Index, StartedAt: j.since.UnixMilli(), ElapsedMillis: now.Sub(j.since).Milliseconds()})
	}
	p.pruneRecent(now)
	if !p.firstAt.IsZero() {
		from := now.Add(-rateWindow)
		if p.firstAt.After(from) {
			from = p.firstAt
		}
		var txs uint64
		for _, r := range p.recent {
			txs += r.txs
		}
		if secs := now.Sub(from).Seconds(); secs > 0 {
			ps.TransfersPerSecond = float64(txs) / secs
		}
	}
	p.mu.Unlock()
	sort.Slice(ps.InFlight, func(a, b int) bool { return ps.InFlight[a].Index < ps.InFlight[b].Index })
	if r, ok := p.prover.(ProverReporter); ok {
		r.ReportProving(&ps)
	}
	s.Proving = ps
}
