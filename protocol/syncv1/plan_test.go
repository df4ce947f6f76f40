package syncv1

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/nativechain/nativechain/protocol"
)

func validAbort() Abort {
	return Abort{Version: Version, ChainID: "nativechain-1", Leader: testLeader, Round: 7, Reason: "caller payments missed the deadline"}
}

func TestAbort_EncodeDecodeRoundTrip(t *testing.T) {
	a := validAbort()
	bz, err := a.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeAbort(bz)
	if err != nil {
		t.Fatal(err)
	}
	if got != a {
		t.Fatalf("got %+v, want %+v", got, a)
	}
	sb, err := a.SignBytes()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sb, append(append([]byte(AbortSignTag), 0), bz...)) || a.ID() != sha256.Sum256(sb) {
		t.Fatal("sign bytes or ID")
	}
	empty := a
	empty.Reason = ""
	if _, err := empty.Encode(); err != nil {
		t.Fatal("an empty reason is allowed:", err)
	}
}

func TestAbort_DecodeRefusals(t *testing.T) {
	enc, err := validAbort().Encode()
	if err != nil {
		t.Fatal(err)
	}
	raw := func(mut func(a *Abort)) []byte { a := validAbort(); mut(&a); return a.appendTo(nil) }
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrAbortMalformed},
		{"truncated", enc[:len(enc)-1], ErrAbortMalformed},
		{"trailing byte", append(bytes.Clone(enc), 'x'), ErrAbortMalformed},
		{"oversize input", make([]byte, maxAbortBytes+1), ErrAbortTooLarge},
		{"version 2", func() []byte { b := bytes.Clone(enc); binary.BigEndian.PutUint32(b, 2); return b }(), ErrAbortVersion},
		{"non-minimal varint", append(append(bytes.Clone(enc[:4]), 0x8d, 0x00), enc[5:]...), ErrAbortNonCanonical},
		{"chain id over its bound", raw(func(a *Abort) { a.ChainID = string(make([]byte, protocol.MaxChainIDLen+1)) }), ErrAbortTooLarge},
		{"reason over its bound", raw(func(a *Abort) { a.Reason = string(bytes.Repeat([]byte{'r'}, MaxAbortReasonLen+1)) }), ErrAbortTooLarge},
		{"reason with a control byte", raw(func(a *Abort) { a.Reason = "line\nbreak" }), ErrAbortInvalid},
		{"empty chain id", raw(func(a *Abort) { a.ChainID = "" }), ErrAbortInvalid},
		{"leader not bech32", raw(func(a *Abort) { a.Leader = "leader" }), ErrAbortInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := DecodeAbort(tc.in); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	for n := 0; n < len(enc); n++ {
		if _, err := DecodeAbort(enc[:n]); err == nil {
			t.Fatalf("prefix of %d bytes accepted", n)
		}
	}
}

// An abort's sign bytes never equal an offer's: the tags differ before
// the 0x00.
func TestAbort_SignBytesAreNotOfferSignBytes(t *testing.T) {
	sb, err := validAbort().SignBytes()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.HasPrefix(sb, append([]byte(OfferSignTag), 0)) {
		t.Fatal("abort sign bytes carry the offer tag")
	}
}
