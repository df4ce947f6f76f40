package operator

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// submitter sends proven batches to the chain strictly in index order,
// starting at the lowest unverified batch, through the Chain's tx factory
// and keyring, and tracks each until it is included: a batch lost on the
// way is sent again after the chain is asked, a refusal is told apart from
// a race lost to another operator, and a rejection is recorded. Its state
// is the batches' statuses, in the store.
//
// When the batches after the lowest are proven too (a prover fleet proves
// consecutive batches in parallel), it sends them together, in index
// order, as several MsgSubmitBatch in one transaction (batchesSubmitter):
// they land in one block, pay the transaction's fixed cost (signature, fee,
// tx bytes) once, and the chain verifies them in one multi-pairing
// (docs/decisions.md, "Consecutive batches in one transaction"). Such a
// transaction is all or nothing; if it is refused or fails, its batches
// are sent again one per transaction from the first that did not land, so
// the batch at fault is found and handled as a lone batch is.
type submitter struct {
	*env
	store    *store
	builder  *builder
	follower *follower
	wakeup   chan struct{}
	// soloThrough: batches up to this index go one per transaction (after
	// a transaction of several was refused or failed). Only the submit
	// loop reads and writes it.
	soloThrough uint64
	// claim is the auto-claim of the accrued fees (claim.go).
	claim claimState
	// leader is this operator's round leader, nil unless it leads.
	leader *syncLeader
	// signed are the sync offers it signed (sync_member.go).
	signed signedOffers
	// health: the leaders this operator avoids for a while (sync_member.go).
	health leaderHealth
}

// batchesSubmitter is a Chain that can send several batches in one
// transaction, applied in order, all or nothing (CometChain).
type batchesSubmitter interface {
	// SubmitBatches signs and broadcasts one transaction carrying msgs;
	// it returns the tx hash once the node's CheckTx accepted it.
	SubmitBatches(ctx context.Context, msgs []*types.MsgSubmitBatch) (string, error)
}

// maxBatchesPerTx bounds the batches the submitter puts in one
// transaction. The chain bounds their bytes (batchBytesPerTx).
const maxBatchesPerTx = 8

// batchBytesPerTx is the data and outbox bytes the submitter puts in one
// transaction: x/rollups' mempool admits twice max_batch_data_bytes
// (ante.MaxBatchBytesPerTxFactor), and a rollup's cap is at most that
// param.
func batchBytesPerTx(r types.Rollup) int { return 2 * int(min(r.MaxBatchDataBytes, 1<<30)) }

// wake tells the submitter a batch was proven or a block came.
func (s *submitter) wake() { signal(s.wakeup) }

// submitTimeout is how long a broadcast batch may stay out of a block
// before the submitter looks again (the node may have dropped it).
const submitTimeout = 60 * time.Second

func (s *submitter) submitLoop(ctx context.Context) {
	t := time.NewTicker(s.opts.PollInterval)
	defer t.Stop()
	backoff := newBackoff()
	for {
		retry := s.submitOnce(ctx)
		wait := time.Duration(0)
		if retry {
			s.metrics.submitRetries.Inc()
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
		case <-s.wakeup:
		}
	}
}

// submitOnce moves the lowest unverified batch one step: broadcast it if
// proven, check on it if submitted. It returns true after a transient
// failure (the caller backs off). While no batch transaction of its own is
// out of a block, it claims the accrued fees if due; while a claim is out
// of a block, it sends no batch (claim.go).
func (s *submitter) submitOnce(ctx context.Context) bool {
	if s.halt.why() != "" || !s.follower.submitting() {
		return false
	}
	qctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if s.claimPending(qctx) {
		return false
	}
	rec, snapshot, ok := s.store.nextToSubmit()
	if !ok {
		s.maybeClaim(qctx)
		return false
	}
	switch snapshot.Status {
	case BatchProven:
		if snapshot.Sync != nil && s.syncHold(qctx, rec, snapshot) {
			return false // its round decides (sync_member.go)
		}
		return s.broadcast(qctx, rec, snapshot)
	case BatchSubmitted:
		retry := s.checkSubmitted(qctx, rec, snapshot)
		if _, now, ok := s.store.snapshot(snapshot.Index); !retry && ok && now.Status == BatchSubmitted && now.Height > 0 {
			s.maybeClaim(qctx) // its transaction is in a block: nothing of ours in the mempool
		}
		return retry
	case BatchBuilt:
		s.maybeClaim(qctx) // nothing sent from it yet
	}
	return false
}

func (s *submitter) msgFor(r batchRecord) *types.MsgSubmitBatch {
	return &types.MsgSubmitBatch{
		Submitter: sdk.AccAddress(s.address).String(), RollupId: s.opts.RollupID, BatchIndex: r.Index,
		NewStateRoot: r.NewRoot, Data: r.Data, InboxConsumed: r.InboxConsumed, Outbox: r.Outbox,
		Proof: r.Proof, L2TxCount: r.L2TxCount,
	}
}

func (s *submitter) broadcast(ctx context.Context, rec *batchRecord, r batchRecord) bool {
	// The chain may already hold this index (a submission from before a
	// restart): never send it again then.
	cr, err := s.chain.Rollup(ctx, s.opts.RollupID)
	if err != nil {
		s.log.Warn("query rollup before submitting", "err", err)
		return true
	}
	if cr.NextBatchIndex > r.Index {
		s.wake()
		return false // the follower commits it
	}
	recs, msgs := s.readyRun(rec, r, cr)
	var hash string
	if len(msgs) > 1 {
		hash, err = s.chain.(batchesSubmitter).SubmitBatches(ctx, msgs)
	} else {
		hash, err = s.chain.SubmitBatch(ctx, msgs[0])
	}
	var ce *CheckTxError
	switch {
	case errors.As(err, &ce) && !ce.transient() && len(msgs) > 1:
		s.soloThrough = max(s.soloThrough, msgs[len(msgs)-1].BatchIndex)
		s.log.Warn("transaction of several batches refused; sending them one per transaction",
			"from", r.Index, "to", s.soloThrough, "refusal", ce.Error())
		s.wake()
		return false
	case errors.As(err, &ce) && !ce.transient() && pendingIndex(ce) && cr.NextBatchIndex == r.Index:
		// The node's check state holds a batch for this index that is not
		// in a block yet (an earlier copy of this one, or another
		// operator's): wait for the block, then look again.
		s.log.Info("a batch for this index is pending in the node's mempool; waiting for a block", "index", r.Index)
		return true
	case errors.As(err, &ce) && !ce.transient():
		if s.lostRace(ctx, r) {
			s.log.Info("another operator's batch took this index first; following it", "index", r.Index, "refusal", ce.Error())
			return false
		}
		s.reject(ctx, rec, fmt.Sprintf("%v; %s", ce, s.diagnose(ctx, r)))
		return false
	case err != nil:
		s.log.Warn("submit batch failed; retrying with backoff", "index", r.Index, "err", err)
		return true
	}
	s.store.submitted(recs, hash)
	s.metrics.batchesSubmitted.Add(float64(len(recs)))
	s.log.Info("batch submitted", "index", r.Index, "batches", len(recs), "tx", hash)
	return false
}

// readyRun is rec and the proven batches right after it, each built on
// the one before, as many as one transaction takes (maxBatchesPerTx,
// batchBytesPerTx), with their messages: the batches the next transaction
// carries. It is rec alone when the chain sends one batch per transaction
// or rec is in a run that must go one per transaction (soloThrough).
func (s *submitter) readyRun(rec *batchRecord, r batchRecord, cr types.Rollup) ([]*batchRecord, []*types.MsgSubmitBatch) {
	recs, msgs := []*batchRecord{rec}, []*types.MsgSubmitBatch{s.msgFor(r)}
	if _, ok := s.chain.(batchesSubmitter); !ok || r.Index <= s.soloThrough {
		return recs, msgs
	}
	bytes, budget := len(r.Data)+len(r.Outbox), batchBytesPerTx(cr)
	prev := r
	for len(recs) < maxBatchesPerTx {
		next, snap, ok := s.store.snapshot(prev.Index + 1)
		if !ok || snap.Status != BatchProven || string(snap.PrevRoot) != string(prev.NewRoot) {
			break
		}
		if bytes += len(snap.Data) + len(snap.Outbox); bytes > budget {
			break
		}
		recs, msgs = append(recs, next), append(msgs, s.msgFor(snap))
		prev = snap
	}
	return recs, msgs
}

// pendingIndex reports whether a refusal says the batch index is not the
// one the node expects: when the committed chain does expect it, a batch
// for that index is pending in the node's mempool (the check state runs
// the mempool's batches, x/rollups/ante).
func pendingIndex(ce *CheckTxError) bool {
	if ce.Codespace == types.ModuleName && ce.Code == types.ErrWrongBatchIndex.ABCICode() {
		return true
	}
	return ce.Codespace == "simulation" && strings.Contains(ce.Log, types.ErrWrongBatchIndex.Error())
}

func (s *submitter) checkSubmitted(ctx context.Context, rec *batchRecord, r batchRecord) bool {
	res, found, err := s.chain.TxResult(ctx, r.TxHash)
	if err != nil {
		return true
	}
	if !found {
		if time.Since(time.UnixMilli(r.SubmittedAt)) > submitTimeout {
			s.log.Warn("batch not included in time; checking the chain before sending it again", "index", r.Index, "tx", r.TxHash)
			for _, b := range s.store.sameTx(r.TxHash) {
				s.store.resend(b)
			}
		}
		return false
	}
	s.store.included(rec, res.Height, res.GasUsed)
	if res.Code == 0 {
		return false // included and verified: the follower commits it at the next block
	}
	cr, err := s.chain.Rollup(ctx, s.opts.RollupID)
	if err != nil {
		return true
	}
	if cr.NextBatchIndex > r.Index {
		return false // an earlier copy of this batch, or another operator's batch, took the index: the follower commits or follows it
	}
	if r.TxBatches > 1 {
		// The transaction failed whole, for one of its batches: send them
		// again one per transaction, from this one (the first not landed),
		// so the one at fault fails alone.
		group := s.store.sameTx(r.TxHash)
		for _, b := range group {
			s.soloThrough = max(s.soloThrough, b.Index)
			s.store.resend(b)
		}
		s.log.Warn("transaction of several batches failed in its block; sending them one per transaction",
			"from", r.Index, "to", s.soloThrough, "code", res.Code, "log", res.Log)
		s.wake()
		return false
	}
	s.reject(ctx, rec, fmt.Sprintf("failed in block %d (codespace %s, code %d): %s; %s", res.Height, res.Codespace, res.Code, res.Log, s.diagnose(ctx, r)))
	return false
}

// lostRace reports whether the chain moved past the state batch r was built
// on (another operator's batch landed first): then a refusal of r is a lost
// race, for the follower to follow, not a rejection. When the chain cannot
// be asked, it answers false: the refusal stands.
func (s *submitter) lostRace(ctx context.Context, r batchRecord) bool {
	cr, err := s.chain.Rollup(ctx, s.opts.RollupID)
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
func (s *submitter) reject(ctx context.Context, rec *batchRecord, reason string) {
	// The rules may have changed since the transactions were accepted.
	if err := s.rules.refresh(ctx, s.chain); err != nil {
		s.log.Warn("refresh the chain's outbox rules after a rejection", "err", err)
	}
	s.builder.mu.Lock() // the batch set moves: see builder
	defer s.builder.mu.Unlock()
	s.store.rejected(rec, reason)
	s.metrics.batchesRejected.Inc()
	if s.refusesATx(rec) {
		s.log.Warn("batch rejected by the chain for the content of accepted transactions; dropping them and rebuilding",
			"index", rec.Index, "reason", reason)
		if err := s.builder.discardFrom(rec.Index, "batch rejected: "+reason); err != nil {
			s.halt.set(fmt.Sprintf("batch %d rejected: %s; discarding it failed: %v", rec.Index, reason, err))
			return
		}
		if err := s.builder.rebuildHead(); err != nil {
			s.halt.set(fmt.Sprintf("head state rebuild failed after batch %d was rejected: %v", rec.Index, err))
			return
		}
		updateGauges(s.metrics, s.store, s.follower, s.halt)
		s.builder.wake()
		return
	}
	if cause := s.forcedCause(rec); cause != "" {
		reason += "; " + cause
	}
	s.log.Error("batch rejected by the chain", "index", rec.Index, "reason", reason)
	s.halt.set(fmt.Sprintf("batch %d rejected: %s (restart with --discard-unverified to rebuild from the last verified batch)", rec.Index, reason))
}

// refusesATx reports whether the chain's rules refuse the outbox entry of
// a transaction of rec.
func (s *submitter) refusesATx(rec *batchRecord) bool {
	for _, e := range s.store.entries(rec.TxSeqs) {
		if s.rules.refusesEntry(e) != "" {
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
func (s *submitter) forcedCause(rec *batchRecord) string {
	for _, bz := range rec.Inbox {
		var m types.InboxMessage
		if err := m.Unmarshal(bz); err != nil {
			continue
		}
		e, err := m.Entry()
		if err != nil || e.Kind != protocol.InboxKindForcedTx {
			continue
		}
		tx, err := s.kind.DecodeForcedTx(e.Payload)
		if err != nil {
			continue
		}
		if aerr := s.rules.refusal(tx); aerr != nil {
			return fmt.Sprintf("the cause is from the inbox: the forced transaction at inbox sequence %d, which the batch must execute: %s; "+
				"no rebuild can skip it, the chain must refund such an entry instead of failing the batch", e.Sequence, aerr.Message)
		}
	}
	return ""
}

// diagnose compares what the batch assumed with the chain's rollup record.
func (s *submitter) diagnose(ctx context.Context, r batchRecord) string {
	cr, err := s.chain.Rollup(ctx, s.opts.RollupID)
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
	sub := sdk.AccAddress(s.address).String()
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
