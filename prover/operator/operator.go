package operator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sync"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/rollupkit"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// Options tune the daemon.
type Options struct {
	RollupID string
	// Rollup is the rollup's kind bound to its circuit params
	// (rollupkit.Lookup(name) then Configure).
	Rollup rollupkit.Rollup
	// BatchTimeout closes a batch that is not full once its oldest
	// transaction or inbox message has waited this long.
	BatchTimeout time.Duration
	// MaxInFlight caps the batches built but not yet verified (one being
	// included, the next being proven, ...).
	MaxInFlight int
	// MaxMempool caps accepted transactions not yet verified.
	MaxMempool int
	// MinFee is the smallest fee the API accepts (nil: DefaultMinFee), so
	// filling the mempool is not free: every accepted transaction pays it
	// once its batch lands.
	MinFee *big.Int
	// MaxPendingPerAccount caps one sender's accepted transactions not yet
	// verified (default DefaultMaxPendingPerAccount), so one funded account
	// cannot fill the mempool.
	MaxPendingPerAccount int
	// PollInterval is how often the chain is polled for new blocks.
	PollInterval time.Duration
	// Standby: follow the batches other operators land and build and
	// submit only once no batch has landed for TakeoverAfterBlocks blocks
	// while there is work (pending transactions or unconsumed inbox). Once
	// it has taken over, the daemon submits like a primary until another
	// operator's batch lands again.
	Standby             bool
	TakeoverAfterBlocks int64
	// ClaimAccruedMin: the submitter claims the fees accrued to its L1
	// address (MsgClaimAccrued) once the accrued amount of a denom reaches
	// this; nil or zero: never (claim.go).
	ClaimAccruedMin *big.Int
	// Sync turns on synchronous cross-rollup calls (sync.go); nil: off.
	Sync   *SyncOptions
	Logger *slog.Logger
}

// DefaultMinFee, DefaultMaxPendingPerAccount and DefaultMaxMempool bound
// the mempool unless Options say otherwise (docs/operator-guide.md).
const (
	DefaultMinFee               = 1 // in the rollup's denom
	DefaultMaxPendingPerAccount = 64
	DefaultMaxMempool           = 10000
)

func (o Options) withDefaults() Options {
	if o.BatchTimeout <= 0 {
		o.BatchTimeout = 2 * time.Second
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 3
	}
	if o.MaxMempool <= 0 {
		o.MaxMempool = DefaultMaxMempool
	}
	if o.MinFee == nil {
		o.MinFee = big.NewInt(DefaultMinFee)
	}
	if o.MaxPendingPerAccount <= 0 {
		o.MaxPendingPerAccount = DefaultMaxPendingPerAccount
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 500 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Sync != nil {
		so := o.Sync.withDefaults()
		o.Sync = &so
	}
	return o
}

// env is what every part shares, fixed at Open: the options, the chain
// and this operator's place on it, the metrics, and two small pieces of
// shared state that keep their own locks: the chain's rules (chain_rules.go)
// and the pipeline's halt.
type env struct {
	opts    Options
	log     *slog.Logger
	chain   Chain
	chainID string
	// address is the raw L1 address batches are submitted from (and
	// proven for).
	address []byte
	// kind is Options.Rollup; place the rollup's place on the chain.
	kind    rollupkit.Rollup
	place   rollupkit.Place
	metrics *metrics
	rules   *chainRules
	halt    *halt
}

// halt stops the pipeline: set when the chain rejects a batch, a proof
// fails or this operator's state diverges from the chain's. Every part
// checks it before it moves; a restart with --discard-unverified clears it.
type halt struct {
	log     *slog.Logger
	metrics *metrics

	mu     sync.Mutex
	reason string
}

func (h *halt) set(reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.reason == "" {
		h.log.Error("pipeline halted", "reason", reason)
	}
	h.reason = reason
	h.metrics.halted.Set(1)
}

// restore sets the halt a restart finds in the database (a rejected batch)
// unless another is set; the gauge follows with the others.
func (h *halt) restore(reason string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.reason == "" {
		h.reason = reason
	}
}

func (h *halt) clear() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reason = ""
	h.metrics.halted.Set(0)
}

// why is the halt's reason, "" while the pipeline runs.
func (h *halt) why() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.reason
}

// Operator is the rollup's sequencer, prover and submitter: a composition
// of parts with one job each, each owning its state (see doc.go).
//   - store (store.go): the database and its mirror in memory: the
//     verified state, the mempool, a record per unverified batch.
//   - builder (builder.go, admission.go, evict.go): admits transactions
//     and builds batches on the head state (verified state plus unverified
//     batches).
//   - proving (proving.go): turns built batches into proofs, several at a
//     time, through a Prover.
//   - submitter (submitter.go): sends proven batches in index order and
//     tracks their inclusion.
//   - follower (follower.go, standby.go; the kind's Follow): follows the
//     chain: commits the batches it verified, this operator's or another's.
type Operator struct {
	*env
	store     *store
	builder   *builder
	proving   *proving
	submitter *submitter
	follower  *follower
	// leader runs this operator's rounds when it leads (sync_leader.go).
	leader *syncLeader
}

// Open loads the operator's database, checks it against the chain and
// rebuilds the head state. discardUnverified drops every batch the chain
// has not verified and returns its transactions to the mempool (the way out
// of a halt, after the cause is understood).
func Open(ctx context.Context, db dbm.DB, chain Chain, prover Prover, opts Options, discardUnverified bool) (*Operator, error) {
	opts = opts.withDefaults()
	if opts.Rollup == nil {
		return nil, errors.New("operator: no rollup kind in the options")
	}
	if _, err := opts.Rollup.Kind().Configure(opts.Rollup.Params()); err != nil {
		return nil, err
	}
	if opts.MinFee.Sign() < 0 {
		return nil, fmt.Errorf("operator: a negative minimum fee %s", opts.MinFee)
	}
	if opts.ClaimAccruedMin != nil && opts.ClaimAccruedMin.Sign() < 0 {
		return nil, fmt.Errorf("operator: a negative claim_accrued_min %s", opts.ClaimAccruedMin)
	}
	if opts.Sync != nil {
		if err := opts.Sync.validate(); err != nil {
			return nil, err
		}
		if _, ok := chain.(bundleChain); !ok {
			return nil, errSyncUnsupported
		}
	}
	if opts.Standby && opts.TakeoverAfterBlocks <= 0 {
		return nil, fmt.Errorf("operator: a standby needs TakeoverAfterBlocks > 0, got %d", opts.TakeoverAfterBlocks)
	}
	e := &env{opts: opts, log: opts.Logger, chain: chain, metrics: newMetrics(), rules: &chainRules{}, kind: opts.Rollup}
	if c, ok := prover.(prometheus.Collector); ok {
		// A prover fleet's own series (queue depth, workers) on /metrics.
		if err := e.metrics.reg.Register(c); err != nil {
			return nil, fmt.Errorf("operator: the prover's metrics: %w", err)
		}
	}
	e.halt = &halt{log: e.log, metrics: e.metrics}
	e.address = chain.Submitter()
	var err error
	if e.chainID, err = chain.ChainID(ctx); err != nil {
		return nil, fmt.Errorf("operator: chain unreachable: %w", err)
	}
	e.place = rollupkit.Place{ChainID: e.chainID, RollupID: opts.RollupID}
	r, err := chain.Rollup(ctx, opts.RollupID)
	if err != nil {
		return nil, fmt.Errorf("operator: rollup %q on %s: %w (register it first: nativechaind operator register)", opts.RollupID, e.chainID, err)
	}
	if err := e.rules.refresh(ctx, chain); err != nil {
		return nil, fmt.Errorf("operator: the chain's outbox rules: %w", err)
	}
	genesis := opts.Rollup.EmptyRoot()
	if want := protocol.StateRootBytes(genesis); string(r.GenesisStateRoot) != string(want) {
		return nil, fmt.Errorf("operator: rollup %q has genesis root %x, but an empty %d-deep %s state has %x: wrong circuit params?",
			opts.RollupID, r.GenesisStateRoot, opts.Rollup.Summary().Depth, opts.Rollup.Kind().Name(), want)
	}
	o := compose(e, newStore(e, db), prover, r)
	if err := o.store.checkParams(); err != nil {
		return nil, err
	}
	if err := o.store.load(); err != nil {
		return nil, err
	}
	if discardUnverified {
		if err := o.builder.discardUnverified("operator asked with --discard-unverified"); err != nil {
			return nil, err
		}
	}
	if err := o.reconcile(ctx); err != nil {
		return nil, err
	}
	o.builder.mu.Lock()
	defer o.builder.mu.Unlock()
	if err := o.builder.rebuildHead(); err != nil {
		return nil, err
	}
	updateGauges(o.metrics, o.store, o.follower, o.halt)
	return o, nil
}

// compose wires the parts to one another: each calls the others' methods
// and wakes their loops; none touches another's state.
func compose(e *env, st *store, prover Prover, r types.Rollup) *Operator {
	o := &Operator{env: e, store: st,
		builder: &builder{env: e, store: st, inboxSeen: map[uint64]time.Time{}, wakeup: make(chan struct{}, 1)},
		proving: &proving{env: e, store: st, prover: prover, batches: map[uint64]*rollupkit.Batch{},
			running: map[*batchRecord]runningJob{}, wakeup: make(chan struct{}, 1)},
		submitter: &submitter{env: e, store: st, wakeup: make(chan struct{}, 1)},
		follower:  &follower{env: e, store: st, rollup: r},
	}
	o.builder.proving, o.builder.follower = o.proving, o.follower
	o.proving.submitter = o.submitter
	o.submitter.builder, o.submitter.follower = o.builder, o.follower
	o.follower.builder, o.follower.proving, o.follower.submitter = o.builder, o.proving, o.submitter
	if e.opts.Sync != nil && e.opts.Sync.Lead {
		o.leader = newSyncLeader(o)
	}
	o.submitter.leader = o.leader
	return o
}

// reconcile brings the database in line with the chain after a start:
// batches the chain verified while the operator was down are committed,
// a batch that was in flight is checked again before any resubmission.
func (o *Operator) reconcile(ctx context.Context) error {
	o.builder.mu.Lock()
	defer o.builder.mu.Unlock()
	next := o.follower.chainView().rollup.NextBatchIndex
	if next == 0 {
		next = 1
	}
	if verified := o.store.verifiedIndex(); verified > next-1 {
		return fmt.Errorf("operator: this database is at verified batch %d but the chain's rollup %q is at %d: wrong chain or a re-registered rollup (use a fresh --home)",
			verified, o.opts.RollupID, next-1)
	}
	for i := o.store.verifiedIndex() + 1; i < next && o.halt.why() == ""; i++ {
		if err := o.follower.commitFromChain(ctx, i); err != nil {
			return err
		}
	}
	if reason := o.store.resumeInFlight(); reason != "" {
		o.halt.restore(reason)
	}
	return nil
}

// Run drives the pipeline until ctx ends: the follower (chain watcher),
// the builder (sequencer), proving and the submitter, each one goroutine.
// Proving works on batch i+1 while the submitter waits for batch i to be
// included.
func (o *Operator) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	loops := []func(context.Context){o.follower.watchLoop, o.builder.buildLoop, o.proving.proveLoop, o.submitter.submitLoop}
	if o.leader != nil {
		loops = append(loops, o.leader.roundLoop)
	}
	for _, loop := range loops {
		wg.Add(1)
		go func() { defer wg.Done(); loop(ctx) }()
	}
	wg.Wait()
	return nil
}

// Submit validates a transaction (the kind's wire JSON) and, if valid,
// persists it in the mempool before answering.
func (o *Operator) Submit(wire []byte) (SubmitResult, error) { return o.builder.submit(wire) }

// Account reports an account by its L2 address, in the kind's account
// view (the JSON of GET /v1/accounts/{address}).
func (o *Operator) Account(addr []byte) (any, error) { return o.builder.account(addr) }

// TxStatus reports where a transaction is.
func (o *Operator) TxStatus(id string) (TxStatus, error) { return o.store.txStatus(id) }

// Status is a snapshot for /v1/status and `operator status`.
func (o *Operator) Status() Status {
	o.builder.mu.Lock() // the head, and no batch committed or discarded meanwhile
	defer o.builder.mu.Unlock()
	sum := o.kind.Summary()
	s := Status{
		ChainID: o.chainID, RollupID: o.opts.RollupID, Kind: o.kind.Kind().Name(), Denom: sum.Denom,
		Depth: sum.Depth, Slots: sum.Slots, Submitter: fmt.Sprintf("%x", o.address),
		Halted: o.halt.why(), MinFee: o.opts.MinFee.String(),
	}
	s.Accrued, s.ClaimAccruedMin = o.submitter.claim.status(), "0"
	if o.submitter.claimOn() {
		s.ClaimAccruedMin = o.opts.ClaimAccruedMin.String()
	}
	o.store.status(&s)
	o.proving.status(&s)
	o.follower.status(&s)
	if r, err := o.builder.head.Root(); err == nil {
		s.HeadRoot = fmt.Sprintf("%x", protocol.StateRootBytes(r))
	}
	return s
}

// Healthy is nil when the pipeline runs and the chain answers.
func (o *Operator) Healthy() error {
	if why := o.halt.why(); why != "" {
		return errors.New("halted: " + why)
	}
	if cerr := o.follower.chainView().err; cerr != "" {
		return errors.New("chain unreachable: " + cerr)
	}
	return nil
}

// ---------------------------------------------------------------------------
// helpers for the parts' loops

// signal wakes a part's loop without blocking (one wake-up is kept).
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

type backoff struct{ cur time.Duration }

func newBackoff() *backoff { return &backoff{} }

func (b *backoff) next() time.Duration {
	if b.cur == 0 {
		b.cur = 500 * time.Millisecond
	} else {
		b.cur = min(2*b.cur, 30*time.Second)
	}
	return b.cur
}

func (b *backoff) reset() { b.cur = 0 }

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
