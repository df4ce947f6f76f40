package payments

import (
	"fmt"
	"math/big"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
)

// Random batches applied natively and checked by the circuit: the witness
// carries the native roots, inbox accumulators, outbox and data, and the
// commitment binds them, so a solved circuit agrees on every one of them.
// Two shapes: paths up to the subroots shorter than the entry hash's and
// the address digest's chains (they finish on their own compressions),
// and long enough to hold both (as at depth 24).
func TestDifferential_RandomBatches(t *testing.T) {
	for _, p := range []Params{{Depth: 6, Slots: 5, ForcedSlots: 2}, {Depth: 12, Slots: 5, ForcedSlots: 2}} {
		t.Run(fmt.Sprintf("depth %d, path %d", p.Depth, p.PathDepth()), func(t *testing.T) { differentialRandomBatches(t, p) })
	}
}

func differentialRandomBatches(t *testing.T, p Params) {
	rng := rand.New(rand.NewSource(42))
	r := newRollup(t, p)
	keys := []*PrivateKey{testKey(1), testKey(2), testKey(3), testKey(4)}
	r.deposit(keys[0].Public, 1)
	r.inbox = append(r.inbox, protocol.InboxEntry{Sequence: 1, Kind: protocol.InboxKindL1Call, Sender: l1Addr(0x12)})
	nonces := map[uint32]uint32{}
	replayed := map[uint32]*Account{}
	seen := map[RecordKind]int{}
	// forced transactions come from their own stream, so the batches above
	// them stay those the seed gives
	frng := rand.New(rand.NewSource(7))
	forced := map[bool]int{}
	forcedKinds := map[RecordKind]int{}
	for batch := 0; batch < 12; batch++ {
		// forced transactions: valid, stale or future nonce, overdraft,
		// tampered signature or malformed
		if frng.Intn(4) != 0 {
			// the richest account, so that most are valid when they come
			k, richest := keys[0], new(big.Int)
			for _, key := range keys {
				if i, ok, _ := r.s.IndexOf(key.Public); ok {
					if a, _ := r.s.Account(i); a.Balance.Cmp(richest) > 0 {
						k, richest = key, new(big.Int).Set(&a.Balance)
					}
				}
			}
			if from, ok, err := r.s.IndexOf(k.Public); err == nil && ok {
				acc, err := r.s.Account(from)
				require.NoError(t, err)
				var tx Tx
				switch batch % 3 {
				case 0:
					tx = r.withdraw(k, from, uint64(frng.Intn(300))+1, uint64(frng.Intn(3)), l1Addr(0x66))
				case 1:
					tx = forcedSend(r, k, from, uint64(frng.Intn(300))+1, uint64(frng.Intn(3)), "dex")
				default:
					tx = r.transfer(k, from, []uint32{0, from}[frng.Intn(2)], uint64(frng.Intn(300)), uint64(frng.Intn(3))) // account 0 exists
				}
				tx = r.resign(k, tx, acc.Nonce+uint32(frng.Intn(5)/4))
				if frng.Intn(6) == 0 {
					tx.Sig.S.Add(&tx.Sig.S, big.NewInt(1))
				}
				payload := mustForced(t, tx)
				if frng.Intn(8) == 0 {
					payload = payload[:frng.Intn(len(payload))+1]
				}
				r.force(payload)
			}
		}
		// inbox traffic: deposits, a bounced foreign denom, an invalid
		// recipient, a value-less message
		for i := rng.Intn(3); i > 0; i-- {
			e := protocol.InboxEntry{Sequence: uint64(len(r.inbox)), Kind: protocol.InboxKindDeposit, Sender: l1Addr(0x11),
				Recipient: keys[rng.Intn(len(keys))].Public.Address(), Denom: DefaultDenom, Amount: protocol.NewUint128(uint64(rng.Intn(1_000_000) + 1))}
			switch rng.Intn(6) {
			case 0:
				e.Denom = "uatom"
			case 1:
				e.Recipient = l1Addr(0x22)
			case 2:
				e.Kind, e.SourceRollupID, e.Sender, e.Denom, e.Amount = protocol.InboxKindCrossRollupMessage, "dex", l1Addr(0x33), "", protocol.Uint128{}
			case 3:
				e.Kind, e.SourceRollupID = protocol.InboxKindRefund, "dex"
			}
			r.inbox = append(r.inbox, e)
		}
		var txs []Tx
		for i := rng.Intn(6); i > 0; i-- {
			k := keys[rng.Intn(len(keys))]
			from, ok, err := r.s.IndexOf(k.Public)
			require.NoError(t, err)
			if !ok {
				continue
			}
			acc, err := r.s.Account(from)
			require.NoError(t, err)
			amount := uint64(rng.Intn(2000))
			var tx Tx
			switch rng.Intn(4) {
			case 0, 3:
				tx = r.transfer(k, from, uint32(rng.Intn(len(keys))), amount, uint64(rng.Intn(5)))
			case 1:
				tx = r.withdraw(k, from, amount+1, 1, l1Addr(0x55))
			default:
				tx = r.send(k, from, amount+1, 0, "dex", keys[0].Public.Address())
			}
			tx = r.resign(k, tx, acc.Nonce+nonces[from])
			nonces[from]++
			txs = append(txs, tx)
		}
		first := r.next
		b := r.build(txs...)
		for _, rec := range b.Records {
			seen[rec.Kind]++
		}
		for _, o := range b.Forced {
			forced[o.Executed]++
			if o.Executed {
				tx, err := DecodeForcedTx(r.inbox[o.Sequence].Payload)
				require.NoError(t, err)
				forcedKinds[tx.Kind]++
			}
		}
		n, err := Replay(replayed, b.Data, r.inbox[first:])
		require.NoError(t, err)
		require.Equal(t, int(b.InboxConsumed), n)
		for i := range txs {
			if _, rejected := b.Rejected[i]; rejected || !contains(b.Included, i) {
				nonces[txs[i].From]--
			}
		}
		nonces = map[uint32]uint32{}
		require.NoError(t, solved(t, p, b), "batch %d", batch)
		data, err := b.EncodedOutbox()
		require.NoError(t, err)
		decoded, err := protocol.DecodeOutbox(data)
		require.NoError(t, err)
		require.Equal(t, protocol.OutboxHash(b.Outbox), protocol.OutboxHash(decoded))
		recs, err := DecodeData(b.Data)
		require.NoError(t, err)
		require.Len(t, recs, int(b.Commitment.L2TxCount))
		for i := range recs {
			require.Equal(t, b.Records[i], recs[i])
		}
	}
	for k := KindNoop; k <= KindBounceOut; k++ {
		require.NotZero(t, seen[k], "no slot of kind %d in the random batches", k)
	}
	require.NotZero(t, forced[true], "no forced transaction executed")
	require.NotZero(t, forced[false], "no forced transaction skipped")
	for _, k := range []RecordKind{KindTransfer, KindWithdraw, KindSend} {
		require.NotZero(t, forcedKinds[k], "no forced transaction of kind %d executed", k)
	}
	// exodus: data and inbox alone give every account
	for i := uint32(0); i < 1<<p.Depth; i++ {
		want, err := r.s.Account(i)
		require.NoError(t, err)
		got := replayed[i]
		if got == nil {
			got = &Account{}
		}
		require.Equal(t, want.Leaf(), got.Leaf(), "account %d", i)
	}
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func TestNative_RejectsBrokenTransactions(t *testing.T) {
	r := newRollup(t, testParams)
	op, alice, bob := testKey(1), testKey(2), testKey(3)
	r.deposit(op.Public, 1)
	r.deposit(alice.Public, 1000)
	r.deposit(bob.Public, 1000)
	r.build()
	badSig := r.transfer(alice, 1, 2, 10, 0)
	badSig.Sig.S.Add(&badSig.Sig.S, big.NewInt(1))
	malleated := r.transfer(alice, 1, 2, 10, 0)
	malleated.Sig.S.Add(&malleated.Sig.S, order)
	b := r.build(
		badSig,
		malleated,
		r.resign(alice, r.transfer(alice, 1, 2, 10, 0), 5), // wrong nonce
		r.transfer(alice, 1, 2, 1000, 1),                   // insufficient balance
	)
	require.Len(t, b.Rejected, 4)
	require.NoError(t, solved(t, testParams, b))
}

// The worked example of docs/spec/payments-rollup.md.
func TestRecord_SpecExample(t *testing.T) {
	transfer := Record{Kind: KindTransfer, From: 1, To: 2, Amount: Float{Exp: 3, Mantissa: 12345}, Fee: Float{Mantissa: 10}}
	credit := Record{Kind: KindCredit, To: 3}
	require.Equal(t, "20000020000043000303900a", hexOf(transfer.Bytes()))
	data := EncodeData([]Record{credit, transfer})
	require.Equal(t, "800000000000600000000000"+"20000020000043000303900a", hexBytes(data))
	amt, err := EncodeAmount(big.NewInt(12_345_000))
	require.NoError(t, err)
	require.Equal(t, Float{Exp: 0, Mantissa: 12_345_000}, amt, "smallest exponent first")
	require.Equal(t, "12345000", transfer.Amount.Value().String())
}

func hexOf(b [RecordBytes]byte) string { return hexBytes(b[:]) }

func hexBytes(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, x := range b {
		out = append(out, digits[x>>4], digits[x&15])
	}
	return string(out)
}
