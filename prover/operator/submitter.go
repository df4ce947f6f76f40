package operator

import (
	"context"
	"errors"
	"fmt"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// submitter sends proven batches to the chain strictly in index order, one
// at a time (the lowest unverified batch), through the Chain's tx factory
// and keyring, and tracks each until it is included: a batch lost on the
// way is sent again after the chain is asked, a refusal is told apart from
// a race lost to another operator, and a rejection is recorded. Its state
// is the batches' statuses, in the store.
type submitter struct {
	*env
	store    *store
	builder  *builder
	follower *follower
	wakeup   chan struct{}
}

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
// failure (the caller backs off).
func (s *submitter) submitOnce(ctx context.Context) bool {
	rec, snapshot, ok := s.store.nextToSubmit()
	halted := s.halt.why() != "" || !s.follower.submitting()
	if !ok || halted {
		return false
	}
	qctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	switch snapshot.Status {
	case BatchProven:
		return s.broadcast(qctx, rec, snapshot)
	case BatchSubmitted:
		return s.checkSubmitted(qctx, rec, snapshot)
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
	hash, err := s.chain.SubmitBatch(ctx, s.msgFor(r))
	var ce *CheckTxError
	switch {
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
	s.store.submitted(rec, hash)
	s.metrics.batchesSubmitted.Inc()
	s.log.Info("batch submitted", "index", r.Index, "tx", hash)
	return false
}

func (s *submitter) checkSubmitted(ctx context.Context, rec *batchRecord, r batchRecord) bool {
	res, found, err := s.chain.TxResult(ctx, r.TxHash)
	if err != nil {
		return true
	}
	if !found {
		if time.Since(time.UnixMilli(r.SubmittedAt)) > submitTimeout {
			s.log.Warn("batch not included in time; checking the chain before sending it again", "index", r.Index, "tx", r.TxHash)
			s.store.resend(rec)
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
		tx, err := payments.DecodeForcedTx(e.Payload)
		if err != nil {
			continue
		}
		if aerr := s.rules.refusal(&tx); aerr != nil {
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
