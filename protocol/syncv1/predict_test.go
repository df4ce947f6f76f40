package syncv1

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/nativechain/nativechain/protocol"
)

var (
	l2A = bytes.Repeat([]byte{0xaa}, 32)
	l2B = bytes.Repeat([]byte{0xbb}, 32)
)

func msg(dest string, amount uint64, payload string) protocol.OutboxEntry {
	e := protocol.OutboxEntry{Kind: protocol.OutboxKindCrossRollupMessage, Sender: l2A, Recipient: l2B, DestRollupID: dest, Payload: []byte(payload)}
	if amount > 0 {
		e.Denom, e.Amount = "unat", protocol.NewUint128(amount)
	}
	return e
}

func withdrawal(amount uint64) protocol.OutboxEntry {
	return protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Recipient: bytes.Repeat([]byte{0x01}, 20), Denom: "unat", Amount: protocol.NewUint128(amount)}
}

func genesisAcc() []byte { return protocol.FieldElementBytes(protocol.InboxAccumulatorGenesis()) }

func predictFacts() []RollupFacts {
	return []RollupFacts{
		{ID: "payments", InboxSize: 0, InboxAccumulator: genesisAcc(), Active: true},
		{ID: "exchange", InboxSize: 3, InboxAccumulator: elem(77), Active: true},
		{ID: "usdc", InboxSize: 0, InboxAccumulator: genesisAcc(), Active: true},
		{ID: "frozen", InboxAccumulator: genesisAcc()},
		{ID: "paused", InboxAccumulator: genesisAcc(), Active: true, Paused: true},
	}
}

// fold is the chain's rule written out: x/rollups' AppendInbox sets the
// sequence and accumulates.
func fold(t *testing.T, acc []byte, from uint64, entries []protocol.InboxEntry) []byte {
	t.Helper()
	e, err := protocol.ParseFieldElement(acc)
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range entries {
		if x.Sequence != from+uint64(i) {
			t.Fatalf("entry %d has sequence %d, want %d", i, x.Sequence, from+uint64(i))
		}
		if err := x.Validate(); err != nil {
			t.Fatalf("predicted entry %d is invalid: %v", i, err)
		}
		e = protocol.InboxAccumulate(e, x)
	}
	return protocol.FieldElementBytes(e)
}

func TestPredict_AppendsInOrderAcrossBatches(t *testing.T) {
	p := NewPredictor(predictFacts(), 1024)
	// caller batch: two calls to the exchange and a withdrawal
	if err := p.Apply("payments", []protocol.OutboxEntry{msg("exchange", 10, "swap1"), withdrawal(5), msg("exchange", 20, "swap2")}); err != nil {
		t.Fatal(err)
	}
	// exchange batch: outputs to two rollups, one of them back to the caller
	if err := p.Apply("exchange", []protocol.OutboxEntry{msg("usdc", 9, ""), msg("payments", 0, "refund"), msg("usdc", 18, "")}); err != nil {
		t.Fatal(err)
	}
	// a second caller batch after the exchange's
	if err := p.Apply("payments", []protocol.OutboxEntry{msg("exchange", 1, "swap3")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		id      string
		start   uint64
		acc     []byte
		sources []string
		amounts []uint64
	}{
		{"exchange", 3, elem(77), []string{"payments", "payments", "payments"}, []uint64{10, 20, 1}},
		{"usdc", 0, genesisAcc(), []string{"exchange", "exchange"}, []uint64{9, 18}},
		{"payments", 0, genesisAcc(), []string{"exchange"}, []uint64{0}},
	} {
		tail := p.Tail(tc.id)
		if len(tail) != len(tc.sources) {
			t.Fatalf("%s: %d predicted entries, want %d", tc.id, len(tail), len(tc.sources))
		}
		for i, e := range tail {
			if e.Kind != protocol.InboxKindCrossRollupMessage || e.SourceRollupID != tc.sources[i] || e.Amount != protocol.NewUint128(tc.amounts[i]) {
				t.Fatalf("%s entry %d: %+v", tc.id, i, e)
			}
		}
		if got := p.Size(tc.id); got != tc.start+uint64(len(tail)) {
			t.Fatalf("%s: size %d", tc.id, got)
		}
		if got, want := p.Accumulator(tc.id), fold(t, tc.acc, tc.start, tail); !bytes.Equal(got, want) {
			t.Fatalf("%s: accumulator %x, want %x", tc.id, got, want)
		}
	}
	if p.Tail("frozen") != nil || p.Size("nowhere") != 0 || p.Accumulator("nowhere") != nil {
		t.Fatal("untouched or unknown rollups must have no tail")
	}
}

func TestPredict_WouldBounceChangesNothing(t *testing.T) {
	tests := []struct {
		name  string
		src   string
		entry protocol.OutboxEntry
	}{
		{"unknown destination", "payments", msg("nowhere", 1, "")},
		{"inactive destination", "payments", msg("frozen", 1, "")},
		{"paused destination", "payments", msg("paused", 1, "")},
		{"paused source", "paused", msg("exchange", 1, "")},
		{"payload over max_payload_bytes", "payments", msg("exchange", 1, string(make([]byte, 65)))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := NewPredictor(predictFacts(), 64)
			require := func(cond bool, what string) {
				t.Helper()
				if !cond {
					t.Fatal(what)
				}
			}
			before := fmt.Sprint(p.Size("exchange"), p.Accumulator("exchange"), p.Size("paused"))
			// a good message first in the same outbox: the batch is refused whole
			err := p.Apply(tc.src, []protocol.OutboxEntry{msg("usdc", 1, ""), tc.entry})
			require(errors.Is(err, ErrWouldBounce), fmt.Sprintf("err = %v, want ErrWouldBounce", err))
			require(p.Tail("usdc") == nil && p.Size("usdc") == 0, "a refused batch appended to usdc")
			require(fmt.Sprint(p.Size("exchange"), p.Accumulator("exchange"), p.Size("paused")) == before, "a refused batch changed the prediction")
			// and the predictor goes on
			require(p.Apply("payments", []protocol.OutboxEntry{msg("usdc", 1, "")}) == nil, "predictor unusable after a bounce")
		})
	}
}

func TestPredict_RefusesBadFactsAndEntries(t *testing.T) {
	dup := append(predictFacts(), RollupFacts{ID: "usdc", InboxAccumulator: genesisAcc(), Active: true})
	if err := NewPredictor(dup, 64).Apply("payments", nil); !errors.Is(err, ErrPredictorFacts) {
		t.Fatalf("duplicate facts: %v", err)
	}
	badAcc := append(predictFacts(), RollupFacts{ID: "bad", InboxAccumulator: bytes.Repeat([]byte{0xff}, 32), Active: true})
	p := NewPredictor(badAcc, 64)
	if err := p.Apply("payments", []protocol.OutboxEntry{msg("bad", 1, "")}); !errors.Is(err, ErrPredictorFacts) {
		t.Fatalf("bad accumulator: %v", err)
	}
	if err := p.Apply("nowhere", nil); !errors.Is(err, ErrPredictorFacts) {
		t.Fatalf("unknown source: %v", err)
	}
	invalid := msg("usdc", 1, "")
	invalid.Sender = nil
	if err := p.Apply("payments", []protocol.OutboxEntry{invalid}); !errors.Is(err, ErrPredictorOutbox) {
		t.Fatalf("invalid entry: %v", err)
	}
	if p.Size("usdc") != 0 {
		t.Fatal("refused batches appended")
	}
}
