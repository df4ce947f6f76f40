package exchange

import (
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

func kitRollup(t *testing.T, p Params) *Rollup {
	r, err := NewRollup(p)
	require.NoError(t, err)
	return r
}

func codeOfErr(err error) string {
	var ae *rollupkit.APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return ""
}

func TestKit_RegisteredWithItsShape(t *testing.T) {
	k, err := rollupkit.Lookup(KindName)
	require.NoError(t, err)
	require.Equal(t, CircuitName, k.Circuit())
	d, err := circuits.Lookup(k.Circuit())
	require.NoError(t, err)
	full, err := d.Resolve(circuits.Params{"depth": "4", "slots": "2"})
	require.NoError(t, err)
	r, err := k.Configure(full)
	require.NoError(t, err)
	require.Equal(t, full, r.Params(), "the params round-trip (call_slots 0: every slot)")
	s := r.Summary()
	require.Equal(t, "unat/uusdc", s.Denom)
	require.Equal(t, 2*RecordBytes, s.MaxDataBytes)
	require.Equal(t, 4, s.Depth)
	l, ok := r.ExitLayout()
	require.True(t, ok)
	require.Equal(t, protocol.ExitLayoutParams{Name: protocol.ExitLayoutExchangeV1, Depth: 4, Denom: "unat", QuoteDenom: "uusdc"}, l)
	root, err := mustOpen(t, Params{Depth: 4, Slots: 2}).Root()
	require.NoError(t, err)
	empty := r.EmptyRoot()
	require.True(t, root.Equal(&empty))
	st, err := r.Open(dbm.NewMemDB())
	require.NoError(t, err)
	got, err := st.Root()
	require.NoError(t, err)
	require.True(t, got.Equal(&empty))
	_, err = r.DecodeForcedTx([]byte{1})
	require.ErrorIs(t, err, rollupkit.ErrForcedTxUnsupported)

	_, err = k.Configure(circuits.Params{"depth": "4", "slots": "2", "base": "unat", "quote": "unat", "fee_bps": "30", "call_slots": "0"})
	require.ErrorIs(t, err, ErrParams)
}

func TestKit_DecodeTx(t *testing.T) {
	f := newFixture(t, 2)
	r := kitRollup(t, f.p)
	sig := hex96()
	good := `{"kind":"swap","account":1,"amounts":["10","0","1","0"],"nonce":3,"sig":"` + sig + `"}`
	tx, err := r.DecodeTx([]byte(good))
	require.NoError(t, err)
	require.Equal(t, "1", tx.Sender())
	require.Equal(t, uint64(3), tx.Nonce())
	require.Zero(t, tx.Fee().Sign())
	require.Empty(t, tx.Credits())
	require.Empty(t, tx.Outgoing())
	again, err := r.DecodeTx(tx.Wire())
	require.NoError(t, err)
	require.JSONEq(t, string(tx.Wire()), string(again.Wire()))

	w, err := r.DecodeTx([]byte(`{"kind":"withdraw","account":2,"side":1,"amounts":["7","0","0","0"],"nonce":0,"recipient":"0102","dest_rollup":"pay","sig":"` + sig + `"}`))
	require.NoError(t, err)
	out := w.Outgoing()
	require.Len(t, out, 1)
	require.Equal(t, protocol.OutboxKindCrossRollupMessage, out[0].Kind)
	require.Equal(t, "pay", out[0].DestRollupID)
	require.Equal(t, "uusdc", out[0].Denom)
	require.Equal(t, []byte{1, 2}, out[0].Recipient)

	over := new(big.Int).Add(exchangev1.MaxAmount, big.NewInt(1)).String()
	cases := map[string]struct{ body, code string }{
		"not json":         {`{"kind":`, rollupkit.CodeInvalidRequest},
		"unknown field":    {strings.Replace(good, `"nonce":3`, `"nonce":3,"fee":"1"`, 1), rollupkit.CodeInvalidRequest},
		"two bodies":       {good + good, rollupkit.CodeInvalidRequest},
		"unknown kind":     {strings.Replace(good, `"swap"`, `"mint"`, 1), rollupkit.CodeInvalidTx},
		"zero amount":      {strings.Replace(good, `["10"`, `["0"`, 1), rollupkit.CodeInvalidTx},
		"negative amount":  {strings.Replace(good, `["10"`, `["-1"`, 1), rollupkit.CodeNotRepresentable},
		"amount over":      {strings.Replace(good, `["10"`, `["`+over+`"`, 1), rollupkit.CodeNotRepresentable},
		"amount not int":   {strings.Replace(good, `["10"`, `["1e3"`, 1), rollupkit.CodeInvalidTx},
		"three amounts":    {strings.Replace(good, `,"0"]`, `]`, 1), rollupkit.CodeInvalidTx},
		"quote side add":   {`{"kind":"add","account":1,"side":1,"amounts":["10","10","1","0"],"nonce":0,"sig":"` + sig + `"}`, rollupkit.CodeInvalidTx},
		"swap recipient":   {strings.Replace(good, `"nonce":3`, `"nonce":3,"recipient":"01"`, 1), rollupkit.CodeInvalidTx},
		"bad sig hex":      {strings.Replace(good, sig, "zz", 1), rollupkit.CodeInvalidTx},
		"short sig":        {strings.Replace(good, sig, "0102", 1), rollupkit.CodeInvalidTx},
		"no recipient":     {`{"kind":"withdraw","account":2,"amounts":["7","0","0","0"],"nonce":0,"sig":"` + sig + `"}`, rollupkit.CodeInvalidTx},
		"side out of sets": {strings.Replace(good, `"account":1`, `"account":1,"side":2`, 1), rollupkit.CodeInvalidTx},
	}
	for name, c := range cases {
		_, err := r.DecodeTx([]byte(c.body))
		require.Error(t, err, name)
		require.Equal(t, c.code, codeOfErr(err), "%s: %v", name, err)
	}
}

// admitFixture is seeded (account 0: the pool's LP with 900k unat, 1.8M
// uusdc and 100k shares; account 1: 50k unat) with a view on its state.
func admitFixture(t *testing.T) (*fixture, *Rollup, rollupkit.View, rollupkit.Policy) {
	f := seeded(t)
	r := kitRollup(t, f.p)
	v := r.NewView(kitState{f.s}, rollupkit.Place{ChainID: testChain, RollupID: testRollup})
	pol := rollupkit.Policy{MinFee: big.NewInt(1000), MaxPendingPerSender: 3, Unverified: func(string) int { return 0 }}
	return f, r, v, pol
}

func TestKit_AdmitRefusals(t *testing.T) {
	f, r, v, pol := admitFixture(t)
	kit := func(tx Tx) rollupkit.Tx { return NewKitTx(tx, f.p) }
	// a swap that fits: admitted though it pays no fee (v1 has none)
	ok := f.tx(1, Tx{Kind: KindSwap, Amount1: big10(30_000), Min1: big10(1)})
	require.NoError(t, v.Admit(kit(ok), pol))
	v.Apply(kit(ok))

	forged := f.tx(1, Tx{Kind: KindSwap, Amount1: big10(1000), Min1: big10(1), Nonce: 1})
	forged.Amount1 = big10(1001)
	over := new(big.Int).Add(exchangev1.MaxAmount, big.NewInt(1))
	unverified := pol
	unverified.Unverified = func(s string) int { return map[string]int{"1": 3}[s] }
	chainSays := pol
	chainSays.ChainRules = func(rollupkit.Tx) error {
		return rollupkit.NewAPIError(rollupkit.CodeBlockedRecipient, "module account")
	}
	cases := []struct {
		name string
		tx   Tx
		pol  rollupkit.Policy
		code string
		msg  string
	}{
		{"bad nonce (the accepted swap took 0)", f.tx(1, Tx{Kind: KindSwap, Amount1: big10(10), Min1: big10(1)}), pol, rollupkit.CodeBadNonce, "next nonce is 1"},
		{"insufficient counting the pending swap", f.tx(1, Tx{Kind: KindSwap, Amount1: big10(20_001), Min1: big10(1), Nonce: 1}), pol, rollupkit.CodeInsufficientBalance, "account 1 has 20000 unat"},
		{"swap of a denom not held", f.tx(1, Tx{Kind: KindSwap, Side: 1, Amount1: big10(1_000_000), Min1: big10(1), Nonce: 1}), pol, rollupkit.CodeInsufficientBalance, "uusdc"},
		{"add beyond the quote held", f.tx(0, Tx{Kind: KindAdd, Amount1: big10(1), Amount2: big10(1_800_001), Min1: big10(1)}), pol, rollupkit.CodeInsufficientBalance, "uusdc"},
		{"remove shares not held", f.tx(1, Tx{Kind: KindRemove, Amount1: big10(1), Nonce: 1}), pol, rollupkit.CodeInsufficientBalance, "shares"},
		{"withdraw more than held", f.tx(1, Tx{Kind: KindWithdraw, Amount1: big10(20_001), Recipient: []byte("l1-address-000000000"), Nonce: 1}), pol, rollupkit.CodeInsufficientBalance, ""},
		{"zero amount", Tx{Kind: KindSwap, Account: 1, Amount1: big10(0), Nonce: 1}, pol, rollupkit.CodeInvalidTx, "zero"},
		{"amount over 2^128", Tx{Kind: KindSwap, Account: 1, Amount1: over, Nonce: 1}, pol, rollupkit.CodeNotRepresentable, ""},
		{"min out too high", f.tx(1, Tx{Kind: KindSwap, Amount1: big10(1000), Min1: big10(1_000_000), Nonce: 1}), pol, rollupkit.CodeInvalidTx, "min out 1000000uusdc too high: the swap gives"},
		{"min shares too high", f.tx(0, Tx{Kind: KindAdd, Amount1: big10(1000), Amount2: big10(2000), Min1: big10(5000)}), pol, rollupkit.CodeInvalidTx, "min shares 5000 too high"},
		{"remove min too high", f.tx(0, Tx{Kind: KindRemove, Amount1: big10(10), Min1: big10(1_000_000)}), pol, rollupkit.CodeInvalidTx, "too high: the remove gives"},
		{"bad signature", forged, pol, rollupkit.CodeBadSignature, ""},
		{"no account there", Tx{Kind: KindSwap, Account: 5, Amount1: big10(1)}, pol, rollupkit.CodeUnknownAccount, "a deposit creates one"},
		{"beyond the tree", Tx{Kind: KindSwap, Account: 99, Amount1: big10(1)}, pol, rollupkit.CodeUnknownAccount, "beyond the tree"},
		{"too many pending", f.tx(1, Tx{Kind: KindSwap, Amount1: big10(10), Min1: big10(1), Nonce: 1}), unverified, rollupkit.CodeTooManyPending, ""},
		{"chain would refuse the withdrawal", f.tx(1, Tx{Kind: KindWithdraw, Amount1: big10(5), Recipient: []byte("l1-address-000000000"), Nonce: 1}), chainSays, rollupkit.CodeBlockedRecipient, "module account"},
	}
	for _, c := range cases {
		err := v.Admit(kit(c.tx), c.pol)
		require.Error(t, err, c.name)
		require.Equal(t, c.code, codeOfErr(err), "%s: %v", c.name, err)
		require.Contains(t, err.Error(), c.msg, c.name)
	}

	// the pool empty: a fresh rollup with deposits only
	g := newFixture(t, 2)
	g.build([]protocol.InboxEntry{g.deposit(0, "unat", 100), g.deposit(0, "uusdc", 100)})
	gv := r.NewView(kitState{g.s}, rollupkit.Place{ChainID: testChain, RollupID: testRollup})
	for _, tx := range []Tx{{Kind: KindSwap, Amount1: big10(10), Min1: big10(1)}, {Kind: KindSwap, Side: 1, Amount1: big10(10)}} {
		err := gv.Admit(kit(g.tx(0, tx)), pol)
		require.Equal(t, rollupkit.CodeInvalidTx, codeOfErr(err), "%v", err)
		require.ErrorContains(t, err, "the pool is empty")
	}
}

// What admission accepts, in order, the builder includes: the view follows
// balances, nonces and the pool through the accepted transactions.
func TestKit_AdmittedTransactionsBuild(t *testing.T) {
	f, r, v, pol := admitFixture(t)
	var txs []rollupkit.Tx
	for _, tx := range []Tx{
		f.tx(1, Tx{Kind: KindSwap, Amount1: big10(10_000), Min1: big10(1)}),
		f.tx(1, Tx{Kind: KindAdd, Amount1: big10(20_000), Amount2: big10(1000), Min1: big10(1), Nonce: 1}),
		f.tx(0, Tx{Kind: KindRemove, Amount1: big10(50_000), Min1: big10(1), Min2: big10(1)}),
		f.tx(1, Tx{Kind: KindRemove, Amount1: big10(100), Min1: big10(1), Min2: big10(1), Nonce: 2}),
		f.tx(0, Tx{Kind: KindWithdraw, Side: 1, Amount1: big10(1000), Recipient: []byte("l1-address-000000000"), Nonce: 1}),
	} {
		kt := NewKitTx(tx, f.p)
		require.NoError(t, v.Admit(kt, pol))
		v.Apply(kt)
		txs = append(txs, kt)
	}
	b, err := kitState{f.s}.BuildBatch(rollupkit.BatchContext{ChainID: testChain, RollupID: testRollup, BatchIndex: 9, Submitter: []byte("submitter"),
		InboxBefore: protocol.InboxAccumulatorGenesis()}, nil, txs)
	require.NoError(t, err)
	require.Empty(t, b.Rejected)
	require.Equal(t, []int{0, 1, 2, 3, 4}, b.Included)
	require.NoError(t, solved(t, f.p, b))

	// the account view: head = pending = built; verified is another state
	addr := f.keys[1].Public.Address()
	a, err := r.Account(addr, kitState{f.s}, v, kitState{f.s})
	require.NoError(t, err)
	av := a.(AccountView)
	acc, err := f.s.Account(1)
	require.NoError(t, err)
	require.Equal(t, uint32(1), av.Index)
	require.Equal(t, acc.Base.String(), av.Base)
	require.Equal(t, acc.Quote.String(), av.Quote)
	require.Equal(t, acc.Shares.String(), av.Shares)
	require.Equal(t, uint32(3), av.Nonce)
	require.Equal(t, AccountAmounts{Base: av.Base, Quote: av.Quote, Shares: av.Shares, Nonce: 3}, av.Pending)
	pool, err := f.s.Pool()
	require.NoError(t, err)
	require.Equal(t, PoolAmounts{ReserveBase: pool.ReserveBase.String(), ReserveQuote: pool.ReserveQuote.String(), TotalShares: pool.TotalShares.String()}, av.Pool)
	require.Equal(t, av.Pool, av.PendingPool)
	bz, err := json.Marshal(av)
	require.NoError(t, err)
	require.Contains(t, string(bz), `"verified":{"base":`)
	_, err = r.Account(f.keys[2].Public.Address(), kitState{f.s}, v, kitState{f.s})
	require.Equal(t, rollupkit.CodeUnknownAccount, codeOfErr(err))
	_, err = r.Account([]byte{1, 2}, kitState{f.s}, v, kitState{f.s})
	require.Equal(t, rollupkit.CodeInvalidRequest, codeOfErr(err))
}

// A follower replays another operator's batch and matches its spends with
// pending transactions.
func TestKit_FollowMatchesSpends(t *testing.T) {
	f := seeded(t)
	r := kitRollup(t, f.p)
	// two follower states at the seeded point: verified and work
	replica := func() *State {
		st := mustOpen(t, f.p)
		_, err := st.ApplyData(EncodeData([]Record{
			{Kind: KindCredit, Account: 0, V1: big10(1_000_000)}, {Kind: KindCredit, Side: 1, Account: 0, V1: big10(2_000_000)},
			{Kind: KindCredit, Account: 1, V1: big10(50_000)},
			{Kind: KindAdd, Account: 0, V1: big10(100_000), V2: big10(200_000), V3: big10(100_000)}}),
			[]protocol.InboxEntry{f.deposit(0, "unat", 0), f.deposit(0, "uusdc", 0), f.deposit(1, "unat", 0)})
		require.NoError(t, err)
		return st
	}
	verified, work := replica(), replica()
	rb, err := verified.Root()
	require.NoError(t, err)
	rf, err := f.s.Root()
	require.NoError(t, err)
	require.True(t, rb.Equal(&rf), "the replicas are at the builder's root")

	swap := f.tx(1, Tx{Kind: KindSwap, Amount1: big10(1000), Min1: big10(1)})
	wd := f.tx(0, Tx{Kind: KindWithdraw, Amount1: big10(5), Recipient: []byte("l1-address-000000000")})
	later := f.tx(1, Tx{Kind: KindSwap, Amount1: big10(1000), Min1: big10(1), Nonce: 1})
	b := f.build(nil, swap, wd)
	require.Len(t, b.Included, 2)
	fb := rollupkit.ForeignBatch{Data: b.Data, Outbox: b.Outbox}
	fo, err := r.Follow(kitState{verified}, kitState{work}, fb)
	require.NoError(t, err)
	got, err := work.Root()
	require.NoError(t, err)
	require.True(t, got.Equal(&b.NewRoot))

	spend := func(tx Tx) rollupkit.Spend {
		s, err := fo.Spend(NewKitTx(tx, f.p))
		require.NoError(t, err)
		return s
	}
	require.Equal(t, rollupkit.Spend{}, spend(later), "a later nonce is still usable")
	sameNonceOtherMin := swap
	sameNonceOtherMin.Min1 = big10(1_000_000)
	s := spend(sameNonceOtherMin)
	require.True(t, s.Taken)
	require.False(t, s.Included)
	require.Equal(t, ": by another transaction", s.By)
	require.Equal(t, "nonce 0 of account 1", s.Nonce)
	require.Equal(t, rollupkit.Spend{Taken: true, Included: true, Nonce: "nonce 0 of account 1"}, spend(swap))
	require.False(t, spend(swap).Included, "a spend matches one transaction")
	elsewhere := wd
	elsewhere.Recipient = []byte("l1-address-111111111")
	s = spend(elsewhere)
	require.True(t, s.Taken)
	require.Contains(t, s.By, "another recipient")
	require.True(t, spend(wd).Included)

	// an unreadable outbox: the withdrawal cannot be matched
	verified, work = replica(), replica()
	fo, err = r.Follow(kitState{verified}, kitState{work}, rollupkit.ForeignBatch{Data: b.Data, OutboxErr: errors.New("gone")})
	require.NoError(t, err)
	s = spend(wd)
	require.False(t, s.Included)
	require.Contains(t, s.By, "could not be checked")

	// data that does not apply is a divergence
	var div *rollupkit.Divergence
	for name, fb := range map[string]rollupkit.ForeignBatch{
		"bad length":           {Data: []byte{1, 2, 3}},
		"credit, no inbox":     {Data: EncodeData([]Record{{Kind: KindCredit, Account: 2, V1: big10(1)}})},
		"spends not held":      {Data: EncodeData([]Record{{Kind: KindWithdraw, Account: 1, V1: big10(60_000)}})},
		"beyond the tree":      {Data: EncodeData([]Record{{Kind: KindWithdraw, Account: 1 << 10, V1: big10(1)}})},
		"more inbox than used": {Data: b.Data, Inbox: []protocol.InboxEntry{f.deposit(0, "unat", 1)}},
	} {
		_, err := r.Follow(kitState{replica()}, kitState{replica()}, fb)
		require.ErrorAs(t, err, &div, name)
	}
}
