package verifier

import (
	"encoding/binary"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
)

// gnark's compressed encoding of BN254 points: the two most significant bits
// of the first byte are flags (10 or 11: compressed, with the sign of y;
// 01: compressed point at infinity, rest zero; 00: uncompressed, which this
// package rejects so that every point has exactly one accepted encoding).
const (
	g1Size = curve.SizeOfG1AffineCompressed // 32
	g2Size = curve.SizeOfG2AffineCompressed // 64
	u32    = 4
	u64    = 8

	flagMask       byte = 0b11 << 6
	flagUncompress byte = 0b00 << 6
	flagInfinity   byte = 0b01 << 6
)

// pointKind classifies a decoded point.
type pointKind int

const (
	pointFinite pointKind = iota
	pointInfinity
)

// decodeG1 decodes one compressed G1 point. gnark-crypto's SetBytes checks
// that x is canonical (< p), that the point is on the curve and (trivially
// for BN254 G1) in the subgroup.
func decodeG1(b []byte) (curve.G1Affine, pointKind, bool) {
	var p curve.G1Affine
	kind, ok := checkFlags(b[:g1Size])
	if !ok || kind == pointInfinity {
		return p, kind, ok
	}
	if _, err := p.SetBytes(b[:g1Size]); err != nil {
		return p, kind, false
	}
	return p, pointFinite, true
}

// decodeG2 decodes one compressed G2 point, checking canonical coordinates,
// the curve equation and membership in the prime-order subgroup.
func decodeG2(b []byte) (curve.G2Affine, pointKind, bool) {
	var p curve.G2Affine
	kind, ok := checkFlags(b[:g2Size])
	if !ok || kind == pointInfinity {
		return p, kind, ok
	}
	if _, err := p.SetBytes(b[:g2Size]); err != nil {
		return p, kind, false
	}
	return p, pointFinite, true
}

func checkFlags(b []byte) (pointKind, bool) {
	switch b[0] & flagMask {
	case flagUncompress:
		return pointFinite, false
	case flagInfinity:
		if b[0]&^flagMask != 0 {
			return pointInfinity, false
		}
		for _, x := range b[1:] {
			if x != 0 {
				return pointInfinity, false
			}
		}
		return pointInfinity, true
	default:
		return pointFinite, true
	}
}

// reader is a bounds-checked cursor over untrusted bytes. Every read
// reports whether enough bytes remained; nothing is allocated.
type reader struct {
	buf []byte
	off int
}

func (r *reader) remaining() int { return len(r.buf) - r.off }

func (r *reader) take(n int) ([]byte, bool) {
	if n < 0 || n > r.remaining() {
		return nil, false
	}
	b := r.buf[r.off : r.off+n]
	r.off += n
	return b, true
}

func (r *reader) uint32() (uint32, bool) {
	b, ok := r.take(u32)
	if !ok {
		return 0, false
	}
	return binary.BigEndian.Uint32(b), true
}

func (r *reader) uint64() (uint64, bool) {
	b, ok := r.take(u64)
	if !ok {
		return 0, false
	}
	return binary.BigEndian.Uint64(b), true
}
