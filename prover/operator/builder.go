package operator

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/rollupkit"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// builder is the sequencer: it admits transactions against the head state
// (admission.go) and closes batches of the inbox messages and pending
// transactions, applying each to the head state with
// the kind's State.BuildBatch; the store persists the batch record and
// proving gets the native batch to prove.
//
// The head is the verified state plus the unverified batches, replayed.
// It moves with the set of unverified batches, so mu is held by whoever
// changes that set: the builder when it builds, the follower when it
// commits or follows a verified batch, the submitter when it discards a
// rejected one. Lock order: mu, then any part's own lock; no part holds its
// own lock while it takes mu.
type builder struct {
	*env
	store    *store
	proving  *proving
	follower *follower

	mu        sync.Mutex
	head      rollupkit.State
	headOv    *overlayDB
	view      rollupkit.View       // head plus pending transactions (admission.go)
	inboxSeen map[uint64]time.Time // when each waiting inbox message was first seen
	wakeup    chan struct{}
	// syncHold: a leader's round is open, so ordinary batches wait (the
	// round's exchange batch consumes the waiting inbox; sync_leader.go).
	syncHold bool
}

// wake asks the builder to look for a batch to close now.
func (b *builder) wake() { signal(b.wakeup) }

func (b *builder) buildLoop(ctx context.Context) {
	t := time.NewTicker(b.opts.BatchTimeout / 4)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-b.wakeup:
		}
		for {
			built, err := b.buildOnce(ctx)
			if err != nil {
				b.log.Warn("build batch", "err", err)
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
func (b *builder) inboxPosition(ctx context.Context) (from uint64, before []byte, err error) {
	b.mu.Lock()
	recs, _ := b.store.unverified()
	b.mu.Unlock()
	if len(recs) > 0 {
		last := recs[len(recs)-1]
		return last.InboxFrom + last.InboxConsumed, last.InboxAfter, nil
	}
	r, err := b.chain.Rollup(ctx, b.opts.RollupID)
	if err != nil {
		return 0, nil, err
	}
	return r.InboxConsumed, r.ConsumedAccumulator, nil
}

// buildOnce closes one batch if one is due: full, or its oldest content has
// waited BatchTimeout.
func (b *builder) buildOnce(ctx context.Context) (bool, error) {
	b.mu.Lock()
	blocked := b.halt.why() != "" || b.store.inFlight() >= b.opts.MaxInFlight || !b.follower.submitting() || b.syncHold
	verifiedAtStart := b.store.verifiedIndex()
	pendingN := b.store.pendingCount()
	b.mu.Unlock()
	if blocked {
		return false, nil
	}
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	from, before, err := b.inboxPosition(qctx)
	if err != nil {
		return false, err
	}
	var msgs []types.InboxMessage
	b.mu.Lock()
	inboxWaiting := b.follower.chainView().rollup.InboxSize > from
	b.mu.Unlock()
	if inboxWaiting || pendingN == 0 {
		if msgs, err = b.chain.Inbox(qctx, b.opts.RollupID, from, uint64(b.kind.Summary().Slots)); err != nil {
			return false, err
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.halt.why() != "" || !b.follower.submitting() || b.syncHold || b.store.verifiedIndex() != verifiedAtStart && b.store.inFlight() == 0 {
		return false, nil // the chain moved under us: try again next tick
	}
	pending := b.store.pendingEntries()
	n := len(msgs) + len(pending)
	if n == 0 {
		return false, nil
	}
	now := time.Now()
	oldest := now
	for _, m := range msgs {
		seen, ok := b.inboxSeen[m.Sequence]
		if !ok {
			seen = now
			b.inboxSeen[m.Sequence] = now
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
	if n < b.kind.Summary().Slots && now.Sub(oldest) < b.opts.BatchTimeout {
		return false, nil
	}
	return true, b.build(msgs, pending, from, before, nil)
}

// build applies the inbox messages and pending transactions to the head
// state, has the store persist the new batch record and hands the native
// batch to proving. mark is the batch's part in a round when it is built
// for one (sync_build.go), nil otherwise: a batch that sends a message to a
// leading peer is then marked as a caller's. Caller holds mu.
func (b *builder) build(msgs []types.InboxMessage, pending []*mempoolEntry, inboxFrom uint64, before []byte, mark *syncMark) error {
	index := b.store.nextIndex()
	entries := make([]protocol.InboxEntry, len(msgs))
	for i, m := range msgs {
		e, err := m.Entry()
		if err != nil {
			return err
		}
		entries[i] = e
	}
	pending = byFee(pending, b.kind.Summary().Slots) // evict.go
	txs := make([]rollupkit.Tx, 0, len(pending))
	live := make([]*mempoolEntry, 0, len(pending))
	for _, e := range pending {
		if e.tx == nil {
			continue
		}
		txs = append(txs, e.tx)
		live = append(live, e)
	}
	inboxBefore, err := protocol.ParseFieldElement(before)
	if err != nil {
		return err
	}
	bctx := rollupkit.BatchContext{ChainID: b.chainID, RollupID: b.opts.RollupID, BatchIndex: index,
		Submitter: b.address, InboxBefore: inboxBefore}
	bt, err := b.head.BuildBatch(bctx, entries, txs)
	if err != nil {
		// The head may be half-updated: rebuild it from the records.
		if rerr := b.rebuildHead(); rerr != nil {
			b.halt.set(fmt.Sprintf("head state unrecoverable after a failed build: %v", rerr))
		}
		return err
	}
	outbox, err := bt.EncodedOutbox()
	if err != nil {
		return err
	}
	rec := &batchRecord{
		Index: index, Status: BatchBuilt, InboxBefore: before, InboxFrom: inboxFrom,
		InboxAfter: protocol.StateRootBytes(bt.Commitment.InboxAfter), PrevRoot: protocol.StateRootBytes(bt.PrevRoot),
		NewRoot: protocol.StateRootBytes(bt.NewRoot), Data: bt.Data, Outbox: outbox, InboxConsumed: bt.InboxConsumed,
		L2TxCount: bt.Commitment.L2TxCount, BuiltAt: time.Now().UnixMilli(),
		Sync: b.markFor(mark, bt, inboxFrom),
	}
	for i := uint64(0); i < bt.InboxConsumed; i++ {
		bz, err := msgs[i].Marshal()
		if err != nil {
			return err
		}
		rec.Inbox = append(rec.Inbox, bz)
	}
	included := make([]*mempoolEntry, 0, len(bt.Included))
	for _, i := range bt.Included {
		e := live[i]
		rec.TxSeqs = append(rec.TxSeqs, e.Seq)
		rec.TxIDs = append(rec.TxIDs, e.ID)
		rec.Txs = append(rec.Txs, e.Tx)
		included = append(included, e)
	}
	refused := make([]droppedTx, 0, len(bt.Rejected))
	for i, rerr := range bt.Rejected {
		e := live[i]
		b.log.Warn("accepted transaction refused by the batch builder; dropped", "id", e.ID, "err", rerr)
		refused = append(refused, droppedTx{entry: e, reason: rerr.Error()})
	}
	if err := b.store.saveBuilt(rec, included, refused); err != nil {
		return err
	}
	for seq := range b.inboxSeen {
		if seq < inboxFrom+bt.InboxConsumed {
			delete(b.inboxSeen, seq)
		}
	}
	b.proving.add(index, bt)
	b.recomputeView()
	b.metrics.batchesBuilt.Inc()
	updateGauges(b.metrics, b.store, b.follower, b.halt)
	b.log.Info("batch built", "index", index, "l2_txs", len(bt.Included), "inbox", bt.InboxConsumed,
		"outbox", len(bt.Outbox), "data_bytes", len(bt.Data))
	b.proving.wake()
	return nil
}

// ---------------------------------------------------------------------------
// the head state

func (b *builder) batchContext(rec *batchRecord) (rollupkit.BatchContext, error) {
	before, err := protocol.ParseFieldElement(rec.InboxBefore)
	if err != nil {
		return rollupkit.BatchContext{}, err
	}
	return rollupkit.BatchContext{ChainID: b.chainID, RollupID: b.opts.RollupID, BatchIndex: rec.Index,
		Submitter: b.address, InboxBefore: before}, nil
}

// replay applies a stored batch's exact inputs to st.
func (b *builder) replay(st rollupkit.State, rec *batchRecord) (*rollupkit.Batch, error) {
	bctx, err := b.batchContext(rec)
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
	txs := make([]rollupkit.Tx, len(rec.Txs))
	for i, w := range rec.Txs {
		if txs[i], err = b.kind.DecodeTx(w); err != nil {
			return nil, err
		}
	}
	bt, err := st.BuildBatch(bctx, entries, txs)
	if err != nil {
		return nil, err
	}
	if got := protocol.StateRootBytes(bt.NewRoot); string(got) != string(rec.NewRoot) || len(bt.Included) != len(txs) ||
		bt.InboxConsumed != rec.InboxConsumed {
		return nil, fmt.Errorf("operator: batch %d does not rebuild identically (root %x, want %x)", rec.Index, got, rec.NewRoot)
	}
	return bt, nil
}

// resetHead makes the head the verified state (nothing unverified on it).
// Caller holds mu.
func (b *builder) resetHead() error {
	b.headOv = newOverlay(b.store.base)
	var err error
	b.head, err = b.kind.Open(b.headOv)
	return err
}

// rebuildHead replays the unverified batches on the verified state and
// hands their native batches to proving. A batch that no longer rebuilds
// (it never should) is discarded with everything after it. Caller holds
// mu.
func (b *builder) rebuildHead() error {
	if err := b.resetHead(); err != nil {
		return err
	}
	b.proving.reset()
	recs, statuses := b.store.unverified()
	for i, rec := range recs {
		if statuses[i] == BatchRejected {
			break
		}
		bt, err := b.replay(b.head, rec)
		if err != nil {
			b.log.Error("stored batch does not rebuild; discarding it and the batches after it", "index", rec.Index, "err", err)
			if derr := b.discardFrom(rec.Index, err.Error()); derr != nil {
				return derr
			}
			return b.rebuildHead()
		}
		b.proving.add(rec.Index, bt)
	}
	b.recomputeView()
	return nil
}

// boundHead rebuilds the head when its overlay has grown past
// maxHeadOverlay: under steady load the head overlay never empties.
// Caller holds mu.
func (b *builder) boundHead() {
	if b.headOv.size() > maxHeadOverlay && b.halt.why() == "" {
		// Replay the unverified batches on the verified state to bound its memory.
		if err := b.rebuildHead(); err != nil {
			b.halt.set(fmt.Sprintf("head state rebuild failed: %v", err))
		}
	}
}

// maxHeadOverlay bounds the writes the head state buffers in memory over the
// verified state before it is rebuilt from the unverified batches.
const maxHeadOverlay = 1 << 18

// ---------------------------------------------------------------------------
// the batch set moves (callers hold mu)

// committed commits rec, a batch of this operator's that the chain
// verified (at height, with gasUsed if known): its effect on the verified
// state is its replay there.
func (b *builder) committed(rec *batchRecord, height, gasUsed int64) error {
	ov := newOverlay(b.store.base)
	st, err := b.kind.Open(ov)
	if err != nil {
		return err
	}
	if _, err := b.replay(st, rec); err != nil {
		return err
	}
	if err := b.store.commitVerified(ov, rec, height, gasUsed); err != nil {
		return err
	}
	b.proving.drop(rec.Index)
	if b.store.inFlight() == 0 {
		// Nothing unverified: the head is the verified state.
		return b.resetHead()
	}
	return nil
}

// followed starts the head again from the verified state after the
// follower committed another operator's batch, which replaced this
// operator's unverified ones (inboxTo: the inbox it consumed up to).
func (b *builder) followed(inboxTo uint64) error {
	b.proving.reset()
	for seq := range b.inboxSeen {
		if seq < inboxTo {
			delete(b.inboxSeen, seq)
		}
	}
	if err := b.resetHead(); err != nil {
		return err
	}
	b.recomputeView()
	return nil
}

// discardFrom drops the unverified batches from index on (store.discardFrom)
// and their native batches.
func (b *builder) discardFrom(index uint64, reason string) error {
	dropped, err := b.store.discardFrom(index, reason)
	for _, i := range dropped {
		b.proving.drop(i)
	}
	return err
}

// discardUnverified clears a halt and drops every unverified batch, at
// Open (--discard-unverified).
func (b *builder) discardUnverified(reason string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.halt.clear()
	return b.discardFrom(b.store.verifiedIndex()+1, reason)
}
