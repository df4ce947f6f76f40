package exchange

import (
	"math/big"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// validBatch is a batch with every kind that touches the pool or emits:
// (batch 1) deposits and an add; (batch 2) a call swap, a refund of a call
// that asks too much, a swap, a remove, a withdraw, a skip.
func validBatch(t *testing.T) (*fixture, *rollupkit.Batch) {
	f := newFixture(t, 8)
	b := f.build([]protocol.InboxEntry{f.deposit(0, "unat", 1_000_000), f.deposit(0, "uusdc", 2_000_000), f.deposit(1, "unat", 50_000)},
		f.tx(0, Tx{Kind: KindAdd, Amount1: big10(100_000), Amount2: big10(200_000), Min1: big10(1)}))
	require.Empty(t, b.Rejected)
	ok, err := exchangev1.NewSwapCall("uusdc", big10(1), "payments", make([]byte, 32)).Encode()
	require.NoError(t, err)
	greedy, err := exchangev1.NewSwapCall("uusdc", big10(1_000_000), "payments", make([]byte, 32)).Encode()
	require.NoError(t, err)
	b = f.build([]protocol.InboxEntry{f.call(protocol.InboxKindCrossRollupMessage, "unat", 1000, ok),
		f.call(protocol.InboxKindL1Call, "unat", 1000, greedy), f.call(protocol.InboxKindL1Call, "unat", 0, ok)},
		f.tx(1, Tx{Kind: KindSwap, Amount1: big10(5000), Min1: big10(1)}),
		f.tx(0, Tx{Kind: KindRemove, Amount1: big10(10_000), Min1: big10(1), Min2: big10(1)}),
		f.tx(0, Tx{Kind: KindAdd, Amount1: big10(1000), Amount2: big10(3000), Min1: big10(1), Nonce: 1}),
		f.tx(0, Tx{Kind: KindWithdraw, Side: 1, Amount1: big10(7), Nonce: 2, DestRollup: "payments", Recipient: make([]byte, 32)}))
	require.Empty(t, b.Rejected)
	return f, b
}

func TestCircuit_AcceptsEveryKind(t *testing.T) {
	f, b := validBatch(t)
	recs, err := DecodeData(b.Data)
	require.NoError(t, err)
	var kinds []Kind
	for _, r := range recs {
		kinds = append(kinds, r.Kind)
	}
	require.Equal(t, []Kind{KindCallSwap, KindRefund, KindSkip, KindSwap, KindRemove, KindAdd, KindWithdraw}, kinds)
	require.NoError(t, solved(t, f.p, b))
}

// rewrite re-encodes a slot's posted bytes from its fields, so that a
// tampered field fails the rule it breaks, not the record encoding.
func rewrite(s *SlotWitness) {
	r := Record{Side: uint8(asInt(s.Side)), Account: uint32(asInt(s.Account)),
		V1: asBig(s.V1), V2: asBig(s.V2), V3: asBig(s.V3)}
	for k := range s.IsKind {
		if asInt(s.IsKind[k]) == 1 {
			r.Kind = Kind(k)
		}
	}
	bz := r.Bytes()
	for i := range bz {
		s.Bytes[i] = bz[i]
	}
}

func asBig(v any) *big.Int {
	switch x := v.(type) {
	case *big.Int:
		return x
	case int:
		return big.NewInt(int64(x))
	case uint8:
		return big.NewInt(int64(x))
	case uint32:
		return big.NewInt(int64(x))
	}
	panic("unexpected witness value")
}

func asInt(v any) int64 { return asBig(v).Int64() }

func plus1(v any) *big.Int { return new(big.Int).Add(asBig(v), big.NewInt(1)) }

// Each tampering keeps the posted record consistent and fails in the rule
// it breaks (the function named), not at the commitment.
func TestCircuit_RefusesTamperedWitness(t *testing.T) {
	cases := []struct {
		name, want string
		tamper     func(c *Circuit)
	}{
		{"call swap output + 1", "amm", func(c *Circuit) {
			s := &c.Slots[0]
			s.V2 = plus1(s.V2)
			s.Out.Amount = s.V2
		}},
		{"swap output + 1", "amm", func(c *Circuit) { c.Slots[3].V2 = plus1(c.Slots[3].V2) }},
		{"remove takes one more base", "amm", func(c *Circuit) { c.Slots[4].V2 = plus1(c.Slots[4].V2) }},
		{"add mints one more share", "amm", func(c *Circuit) { c.Slots[5].V3 = plus1(c.Slots[5].V3) }},
		{"wrong reserve before", "AssertBatchCommitment", func(c *Circuit) { c.PoolBase = plus1(c.PoolBase) }},
		{"refund skipped (slot made a skip)", "record", func(c *Circuit) {
			s := &c.Slots[1]
			s.IsKind[KindRefund], s.IsKind[KindSkip] = 0, 1
		}},
		{"refund to another sender", "outboxEntry", func(c *Circuit) { c.Slots[1].Out.RecipientDigest = 7 }},
		{"refund turned into a call swap output", "amm", func(c *Circuit) {
			s := &c.Slots[1]
			s.IsKind[KindRefund], s.IsKind[KindCallSwap] = 0, 1
			s.Side, s.V2 = 0, 1
		}},
		{"call swap below its minimum", "decodeCall", func(c *Circuit) { c.Slots[0].Min1 = plus1(c.Slots[0].V2) }},
		{"withdraw amount changed", "outboxEntry", func(c *Circuit) { c.Slots[6].Out.Amount = 8 }},
		{"withdraw more than the balance (signed amount changed)", "AssertSignature", func(c *Circuit) {
			s := &c.Slots[6]
			s.V1 = new(big.Int).Add(asBig(s.Quote), big.NewInt(1))
			s.Out.Amount = s.V1
		}},
		{"skip drops value", "inboxEntry", func(c *Circuit) { c.Slots[2].In.Amount = 5 }},
		{"credit to another account's key", "inboxEntry", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.tamper == nil {
				f := newFixture(t, 2)
				b := f.build([]protocol.InboxEntry{f.deposit(0, "unat", 10), f.deposit(1, "unat", 10)})
				c := b.Assignment.(*Circuit)
				c.Slots[1].In.RecipientDigest = c.Slots[0].In.RecipientDigest
				requireFailsIn(t, solved(t, f.p, b), tc.want)
				return
			}
			f, b := validBatch(t)
			c := b.Assignment.(*Circuit)
			tc.tamper(c)
			for i := range c.Slots {
				rewrite(&c.Slots[i])
			}
			requireFailsIn(t, solved(t, f.p, b), tc.want)
		})
	}
}

func requireFailsIn(t *testing.T, err error, want string) {
	t.Helper()
	require.Error(t, err)
	require.Contains(t, firstLines(err.Error(), 3), want)
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], " | ")
}
