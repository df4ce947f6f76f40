package operator

import (
	"sort"
	"time"

	"github.com/nativechain/nativechain/prover/rollupkit"
)

// The store's writes: each is one atomic write of the database, then the
// same change in memory.

// ---------------------------------------------------------------------------
// batch statuses (proving, the submitter)

func (s *store) persist(rec *batchRecord) error {
	b := s.db.NewBatch()
	defer b.Close()
	if err := setJSON(b, batchKey(rec.Index), rec); err != nil {
		return err
	}
	return b.WriteSync()
}

// isCurrent is current for callers that do not hold mu.
func (s *store) isCurrent(rec *batchRecord) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current(rec)
}

// current reports whether rec is still the unverified batch at its index
// (not discarded, followed or rebuilt meanwhile). Caller holds mu.
func (s *store) current(rec *batchRecord) bool {
	cur, ok := s.records[rec.Index]
	return ok && cur == rec
}

// proven records rec's proof. stale: rec was discarded or rebuilt while it
// was being proven (newRoot is the root of the batch that was proven).
func (s *store) proven(rec *batchRecord, newRoot, proof []byte, elapsed time.Duration) (stale bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.current(rec) || string(rec.NewRoot) != string(newRoot) {
		return true, nil
	}
	rec.Proof, rec.Status, rec.ProvenAt, rec.ProveMillis = proof, BatchProven, time.Now().UnixMilli(), elapsed.Milliseconds()
	return false, s.persist(rec)
}

// submitted records that the transaction hash carrying recs (consecutive
// batches, in index order) passed the node's CheckTx.
func (s *store) submitted(recs []*batchRecord, hash string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UnixMilli()
	for _, rec := range recs {
		if s.current(rec) {
			rec.Status, rec.TxHash, rec.TxBatches, rec.SubmittedAt = BatchSubmitted, hash, len(recs), now
			rec.Height, rec.GasUsed = 0, 0
			if err := s.persist(rec); err != nil {
				s.log.Error("persist submission", "index", rec.Index, "err", err)
			}
		}
	}
}

// resend puts a submitted batch that was not included in time back to
// proven, for the submitter to check the chain and send it again.
func (s *store) resend(rec *batchRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current(rec) && rec.Status == BatchSubmitted {
		rec.Status = BatchProven
		_ = s.persist(rec)
	}
}

// included records where rec's transaction landed, and rec's share of
// its gas: the transaction's gas split evenly over the batches it
// carries, so the gas per L2 transaction is not counted once per batch.
func (s *store) included(rec *batchRecord, height, gasUsed int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current(rec) {
		rec.Height, rec.GasUsed = height, gasUsed/int64(max(rec.TxBatches, 1))
	}
}

// setSync records rec's part in a round.
func (s *store) setSync(rec *batchRecord, mark *syncMark) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current(rec) {
		rec.Sync = mark
		if err := s.persist(rec); err != nil {
			s.log.Error("persist the batch's round", "index", rec.Index, "err", err)
		}
	}
}

// syncMarkOf is a copy of rec's part in a round (nil: none).
func (s *store) syncMarkOf(rec *batchRecord) *syncMark {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec.Sync == nil {
		return nil
	}
	m := *rec.Sync
	return &m
}

// syncBusy reports whether a batch of this operator is in a round that
// may still land a bundle: its account sequence is then reserved for the
// bundle, so nothing else (a claim) may be sent.
func (s *store) syncBusy() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.records {
		if r.Sync != nil && r.Status == BatchProven && r.Sync.State != syncSolo {
			return true
		}
	}
	return false
}

// rejected records the chain's refusal of rec.
func (s *store) rejected(rec *batchRecord, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.Status, rec.Reason = BatchRejected, reason
	if err := s.persist(rec); err != nil {
		s.log.Error("persist rejection", "index", rec.Index, "err", err)
	}
}

// ---------------------------------------------------------------------------
// mempool and batch set (callers hold the builder's lock)

// accept persists a new mempool entry for the transaction tx,
// in place of victim if not nil (a full mempool, evict.go).
func (s *store) accept(id string, tx rollupkit.Tx, victim *mempoolEntry) (*mempoolEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := &mempoolEntry{Seq: s.nextSeq, ID: id, Tx: tx.Wire(), AcceptedAt: time.Now().UnixMilli()}
	e.setTx(tx)
	b := s.db.NewBatch()
	defer b.Close()
	if victim != nil {
		if err := evict(b, victim); err != nil {
			return nil, err
		}
	}
	if err := setJSON(b, mempoolKey(e.Seq), e); err != nil {
		return nil, err
	}
	if err := b.Set(keySeq, be64(e.Seq+1)); err != nil {
		return nil, err
	}
	if err := b.WriteSync(); err != nil {
		return nil, apiErr(CodeInternal, "persist: %v", err)
	}
	if victim != nil {
		delete(s.mempool, victim.Seq)
		delete(s.byID, victim.ID)
		s.metrics.txsDropped.Inc()
	}
	s.nextSeq++
	s.mempool[e.Seq] = e
	s.byID[id] = e
	return e, nil
}

// droppedTx is an accepted transaction that leaves the mempool without
// being verified, and why.
type droppedTx struct {
	entry  *mempoolEntry
	reason string
}

// saveBuilt persists a new batch record, its transactions (now in it) and
// the accepted transactions the builder refused (dropped).
func (s *store) saveBuilt(rec *batchRecord, included []*mempoolEntry, refused []droppedTx) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	db := s.db.NewBatch()
	defer db.Close()
	for _, e := range included {
		e.Batch = rec.Index
		if err := setJSON(db, mempoolKey(e.Seq), e); err != nil {
			return err
		}
	}
	for _, d := range refused {
		if err := db.Delete(mempoolKey(d.entry.Seq)); err != nil {
			return err
		}
		if err := setJSON(db, txFinalKey(d.entry.ID), txFinal{Status: "rejected", Reason: d.reason}); err != nil {
			return err
		}
	}
	if err := setJSON(db, batchKey(rec.Index), rec); err != nil {
		return err
	}
	if err := db.WriteSync(); err != nil {
		return err
	}
	for _, d := range refused {
		delete(s.mempool, d.entry.Seq)
		delete(s.byID, d.entry.ID)
		s.metrics.txsDropped.Inc()
	}
	s.records[rec.Index] = rec
	return nil
}

// commitVerified applies a verified batch of this operator's to the
// persisted state, in one atomic write with its record, the mempool
// clean-up and the new verified index. ov holds the batch's effect on the
// verified state; height and gasUsed are where its transaction landed
// (gasUsed 0: not known).
func (s *store) commitVerified(ov *overlayDB, rec *batchRecord, height, gasUsed int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.Height = height
	if rec.GasUsed == 0 {
		rec.GasUsed = gasUsed
	}
	now := time.Now()
	rec.Status, rec.VerifiedAt, rec.Reason = BatchVerified, now.UnixMilli(), ""
	b := s.db.NewBatch()
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
		if err := setJSON(b, txFinalKey(rec.TxIDs[i]), txFinal{Status: "verified", Batch: rec.Index, Sync: rec.Sync.final(rec)}); err != nil {
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
		if e, ok := s.mempool[seq]; ok {
			s.metrics.txLatency.Observe(now.Sub(time.UnixMilli(e.AcceptedAt)).Seconds())
			delete(s.byID, e.ID)
			delete(s.mempool, seq)
		}
	}
	s.verified = rec.Index
	delete(s.records, rec.Index)
	s.verifiedN++
	s.metrics.batchesVerified.Inc()
	if rec.GasUsed > 0 && rec.L2TxCount > 0 {
		s.metrics.gasPerL2Tx.Set(float64(rec.GasUsed) / float64(rec.L2TxCount))
	}
	s.log.Info("batch verified", "index", rec.Index, "l2_txs", rec.L2TxCount, "inbox", rec.InboxConsumed,
		"height", rec.Height, "gas_used", rec.GasUsed)
	return nil
}

// commitFollowed writes a batch another operator built (see follower.go)
// in one atomic write: the new verified state (ov), its record, the
// verified index, this operator's discarded batches, and the mempool
// without the transactions the batch included or whose nonce it used
// (dropped, with the reason). It returns how many of this operator's
// batches it discarded.
func (s *store) commitFollowed(ov *overlayDB, rec *batchRecord, included map[uint64]bool, dropped map[uint64]string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seqs := make([]uint64, 0, len(s.mempool))
	for seq := range s.mempool {
		seqs = append(seqs, seq)
	}
	sort.Slice(seqs, func(a, b int) bool { return seqs[a] < seqs[b] })
	b := s.db.NewBatch()
	defer b.Close()
	if err := ov.flushTo(b, prefixState); err != nil {
		return 0, err
	}
	if err := setJSON(b, batchKey(rec.Index), rec); err != nil {
		return 0, err
	}
	for i := range s.records {
		if i != rec.Index {
			if err := b.Delete(batchKey(i)); err != nil {
				return 0, err
			}
		}
	}
	for _, seq := range seqs {
		e := s.mempool[seq]
		switch {
		case included[seq]:
			if err := b.Delete(mempoolKey(seq)); err != nil {
				return 0, err
			}
			if err := setJSON(b, txFinalKey(e.ID), txFinal{Status: "verified", Batch: rec.Index}); err != nil {
				return 0, err
			}
		case dropped[seq] != "":
			if err := b.Delete(mempoolKey(seq)); err != nil {
				return 0, err
			}
			if err := setJSON(b, txFinalKey(e.ID), txFinal{Status: "rejected", Reason: dropped[seq]}); err != nil {
				return 0, err
			}
		case e.Batch != 0:
			back := *e
			back.Batch = 0
			if err := setJSON(b, mempoolKey(seq), &back); err != nil {
				return 0, err
			}
		}
	}
	if err := b.Set(keyVerified, be64(rec.Index)); err != nil {
		return 0, err
	}
	if err := b.WriteSync(); err != nil {
		return 0, err
	}

	// The database holds it all: now the memory.
	now := time.Now()
	discarded := len(s.records)
	for _, seq := range seqs {
		e := s.mempool[seq]
		switch {
		case included[seq]:
			s.metrics.txLatency.Observe(now.Sub(time.UnixMilli(e.AcceptedAt)).Seconds())
			delete(s.byID, e.ID)
			delete(s.mempool, seq)
		case dropped[seq] != "":
			s.log.Warn("accepted transaction dropped: its nonce was used by another operator's batch", "id", e.ID, "reason", dropped[seq])
			s.metrics.txsDropped.Inc()
			delete(s.byID, e.ID)
			delete(s.mempool, seq)
		default:
			e.Batch = 0
		}
	}
	s.records = map[uint64]*batchRecord{}
	s.verified = rec.Index
	s.verifiedN++
	s.metrics.batchesVerified.Inc()
	return discarded, nil
}

// discardFrom drops unverified batches from index on and returns their
// transactions to the mempool, except those the chain's rules now refuse:
// the chain refused their batch for them (or would), so they are dropped
// as rejected rather than rebuilt into the next batch. It returns the
// indices it dropped.
func (s *store) discardFrom(index uint64, reason string) ([]uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.db.NewBatch()
	defer b.Close()
	var dropped []uint64
	refused := map[uint64]string{}
	for i, rec := range s.records {
		if i < index {
			continue
		}
		for _, seq := range rec.TxSeqs {
			e, ok := s.mempool[seq]
			if !ok {
				continue
			}
			if why := s.rules.refusesEntry(e); why != "" {
				refused[seq] = why
				if err := b.Delete(mempoolKey(seq)); err != nil {
					return nil, err
				}
				if err := setJSON(b, txFinalKey(e.ID), txFinal{Status: "rejected", Reason: "refused by the chain: " + why}); err != nil {
					return nil, err
				}
				continue
			}
			e.Batch = 0
			if err := setJSON(b, mempoolKey(seq), e); err != nil {
				return nil, err
			}
		}
		if err := b.Delete(batchKey(i)); err != nil {
			return nil, err
		}
		dropped = append(dropped, i)
	}
	if err := b.WriteSync(); err != nil {
		return nil, err
	}
	for _, i := range dropped {
		delete(s.records, i)
	}
	for seq, why := range refused {
		e := s.mempool[seq]
		s.log.Warn("accepted transaction refused by the chain's rules; dropped, not returned to the mempool", "id", e.ID, "reason", why)
		delete(s.byID, e.ID)
		delete(s.mempool, seq)
		s.metrics.txsRefusedByChain.Inc()
	}
	s.log.Warn("discarded unverified batches", "from", index, "count", len(dropped), "dropped_txs", len(refused), "reason", reason)
	return dropped, nil
}
