package fleet

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/frontend"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/nativechain/nativechain/prover/operator"
)

// ProverOptions tune the operator's side of a fleet.
type ProverOptions struct {
	// QueueURL names the queue in status ("fleet nats://...").
	QueueURL string
	// PollInterval is how often a job waiting for its result also looks
	// the result up in the results stream, which covers a result
	// published while this process was disconnected (default 2 s).
	PollInterval time.Duration
	// MaxAttempts bounds the attempts at one batch whose results the
	// operator refuses (bad proofs, worker errors) before Prove fails and
	// the pipeline halts (default 3).
	MaxAttempts uint32
	// WorkerTimeout drops a worker from status after this long without
	// stats (default 30 s).
	WorkerTimeout time.Duration
	Logger        *slog.Logger
}

func (o ProverOptions) withDefaults() ProverOptions {
	if o.PollInterval <= 0 {
		o.PollInterval = 2 * time.Second
	}
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 3
	}
	if o.WorkerTimeout <= 0 {
		o.WorkerTimeout = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// Prover is the operator's Prover on a fleet: it publishes each job to
// the work queue, waits for a worker's result and checks the proof
// against the rollup's verifying key before returning it.
type Prover struct {
	nc       *nats.Conn
	js       jetstream.JetStream
	streams  *Streams
	verifier Verifier
	opts     ProverOptions
	log      *slog.Logger
	statsSub *nats.Subscription
	stop     context.CancelFunc
	// ready is closed once streams is set (the queue was reached).
	ready chan struct{}

	mu           sync.Mutex
	waiting      map[string]*Job // by work id: published, result not yet taken
	workers      map[string]workerSeen
	queueDepth   int64
	redeliveries uint64
	badProofs    uint64
}

type workerSeen struct {
	stats WorkerStats
	at    time.Time
}

var (
	_ operator.Prover         = (*Prover)(nil)
	_ operator.ProverReporter = (*Prover)(nil)
)

// NewProver connects the operator's side of a fleet over nc: it creates
// the streams if missing, listens to the workers' stats and watches the
// queue depth until Close. A queue that is unreachable does not fail it:
// it keeps trying in the background (an operator started during an
// outage), and Prove waits for the queue as it does through an outage.
func NewProver(ctx context.Context, nc *nats.Conn, v Verifier, opts ProverOptions) (*Prover, error) {
	if !validToken(v.KeyHash) || v.VK == nil {
		return nil, fmt.Errorf("fleet: a prover needs the rollup's verifying key and its hash (got %q)", v.KeyHash)
	}
	opts = opts.withDefaults()
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	mctx, stop := context.WithCancel(context.Background())
	p := &Prover{nc: nc, js: js, verifier: v, opts: opts, log: opts.Logger, stop: stop, ready: make(chan struct{}),
		waiting: map[string]*Job{}, workers: map[string]workerSeen{}, queueDepth: -1}
	if p.statsSub, err = nc.Subscribe(workerSubjectPrefix+"*", p.onStats); err != nil {
		stop()
		return nil, err
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	streams, err := EnsureStreams(sctx, js)
	cancel()
	if err == nil {
		p.streams = streams
		close(p.ready)
	} else {
		opts.Logger.Warn("queue unreachable; proving waits until it is back", "url", opts.QueueURL, "err", err)
		go p.ensureStreams(mctx)
	}
	go p.monitor(mctx)
	return p, nil
}

// ensureStreams creates the streams once the queue is reachable.
func (p *Prover) ensureStreams(ctx context.Context) {
	for attempt := 1; ; attempt++ {
		if !sleepCtx(ctx, time.Second) {
			return
		}
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		streams, err := EnsureStreams(sctx, p.js)
		cancel()
		if err == nil {
			p.streams = streams
			close(p.ready)
			p.log.Info("queue reachable; proving resumes", "url", p.opts.QueueURL)
			return
		}
		if attempt%30 == 0 {
			p.log.Warn("queue still unreachable", "url", p.opts.QueueURL, "err", err)
		}
	}
}

// waitReady waits until the streams exist.
func (p *Prover) waitReady(ctx context.Context) error {
	select {
	case <-p.ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// isReady reports whether the streams exist.
func (p *Prover) isReady() bool {
	select {
	case <-p.ready:
		return true
	default:
		return false
	}
}

// Close stops listening (the connection is the caller's).
func (p *Prover) Close() {
	p.stop()
	_ = p.statsSub.Unsubscribe()
}

// Prove proves a built batch: the witness of job.Batch.Assignment goes to
// the fleet.
func (p *Prover) Prove(ctx context.Context, job operator.ProvingJob) ([]byte, error) {
	w, err := frontend.NewWitness(job.Batch.Assignment, ecc.BN254.ScalarField())
	if err != nil {
		return nil, fmt.Errorf("fleet: witness of batch %d: %w", job.Index, err)
	}
	return p.ProveWitness(ctx, job.RollupID, job.Index, w)
}

// ProveWitness has the fleet prove full witness w of batch index of
// rollupID and returns a proof it checked against the verifying key. A
// result already stored (a restarted operator) is taken without
// publishing; a result that does not hold is counted and the job
// published again under a fresh attempt, up to MaxAttempts.
func (p *Prover) ProveWitness(ctx context.Context, rollupID string, index uint64, w witness.Witness) ([]byte, error) {
	bz, err := w.MarshalBinary()
	if err != nil {
		return nil, err
	}
	public, err := w.Public()
	if err != nil {
		return nil, err
	}
	if err := p.waitReady(ctx); err != nil { // connected: the server's max_payload is known
		return nil, err
	}
	// JSON carries the witness in base64 (4/3) plus a few hundred bytes.
	if max := p.nc.MaxPayload(); max > 0 && int64(len(bz))*4/3+4096 > max {
		return nil, fmt.Errorf("fleet: batch %d's witness is %d bytes, over the queue's max_payload %d: raise max_payload on the NATS server (the embedded one allows %d)",
			index, len(bz), max, MaxPayload)
	}
	jobID := JobID(rollupID, index, sha256.Sum256(bz))
	var last string
	for attempt := uint32(0); attempt < p.opts.MaxAttempts; attempt++ {
		job := &Job{Version: messageVersion, JobID: jobID, Attempt: attempt, Circuit: p.verifier.Circuit, KeyHash: p.verifier.KeyHash,
			RollupID: rollupID, Index: index, Witness: bz}
		res, err := p.await(ctx, job)
		if err != nil {
			return nil, err
		}
		if res.Delivered > 1 {
			p.count(&p.redeliveries)
		}
		if res.Error != "" {
			last = fmt.Sprintf("worker %s: %s", res.Worker, res.Error)
		} else if err := checkProof(p.verifier.VK, res.Proof, public); err != nil {
			last = fmt.Sprintf("worker %s's proof refused: %v", res.Worker, err)
		} else {
			return res.Proof, nil
		}
		p.count(&p.badProofs)
		p.log.Error("fleet result refused; publishing the job again", "index", index, "job", job.WorkID(), "reason", last)
	}
	return nil, fmt.Errorf("fleet: batch %d: %d attempts refused, the last: %s", index, p.opts.MaxAttempts, last)
}

func (p *Prover) count(c *uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	*c++
}

// await returns the result of job: one already stored, or the one a
// worker stores after job is published. It subscribes before publishing
// and also polls the results stream, so a result published while the
// connection was down is found when it is back.
func (p *Prover) await(ctx context.Context, job *Job) (*Result, error) {
	workID := job.WorkID()
	subject := ResultSubject(workID)
	ch := make(chan *nats.Msg, 4)
	sub, err := p.nc.ChanSubscribe(subject, ch)
	if err != nil {
		return nil, fmt.Errorf("fleet: subscribe to %s: %w", subject, err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	p.mu.Lock()
	p.waiting[workID] = job
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.waiting, workID)
		p.mu.Unlock()
	}()

	poll := time.NewTicker(p.opts.PollInterval)
	defer poll.Stop()
	published, warned := false, false
	for {
		if res := p.lookup(ctx, subject); res != nil {
			return res, nil
		}
		if !published {
			if err := p.publishJob(ctx, job); err != nil {
				if !warned {
					p.log.Warn("queue unreachable; proving pauses until it is back", "index", job.Index, "err", err)
					warned = true
				}
			} else {
				published = true
				p.log.Info("proving job published", "index", job.Index, "job", workID, "attempt", job.Attempt)
			}
		}
		select {
		case m := <-ch:
			if res, err := decodeResult(m.Data); err == nil && res.WorkID == workID {
				return res, nil
			}
		case <-poll.C:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// lookup returns the stored result on subject, if any.
func (p *Prover) lookup(ctx context.Context, subject string) *Result {
	lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	m, err := p.streams.Results.GetLastMsgForSubject(lctx, subject)
	if err != nil {
		if !errors.Is(err, jetstream.ErrMsgNotFound) && ctx.Err() == nil {
			p.log.Debug("look up result", "subject", subject, "err", err)
		}
		return nil
	}
	res, err := decodeResult(m.Data)
	if err != nil {
		p.log.Warn("unreadable result", "subject", subject, "err", err)
		return nil
	}
	return res
}

// publishJob publishes job with its work id as message id: a republish
// (an operator restart) within DuplicateWindow is dropped by JetStream.
func (p *Prover) publishJob(ctx context.Context, job *Job) error {
	job.PublishedAt = time.Now().UTC()
	bz, err := json.Marshal(job)
	if err != nil {
		return err
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, err = p.js.Publish(pctx, JobSubject(job.KeyHash), bz, jetstream.WithMsgID(job.WorkID()))
	return err
}

func (p *Prover) onStats(m *nats.Msg) {
	var s WorkerStats
	if err := json.Unmarshal(m.Data, &s); err != nil || s.Version != messageVersion || !validToken(s.Name) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.workers[s.Name] = workerSeen{stats: s, at: time.Now()}
}

// monitor refreshes the queue depth and forgets silent workers.
func (p *Prover) monitor(ctx context.Context) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		depth := int64(-1)
		if p.isReady() {
			ictx, cancel := context.WithTimeout(ctx, 2*time.Second)
			if info, err := p.streams.Jobs.Info(ictx); err == nil {
				depth = int64(info.State.Msgs)
			}
			cancel()
		}
		p.mu.Lock()
		p.queueDepth = depth
		for name, w := range p.workers {
			if time.Since(w.at) > p.opts.WorkerTimeout {
				delete(p.workers, name)
			}
		}
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ReportProving fills the fleet's part of the operator's status: the
// queue, the workers, and which worker proves each batch in flight.
func (p *Prover) ReportProving(s *operator.ProvingStatus) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s.Prover, s.KeyHash = "fleet "+p.opts.QueueURL, p.verifier.KeyHash
	s.QueueDepth, s.Redeliveries, s.BadProofs = p.queueDepth, p.redeliveries, p.badProofs
	names := make([]string, 0, len(p.workers))
	for name := range p.workers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		w := p.workers[name].stats
		ws := operator.ProvingWorkerStatus{Name: w.Name, ProofsDone: w.ProofsDone, MeanSeconds: w.MeanSeconds,
			Redelivered: w.Redeliveries, Failures: w.Failures, LastSeenMs: p.workers[name].at.UnixMilli()}
		if c := w.Current; c != nil {
			ws.Busy = fmt.Sprintf("%s/%d", c.RollupID, c.Index)
		}
		s.Workers = append(s.Workers, ws)
	}
	for i := range s.InFlight {
		j := &s.InFlight[i]
		for _, job := range p.waiting {
			if job.Index != j.Index {
				continue
			}
			j.Attempt = job.Attempt
			for _, name := range names {
				if c := p.workers[name].stats.Current; c != nil && c.WorkID == job.WorkID() {
					j.Worker, j.WorkerStartedAt, j.Delivered = name, c.StartedAt.UnixMilli(), c.Delivered
				}
			}
		}
	}
}
