package payments

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
)

// validBatch returns a rollup with funded accounts and a valid batch of a
// transfer, a withdrawal, a deposit credit and a send.
func validBatch(t *testing.T) (*Batch, *rollup) {
	b, r := validBatchUnsolved(t)
	require.NoError(t, solved(t, testParams, b))
	return b, r
}

// validBatchUnsolved is validBatch without the check that the batch
// circuit accepts it.
func validBatchUnsolved(t *testing.T) (*Batch, *rollup) {
	r := newRollup(t, testParams)
	op, alice, bob := testKey(1), testKey(2), testKey(3)
	r.deposit(op.Public, 1)
	r.deposit(alice.Public, 1_000_000)
	r.deposit(bob.Public, 500)
	r.build()
	r.deposit(bob.Public, 7)
	b := r.build(
		r.transfer(alice, 1, 2, 1000, 10),
		r.withdraw(bob, 2, 200, 1, l1Addr(0x55)),
		r.resign(alice, r.send(alice, 1, 3000, 2, "dex", testKey(9).Public.Address()), 1),
	)
	require.Empty(t, b.Rejected)
	require.Equal(t, KindCredit, b.Records[0].Kind)
	return b, r
}

func bumped(v frontend.Variable, d int64) frontend.Variable {
	var e fr.Element
	if _, err := e.SetInterface(v); err != nil {
		panic(err)
	}
	var x fr.Element
	x.SetInt64(d)
	e.Add(&e, &x)
	return e
}

// Each rule of the circuit, broken in an otherwise valid witness.
func TestCircuit_RejectsEachBrokenRule(t *testing.T) {
	cases := map[string]func(a *Circuit, b *Batch){
		"bad signature": func(a *Circuit, _ *Batch) { a.Slots[1].SigS = bumped(a.Slots[1].SigS, 1) },
		"signature S + l (malleated)": func(a *Circuit, _ *Batch) {
			s := new(big.Int).Set(a.Slots[1].SigS.(*big.Int))
			a.Slots[1].SigS = s.Add(s, order)
		},
		"wrong nonce": func(a *Circuit, _ *Batch) { a.Slots[1].A.Nonce = bumped(a.Slots[1].A.Nonce, 1) },
		"insufficient balance": func(a *Circuit, _ *Batch) {
			// debit more than the sender has: the posted amount grows
			s := &a.Slots[2]
			s.AmountExp = 20
		},
		"amount overflow on credit": func(a *Circuit, _ *Batch) {
			s := &a.Slots[0]
			s.Entry.Amount = new(big.Int).Lsh(big.NewInt(1), 128)
		},
		"balance wraps negative": func(a *Circuit, _ *Batch) {
			a.Slots[1].A.Balance = big.NewInt(0)
		},
		"skipped inbox entry": func(a *Circuit, _ *Batch) { a.Slots[0].Entry.Sequence = bumped(a.Slots[0].Entry.Sequence, 1) },
		"wrong inbox order": func(a *Circuit, _ *Batch) {
			a.InboxBefore = protocol.InboxAccumulatorGenesis()
		},
		"tampered DA byte": func(a *Circuit, _ *Batch) { a.Slots[1].Bytes[11] = bumped(a.Slots[1].Bytes[11], 1) },
		"outbox mismatch":  func(a *Circuit, _ *Batch) { a.Slots[2].Entry.Recipient = bumped(a.Slots[2].Entry.Recipient, 1) },
		// the withdrawal's address digest and entry hash run on B's idle
		// path, the credit's on A's: both still bind the slot
		"withdrawal from another sender": func(a *Circuit, _ *Batch) { a.Slots[2].Entry.Sender = bumped(a.Slots[2].Entry.Sender, 1) },
		"credit of another amount":       func(a *Circuit, _ *Batch) { a.Slots[0].Entry.Amount = bumped(a.Slots[0].Entry.Amount, 1) },
		"outbox count":                   func(a *Circuit, _ *Batch) { a.OutboxCount = 4 },
		"fees not paid":                  func(a *Circuit, _ *Batch) { a.OutboxCount = 2 },
		"wrong previous root":            func(a *Circuit, _ *Batch) { a.PrevRoot = bumped(a.PrevRoot, 1) },
		// the subroots stand for the previous root's top levels: one the
		// root does not open would let a slot read a leaf the state lacks
		"subroot the previous root does not open": func(a *Circuit, _ *Batch) {
			a.Subroots[len(a.Subroots)-1] = bumped(a.Subroots[len(a.Subroots)-1], 1)
		},
		"subroots swapped": func(a *Circuit, _ *Batch) { a.Subroots[0], a.Subroots[1] = a.Subroots[1], a.Subroots[0] },
		"credit to another key": func(a *Circuit, _ *Batch) {
			k := testKey(7).Public
			a.Slots[0].B.X, a.Slots[0].B.Y = k.X, k.Y
		},
		"credit of another denom": func(a *Circuit, _ *Batch) { a.Slots[0].Entry.Denom = protocol.DenomDigest("uatom") },
		"no-op before a transaction": func(a *Circuit, _ *Batch) {
			for k := range a.Slots[1].IsKind {
				a.Slots[1].IsKind[k] = 0
			}
			a.Slots[1].IsKind[KindNoop] = 1
		},
		"tx count": func(a *Circuit, _ *Batch) { a.DAChunks = bumped(a.DAChunks, 1) },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			b, _ := validBatch(t)
			mutate(b.Assignment, b)
			require.Error(t, solved(t, testParams, b))
		})
	}
}
