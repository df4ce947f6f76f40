package protocol

import (
	"encoding/binary"
	"math/big"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// Field elements, state roots and amounts: how the encodings turn bytes and
// numbers into BN254 scalar-field elements.

// fieldBytes is the size of an encoded field element.
const fieldBytes = fr.Bytes

var frModulusLimbs = modulusLimbs()

// ParseFieldElement decodes a 32-byte big-endian canonical BN254 scalar
// field element. Values >= the modulus are rejected, never reduced, so that
// every element has exactly one encoding.
func ParseFieldElement(bz []byte) (fr.Element, error) {
	var e fr.Element
	if len(bz) != fieldBytes {
		return e, ErrFieldElementLength.Wrapf("got %d bytes", len(bz))
	}
	if err := e.SetBytesCanonical(bz); err != nil {
		return fr.Element{}, ErrFieldElementNonCanonical.Wrap(err.Error())
	}
	return e, nil
}

// FieldElementBytes is the canonical 32-byte big-endian encoding of e.
func FieldElementBytes(e fr.Element) []byte {
	b := e.Bytes()
	return b[:]
}

// ParseStateRoot decodes a rollup state root: a canonical BN254 scalar
// field element, 32 bytes big-endian.
func ParseStateRoot(bz []byte) (fr.Element, error) {
	if len(bz) != fieldBytes {
		return fr.Element{}, ErrStateRootLength.Wrapf("got %d bytes", len(bz))
	}
	e, err := ParseFieldElement(bz)
	if err != nil {
		return fr.Element{}, ErrStateRootNonCanonical.Wrap(err.Error())
	}
	return e, nil
}

// StateRootBytes is the canonical 32-byte encoding of a state root.
func StateRootBytes(root fr.Element) []byte { return FieldElementBytes(root) }

// IsReducedElement reports whether e's internal limbs are below the
// modulus. Elements produced by fr arithmetic or the parsers above always
// are; a hand-built fr.Element{...} literal may not be.
func IsReducedElement(e *fr.Element) bool {
	for i := fr.Limbs - 1; i >= 0; i-- {
		if e[i] != frModulusLimbs[i] {
			return e[i] < frModulusLimbs[i]
		}
	}
	return false // equal to the modulus
}

func modulusLimbs() [fr.Limbs]uint64 {
	var buf [fieldBytes]byte
	fr.Modulus().FillBytes(buf[:])
	var limbs [fr.Limbs]uint64
	for i := range fr.Limbs {
		limbs[i] = binary.BigEndian.Uint64(buf[fieldBytes-8*(i+1) : fieldBytes-8*i])
	}
	return limbs
}

// Uint128 is an unsigned 128-bit amount. Bridged amounts are bounded to 128
// bits so that they fit in one field element next to a kind and a sequence
// number, and so that in-circuit balance arithmetic needs one range check.
type Uint128 struct {
	Hi, Lo uint64
}

var maxUint128 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))

// NewUint128 returns the amount v.
func NewUint128(v uint64) Uint128 { return Uint128{Lo: v} }

// Uint128FromBig converts a non-negative big.Int of at most 128 bits.
func Uint128FromBig(v *big.Int) (Uint128, error) {
	if v == nil {
		return Uint128{}, ErrInvalidAmount.Wrap("nil amount")
	}
	if v.Sign() < 0 {
		return Uint128{}, ErrInvalidAmount.Wrapf("negative amount %s", v)
	}
	if v.Cmp(maxUint128) > 0 {
		return Uint128{}, ErrAmountOverflow.Wrapf("%s", v)
	}
	var buf [16]byte
	v.FillBytes(buf[:])
	return Uint128{Hi: binary.BigEndian.Uint64(buf[:8]), Lo: binary.BigEndian.Uint64(buf[8:])}, nil
}

// ParseUint128 parses a canonical decimal amount: ASCII digits only, no
// sign, no leading zeros (except "0" itself), at most 2^128-1.
func ParseUint128(s string) (Uint128, error) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return Uint128{}, ErrInvalidAmount.Wrapf("%q is not a decimal integer", s)
	}
	if len(s) > 1 && s[0] == '0' {
		return Uint128{}, ErrInvalidAmount.Wrapf("%q has leading zeros", s)
	}
	if len(s) > 39 { // 2^128-1 has 39 digits
		return Uint128{}, ErrAmountOverflow.Wrapf("%q", s)
	}
	v, _ := new(big.Int).SetString(s, 10) // digits only: cannot fail
	return Uint128FromBig(v)
}

// BigInt returns the amount as a new big.Int.
func (a Uint128) BigInt() *big.Int {
	var buf [16]byte
	a.putBytes(&buf)
	return new(big.Int).SetBytes(buf[:])
}

// String is the canonical decimal form.
func (a Uint128) String() string { return a.BigInt().String() }

// IsZero reports whether the amount is zero.
func (a Uint128) IsZero() bool { return a.Hi == 0 && a.Lo == 0 }

func (a Uint128) putBytes(buf *[16]byte) {
	binary.BigEndian.PutUint64(buf[:8], a.Hi)
	binary.BigEndian.PutUint64(buf[8:], a.Lo)
}

// packHeader builds the field element hi*2^160 + mid*2^128 + amount, used to
// absorb (sequence, kind, amount) or (kind, amount) in one element. The
// result is below 2^224 < r, so it is never reduced.
func packHeader(hi uint64, mid uint32, amount Uint128) fr.Element {
	var buf [fieldBytes]byte // big-endian: [4 zero][8 hi][4 mid][16 amount]
	binary.BigEndian.PutUint64(buf[4:12], hi)
	binary.BigEndian.PutUint32(buf[12:16], mid)
	var amt [16]byte
	amount.putBytes(&amt)
	copy(buf[16:], amt[:])
	var e fr.Element
	e.SetBytes(buf[:])
	return e
}
