package verifier

import (
	"encoding/binary"
	"math/bits"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// The batch check multiplies every proof's A by its own 128-bit weight,
// which cannot be shared between proofs. gnark's scalar multiplication
// treats a 128-bit scalar with plain double-and-add (128 doublings); its GLV
// path only pays off for full-size scalars. So the weights are drawn in GLV
// form instead: w = lo + hi·λ (mod r) with lo and hi 64-bit, where λ is the
// eigenvalue of the endomorphism φ(x, y) = (ω·x, y) of G1, so that
//
//	w·P = lo·P + hi·φ(P)
//
// costs 64 doublings. The map (lo, hi) -> w is injective (no nonzero
// (lo, hi) with both halves below 2^64 in absolute value satisfies
// lo + hi·λ = 0 mod r: the shortest such vector is about 2^127 long, see
// TestGLVWeights_AreInjective), so a weight still takes 2^128 distinct
// values and an invalid proof survives the combination with probability
// at most 2^-128.
//
// The sums of weighted points (Σ w_i·Krs_i and the commitment terms) share
// one doubling chain per key (Straus). Tables of odd multiples are kept in
// affine coordinates, all normalised with one field inversion, so every
// addition is a mixed one. Everything runs on the calling goroutine.

// glvOmega is the cube root of unity ω in Fp of φ(x, y) = (ω·x, y) and
// glvLambda its eigenvalue: φ(P) = λ·P for every P in G1 (gnark-crypto's
// thirdRootOneG1 and lambdaGLV; TestGLVConstants checks both).
var (
	glvOmega  fp.Element
	glvLambda fr.Element
)

func init() {
	if _, err := glvOmega.SetString("2203960485148121921418603742825762020974279258880205651966"); err != nil {
		panic(err)
	}
	if _, err := glvLambda.SetString("4407920970296243842393367215006156084916469457145843978461"); err != nil {
		panic(err)
	}
}

// wnafWindow is the window of the weights' signed digits: odd digits in
// [-7, 7], so a point needs the table P, 3P, 5P, 7P (one digit in five is
// nonzero on average).
const (
	wnafWindow = 4
	tableSize  = 1 << (wnafWindow - 2)
	// wnafMaxLen is the longest expansion of a value below 2^127.
	wnafMaxLen = 128
)

// u128 is an unsigned 128-bit integer: a weight's halves are 64-bit, their
// sums over a batch (Σ lo_i, Σ hi_i) a few bits more.
type u128 struct{ lo, hi uint64 }

func (a u128) add(b u128) u128 {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	return u128{lo, a.hi + b.hi + c}
}

func (a u128) fr() fr.Element {
	var e, lo fr.Element
	e.SetUint64(a.hi).Mul(&e, &two64)
	lo.SetUint64(a.lo)
	return *e.Add(&e, &lo)
}

var two64 = func() fr.Element {
	var e fr.Element
	e.SetUint64(1 << 32)
	return *e.Square(&e)
}()

// wnaf is the width-4 non-adjacent form of a value, least significant
// digit first.
type wnaf struct {
	d [wnafMaxLen]int8
	n int
}

// wnafOf expands k < 2^127.
func wnafOf(k u128) wnaf {
	var out wnaf
	lo, hi := k.lo, k.hi
	for lo|hi != 0 {
		if lo&1 == 1 {
			u := int8(lo & (1<<wnafWindow - 1))
			if u > 1<<(wnafWindow-1) {
				u -= 1 << wnafWindow
			}
			out.d[out.n] = u
			if u > 0 {
				lo -= uint64(u)
			} else {
				var c uint64
				lo, c = bits.Add64(lo, uint64(-u), 0)
				hi += c
			}
		}
		lo = lo>>1 | hi<<63
		hi >>= 1
		out.n++
	}
	return out
}

// glvWeight is a weight w = lo + hi·λ (mod r) with the digits of lo and hi.
type glvWeight struct {
	w            fr.Element
	loVal, hiVal u128
	lo, hi       wnaf
}

func glvWeightOf(lo, hi u128) glvWeight {
	w := glvWeight{loVal: lo, hiVal: hi, lo: wnafOf(lo), hi: wnafOf(hi)}
	l, h := lo.fr(), hi.fr()
	w.w.Mul(&h, &glvLambda).Add(&w.w, &l)
	return w
}

// newGLVWeight builds the weight of 16 transcript bytes, the big-endian
// lo and hi halves; the zero weight becomes 1.
func newGLVWeight(b []byte) glvWeight {
	lo, hi := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:16])
	if lo == 0 && hi == 0 {
		lo = 1
	}
	return glvWeightOf(u128{lo: lo}, u128{lo: hi})
}

// pointTable holds P, 3P, 5P, 7P and their images under φ.
type pointTable [2][tableSize]curve.G1Affine

// buildTables returns the tables of points, normalising every odd
// multiple with a single field inversion. The points must be finite.
func buildTables(points []curve.G1Affine) []pointTable {
	tables := make([]pointTable, len(points))
	jac := make([]curve.G1Jac, 0, len(points)*(tableSize-1))
	for i := range points {
		var two, acc curve.G1Jac
		two.DoubleMixed(&points[i])
		acc.FromAffine(&points[i])
		for range tableSize - 1 {
			acc.AddAssign(&two)
			jac = append(jac, acc)
		}
	}
	aff := batchToAffine(jac)
	for i := range points {
		t := &tables[i]
		t[0][0] = points[i]
		copy(t[0][1:], aff[i*(tableSize-1):(i+1)*(tableSize-1)])
		for j := range tableSize {
			t[1][j].X.Mul(&t[0][j].X, &glvOmega)
			t[1][j].Y = t[0][j].Y
		}
	}
	return tables
}

// glvTerm is one w·P of a sum.
type glvTerm struct {
	table  *pointTable
	weight *glvWeight
}

// strausSum returns Σ w·P over the terms, sharing one doubling chain.
func strausSum(terms []glvTerm) curve.G1Jac {
	var acc curve.G1Jac
	acc.X.SetOne()
	acc.Y.SetOne() // the point at infinity
	n := 0
	for _, t := range terms {
		n = max(n, t.weight.lo.n, t.weight.hi.n)
	}
	for i := n - 1; i >= 0; i-- {
		if !acc.Z.IsZero() {
			acc.DoubleAssign()
		}
		for _, t := range terms {
			addDigit(&acc, &t.table[0], t.weight.lo.digit(i))
			addDigit(&acc, &t.table[1], t.weight.hi.digit(i))
		}
	}
	return acc
}

func (w *wnaf) digit(i int) int8 {
	if i >= w.n {
		return 0
	}
	return w.d[i]
}

// addDigit adds d·P to acc, where t holds the odd multiples of P.
func addDigit(acc *curve.G1Jac, t *[tableSize]curve.G1Affine, d int8) {
	switch {
	case d > 0:
		acc.AddMixed(&t[d>>1])
	case d < 0:
		var q curve.G1Affine
		q.Neg(&t[(-d)>>1])
		acc.AddMixed(&q)
	}
}

// batchToAffine converts points with one field inversion (gnark's
// BatchJacobianToAffineG1 does the same on several goroutines). The point
// at infinity maps to (0, 0), gnark's affine infinity.
func batchToAffine(points []curve.G1Jac) []curve.G1Affine {
	zInv := make([]fp.Element, len(points))
	for i := range points {
		zInv[i] = points[i].Z
	}
	zInv = fp.BatchInvert(zInv) // zero stays zero
	out := make([]curve.G1Affine, len(points))
	for i := range points {
		if zInv[i].IsZero() {
			continue
		}
		var z2 fp.Element
		z2.Square(&zInv[i])
		out[i].X.Mul(&points[i].X, &z2)
		out[i].Y.Mul(&points[i].Y, &z2).Mul(&out[i].Y, &zInv[i])
	}
	return out
}
