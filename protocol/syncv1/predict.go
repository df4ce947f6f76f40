package syncv1

import (
	"bytes"

	"github.com/nativechain/nativechain/protocol"
)

// RollupFacts is what the predictor needs to know of a rollup, read from
// the chain at the leader's snapshot: its inbox size N and accumulator
// acc_N (x/rollups' record), whether it is active (x/rollups) and whether
// its bridge is paused (x/crossrollup).
type RollupFacts struct {
	ID               string
	InboxSize        uint64
	InboxAccumulator []byte // 32 bytes, a canonical field element
	Active, Paused   bool
}

// rollupTail is one rollup's predicted inbox: the facts, then what the
// applied batches append.
type rollupTail struct {
	facts RollupFacts
	size  uint64
	acc   []byte // 32 bytes; kept as bytes so that this package imports only protocol
	tail  []protocol.InboxEntry
	err   error // an unusable accumulator, reported when the rollup is used
}

// Predictor computes natively the inbox entries, sequences and
// accumulators that the chain's routing (x/crossrollup routing.go) gives the
// batches of a bundle, applied in bundle order (spec section 4).
//
// It models the bounces of spec 4.1 that follow from the facts: an unknown,
// inactive or paused destination, a paused source, a payload over
// max_payload_bytes. It does not model the source's outflow cap, a
// destination's held denoms (exit layout), or the source ledger's balance:
// a message that hits one of them bounces on chain (or fails the batch),
// the bundle's outcome differs from the prediction, and the round's
// simulation fails, which is the fallback (spec section 6).
type Predictor struct {
	rollups    map[string]*rollupTail
	maxPayload uint64
	err        error
}

// NewPredictor starts a prediction from the chain's facts. Facts that are
// unusable (a duplicate id) make every Apply fail with ErrPredictorFacts.
func NewPredictor(facts []RollupFacts, maxPayloadBytes uint64) *Predictor {
	p := &Predictor{rollups: make(map[string]*rollupTail, len(facts)), maxPayload: maxPayloadBytes}
	for _, f := range facts {
		if _, dup := p.rollups[f.ID]; dup && p.err == nil {
			p.err = wrap(ErrPredictorFacts, "rollup %q given twice", f.ID)
		}
		t := &rollupTail{facts: f, size: f.InboxSize}
		if _, err := protocol.ParseFieldElement(f.InboxAccumulator); err != nil {
			t.err = wrap(ErrPredictorFacts, "rollup %q inbox accumulator: %v", f.ID, err)
		} else {
			t.acc = append([]byte(nil), f.InboxAccumulator...)
		}
		p.rollups[f.ID] = t
	}
	return p
}

// Apply walks one batch's outbox of rollup src in order. Each
// cross-rollup message to a rollup Y appends
//
//	InboxEntry{Sequence: n_Y, Kind: cross-rollup message, Sender, Recipient,
//	           SourceRollupID: src, Denom, Amount, Payload}
//
// to Y's predicted tail (n_Y += 1, acc = protocol.InboxAccumulate(acc, e)),
// as x/rollups' AppendInbox does; withdrawals append nothing. If any
// message would bounce, Apply returns ErrWouldBounce (wrapping the reason
// and the entry's index) and changes nothing; so does an entry that fails
// Validate (ErrPredictorOutbox) or an unknown src (ErrPredictorFacts).
func (p *Predictor) Apply(src string, outbox []protocol.OutboxEntry) error {
	if p.err != nil {
		return p.err
	}
	source, ok := p.rollups[src]
	if !ok {
		return wrap(ErrPredictorFacts, "source rollup %q is not among the facts", src)
	}
	// Check every entry first: a bounce does not depend on the entries
	// before it, so the batch either applies whole or not at all.
	for i := range outbox {
		e := &outbox[i]
		if err := e.Validate(); err != nil {
			return wrap(ErrPredictorOutbox, "entry %d: %v", i, err)
		}
		if e.Kind != protocol.OutboxKindCrossRollupMessage {
			continue
		}
		if reason := p.bounceReason(source, e); reason != "" {
			return wrap(ErrWouldBounce, "entry %d to %q: %s", i, e.DestRollupID, reason)
		}
		if dest := p.rollups[e.DestRollupID]; dest.err != nil {
			return dest.err
		}
	}
	for i := range outbox {
		e := &outbox[i]
		if e.Kind != protocol.OutboxKindCrossRollupMessage {
			continue
		}
		dest := p.rollups[e.DestRollupID]
		entry := protocol.InboxEntry{
			Sequence:       dest.size,
			Kind:           protocol.InboxKindCrossRollupMessage,
			Sender:         bytes.Clone(e.Sender),
			Recipient:      bytes.Clone(e.Recipient),
			SourceRollupID: src,
			Denom:          e.Denom,
			Amount:         e.Amount,
			Payload:        bytes.Clone(e.Payload),
		}
		prev, err := protocol.ParseFieldElement(dest.acc)
		if err != nil {
			return wrap(ErrPredictorFacts, "rollup %q inbox accumulator: %v", e.DestRollupID, err) // checked above: unreachable
		}
		dest.acc = protocol.FieldElementBytes(protocol.InboxAccumulate(prev, entry))
		dest.tail = append(dest.tail, entry)
		dest.size++
	}
	return nil
}

// bounceReason is the reason the chain would bounce e, in the order
// routing.go checks them, or "".
func (p *Predictor) bounceReason(source *rollupTail, e *protocol.OutboxEntry) string {
	if uint64(len(e.Payload)) > p.maxPayload {
		return "payload over max_payload_bytes"
	}
	if source.facts.Paused {
		return "source rollup's bridge is paused"
	}
	dest, ok := p.rollups[e.DestRollupID]
	if !ok {
		return "destination rollup unknown"
	}
	if dest.facts.Paused {
		return "destination rollup's bridge is paused"
	}
	if !dest.facts.Active {
		return "destination rollup is not active"
	}
	return ""
}

// Tail is the entries predicted for rollupID's inbox so far, in order (a
// copy; nil for a rollup with none or not among the facts).
func (p *Predictor) Tail(rollupID string) []protocol.InboxEntry {
	t, ok := p.rollups[rollupID]
	if !ok || len(t.tail) == 0 {
		return nil
	}
	return append([]protocol.InboxEntry(nil), t.tail...)
}

// Size is n_Y: the chain's inbox size plus the predicted tail (0 for a
// rollup not among the facts).
func (p *Predictor) Size(rollupID string) uint64 {
	if t, ok := p.rollups[rollupID]; ok {
		return t.size
	}
	return 0
}

// Accumulator is the inbox accumulator after the predicted tail, 32 bytes
// (nil for a rollup not among the facts or with an unusable accumulator).
func (p *Predictor) Accumulator(rollupID string) []byte {
	t, ok := p.rollups[rollupID]
	if !ok || t.err != nil {
		return nil
	}
	return append([]byte(nil), t.acc...)
}
