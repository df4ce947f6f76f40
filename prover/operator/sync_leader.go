package operator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"sync"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/syncv1"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// syncLeader runs the rounds of a leading operator (the exchange's):
// it takes callers' proven offers, builds its exchange batch on the inbox
// entries their batches will route to it, asks the destinations to build
// on what its batch routes to them, assembles the bundle, gathers the
// members' signatures, pays the fee and broadcasts. One round at a time;
// a round ends landed, aborted or expired, and every member's batch is
// valid alone after that (docs/spec/sync-calls.md, sections 5 and 6).
type syncLeader struct {
	o    *Operator
	so   *SyncOptions
	bc   bundleChain
	self string // bech32 submitter

	mu        sync.Mutex
	round     *leaderRound
	lastRound uint64
	// seen are the offers admitted, by batch slot, for equivocation.
	seen     map[string]*checkedOffer
	evidence []SyncEvidence
	// probation: rollup id → the first height at which a round it may offer
	// in opens (rounds are numbered by their opening height).
	probation map[string]uint64
}

// Round states.
const (
	roundOpen      = "open"      // taking callers' offers
	roundProving   = "proving"   // the exchange batch is built and being proven
	roundIntents   = "intents"   // waiting for the destinations' proven offers
	roundSigning   = "signing"   // the bundle is out for signatures
	roundBroadcast = "broadcast" // the bundle is in the node's mempool
	roundLanded    = "landed"
	roundAborted   = "aborted"
)

type leaderRound struct {
	id           uint64
	expiry       int64
	state        string
	reason       string
	firstOffer   time.Time
	callers      []*checkedOffer
	answers      map[[32]byte]SyncOfferAnswer
	exchangeIdx  uint64
	exchange     *checkedOffer
	predictor    *syncv1.Predictor
	destWanted   []string // destinations sent an intent, in order
	dests        map[string]*checkedOffer
	intentsSent  time.Time
	tx           []byte
	signers      []string
	sigs         map[string][]byte
	signingAt    int64 // the height signing opened at
	bundleHash   string
	landedHeight int64
}

func (r *leaderRound) live() bool {
	return r != nil && r.state != roundLanded && r.state != roundAborted
}

func newSyncLeader(o *Operator) *syncLeader {
	bc, _ := o.chain.(bundleChain)
	return &syncLeader{o: o, so: o.opts.Sync, bc: bc, self: sdk.AccAddress(o.address).String(),
		seen: map[string]*checkedOffer{}, probation: map[string]uint64{}}
}

// roundLoop drives the open round: it builds, sends intents, plans and
// broadcasts when each step is due, and ends the round at its expiry.
func (l *syncLeader) roundLoop(ctx context.Context) {
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		l.step(ctx)
	}
}

// info is the round offers go into now, opened if none is: the next round
// opens once the last one ended.
func (l *syncLeader) info() (SyncRoundInfo, error) {
	height := l.o.follower.chainView().height
	l.mu.Lock()
	defer l.mu.Unlock()
	if r := l.round; r.live() && r.state == roundOpen && len(r.callers) == 0 && r.expiry-height < l.so.RoundBlocks/2 {
		r.state, r.reason = roundAborted, "no offers" // stale and empty: open a fresh one below
	}
	if l.round.live() {
		if l.round.state != roundOpen {
			return SyncRoundInfo{}, apiErr(CodeRoundClosed, "round %d is past taking offers (%s); the next opens when it ends", l.round.id, l.round.state)
		}
		return l.roundInfo(), nil
	}
	if height == 0 {
		return SyncRoundInfo{}, apiErr(CodeNoRound, "the chain has not been read yet")
	}
	l.lastRound = max(l.lastRound+1, uint64(height))
	l.round = &leaderRound{id: l.lastRound, expiry: height + l.so.RoundBlocks, state: roundOpen,
		answers: map[[32]byte]SyncOfferAnswer{}, dests: map[string]*checkedOffer{}, sigs: map[string][]byte{}}
	l.o.log.Info("sync round opened", "round", l.round.id, "expiry_height", l.round.expiry)
	return l.roundInfo(), nil
}

// probationUntil is where a probation that starts now ends: probation_rounds
// rounds' worth of blocks after the current height. Caller holds l.mu.
func (l *syncLeader) probationUntil() uint64 {
	return uint64(l.o.follower.chainView().height) + l.so.ProbationRounds*uint64(l.so.RoundBlocks)
}

// maxEvidence bounds the equivocations a leader keeps.
const maxEvidence = 64

func (l *syncLeader) roundInfo() SyncRoundInfo {
	return SyncRoundInfo{Round: l.round.id, ExpiryHeight: l.round.expiry, Leader: l.self, RollupID: l.o.opts.RollupID}
}

// offer admits a member's proven offer: a caller's into the open round, a
// destination's answering the round's intent. The same offer again gets
// the same answer.
func (l *syncLeader) offer(ctx context.Context, req SyncOfferRequest) (SyncOfferAnswer, error) {
	height := l.o.follower.chainView().height
	co, err := l.o.verifyOffer(ctx, req, height)
	if err != nil {
		return SyncOfferAnswer{}, err
	}
	o := co.offer
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.round
	if r == nil || r.id != o.Round {
		return SyncOfferAnswer{}, apiErr(CodeRoundClosed, "round %d is not this leader's current round", o.Round)
	}
	if a, ok := r.answers[co.id]; ok {
		return a, nil // the same offer again
	}
	if o.Leader != l.self || o.ExpiryHeight != r.expiry {
		return SyncOfferAnswer{}, apiErr(CodeOfferStale, "offer for leader %s, expiry %d; this round is %s's, expiry %d", o.Leader, o.ExpiryHeight, l.self, r.expiry)
	}
	slot := fmt.Sprintf("%s/%d/%x", o.RollupID, o.BatchIndex, o.PrevStateRoot)
	if prev, ok := l.seen[slot]; ok && prev.offer.Submitter == o.Submitter && !sameBatch(prev.offer, o) {
		// Two different batches signed for one slot. An offer for the
		// same batch in another round (an honest retry) is not one.
		if !l.evidenceFor(slot) && len(l.evidence) < maxEvidence {
			l.evidence = append(l.evidence, SyncEvidence{RollupID: o.RollupID, BatchIndex: o.BatchIndex, Submitter: o.Submitter, First: prev.req, Second: req})
		}
		l.probation[o.RollupID] = l.probationUntil()
		l.o.log.Warn("sync: equivocation: two offers signed for one batch", "rollup", o.RollupID, "index", o.BatchIndex, "submitter", o.Submitter)
		return SyncOfferAnswer{}, apiErr(CodeEquivocation, "another offer for batch %d of %s was signed by %s", o.BatchIndex, o.RollupID, o.Submitter)
	}
	if until := l.probation[o.RollupID]; r.id < until {
		return SyncOfferAnswer{}, apiErr(CodeProbation, "rollup %s failed a recent round; it may offer again in a round opened from height %d", o.RollupID, until)
	}
	var ans SyncOfferAnswer
	switch o.Role {
	case syncv1.RoleCaller:
		ans, err = l.admitCaller(ctx, r, co)
	case syncv1.RoleDestination:
		ans, err = l.admitDestination(r, co)
	default:
		err = apiErr(CodeOfferMismatch, "role %d is not offered to a leader", o.Role)
	}
	if err != nil {
		return SyncOfferAnswer{}, err
	}
	l.seen[slot] = co
	r.answers[co.id] = ans
	return ans, nil
}

// admitCaller places a caller's batch in the open round: it must be its
// rollup's next batch, and what it sends the exchange must fit the
// exchange batch's slots and not bounce. Caller holds l.mu.
func (l *syncLeader) admitCaller(ctx context.Context, r *leaderRound, co *checkedOffer) (SyncOfferAnswer, error) {
	if r.state != roundOpen {
		return SyncOfferAnswer{}, apiErr(CodeRoundClosed, "round %d takes no more offers (%s)", r.id, r.state)
	}
	if height := l.o.follower.chainView().height; r.expiry-height < l.so.RoundBlocks/2 {
		return SyncOfferAnswer{}, apiErr(CodeRoundClosed, "round %d expires at %d: too late to build, prove and sign (chain at %d)", r.id, r.expiry, height)
	}
	if len(r.callers) >= l.so.MaxCallers {
		return SyncOfferAnswer{}, apiErr(CodeSlotsFull, "round %d has its %d callers", r.id, l.so.MaxCallers)
	}
	for _, c := range r.callers {
		if c.offer.RollupID == co.offer.RollupID {
			return SyncOfferAnswer{}, apiErr(CodeSlotsFull, "round %d already has a batch of %s", r.id, co.offer.RollupID)
		}
	}
	if len(co.offer.Provisional) > 0 {
		return SyncOfferAnswer{}, apiErr(CodeOfferMismatch, "a caller's batch must be built on the chain's inbox alone")
	}
	cr, err := l.o.chain.Rollup(ctx, co.offer.RollupID)
	if err != nil || cr.NextBatchIndex != co.offer.BatchIndex {
		return SyncOfferAnswer{}, apiErr(CodeOfferStale, "batch %d of %s is not the rollup's next", co.offer.BatchIndex, co.offer.RollupID)
	}
	// Predict with this caller added: the leader refuses what would bounce
	// and what the exchange batch has no slot for.
	p, err := l.predict(ctx, append(append([]*checkedOffer(nil), r.callers...), co))
	if err != nil {
		return SyncOfferAnswer{}, err
	}
	self := l.o.opts.RollupID
	tail := p.Tail(self)
	x, err := l.o.chain.Rollup(ctx, self) // the chain now, not the follower's last block: a caller's solo batch may just have landed
	if err != nil {
		return SyncOfferAnswer{}, apiErr(CodeRoundClosed, "the exchange's rollup record: %v", err)
	}
	if waiting := x.InboxSize - x.InboxConsumed; waiting+uint64(len(tail)) > uint64(l.o.kind.Summary().Slots) {
		return SyncOfferAnswer{}, apiErr(CodeSlotsFull, "%d inbox entries wait and the round routes %d; the batch has %d slots", waiting, len(tail), l.o.kind.Summary().Slots)
	}
	var placement []uint64
	for _, e := range tail {
		if e.SourceRollupID == co.offer.RollupID {
			placement = append(placement, e.Sequence)
		}
	}
	if len(placement) == 0 {
		return SyncOfferAnswer{}, apiErr(CodeOfferMismatch, "the batch sends nothing to %s", self)
	}
	r.callers = append(r.callers, co)
	if r.firstOffer.IsZero() {
		r.firstOffer = time.Now()
	}
	l.o.builder.mu.Lock()
	l.o.builder.syncHold = true // the round's exchange batch takes the waiting inbox
	l.o.builder.mu.Unlock()
	l.o.log.Info("sync offer admitted", "round", r.id, "rollup", co.offer.RollupID, "batch", co.offer.BatchIndex, "placement", placement)
	return SyncOfferAnswer{Round: r.id, ExpiryHeight: r.expiry, Leader: l.self, Placement: placement}, nil
}

// admitDestination takes a destination's proven batch built on the
// entries the round routes to it. Caller holds l.mu.
func (l *syncLeader) admitDestination(r *leaderRound, co *checkedOffer) (SyncOfferAnswer, error) {
	id := co.offer.RollupID
	wanted := false
	for _, d := range r.destWanted {
		wanted = wanted || d == id
	}
	if r.state != roundIntents || !wanted {
		return SyncOfferAnswer{}, apiErr(CodeRoundClosed, "round %d does not wait for %s (%s)", r.id, id, r.state)
	}
	if err := provisionalMatch(co.offer, r.predictor.Tail(id)); err != nil {
		return SyncOfferAnswer{}, apiErr(CodeOfferMismatch, "%v", err)
	}
	r.dests[id] = co
	return SyncOfferAnswer{Round: r.id, ExpiryHeight: r.expiry, Leader: l.self}, nil
}

// predict runs the bridge's routing of the batches natively from the
// chain's inboxes now: callers, then extra (the exchange's batch). The
// facts cover the peers too: the round's predictor later applies the
// exchange batch's outbox, whose outputs go to destinations no caller
// names (a rollup missing from the facts reads as "would bounce").
func (l *syncLeader) predict(ctx context.Context, batches []*checkedOffer) (*syncv1.Predictor, error) {
	ids := map[string]bool{l.o.opts.RollupID: true}
	for id := range l.so.Peers {
		ids[id] = true
	}
	for _, b := range batches {
		ids[b.offer.RollupID] = true
		for _, e := range b.outbox {
			if e.Kind == protocol.OutboxKindCrossRollupMessage {
				ids[e.DestRollupID] = true
			}
		}
	}
	return predictor(ctx, l.o.chain, l.o.rules.payloadLimit(), ids, batches)
}

// predictor builds a Predictor on the chain's rollups named in ids and
// applies the batches' outboxes in order.
func predictor(ctx context.Context, chain Chain, maxPayload uint64, ids map[string]bool, batches []*checkedOffer) (*syncv1.Predictor, error) {
	names := make([]string, 0, len(ids))
	for id := range ids {
		names = append(names, id)
	}
	sort.Strings(names)
	facts := make([]syncv1.RollupFacts, 0, len(names))
	for _, id := range names {
		r, err := chain.Rollup(ctx, id)
		if err != nil {
			continue // unknown: a message to it would bounce, which Apply refuses
		}
		facts = append(facts, syncv1.RollupFacts{ID: id, InboxSize: r.InboxSize, InboxAccumulator: r.InboxAccumulator,
			Active: r.Status == types.ROLLUP_STATUS_ACTIVE})
	}
	p := syncv1.NewPredictor(facts, maxPayload)
	for _, b := range batches {
		if err := p.Apply(b.offer.RollupID, b.outbox); err != nil {
			if errors.Is(err, syncv1.ErrWouldBounce) {
				return nil, apiErr(CodeWouldBounce, "%v", err)
			}
			return nil, apiErr(CodeOfferMismatch, "%v", err)
		}
	}
	return p, nil
}

// step moves the round one step when it is due.
func (l *syncLeader) step(ctx context.Context) {
	cv := l.o.follower.chainView()
	l.mu.Lock()
	r := l.round
	if !r.live() {
		l.mu.Unlock()
		return
	}
	state := r.state
	if cv.height >= r.expiry && state == roundOpen && len(r.callers) == 0 {
		r.state, r.reason = roundAborted, "no offers"
		l.mu.Unlock()
		return
	}
	if cv.height >= r.expiry && state != roundBroadcast {
		l.abortLocked(r, fmt.Sprintf("expired at height %d in state %s", r.expiry, state))
		l.mu.Unlock()
		return
	}
	l.mu.Unlock()
	var err error
	switch state {
	case roundOpen:
		err = l.close(ctx, r)
	case roundProving:
		err = l.sendIntents(ctx, r, cv.height)
	case roundIntents:
		err = l.plan(ctx, r, cv.height)
	case roundSigning:
		err = l.broadcast(ctx, r)
	case roundBroadcast:
		err = l.follow(ctx, r, cv.height)
	}
	if err != nil {
		l.mu.Lock()
		l.abortLocked(r, err.Error())
		l.mu.Unlock()
	}
}

// close ends the offer window and builds the round's exchange batch on the
// chain's waiting inbox entries and the callers' predicted ones.
func (l *syncLeader) close(ctx context.Context, r *leaderRound) error {
	l.mu.Lock()
	due := len(r.callers) > 0 && (time.Since(r.firstOffer) >= l.so.OfferWindow || len(r.callers) >= l.so.MaxCallers)
	callers := append([]*checkedOffer(nil), r.callers...)
	l.mu.Unlock()
	if !due {
		return nil
	}
	if recs, _ := l.o.store.unverified(); len(recs) > 0 {
		return nil // its earlier batches land first: the round's batch is the rollup's next
	}
	if l.so.Fault == SyncFaultWithhold {
		return nil // misbehave: never build (system tests); the round expires
	}
	p, err := l.predict(ctx, callers)
	if err != nil {
		return err
	}
	self := l.o.opts.RollupID
	mark := &syncMark{Role: syncRoleExchange, State: syncOffered, Round: r.id, Leader: l.self, LeaderRollup: self, ExpiryHeight: r.expiry}
	index, err := l.o.builder.buildSync(ctx, p.Tail(self), mark)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.round != r || r.state != roundOpen {
		return nil
	}
	r.exchangeIdx, r.predictor, r.state = index, p, roundProving
	l.o.log.Info("sync round closed; exchange batch built", "round", r.id, "batch", index, "callers", len(callers))
	return nil
}

// sendIntents waits for the exchange batch's proof, then sends each
// destination the round's batches so far.
func (l *syncLeader) sendIntents(ctx context.Context, r *leaderRound, height int64) error {
	_, snap, ok := l.o.store.snapshot(r.exchangeIdx)
	if !ok {
		return fmt.Errorf("the round's exchange batch %d is gone", r.exchangeIdx)
	}
	if snap.Status != BatchProven {
		return nil
	}
	if l.so.Fault == SyncFaultCorruptProof {
		// Misbehave (system tests): the bundle's middle batch carries a
		// proof that does not verify, announced as such in its offer.
		bad, err := wrongProof(snap.Proof)
		if err != nil {
			return err
		}
		snap.Proof = bad
	}
	msg := l.o.submitter.msgFor(snap)
	req, err := l.o.signOffer(l.o.offerFor(snap, syncv1.RoleExchange, l.self, r.id, r.expiry), msg)
	if err != nil {
		return err
	}
	outbox, err := protocol.DecodeOutbox(snap.Outbox)
	if err != nil {
		return err
	}
	l.o.submitter.signed.add(snap.Index, req)
	ex := &checkedOffer{req: req, msg: msg, outbox: outbox}
	ex.offer, _ = syncv1.DecodeOffer(req.Offer)
	l.mu.Lock()
	callers := append([]*checkedOffer(nil), r.callers...)
	l.mu.Unlock()
	// The destinations' entries, predicted afresh from the chain with
	// every rollup the exchange's outputs name (the destinations predict
	// the same way when they take the intent).
	p, perr := l.predict(ctx, append(callers, ex))
	l.mu.Lock()
	upstream := make([]SyncOfferRequest, 0, len(callers)+1)
	for _, c := range callers {
		upstream = append(upstream, c.req)
	}
	upstream = append(upstream, req)
	var dests []string
	if perr != nil {
		// An output would bounce (its destination froze or paused since
		// the call was made): the bundle goes without destinations, and
		// the chain returns that output to the exchange (the user's key
		// there is credited).
		l.o.log.Warn("sync: an exchange output would bounce; no destination batches this round", "round", r.id, "err", perr)
		outbox = nil
	} else {
		r.predictor = p
	}
	seen := map[string]bool{}
	for _, e := range outbox {
		if e.Kind != protocol.OutboxKindCrossRollupMessage || seen[e.DestRollupID] {
			continue
		}
		if _, ok := l.so.Peers[e.DestRollupID]; ok && e.DestRollupID != l.o.opts.RollupID {
			seen[e.DestRollupID] = true
			dests = append(dests, e.DestRollupID)
		}
	}
	r.exchange, r.destWanted, r.state, r.intentsSent = ex, dests, roundIntents, time.Now()
	intent := SyncIntent{Round: r.id, ExpiryHeight: r.expiry, Leader: l.self, LeaderRollup: l.o.opts.RollupID, Upstream: upstream}
	l.mu.Unlock()
	for _, d := range dests {
		var ans SyncIntentAnswer
		if err := peerPost(ctx, l.so.Client, l.so.Peers[d].URL+"/v1/sync/intents", intent, &ans); err != nil {
			l.o.log.Warn("sync intent refused; the round goes on without the destination", "round", r.id, "destination", d, "err", err)
			l.dropDest(r, d)
			continue
		}
		l.o.log.Info("sync intent taken", "round", r.id, "destination", d, "batch", ans.BatchIndex)
	}
	return nil
}

func (l *syncLeader) dropDest(r *leaderRound, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	kept := r.destWanted[:0]
	for _, d := range r.destWanted {
		if d != id {
			kept = append(kept, d)
		}
	}
	r.destWanted = kept
	delete(r.dests, id)
}

// destinationWait bounds how long a round waits for the destinations'
// proofs: until three blocks before its expiry (the bundle needs a block
// for the signatures and one to land).
func (r *leaderRound) destinationsDue(height int64) bool {
	return height >= r.expiry-3
}

// plan assembles the bundle once every wanted destination answered (or is
// too late), checks it by simulation, and asks the members to sign.
func (l *syncLeader) plan(ctx context.Context, r *leaderRound, height int64) error {
	l.mu.Lock()
	ready := true
	for _, d := range r.destWanted {
		if _, ok := r.dests[d]; !ok {
			ready = false
		}
	}
	late := r.destinationsDue(height)
	members := append([]*checkedOffer(nil), r.callers...)
	members = append(members, r.exchange)
	var dests []*checkedOffer
	for _, d := range r.destWanted {
		if co, ok := r.dests[d]; ok {
			dests = append(dests, co)
		}
	}
	l.mu.Unlock()
	if !ready && !late {
		return nil
	}
	if height >= r.expiry-2 {
		return fmt.Errorf("too late to gather signatures (height %d, expiry %d)", height, r.expiry)
	}
	// Each member's batch must be its rollup's next now (a destination's
	// earlier batches may still be landing: wait for them, or leave it out
	// when the round is late).
	var next []*checkedOffer
	for _, d := range dests {
		cr, err := l.o.chain.Rollup(ctx, d.offer.RollupID)
		if err == nil && cr.NextBatchIndex == d.offer.BatchIndex {
			next = append(next, d)
		} else if !late {
			return nil
		}
	}
	tx, err := l.assemble(ctx, r, append(members, next...))
	if err != nil && len(next) > 0 {
		l.o.log.Warn("sync bundle with the destinations fails; planning without them", "round", r.id, "err", err)
		next = nil
		tx, err = l.assemble(ctx, r, members)
	}
	if err != nil {
		if id := blamed(err); id != "" && id != l.o.opts.RollupID {
			l.mu.Lock()
			l.probation[id] = l.probationUntil()
			l.mu.Unlock()
		}
		return fmt.Errorf("the bundle does not simulate: %w", err)
	}
	info, err := l.bc.InspectBundle(tx)
	if err != nil {
		return err
	}
	sig, err := l.bc.SignBundle(ctx, tx)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	r.tx, r.signers, r.sigs[l.self], r.state, r.signingAt = tx, info.Signers, sig, roundSigning, height
	r.destWanted = r.destWanted[:0]
	for _, d := range next {
		r.destWanted = append(r.destWanted, d.offer.RollupID)
	}
	l.o.log.Info("sync bundle planned; gathering signatures", "round", r.id, "batches", len(info.Batches), "signers", len(info.Signers))
	return nil
}

// assemble builds and simulates the bundle of members, in order.
func (l *syncLeader) assemble(ctx context.Context, r *leaderRound, members []*checkedOffer) ([]byte, error) {
	batches := make([]*types.MsgSubmitBatch, len(members))
	keys := map[string][]byte{}
	for i, m := range members {
		batches[i] = m.msg
		keys[m.offer.Submitter] = m.req.PubKey
	}
	tx, _, err := l.bc.BuildBundle(ctx, batches, keys, uint64(r.expiry), fmt.Sprintf("sync:%s/%d", l.o.opts.RollupID, r.id))
	return tx, err
}

// signature takes a member's signature of the round's bundle: only one
// that verifies over the bundle as that signer's, and never in place of one
// it holds (the endpoint is unauthenticated).
func (l *syncLeader) signature(ctx context.Context, round uint64, s SyncSignature) error {
	l.mu.Lock()
	r := l.round
	if r == nil || r.id != round || r.state != roundSigning {
		l.mu.Unlock()
		return apiErr(CodeRoundClosed, "round %d takes no signatures now", round)
	}
	signs := false
	for _, signer := range r.signers {
		signs = signs || signer == s.Signer
	}
	_, have := r.sigs[s.Signer]
	tx := r.tx
	l.mu.Unlock()
	if !signs {
		return apiErr(CodeNotOperator, "%s does not sign round %d's bundle", s.Signer, round)
	}
	if have {
		return nil // already holds a verified one
	}
	if err := l.bc.VerifyBundleSignature(ctx, tx, s.Signer, s.Signature); err != nil {
		return apiErr(CodeBadSignature, "%v", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.round == r && r.state == roundSigning {
		if _, ok := r.sigs[s.Signer]; !ok {
			r.sigs[s.Signer] = s.Signature
		}
	}
	return nil
}

// broadcast sends the bundle once every member signed.
func (l *syncLeader) broadcast(ctx context.Context, r *leaderRound) error {
	l.mu.Lock()
	for _, s := range r.signers {
		if _, ok := r.sigs[s]; !ok {
			l.mu.Unlock()
			return nil
		}
	}
	tx := r.tx
	sigs := make(map[string][]byte, len(r.sigs))
	for k, v := range r.sigs {
		sigs[k] = v
	}
	l.mu.Unlock()
	hash, err := l.bc.BroadcastBundle(ctx, tx, sigs)
	if err != nil {
		return fmt.Errorf("broadcast: %w", err)
	}
	l.mu.Lock()
	r.bundleHash, r.state = hash, roundBroadcast
	l.mu.Unlock()
	l.o.log.Info("sync bundle broadcast", "round", r.id, "tx", hash)
	return nil
}

// follow waits for the bundle's block.
func (l *syncLeader) follow(ctx context.Context, r *leaderRound, height int64) error {
	res, found, err := l.o.chain.TxResult(ctx, r.bundleHash)
	if err != nil {
		return nil
	}
	if !found {
		if height > r.expiry+1 {
			return fmt.Errorf("the bundle %s is not in a block at height %d, past its timeout %d", r.bundleHash, height, r.expiry)
		}
		return nil
	}
	if res.Code != 0 {
		return fmt.Errorf("the bundle failed in block %d (codespace %s, code %d): %s", res.Height, res.Codespace, res.Code, res.Log)
	}
	l.mu.Lock()
	r.landedHeight, r.state = res.Height, roundLanded
	l.mu.Unlock()
	l.o.log.Info("sync bundle landed", "round", r.id, "height", res.Height, "gas_used", res.GasUsed)
	l.release()
	return nil
}

// abortLocked ends the round without a bundle: every member's batch goes
// alone. A caller that did not sign goes on probation. Caller holds l.mu.
func (l *syncLeader) abortLocked(r *leaderRound, reason string) {
	if !r.live() {
		return
	}
	// A member is blamed for a missing signature only if signing was open
	// for two blocks at least (the leader's lateness is not its fault).
	if height := l.o.follower.chainView().height; r.state == roundSigning && r.signingAt > 0 && height-r.signingAt >= 2 {
		for _, s := range r.signers {
			if _, ok := r.sigs[s]; ok {
				continue
			}
			for _, c := range append(append([]*checkedOffer(nil), r.callers...), l.destOffers(r)...) {
				if c.offer.Submitter == s {
					l.probation[c.offer.RollupID] = l.probationUntil()
				}
			}
		}
	}
	r.state, r.reason = roundAborted, reason
	l.o.log.Warn("sync round aborted; its batches go alone", "round", r.id, "reason", reason)
	go l.release()
}

func (l *syncLeader) destOffers(r *leaderRound) []*checkedOffer {
	out := make([]*checkedOffer, 0, len(r.dests))
	for _, d := range r.destWanted {
		if co, ok := r.dests[d]; ok {
			out = append(out, co)
		}
	}
	return out
}

// release lets the builder make ordinary batches again and the submitter
// send the round's exchange batch alone if it did not land in the bundle.
func (l *syncLeader) release() {
	l.o.builder.mu.Lock()
	l.o.builder.syncHold = false
	l.o.builder.mu.Unlock()
	l.o.builder.wake()
	l.o.submitter.wake()
}

// view is GET /v1/sync/rounds/{r}.
func (l *syncLeader) view(round uint64) (SyncRoundView, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.round
	if r == nil || r.id != round {
		return SyncRoundView{}, apiErr(CodeNoRound, "no round %d (the current one is %d)", round, l.lastRound)
	}
	v := SyncRoundView{Round: r.id, State: r.state, ExpiryHeight: r.expiry, Reason: r.reason, BundleTx: r.bundleHash, Height: r.landedHeight}
	add := func(role string, co *checkedOffer) {
		if co != nil {
			v.Members = append(v.Members, SyncMemberView{Role: role, RollupID: co.offer.RollupID, BatchIndex: co.offer.BatchIndex, Submitter: co.offer.Submitter})
		}
	}
	for _, c := range r.callers {
		add(syncRoleCaller, c)
	}
	add(syncRoleExchange, r.exchange)
	for _, d := range l.destOffers(r) {
		add(syncRoleDestination, d)
	}
	if r.state == roundSigning {
		v.Tx = r.tx
		v.Signed = map[string]bool{}
		for _, s := range r.signers {
			_, v.Signed[s] = r.sigs[s]
		}
	}
	return v, nil
}

// ownRoundLive reports whether this leader's round n may still land a
// bundle (its exchange batch then waits).
func (l *syncLeader) ownRoundLive(n uint64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.round != nil && l.round.id == n && l.round.live()
}

// evidenceList is GET /v1/sync/evidence.
func (l *syncLeader) evidenceList() []SyncEvidence {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]SyncEvidence(nil), l.evidence...)
}

// evidenceFor reports whether evidence for the batch slot is kept already.
// Caller holds l.mu.
func (l *syncLeader) evidenceFor(slot string) bool {
	for _, e := range l.evidence {
		o, err := syncv1.DecodeOffer(e.First.Offer)
		if err == nil && fmt.Sprintf("%s/%d/%x", o.RollupID, o.BatchIndex, o.PrevStateRoot) == slot {
			return true
		}
	}
	return false
}

// sameBatch reports whether two offers describe the same batch (every
// field but the round's: round, expiry, leader).
func sameBatch(a, b syncv1.Offer) bool {
	a.Round, a.ExpiryHeight, a.Leader = b.Round, b.ExpiryHeight, b.Leader
	ea, errA := a.Encode()
	eb, errB := b.Encode()
	return errA == nil && errB == nil && bytes.Equal(ea, eb)
}

// blamed is the rollup whose batch a failed bundle names ("bundle batch i
// (rollup/index)", x/crossrollup's error), "" if none.
func blamed(err error) string {
	m := blameRE.FindStringSubmatch(err.Error())
	if m == nil {
		return ""
	}
	return m[1]
}

var blameRE = regexp.MustCompile(`bundle batch \d+ \(([^/()\s]+)/\d+\)`)
