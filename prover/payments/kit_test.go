package payments

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

func TestKit_RegisteredAndConfiguredFromTheCircuitsParams(t *testing.T) {
	k, err := rollupkit.Lookup(KindName)
	require.NoError(t, err)
	require.Equal(t, CircuitName, k.Circuit())
	d, err := circuits.Lookup(k.Circuit())
	require.NoError(t, err)
	full, err := d.Resolve(circuits.Params{"depth": "8", "slots": "4"})
	require.NoError(t, err)
	r, err := k.Configure(full)
	require.NoError(t, err)
	require.Equal(t, full, r.Params(), "the params round-trip")
	p := Params{Depth: 8, Slots: 4}.WithDefaults()
	require.Equal(t, p.EmptyRoot(), r.EmptyRoot())
	require.Equal(t, rollupkit.Summary{Denom: "unat", Depth: 8, Slots: 4, MaxDataBytes: p.MaxDataBytes(),
		StoreTag: "depth=8 slots=4 denom=unat"}, r.Summary())
	l, ok := r.ExitLayout()
	require.True(t, ok)
	require.Equal(t, protocol.ExitLayoutParams{Name: protocol.ExitLayoutPaymentsV1, Depth: 8, Denom: "unat"}, l)

	_, err = k.Configure(circuits.Params{"depth": "99", "slots": "4", "denom": "unat"})
	require.Error(t, err)
	_, err = rollupkit.Lookup("nope")
	require.ErrorIs(t, err, rollupkit.ErrUnknownKind)
	require.ErrorContains(t, err, KindName, "the error lists the registered kinds")
}

// The kind's wire form is the operator API's WireTx JSON, byte for byte,
// and its generic fields are the payments ones.
func TestKit_TxWireAndGenericFields(t *testing.T) {
	r := newRollup(t, Params{Depth: 8, Slots: 4})
	alice, bob := testKey(1), testKey(2)
	r.deposit(alice.Public, 1000)
	r.deposit(bob.Public, 10)
	r.build()
	kind := NewRollup(Params{Depth: 8, Slots: 4})
	for _, tx := range []Tx{r.transfer(alice, 0, 1, 5, 1), r.withdraw(alice, 0, 5, 2, l1Addr(3)), r.send(alice, 0, 5, 3, "other", bob.Public.Address())} {
		want, err := json.Marshal(ToWire(tx))
		require.NoError(t, err)
		kt, err := kind.DecodeTx(want)
		require.NoError(t, err)
		require.Equal(t, string(want), string(kt.Wire()))
		require.Equal(t, "0", kt.Sender())
		require.Equal(t, uint64(tx.Nonce), kt.Nonce())
		require.Equal(t, tx.Fee.Value(), kt.Fee())
		switch tx.Kind {
		case KindTransfer:
			require.Equal(t, []string{"1"}, kt.Credits())
			require.Empty(t, kt.Outgoing())
		case KindWithdraw:
			require.Empty(t, kt.Credits())
			require.Equal(t, []protocol.OutboxEntry{{Kind: protocol.OutboxKindWithdrawal, Recipient: l1Addr(3)}}, kt.Outgoing())
		case KindSend:
			out := kt.Outgoing()
			require.Len(t, out, 1)
			require.Equal(t, "other", out[0].DestRollupID)
			require.Equal(t, []byte("memo"), out[0].Payload)
		}
	}
	_, err := kind.DecodeTx([]byte(`{"kind":"transfer","extra":1}`))
	var ae *rollupkit.APIError
	require.True(t, errors.As(err, &ae))
	require.Equal(t, rollupkit.CodeInvalidRequest, ae.Code)
	_, err = kind.DecodeForcedTx([]byte{1, 2, 3})
	require.Error(t, err)
}

// A batch built through the kit is the native batch, and following it
// from its data on another copy of the state gives the same root and
// tells which transactions it spent.
func TestKit_BuildThenFollowGivesTheSameRootAndSpends(t *testing.T) {
	p := Params{Depth: 8, Slots: 4}
	r := newRollup(t, p)
	alice, bob := testKey(1), testKey(2)
	r.deposit(alice.Public, 1000)
	r.deposit(bob.Public, 10)
	r.build()
	kind := NewRollup(p)
	verifiedDB := dbm.NewMemDB()
	_, err := StateFromAccounts(verifiedDB, p, mustAccounts(t, r.s, 0, 1))
	require.NoError(t, err)

	tx1, tx2 := r.transfer(alice, 0, 1, 5, 1), r.withdraw(bob, 1, 3, 1, l1Addr(4))
	other := r.resign(alice, r.transfer(alice, 0, 1, 6, 1), 0) // same nonce, another amount
	head, err := kind.Open(r.s.db)
	require.NoError(t, err)
	kb, err := head.BuildBatch(rollupkit.BatchContext{ChainID: testChainID, RollupID: testRollupID, BatchIndex: r.index,
		Submitter: l1Addr(0x88), InboxBefore: r.acc}, nil, []rollupkit.Tx{NewKitTx(tx1), NewKitTx(tx2)})
	require.NoError(t, err)
	require.Equal(t, []int{0, 1}, kb.Included)
	_, isCircuit := kb.Assignment.(*Circuit)
	require.True(t, isCircuit)

	verified, err := kind.Open(verifiedDB)
	require.NoError(t, err)
	work, err := kind.Open(newCopy(t, verifiedDB))
	require.NoError(t, err)
	fb, err := kind.Follow(verified, work, rollupkit.ForeignBatch{Data: kb.Data, Outbox: kb.Outbox})
	require.NoError(t, err)
	root, err := work.Root()
	require.NoError(t, err)
	require.Equal(t, kb.NewRoot, root)

	for _, c := range []struct {
		tx              Tx
		taken, included bool
	}{{tx1, true, true}, {tx2, true, true}, {other, true, false}, {r.resign(alice, tx1, 1), false, false}} {
		sp, err := fb.Spend(NewKitTx(c.tx))
		require.NoError(t, err)
		require.Equal(t, c.taken, sp.Taken, "%+v", c.tx)
		require.Equal(t, c.included, sp.Included, "%+v", c.tx)
	}

	_, err = kind.Follow(verified, work, rollupkit.ForeignBatch{Data: []byte{1, 2, 3}})
	var d *rollupkit.Divergence
	require.ErrorAs(t, err, &d)
	require.Contains(t, d.Reason, "data does not decode")
}

func mustAccounts(t testing.TB, s *State, idx ...uint32) map[uint32]*Account {
	out := map[uint32]*Account{}
	for _, i := range idx {
		a, err := s.Account(i)
		require.NoError(t, err)
		out[i] = &a
	}
	return out
}

func newCopy(t testing.TB, db dbm.DB) dbm.DB {
	out := dbm.NewMemDB()
	it, err := db.Iterator(nil, nil)
	require.NoError(t, err)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		require.NoError(t, out.Set(it.Key(), it.Value()))
	}
	return out
}

// BenchmarkBuildBatch builds a full batch of transfers at the production
// depth, natively and through the kit (what the operator calls): the kit
// adds only the conversion of the transactions and the batch.
func BenchmarkBuildBatch(b *testing.B) {
	for _, slots := range []int{16} {
		p := Params{Depth: ProductionDepth, Slots: slots}
		for _, path := range []string{"native", "kit"} {
			b.Run(fmt.Sprintf("%s/slots=%d", path, slots), func(b *testing.B) {
				r := newRollup(b, p)
				alice, bob := testKey(1), testKey(2)
				r.deposit(alice.Public, 1_000_000)
				r.deposit(bob.Public, 10)
				r.build()
				txs := make([]Tx, slots)
				kits := make([]rollupkit.Tx, slots)
				for i := range txs {
					txs[i] = r.resign(alice, r.transfer(alice, 0, 1, 5, 1), uint32(i))
					kits[i] = NewKitTx(txs[i])
				}
				bctx := BatchContext{ChainID: testChainID, RollupID: testRollupID, BatchIndex: r.index, Submitter: l1Addr(0x88), InboxBefore: r.acc}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					st, err := OpenState(newCopy(b, r.s.db), p)
					require.NoError(b, err)
					b.StartTimer()
					var n int
					if path == "native" {
						bt, err := st.BuildBatch(bctx, nil, txs)
						require.NoError(b, err)
						n = len(bt.Included)
					} else {
						bt, err := kitState{st}.BuildBatch(rollupkit.BatchContext(bctx), nil, kits)
						require.NoError(b, err)
						n = len(bt.Included)
					}
					require.Equal(b, slots, n)
				}
			})
		}
	}
}
