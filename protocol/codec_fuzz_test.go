package protocol

import (
	"bytes"
	"errors"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"
)

// Fuzz targets of the commitment encodings the chain decodes from
// untrusted bytes: the outbox a batch posts, the batch data it hashes,
// field elements, state roots and amounts. Every decoder must return a
// protocol error or a value that encodes back to its input; none may panic.
// Plain `go test` runs the seeds and the committed corpus in testdata/fuzz/.
// (The stored inbox message, a protobuf of x/rollups, is fuzzed there.)

// requireProtocolError fails unless err wraps a protocol Error, whose code
// the chain reports (see errors_test.go).
func requireProtocolError(t *testing.T, err error) {
	t.Helper()
	var pe *Error
	require.True(t, errors.As(err, &pe), "untyped error: %v", err)
	require.Greater(t, pe.ABCICode(), uint32(1), "untyped error: %v", err)
}

// fuzzOutboxSeeds are outboxes of every kind and edge the encoding has.
func fuzzOutboxSeeds() [][]OutboxEntry {
	l1 := bytes.Repeat([]byte{0x55}, 20)
	l2 := bytes.Repeat([]byte{0x77}, 32)
	maxAmount := Uint128{Hi: ^uint64(0), Lo: ^uint64(0)}
	return [][]OutboxEntry{
		{{Kind: OutboxKindWithdrawal, Recipient: l1, Denom: "unat", Amount: NewUint128(1)}},
		{{Kind: OutboxKindWithdrawal, Sender: l2, Recipient: l1, Denom: "unat", Amount: maxAmount}},
		{{Kind: OutboxKindCrossRollupMessage, Sender: l2, Recipient: l2, DestRollupID: "dex", Payload: []byte("call")}},
		{
			{Kind: OutboxKindCrossRollupMessage, Sender: l2, Recipient: l2, DestRollupID: "dex", Denom: "unat", Amount: NewUint128(300)},
			{Kind: OutboxKindWithdrawal, Recipient: l1, Denom: "ibc/ABCDEF", Amount: Uint128{Hi: 1}},
		},
	}
}

func FuzzDecodeOutbox(f *testing.F) {
	for _, entries := range fuzzOutboxSeeds() {
		bz, err := EncodeOutbox(entries)
		require.NoError(f, err)
		f.Add(bz)
		f.Add(bz[:len(bz)-1])
		f.Add(append(bytes.Clone(bz), 0))
	}
	f.Add([]byte{0x00})                         // explicit zero count
	f.Add([]byte{0x81, 0x00})                   // non-minimal varint
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0x0f}) // hostile count

	f.Fuzz(func(t *testing.T, bz []byte) {
		entries, err := DecodeOutbox(bz)
		if err != nil {
			require.Nil(t, entries)
			requireProtocolError(t, err)
			return
		}
		// Strict inverse: only the canonical encoding decodes.
		again, err := EncodeOutbox(entries)
		require.NoError(t, err)
		require.True(t, bytes.Equal(bz, again), "decode then encode gives the input back: %x != %x", bz, again)
		h1, h2 := OutboxHash(entries), OutboxHash(entries)
		require.True(t, h1.Equal(&h2))
	})
}

// FuzzOutboxEntry builds one entry from fuzzed fields: a valid entry
// encodes, decodes to itself and keeps its hash; an invalid one is refused
// by the encoder with a typed error.
func FuzzOutboxEntry(f *testing.F) {
	for _, entries := range fuzzOutboxSeeds() {
		e := entries[0]
		f.Add(uint32(e.Kind), e.Sender, e.Recipient, e.DestRollupID, e.Denom, e.Amount.Hi, e.Amount.Lo, e.Payload)
	}
	f.Add(uint32(9), []byte{}, []byte{}, "", "", uint64(0), uint64(0), []byte{})
	f.Add(uint32(OutboxKindWithdrawal), []byte{}, bytes.Repeat([]byte{1}, 20), "", "UNAT", uint64(0), uint64(5), []byte{})

	f.Fuzz(func(t *testing.T, kind uint32, sender, recipient []byte, dest, denom string, hi, lo uint64, payload []byte) {
		e := OutboxEntry{
			Kind: OutboxKind(kind), Sender: nilIfEmpty(sender), Recipient: nilIfEmpty(recipient),
			DestRollupID: dest, Denom: denom, Amount: Uint128{Hi: hi, Lo: lo}, Payload: nilIfEmpty(payload),
		}
		bz, err := EncodeOutbox([]OutboxEntry{e})
		if verr := e.Validate(); verr != nil {
			requireProtocolError(t, verr)
			requireProtocolError(t, err)
			return
		}
		require.NoError(t, err)
		got, err := DecodeOutbox(bz)
		require.NoError(t, err)
		require.Equal(t, []OutboxEntry{e}, got)
		h1, h2 := OutboxHash([]OutboxEntry{e}), OutboxHash(got)
		require.True(t, h1.Equal(&h2))
	})
}

// FuzzDAHash hashes posted batch data: deterministic, and the length is
// bound, so zero padding of the last chunk cannot make two data equal.
func FuzzDAHash(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("block 1 txs"))
	f.Add(bytes.Repeat([]byte{0}, 31))
	f.Add(bytes.Repeat([]byte{0xff}, 62))

	f.Fuzz(func(t *testing.T, data []byte) {
		h1, h2 := DAHash(data), DAHash(bytes.Clone(data))
		require.True(t, h1.Equal(&h2))
		padded := DAHash(append(bytes.Clone(data), 0))
		require.False(t, h1.Equal(&padded), "a trailing zero byte changes the DA hash")
	})
}

// FuzzParseFieldElement covers state roots and accumulators: accepted
// bytes are the canonical encoding of the element.
func FuzzParseFieldElement(f *testing.F) {
	one := fr.NewElement(1)
	f.Add(FieldElementBytes(one))
	f.Add(bytes.Repeat([]byte{0xff}, 32))
	f.Add(fr.Modulus().FillBytes(make([]byte, 32)))
	f.Add(make([]byte, 31))

	f.Fuzz(func(t *testing.T, bz []byte) {
		e, err := ParseFieldElement(bz)
		root, rootErr := ParseStateRoot(bz)
		if err != nil {
			requireProtocolError(t, err)
			requireProtocolError(t, rootErr)
			return
		}
		require.NoError(t, rootErr)
		require.True(t, e.Equal(&root))
		require.True(t, IsReducedElement(&e))
		require.Equal(t, bz, FieldElementBytes(e))
	})
}

// FuzzParseUint128 covers the decimal amounts of stored inbox messages.
func FuzzParseUint128(f *testing.F) {
	for _, s := range []string{"0", "1", "340282366920938463463374607431768211455", "340282366920938463463374607431768211456", "01", "-1", "1e3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseUint128(s)
		if err != nil {
			requireProtocolError(t, err)
			return
		}
		require.Equal(t, s, a.String())
		back, err := Uint128FromBig(a.BigInt())
		require.NoError(t, err)
		require.Equal(t, a, back)
	})
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
