package payments

import (
	"errors"
	"fmt"
	"math/big"
)

// RecordKind is the kind of a slot in the compact batch data.
type RecordKind uint8

const (
	KindNoop      RecordKind = 0 // padding; only after every other slot
	KindTransfer  RecordKind = 1 // signed: From pays Amount to To and Fee (paid to the submitter)
	KindWithdraw  RecordKind = 2 // signed: From withdraws Amount to an L1 address (outbox kind 1)
	KindSend      RecordKind = 3 // signed: From sends Amount to another rollup (outbox kind 2)
	KindCredit    RecordKind = 4 // the next inbox entry's value is credited to To (created if empty)
	KindSkip      RecordKind = 5 // the next inbox entry carries no value and is consumed without effect, or is a forced transaction (see Record.Forced)
	KindBounce    RecordKind = 6 // the next inbox entry is refused; the following slot returns its value
	KindBounceOut RecordKind = 7 // returns the bounced entry's value to where it came from (outbox)
)

// Compact data layout: one 12-byte record per non-no-op slot, big-endian,
// the 96-bit word
//
//	kind:3 | from:24 | to:24 | amountExp:5 | amountMantissa:28 | feeExp:4 | feeMantissa:8
//
// Amounts are mantissa * 10^exp. Fields a kind does not use are zero,
// except that a skip record's lowest bit is Record.Forced.
const (
	RecordBytes = 12

	amountExpBits  = 5
	amountMantBits = 28
	feeExpBits     = 4
	feeMantBits    = 8
	indexBits      = 24
)

// Float is a compact amount: Mantissa * 10^Exp.
type Float struct {
	Exp      uint8
	Mantissa uint32
}

// Value is Mantissa * 10^Exp.
func (f Float) Value() *big.Int {
	v := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(f.Exp)), nil)
	return v.Mul(v, big.NewInt(int64(f.Mantissa)))
}

var errNotRepresentable = errors.New("payments: amount not representable in the compact format")

// encodeFloat returns the encoding of v with the smallest exponent, or an
// error if v has no exact encoding in (expBits, mantBits).
func encodeFloat(v *big.Int, expBits, mantBits int) (Float, error) {
	if v.Sign() < 0 {
		return Float{}, errNotRepresentable
	}
	m := new(big.Int).Set(v)
	ten := big.NewInt(10)
	maxExp := 1<<expBits - 1
	limit := new(big.Int).Lsh(big.NewInt(1), uint(mantBits))
	for e := 0; e <= maxExp; e++ {
		if m.Cmp(limit) < 0 {
			return Float{Exp: uint8(e), Mantissa: uint32(m.Uint64())}, nil
		}
		q, r := new(big.Int).QuoRem(m, ten, new(big.Int))
		if r.Sign() != 0 {
			break
		}
		m = q
	}
	return Float{}, fmt.Errorf("%w: %s", errNotRepresentable, v)
}

// EncodeAmount is the compact form of a transaction amount (28-bit
// mantissa, exponent 0..31): every integer below 2^28 and every such
// mantissa times a power of ten.
func EncodeAmount(v *big.Int) (Float, error) { return encodeFloat(v, amountExpBits, amountMantBits) }

// EncodeFee is the compact form of a fee (8-bit mantissa, exponent 0..15).
func EncodeFee(v *big.Int) (Float, error) { return encodeFloat(v, feeExpBits, feeMantBits) }

// Record is one slot of the compact data.
type Record struct {
	Kind     RecordKind
	From, To uint32
	Amount   Float
	Fee      Float
	// Forced marks a skip record whose inbox entry was a forced transaction
	// that the slot executed (its effect is the transaction in the entry's
	// payload, see DecodeForcedTx); the word's lowest bit.
	Forced bool
}

// forcedExecutedWord is the word of Record{Kind: KindSkip, Forced: true}.
var forcedExecutedWord = new(big.Int).Add(new(big.Int).Lsh(big.NewInt(int64(KindSkip)), 93), big.NewInt(1))

// word is the record as its 96-bit integer.
func (r Record) word() *big.Int {
	if r.Kind == KindSkip && r.Forced {
		return new(big.Int).Set(forcedExecutedWord)
	}
	w := new(big.Int).SetUint64(uint64(r.Kind))
	shiftOr := func(v uint64, bits uint) {
		w.Lsh(w, bits)
		w.Or(w, new(big.Int).SetUint64(v))
	}
	shiftOr(uint64(r.From), indexBits)
	shiftOr(uint64(r.To), indexBits)
	shiftOr(uint64(r.Amount.Exp), amountExpBits)
	shiftOr(uint64(r.Amount.Mantissa), amountMantBits)
	shiftOr(uint64(r.Fee.Exp), feeExpBits)
	shiftOr(uint64(r.Fee.Mantissa), feeMantBits)
	return w
}

// Bytes is the 12-byte big-endian encoding.
func (r Record) Bytes() [RecordBytes]byte {
	var out [RecordBytes]byte
	r.word().FillBytes(out[:])
	return out
}

// DecodeRecord parses 12 bytes.
func DecodeRecord(b []byte) (Record, error) {
	if len(b) != RecordBytes {
		return Record{}, fmt.Errorf("payments: record of %d bytes", len(b))
	}
	w := new(big.Int).SetBytes(b)
	take := func(bits uint) uint64 {
		x := new(big.Int).And(w, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), bits), big.NewInt(1)))
		w.Rsh(w, bits)
		return x.Uint64()
	}
	var r Record
	r.Fee.Mantissa = uint32(take(feeMantBits))
	r.Fee.Exp = uint8(take(feeExpBits))
	r.Amount.Mantissa = uint32(take(amountMantBits))
	r.Amount.Exp = uint8(take(amountExpBits))
	r.To = uint32(take(indexBits))
	r.From = uint32(take(indexBits))
	r.Kind = RecordKind(take(3))
	if r.Kind == KindSkip && r.Fee.Mantissa == 1 && r.Fee.Exp == 0 && r.From == 0 && r.To == 0 && r.Amount == (Float{}) {
		r.Fee.Mantissa, r.Forced = 0, true
	}
	if r.Bytes() != [RecordBytes]byte(b) {
		return Record{}, errors.New("payments: non-canonical record")
	}
	return r, nil
}

// EncodeData is the posted batch data: the records of the non-no-op slots.
func EncodeData(records []Record) []byte {
	out := make([]byte, 0, RecordBytes*len(records))
	for _, r := range records {
		if r.Kind == KindNoop {
			break
		}
		b := r.Bytes()
		out = append(out, b[:]...)
	}
	return out
}

// DecodeData parses posted batch data.
func DecodeData(data []byte) ([]Record, error) {
	if len(data)%RecordBytes != 0 {
		return nil, fmt.Errorf("payments: data of %d bytes", len(data))
	}
	var records []Record
	for off := 0; off < len(data); off += RecordBytes {
		r, err := DecodeRecord(data[off : off+RecordBytes])
		if err != nil {
			return nil, err
		}
		if r.Kind == KindNoop {
			return nil, errors.New("payments: no-op record in posted data")
		}
		records = append(records, r)
	}
	return records, nil
}
