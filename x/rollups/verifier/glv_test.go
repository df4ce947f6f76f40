package verifier

import (
	"math"
	"math/big"
	"math/rand"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"
)

// φ(x, y) = (ω·x, y) is multiplication by λ on G1, ω a cube root of unity
// in Fp and λ one in Fr.
func TestGLVConstants(t *testing.T) {
	var w3 fp.Element
	w3.Square(&glvOmega).Mul(&w3, &glvOmega)
	require.True(t, w3.IsOne())
	require.False(t, glvOmega.IsOne())

	var l fr.Element // λ² + λ + 1 = 0
	l.Square(&glvLambda).Add(&l, &glvLambda)
	var one fr.Element
	one.SetOne()
	l.Add(&l, &one)
	require.True(t, l.IsZero())

	_, _, g1, _ := curve.Generators()
	f := loadFixtures(t)
	for _, p := range []curve.G1Affine{g1, f.proofs[0].proof.p.Ar, f.vk.vk.G1.K[1]} {
		var phi, lp curve.G1Affine
		phi.X.Mul(&p.X, &glvOmega)
		phi.Y = p.Y
		lp.ScalarMultiplication(&p, glvLambda.BigInt(new(big.Int)))
		require.True(t, phi.Equal(&lp))
	}
}

// A weight takes 2^128 distinct values: lo + hi·λ = lo' + hi'·λ (mod r)
// with 64-bit halves would make (lo-lo', hi-hi') a nonzero vector of the
// lattice {(a, b): a + b·λ = 0 mod r} with both entries below 2^64, so
// Euclidean norm below 2^64.5. Gauss reduction finds the lattice's
// shortest vector; it is longer.
func TestGLVWeights_AreInjective(t *testing.T) {
	r := fr.Modulus()
	lambda := glvLambda.BigInt(new(big.Int))
	u := [2]*big.Int{new(big.Int).Set(r), big.NewInt(0)}
	v := [2]*big.Int{new(big.Int).Neg(lambda), big.NewInt(1)}
	norm := func(x [2]*big.Int) *big.Int {
		a := new(big.Int).Mul(x[0], x[0])
		return a.Add(a, new(big.Int).Mul(x[1], x[1]))
	}
	dot := func(x, y [2]*big.Int) *big.Int {
		a := new(big.Int).Mul(x[0], y[0])
		return a.Add(a, new(big.Int).Mul(x[1], y[1]))
	}
	for {
		if norm(u).Cmp(norm(v)) < 0 {
			u, v = v, u
		}
		// u -= round(<u,v>/<v,v>)·v
		num, den := dot(u, v), norm(v)
		q := new(big.Int).Lsh(num, 1)
		q.Add(q, den)
		q.Div(q, new(big.Int).Lsh(den, 1)) // floor((2num+den)/(2den)) = round
		if q.Sign() == 0 {
			break
		}
		u = [2]*big.Int{
			new(big.Int).Sub(u[0], new(big.Int).Mul(q, v[0])),
			new(big.Int).Sub(u[1], new(big.Int).Mul(q, v[1])),
		}
	}
	shortest := norm(v)
	bound := new(big.Int).Lsh(big.NewInt(1), 129) // (2^64.5)²
	require.Positive(t, shortest.Cmp(bound), "shortest vector² = %s", shortest)
	t.Logf("shortest lattice vector: 2^%.1f", float64(shortest.BitLen())/2)
}

func TestWNAF_ReconstructsTheValue(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	values := []uint64{0, 1, 2, 7, 8, 9, 15, 16, 1 << 63, math.MaxUint64, math.MaxUint64 - 7}
	for range 1000 {
		values = append(values, rng.Uint64())
	}
	var wide []u128 // sums of weights' halves
	for i := range values {
		wide = append(wide, u128{lo: values[i]}, u128{lo: values[i], hi: uint64(i)}, u128{lo: values[i], hi: 1<<62 + uint64(i)})
	}
	for _, k := range wide {
		w := wnafOf(k)
		require.LessOrEqual(t, w.n, wnafMaxLen)
		want := new(big.Int).SetUint64(k.hi)
		want.Lsh(want, 64).Add(want, new(big.Int).SetUint64(k.lo))
		got := k.fr()
		require.True(t, got.Equal(new(fr.Element).SetBigInt(want)))
		sum := new(big.Int)
		last := -wnafWindow
		for i := w.n - 1; i >= 0; i-- {
			sum.Lsh(sum, 1)
			sum.Add(sum, big.NewInt(int64(w.d[i])))
		}
		for i := 0; i < w.n; i++ {
			if d := w.d[i]; d != 0 {
				require.True(t, d%2 != 0 && d >= -7 && d <= 7, "digit %d", d)
				require.GreaterOrEqual(t, i-last, wnafWindow, "nonzero digits too close in %v", k)
				last = i
			}
		}
		require.Equal(t, want, sum, "value %v", k)
		if want.Sign() != 0 {
			require.NotZero(t, w.d[w.n-1], "leading digit of %v", k)
			require.LessOrEqual(t, w.n, want.BitLen()+1)
		}
	}
}

// strausSum agrees with gnark's scalar multiplication, for one term and
// for sums, including edge weights and repeated or opposite points.
func TestStrausSum_AgreesWithScalarMultiplication(t *testing.T) {
	f := loadFixtures(t)
	_, _, g1, _ := curve.Generators()
	var negAr curve.G1Affine
	negAr.Neg(&f.proofs[0].proof.p.Ar)
	points := []curve.G1Affine{g1, f.proofs[0].proof.p.Ar, negAr, f.proofs[0].proof.p.Ar, f.vk.vk.G1.K[0]}
	tables := buildTables(points)

	rng := rand.New(rand.NewSource(2))
	weightOf := func(lo, hi uint64) glvWeight {
		var b [16]byte
		for i := range 8 {
			b[i] = byte(lo >> (56 - 8*i))
			b[8+i] = byte(hi >> (56 - 8*i))
		}
		return newGLVWeight(b[:])
	}
	var ws []glvWeight
	for _, lh := range [][2]uint64{{0, 0}, {1, 0}, {0, 1}, {math.MaxUint64, math.MaxUint64}, {math.MaxUint64, 0}, {7, 8}} {
		ws = append(ws, weightOf(lh[0], lh[1]))
	}
	for range 6 {
		ws = append(ws, weightOf(rng.Uint64(), rng.Uint64()))
	}
	one := weightOf(0, 0) // the zero weight is 1
	require.True(t, one.w.IsOne())

	var want curve.G1Jac
	var terms []glvTerm
	for i := range ws {
		p := &points[i%len(points)]
		var single curve.G1Affine
		single.ScalarMultiplication(p, ws[i].w.BigInt(new(big.Int)))
		got := strausSum([]glvTerm{{&tables[i%len(points)], &ws[i]}})
		require.True(t, single.Equal(new(curve.G1Affine).FromJacobian(&got)), "weight %d", i)

		want.AddMixed(&single)
		terms = append(terms, glvTerm{&tables[i%len(points)], &ws[i]})
	}
	got := strausSum(terms)
	require.True(t, got.Equal(&want))

	// A sum of weights in GLV form is the weight of the sums of its halves.
	var sumLo, sumHi u128
	var sumW fr.Element
	for i := range ws {
		sumLo, sumHi = sumLo.add(ws[i].loVal), sumHi.add(ws[i].hiVal)
		sumW.Add(&sumW, &ws[i].w)
	}
	sum := glvWeightOf(sumLo, sumHi)
	require.True(t, sum.w.Equal(&sumW))
	var viaSum, direct curve.G1Affine
	direct.ScalarMultiplication(&points[4], sumW.BigInt(new(big.Int)))
	viaSumJac := strausSum([]glvTerm{{&tables[4], &sum}})
	viaSum.FromJacobian(&viaSumJac)
	require.True(t, direct.Equal(&viaSum))

	// P and -P with equal weights cancel.
	zero := strausSum([]glvTerm{{&tables[1], &ws[7]}, {&tables[2], &ws[7]}})
	require.True(t, zero.Z.IsZero())
	require.Equal(t, curve.G1Affine{}, batchToAffine([]curve.G1Jac{zero})[0])
}
