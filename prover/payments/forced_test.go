package payments

import (
	"bytes"
	"encoding/hex"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

// force appends a forced-transaction entry (as tx rollups force-include
// does) with the given payload.
func (r *rollup) force(payload []byte) {
	r.inbox = append(r.inbox, protocol.InboxEntry{Sequence: uint64(len(r.inbox)), Kind: protocol.InboxKindForcedTx,
		Sender: l1Addr(0x44), Payload: payload})
}

func (r *rollup) forceTx(tx Tx) {
	r.t.Helper()
	payload, err := EncodeForcedTx(&tx)
	require.NoError(r.t, err)
	r.force(payload)
}

// funded is a rollup with the operator (0), alice (1, 1,000,000) and bob
// (2, 500) after one batch of deposits.
func funded(t *testing.T, p Params) (*rollup, *PrivateKey, *PrivateKey) {
	r := newRollup(t, p)
	op, alice, bob := testKey(1), testKey(2), testKey(3)
	r.deposit(op.Public, 1)
	r.deposit(alice.Public, 1_000_000)
	r.deposit(bob.Public, 500)
	r.build()
	return r, alice, bob
}

func account(t *testing.T, r *rollup, i uint32) Account {
	a, err := r.s.Account(i)
	require.NoError(t, err)
	return a
}

func TestForcedTx_EncodeDecodeRoundTrip(t *testing.T) {
	r, alice, _ := funded(t, testParams)
	for name, tx := range map[string]Tx{
		"withdrawal": r.withdraw(alice, 1, 250_000, 3, l1Addr(0x55)),
		"transfer":   r.transfer(alice, 1, 2, 12_345_000, 10),
		"send":       forcedSend(r, alice, 1, 4000, 1, "dex"),
	} {
		t.Run(name, func(t *testing.T) {
			payload, err := EncodeForcedTx(&tx)
			require.NoError(t, err)
			require.Len(t, payload, ForcedTxBytes)
			got, err := DecodeForcedTx(payload)
			require.NoError(t, err)
			require.Equal(t, tx.record(), got.record())
			require.Equal(t, tx.Nonce, got.Nonce)
			require.Equal(t, tx.Recipient, got.Recipient)
			require.Equal(t, tx.DestRollupID, got.DestRollupID)
			require.Equal(t, tx.Sig.RX, got.Sig.RX)
			require.Equal(t, tx.Sig.RY, got.Sig.RY)
			require.Zero(t, tx.Sig.S.Cmp(&got.Sig.S))
			// the payload posts a transfer's index only: the key signed is
			// the one the state holds there
			require.Equal(t, PublicKey{}, got.ToKey)
			got.ToKey = tx.ToKey
			require.True(t, got.Verify(alice.Public, r.domain, DefaultDenom))
			// the opening of a canonical payload is structural and digests
			// to PayloadDigest
			o := openPayload(payload)
			require.True(t, o.structural())
			require.Equal(t, protocol.PayloadDigest(payload), o.digest())
		})
	}
}

func TestForcedTx_EncodeRefusesWhatCannotBeForced(t *testing.T) {
	r, alice, _ := funded(t, testParams)
	withPayload := r.send(alice, 1, 10, 0, "dex", alice.Public.Address())
	longRecipient := r.withdraw(alice, 1, 10, 0, bytes.Repeat([]byte{7}, 32))
	longRollup := forcedSend(r, alice, 1, 10, 0, strings.Repeat("r", MaxForcedRollupIDLen+1))
	shortL2 := forcedSend(r, alice, 1, 10, 0, "dex")
	shortL2.Recipient = shortL2.Recipient[:32]
	for name, tx := range map[string]Tx{"send with a payload": withPayload, "32-byte L1 recipient": longRecipient,
		"31-byte rollup id": longRollup, "32-byte L2 recipient": shortL2} {
		_, err := EncodeForcedTx(&tx)
		require.ErrorIs(t, err, ErrMalformedForcedTx, name)
	}
}

func TestForcedTx_DecodeRejectsMalformed(t *testing.T) {
	r, alice, _ := funded(t, testParams)
	w := r.withdraw(alice, 1, 10, 0, l1Addr(0x55))
	good, err := EncodeForcedTx(&w)
	require.NoError(t, err)
	tr := r.transfer(alice, 1, 2, 10, 0)
	goodTransfer, err := EncodeForcedTx(&tr)
	require.NoError(t, err)
	snd := forcedSend(r, alice, 1, 10, 0, "dex")
	goodSend, err := EncodeForcedTx(&snd)
	require.NoError(t, err)
	edit := func(b []byte, f func([]byte) []byte) []byte { return f(bytes.Clone(b)) }
	for name, payload := range map[string][]byte{
		"short":                 good[:ForcedTxBytes-1],
		"long":                  append(bytes.Clone(good), 0),
		"version":               edit(good, func(b []byte) []byte { b[0] = 2; return b }),
		"padding of chunk 0":    edit(good, func(b []byte) []byte { b[30] = 1; return b }),
		"padding of chunk 1":    edit(good, func(b []byte) []byte { b[61] = 1; return b }),
		"send kind":             edit(good, func(b []byte) []byte { b[1] = byte(KindSend) << 5; return b }),
		"withdrawal with to":    edit(good, func(b []byte) []byte { b[6] |= 1; return b }),
		"transfer with address": edit(goodTransfer, func(b []byte) []byte { b[40] = 1; return b }),
		"send: id padding":      edit(goodSend, func(b []byte) []byte { b[185] = 'x'; return b }),
		"send: id length 0":     edit(goodSend, func(b []byte) []byte { b[155] = 0; return b }),
		"send: id length 31":    edit(goodSend, func(b []byte) []byte { b[155] = 31; return b }),
		"send: L1 recipient":    edit(goodSend, func(b []byte) []byte { b[31] = 1; return b }),
		"send: padding":         edit(goodSend, func(b []byte) []byte { b[278] = 1; return b }),
		"withdrawal with L2":    edit(good, func(b []byte) []byte { b[200] = 1; return b }),
		"withdrawal of zero": edit(good, func(b []byte) []byte {
			// clear the amount mantissa and exponent
			copy(b[1:13], (Record{Kind: KindWithdraw, From: 1}).word().FillBytes(make([]byte, 12)))
			return b
		}),
	} {
		_, err := DecodeForcedTx(payload)
		require.ErrorIs(t, err, ErrMalformedForcedTx, name)
	}
}

// The worked example of docs/spec/payments-rollup.md, section 6.
func TestSpecDoc_ForcedTxVector(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "spec", "payments-rollup.md"))
	require.NoError(t, err)
	row := regexp.MustCompile("^\\| `(forced-[a-z-]+)` \\| `([0-9a-f ]+)` \\|$")
	inDoc := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if m := row.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			inDoc[m[1]] = strings.ReplaceAll(m[2], " ", "")
		}
	}
	// key seed 2 (account 1) withdraws 250,000 with a fee of 3 to the L1
	// account 0x55..55 at nonce 0, on chain nativechain-1, rollup payments
	k := testKey(2)
	amt, err := EncodeAmount(big.NewInt(250_000))
	require.NoError(t, err)
	tx := Tx{Kind: KindWithdraw, From: 1, Amount: amt, Fee: Float{Mantissa: 3}, Nonce: 0, Recipient: l1Addr(0x55)}
	tx.Sign(k, paymentsv1.Domain(testChainID, testRollupID), DefaultDenom)
	payload, err := EncodeForcedTx(&tx)
	require.NoError(t, err)
	digest := protocol.PayloadDigest(payload)
	want := map[string]string{
		"forced-key-seed":       hex.EncodeToString([]byte{2}),
		"forced-payload":        hex.EncodeToString(payload),
		"forced-payload-digest": hex.EncodeToString(protocol.FieldElementBytes(digest)),
	}
	for name, v := range want {
		require.Equal(t, v, inDoc[name], "vector %q", name)
	}
	require.Len(t, inDoc, len(want))
}

func TestForcedTx_ValidWithdrawalIsExecuted(t *testing.T) {
	r, alice, _ := funded(t, testParams)
	r.forceTx(r.withdraw(alice, 1, 250_000, 3, l1Addr(0x55)))
	b := r.build()
	require.Equal(t, []ForcedOutcome{{Sequence: 3, Executed: true}}, b.Forced)
	require.Equal(t, Record{Kind: KindSkip, Forced: true}, b.Records[0])
	require.Equal(t, protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Sender: alice.Public.Address(),
		Recipient: l1Addr(0x55), Denom: DefaultDenom, Amount: protocol.NewUint128(250_000)}, b.Outbox[0])
	require.Equal(t, protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Recipient: l1Addr(0x88),
		Denom: DefaultDenom, Amount: protocol.NewUint128(3)}, b.Outbox[1], "the fee goes to the submitter")
	a := account(t, r, 1)
	require.Equal(t, "749997", a.Balance.String())
	require.Equal(t, uint32(1), a.Nonce)
	require.NoError(t, solved(t, testParams, b))
}

func TestForcedTx_ValidTransferIsExecutedBeforeTheMempool(t *testing.T) {
	r, alice, _ := funded(t, testParams)
	r.forceTx(r.transfer(alice, 1, 2, 1000, 0))
	// the operator's own transaction at the same nonce comes too late
	b := r.build(r.transfer(alice, 1, 2, 7, 0))
	require.True(t, b.Forced[0].Executed)
	require.Len(t, b.Rejected, 1)
	require.Equal(t, "999000", func() string { a := account(t, r, 1); return a.Balance.String() }())
	require.Equal(t, "1500", func() string { a := account(t, r, 2); return a.Balance.String() }())
	require.NoError(t, solved(t, testParams, b))
}

// Every way a forced transaction can be invalid: consumed as a plain skip,
// nothing changes, and the circuit accepts the skip.
func TestForcedTx_InvalidIsSkipped(t *testing.T) {
	cases := map[string]func(r *rollup, alice *PrivateKey) []byte{
		"bad signature": func(r *rollup, alice *PrivateKey) []byte {
			tx := r.withdraw(alice, 1, 10, 0, l1Addr(0x55))
			tx.Sig.S.Add(&tx.Sig.S, big.NewInt(1))
			return mustForced(r.t, tx)
		},
		"signature scalar S + l": func(r *rollup, alice *PrivateKey) []byte {
			tx := r.withdraw(alice, 1, 10, 0, l1Addr(0x55))
			tx.Sig.S.Add(&tx.Sig.S, order)
			return mustForced(r.t, tx)
		},
		"signature scalar above 2^251": func(r *rollup, alice *PrivateKey) []byte {
			tx := r.withdraw(alice, 1, 10, 0, l1Addr(0x55))
			tx.Sig.S.SetBit(&tx.Sig.S, 255, 1)
			return mustForced(r.t, tx)
		},
		"signed by another key": func(r *rollup, _ *PrivateKey) []byte {
			return mustForced(r.t, r.withdraw(testKey(9), 1, 10, 0, l1Addr(0x55)))
		},
		"stale nonce": func(r *rollup, alice *PrivateKey) []byte {
			r.build(r.transfer(alice, 1, 2, 1, 0))
			return mustForced(r.t, r.resign(alice, r.withdraw(alice, 1, 10, 0, l1Addr(0x55)), 0))
		},
		"future nonce": func(r *rollup, alice *PrivateKey) []byte {
			return mustForced(r.t, r.resign(alice, r.withdraw(alice, 1, 10, 0, l1Addr(0x55)), 1))
		},
		"overdraft": func(r *rollup, alice *PrivateKey) []byte {
			return mustForced(r.t, r.withdraw(alice, 1, 1_000_000, 1, l1Addr(0x55)))
		},
		"amount above 2^128": func(r *rollup, alice *PrivateKey) []byte {
			tx := r.withdraw(alice, 1, 10, 0, l1Addr(0x55))
			tx.Amount = Float{Exp: 31, Mantissa: 1<<28 - 1}
			tx.Sign(alice, r.domain, DefaultDenom)
			return mustForced(r.t, tx)
		},
		"sender account empty": func(r *rollup, _ *PrivateKey) []byte {
			k := testKey(9)
			tx := r.withdraw(k, 1, 10, 0, l1Addr(0x55))
			tx.From = 7
			tx.Sign(k, r.domain, DefaultDenom)
			return mustForced(r.t, tx)
		},
		"transfer to an empty account": func(r *rollup, alice *PrivateKey) []byte {
			return mustForced(r.t, r.transfer(alice, 1, 9, 10, 0))
		},
		"index outside the tree": func(r *rollup, alice *PrivateKey) []byte {
			tx := r.transfer(alice, 1, 1<<testParams.Depth+2, 10, 0)
			return mustForced(r.t, tx)
		},
		"malformed: short":            func(*rollup, *PrivateKey) []byte { return []byte("not a transaction") },
		"malformed: long":             func(*rollup, *PrivateKey) []byte { return bytes.Repeat([]byte{1}, 400) },
		"malformed: 4 chunks":         func(*rollup, *PrivateKey) []byte { return bytes.Repeat([]byte{1}, 4*31) },
		"malformed: 9 chunks of ones": func(*rollup, *PrivateKey) []byte { return bytes.Repeat([]byte{1}, ForcedTxBytes) },
		"send: bad signature": func(r *rollup, alice *PrivateKey) []byte {
			tx := forcedSend(r, alice, 1, 10, 0, "dex")
			tx.Sig.S.Add(&tx.Sig.S, big.NewInt(1))
			return mustForced(r.t, tx)
		},
		"send: overdraft": func(r *rollup, alice *PrivateKey) []byte {
			return mustForced(r.t, forcedSend(r, alice, 1, 2_000_000, 0, "dex"))
		},
		"send: rollup id padding": func(r *rollup, alice *PrivateKey) []byte {
			b := mustForced(r.t, forcedSend(r, alice, 1, 10, 0, "dex"))
			b[170] = 'x'
			return b
		},
		"malformed: version": func(r *rollup, alice *PrivateKey) []byte {
			b := mustForced(r.t, r.withdraw(alice, 1, 10, 0, l1Addr(0x55)))
			b[0] = 9
			return b
		},
		"malformed: send kind": func(r *rollup, alice *PrivateKey) []byte {
			b := mustForced(r.t, r.withdraw(alice, 1, 10, 0, l1Addr(0x55)))
			b[1] = b[1]&0x1f | byte(KindSend)<<5
			return b
		},
	}
	for name, payload := range cases {
		t.Run(name, func(t *testing.T) {
			r, alice, _ := funded(t, testParams)
			r.force(payload(r, alice))
			before, err := r.s.Root()
			require.NoError(t, err)
			b := r.build()
			require.Len(t, b.Forced, 1)
			require.False(t, b.Forced[0].Executed)
			require.Error(t, b.Forced[0].Reason)
			require.Equal(t, uint64(1), b.InboxConsumed)
			require.Equal(t, Record{Kind: KindSkip}, b.Records[0])
			require.Equal(t, before, b.NewRoot, "a skipped forced transaction changes nothing")
			require.Empty(t, b.Outbox)
			require.NoError(t, solved(t, testParams, b))
		})
	}
}

// forcedSend is a signed send without payload to a 64-byte L2 address.
func forcedSend(r *rollup, k *PrivateKey, from uint32, amount, fee uint64, dest string) Tx {
	tx := r.send(k, from, amount, fee, dest, testKey(9).Public.Address())
	tx.Payload = nil
	tx.Sign(k, r.domain, DefaultDenom)
	return tx
}

func TestForcedTx_ValidSendIsExecuted(t *testing.T) {
	r, alice, _ := funded(t, testParams)
	r.forceTx(forcedSend(r, alice, 1, 4000, 2, "dex"))
	b := r.build()
	require.True(t, b.Forced[0].Executed)
	require.Equal(t, protocol.OutboxEntry{Kind: protocol.OutboxKindCrossRollupMessage, Sender: alice.Public.Address(),
		Recipient: testKey(9).Public.Address(), DestRollupID: "dex", Denom: DefaultDenom, Amount: protocol.NewUint128(4000)}, b.Outbox[0])
	require.Equal(t, "995998", func() string { a := account(t, r, 1); return a.Balance.String() }())
	require.NoError(t, solved(t, testParams, b))
}

func mustForced(t testing.TB, tx Tx) []byte {
	t.Helper()
	payload, err := EncodeForcedTx(&tx)
	require.NoError(t, err)
	return payload
}

// With one forced-capable slot, a forced transaction behind a deposit waits
// for the next batch, where it is executed first.
func TestForcedTx_BatchStopsAtAForcedTxItCannotPlace(t *testing.T) {
	r, alice, _ := funded(t, testParams)
	r.deposit(alice.Public, 5)
	r.forceTx(r.withdraw(alice, 1, 100, 0, l1Addr(0x55)))
	r.deposit(alice.Public, 6)
	b := r.build()
	require.Equal(t, uint64(1), b.InboxConsumed, "the deposit only")
	require.Empty(t, b.Forced)
	require.NoError(t, solved(t, testParams, b))
	b = r.build()
	require.Equal(t, uint64(2), b.InboxConsumed)
	require.True(t, b.Forced[0].Executed)
	require.NoError(t, solved(t, testParams, b))
}

// builderAt starts a batch by hand, for witnesses the native rules would
// not build.
func builderAt(t *testing.T, r *rollup) *builder {
	b, err := r.s.newBuilder(BatchContext{ChainID: testChainID, RollupID: testRollupID, BatchIndex: r.index,
		Submitter: l1Addr(0x88), InboxBefore: r.acc})
	require.NoError(t, err)
	return b
}

func (b *builder) finishWithNoops(t *testing.T) *Batch {
	for len(b.slots) < b.s.p.Slots {
		require.NoError(t, b.noop())
	}
	batch, err := b.finish()
	require.NoError(t, err)
	return batch
}

// The operator cannot censor: skipping a valid forced transaction, as a
// forced skip or as an ordinary skip, in a forced-capable slot or another,
// has no satisfying witness.
func TestCircuit_RejectsSkippingAValidForcedTx(t *testing.T) {
	kinds := map[string]func(r *rollup, alice *PrivateKey) Tx{
		"withdrawal": func(r *rollup, alice *PrivateKey) Tx { return r.withdraw(alice, 1, 250_000, 3, l1Addr(0x55)) },
		"transfer":   func(r *rollup, alice *PrivateKey) Tx { return r.transfer(alice, 1, 2, 250_000, 3) },
		"send":       func(r *rollup, alice *PrivateKey) Tx { return forcedSend(r, alice, 1, 250_000, 3, "dex") },
	}
	for name, build := range map[string]func(t *testing.T, b *builder, e protocol.InboxEntry){
		"forced skip": func(t *testing.T, b *builder, e protocol.InboxEntry) {
			b.batch.InboxConsumed++
			b.inboxAfter = protocol.InboxAccumulate(b.inboxAfter, e)
			fw := forcedWitness(e)
			require.NoError(t, b.skipForced(e.Payload, &fw))
		},
		"ordinary skip in the forced-capable slot": func(t *testing.T, b *builder, e protocol.InboxEntry) {
			b.batch.InboxConsumed++
			b.inboxAfter = protocol.InboxAccumulate(b.inboxAfter, e)
			require.NoError(t, b.slot(Record{Kind: KindSkip}, slotExtra{entry: inboxEntryWitness(e)}))
		},
		"ordinary skip in a later slot": func(t *testing.T, b *builder, e protocol.InboxEntry) {
			require.NoError(t, b.noopLike())
			b.batch.InboxConsumed++
			b.inboxAfter = protocol.InboxAccumulate(b.inboxAfter, e)
			require.NoError(t, b.slot(Record{Kind: KindSkip}, slotExtra{entry: inboxEntryWitness(e)}))
		},
	} {
		for kind, tx := range kinds {
			t.Run(name+"/"+kind, func(t *testing.T) {
				r, alice, _ := funded(t, testParams)
				r.forceTx(tx(r, alice))
				b := builderAt(t, r)
				build(t, b, r.inbox[r.next])
				batch := b.finishWithNoops(t)
				require.Error(t, solved(t, testParams, batch))
			})
		}
	}
	// and the honest batches of the same inboxes are accepted
	for kind, tx := range kinds {
		r, alice, _ := funded(t, testParams)
		r.forceTx(tx(r, alice))
		b := r.build()
		require.True(t, b.Forced[0].Executed, kind)
		require.NoError(t, solved(t, testParams, b), kind)
	}
}

// noopLike fills one slot with a skip-free transfer of zero from the
// operator's account so that the next slot is not forced-capable.
func (b *builder) noopLike() error {
	op := testKey(1)
	a, err := b.s.Account(0)
	if err != nil {
		return err
	}
	tx := Tx{Kind: KindTransfer, From: 0, To: 0, ToKey: op.Public, Nonce: a.Nonce}
	tx.Sign(op, b.domain, b.s.p.Denom)
	return b.apply(&tx)
}

// Each link between the executed transaction and the forced payload,
// broken in an otherwise valid witness.
func TestCircuit_RejectsBrokenForcedExecution(t *testing.T) {
	cases := map[string]func(a *Circuit){
		"not marked forced":           func(a *Circuit) { a.Forced[0].IsForced = 0 },
		"another amount":              func(a *Circuit) { a.Slots[0].AmountMant = bumped(a.Slots[0].AmountMant, 1) },
		"another recipient":           func(a *Circuit) { a.Slots[0].Entry.Recipient = bumped(a.Slots[0].Entry.Recipient, 1) },
		"posted as the plain tx":      func(a *Circuit) { a.Slots[0].Bytes[11] = bumped(a.Slots[0].Bytes[11], -1) },
		"another payload chunk":       func(a *Circuit) { a.Forced[0].Chunks[1] = bumped(a.Forced[0].Chunks[1], 1) },
		"payload opened short":        func(a *Circuit) { a.Forced[0].Active[0] = 0 },
		"another sender of the entry": func(a *Circuit) { a.Forced[0].Sender = bumped(a.Forced[0].Sender, 1) },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			r, alice, _ := funded(t, testParams)
			r.forceTx(r.withdraw(alice, 1, 250_000, 3, l1Addr(0x55)))
			b := r.build()
			require.True(t, b.Forced[0].Executed)
			mutate(b.Assignment)
			require.Error(t, solved(t, testParams, b))
		})
	}
}

func TestRecord_ForcedFlagRoundTrip(t *testing.T) {
	r := Record{Kind: KindSkip, Forced: true}
	require.Equal(t, "a00000000000000000000001", hexOf(r.Bytes()))
	got, err := DecodeRecord(hexDecode(t, "a00000000000000000000001"))
	require.NoError(t, err)
	require.Equal(t, r, got)
	got, err = DecodeRecord(hexDecode(t, "a00000000000000000000000"))
	require.NoError(t, err)
	require.Equal(t, Record{Kind: KindSkip}, got)
}

func hexDecode(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func TestParams_ForcedSlotsBounds(t *testing.T) {
	for _, tc := range []struct {
		p  Params
		ok bool
	}{
		{Params{Depth: 8, Slots: 4}, true}, // default 1
		{Params{Depth: 8, Slots: 4, ForcedSlots: 4}, true},
		{Params{Depth: 8, Slots: 4, ForcedSlots: 5}, false},
		{Params{Depth: 8, Slots: 4, ForcedSlots: -1}, false},
	} {
		err := tc.p.Validate()
		require.Equal(t, tc.ok, err == nil, "%+v: %v", tc.p, err)
	}
	require.Equal(t, DefaultForcedSlots, Params{Depth: 8, Slots: 4}.WithDefaults().ForcedSlots)
}

// Skipping a valid forced withdrawal or send by checking its signature
// over another entry than the one it would emit: the entry is pinned to
// the payload, so the skip stays unsatisfiable.
func TestCircuit_RejectsSkippingWithAnotherWouldBeEntry(t *testing.T) {
	for name, c := range map[string]struct {
		tx     func(r *rollup, alice *PrivateKey) Tx
		mutate func(e *EntryWitness)
	}{
		"withdrawal, recipient": {
			func(r *rollup, alice *PrivateKey) Tx { return r.withdraw(alice, 1, 250, 3, l1Addr(0x55)) },
			func(e *EntryWitness) { e.Recipient = bumped(e.Recipient, 1) },
		},
		"withdrawal, amount": {
			func(r *rollup, alice *PrivateKey) Tx { return r.withdraw(alice, 1, 250, 3, l1Addr(0x55)) },
			func(e *EntryWitness) { e.Amount = bumped(e.Amount, 1) },
		},
		"send, recipient": {
			func(r *rollup, alice *PrivateKey) Tx { return forcedSend(r, alice, 1, 250, 3, "dex") },
			func(e *EntryWitness) { e.Recipient = bumped(e.Recipient, 1) },
		},
		"send, rollup": {
			func(r *rollup, alice *PrivateKey) Tx { return forcedSend(r, alice, 1, 250, 3, "dex") },
			func(e *EntryWitness) { e.Rollup = protocol.RollupIDDigest("dey") },
		},
		"send, payload": {
			func(r *rollup, alice *PrivateKey) Tx { return forcedSend(r, alice, 1, 250, 3, "dex") },
			func(e *EntryWitness) { e.Payload = protocol.PayloadDigest([]byte("memo")) },
		},
		"send, kind": {
			func(r *rollup, alice *PrivateKey) Tx { return forcedSend(r, alice, 1, 250, 3, "dex") },
			func(e *EntryWitness) { e.Kind = uint32(protocol.OutboxKindWithdrawal) },
		},
	} {
		t.Run(name, func(t *testing.T) {
			r, alice, _ := funded(t, testParams)
			r.forceTx(c.tx(r, alice))
			b := builderAt(t, r)
			e := r.inbox[r.next]
			b.batch.InboxConsumed++
			b.inboxAfter = protocol.InboxAccumulate(b.inboxAfter, e)
			fw := forcedWitness(e)
			require.NoError(t, b.skipForced(e.Payload, &fw))
			batch := b.finishWithNoops(t)
			c.mutate(&batch.Assignment.Slots[0].Entry)
			require.Error(t, solved(t, testParams, batch))
		})
	}
}
