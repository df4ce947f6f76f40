package operator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/rollupkit"
	"github.com/nativechain/nativechain/x/rollups/client/inbox"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// follower follows the chain: it polls for new blocks and, when the
// rollup's next_batch_index moves past a batch, commits that batch to the
// verified state: this operator's own batch as it built it, or a batch
// another operator built (another operator of the rollup submitted it, or
// won a race for the index), followed from what the chain keeps (the
// posted data and the consumed inbox entries). It also decides when a
// standby takes over (standby.go).
//
// Following rebuilds the foreign batch's effect on the verified state,
// checks the root it gets is the chain's, and carries on from there: this
// operator's own batches for that index and after are discarded and their
// transactions go back to the mempool, minus those the chain's batch used
// the nonce of (the kind's rollupkit.Followed says which).
type follower struct {
	*env
	store     *store
	builder   *builder
	proving   *proving
	submitter *submitter

	mu         sync.Mutex
	height     int64
	rollup     types.Rollup
	chainErr   string
	followedN  uint64
	racesLostN uint64
	// takenOver: a standby that found the rollup silent and now submits;
	// workSince: the height it first saw work waiting (0: none).
	takenOver bool
	workSince int64
}

// chainState is what the follower last saw of the chain.
type chainState struct {
	height int64
	rollup types.Rollup
	err    string // "" while the chain answers
}

func (f *follower) chainView() chainState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return chainState{height: f.height, rollup: f.rollup, err: f.chainErr}
}

func (f *follower) watchLoop(ctx context.Context) {
	t := time.NewTicker(f.opts.PollInterval)
	defer t.Stop()
	backoff := newBackoff()
	for {
		if err := f.watchOnce(ctx); err != nil {
			f.mu.Lock()
			first := f.chainErr == ""
			f.chainErr = err.Error()
			f.mu.Unlock()
			if first {
				f.log.Warn("chain unreachable; retrying with backoff", "err", err)
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

func (f *follower) watchOnce(ctx context.Context) error {
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	h, err := f.chain.Height(qctx)
	if err != nil {
		return err
	}
	if cs := f.chainView(); h == cs.height && cs.err == "" {
		return nil
	}
	r, err := f.chain.Rollup(qctx, f.opts.RollupID)
	if err != nil {
		return err
	}
	if f.rules.stale() {
		if err := f.rules.refresh(qctx, f.chain); err != nil {
			f.log.Warn("refresh the chain's outbox rules; keeping the cached ones", "err", err)
		}
	}
	f.builder.mu.Lock() // the batch set moves: see builder
	defer f.builder.mu.Unlock()
	f.mu.Lock()
	if f.chainErr != "" {
		f.log.Info("chain reachable again", "height", h)
	}
	f.chainErr = ""
	f.height, f.rollup = h, r
	f.mu.Unlock()
	for next := f.store.verifiedIndex() + 1; next < r.NextBatchIndex && f.halt.why() == ""; next = f.store.verifiedIndex() + 1 {
		if err := f.commitFromChain(qctx, next); err != nil {
			f.log.Error("commit verified batch", "index", next, "err", err)
			break
		}
	}
	f.builder.boundHead()
	f.updateStandby()
	if r.InboxSize > r.InboxConsumed {
		f.builder.wake()
	}
	f.submitter.wake()
	updateGauges(f.metrics, f.store, f, f.halt)
	return nil
}

// commitFromChain commits batch i, which the chain verified: this
// operator's own batch if the chain's is the one it built, otherwise the
// chain's batch, followed from its posted data. Caller holds the builder's
// mu.
func (f *follower) commitFromChain(ctx context.Context, i uint64) error {
	cb, err := f.chain.Batch(ctx, f.opts.RollupID, i)
	if err != nil {
		return fmt.Errorf("operator: query batch %d: %w", i, err)
	}
	rec, ok := f.store.record(i)
	if !ok || !ownBatch(rec, cb) {
		return f.follow(ctx, cb)
	}
	gasUsed, txHash := f.store.inclusion(rec)
	if gasUsed == 0 && txHash != "" {
		if res, found, err := f.chain.TxResult(ctx, txHash); err == nil && found && res.Code == 0 {
			gasUsed = res.GasUsed
		}
	}
	return f.builder.committed(rec, cb.Height, gasUsed)
}

// ownBatch reports whether the chain's batch cb is the batch rec this
// operator built: same new root, same data, same inbox range. cb is the
// Batch query's record: the chain stores only the new root, DA hash,
// inbox_to and height and derives the previous root and inbox_from from
// the previous batch's record, which batch_history_keep may have pruned
// (the previous root is then empty and inbox_from 0). inbox_from is
// compared only when the chain still derives it; without it the range is
// still pinned: batch i starts where the chain's batch i-1 ended, and this
// operator committed i-1 only after checking the chain's inbox_to of it.
func ownBatch(rec *batchRecord, cb types.Batch) bool {
	if len(cb.PrevStateRoot) > 0 && cb.InboxFrom != rec.InboxFrom {
		return false
	}
	return bytes.Equal(cb.NewStateRoot, rec.NewRoot) && cb.InboxTo == rec.InboxFrom+rec.InboxConsumed &&
		matchesDAHash(rec.Data, cb.DaHash)
}

// fullRecord checks that the chain's full record of a batch (its event)
// agrees with the record its state keeps (cb, from the Batch query), and
// returns it. A disagreement is a node serving inconsistent answers, not a
// divergence of this operator: the follower tries again.
func fullRecord(cb, ev types.Batch) (types.Batch, error) {
	same := ev.RollupId == cb.RollupId && ev.Index == cb.Index && bytes.Equal(ev.NewStateRoot, cb.NewStateRoot) &&
		bytes.Equal(ev.DaHash, cb.DaHash) && ev.InboxTo == cb.InboxTo && ev.Height == cb.Height &&
		bytes.Equal(ev.InboxAccumulatorAfter, cb.InboxAccumulatorAfter) && ev.InboxFrom <= ev.InboxTo
	if len(cb.PrevStateRoot) > 0 { // derived from the previous record: not pruned
		same = same && bytes.Equal(ev.PrevStateRoot, cb.PrevStateRoot) && ev.InboxFrom == cb.InboxFrom &&
			bytes.Equal(ev.InboxAccumulatorBefore, cb.InboxAccumulatorBefore)
	}
	if !same {
		return types.Batch{}, fmt.Errorf("the event of batch %d in block %d is not the batch the chain's state records", cb.Index, cb.Height)
	}
	return ev, nil
}

// divergence is a followed batch that does not rebuild to the chain's root
// from this operator's verified state: the operator cannot continue.
type divergence struct{ reason string }

func (d *divergence) Error() string { return d.reason }

// follow applies the chain's batch cb, built by another operator, to the
// verified state, in one atomic write, and discards this operator's own
// unverified batches (all of them: they start at cb's index). A divergence
// halts the pipeline; other errors (the chain did not answer) are returned
// and the follower tries again. Caller holds the builder's mu.
func (f *follower) follow(ctx context.Context, cb types.Batch) error {
	_, hadOwn := f.store.record(cb.Index)
	posted, err := f.chain.PostedBatch(ctx, cb)
	if err != nil {
		return fmt.Errorf("operator: data of batch %d: %w", cb.Index, err)
	}
	// From here on cb is the chain's full record (previous root, inbox
	// range and accumulators, outbox hash, submitter): the state keeps only
	// part of it, the event of the transaction that verified it all of it.
	if cb, err = fullRecord(cb, posted.Record); err != nil {
		return fmt.Errorf("operator: %w", err)
	}
	data := posted.Msg.Data
	if !matchesDAHash(data, cb.DaHash) {
		return fmt.Errorf("operator: the data the node returned for batch %d does not match its DA hash", cb.Index)
	}
	// The state follows from the data alone; the outbox only tells which
	// mempool withdrawals and sends the batch executed, so one that cannot
	// be read costs those transactions, not the follow.
	outbox, outboxErr := postedOutbox(posted.Msg.Outbox, cb)
	msgs, err := f.consumedInbox(ctx, cb)
	if err != nil {
		return err
	}
	ov := newOverlay(f.store.base)
	fb, err := f.replayForeign(ov, cb, data, msgs, outbox, outboxErr)
	if err != nil {
		if d, ok := err.(*divergence); ok {
			f.halt.set(d.reason)
			return nil
		}
		return err
	}
	return f.commitFollowed(ov, cb, data, msgs, fb, hadOwn)
}

// postedOutbox decodes the outbox posted with cb and checks it is the one
// the chain verified: the hash and entry count of cb, the full record the
// chain emitted when the proof (which commits to the outbox hash) held.
func postedOutbox(bz []byte, cb types.Batch) ([]protocol.OutboxEntry, error) {
	entries, err := protocol.DecodeOutbox(bz)
	if err != nil {
		return nil, fmt.Errorf("the posted outbox does not decode: %w", err)
	}
	if got := protocol.FieldElementBytes(protocol.OutboxHash(entries)); !bytes.Equal(got, cb.OutboxHash) || uint64(len(entries)) != cb.OutboxEntries {
		return nil, fmt.Errorf("the posted outbox (%d entries, hash %x) is not the one the chain verified (%d entries, hash %x)",
			len(entries), got, cb.OutboxEntries, cb.OutboxHash)
	}
	return entries, nil
}

// consumedInbox fetches the inbox entries cb consumed and checks they end at
// the accumulator the chain recorded for the batch.
func (f *follower) consumedInbox(ctx context.Context, cb types.Batch) ([]types.InboxMessage, error) {
	msgs, err := inbox.CollectConsumed(ctx, cb, 100, func(ctx context.Context, from, limit uint64) ([]types.InboxMessage, error) {
		return f.chain.Inbox(ctx, f.opts.RollupID, from, limit)
	})
	if err != nil {
		return nil, fmt.Errorf("operator: %w", err)
	}
	return msgs, nil
}

// replayForeign applies the batch to the verified state in ov with the
// kind's Follow and checks the roots before and after against the chain's
// record. It returns what the kind says of the batch's spends.
func (f *follower) replayForeign(ov *overlayDB, cb types.Batch, data []byte, msgs []types.InboxMessage,
	outbox []protocol.OutboxEntry, outboxErr error) (rollupkit.Followed, error) {
	st, err := f.kind.Open(ov)
	if err != nil {
		return nil, err
	}
	prev, err := st.Root()
	if err != nil {
		return nil, err
	}
	if got := protocol.StateRootBytes(prev); !bytes.Equal(got, cb.PrevStateRoot) {
		return nil, &divergence{fmt.Sprintf("batch %d (submitter %s) starts from root %x, but this operator's verified state after batch %d has root %x: the states diverged",
			cb.Index, cb.Submitter, cb.PrevStateRoot, f.store.verifiedIndex(), got)}
	}
	entries := make([]protocol.InboxEntry, len(msgs))
	for i, m := range msgs {
		if entries[i], err = m.Entry(); err != nil {
			return nil, fmt.Errorf("operator: inbox message %d: %w", m.Sequence, err)
		}
	}
	vs, err := f.kind.Open(f.store.base)
	if err != nil {
		return nil, err
	}
	fb, err := f.kind.Follow(vs, st, rollupkit.ForeignBatch{Data: data, Inbox: entries, Outbox: outbox, OutboxErr: outboxErr})
	if err != nil {
		var d *rollupkit.Divergence
		if errors.As(err, &d) {
			return nil, &divergence{fmt.Sprintf("batch %d (submitter %s)%s", cb.Index, cb.Submitter, d.Reason)}
		}
		return nil, err
	}
	root, err := st.Root()
	if err != nil {
		return nil, err
	}
	if got := protocol.StateRootBytes(root); !bytes.Equal(got, cb.NewStateRoot) {
		return nil, &divergence{fmt.Sprintf("batch %d (submitter %s): replaying its data gives root %x, the chain verified %x: the states diverged",
			cb.Index, cb.Submitter, got, cb.NewStateRoot)}
	}
	return fb, nil
}

// commitFollowed commits the followed batch: it sorts the mempool into the
// transactions the batch included, those whose nonce it used (dropped) and
// the rest (back to pending), has the store write it all at once, and
// starts the head again from the new verified state. Caller holds the
// builder's mu.
func (f *follower) commitFollowed(ov *overlayDB, cb types.Batch, data []byte, msgs []types.InboxMessage,
	fb rollupkit.Followed, hadOwn bool) error {
	rec := &batchRecord{
		Index: cb.Index, Status: BatchVerified, InboxBefore: cb.InboxAccumulatorBefore, InboxAfter: cb.InboxAccumulatorAfter,
		InboxFrom: cb.InboxFrom, InboxConsumed: cb.InboxTo - cb.InboxFrom, PrevRoot: cb.PrevStateRoot, NewRoot: cb.NewStateRoot,
		Data: data, L2TxCount: cb.L2TxCount, Height: cb.Height, Submitter: cb.Submitter, Followed: true,
		VerifiedAt: time.Now().UnixMilli(),
	}
	for _, m := range msgs {
		bz, err := m.Marshal()
		if err != nil {
			return err
		}
		rec.Inbox = append(rec.Inbox, bz)
	}
	included := map[uint64]bool{}
	dropped := map[uint64]string{}
	for _, e := range f.store.mempoolEntries() {
		if e.tx == nil {
			continue
		}
		sp, err := fb.Spend(e.tx)
		if err != nil {
			return err
		}
		switch {
		case !sp.Taken:
			// still usable
		case sp.Included:
			included[e.Seq] = true
		default:
			dropped[e.Seq] = fmt.Sprintf("%s was used on the chain by batch %d (submitter %s)%s", sp.Nonce, cb.Index, cb.Submitter, sp.By)
		}
	}
	discarded, err := f.store.commitFollowed(ov, rec, included, dropped)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.followedN++
	f.metrics.batchesFollowed.Inc()
	if hadOwn {
		f.racesLostN++
		f.metrics.racesLost.Inc()
	}
	if f.opts.Standby && f.takenOver {
		f.takenOver = false
		f.log.Info("another operator is submitting again: back to standby", "index", cb.Index, "submitter", cb.Submitter)
	}
	f.mu.Unlock()
	f.log.Info("followed a batch built by another operator", "index", cb.Index, "submitter", cb.Submitter,
		"l2_txs", cb.L2TxCount, "inbox", rec.InboxConsumed, "height", cb.Height, "own_batches_discarded", discarded,
		"own_txs_included", len(included), "own_txs_dropped", len(dropped), "lost_race", hadOwn)
	return f.builder.followed(cb.InboxTo)
}

// status fills the follower's part of a Status.
func (f *follower) status(s *Status) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s.ChainHeight, s.ChainNextBatch, s.ChainError = f.height, f.rollup.NextBatchIndex, f.chainErr
	s.Role, s.BatchesFollowed, s.RacesLost = "primary", f.followedN, f.racesLostN
	if f.opts.Standby {
		s.Role = "standby"
		if f.takenOver {
			s.Role = "standby-active"
		}
	}
	if f.rollup.InboxSize > f.rollup.InboxConsumed {
		s.InboxPending = f.rollup.InboxSize - f.rollup.InboxConsumed
	}
	if f.height > 0 && f.rollup.LastBatchHeight > 0 {
		s.LagBlocks = f.height - f.rollup.LastBatchHeight
	}
}

// setGauges sets the follower's gauges.
func (f *follower) setGauges(m *metrics) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m.chainHeight.Set(float64(f.height))
	if f.height > 0 && f.rollup.LastBatchHeight > 0 {
		m.lagBlocks.Set(float64(f.height - f.rollup.LastBatchHeight))
	}
	if f.rollup.InboxSize >= f.rollup.InboxConsumed {
		m.inboxPending.Set(float64(f.rollup.InboxSize - f.rollup.InboxConsumed))
	}
}
