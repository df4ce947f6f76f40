package exchange

import (
	"encoding/json"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
)

// seeded is a fixture whose account 0 provided 100k unat / 200k uusdc of
// liquidity and holds 900k / 1.8M more, and account 1 holds 50k unat.
func seeded(t *testing.T) *fixture {
	f := newFixture(t, 8)
	b := f.build([]protocol.InboxEntry{f.deposit(0, "unat", 1_000_000), f.deposit(0, "uusdc", 2_000_000), f.deposit(1, "unat", 50_000)},
		f.tx(0, Tx{Kind: KindAdd, Amount1: big10(100_000), Amount2: big10(200_000), Min1: big10(1)}))
	require.Empty(t, b.Rejected)
	return f
}

func payload(t *testing.T, denom string, min int64, rollup string) []byte {
	b, err := exchangev1.NewSwapCall(denom, big.NewInt(min), rollup, make([]byte, 32)).Encode()
	require.NoError(t, err)
	return b
}

func TestBuildBatch_InboxCallsSwapOrRefund(t *testing.T) {
	f := seeded(t)
	bad := payload(t, "uusdc", 1, "payments")
	bad[0] = 2
	cases := []struct {
		name  string
		entry protocol.InboxEntry
		want  Kind
	}{
		{"swap to the other denom", f.call(protocol.InboxKindCrossRollupMessage, "unat", 1000, payload(t, "uusdc", 1, "payments")), KindCallSwap},
		{"swap to L1 (empty rollup)", f.call(protocol.InboxKindL1Call, "uusdc", 1000, payload(t, "unat", 1, "")), KindCallSwap},
		{"slippage not met", f.call(protocol.InboxKindCrossRollupMessage, "unat", 1000, payload(t, "uusdc", 1_000_000, "payments")), KindRefund},
		{"payload does not decode", f.call(protocol.InboxKindCrossRollupMessage, "unat", 1000, bad), KindRefund},
		{"asks for the same denom", f.call(protocol.InboxKindCrossRollupMessage, "unat", 1000, payload(t, "unat", 1, "payments")), KindRefund},
		{"asks for a denom not in the pool", f.call(protocol.InboxKindCrossRollupMessage, "unat", 1000, payload(t, "uatom", 1, "payments")), KindRefund},
		{"value in a denom the pool does not hold", f.call(protocol.InboxKindCrossRollupMessage, "uatom", 1000, payload(t, "uusdc", 1, "payments")), KindRefund},
		{"output rounds to zero", f.call(protocol.InboxKindCrossRollupMessage, "uusdc", 1, payload(t, "unat", 0, "payments")), KindRefund},
		{"call without value", f.call(protocol.InboxKindL1Call, "unat", 0, payload(t, "uusdc", 1, "")), KindSkip},
		{"deposit to a bad address", protocol.InboxEntry{Kind: protocol.InboxKindDeposit, Sender: []byte("s"), Recipient: []byte("not a key"), Denom: "unat", Amount: amt(5)}, KindRefund},
		{"deposit of a denom not held", protocol.InboxEntry{Kind: protocol.InboxKindDeposit, Sender: []byte("s"), Recipient: f.keys[2].Public.Address(), Denom: "uatom", Amount: amt(5)}, KindRefund},
		{"deposit creates an account", f.deposit(2, "uusdc", 5), KindCredit},
		{"forced transaction (not in v1)", protocol.InboxEntry{Kind: protocol.InboxKindForcedTx, Sender: []byte("s"), Payload: []byte{1}}, KindSkip},
	}
	var inbox []protocol.InboxEntry
	for i, tc := range cases {
		tc.entry.Sequence = uint64(i)
		inbox = append(inbox, tc.entry)
	}
	f.p.Slots = len(cases)
	f.s.p.Slots = len(cases)
	b := f.build(inbox)
	recs, err := DecodeData(b.Data)
	require.NoError(t, err)
	require.Len(t, recs, len(cases))
	out := 0
	for i, tc := range cases {
		require.Equal(t, tc.want, recs[i].Kind, tc.name)
		if tc.want == KindRefund { // the value goes back where it came from
			e := b.Outbox[out]
			require.Equal(t, tc.entry.Amount, e.Amount, tc.name)
			require.Equal(t, tc.entry.Denom, e.Denom, tc.name)
			require.Equal(t, tc.entry.Sender, e.Recipient, tc.name)
		}
		if tc.want == KindRefund || tc.want == KindCallSwap {
			out++
		}
	}
	require.Equal(t, out, len(b.Outbox))
	require.Len(t, b.Forced, 1)
	require.ErrorIs(t, b.Forced[0].Reason, ErrForcedUnsupported)
	require.NoError(t, solved(t, f.p, b))
}

func TestBuildBatch_RejectsBadTransactions(t *testing.T) {
	f := seeded(t)
	max := new(big.Int).Set(exchangev1.MaxAmount)
	cases := map[string]Tx{
		"zero swap":                  {Kind: KindSwap, Amount1: big10(0)},
		"swap over 2^128":            {Kind: KindSwap, Amount1: new(big.Int).Add(max, big.NewInt(1))},
		"swap more than held":        {Kind: KindSwap, Side: 1, Amount1: big10(1)}, // account 1 holds no uusdc
		"slippage":                   {Kind: KindSwap, Amount1: big10(1000), Min1: big10(1_000_000)},
		"add without quote":          {Kind: KindAdd, Amount1: big10(1000)},
		"add below min shares":       {Kind: KindAdd, Amount1: big10(1000), Amount2: big10(1), Min1: big10(1000)},
		"remove shares not held":     {Kind: KindRemove, Amount1: big10(1)},
		"withdraw more than held":    {Kind: KindWithdraw, Amount1: big10(50_001), Recipient: []byte("l1")},
		"withdraw without recipient": {Kind: KindWithdraw, Amount1: big10(1)},
	}
	for name, tx := range cases {
		tx := tx
		signed := tx
		if tx.Kind != 0 && fits(nz(tx.Amount1)) {
			signed = f.tx(1, tx)
		}
		b := f.build(nil, signed)
		require.Contains(t, b.Rejected, 0, name)
	}
	// a wrong signature and a replayed nonce
	tx := f.tx(1, Tx{Kind: KindSwap, Amount1: big10(10), Min1: big10(1)})
	forged := tx
	forged.Amount1 = big10(11)
	b := f.build(nil, forged, tx, tx)
	require.Equal(t, []int{1}, b.Included)
	require.Len(t, b.Rejected, 2)
}

func TestBuildBatch_PoolDrainedAndRefilled(t *testing.T) {
	f := seeded(t)
	shares := big10(100_000)
	b := f.build(nil, f.tx(0, Tx{Kind: KindRemove, Amount1: shares}))
	require.Empty(t, b.Rejected)
	pool, err := f.s.Pool()
	require.NoError(t, err)
	require.Zero(t, pool.ReserveBase.Sign())
	require.Zero(t, pool.ReserveQuote.Sign())
	require.Zero(t, pool.TotalShares.Sign())
	// an empty pool refuses swaps, and refunds calls
	b = f.build([]protocol.InboxEntry{f.call(protocol.InboxKindCrossRollupMessage, "unat", 1000, payload(t, "uusdc", 0, "payments"))},
		f.tx(1, Tx{Kind: KindSwap, Amount1: big10(10)}))
	require.ErrorIs(t, b.Rejected[0], ErrPoolEmpty)
	recs, err := DecodeData(b.Data)
	require.NoError(t, err)
	require.Equal(t, KindRefund, recs[0].Kind)
	require.NoError(t, solved(t, f.p, b))
	// the next provider is first again
	b = f.build(nil, f.tx(0, Tx{Kind: KindAdd, Amount1: big10(10), Amount2: big10(1)}))
	require.Empty(t, b.Rejected)
	require.NoError(t, solved(t, f.p, b))
}

func TestReplay_RebuildsTheState(t *testing.T) {
	f := newFixture(t, 8)
	accounts, pool := map[uint32]*exchangev1.Account{}, &exchangev1.Pool{}
	var inbox []protocol.InboxEntry
	replay := func(ins []protocol.InboxEntry, txs ...Tx) {
		b := f.build(ins, txs...)
		inbox = append(inbox, ins...)
		n, err := Replay(accounts, pool, b.Data, inbox)
		require.NoError(t, err)
		inbox = inbox[n:]
	}
	replay([]protocol.InboxEntry{f.deposit(0, "unat", 1_000_000), f.deposit(0, "uusdc", 2_000_000), f.deposit(1, "unat", 50_000)},
		f.tx(0, Tx{Kind: KindAdd, Amount1: big10(100_000), Amount2: big10(200_000)}))
	replay([]protocol.InboxEntry{f.call(protocol.InboxKindCrossRollupMessage, "unat", 1000, payload(t, "uusdc", 1, "payments"))},
		f.tx(1, Tx{Kind: KindSwap, Amount1: big10(777)}), f.tx(0, Tx{Kind: KindRemove, Amount1: big10(3333)}),
		f.tx(0, Tx{Kind: KindWithdraw, Side: 1, Amount1: big10(5), Nonce: 1, Recipient: []byte("l1")}))
	got, err := f.s.Pool()
	require.NoError(t, err)
	require.Equal(t, exchangev1.PoolHash(f.s.p.pair(), got), exchangev1.PoolHash(f.s.p.pair(), *pool))
	require.Len(t, accounts, 2)
	for i, a := range accounts {
		want, err := f.s.Account(i)
		require.NoError(t, err)
		require.Equal(t, exchangev1.LeafHash(want), exchangev1.LeafHash(*a), "account %d", i)
	}
}

// A follower that only sees the posted data and the consumed entries
// reaches the builder's root after every batch.
func TestApplyData_FollowerReachesTheBuildersRoot(t *testing.T) {
	f := newFixture(t, 8)
	follower := mustOpen(t, f.p)
	step := func(ins []protocol.InboxEntry, txs ...Tx) {
		b := f.build(ins, txs...)
		n, err := follower.ApplyData(b.Data, ins)
		require.NoError(t, err)
		require.Equal(t, len(ins), n)
		root, err := follower.Root()
		require.NoError(t, err)
		require.Equal(t, b.NewRoot, root)
	}
	step([]protocol.InboxEntry{f.deposit(0, "unat", 1_000_000), f.deposit(0, "uusdc", 2_000_000), f.deposit(1, "unat", 50_000)},
		f.tx(0, Tx{Kind: KindAdd, Amount1: big10(100_000), Amount2: big10(200_000)}))
	step([]protocol.InboxEntry{f.call(protocol.InboxKindCrossRollupMessage, "unat", 1000, payload(t, "uusdc", 1, "payments")),
		f.call(protocol.InboxKindL1Call, "unat", 1000, payload(t, "uusdc", 1_000_000, ""))},
		f.tx(1, Tx{Kind: KindSwap, Amount1: big10(777)}), f.tx(0, Tx{Kind: KindRemove, Amount1: big10(3333)}),
		f.tx(0, Tx{Kind: KindWithdraw, Side: 1, Amount1: big10(5), Nonce: 1, Recipient: []byte("l1")}))
	// data that overdraws is refused and writes nothing
	before, err := follower.Root()
	require.NoError(t, err)
	bad := Record{Kind: KindWithdraw, Account: 1, V1: big10(1 << 40)}.Bytes()
	_, err = follower.ApplyData(bad[:], nil)
	require.ErrorIs(t, err, ErrData)
	after, err := follower.Root()
	require.NoError(t, err)
	require.Equal(t, before, after)
}

func TestTx_JSONRoundTrip(t *testing.T) {
	f := seeded(t)
	for _, tx := range []Tx{
		f.tx(1, Tx{Kind: KindSwap, Amount1: big10(10), Min1: big10(1)}),
		f.tx(0, Tx{Kind: KindAdd, Amount1: big10(10), Amount2: big10(20), Min1: big10(1)}),
		f.tx(0, Tx{Kind: KindRemove, Amount1: big10(10), Min1: big10(1), Min2: big10(2)}),
		f.tx(0, Tx{Kind: KindWithdraw, Side: 1, Amount1: big10(10), DestRollup: "payments", Recipient: []byte{1, 2}}),
	} {
		bz, err := json.Marshal(tx)
		require.NoError(t, err)
		var back Tx
		require.NoError(t, json.Unmarshal(bz, &back))
		a, err := f.s.Account(back.Account)
		require.NoError(t, err)
		require.True(t, a.Key.Verify(back.Sig, exchangev1.Domain(testChain, testRollup), back.Message(a.Key, f.p)...), string(bz))
	}
	var tx Tx
	require.ErrorIs(t, json.Unmarshal([]byte(`{"kind":"swap","amounts":["x","0","0","0"],"sig":""}`), &tx), ErrTx)
	require.Error(t, json.Unmarshal([]byte(`{"kind":"mint","amounts":["1","0","0","0"],"sig":"`+hex96()+`"}`), &tx))
}

func hex96() string {
	s := ""
	for range 95 {
		s += "00"
	}
	return s + "01"
}

// Bad wire input is an error, never a panic.
func FuzzTxUnmarshalJSON(f *testing.F) {
	f.Add([]byte(`{"kind":"swap","amounts":["1","0","0","0"],"sig":"` + hex96() + `"}`))
	f.Add([]byte(`{"kind":"add","side":7,"amounts":["1","340282366920938463463374607431768211456","0","0"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var tx Tx
		if tx.UnmarshalJSON(b) == nil {
			_, err := json.Marshal(tx)
			require.NoError(t, err)
		}
	})
}
