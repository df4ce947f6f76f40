package verifier

import (
	"bytes"
	"crypto/sha256"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/pedersen"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

const (
	// MaxPublicInputs bounds the wantPublic argument of ValidateVerifyingKey.
	// The batch commitment convention uses exactly one.
	MaxPublicInputs = 16

	// MaxCommitments is the number of BSB22 (Pedersen) commitments a
	// verifying key may carry: zero or one. gnark's Groth16 R1CS builder
	// folds every api.Commit (std/rangecheck, std/multicommit, lookups) into
	// a single commitment, and those lookups make range checks several times
	// cheaper for the prover, so one is allowed; more than one has never been
	// produced by gnark's builder and was the subject of a soundness advisory
	// (GHSA-9xcg-3q8v-7fq6), so it is refused.
	MaxCommitments = 1

	// vkFixedSize is [α]1 [β]1 [β]2 [γ]2 [δ]1 [δ]2, compressed.
	vkFixedSize = 3*g1Size + 3*g2Size // 288
	// pedersenVKSize is one commitment key: G and G^{-σ} in G2, compressed.
	pedersenVKSize = 2 * g2Size
)

// Indices of the fixed G2 points whose Miller-loop lines are precomputed.
const (
	lineDeltaNeg = iota
	lineGammaNeg
	lineBeta
	linePedersenGSigmaNeg
	linePedersenG
	nbLines
)

type millerLines = [2][len(curve.LoopCounter)]curve.LineEvaluationAff

// VerifyingKey is a validated Groth16 BN254 verifying key with the values
// verification needs precomputed. Build it only with ValidateVerifyingKey;
// it is immutable afterwards and safe to share.
type VerifyingKey struct {
	vk            groth16bn254.VerifyingKey
	raw           []byte
	hash          [sha256.Size]byte
	nbPublic      int
	nbCommitments int
	negAlpha      curve.G1Affine
	lines         []millerLines // nbLines entries, or 3 without a commitment
	negAlphaK0    []pointTable  // -α and K_0, for BatchVerify's per-key terms (glv.go)
}

// Hash is SHA-256 of the verifying key's canonical bytes; it identifies the
// key in batch transcripts and is a convenient store key.
func (vk *VerifyingKey) Hash() [sha256.Size]byte { return vk.hash }

// Bytes returns a copy of the canonical encoding.
func (vk *VerifyingKey) Bytes() []byte { return bytes.Clone(vk.raw) }

// NbPublic is the number of public inputs, excluding gnark's constant ONE
// wire and the commitment-derived inputs.
func (vk *VerifyingKey) NbPublic() int { return vk.nbPublic }

// NbCommitments is 0 or 1.
func (vk *VerifyingKey) NbCommitments() int { return vk.nbCommitments }

// ValidateVerifyingKey parses gnark's compressed Groth16 BN254 verifying-key
// encoding (groth16.VerifyingKey.WriteTo):
//
//	[α]1 [β]1 [β]2 [γ]2 [δ]1 [δ]2                      288 bytes
//	u32 nK, nK x [K_i]1                                nK = 1 + wantPublic + nbCommitments
//	u32 c, c x (u32 m, m x u64 committed public index)  c = nbCommitments
//	u32 nbCommitments, nbCommitments x ([G]2 [G^-σ]2)
//
// It enforces, in this order and before any allocation that depends on the
// input: len(bz) <= maxBytes; every count within its bound (so a hostile
// 0xffffffff prefix costs nothing); the exact total length (truncated or
// trailing bytes rejected); then every point compressed, canonical, on the
// curve, in the subgroup and not at infinity; committed public indices
// strictly increasing within 1..wantPublic. gnark's encoder must reproduce
// the input exactly.
func ValidateVerifyingKey(bz []byte, maxBytes int, wantPublic int) (*VerifyingKey, error) {
	if maxBytes <= 0 || len(bz) > maxBytes {
		return nil, ErrVKTooLarge.Wrapf("%d bytes, max %d", len(bz), maxBytes)
	}
	if wantPublic < 1 || wantPublic > MaxPublicInputs {
		return nil, ErrVKPublicInputCount.Wrapf("expected count %d outside 1..%d", wantPublic, MaxPublicInputs)
	}
	layout, err := scanVerifyingKey(bz, wantPublic)
	if err != nil {
		return nil, err
	}
	return decodeVerifyingKey(bz, wantPublic, layout)
}

// vkLayout is what the header scan learned about an encoding.
type vkLayout struct {
	nbK           int
	nbCommitments int
	committed     []int // public indices committed to by the (only) commitment
}

// scanVerifyingKey checks every count and the exact length without decoding
// a point or allocating more than wantPublic integers.
func scanVerifyingKey(bz []byte, wantPublic int) (vkLayout, error) {
	var l vkLayout
	r := reader{buf: bz}
	if _, ok := r.take(vkFixedSize); !ok {
		return l, ErrVKTruncated.Wrapf("%d bytes, the fixed part alone is %d", len(bz), vkFixedSize)
	}
	nbK, ok := r.uint32()
	if !ok {
		return l, ErrVKTruncated.Wrap("K length")
	}
	if nbK < uint32(wantPublic+1) || nbK > uint32(wantPublic+1+MaxCommitments) {
		return l, ErrVKPublicInputCount.Wrapf("K has %d points, want %d public inputs (+1 per commitment, max %d)",
			nbK, wantPublic+1, MaxCommitments)
	}
	l.nbK = int(nbK)
	if _, ok := r.take(l.nbK * g1Size); !ok {
		return l, ErrVKTruncated.Wrap("K points")
	}
	nbCommitted, ok := r.uint32()
	if !ok {
		return l, ErrVKTruncated.Wrap("committed-inputs count")
	}
	if nbCommitted > MaxCommitments {
		return l, ErrVKCommitmentCount.Wrapf("%d committed-input lists, max %d", nbCommitted, MaxCommitments)
	}
	for i := 0; i < int(nbCommitted); i++ {
		m, ok := r.uint32()
		if !ok {
			return l, ErrVKTruncated.Wrap("committed-inputs list length")
		}
		if m > uint32(wantPublic) {
			return l, ErrVKEncoding.Wrapf("commitment %d commits to %d public inputs, there are %d", i, m, wantPublic)
		}
		prev := uint64(0)
		for j := 0; j < int(m); j++ {
			idx, ok := r.uint64()
			if !ok {
				return l, ErrVKTruncated.Wrap("committed-inputs list")
			}
			if idx <= prev || idx > uint64(wantPublic) {
				return l, ErrVKEncoding.Wrapf("committed public index %d: want strictly increasing in 1..%d", idx, wantPublic)
			}
			prev = idx
			l.committed = append(l.committed, int(idx))
		}
	}
	nbCommitments, ok := r.uint32()
	if !ok {
		return l, ErrVKTruncated.Wrap("commitment key count")
	}
	if nbCommitments != nbCommitted {
		return l, ErrVKCommitmentCount.Wrapf("%d commitment keys for %d committed-input lists", nbCommitments, nbCommitted)
	}
	l.nbCommitments = int(nbCommitments)
	if l.nbK != wantPublic+1+l.nbCommitments {
		return l, ErrVKPublicInputCount.Wrapf("K has %d points, want %d", l.nbK, wantPublic+1+l.nbCommitments)
	}
	if _, ok := r.take(l.nbCommitments * pedersenVKSize); !ok {
		return l, ErrVKTruncated.Wrap("commitment keys")
	}
	if r.remaining() != 0 {
		return l, ErrVKTrailingBytes.Wrapf("%d bytes", r.remaining())
	}
	return l, nil
}

// decodeVerifyingKey decodes the points of an encoding scanVerifyingKey
// accepted; every read below is in bounds.
func decodeVerifyingKey(bz []byte, wantPublic int, l vkLayout) (*VerifyingKey, error) {
	out := &VerifyingKey{raw: bytes.Clone(bz), nbPublic: wantPublic, nbCommitments: l.nbCommitments}
	vk := &out.vk
	r := reader{buf: bz}
	g1 := func(name string, dst *curve.G1Affine) error {
		b, _ := r.take(g1Size)
		p, kind, ok := decodeG1(b)
		if !ok {
			return ErrVKEncoding.Wrapf("%s is not a canonical compressed G1 point", name)
		}
		if kind == pointInfinity {
			return ErrVKDegenerate.Wrap(name)
		}
		*dst = p
		return nil
	}
	g2 := func(name string, dst *curve.G2Affine) error {
		b, _ := r.take(g2Size)
		p, kind, ok := decodeG2(b)
		if !ok {
			return ErrVKEncoding.Wrapf("%s is not a canonical compressed G2 point in the subgroup", name)
		}
		if kind == pointInfinity {
			return ErrVKDegenerate.Wrap(name)
		}
		*dst = p
		return nil
	}
	steps := []struct {
		name string
		g1   *curve.G1Affine
		g2   *curve.G2Affine
	}{
		{name: "[α]1", g1: &vk.G1.Alpha},
		{name: "[β]1", g1: &vk.G1.Beta},
		{name: "[β]2", g2: &vk.G2.Beta},
		{name: "[γ]2", g2: &vk.G2.Gamma},
		{name: "[δ]1", g1: &vk.G1.Delta},
		{name: "[δ]2", g2: &vk.G2.Delta},
	}
	for _, s := range steps {
		var err error
		if s.g1 != nil {
			err = g1(s.name, s.g1)
		} else {
			err = g2(s.name, s.g2)
		}
		if err != nil {
			return nil, err
		}
	}
	r.uint32() // nK, checked by the scan
	vk.G1.K = make([]curve.G1Affine, l.nbK)
	for i := range vk.G1.K {
		if err := g1("K point", &vk.G1.K[i]); err != nil {
			return nil, err
		}
	}
	// The committed-index lists were read by the scan; skip them.
	nbLists, _ := r.uint32()
	vk.PublicAndCommitmentCommitted = make([][]int, nbLists)
	for i := range vk.PublicAndCommitmentCommitted {
		m, _ := r.uint32()
		r.take(int(m) * u64)
		vk.PublicAndCommitmentCommitted[i] = append([]int{}, l.committed...)
	}
	r.uint32() // nbCommitments, checked by the scan
	// gnark leaves the slice nil without commitments; so do we.
	if l.nbCommitments > 0 {
		vk.CommitmentKeys = make([]pedersen.VerifyingKey, l.nbCommitments)
	}
	for i := range vk.CommitmentKeys {
		if err := g2("commitment key G", &vk.CommitmentKeys[i].G); err != nil {
			return nil, err
		}
		if err := g2("commitment key G^-σ", &vk.CommitmentKeys[i].GSigmaNeg); err != nil {
			return nil, err
		}
	}
	if err := vk.Precompute(); err != nil {
		return nil, ErrVKEncoding.Wrap(err.Error())
	}

	// Belt and braces: our reading of the format must be gnark's.
	var re bytes.Buffer
	if _, err := vk.WriteTo(&re); err != nil || !bytes.Equal(re.Bytes(), bz) {
		return nil, ErrVKEncoding.Wrap("encoding does not round-trip through gnark")
	}

	out.negAlpha.Neg(&vk.G1.Alpha)
	var deltaNeg, gammaNeg curve.G2Affine
	deltaNeg.Neg(&vk.G2.Delta)
	gammaNeg.Neg(&vk.G2.Gamma)
	out.lines = append(out.lines,
		curve.PrecomputeLines(deltaNeg),
		curve.PrecomputeLines(gammaNeg),
		curve.PrecomputeLines(vk.G2.Beta),
	)
	if l.nbCommitments == 1 {
		out.lines = append(out.lines,
			curve.PrecomputeLines(vk.CommitmentKeys[0].GSigmaNeg),
			curve.PrecomputeLines(vk.CommitmentKeys[0].G),
		)
	}
	out.negAlphaK0 = buildTables([]curve.G1Affine{out.negAlpha, vk.G1.K[0]})
	out.hash = sha256.Sum256(bz)
	return out, nil
}
