package operator

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// Run drives the pipeline until ctx ends: the chain watcher, the batch
// builder (sequencer), the prover and the submitter, each one goroutine.
// The prover works on batch i+1 while the submitter waits for batch i to
// be included.
func (o *Operator) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, loop := range []func(context.Context){o.watchLoop, o.buildLoop, o.proveLoop, o.submitLoop} {
		wg.Add(1)
		go func() { defer wg.Done(); loop(ctx) }()
	}
	wg.Wait()
	return nil
}

// ---------------------------------------------------------------------------
// watcher: new blocks, verified batches, inbox

func (o *Operator) watchLoop(ctx context.Context) {
	t := time.NewTicker(o.opts.PollInterval)
	defer t.Stop()
	backoff := newBackoff()
	for {
		if err := o.watchOnce(ctx); err != nil {
			o.mu.Lock()
			first := o.chainErr == ""
			o.chainErr = err.Error()
			o.mu.Unlock()
			if first {
				o.log.Warn("chain unreachable; retrying with backoff", "err", err)
			}
			if !sleepCtx(ctx, backoff.next()) {
				return
			}
			continue
		}
		backoff.reset()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (o *Operator) watchOnce(ctx context.Context) error {
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	h, err := o.chain.Height(qctx)
	if err != nil {
		return err
	}
	o.mu.Lock()
	same := h == o.height && o.chainErr == ""
	o.mu.Unlock()
	if same {
		return nil
	}
	r, err := o.chain.Rollup(qctx, o.opts.RollupID)
	if err != nil {
		return err
	}
	if o.rules.stale() {
		if err := o.rules.refresh(qctx, o.chain); err != nil {
			o.log.Warn("refresh the chain's outbox rules; keeping the cached ones", "err", err)
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.chainErr != "" {
		o.log.Info("chain reachable again", "height", h)
	}
	o.chainErr = ""
	o.height, o.rollup = h, r
	for o.verified+1 < r.NextBatchIndex && o.halted == "" {
		if err := o.commitFromChain(qctx, o.verified+1); err != nil {
			o.log.Error("commit verified batch", "index", o.verified+1, "err", err)
			break
		}
	}
	if o.headOv.size() > maxHeadOverlay && o.halted == "" {
		// Under steady load the head overlay never empties: replay the
		// unverified batches on the verified state to bound its memory.
		if err := o.rebuildHead(); err != nil {
			o.halt(fmt.Sprintf("head state rebuild failed: %v", err))
		}
	}
	o.updateStandby()
	if r.InboxSize > r.InboxConsumed {
		signal(o.wakeBuild)
	}
	signal(o.wakeSubmit)
	o.updateGauges()
	return nil
}

// maxHeadOverlay bounds the writes the head state buffers in memory over the
// verified state before it is rebuilt from the unverified batches.
const maxHeadOverlay = 1 << 18

// ---------------------------------------------------------------------------
// sequencer

func (o *Operator) buildLoop(ctx context.Context) {
	t := time.NewTicker(o.opts.BatchTimeout / 4)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-o.wakeBuild:
		}
		for {
			built, err := o.buildOnce(ctx)
			if err != nil {
				o.log.Warn("build batch", "err", err)
				break
			}
			if !built {
				break
			}
		}
	}
}

// inboxPosition is where the next batch starts reading the inbox: after
// the last unverified batch, or where the chain's verified batches left
// it.
func (o *Operator) inboxPosition(ctx context.Context) (from uint64, before []byte, err error) {
	o.mu.Lock()
	idx := o.unverifiedIndices()
	if len(idx) > 0 {
		last := o.records[idx[len(idx)-1]]
		o.mu.Unlock()
		return last.InboxFrom + last.InboxConsumed, last.InboxAfter, nil
	}
	o.mu.Unlock()
	r, err := o.chain.Rollup(ctx, o.opts.RollupID)
	if err != nil {
		return 0, nil, err
	}
	return r.InboxConsumed, r.ConsumedAccumulator, nil
}

// buildOnce closes one batch if one is due: full, or its oldest content has
// waited BatchTimeout.
func (o *Operator) buildOnce(ctx context.Context) (bool, error) {
	o.mu.Lock()
	blocked := o.halted != "" || len(o.records) >= o.opts.MaxInFlight || !o.submitting()
	verifiedAtStart := o.verified
	pendingN := len(o.pendingEntries())
	o.mu.Unlock()
	if blocked {
		return false, nil
	}
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	from, before, err := o.inboxPosition(qctx)
	if err != nil {
		return false, err
	}
	var msgs []types.InboxMessage
	o.mu.Lock()
	inboxWaiting := o.rollup.InboxSize > from
	o.mu.Unlock()
	if inboxWaiting || pendingN == 0 {
		if msgs, err = o.chain.Inbox(qctx, o.opts.RollupID, from, uint64(o.opts.Params.Slots)); err != nil {
			return false, err
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.halted != "" || !o.submitting() || o.verified != verifiedAtStart && len(o.records) == 0 {
		return false, nil // the chain moved under us: try again next tick
	}
	pending := o.pendingEntries()
	n := len(msgs) + len(pending)
	if n == 0 {
		return false, nil
	}
	now := time.Now()
	oldest := now
	for _, m := range msgs {
		seen, ok := o.inboxSeen[m.Sequence]
		if !ok {
			seen = now
			o.inboxSeen[m.Sequence] = now
		}
		if seen.Before(oldest) {
			oldest = seen
		}
	}
	if len(pending) > 0 {
		if t := time.UnixMilli(pending[0].AcceptedAt); t.Before(oldest) {
			oldest = t
		}
	}
	if n < o.opts.Params.Slots && now.Sub(oldest) < o.opts.BatchTimeout {
		return false, nil
	}
	return true, o.build(msgs, pending, from, before)
}

// build applies the inbox messages and pending transactions to the head
// state and persists the new batch record. Caller holds mu.
func (o *Operator) build(msgs []types.InboxMessage, pending []*mempoolEntry, inboxFrom uint64, before []byte) error {
	index := o.verified + uint64(len(o.records)) + 1
	entries := make([]protocol.InboxEntry, len(msgs))
	for i, m := range msgs {
		e, err := m.Entry()
		if err != nil {
			return err
		}
		entries[i] = e
	}
	pending = byFee(pending, o.opts.Params.Slots) // evict.go
	txs := make([]payments.Tx, 0, len(pending))
	live := make([]*mempoolEntry, 0, len(pending))
	for _, e := range pending {
		tx, err := FromWire(e.Tx)
		if err != nil {
			continue
		}
		txs = append(txs, tx)
		live = append(live, e)
	}
	inboxBefore, err := protocol.ParseFieldElement(before)
	if err != nil {
		return err
	}
	bctx := payments.BatchContext{ChainID: o.chainID, RollupID: o.opts.RollupID, BatchIndex: index,
		Submitter: o.submitter, InboxBefore: inboxBefore}
	b, err := o.head.BuildBatch(bctx, entries, txs)
	if err != nil {
		// The head may be half-updated: rebuild it from the records.
		if rerr := o.rebuildHead(); rerr != nil {
			o.halt(fmt.Sprintf("head state unrecoverable after a failed build: %v", rerr))
		}
		return err
	}
	outbox, err := b.EncodedOutbox()
	if err != nil {
		return err
	}
	rec := &batchRecord{
		Index: index, Status: BatchBuilt, InboxBefore: before, InboxFrom: inboxFrom,
		InboxAfter: protocol.StateRootBytes(b.Commitment.InboxAfter), PrevRoot: protocol.StateRootBytes(b.PrevRoot),
		NewRoot: protocol.StateRootBytes(b.NewRoot), Data: b.Data, Outbox: outbox, InboxConsumed: b.InboxConsumed,
		L2TxCount: b.Commitment.L2TxCount, BuiltAt: time.Now().UnixMilli(),
	}
	for i := uint64(0); i < b.InboxConsumed; i++ {
		bz, err := msgs[i].Marshal()
		if err != nil {
			return err
		}
		rec.Inbox = append(rec.Inbox, bz)
	}
	db := o.db.NewBatch()
	defer db.Close()
	for _, i := range b.Included {
		e := live[i]
		rec.TxSeqs = append(rec.TxSeqs, e.Seq)
		rec.TxIDs = append(rec.TxIDs, e.ID)
		rec.Txs = append(rec.Txs, e.Tx)
		e.Batch = index
		if err := setJSON(db, mempoolKey(e.Seq), e); err != nil {
			return err
		}
	}
	for i, rerr := range b.Rejected {
		e := live[i]
		o.log.Warn("accepted transaction refused by the batch builder; dropped", "id", e.ID, "err", rerr)
		if err := db.Delete(mempoolKey(e.Seq)); err != nil {
			return err
		}
		if err := setJSON(db, txFinalKey(e.ID), txFinal{Status: "rejected", Reason: rerr.Error()}); err != nil {
			return err
		}
	}
	if err := setJSON(db, batchKey(index), rec); err != nil {
		return err
	}
	if err := db.WriteSync(); err != nil {
		return err
	}
	for i := range b.Rejected {
		e := live[i]
		delete(o.mempool, e.Seq)
		delete(o.byID, e.ID)
		o.metrics.txsDropped.Inc()
	}
	for seq := range o.inboxSeen {
		if seq < inboxFrom+b.InboxConsumed {
			delete(o.inboxSeen, seq)
		}
	}
	o.records[index] = rec
	o.built[index] = b
	o.recomputeView()
	o.metrics.batchesBuilt.Inc()
	o.updateGauges()
	o.log.Info("batch built", "index", index, "l2_txs", len(b.Included), "inbox", b.InboxConsumed,
		"outbox", len(b.Outbox), "data_bytes", len(b.Data))
	signal(o.wakeProve)
	return nil
}

// ---------------------------------------------------------------------------
// prover

func (o *Operator) proveLoop(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		for o.proveOnce(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-o.wakeProve:
		}
	}
}

func (o *Operator) proveOnce(ctx context.Context) bool {
	if ctx.Err() != nil {
		return false
	}
	o.mu.Lock()
	var rec *batchRecord
	var b *payments.Batch
	for _, i := range o.unverifiedIndices() {
		if r := o.records[i]; r.Status == BatchBuilt && o.built[i] != nil {
			rec, b = r, o.built[i]
			break
		}
	}
	halted := o.halted != ""
	eta := o.lastProve
	o.mu.Unlock()
	if rec == nil || halted {
		return false
	}
	if eta > 0 {
		o.log.Info("proving batch", "index", rec.Index, "slots", o.opts.Params.Slots, "eta", eta.Round(100*time.Millisecond))
	} else {
		o.log.Info("proving batch", "index", rec.Index, "slots", o.opts.Params.Slots)
	}
	start := time.Now()
	proof, err := o.prover.Prove(b)
	elapsed := time.Since(start)
	o.mu.Lock()
	defer o.mu.Unlock()
	if err != nil {
		o.halt(fmt.Sprintf("proving batch %d failed: %v", rec.Index, err))
		return false
	}
	cur, ok := o.records[rec.Index]
	if !ok || cur != rec || string(cur.NewRoot) != string(protocol.StateRootBytes(b.NewRoot)) {
		return true // discarded or rebuilt meanwhile
	}
	rec.Proof, rec.Status, rec.ProvenAt, rec.ProveMillis = proof, BatchProven, time.Now().UnixMilli(), elapsed.Milliseconds()
	if err := o.persist(rec); err != nil {
		o.log.Error("persist proof", "index", rec.Index, "err", err)
		return false
	}
	o.provenN++
	o.lastProve = elapsed
	o.metrics.batchesProven.Inc()
	o.metrics.provingSeconds.Observe(elapsed.Seconds())
	o.log.Info("batch proven", "index", rec.Index, "seconds", fmt.Sprintf("%.2f", elapsed.Seconds()))
	signal(o.wakeSubmit)
	return true
}

func (o *Operator) persist(rec *batchRecord) error {
	b := o.db.NewBatch()
	defer b.Close()
	if err := setJSON(b, batchKey(rec.Index), rec); err != nil {
		return err
	}
	return b.WriteSync()
}

// ---------------------------------------------------------------------------
// submitter

// submitTimeout is how long a broadcast batch may stay out of a block
// before the submitter looks again (the node may have dropped it).
const submitTimeout = 60 * time.Second

func (o *Operator) submitLoop(ctx context.Context) {
	t := time.NewTicker(o.opts.PollInterval)
	defer t.Stop()
	backoff := newBackoff()
	for {
		retry := o.submitOnce(ctx)
		wait := time.Duration(0)
		if retry {
			o.metrics.submitRetries.Inc()
			wait = backoff.next()
		} else {
			backoff.reset()
		}
		if wait > 0 {
			if !sleepCtx(ctx, wait) {
				return
			}
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-o.wakeSubmit:
		}
	}
}

// submitOnce moves the lowest unverified batch one step: broadcast it if
// proven, check on it if submitted. It returns true after a transient
// failure (the caller backs off).
func (o *Operator) submitOnce(ctx context.Context) bool {
	o.mu.Lock()
	rec, ok := o.records[o.verified+1]
	halted := o.halted != "" || !o.submitting()
	var snapshot batchRecord
	if ok {
		snapshot = *rec
	}
	o.mu.Unlock()
	if !ok || halted {
		return false
	}
	qctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	switch snapshot.Status {
	case BatchProven:
		return o.broadcast(qctx, rec, snapshot)
	case BatchSubmitted:
		return o.checkSubmitted(qctx, rec, snapshot)
	}
	return false
}

func (o *Operator) msgFor(r batchRecord) *types.MsgSubmitBatch {
	return &types.MsgSubmitBatch{
		Submitter: sdk.AccAddress(o.submitter).String(), RollupId: o.opts.RollupID, BatchIndex: r.Index,
		NewStateRoot: r.NewRoot, Data: r.Data, InboxConsumed: r.InboxConsumed, Outbox: r.Outbox,
		Proof: r.Proof, L2TxCount: r.L2TxCount,
	}
}

func (o *Operator) broadcast(ctx context.Context, rec *batchRecord, r batchRecord) bool {
	// The chain may already hold this index (a submission from before a
	// restart): never send it again then.
	cr, err := o.chain.Rollup(ctx, o.opts.RollupID)
	if err != nil {
		o.log.Warn("query rollup before submitting", "err", err)
		return true
	}
	if cr.NextBatchIndex > r.Index {
		signal(o.wakeSubmit)
		return false // the watcher commits it
	}
	hash, err := o.chain.SubmitBatch(ctx, o.msgFor(r))
	var ce *CheckTxError
	switch {
	case errors.As(err, &ce) && !ce.transient():
		if o.lostRace(ctx, r) {
			o.log.Info("another operator's batch took this index first; following it", "index", r.Index, "refusal", ce.Error())
			return false
		}
		o.reject(ctx, rec, fmt.Sprintf("%v; %s", ce, o.diagnose(ctx, r)))
		return false
	case err != nil:
		o.log.Warn("submit batch failed; retrying with backoff", "index", r.Index, "err", err)
		return true
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if cur, ok := o.records[r.Index]; ok && cur == rec {
		rec.Status, rec.TxHash, rec.SubmittedAt = BatchSubmitted, hash, time.Now().UnixMilli()
		if err := o.persist(rec); err != nil {
			o.log.Error("persist submission", "index", r.Index, "err", err)
		}
	}
	o.metrics.batchesSubmitted.Inc()
	o.log.Info("batch submitted", "index", r.Index, "tx", hash)
	return false
}

func (o *Operator) checkSubmitted(ctx context.Context, rec *batchRecord, r batchRecord) bool {
	res, found, err := o.chain.TxResult(ctx, r.TxHash)
	if err != nil {
		return true
	}
	if !found {
		if time.Since(time.UnixMilli(r.SubmittedAt)) > submitTimeout {
			o.log.Warn("batch not included in time; checking the chain before sending it again", "index", r.Index, "tx", r.TxHash)
			o.mu.Lock()
			if cur, ok := o.records[r.Index]; ok && cur == rec && rec.Status == BatchSubmitted {
				rec.Status = BatchProven
				_ = o.persist(rec)
			}
			o.mu.Unlock()
		}
		return false
	}
	o.mu.Lock()
	if cur, ok := o.records[r.Index]; ok && cur == rec {
		rec.Height, rec.GasUsed = res.Height, res.GasUsed
	}
	o.mu.Unlock()
	if res.Code == 0 {
		return false // included and verified: the watcher commits it at the next block
	}
	cr, err := o.chain.Rollup(ctx, o.opts.RollupID)
	if err != nil {
		return true
	}
	if cr.NextBatchIndex > r.Index {
		return false // an earlier copy of this batch, or another operator's batch, took the index: the watcher commits or follows it
	}
	o.reject(ctx, rec, fmt.Sprintf("failed in block %d (codespace %s, code %d): %s; %s", res.Height, res.Codespace, res.Code, res.Log, o.diagnose(ctx, r)))
	return false
}

// lostRace reports whether the chain moved past the state batch r was built
// on (another operator's batch landed first): then a refusal of r is a lost
// race, for the watcher to follow, not a rejection. When the chain cannot be
// asked, it answers false: the refusal stands.
func (o *Operator) lostRace(ctx context.Context, r batchRecord) bool {
	cr, err := o.chain.Rollup(ctx, o.opts.RollupID)
	if err != nil {
		return false
	}
	return cr.NextBatchIndex > r.Index || string(cr.StateRoot) != string(r.PrevRoot)
}

// reject records the chain's refusal: a rejected batch is never sent
// again as it is. If the chain's rules refuse the outbox entry of one of
// its transactions (their content, which the API checked against the
// rules of the time), the batch is discarded and rebuilt without those
// transactions, and the pipeline goes on. Otherwise it halts.
func (o *Operator) reject(ctx context.Context, rec *batchRecord, reason string) {
	// The rules may have changed since the transactions were accepted.
	if err := o.rules.refresh(ctx, o.chain); err != nil {
		o.log.Warn("refresh the chain's outbox rules after a rejection", "err", err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	rec.Status, rec.Reason = BatchRejected, reason
	if err := o.persist(rec); err != nil {
		o.log.Error("persist rejection", "index", rec.Index, "err", err)
	}
	o.metrics.batchesRejected.Inc()
	if o.refusesATx(rec) {
		o.log.Warn("batch rejected by the chain for the content of accepted transactions; dropping them and rebuilding",
			"index", rec.Index, "reason", reason)
		if err := o.discardFrom(rec.Index, "batch rejected: "+reason); err != nil {
			o.halt(fmt.Sprintf("batch %d rejected: %s; discarding it failed: %v", rec.Index, reason, err))
			return
		}
		if err := o.rebuildHead(); err != nil {
			o.halt(fmt.Sprintf("head state rebuild failed after batch %d was rejected: %v", rec.Index, err))
			return
		}
		o.updateGauges()
		signal(o.wakeBuild)
		return
	}
	if cause := o.forcedCause(rec); cause != "" {
		reason += "; " + cause
	}
	o.log.Error("batch rejected by the chain", "index", rec.Index, "reason", reason)
	o.halt(fmt.Sprintf("batch %d rejected: %s (restart with --discard-unverified to rebuild from the last verified batch)", rec.Index, reason))
}

// refusesATx reports whether the chain's rules refuse the outbox entry of
// a transaction of rec. Caller holds mu.
func (o *Operator) refusesATx(rec *batchRecord) bool {
	for _, seq := range rec.TxSeqs {
		if e, ok := o.mempool[seq]; ok && o.chainRefuses(e) != "" {
			return true
		}
	}
	return false
}

// forcedCause names a forced transaction of rec's consumed inbox whose
// outbox entry the chain's rules refuse. The batch cannot skip it (the
// circuit executes every valid forced transaction), so no rebuild helps:
// only a chain that refunds such an entry instead of failing the batch
// lets the rollup go on.
func (o *Operator) forcedCause(rec *batchRecord) string {
	for _, bz := range rec.Inbox {
		var m types.InboxMessage
		if err := m.Unmarshal(bz); err != nil {
			continue
		}
		e, err := m.Entry()
		if err != nil || e.Kind != protocol.InboxKindForcedTx {
			continue
		}
		tx, err := payments.DecodeForcedTx(e.Payload)
		if err != nil {
			continue
		}
		if aerr := o.rules.refusal(&tx); aerr != nil {
			return fmt.Sprintf("the cause is from the inbox: the forced transaction at inbox sequence %d, which the batch must execute: %s; "+
				"no rebuild can skip it, the chain must refund such an entry instead of failing the batch", e.Sequence, aerr.Message)
		}
	}
	return ""
}

// diagnose compares what the batch assumed with the chain's rollup record.
func (o *Operator) diagnose(ctx context.Context, r batchRecord) string {
	cr, err := o.chain.Rollup(ctx, o.opts.RollupID)
	if err != nil {
		return "diagnosis unavailable: " + err.Error()
	}
	var d []string
	if cr.Status != types.ROLLUP_STATUS_ACTIVE {
		d = append(d, fmt.Sprintf("the rollup is %s", cr.Status))
	}
	if cr.NextBatchIndex != r.Index {
		d = append(d, fmt.Sprintf("the chain expects batch %d, this is %d", cr.NextBatchIndex, r.Index))
	}
	if string(cr.StateRoot) != string(r.PrevRoot) {
		d = append(d, fmt.Sprintf("the chain's state root %x is not this batch's previous root %x", cr.StateRoot, r.PrevRoot))
	}
	if string(cr.ConsumedAccumulator) != string(r.InboxBefore) {
		d = append(d, "the chain's consumed inbox accumulator differs from the batch's")
	}
	sub := sdk.AccAddress(o.submitter).String()
	isOp := false
	for _, op := range cr.Operators {
		isOp = isOp || op == sub
	}
	if !isOp {
		d = append(d, fmt.Sprintf("%s is not an operator of the rollup", sub))
	}
	if len(d) == 0 {
		return "the rollup record matches the batch's assumptions (check the verifying key and the proof)"
	}
	return "diagnosis: " + fmt.Sprint(d)
}

// ---------------------------------------------------------------------------
// helpers

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
