package fleet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// WorkerOptions tune a worker.
type WorkerOptions struct {
	// Name identifies the worker in results, stats and logs (one subject
	// token: WorkerName makes one).
	Name string
	// AckWait is the jobs consumers' ack deadline: a job its worker has
	// not acked nor marked in progress for this long is redelivered
	// (default 30 s). Every worker of a key hash shares its consumer, so
	// they should agree.
	AckWait time.Duration
	// Heartbeat is how often a job being proven is marked in progress.
	// Default: a third of the AckWait the consumer has on the server,
	// looked up again at each mark (another worker of the key hash may
	// have set a shorter one than this worker's), and at most 2 s.
	Heartbeat time.Duration
	// StatsInterval is how often the worker publishes its WorkerStats
	// (default 5 s).
	StatsInterval time.Duration
	// FetchWait bounds one wait for a job (default 2 s).
	FetchWait time.Duration
	// Backend proves the jobs (default: gnark's CPU prover, BackendCPU).
	Backend Backend
	Logger  *slog.Logger
}

func (o WorkerOptions) withDefaults() WorkerOptions {
	if o.Name == "" {
		o.Name = "worker"
	}
	o.Name = WorkerName(o.Name)
	if o.AckWait <= 0 {
		o.AckWait = 30 * time.Second
	}
	if o.StatsInterval <= 0 {
		o.StatsInterval = 5 * time.Second
	}
	if o.FetchWait <= 0 {
		o.FetchWait = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Backend == nil {
		o.Backend = cpuBackend{}
	}
	return o
}

// Worker proves jobs for the key hashes it holds: it pulls them from one
// durable consumer per key hash, so it never receives a job for a key it
// does not hold, and proves one job at a time (gnark uses every core).
type Worker struct {
	js   jetstream.JetStream
	keys map[string]*Key
	opts WorkerOptions
	log  *slog.Logger
	// prove is proveWith on the worker's backend; tests replace it.
	prove func(*Key, []byte) ([]byte, error)

	mu           sync.Mutex
	proofsDone   uint64
	proveSeconds float64
	redeliveries uint64
	failures     uint64
	current      *CurrentJob
}

// NewWorker returns a worker proving with keys.
func NewWorker(js jetstream.JetStream, keys []*Key, opts WorkerOptions) (*Worker, error) {
	if len(keys) == 0 {
		return nil, errors.New("fleet: a worker needs at least one key")
	}
	opts = opts.withDefaults()
	w := &Worker{js: js, keys: map[string]*Key{}, opts: opts, log: opts.Logger.With("worker", opts.Name, "backend", opts.Backend.Name())}
	backend := opts.Backend
	w.prove = func(k *Key, bz []byte) ([]byte, error) { return proveWith(backend, k, bz) }
	for _, k := range keys {
		if !validToken(k.Hash) {
			return nil, fmt.Errorf("fleet: bad key hash %q", k.Hash)
		}
		if err := backend.Prepare(k); err != nil {
			return nil, fmt.Errorf("fleet: backend %s: %w", backend.Name(), err)
		}
		w.keys[k.Hash] = k
	}
	return w, nil
}

// RunWorker runs a worker until ctx ends.
func RunWorker(ctx context.Context, js jetstream.JetStream, keys []*Key, opts WorkerOptions) error {
	w, err := NewWorker(js, keys, opts)
	if err != nil {
		return err
	}
	return w.Run(ctx)
}

// keyHashes are the key hashes held, sorted.
func (w *Worker) keyHashes() []string {
	hs := make([]string, 0, len(w.keys))
	for h := range w.keys {
		hs = append(hs, h)
	}
	sort.Strings(hs)
	return hs
}

// Run pulls and proves jobs until ctx ends. A queue outage pauses it: it
// retries until the server is back.
func (w *Worker) Run(ctx context.Context) error {
	streams, consumers, err := w.setup(ctx)
	if err != nil {
		return err
	}
	w.log.Info("worker ready", "keys", w.keyHashes(), "ack_wait", w.opts.AckWait)
	go w.statsLoop(ctx)
	for ctx.Err() == nil {
		for _, c := range consumers {
			if ctx.Err() != nil {
				break
			}
			fctx, cancel := context.WithTimeout(ctx, w.opts.FetchWait)
			msg, err := c.Next(jetstream.FetchContext(fctx))
			cancel()
			if err != nil {
				if ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, jetstream.ErrNoMessages) {
					w.log.Debug("fetch job", "err", err)
					sleepCtx(ctx, w.opts.FetchWait/2) // an outage: do not spin
				}
				continue
			}
			w.handle(ctx, c, streams.Results, msg)
		}
	}
	return nil
}

// setup creates the streams and this worker's consumers, retrying while
// the queue is unreachable.
func (w *Worker) setup(ctx context.Context) (*Streams, []jetstream.Consumer, error) {
	for attempt := 0; ; attempt++ {
		streams, consumers, err := w.trySetup(ctx)
		if err == nil {
			return streams, consumers, nil
		}
		if attempt == 0 || attempt%10 == 0 {
			w.log.Warn("queue not ready; retrying", "err", err)
		}
		if !sleepCtx(ctx, time.Second) {
			return nil, nil, ctx.Err()
		}
	}
}

func (w *Worker) trySetup(ctx context.Context) (*Streams, []jetstream.Consumer, error) {
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	streams, err := EnsureStreams(sctx, w.js)
	if err != nil {
		return nil, nil, err
	}
	var consumers []jetstream.Consumer
	for _, h := range w.keyHashes() {
		c, err := w.js.CreateOrUpdateConsumer(sctx, JobsStream, jetstream.ConsumerConfig{
			Durable:       consumerName(h),
			Description:   "workers holding key " + h,
			FilterSubject: JobSubject(h),
			AckPolicy:     jetstream.AckExplicitPolicy,
			AckWait:       w.opts.AckWait,
			MaxDeliver:    -1,
			DeliverPolicy: jetstream.DeliverAllPolicy,
		})
		if err != nil {
			return nil, nil, fmt.Errorf("consumer for key %s: %w", h, err)
		}
		consumers = append(consumers, c)
	}
	return streams, consumers, nil
}

// handle proves one job, publishes its result and acks it.
func (w *Worker) handle(ctx context.Context, consumer jetstream.Consumer, results jetstream.Stream, msg jetstream.Msg) {
	var delivered uint64 = 1
	if meta, err := msg.Metadata(); err == nil {
		delivered = meta.NumDelivered
	}
	job, err := decodeJob(msg.Data())
	if err != nil {
		w.log.Error("malformed job terminated", "subject", msg.Subject(), "err", err)
		_ = msg.TermWithReason(err.Error())
		return
	}
	workID := job.WorkID()
	key := w.keys[job.KeyHash]
	if key == nil || msg.Subject() != JobSubject(job.KeyHash) {
		// The consumers are filtered to the held keys, so only a job whose
		// subject and key hash disagree lands here.
		w.log.Error("job for a key this worker does not hold refused", "job", workID, "subject", msg.Subject(), "key_hash", job.KeyHash)
		w.publish(ctx, &Result{Version: messageVersion, WorkID: workID, JobID: job.JobID, Worker: w.opts.Name, Delivered: delivered,
			Error: fmt.Sprintf("job on %s names key hash %s", msg.Subject(), job.KeyHash)})
		_ = msg.TermWithReason("key hash mismatch")
		return
	}
	// A result already stored (its worker died before acking): ack only.
	lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	_, err = results.GetLastMsgForSubject(lctx, ResultSubject(workID))
	cancel()
	switch {
	case err == nil:
		w.log.Info("job already has a result; acked without proving", "job", workID, "delivered", delivered)
		w.ack(ctx, msg, workID)
		return
	case !errors.Is(err, jetstream.ErrMsgNotFound):
		w.log.Warn("look up job result; job handed back", "job", workID, "err", err)
		_ = msg.NakWithDelay(time.Second)
		return
	}

	started := time.Now()
	w.setCurrent(&CurrentJob{WorkID: workID, RollupID: job.RollupID, Index: job.Index, Attempt: job.Attempt, Delivered: delivered, StartedAt: started})
	if delivered > 1 {
		w.mu.Lock()
		w.redeliveries++
		w.mu.Unlock()
	}
	w.publishStats(ctx)
	// The system tests find a worker mid-proof by this line.
	w.log.Info("proving job "+workID, "rollup", job.RollupID, "index", job.Index, "attempt", job.Attempt,
		"delivered", delivered, "circuit", key.Circuit)

	type outcome struct {
		proof []byte
		err   error
	}
	done := make(chan outcome, 1)
	go func() {
		proof, err := w.prove(key, job.Witness)
		done <- outcome{proof, err}
	}()
	beat := w.heartbeat(ctx, consumer)
	heartbeat := time.NewTicker(beat)
	defer heartbeat.Stop()
	var out outcome
wait:
	for {
		select {
		case out = <-done:
			break wait
		case <-heartbeat.C:
			if err := msg.InProgress(); err != nil {
				w.log.Warn("mark job in progress", "job", workID, "err", err)
			}
			if next := w.heartbeat(ctx, consumer); next != beat {
				beat = next
				heartbeat.Reset(beat)
			}
		case <-ctx.Done():
			// Stopping: hand the job back now rather than after AckWait.
			_ = msg.Nak()
			w.setCurrent(nil)
			w.log.Info("worker stopped mid-proof; job handed back", "job", workID)
			return
		}
	}
	elapsed := time.Since(started)
	res := &Result{Version: messageVersion, WorkID: workID, JobID: job.JobID, Worker: w.opts.Name, Proof: out.proof,
		Delivered: delivered, StartedAt: started, ProveSeconds: elapsed.Seconds()}
	if out.err != nil {
		res.Proof, res.Error = nil, out.err.Error()
		w.log.Error("job failed", "job", workID, "err", out.err)
	}
	if !w.publish(ctx, res) {
		w.setCurrent(nil)
		return // stopping; the job comes back to another worker
	}
	w.mu.Lock()
	if out.err == nil {
		w.proofsDone++
		w.proveSeconds += elapsed.Seconds()
	} else {
		w.failures++
	}
	w.current = nil
	w.mu.Unlock()
	w.ack(ctx, msg, workID)
	w.log.Info("job proven", "job", workID, "rollup", job.RollupID, "index", job.Index, "seconds", fmt.Sprintf("%.2f", elapsed.Seconds()))
	w.publishStats(ctx)
}

// heartbeat is how often to mark a job in progress: WorkerOptions.Heartbeat
// when set, else a third of the AckWait the consumer has on the server now
// (the last worker of the key hash to start set it, maybe shorter than
// this worker's), at most maxHeartbeat so that a shorter AckWait set
// mid-proof is seen in time.
func (w *Worker) heartbeat(ctx context.Context, consumer jetstream.Consumer) time.Duration {
	if w.opts.Heartbeat > 0 {
		return w.opts.Heartbeat
	}
	ackWait := w.opts.AckWait
	ictx, cancel := context.WithTimeout(ctx, 2*time.Second)
	if info, err := consumer.Info(ictx); err == nil && info.Config.AckWait > 0 {
		ackWait = info.Config.AckWait
	}
	cancel()
	return min(max(ackWait/3, 10*time.Millisecond), maxHeartbeat)
}

// maxHeartbeat bounds the period of InProgress marks (and of the consumer
// look-ups that follow the AckWait).
const maxHeartbeat = 2 * time.Second

// publish stores a result, retrying through an outage until ctx ends. A
// duplicate (another worker's result for the same work id) is dropped
// by JetStream.
func (w *Worker) publish(ctx context.Context, res *Result) bool {
	bz, err := json.Marshal(res)
	if err != nil {
		w.log.Error("encode result", "err", err)
		return false
	}
	for attempt := 0; ; attempt++ {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		ack, err := w.js.Publish(pctx, ResultSubject(res.WorkID), bz, jetstream.WithMsgID(res.WorkID))
		cancel()
		if err == nil {
			if ack.Duplicate {
				w.log.Info("result was already stored by another delivery", "job", res.WorkID)
			}
			return true
		}
		if attempt == 0 {
			w.log.Warn("publish result; retrying", "job", res.WorkID, "err", err)
		}
		if !sleepCtx(ctx, 500*time.Millisecond) {
			return false
		}
	}
}

func (w *Worker) ack(ctx context.Context, msg jetstream.Msg, workID string) {
	actx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := msg.DoubleAck(actx); err != nil {
		// The job comes back after AckWait; its result is stored, so the
		// next delivery is acked without proving.
		w.log.Warn("ack job", "job", workID, "err", err)
	}
}

func (w *Worker) setCurrent(c *CurrentJob) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.current = c
}

// Stats is the worker's WorkerStats now.
func (w *Worker) Stats() WorkerStats {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := WorkerStats{Version: messageVersion, Name: w.opts.Name, KeyHashes: w.keyHashes(), ProofsDone: w.proofsDone,
		Redeliveries: w.redeliveries, Failures: w.failures, SentAt: time.Now()}
	if w.proofsDone > 0 {
		s.MeanSeconds = w.proveSeconds / float64(w.proofsDone)
	}
	if w.current != nil {
		c := *w.current
		s.Current = &c
	}
	return s
}

func (w *Worker) publishStats(ctx context.Context) {
	bz, err := json.Marshal(w.Stats())
	if err != nil || ctx.Err() != nil {
		return
	}
	// Core NATS, fire and forget: stats are soon stale anyway.
	_ = w.js.Conn().Publish(WorkerSubject(w.opts.Name), bz)
}

func (w *Worker) statsLoop(ctx context.Context) {
	t := time.NewTicker(w.opts.StatsInterval)
	defer t.Stop()
	for {
		w.publishStats(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
