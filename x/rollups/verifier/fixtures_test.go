package verifier

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"
)

// Fixtures live in x/rollups/testdata; see testdata/gen for how they are made.

const (
	testdataDir = "../testdata"
	maxVKBytes  = 4096
	nbPublic    = 1 // the batch commitment
)

type fixtureProof struct {
	name  string
	raw   []byte
	proof *Proof
	vk    *VerifyingKey
	pub   []fr.Element
}

type fixtures struct {
	vkRaw, vkCommitRaw []byte
	vk, vkCommit       *VerifyingKey
	proofs             []fixtureProof // plain proofs first, then commitment proofs
}

func (f *fixtures) plain() []fixtureProof {
	var out []fixtureProof
	for _, p := range f.proofs {
		if p.vk == f.vk {
			out = append(out, p)
		}
	}
	return out
}

func (f *fixtures) committed() []fixtureProof {
	var out []fixtureProof
	for _, p := range f.proofs {
		if p.vk == f.vkCommit {
			out = append(out, p)
		}
	}
	return out
}

func loadFixtures(t testing.TB) *fixtures {
	t.Helper()
	read := func(name string) []byte {
		bz, err := os.ReadFile(filepath.Join(testdataDir, name))
		require.NoError(t, err)
		return bz
	}
	f := &fixtures{vkRaw: read("vk.bin"), vkCommitRaw: read("vk_commit.bin")}
	var err error
	f.vk, err = ValidateVerifyingKey(f.vkRaw, maxVKBytes, nbPublic)
	require.NoError(t, err)
	f.vkCommit, err = ValidateVerifyingKey(f.vkCommitRaw, maxVKBytes, nbPublic)
	require.NoError(t, err)

	var file struct {
		Proofs []struct {
			File         string   `json:"file"`
			VK           string   `json:"vk"`
			PublicInputs []string `json:"public_inputs"`
		} `json:"proofs"`
	}
	require.NoError(t, json.Unmarshal(read("inputs.json"), &file))
	for _, p := range file.Proofs {
		fp := fixtureProof{name: p.File, raw: read(p.File)}
		fp.proof, err = ParseProof(fp.raw)
		require.NoError(t, err, p.File)
		switch p.VK {
		case "vk.bin":
			fp.vk = f.vk
		case "vk_commit.bin":
			fp.vk = f.vkCommit
		default:
			t.Fatalf("unknown vk %q", p.VK)
		}
		for _, h := range p.PublicInputs {
			bz, err := hex.DecodeString(h)
			require.NoError(t, err)
			var e fr.Element
			require.NoError(t, e.SetBytesCanonical(bz))
			fp.pub = append(fp.pub, e)
		}
		f.proofs = append(f.proofs, fp)
	}
	require.GreaterOrEqual(t, len(f.plain()), 2)
	require.GreaterOrEqual(t, len(f.committed()), 1)
	return f
}

// rerandomize returns a different proof of the same statement:
// (A, B, C) -> (A/r, r·B + r·s·δ, C + s·A) keeps every pairing equation.
func rerandomize(t testing.TB, vk *VerifyingKey, p *Proof, r, s int64) *Proof {
	t.Helper()
	q := p.p // copy; Commitments slice is shared but not modified
	rBig, sBig := big.NewInt(r), big.NewInt(s)
	var rInv fr.Element
	rInv.SetBigInt(rBig).Inverse(&rInv)

	var sA curve.G1Affine
	sA.ScalarMultiplication(&q.Ar, sBig)
	q.Krs.Add(&q.Krs, &sA)

	var sDelta curve.G2Affine
	sDelta.ScalarMultiplication(&vk.vk.G2.Delta, sBig)
	q.Bs.Add(&q.Bs, &sDelta)

	q.Ar.ScalarMultiplication(&q.Ar, rInv.BigInt(new(big.Int)))
	q.Bs.ScalarMultiplication(&q.Bs, rBig)

	var buf bytes.Buffer
	_, err := q.WriteTo(&buf)
	require.NoError(t, err)
	out, err := ParseProof(buf.Bytes())
	require.NoError(t, err)
	return out
}

// withByte returns a copy of bz with bz[i] = v.
func withByte(bz []byte, i int, v byte) []byte {
	out := bytes.Clone(bz)
	out[i] = v
	return out
}

// withU32 returns a copy of bz with the big-endian uint32 at off set to v.
func withU32(bz []byte, off int, v uint32) []byte {
	out := bytes.Clone(bz)
	out[off] = byte(v >> 24)
	out[off+1] = byte(v >> 16)
	out[off+2] = byte(v >> 8)
	out[off+3] = byte(v)
	return out
}

// withBytes returns a copy of bz with b written at off.
func withBytes(bz []byte, off int, b []byte) []byte {
	out := bytes.Clone(bz)
	copy(out[off:], b)
	return out
}

// splice returns bz[:off] + b + bz[off+cut:].
func splice(bz []byte, off, cut int, b []byte) []byte {
	out := append(bytes.Clone(bz[:off]), b...)
	return append(out, bz[off+cut:]...)
}

// nonCanonicalG1 is a compressed G1 encoding whose x coordinate is the
// base-field modulus (x = p, i.e. 0 unreduced).
func nonCanonicalG1() []byte {
	b := make([]byte, g1Size)
	curveModulus().FillBytes(b)
	b[0] |= 0b10 << 6
	return b
}

func curveModulus() *big.Int {
	p, _ := new(big.Int).SetString("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47", 16)
	return p
}

// offCurveG1 is a canonical compressed x with no point on the curve.
func offCurveG1(t testing.TB) []byte {
	t.Helper()
	for x := int64(1); x < 1000; x++ {
		b := make([]byte, g1Size)
		big.NewInt(x).FillBytes(b)
		b[0] |= 0b10 << 6
		var p curve.G1Affine
		if _, err := p.SetBytes(b); err != nil {
			return b
		}
	}
	t.Fatal("no off-curve x found")
	return nil
}

// nonSubgroupG2 is a compressed point on the twist but outside the
// prime-order subgroup.
func nonSubgroupG2(t testing.TB) []byte {
	t.Helper()
	_, _, _, g2 := curve.Generators()
	// b' = y² - x³ from the generator.
	var b, x3 = g2.Y, g2.X
	b.Square(&b)
	x3.Square(&x3).Mul(&x3, &g2.X)
	b.Sub(&b, &x3)
	for k := uint64(1); k < 1000; k++ {
		var p curve.G2Affine
		p.X.A0.SetUint64(k)
		var y2 = p.X
		y2.Square(&y2).Mul(&y2, &p.X).Add(&y2, &b)
		if y2.Legendre() != 1 {
			continue
		}
		p.Y.Sqrt(&y2)
		if p.IsOnCurve() && !p.IsInSubGroup() {
			enc := p.Bytes()
			return enc[:]
		}
	}
	t.Fatal("no non-subgroup point found")
	return nil
}

// rekeyed returns a verifying key that accepts exactly the proofs vk
// accepts, with different bytes: α' = k·α and β' = β/k keep e(α, β), the
// only place α and β enter verification. It stands in for another
// rollup's key in multi-key batches.
func rekeyed(t testing.TB, vk *VerifyingKey, k int64) *VerifyingKey {
	t.Helper()
	q := vk.vk // copy; the slices are shared but not modified
	kBig := big.NewInt(k)
	var kInv fr.Element
	kInv.SetBigInt(kBig).Inverse(&kInv)
	kInvBig := kInv.BigInt(new(big.Int))
	q.G1.Alpha.ScalarMultiplication(&q.G1.Alpha, kBig)
	q.G1.Beta.ScalarMultiplication(&q.G1.Beta, kInvBig)
	q.G2.Beta.ScalarMultiplication(&q.G2.Beta, kInvBig)

	var buf bytes.Buffer
	_, err := q.WriteTo(&buf)
	require.NoError(t, err)
	out, err := ValidateVerifyingKey(buf.Bytes(), maxVKBytes, nbPublic)
	require.NoError(t, err)
	require.NotEqual(t, vk.Hash(), out.Hash())
	return out
}

// batchOverKeys is batchOf with item i verified under the (i mod nbKeys)-th
// of nbKeys distinct keys derived from its fixture's key.
func batchOverKeys(t testing.TB, f *fixtures, n, nbKeys int, which []fixtureProof) []Item {
	keys := make(map[*VerifyingKey][]*VerifyingKey)
	items := batchOf(t, f, n, which)
	for i := range items {
		vk := items[i].VK
		if keys[vk] == nil {
			keys[vk] = []*VerifyingKey{vk}
			for k := int64(2); len(keys[vk]) < nbKeys; k++ {
				keys[vk] = append(keys[vk], rekeyed(t, vk, k))
			}
		}
		items[i].VK = keys[vk][i%nbKeys]
	}
	return items
}
