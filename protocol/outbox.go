package protocol

import (
	"bytes"
	"encoding/binary"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// OutboxKind says what an outbox entry asks the base chain to do.
type OutboxKind uint32

const (
	OutboxKindUnspecified        OutboxKind = 0 // invalid
	OutboxKindWithdrawal         OutboxKind = 1 // pay an L1 account from the rollup's escrow ledger
	OutboxKindCrossRollupMessage OutboxKind = 2 // append to another rollup's inbox, value optional
)

// String names the kind.
func (k OutboxKind) String() string {
	switch k {
	case OutboxKindWithdrawal:
		return "withdrawal"
	case OutboxKindCrossRollupMessage:
		return "cross-rollup-message"
	default:
		return "unspecified"
	}
}

// Bounds of the outbox encoding. Module params may be tighter.
const (
	MaxOutboxEntries = 1024
	MaxOutboxBytes   = 256 * 1024

	maxAmountBytes = 16
	// minEntryBytes is the smallest encoded entry: kind and six empty
	// length-prefixed fields (the amount counts as one).
	minEntryBytes = 7
	// maxVarintBytes bounds every varint we read: all lengths and kinds are
	// far below 2^35.
	maxVarintBytes = 5
)

// OutboxEntry is one effect of a verified batch on the base chain.
type OutboxEntry struct {
	Kind OutboxKind
	// Sender is the L2 account on the source rollup that caused the entry.
	// Required on cross-rollup messages (the destination sees who called,
	// and a bounce is refunded to it); optional on withdrawals.
	Sender []byte
	// Recipient is the L1 account for withdrawals, the L2 recipient on the
	// destination rollup for cross-rollup messages.
	Recipient []byte
	// DestRollupID is set only on cross-rollup messages.
	DestRollupID string
	Denom        string
	Amount       Uint128
	Payload      []byte
}

// Validate applies the per-kind rules:
//
//	withdrawal:    recipient, amount > 0 with a valid denom, no destination, no payload;
//	               sender optional
//	cross-rollup:  sender, destination rollup id and recipient; value and payload optional
func (e OutboxEntry) Validate() error {
	switch e.Kind {
	case OutboxKindWithdrawal:
		if e.DestRollupID != "" {
			return ErrInvalidOutboxEntry.Wrap("withdrawal carries a destination rollup id")
		}
		if e.Amount.IsZero() {
			return ErrInvalidOutboxEntry.Wrap("withdrawal of zero")
		}
		if len(e.Payload) != 0 {
			return ErrInvalidOutboxEntry.Wrap("withdrawal carries a payload")
		}
	case OutboxKindCrossRollupMessage:
		if err := ValidateRollupID(e.DestRollupID); err != nil {
			return err
		}
	default:
		return ErrUnknownOutboxKind.Wrapf("%d", uint32(e.Kind))
	}
	if err := validateAddress("sender", e.Sender, e.Kind == OutboxKindCrossRollupMessage); err != nil {
		return err
	}
	if err := validateAddress("recipient", e.Recipient, true); err != nil {
		return err
	}
	if err := validateValue(e.Amount, e.Denom); err != nil {
		return err
	}
	return validatePayload(e.Payload)
}

// Hash is the entry's field-element hash:
//
//	H(TagOutboxEntry; kind*2^128 + amount, AddressDigest(sender),
//	  AddressDigest(recipient), RollupIDDigest(destRollupID),
//	  DenomDigest(denom), PayloadDigest(payload))
func (e OutboxEntry) Hash() fr.Element {
	return Chain(tagOutboxEntry,
		packHeader(0, uint32(e.Kind), e.Amount),
		AddressDigest(e.Sender),
		AddressDigest(e.Recipient),
		RollupIDDigest(e.DestRollupID),
		DenomDigest(e.Denom),
		PayloadDigest(e.Payload),
	)
}

// OutboxEntryCount is the number of entries an encoded outbox declares:
// its leading uvarint, read without decoding an entry, capped at
// MaxOutboxEntries + 1 (DecodeOutbox refuses any count over the cap, and a
// malformed count). It is what a batch pays outbox-entry gas for before
// the outbox is decoded and hashed; for an outbox DecodeOutbox accepts it
// is the number of entries.
func OutboxEntryCount(bz []byte) uint64 {
	if len(bz) == 0 {
		return 0
	}
	n, read := binary.Uvarint(bz)
	if read <= 0 || n > MaxOutboxEntries {
		return MaxOutboxEntries + 1
	}
	return n
}

// OutboxHash commits to a batch's outbox, in order:
// H(TagOutbox; n, e_1.Hash(), ..., e_n.Hash()). The empty outbox hashes to
// H(TagOutbox; 0).
func OutboxHash(entries []OutboxEntry) fr.Element {
	xs := make([]fr.Element, 1, 1+len(entries))
	xs[0].SetUint64(uint64(len(entries)))
	for i := range entries {
		xs = append(xs, entries[i].Hash())
	}
	return Chain(tagOutbox, xs...)
}

// EncodeOutbox is the canonical binary encoding of an outbox:
//
//	outbox = ""                                   (no entries)
//	       | uvarint(n) entry^n                   (n >= 1)
//	entry  = uvarint(kind) bytes(sender) bytes(recipient) bytes(destRollupID)
//	         bytes(denom) amount bytes(payload)
//	bytes  = uvarint(len) octets
//	amount = u8(len) big-endian magnitude without leading zero byte (0 -> len 0)
//
// uvarint is minimal unsigned LEB128. Every entry must Validate.
func EncodeOutbox(entries []OutboxEntry) ([]byte, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	if len(entries) > MaxOutboxEntries {
		return nil, ErrOutboxTooManyEntries.Wrapf("%d entries, max %d", len(entries), MaxOutboxEntries)
	}
	out := binary.AppendUvarint(nil, uint64(len(entries)))
	for i := range entries {
		e := &entries[i]
		if err := e.Validate(); err != nil {
			return nil, errWithEntry(err, uint64(i))
		}
		out = binary.AppendUvarint(out, uint64(e.Kind))
		out = appendBytes(out, e.Sender)
		out = appendBytes(out, e.Recipient)
		out = appendBytes(out, []byte(e.DestRollupID))
		out = appendBytes(out, []byte(e.Denom))
		out = appendAmount(out, e.Amount)
		out = appendBytes(out, e.Payload)
		if len(out) > MaxOutboxBytes {
			return nil, ErrOutboxTooLarge.Wrapf("more than %d bytes", MaxOutboxBytes)
		}
	}
	return out, nil
}

// DecodeOutbox is the strict inverse of EncodeOutbox: it rejects oversize
// input, non-minimal varints, amounts with leading zeros or over 128 bits,
// unknown kinds, entries that fail Validate and trailing bytes, so that
// DecodeOutbox(b) succeeds only if EncodeOutbox(DecodeOutbox(b)) == b.
// It never allocates more than a small multiple of len(bz).
func DecodeOutbox(bz []byte) ([]OutboxEntry, error) {
	if len(bz) == 0 {
		return nil, nil
	}
	if len(bz) > MaxOutboxBytes {
		return nil, ErrOutboxTooLarge.Wrapf("%d bytes, max %d", len(bz), MaxOutboxBytes)
	}
	r := outboxReader{buf: bz}
	n, err := r.uvarint()
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, ErrOutboxNonCanonical.Wrap("explicit zero entry count (the empty outbox is the empty string)")
	}
	if n > MaxOutboxEntries {
		return nil, ErrOutboxTooManyEntries.Wrapf("%d entries, max %d", n, MaxOutboxEntries)
	}
	if n > uint64(r.remaining()/minEntryBytes) {
		return nil, ErrOutboxTruncated.Wrapf("%d entries cannot fit in %d bytes", n, r.remaining())
	}
	entries := make([]OutboxEntry, 0, n)
	for i := uint64(0); i < n; i++ {
		e, err := r.entry()
		if err != nil {
			return nil, errWithEntry(err, i)
		}
		if err := e.Validate(); err != nil {
			return nil, errWithEntry(err, i)
		}
		entries = append(entries, e)
	}
	if r.remaining() != 0 {
		return nil, ErrOutboxTrailingBytes.Wrapf("%d bytes", r.remaining())
	}
	return entries, nil
}

func errWithEntry(err error, i uint64) error {
	return wrapf(err, "outbox entry %d", i)
}

func appendBytes(out, b []byte) []byte {
	out = binary.AppendUvarint(out, uint64(len(b)))
	return append(out, b...)
}

func appendAmount(out []byte, a Uint128) []byte {
	var buf [maxAmountBytes]byte
	a.putBytes(&buf)
	mag := bytes.TrimLeft(buf[:], "\x00")
	out = append(out, byte(len(mag)))
	return append(out, mag...)
}

type outboxReader struct {
	buf []byte
	off int
}

func (r *outboxReader) remaining() int { return len(r.buf) - r.off }

// uvarint reads a minimal LEB128 value of at most maxVarintBytes bytes.
func (r *outboxReader) uvarint() (uint64, error) {
	var v uint64
	for i := 0; i < maxVarintBytes; i++ {
		if r.off >= len(r.buf) {
			return 0, ErrOutboxTruncated.Wrap("varint")
		}
		b := r.buf[r.off]
		r.off++
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			if i > 0 && b == 0 {
				return 0, ErrOutboxNonCanonical.Wrap("non-minimal varint")
			}
			return v, nil
		}
	}
	return 0, ErrOutboxNonCanonical.Wrapf("varint longer than %d bytes", maxVarintBytes)
}

// bytesField reads a length-prefixed field of at most maxLen bytes and
// returns a copy, so decoded entries never alias the input.
func (r *outboxReader) bytesField(maxLen int, tooLong *Error) ([]byte, error) {
	n, err := r.uvarint()
	if err != nil {
		return nil, err
	}
	if n > uint64(maxLen) {
		return nil, tooLong.Wrapf("%d bytes, max %d", n, maxLen)
	}
	if n > uint64(r.remaining()) {
		return nil, ErrOutboxTruncated.Wrapf("field of %d bytes, %d left", n, r.remaining())
	}
	if n == 0 {
		return nil, nil
	}
	b := bytes.Clone(r.buf[r.off : r.off+int(n)])
	r.off += int(n)
	return b, nil
}

func (r *outboxReader) amount() (Uint128, error) {
	if r.remaining() < 1 {
		return Uint128{}, ErrOutboxTruncated.Wrap("amount")
	}
	n := int(r.buf[r.off])
	r.off++
	if n > maxAmountBytes {
		return Uint128{}, ErrAmountOverflow.Wrapf("%d-byte amount", n)
	}
	if n > r.remaining() {
		return Uint128{}, ErrOutboxTruncated.Wrap("amount")
	}
	mag := r.buf[r.off : r.off+n]
	r.off += n
	if n > 0 && mag[0] == 0 {
		return Uint128{}, ErrOutboxNonCanonical.Wrap("amount with leading zero byte")
	}
	var buf [maxAmountBytes]byte
	copy(buf[maxAmountBytes-n:], mag)
	return Uint128{Hi: binary.BigEndian.Uint64(buf[:8]), Lo: binary.BigEndian.Uint64(buf[8:])}, nil
}

func (r *outboxReader) entry() (OutboxEntry, error) {
	var e OutboxEntry
	kind, err := r.uvarint()
	if err != nil {
		return e, err
	}
	if kind != uint64(OutboxKindWithdrawal) && kind != uint64(OutboxKindCrossRollupMessage) {
		return e, ErrUnknownOutboxKind.Wrapf("%d", kind)
	}
	e.Kind = OutboxKind(kind)
	if e.Sender, err = r.bytesField(MaxAddressLen, ErrInvalidAddress); err != nil {
		return e, err
	}
	if e.Recipient, err = r.bytesField(MaxAddressLen, ErrInvalidAddress); err != nil {
		return e, err
	}
	dest, err := r.bytesField(MaxRollupIDLen, ErrInvalidRollupID)
	if err != nil {
		return e, err
	}
	e.DestRollupID = string(dest)
	denom, err := r.bytesField(MaxDenomLen, ErrInvalidDenom)
	if err != nil {
		return e, err
	}
	e.Denom = string(denom)
	if e.Amount, err = r.amount(); err != nil {
		return e, err
	}
	if e.Payload, err = r.bytesField(MaxPayloadLen, ErrPayloadTooLarge); err != nil {
		return e, err
	}
	return e, nil
}
