package syncv1

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
)

const (
	testLeader    = "native1leader0000000000000000000000000000qqqq"
	testSubmitter = "native1payments00000000000000000000000000qqqq"
)

func elem(v uint64) []byte {
	e := fr.NewElement(v)
	return protocol.FieldElementBytes(e)
}

func testOutbox(t testing.TB) []byte {
	t.Helper()
	bz, err := protocol.EncodeOutbox([]protocol.OutboxEntry{{
		Kind: protocol.OutboxKindCrossRollupMessage, Sender: bytes.Repeat([]byte{0xaa}, 32), Recipient: bytes.Repeat([]byte{0xbb}, 32),
		DestRollupID: "exchange", Denom: "unat", Amount: protocol.NewUint128(1000), Payload: []byte("swap"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	return bz
}

// validOffer is a caller's proven offer consuming two entries, one of them
// provisional.
func validOffer(t testing.TB) Offer {
	t.Helper()
	return Offer{
		Version: Version, ChainID: "nativechain-1", Leader: testLeader, Round: 7, ExpiryHeight: 1200,
		Role: RoleCaller, RollupID: "payments", BatchIndex: 42,
		PrevStateRoot: elem(1), NewStateRoot: elem(2), DAHash: elem(3), InboxBefore: elem(4), InboxAfter: elem(5),
		InboxFrom: 10, InboxConsumed: 2, L2TxCount: 3,
		Provisional: []EntryRef{{Sequence: 11, EntryHash: elem(6)}},
		Outbox:      testOutbox(t),
		Submitter:   testSubmitter,
		ProofSHA256: bytes.Repeat([]byte{0x5a}, 32),
	}
}

func mustEncode(t testing.TB, o Offer) []byte {
	t.Helper()
	bz, err := o.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return bz
}

func offersEqual(t testing.TB, want, got Offer) {
	t.Helper()
	if !bytes.Equal(want.appendTo(nil), got.appendTo(nil)) {
		t.Fatalf("offers differ:\nwant %+v\ngot  %+v", want, got)
	}
}

func TestOffer_EncodeDecodeRoundTrip(t *testing.T) {
	intent := validOffer(t)
	intent.ProofSHA256 = make([]byte, 32)
	intent.Role = RoleExchange
	bare := validOffer(t)
	bare.Provisional, bare.Outbox, bare.InboxConsumed = nil, nil, 0
	bare.Role = RoleDestination
	for _, tc := range []struct {
		name string
		o    Offer
	}{{"proven caller offer", validOffer(t)}, {"exchange intent", intent}, {"no provisional, empty outbox", bare}} {
		t.Run(tc.name, func(t *testing.T) {
			bz := mustEncode(t, tc.o)
			got, err := DecodeOffer(bz)
			if err != nil {
				t.Fatal(err)
			}
			offersEqual(t, tc.o, got)
			if again := mustEncode(t, got); !bytes.Equal(again, bz) {
				t.Fatal("re-encoding differs")
			}
			if got.IsIntent() != (tc.name == "exchange intent") {
				t.Fatalf("IsIntent = %v", got.IsIntent())
			}
		})
	}
}

func TestOffer_DecodedOfferDoesNotAliasInput(t *testing.T) {
	bz := mustEncode(t, validOffer(t))
	o, err := DecodeOffer(bz)
	if err != nil {
		t.Fatal(err)
	}
	clear(bz)
	offersEqual(t, validOffer(t), o)
}

// roleOffset is the offset of the role byte in o's encoding.
func roleOffset(o Offer) int {
	return 4 + 1 + len(o.ChainID) + 1 + len(o.Leader) + 8 + 8
}

func TestOffer_DecodeRefusals(t *testing.T) {
	valid := validOffer(t)
	enc := mustEncode(t, valid)
	raw := func(mut func(o *Offer)) []byte { o := validOffer(t); mut(&o); return o.appendTo(nil) }
	edit := func(mut func(b []byte) []byte) []byte { return mut(bytes.Clone(enc)) }
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty input", nil, ErrOfferMalformed},
		{"truncated by one byte", enc[:len(enc)-1], ErrOfferMalformed},
		{"trailing byte", append(bytes.Clone(enc), 0), ErrOfferMalformed},
		{"over MaxOfferBytes", make([]byte, MaxOfferBytes+1), ErrOfferTooLarge},
		{"version 0", edit(func(b []byte) []byte { binary.BigEndian.PutUint32(b, 0); return b }), ErrOfferVersion},
		{"version 2", edit(func(b []byte) []byte { binary.BigEndian.PutUint32(b, 2); return b }), ErrOfferVersion},
		{"role 0", edit(func(b []byte) []byte { b[roleOffset(valid)] = 0; return b }), ErrOfferRole},
		{"role 4", edit(func(b []byte) []byte { b[roleOffset(valid)] = 4; return b }), ErrOfferRole},
		{"non-minimal length varint", edit(func(b []byte) []byte {
			// chain id length 13 as two bytes 0x8d 0x00
			return append(append(b[:4:4], 0x8d, 0x00), b[5:]...)
		}), ErrOfferNonCanonical},
		{"varint overflowing 64 bits", edit(func(b []byte) []byte {
			return append(append(b[:4:4], bytes.Repeat([]byte{0xff}, 10)...), 0x01)
		}), ErrOfferMalformed},
		{"chain id over its bound", raw(func(o *Offer) { o.ChainID = string(bytes.Repeat([]byte{'c'}, protocol.MaxChainIDLen+1)) }), ErrOfferTooLarge},
		{"leader over its bound", raw(func(o *Offer) { o.Leader = "native1" + string(bytes.Repeat([]byte{'q'}, MaxAccountLen)) }), ErrOfferTooLarge},
		{"rollup id over its bound", raw(func(o *Offer) { o.RollupID = string(bytes.Repeat([]byte{'r'}, protocol.MaxRollupIDLen+1)) }), ErrOfferTooLarge},
		{"too many provisional entries", raw(func(o *Offer) {
			o.Provisional = make([]EntryRef, MaxProvisional+1)
			for i := range o.Provisional {
				o.Provisional[i] = EntryRef{Sequence: uint64(i), EntryHash: elem(1)}
			}
		}), ErrOfferTooLarge},
		{"provisional count past the end", edit(func(b []byte) []byte {
			// the count byte follows the fixed header; 2 entries declared, 1 present
			off := roleOffset(valid) + 1 + 1 + len(valid.RollupID) + 8 + 5*32 + 24
			if b[off] != 1 {
				t.Fatalf("count byte at %d is %d", off, b[off])
			}
			b[off] = 0x7f
			return b
		}), ErrOfferMalformed},
		{"outbox length over its bound", edit(func(b []byte) []byte {
			off := roleOffset(valid) + 1 + 1 + len(valid.RollupID) + 8 + 5*32 + 24 + 1 + 40
			return append(append(b[:off:off], binary.AppendUvarint(nil, protocol.MaxOutboxBytes+1)...), b[off+1:]...)
		}), ErrOfferTooLarge},
		{"empty chain id", raw(func(o *Offer) { o.ChainID = "" }), ErrOfferInvalid},
		{"empty rollup id", raw(func(o *Offer) { o.RollupID = "" }), ErrOfferInvalid},
		{"leader not a bech32 string", raw(func(o *Offer) { o.Leader = "Native Leader" }), ErrOfferInvalid},
		{"empty submitter", raw(func(o *Offer) { o.Submitter = "" }), ErrOfferInvalid},
		{"expiry height 0", raw(func(o *Offer) { o.ExpiryHeight = 0 }), ErrOfferInvalid},
		{"negative expiry height", raw(func(o *Offer) { o.ExpiryHeight = -1 }), ErrOfferInvalid},
		{"state root not a field element", raw(func(o *Offer) { o.NewStateRoot = bytes.Repeat([]byte{0xff}, 32) }), ErrOfferInvalid},
		{"inbox accumulator not a field element", raw(func(o *Offer) { o.InboxAfter = bytes.Repeat([]byte{0xff}, 32) }), ErrOfferInvalid},
		{"provisional hash not a field element", raw(func(o *Offer) { o.Provisional[0].EntryHash = bytes.Repeat([]byte{0xff}, 32) }), ErrOfferInvalid},
		{"provisional not increasing", raw(func(o *Offer) {
			o.Provisional = []EntryRef{{Sequence: 11, EntryHash: elem(1)}, {Sequence: 11, EntryHash: elem(2)}}
		}), ErrOfferInvalid},
		{"provisional outside the consumed range", raw(func(o *Offer) { o.Provisional[0].Sequence = 12 }), ErrOfferInvalid},
		{"consumed range overflows", raw(func(o *Offer) { o.InboxFrom, o.Provisional = ^uint64(0), nil }), ErrOfferInvalid},
		{"outbox not a canonical outbox", raw(func(o *Offer) { o.Outbox = append(bytes.Clone(o.Outbox), 0) }), ErrOfferInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DecodeOffer(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if got.Version != 0 || got.Outbox != nil {
				t.Fatal("a refused decode returned a partial offer")
			}
		})
	}
}

func TestOffer_DecodeRefusesEveryTruncation(t *testing.T) {
	enc := mustEncode(t, validOffer(t))
	for n := 0; n < len(enc); n++ {
		if _, err := DecodeOffer(enc[:n]); err == nil {
			t.Fatalf("prefix of %d bytes accepted", n)
		}
	}
}

func TestOffer_EncodeRefusesInvalidFields(t *testing.T) {
	tests := []struct {
		name string
		mut  func(o *Offer)
		want error
	}{
		{"version 2", func(o *Offer) { o.Version = 2 }, ErrOfferVersion},
		{"role unspecified", func(o *Offer) { o.Role = RoleUnspecified }, ErrOfferRole},
		{"short prev state root", func(o *Offer) { o.PrevStateRoot = o.PrevStateRoot[:31] }, ErrOfferInvalid},
		{"long da hash", func(o *Offer) { o.DAHash = append(bytes.Clone(o.DAHash), 0) }, ErrOfferInvalid},
		{"nil inbox before", func(o *Offer) { o.InboxBefore = nil }, ErrOfferInvalid},
		{"short proof digest", func(o *Offer) { o.ProofSHA256 = make([]byte, 31) }, ErrOfferInvalid},
		{"short provisional hash", func(o *Offer) { o.Provisional[0].EntryHash = make([]byte, 31) }, ErrOfferInvalid},
		{"outbox over MaxOutboxBytes", func(o *Offer) { o.Outbox = make([]byte, protocol.MaxOutboxBytes+1) }, ErrOfferTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := validOffer(t)
			tc.mut(&o)
			if _, err := o.Encode(); !errors.Is(err, tc.want) {
				t.Fatalf("Encode err = %v, want %v", err, tc.want)
			}
			if _, err := o.SignBytes(); !errors.Is(err, tc.want) {
				t.Fatalf("SignBytes err = %v, want %v", err, tc.want)
			}
			if o.ID() != ([32]byte{}) {
				t.Fatal("an invalid offer has an ID")
			}
		})
	}
}

func TestOffer_SignBytesAndID(t *testing.T) {
	o := validOffer(t)
	sb, err := o.SignBytes()
	if err != nil {
		t.Fatal(err)
	}
	prefix := append([]byte(OfferSignTag), 0)
	if !bytes.HasPrefix(sb, prefix) || !bytes.Equal(sb[len(prefix):], mustEncode(t, o)) {
		t.Fatal("sign bytes are not tag || 0x00 || encoding")
	}
	if o.ID() != sha256.Sum256(sb) {
		t.Fatal("ID is not sha256(sign bytes)")
	}
	other := validOffer(t)
	other.Round++
	if other.ID() == o.ID() {
		t.Fatal("a different offer has the same ID")
	}
}

func TestOffer_Conflicts(t *testing.T) {
	a := validOffer(t)
	otherRoot := validOffer(t)
	otherRoot.NewStateRoot = elem(99)
	otherIndex := validOffer(t)
	otherIndex.BatchIndex++
	otherPrev := validOffer(t)
	otherPrev.PrevStateRoot = elem(98)
	invalid := otherRoot
	invalid.ExpiryHeight = 0
	otherLeader := validOffer(t)
	otherLeader.Leader = "native1otherleader000000000000000000000000qqqq"
	tests := []struct {
		name string
		b    Offer
		want bool
	}{
		{"same offer is no equivocation", validOffer(t), false},
		{"different new state root", otherRoot, true},
		{"same batch for another leader", otherLeader, true},
		{"different batch index", otherIndex, false},
		{"different prev state root", otherPrev, false},
		{"an invalid offer is no evidence", invalid, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Conflicts(a, tc.b); got != tc.want {
				t.Fatalf("Conflicts = %v, want %v", got, tc.want)
			}
			if got := Conflicts(tc.b, a); got != tc.want {
				t.Fatalf("Conflicts is not symmetric")
			}
		})
	}
}

func FuzzDecodeOffer(f *testing.F) {
	f.Add(mustEncode(f, validOffer(f)))
	bare := validOffer(f)
	bare.Provisional, bare.Outbox, bare.InboxConsumed = nil, nil, 0
	f.Add(mustEncode(f, bare))
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, in []byte) {
		o, err := DecodeOffer(in)
		if err != nil {
			return
		}
		out, err := o.Encode()
		if err != nil {
			t.Fatalf("accepted offer does not encode: %v", err)
		}
		if !bytes.Equal(out, in) {
			t.Fatal("accepted offer does not round-trip")
		}
		if o.ID() == ([32]byte{}) {
			t.Fatal("accepted offer has no ID")
		}
	})
}
