package operator

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"sort"
	"sync"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	dbm "github.com/cosmos/cosmos-db"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// BatchProver proves a built batch; *payments.Prover is one.
type BatchProver interface {
	Prove(b *payments.Batch) ([]byte, error)
}

// Options tune the daemon.
type Options struct {
	RollupID string
	Params   payments.Params
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
	Logger              *slog.Logger
}

// DefaultMinFee, DefaultMaxPendingPerAccount and DefaultMaxMempool bound
// the mempool unless Options say otherwise (docs/operator-guide.md).
const (
	DefaultMinFee               = 1 // in the rollup's denom
	DefaultMaxPendingPerAccount = 64
	DefaultMaxMempool           = 10000
)

func (o Options) withDefaults() Options {
	o.Params = o.Params.WithDefaults()
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
	return o
}

// Operator is the rollup's sequencer, prover and submitter. Every piece of
// state it keeps is in one database: the rollup state at the last verified
// batch, the mempool, and a record per unverified batch with the exact
// inputs it was built from, so the head state (verified state plus
// unverified batches) can be rebuilt after any crash.
type Operator struct {
	opts      Options
	log       *slog.Logger
	db        dbm.DB
	chain     Chain
	prover    BatchProver
	chainID   string
	submitter []byte
	domain    fr.Element
	metrics   *metrics
	rules     chainRules

	mu         sync.Mutex
	base       dbm.DB // prefixState view of db: the verified state
	head       *payments.State
	headOv     *overlayDB
	verified   uint64
	records    map[uint64]*batchRecord // unverified batches
	built      map[uint64]*payments.Batch
	mempool    map[uint64]*mempoolEntry
	byID       map[string]*mempoolEntry
	nextSeq    uint64
	view       map[uint32]*payments.Account
	inboxSeen  map[uint64]time.Time
	halted     string
	chainErr   string
	rollup     types.Rollup
	height     int64
	provenN    uint64
	verifiedN  uint64
	lastProve  time.Duration
	lastProven uint64
	followedN  uint64
	racesLostN uint64
	// takenOver: a standby that found the rollup silent and now submits;
	// workSince: the height it first saw work waiting (0: none).
	takenOver bool
	workSince int64

	wakeBuild, wakeProve, wakeSubmit chan struct{}
}

// Open loads the operator's database, checks it against the chain and
// rebuilds the head state. discardUnverified drops every batch the chain
// has not verified and returns its transactions to the mempool (the way out
// of a halt, after the cause is understood).
func Open(ctx context.Context, db dbm.DB, chain Chain, prover BatchProver, opts Options, discardUnverified bool) (*Operator, error) {
	opts = opts.withDefaults()
	if err := opts.Params.Validate(); err != nil {
		return nil, err
	}
	if opts.MinFee.Sign() < 0 {
		return nil, fmt.Errorf("operator: a negative minimum fee %s", opts.MinFee)
	}
	if opts.Standby && opts.TakeoverAfterBlocks <= 0 {
		return nil, fmt.Errorf("operator: a standby needs TakeoverAfterBlocks > 0, got %d", opts.TakeoverAfterBlocks)
	}
	o := &Operator{
		opts: opts, log: opts.Logger, db: db, chain: chain, prover: prover, metrics: newMetrics(),
		base: dbm.NewPrefixDB(db, prefixState), records: map[uint64]*batchRecord{}, built: map[uint64]*payments.Batch{},
		mempool: map[uint64]*mempoolEntry{}, byID: map[string]*mempoolEntry{}, inboxSeen: map[uint64]time.Time{},
		wakeBuild: make(chan struct{}, 1), wakeProve: make(chan struct{}, 1), wakeSubmit: make(chan struct{}, 1),
	}
	o.submitter = chain.Submitter()
	var err error
	if o.chainID, err = chain.ChainID(ctx); err != nil {
		return nil, fmt.Errorf("operator: chain unreachable: %w", err)
	}
	o.domain = paymentsv1.Domain(o.chainID, opts.RollupID)
	r, err := chain.Rollup(ctx, opts.RollupID)
	if err != nil {
		return nil, fmt.Errorf("operator: rollup %q on %s: %w (register it first: nativechaind operator register)", opts.RollupID, o.chainID, err)
	}
	o.rollup = r
	if err := o.rules.refresh(ctx, chain); err != nil {
		return nil, fmt.Errorf("operator: the chain's outbox rules: %w", err)
	}
	genesis := opts.Params.EmptyRoot()
	if want := protocol.StateRootBytes(genesis); string(r.GenesisStateRoot) != string(want) {
		return nil, fmt.Errorf("operator: rollup %q has genesis root %x, but an empty %d-deep payments state has %x: wrong circuit params?",
			opts.RollupID, r.GenesisStateRoot, opts.Params.Depth, want)
	}
	if err := o.checkParams(); err != nil {
		return nil, err
	}
	if err := o.load(); err != nil {
		return nil, err
	}
	if discardUnverified {
		if err := o.discardUnverified("operator asked with --discard-unverified"); err != nil {
			return nil, err
		}
	}
	if err := o.reconcile(ctx); err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.rebuildHead(); err != nil {
		return nil, err
	}
	o.updateGauges()
	return o, nil
}

func (o *Operator) checkParams() error {
	p := o.opts.Params
	want := fmt.Sprintf("%s depth=%d slots=%d denom=%s", o.opts.RollupID, p.Depth, p.Slots, p.Denom)
	bz, err := o.db.Get(keyParams)
	if err != nil {
		return err
	}
	if bz == nil {
		return o.db.SetSync(keyParams, []byte(want))
	}
	if string(bz) != want {
		return fmt.Errorf("operator: the database holds rollup %q, not %q: use another --home", bz, want)
	}
	return nil
}

func (o *Operator) load() error {
	var err error
	if o.verified, err = getUint64(o.db, keyVerified); err != nil {
		return err
	}
	if o.nextSeq, err = getUint64(o.db, keySeq); err != nil {
		return err
	}
	entries, err := loadPrefix[mempoolEntry](o.db, prefixMempool)
	if err != nil {
		return err
	}
	for i := range entries {
		e := &entries[i]
		o.mempool[e.Seq] = e
		o.byID[e.ID] = e
	}
	recs, err := loadPrefix[batchRecord](o.db, prefixBatch)
	if err != nil {
		return err
	}
	for i := range recs {
		r := &recs[i]
		if r.Index > o.verified {
			o.records[r.Index] = r
		}
	}
	o.log.Info("loaded operator database", "verified", o.verified, "unverified_batches", len(o.records), "mempool", len(o.mempool))
	return nil
}

// reconcile brings the database in line with the chain after a start:
// batches the chain verified while the operator was down are committed,
// a batch that was in flight is checked again before any resubmission.
func (o *Operator) reconcile(ctx context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	next := o.rollup.NextBatchIndex
	if next == 0 {
		next = 1
	}
	if o.verified > next-1 {
		return fmt.Errorf("operator: this database is at verified batch %d but the chain's rollup %q is at %d: wrong chain or a re-registered rollup (use a fresh --home)",
			o.verified, o.opts.RollupID, next-1)
	}
	for i := o.verified + 1; i < next && o.halted == ""; i++ {
		if err := o.commitFromChain(ctx, i); err != nil {
			return err
		}
	}
	for _, r := range o.records {
		if r.Status == BatchSubmitted {
			// It may still be in a mempool or lost: the submitter checks the
			// chain before it sends it again.
			r.Status = BatchProven
		}
		if r.Status == BatchRejected && o.halted == "" {
			o.halted = fmt.Sprintf("batch %d was rejected: %s (restart with --discard-unverified to rebuild from the last verified batch)", r.Index, r.Reason)
		}
	}
	return nil
}

// commitFromChain commits batch i, which the chain verified: this
// operator's own batch if the chain's is the one it built, otherwise the
// chain's batch, followed from its posted data (see follow.go).
func (o *Operator) commitFromChain(ctx context.Context, i uint64) error {
	cb, err := o.chain.Batch(ctx, o.opts.RollupID, i)
	if err != nil {
		return fmt.Errorf("operator: query batch %d: %w", i, err)
	}
	rec, ok := o.records[i]
	if !ok || !ownBatch(rec, cb) {
		return o.follow(ctx, cb)
	}
	rec.Height = cb.Height
	if rec.GasUsed == 0 && rec.TxHash != "" {
		if res, found, err := o.chain.TxResult(ctx, rec.TxHash); err == nil && found && res.Code == 0 {
			rec.GasUsed = res.GasUsed
		}
	}
	return o.commitVerified(rec)
}

func (o *Operator) halt(reason string) {
	if o.halted == "" {
		o.log.Error("pipeline halted", "reason", reason)
	}
	o.halted = reason
	o.metrics.halted.Set(1)
}

func (o *Operator) batchContext(rec *batchRecord) (payments.BatchContext, error) {
	before, err := protocol.ParseFieldElement(rec.InboxBefore)
	if err != nil {
		return payments.BatchContext{}, err
	}
	return payments.BatchContext{ChainID: o.chainID, RollupID: o.opts.RollupID, BatchIndex: rec.Index,
		Submitter: o.submitter, InboxBefore: before}, nil
}

// replay applies a stored batch's exact inputs to st.
func (o *Operator) replay(st *payments.State, rec *batchRecord) (*payments.Batch, error) {
	bctx, err := o.batchContext(rec)
	if err != nil {
		return nil, err
	}
	entries := make([]protocol.InboxEntry, len(rec.Inbox))
	for i, bz := range rec.Inbox {
		var m types.InboxMessage
		if err := m.Unmarshal(bz); err != nil {
			return nil, err
		}
		if entries[i], err = m.Entry(); err != nil {
			return nil, err
		}
	}
	txs := make([]payments.Tx, len(rec.Txs))
	for i, w := range rec.Txs {
		if txs[i], err = FromWire(w); err != nil {
			return nil, err
		}
	}
	b, err := st.BuildBatch(bctx, entries, txs)
	if err != nil {
		return nil, err
	}
	if got := protocol.StateRootBytes(b.NewRoot); string(got) != string(rec.NewRoot) || len(b.Included) != len(txs) ||
		b.InboxConsumed != rec.InboxConsumed {
		return nil, fmt.Errorf("operator: batch %d does not rebuild identically (root %x, want %x)", rec.Index, got, rec.NewRoot)
	}
	return b, nil
}

// commitVerified applies a verified batch to the persisted state, in one
// atomic write with its record, the mempool clean-up and the new verified
// index. Caller holds mu.
func (o *Operator) commitVerified(rec *batchRecord) error {
	ov := newOverlay(o.base)
	st, err := payments.OpenState(ov, o.opts.Params)
	if err != nil {
		return err
	}
	if _, err := o.replay(st, rec); err != nil {
		return err
	}
	now := time.Now()
	rec.Status, rec.VerifiedAt, rec.Reason = BatchVerified, now.UnixMilli(), ""
	b := o.db.NewBatch()
	defer b.Close()
	if err := ov.flushTo(b, prefixState); err != nil {
		return err
	}
	if err := setJSON(b, batchKey(rec.Index), rec); err != nil {
		return err
	}
	for i, seq := range rec.TxSeqs {
		if err := b.Delete(mempoolKey(seq)); err != nil {
			return err
		}
		if err := setJSON(b, txFinalKey(rec.TxIDs[i]), txFinal{Status: "verified", Batch: rec.Index}); err != nil {
			return err
		}
	}
	if err := b.Set(keyVerified, be64(rec.Index)); err != nil {
		return err
	}
	if err := b.WriteSync(); err != nil {
		return err
	}
	for _, seq := range rec.TxSeqs {
		if e, ok := o.mempool[seq]; ok {
			o.metrics.txLatency.Observe(now.Sub(time.UnixMilli(e.AcceptedAt)).Seconds())
			delete(o.byID, e.ID)
			delete(o.mempool, seq)
		}
	}
	o.verified = rec.Index
	delete(o.records, rec.Index)
	delete(o.built, rec.Index)
	o.verifiedN++
	o.metrics.batchesVerified.Inc()
	if rec.GasUsed > 0 && rec.L2TxCount > 0 {
		o.metrics.gasPerL2Tx.Set(float64(rec.GasUsed) / float64(rec.L2TxCount))
	}
	o.log.Info("batch verified", "index", rec.Index, "l2_txs", rec.L2TxCount, "inbox", rec.InboxConsumed,
		"height", rec.Height, "gas_used", rec.GasUsed)
	if len(o.records) == 0 {
		// Nothing unverified: the head is the verified state.
		o.headOv = newOverlay(o.base)
		o.head, err = payments.OpenState(o.headOv, o.opts.Params)
		return err
	}
	return nil
}

// rebuildHead replays the unverified batches on the verified state.
// A batch that no longer rebuilds (it never should) is discarded with
// everything after it. Caller holds mu.
func (o *Operator) rebuildHead() error {
	o.headOv = newOverlay(o.base)
	var err error
	if o.head, err = payments.OpenState(o.headOv, o.opts.Params); err != nil {
		return err
	}
	o.built = map[uint64]*payments.Batch{}
	for _, idx := range o.unverifiedIndices() {
		rec := o.records[idx]
		if rec.Status == BatchRejected {
			break
		}
		b, err := o.replay(o.head, rec)
		if err != nil {
			o.log.Error("stored batch does not rebuild; discarding it and the batches after it", "index", idx, "err", err)
			if derr := o.discardFrom(idx, err.Error()); derr != nil {
				return derr
			}
			return o.rebuildHead()
		}
		o.built[idx] = b
	}
	o.recomputeView()
	return nil
}

func (o *Operator) unverifiedIndices() []uint64 {
	idx := make([]uint64, 0, len(o.records))
	for i := range o.records {
		idx = append(idx, i)
	}
	sort.Slice(idx, func(a, b int) bool { return idx[a] < idx[b] })
	return idx
}

// discardFrom drops unverified batches from index on and returns their
// transactions to the mempool, except those the chain's rules now refuse:
// the chain refused their batch for them (or would), so they are dropped
// as rejected rather than rebuilt into the next batch. Caller holds mu.
func (o *Operator) discardFrom(index uint64, reason string) error {
	b := o.db.NewBatch()
	defer b.Close()
	var dropped []uint64
	refused := map[uint64]string{}
	for i, rec := range o.records {
		if i < index {
			continue
		}
		for _, seq := range rec.TxSeqs {
			e, ok := o.mempool[seq]
			if !ok {
				continue
			}
			if why := o.chainRefuses(e); why != "" {
				refused[seq] = why
				if err := b.Delete(mempoolKey(seq)); err != nil {
					return err
				}
				if err := setJSON(b, txFinalKey(e.ID), txFinal{Status: "rejected", Reason: "refused by the chain: " + why}); err != nil {
					return err
				}
				continue
			}
			e.Batch = 0
			if err := setJSON(b, mempoolKey(seq), e); err != nil {
				return err
			}
		}
		if err := b.Delete(batchKey(i)); err != nil {
			return err
		}
		dropped = append(dropped, i)
	}
	if err := b.WriteSync(); err != nil {
		return err
	}
	for _, i := range dropped {
		delete(o.records, i)
		delete(o.built, i)
	}
	for seq, why := range refused {
		e := o.mempool[seq]
		o.log.Warn("accepted transaction refused by the chain's rules; dropped, not returned to the mempool", "id", e.ID, "reason", why)
		delete(o.byID, e.ID)
		delete(o.mempool, seq)
		o.metrics.txsRefusedByChain.Inc()
	}
	o.log.Warn("discarded unverified batches", "from", index, "count", len(dropped), "dropped_txs", len(refused), "reason", reason)
	return nil
}

// chainRefuses says why the chain's rules refuse e's outbox entry ("" if
// they do not).
func (o *Operator) chainRefuses(e *mempoolEntry) string {
	tx, err := FromWire(e.Tx)
	if err != nil {
		return ""
	}
	if aerr := o.rules.refusal(&tx); aerr != nil {
		return aerr.Message
	}
	return ""
}

func (o *Operator) discardUnverified(reason string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.halted = ""
	o.metrics.halted.Set(0)
	return o.discardFrom(o.verified+1, reason)
}

// pendingEntries are the accepted transactions not in any batch, in
// acceptance order. Caller holds mu.
func (o *Operator) pendingEntries() []*mempoolEntry {
	var out []*mempoolEntry
	for _, e := range o.mempool {
		if e.Batch == 0 {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Seq < out[b].Seq })
	return out
}

// recomputeView replays the pending transactions' effects over the head
// state, for validating new ones. Caller holds mu.
func (o *Operator) recomputeView() {
	o.view = map[uint32]*payments.Account{}
	for _, e := range o.pendingEntries() {
		tx, err := FromWire(e.Tx)
		if err != nil {
			continue
		}
		o.applyToView(&tx)
	}
}

func (o *Operator) viewAccount(index uint32) (*payments.Account, error) {
	if a, ok := o.view[index]; ok {
		return a, nil
	}
	if uint64(index) >= 1<<uint(o.opts.Params.Depth) {
		return &payments.Account{}, nil
	}
	a, err := o.head.Account(index)
	if err != nil {
		return nil, err
	}
	o.view[index] = &a
	return &a, nil
}

func (o *Operator) applyToView(tx *payments.Tx) {
	from, err := o.viewAccount(tx.From)
	if err != nil {
		return
	}
	debit := new(big.Int).Add(tx.Amount.Value(), tx.Fee.Value())
	from.Balance.Sub(&from.Balance, debit)
	from.Nonce++
	if tx.Kind == payments.KindTransfer {
		if to, err := o.viewAccount(tx.To); err == nil {
			to.Balance.Add(&to.Balance, tx.Amount.Value())
		}
	}
}

// validate checks a transaction against the head state and the pending
// transactions: what BuildBatch will check, with clear errors. Caller
// holds mu.
func (o *Operator) validate(tx *payments.Tx) *APIError {
	if tx.Amount.Value().Sign() == 0 {
		return apiErr(CodeInvalidTx, "a %s of zero", kindNames[tx.Kind])
	}
	if tx.Fee.Value().Cmp(o.opts.MinFee) < 0 {
		return apiErr(CodeFeeTooLow, "fee %s%s, but this operator takes at least %s%s (min_fee in /v1/status)",
			tx.Fee.Value(), o.opts.Params.Denom, o.opts.MinFee, o.opts.Params.Denom)
	}
	capacity := uint64(1) << uint(o.opts.Params.Depth)
	if uint64(tx.From) >= capacity {
		return apiErr(CodeUnknownAccount, "sender index %d is beyond the tree (capacity %d)", tx.From, capacity)
	}
	from, err := o.viewAccount(tx.From)
	if err != nil {
		return apiErr(CodeInternal, "%v", err)
	}
	if !from.Exists() {
		return apiErr(CodeUnknownAccount, "no L2 account at index %d (a deposit creates one)", tx.From)
	}
	if n := o.unverifiedFrom(tx.From); n >= o.opts.MaxPendingPerAccount {
		return apiErr(CodeTooManyPending, "account %d has %d transactions waiting for verification, at most %d; try again once some are verified",
			tx.From, n, o.opts.MaxPendingPerAccount)
	}
	if tx.Nonce != from.Nonce {
		return apiErr(CodeBadNonce, "nonce %d, but account %d's next nonce is %d (counting accepted transactions)", tx.Nonce, tx.From, from.Nonce)
	}
	if !tx.Verify(from.Key, o.domain, o.opts.Params.Denom) {
		return apiErr(CodeBadSignature, "the signature does not verify for account %d's key on %s/%s", tx.From, o.chainID, o.opts.RollupID)
	}
	debit := new(big.Int).Add(tx.Amount.Value(), tx.Fee.Value())
	if debit.Cmp(&from.Balance) > 0 {
		return apiErr(CodeInsufficientBalance, "amount + fee = %s%s, but account %d has %s%s (counting accepted transactions)",
			debit, o.opts.Params.Denom, tx.From, &from.Balance, o.opts.Params.Denom)
	}
	switch tx.Kind {
	case payments.KindTransfer:
		if uint64(tx.To) >= capacity {
			return apiErr(CodeUnknownRecipient, "recipient index %d is beyond the tree", tx.To)
		}
		to, err := o.viewAccount(tx.To)
		if err != nil {
			return apiErr(CodeInternal, "%v", err)
		}
		if !to.Exists() {
			return apiErr(CodeUnknownRecipient, "no L2 account at index %d (a deposit creates one)", tx.To)
		}
		if to.Key != tx.ToKey {
			return apiErr(CodeUnknownRecipient, "the account at index %d is not the signed recipient %x", tx.To, tx.ToKey.Address())
		}
	default:
		out, ok := tx.OutboxEntry(from.Key, o.opts.Params.Denom)
		if !ok {
			return apiErr(CodeNotRepresentable, "amount does not fit an outbox entry")
		}
		if err := out.Validate(); err != nil {
			return apiErr(CodeInvalidTx, "outbox entry: %v", err)
		}
		// The chain fails the whole batch on an entry it cannot deliver.
		if aerr := o.rules.admit(tx); aerr != nil {
			return aerr
		}
	}
	return nil
}

// unverifiedFrom counts the accepted transactions of sender that no
// verified batch holds yet. Caller holds mu.
func (o *Operator) unverifiedFrom(sender uint32) int {
	n := 0
	for _, e := range o.mempool {
		if e.Tx.From == sender {
			n++
		}
	}
	return n
}

// Submit validates a transaction and, if valid, persists it in the
// mempool before answering.
func (o *Operator) Submit(w WireTx) (SubmitResult, error) {
	tx, err := FromWire(w)
	if err != nil {
		o.refused(err)
		return SubmitResult{}, err
	}
	w = ToWire(tx) // canonical form
	id := TxID(w)
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.halted != "" {
		return SubmitResult{}, o.refused(apiErr(CodeHalted, "the operator is halted: %s", o.halted))
	}
	var victim *mempoolEntry // full: the cheaper one this takes the place of (evict.go)
	if len(o.mempool) >= o.opts.MaxMempool {
		if victim = o.evictable(tx.From, tx.Fee.Value()); victim == nil {
			return SubmitResult{}, o.refused(apiErr(CodeMempoolFull,
				"%d transactions waiting, none evictable for a fee of %s; try again later or pay more", len(o.mempool), tx.Fee.Value()))
		}
	}
	if aerr := o.validate(&tx); aerr != nil {
		return SubmitResult{}, o.refused(aerr)
	}
	e := &mempoolEntry{Seq: o.nextSeq, ID: id, Tx: w, AcceptedAt: time.Now().UnixMilli()}
	b := o.db.NewBatch()
	defer b.Close()
	if victim != nil {
		if err := o.evict(b, victim); err != nil {
			return SubmitResult{}, err
		}
	}
	if err := setJSON(b, mempoolKey(e.Seq), e); err != nil {
		return SubmitResult{}, err
	}
	if err := b.Set(keySeq, be64(e.Seq+1)); err != nil {
		return SubmitResult{}, err
	}
	if err := b.WriteSync(); err != nil {
		return SubmitResult{}, apiErr(CodeInternal, "persist: %v", err)
	}
	if victim != nil {
		o.dropEvicted(victim)
	}
	o.nextSeq++
	o.mempool[e.Seq] = e
	o.byID[id] = e
	o.applyToView(&tx)
	o.metrics.txsAccepted.Inc()
	o.metrics.mempoolPending.Set(float64(len(o.pendingEntries())))
	signal(o.wakeBuild)
	return SubmitResult{ID: id, Seq: e.Seq, Status: "pending"}, nil
}

func (o *Operator) refused(err error) error {
	var ae *APIError
	if errors.As(err, &ae) {
		o.metrics.txsRefused.WithLabelValues(ae.Code).Inc()
	}
	return err
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Account reports an account by its L2 address.
func (o *Operator) Account(addr []byte) (AccountView, error) {
	pk, err := paymentsv1.ParseAddress(addr)
	if err != nil {
		return AccountView{}, apiErr(CodeInvalidRequest, "%v", err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	idx, ok, err := o.head.IndexOf(pk)
	if err != nil {
		return AccountView{}, apiErr(CodeInternal, "%v", err)
	}
	if !ok {
		return AccountView{}, apiErr(CodeUnknownAccount, "no L2 account for %x yet (a deposit to it creates one once its batch is built)", addr)
	}
	head, err := o.head.Account(idx)
	if err != nil {
		return AccountView{}, apiErr(CodeInternal, "%v", err)
	}
	pending, err := o.viewAccount(idx)
	if err != nil {
		return AccountView{}, apiErr(CodeInternal, "%v", err)
	}
	vs, err := payments.OpenState(o.base, o.opts.Params)
	if err != nil {
		return AccountView{}, apiErr(CodeInternal, "%v", err)
	}
	ver, err := vs.Account(idx)
	if err != nil {
		return AccountView{}, apiErr(CodeInternal, "%v", err)
	}
	return AccountView{
		Address: fmt.Sprintf("%x", addr), Index: idx,
		Balance: head.Balance.String(), Nonce: head.Nonce,
		PendingBalance: pending.Balance.String(), PendingNonce: pending.Nonce,
		VerifiedBalance: ver.Balance.String(), VerifiedNonce: ver.Nonce,
	}, nil
}

// TxStatus reports where a transaction is.
func (o *Operator) TxStatus(id string) (TxStatus, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if e, ok := o.byID[id]; ok {
		if e.Batch == 0 {
			return TxStatus{ID: id, Status: "pending"}, nil
		}
		st := "built"
		if r, ok := o.records[e.Batch]; ok {
			st = string(r.Status)
		}
		return TxStatus{ID: id, Status: st, Batch: e.Batch}, nil
	}
	var f txFinal
	ok, err := getJSON(o.db, txFinalKey(id), &f)
	if err != nil {
		return TxStatus{}, apiErr(CodeInternal, "%v", err)
	}
	if !ok {
		return TxStatus{}, apiErr(CodeNotFound, "no transaction %s", id)
	}
	return TxStatus{ID: id, Status: f.Status, Batch: f.Batch, Reason: f.Reason}, nil
}

// Status is a snapshot for /v1/status and `operator status`.
func (o *Operator) Status() Status {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := Status{
		ChainID: o.chainID, RollupID: o.opts.RollupID, Denom: o.opts.Params.Denom,
		Depth: o.opts.Params.Depth, Slots: o.opts.Params.Slots, Submitter: fmt.Sprintf("%x", o.submitter),
		ChainHeight: o.height, ChainNextBatch: o.rollup.NextBatchIndex, LastVerified: o.verified,
		LastBuilt: o.verified, LastProven: o.verified, LastSubmitted: o.verified,
		MempoolPending: len(o.pendingEntries()), InFlightTxs: len(o.mempool) - len(o.pendingEntries()),
		BatchesProven: o.provenN, BatchesVerified: o.verifiedN, LastProveMillis: o.lastProve.Milliseconds(),
		Halted: o.halted, ChainError: o.chainErr,
		Role: "primary", BatchesFollowed: o.followedN, RacesLost: o.racesLostN, MinFee: o.opts.MinFee.String(),
	}
	if o.opts.Standby {
		s.Role = "standby"
		if o.takenOver {
			s.Role = "standby-active"
		}
	}
	if o.rollup.InboxSize > o.rollup.InboxConsumed {
		s.InboxPending = o.rollup.InboxSize - o.rollup.InboxConsumed
	}
	if o.height > 0 && o.rollup.LastBatchHeight > 0 {
		s.LagBlocks = o.height - o.rollup.LastBatchHeight
	}
	for _, i := range o.unverifiedIndices() {
		r := o.records[i]
		s.LastBuilt = i
		switch r.Status {
		case BatchProven:
			s.LastProven = i
		case BatchSubmitted:
			s.LastProven, s.LastSubmitted = i, i
		}
	}
	if vs, err := payments.OpenState(o.base, o.opts.Params); err == nil {
		if r, err := vs.Root(); err == nil {
			s.StateRoot = fmt.Sprintf("%x", protocol.StateRootBytes(r))
		}
	}
	if r, err := o.head.Root(); err == nil {
		s.HeadRoot = fmt.Sprintf("%x", protocol.StateRootBytes(r))
	}
	return s
}

// Healthy is nil when the pipeline runs and the chain answers.
func (o *Operator) Healthy() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.halted != "" {
		return errors.New("halted: " + o.halted)
	}
	if o.chainErr != "" {
		return errors.New("chain unreachable: " + o.chainErr)
	}
	return nil
}

func (o *Operator) updateGauges() {
	pending := len(o.pendingEntries())
	o.metrics.mempoolPending.Set(float64(pending))
	o.metrics.inFlightBatches.Set(float64(len(o.records)))
	o.metrics.lastVerified.Set(float64(o.verified))
	last := o.verified
	for i := range o.records {
		last = max(last, i)
	}
	o.metrics.lastBuilt.Set(float64(last))
	o.metrics.chainHeight.Set(float64(o.height))
	if o.height > 0 && o.rollup.LastBatchHeight > 0 {
		o.metrics.lagBlocks.Set(float64(o.height - o.rollup.LastBatchHeight))
	}
	if o.rollup.InboxSize >= o.rollup.InboxConsumed {
		o.metrics.inboxPending.Set(float64(o.rollup.InboxSize - o.rollup.InboxConsumed))
	}
	if o.halted != "" {
		o.metrics.halted.Set(1)
	} else {
		o.metrics.halted.Set(0)
	}
}
