package operator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/syncv1"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// offerWait is how long a caller's proven batch waits for a round to
// take it before it goes alone: about one round of a busy leader.
func (so *SyncOptions) offerWait() time.Duration {
	return time.Duration(so.RoundBlocks)*time.Second + so.OfferWindow
}

// syncHold decides, for the proven batch at the head of the submission
// order that has a part in a round, whether it waits for the round (true)
// or goes to the chain alone now (false), and moves its part in the
// round: a caller offers it, signs the bundle, or gives up on the round;
// a destination offers it and signs; a round's batch built on provisional
// inbox entries goes alone only once those entries are on the chain.
func (s *submitter) syncHold(ctx context.Context, rec *batchRecord, snap batchRecord) bool {
	m := *snap.Sync
	height := s.follower.chainView().height
	switch m.Role {
	case syncRoleCaller:
		return s.memberHold(ctx, rec, snap, &m, height)
	case syncRoleDestination:
		if m.State == syncSolo || !s.memberHold(ctx, rec, snap, &m, height) {
			return s.speculativeHold(ctx, rec, &m, height)
		}
		return true
	case syncRoleExchange:
		if s.leader != nil && s.leader.ownRoundLive(m.Round) {
			return true
		}
		return s.speculativeHold(ctx, rec, &m, height)
	}
	return false
}

// memberHold runs a caller's or destination's side of a round for rec.
func (s *submitter) memberHold(ctx context.Context, rec *batchRecord, snap batchRecord, m *syncMark, height int64) bool {
	so := s.opts.Sync
	if so == nil {
		return s.goSolo(rec, m, "synchronous calls are off")
	}
	peer, ok := so.Peers[m.LeaderRollup]
	if !ok {
		return s.goSolo(rec, m, fmt.Sprintf("rollup %s is not a sync peer", m.LeaderRollup))
	}
	switch m.State {
	case syncSolo:
		return false
	case syncPending:
		return s.offerBatch(ctx, rec, snap, m, peer, height)
	}
	if height > m.ExpiryHeight {
		s.health.fail(m.LeaderRollup, height, so)
		return s.goSolo(rec, m, fmt.Sprintf("round %d expired at height %d without a bundle", m.Round, m.ExpiryHeight))
	}
	var v SyncRoundView
	if err := peerGet(ctx, so.Client, fmt.Sprintf("%s/v1/sync/rounds/%d", peer.URL, m.Round), &v); err != nil {
		return true // the leader is unreachable: wait for it until the round expires
	}
	switch v.State {
	case roundAborted:
		if v.Reason != "" && strings.HasPrefix(v.Reason, "expired") {
			s.health.fail(m.LeaderRollup, height, so) // it held the batch to the expiry
		}
		return s.goSolo(rec, m, fmt.Sprintf("round %d aborted: %s", m.Round, v.Reason))
	case roundSigning:
		if m.State == syncOffered {
			s.signRound(ctx, rec, snap, m, peer, v)
		}
	case roundBroadcast, roundLanded:
		if m.BundleTx != v.BundleTx {
			m.BundleTx = v.BundleTx
			s.store.setSync(rec, m)
		}
	}
	return true
}

// offerBatch offers rec to the leader: a caller's into the open round, a
// destination's into the round whose intent it was built on.
func (s *submitter) offerBatch(ctx context.Context, rec *batchRecord, snap batchRecord, m *syncMark, peer SyncPeer, height int64) bool {
	so := s.opts.Sync
	role := syncv1.RoleDestination
	if m.Role == syncRoleCaller {
		role = syncv1.RoleCaller
		if s.health.avoided(m.LeaderRollup, height) {
			return s.goSolo(rec, m, fmt.Sprintf("the leader of %s held a batch of this operator to its round's expiry lately; not offered", m.LeaderRollup))
		}
		var info SyncRoundInfo
		if err := peerGet(ctx, so.Client, peer.URL+"/v1/sync/round", &info); err != nil {
			if time.Since(time.UnixMilli(snap.ProvenAt)) < so.offerWait() && retryableSync(err) {
				return true
			}
			return s.goSolo(rec, m, "no round to offer the batch to: "+err.Error())
		}
		if info.ExpiryHeight > height+so.RoundBlocks+2 {
			return s.goSolo(rec, m, fmt.Sprintf("the leader's round expires at %d, past this operator's round_blocks (%d) from height %d", info.ExpiryHeight, so.RoundBlocks, height))
		}
		if err := s.leaderIsOperator(ctx, m.LeaderRollup, info.Leader); err != nil {
			return s.goSolo(rec, m, err.Error())
		}
		m.Round, m.Leader, m.ExpiryHeight = info.Round, info.Leader, info.ExpiryHeight
	} else if height > m.ExpiryHeight {
		return s.goSolo(rec, m, fmt.Sprintf("round %d expired before the batch was proven", m.Round))
	}
	req, err := s.signOffer(s.offerFor(snap, role, m.Leader, m.Round, m.ExpiryHeight), s.msgFor(snap))
	if err != nil {
		return s.goSolo(rec, m, "sign the offer: "+err.Error())
	}
	var ans SyncOfferAnswer
	if err := peerPost(ctx, so.Client, peer.URL+"/v1/sync/offers", req, &ans); err != nil {
		if m.Role == syncRoleCaller && time.Since(time.UnixMilli(snap.ProvenAt)) < so.offerWait() && retryableSync(err) {
			return true
		}
		return s.goSolo(rec, m, "offer refused: "+err.Error())
	}
	s.signed.add(snap.Index, req)
	m.State = syncOffered
	s.store.setSync(rec, m)
	s.log.Info("sync offer placed", "batch", snap.Index, "role", m.Role, "round", m.Round, "expiry_height", m.ExpiryHeight, "placement", ans.Placement)
	return true
}

// leaderIsOperator checks, on the chain, that the address a leader's
// peer answered with is an operator of the rollup it leads: the round's
// leader pays the bundle, and a member signs only bundles it pays.
func (s *submitter) leaderIsOperator(ctx context.Context, rollupID, leader string) error {
	r, err := s.chain.Rollup(ctx, rollupID)
	if err != nil {
		return fmt.Errorf("the leading rollup %s: %w", rollupID, err)
	}
	for _, op := range r.Operators {
		if op == leader {
			return nil
		}
	}
	return fmt.Errorf("the leader %s is not an operator of %s", leader, rollupID)
}

// retryableSync: a busy leader's refusal, which a later round may not
// repeat. A leader that does not answer is not waited for: the batch goes
// alone at once.
func retryableSync(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	return ae.Code == CodeRoundClosed || ae.Code == CodeSlotsFull || ae.Code == CodeNoRound || ae.Code == CodeMempoolFull
}

// leaderHealth is what a member remembers of the leaders it worked with: a
// leader that held one of its batches to the round's expiry without a
// bundle (or whose intent's entries never came) is not offered to, nor
// taken intents from, for probation_rounds rounds' worth of blocks.
type leaderHealth struct {
	mu    sync.Mutex
	until map[string]int64 // leading rollup → height until which it is avoided
}

func (h *leaderHealth) fail(leaderRollup string, height int64, so *SyncOptions) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.until == nil {
		h.until = map[string]int64{}
	}
	h.until[leaderRollup] = height + int64(so.ProbationRounds)*so.RoundBlocks
}

func (h *leaderHealth) avoided(leaderRollup string, height int64) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return height < h.until[leaderRollup]
}

// signRound checks the round's bundle (section 5.2 of the spec) and
// signs it; a bundle that fails the check is not signed, and the round
// then fails without this member.
func (s *submitter) signRound(ctx context.Context, rec *batchRecord, snap batchRecord, m *syncMark, peer SyncPeer, v SyncRoundView) {
	bc := s.chain.(bundleChain)
	info, err := bc.InspectBundle(v.Tx)
	if err == nil {
		err = checkBundle(info, s.msgFor(snap), m, sdk.AccAddress(s.address).String())
	}
	if err != nil {
		s.log.Warn("sync bundle refused; not signing", "round", m.Round, "err", err)
		if m.Reason == "" {
			m.Reason = "bundle refused: " + err.Error()
			s.store.setSync(rec, m)
		}
		return
	}
	sig, err := bc.SignBundle(ctx, v.Tx)
	if err != nil {
		s.log.Warn("sign the sync bundle", "round", m.Round, "err", err)
		return
	}
	body := SyncSignature{Signer: sdk.AccAddress(s.address).String(), Signature: sig}
	if err := peerPost(ctx, s.opts.Sync.Client, fmt.Sprintf("%s/v1/sync/rounds/%d/signatures", peer.URL, m.Round), body, nil); err != nil {
		s.log.Warn("send the bundle signature", "round", m.Round, "err", err)
		return
	}
	m.State = syncSigned
	s.store.setSync(rec, m)
	s.log.Info("sync bundle signed", "round", m.Round, "batch", snap.Index)
}

// errBundleRefused: a member will not sign a bundle.
var errBundleRefused = errors.New("operator: bundle refused")

// checkBundle is what a member checks before it signs: the transaction is
// one bundle, paid by the leader, that expires by the round's expiry and
// carries this member's batch byte for byte, after the batches it was
// built on, in their order.
func checkBundle(info BundleInfo, own *types.MsgSubmitBatch, m *syncMark, self string) error {
	if info.OtherMsgs != 0 {
		return fmt.Errorf("%w: %d messages besides the bundle", errBundleRefused, info.OtherMsgs)
	}
	if info.FeePayer == self {
		return fmt.Errorf("%w: this member would pay the fee", errBundleRefused)
	}
	if info.FeePayer != m.Leader {
		return fmt.Errorf("%w: the fee payer is %s, not the leader %s", errBundleRefused, info.FeePayer, m.Leader)
	}
	if info.FeeGranter != "" || info.Unordered || info.Extensions != 0 {
		return fmt.Errorf("%w: a fee granter (%q), an unordered transaction or extension options", errBundleRefused, info.FeeGranter)
	}
	if info.TimeoutHeight == 0 || info.TimeoutHeight > uint64(m.ExpiryHeight) {
		return fmt.Errorf("%w: timeout height %d, the round expires at %d", errBundleRefused, info.TimeoutHeight, m.ExpiryHeight)
	}
	ownBz, err := own.Marshal()
	if err != nil {
		return err
	}
	at, up := -1, 0
	for i, b := range info.Batches {
		bz, err := b.Marshal()
		if err != nil {
			return err
		}
		if bytes.Equal(bz, ownBz) {
			if at >= 0 {
				return fmt.Errorf("%w: this member's batch appears twice", errBundleRefused)
			}
			at = i
			continue
		}
		if at < 0 && up < len(m.Upstream) && bytes.Equal(bz, m.Upstream[up]) {
			up++
		}
	}
	if at < 0 {
		return fmt.Errorf("%w: this member's batch is not in it as built", errBundleRefused)
	}
	if up != len(m.Upstream) {
		return fmt.Errorf("%w: %d of the %d batches this one was built on come before it unchanged", errBundleRefused, up, len(m.Upstream))
	}
	return nil
}

// goSolo gives up on the round for rec: it goes to the chain alone.
func (s *submitter) goSolo(rec *batchRecord, m *syncMark, reason string) bool {
	m.State, m.Reason = syncSolo, reason
	s.store.setSync(rec, m)
	s.log.Info("sync: the batch goes alone", "batch", rec.Index, "role", m.Role, "round", m.Round, "reason", reason)
	return false
}

// speculativeHold holds a batch built on provisional inbox entries until
// they are on the chain (then it goes alone: it is valid now), and
// discards it when the chain holds other entries at their sequences or
// they are still absent KeepBlocks after the round's expiry (its
// transactions go back to the mempool).
func (s *submitter) speculativeHold(ctx context.Context, rec *batchRecord, m *syncMark, height int64) bool {
	if m.State != syncSolo {
		m.State = syncSolo
		if m.Reason == "" {
			m.Reason = "the round ended without a bundle"
		}
		s.store.setSync(rec, m)
	}
	for _, p := range m.Provisional {
		msgs, err := s.chain.Inbox(ctx, s.opts.RollupID, p.Sequence, 1)
		if err != nil {
			return true
		}
		if len(msgs) == 0 || msgs[0].Sequence != p.Sequence {
			// The exchange does not wait for its callers' batches: it
			// rebuilds on the chain's inbox at once (a caller that never
			// lands its batch would hold the exchange's pipeline
			// otherwise). A destination waits up to KeepBlocks for the
			// exchange's batch, which may still land alone.
			if m.Role == syncRoleExchange || height > m.ExpiryHeight+s.opts.Sync.KeepBlocks {
				if m.Role == syncRoleDestination {
					s.health.fail(m.LeaderRollup, height, s.opts.Sync)
				}
				s.discardSpeculative(rec, fmt.Sprintf("inbox entry %d never came (round %d expired at %d)", p.Sequence, m.Round, m.ExpiryHeight))
			}
			return true
		}
		e, err := msgs[0].Entry()
		if err != nil || !bytes.Equal(entryHash(e), p.Hash) {
			s.discardSpeculative(rec, fmt.Sprintf("the chain holds another entry at inbox sequence %d than the round predicted", p.Sequence))
			return true
		}
	}
	return false
}

// discardSpeculative drops rec and the batches after it and rebuilds the
// head; their transactions go back to the mempool.
func (s *submitter) discardSpeculative(rec *batchRecord, reason string) {
	s.builder.mu.Lock()
	defer s.builder.mu.Unlock()
	s.log.Warn("sync: discarding a batch built on predicted inbox entries", "batch", rec.Index, "reason", reason)
	if err := s.builder.discardFrom(rec.Index, "sync: "+reason); err != nil {
		s.halt.set(fmt.Sprintf("discarding speculative batch %d failed: %v", rec.Index, err))
		return
	}
	if err := s.builder.rebuildHead(); err != nil {
		s.halt.set(fmt.Sprintf("head state rebuild failed after discarding batch %d: %v", rec.Index, err))
		return
	}
	s.builder.wake()
}

// takeIntent builds this destination's batch on what the intent's batches
// will route to it, and returns its index. The same intent again gets the
// same batch.
func (o *Operator) takeIntent(ctx context.Context, in SyncIntent) (SyncIntentAnswer, error) {
	so := o.opts.Sync
	if so == nil {
		return SyncIntentAnswer{}, apiErr(CodeNoSync, "this operator does not take part in rounds")
	}
	if p, ok := so.Peers[in.LeaderRollup]; !ok || !p.Leads {
		return SyncIntentAnswer{}, apiErr(CodeNotOperator, "rollup %q is not a leading peer of this operator", in.LeaderRollup)
	}
	height := o.follower.chainView().height
	if in.ExpiryHeight <= height+1 {
		return SyncIntentAnswer{}, apiErr(CodeOfferStale, "round %d expires at %d, the chain is at %d", in.Round, in.ExpiryHeight, height)
	}
	if o.submitter.health.avoided(in.LeaderRollup, height) {
		return SyncIntentAnswer{}, apiErr(CodeProbation, "the leader of %s left a batch of this operator waiting lately", in.LeaderRollup)
	}
	if in.ExpiryHeight > height+so.RoundBlocks+2 {
		return SyncIntentAnswer{}, apiErr(CodeOfferStale, "round %d expires at %d, past this operator's round_blocks (%d) from height %d",
			in.Round, in.ExpiryHeight, so.RoundBlocks, height)
	}
	recs, _ := o.store.unverified()
	for _, r := range recs {
		if m := o.store.syncMarkOf(r); m != nil && m.Role == syncRoleDestination && m.Round == in.Round && m.Leader == in.Leader {
			return SyncIntentAnswer{BatchIndex: r.Index}, nil
		}
	}
	if len(in.Upstream) == 0 || len(in.Upstream) > so.MaxCallers+1 {
		return SyncIntentAnswer{}, apiErr(CodeInvalidRequest, "%d upstream batches", len(in.Upstream))
	}
	checked := make([]*checkedOffer, 0, len(in.Upstream))
	ids := map[string]bool{o.opts.RollupID: true}
	upstream := make([][]byte, 0, len(in.Upstream))
	for i, u := range in.Upstream {
		co, err := o.verifyOffer(ctx, u, height)
		if err != nil {
			return SyncIntentAnswer{}, err
		}
		of := co.offer
		if of.Round != in.Round || of.Leader != in.Leader || of.ExpiryHeight != in.ExpiryHeight {
			return SyncIntentAnswer{}, apiErr(CodeOfferMismatch, "upstream offer %d is for another round", i)
		}
		last := i == len(in.Upstream)-1
		if last != (of.Role == syncv1.RoleExchange) || last && (of.RollupID != in.LeaderRollup || of.Submitter != in.Leader) {
			return SyncIntentAnswer{}, apiErr(CodeOfferMismatch, "the last upstream batch must be the leader's own, and only it")
		}
		if of.RollupID == o.opts.RollupID {
			return SyncIntentAnswer{}, apiErr(CodeOfferMismatch, "an upstream batch of this rollup")
		}
		// The batches it builds on must verify, or its own batch waits for
		// entries that will never exist (one pairing check each).
		if err := o.verifyBatchProof(ctx, co); err != nil {
			return SyncIntentAnswer{}, err
		}
		checked = append(checked, co)
		upstream = append(upstream, u.Msg)
		ids[of.RollupID] = true
		for _, e := range co.outbox {
			if e.Kind == protocol.OutboxKindCrossRollupMessage {
				ids[e.DestRollupID] = true
			}
		}
	}
	p, err := predictor(ctx, o.chain, o.rules.payloadLimit(), ids, checked)
	if err != nil {
		return SyncIntentAnswer{}, err
	}
	// The exchange's batch consumes the whole predicted tail of its inbox
	// and ends at the predicted accumulator (its proof binds InboxAfter).
	ex := checked[len(checked)-1]
	if err := provisionalMatch(ex.offer, p.Tail(in.LeaderRollup)); err != nil || len(ex.offer.Provisional) != len(p.Tail(in.LeaderRollup)) ||
		!bytes.Equal(ex.offer.InboxAfter, p.Accumulator(in.LeaderRollup)) {
		return SyncIntentAnswer{}, apiErr(CodeOfferMismatch, "the exchange's batch does not consume the inbox entries its callers' batches will append")
	}
	tail := p.Tail(o.opts.RollupID)
	if len(tail) == 0 {
		return SyncIntentAnswer{}, apiErr(CodeOfferMismatch, "the round routes nothing to %s", o.opts.RollupID)
	}
	mark := &syncMark{Role: syncRoleDestination, Round: in.Round, Leader: in.Leader, LeaderRollup: in.LeaderRollup,
		ExpiryHeight: in.ExpiryHeight, Upstream: upstream}
	index, err := o.builder.buildSync(ctx, tail, mark)
	if err != nil {
		return SyncIntentAnswer{}, apiErr(CodeRoundClosed, "%v", err)
	}
	o.log.Info("sync intent taken; destination batch built", "round", in.Round, "batch", index, "entries", len(tail))
	return SyncIntentAnswer{BatchIndex: index}, nil
}

// txStatus is the round part of a transaction's status.
func (m *syncMark) txStatus() *SyncTxStatus {
	if m == nil {
		return nil
	}
	st := m.State
	if st == syncPending {
		st = "waiting"
	}
	return &SyncTxStatus{State: st, Round: m.Round, Leader: m.Leader, ExpiryHeight: m.ExpiryHeight, BundleTx: m.BundleTx, Reason: m.Reason}
}

// final is the round part of a verified transaction's status: "bundled"
// when its batch landed in the round's bundle, "solo" when it went alone.
func (m *syncMark) final(rec *batchRecord) *SyncTxStatus {
	st := m.txStatus()
	if st == nil {
		return nil
	}
	if m.State != syncSolo && rec.TxHash == "" {
		st.State = "bundled"
	} else {
		st.State = syncSolo
	}
	return st
}

// signedOffers keeps the offers this operator signed, by batch index, for
// GET /v1/sync/offers/{index} (audit: what it promised); the latest
// maxSignedOffers.
type signedOffers struct {
	mu    sync.Mutex
	order []uint64
	by    map[uint64][]SyncOfferRequest
}

const maxSignedOffers = 256

func (s *signedOffers) add(index uint64, req SyncOfferRequest) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.by == nil {
		s.by = map[uint64][]SyncOfferRequest{}
	}
	if _, ok := s.by[index]; !ok {
		s.order = append(s.order, index)
	}
	s.by[index] = append(s.by[index], req)
	for len(s.order) > maxSignedOffers {
		delete(s.by, s.order[0])
		s.order = s.order[1:]
	}
}

func (s *signedOffers) get(index uint64) []SyncOfferRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SyncOfferRequest(nil), s.by[index]...)
}
