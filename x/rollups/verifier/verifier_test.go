package verifier

import (
	"bytes"
	"errors"
	"math/rand"
	"runtime"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/stretchr/testify/require"
)

// Offsets in the fixture verifying keys (compressed encoding, one public
// input): see ValidateVerifyingKey.
const (
	offNbK          = vkFixedSize     // 288
	offK            = offNbK + u32    // 292
	offPlainLists   = offK + 2*g1Size // 356, vk.bin: K has 2 points
	offPlainNbComm  = offPlainLists + u32
	offCommitLists  = offK + 3*g1Size // 388, vk_commit.bin: K has 3 points
	offCommitListM  = offCommitLists + u32
	offCommitNbComm = offCommitListM + u32
	offProofCount   = proofPrefixSize - u32 // 128
)

// ---------------------------------------------------------------------------
// Valid inputs

func TestFixtures_VerifyWithAdapterAndRawGnark(t *testing.T) {
	f := loadFixtures(t)
	for _, p := range f.proofs {
		require.NoError(t, Verify(p.vk, p.proof, p.pub), p.name)
		require.NoError(t, groth16bn254.Verify(&p.proof.p, &p.vk.vk, p.pub), p.name)
	}
}

func TestValidateVerifyingKey_AgreesWithGnarkDecoder(t *testing.T) {
	f := loadFixtures(t)
	for _, c := range []struct {
		raw []byte
		vk  *VerifyingKey
	}{{f.vkRaw, f.vk}, {f.vkCommitRaw, f.vkCommit}} {
		var ref groth16bn254.VerifyingKey
		n, err := ref.ReadFrom(bytes.NewReader(c.raw))
		require.NoError(t, err)
		require.Equal(t, int64(len(c.raw)), n)
		require.Equal(t, ref.G1, c.vk.vk.G1)
		require.Equal(t, ref.G2, c.vk.vk.G2)
		require.Equal(t, ref.CommitmentKeys, c.vk.vk.CommitmentKeys)
		require.Equal(t, ref.PublicAndCommitmentCommitted, c.vk.vk.PublicAndCommitmentCommitted)
		require.Equal(t, c.raw, c.vk.Bytes())
		require.Equal(t, nbPublic, c.vk.NbPublic())
	}
	require.Equal(t, 0, f.vk.NbCommitments())
	require.Equal(t, 1, f.vkCommit.NbCommitments())
}

func TestParseProof_AgreesWithGnarkEncoder(t *testing.T) {
	f := loadFixtures(t)
	for _, p := range f.proofs {
		var buf bytes.Buffer
		_, err := p.proof.p.WriteTo(&buf)
		require.NoError(t, err)
		require.Equal(t, p.raw, buf.Bytes(), p.name)
		require.Equal(t, p.raw, p.proof.Bytes())
	}
}

// Groth16 proofs are malleable: a re-randomised proof of the same statement
// has different bytes and verifies. The keeper must prevent replays by the
// statement (batch index), never by proof bytes.
func TestVerify_AcceptsRerandomizedProofOfSameStatement(t *testing.T) {
	f := loadFixtures(t)
	for _, p := range f.proofs {
		q := rerandomize(t, p.vk, p.proof, 7, 11)
		require.NotEqual(t, p.raw, q.Bytes(), p.name)
		require.NoError(t, Verify(p.vk, q, p.pub), p.name)
		require.NoError(t, groth16bn254.Verify(&q.p, &p.vk.vk, p.pub), p.name)
	}
}

// ---------------------------------------------------------------------------
// Verifying keys

func TestValidateVerifyingKey_Rejections(t *testing.T) {
	f := loadFixtures(t)
	plain, commit := f.vkRaw, f.vkCommitRaw
	infinityG1 := append([]byte{0x40}, make([]byte, g1Size-1)...)
	uncompressedAlpha := withByte(plain, 0, plain[0]&^flagMask)

	tests := []struct {
		name       string
		bz         []byte
		maxBytes   int
		wantPublic int
		wantErr    error
	}{
		{"over the size cap", plain, len(plain) - 1, nbPublic, ErrVKTooLarge},
		{"zero size cap", plain, 0, nbPublic, ErrVKTooLarge},
		{"wrong public-input count (2)", plain, maxVKBytes, 2, ErrVKPublicInputCount},
		{"wrong public-input count (0)", plain, maxVKBytes, 0, ErrVKPublicInputCount},
		{"absurd public-input count", plain, maxVKBytes, MaxPublicInputs + 1, ErrVKPublicInputCount},
		{"commitment vk, wrong public-input count", commit, maxVKBytes, 2, ErrVKPublicInputCount},
		{"trailing byte", append(bytes.Clone(plain), 0), maxVKBytes, nbPublic, ErrVKTrailingBytes},
		{"trailing point", append(bytes.Clone(plain), plain[:g1Size]...), maxVKBytes, nbPublic, ErrVKTrailingBytes},
		{"commitment vk, trailing byte", append(bytes.Clone(commit), 0), maxVKBytes, nbPublic, ErrVKTrailingBytes},
		{"empty", nil, maxVKBytes, nbPublic, ErrVKTruncated},
		{"K count says 3 without a commitment", withU32(plain, offNbK, 3), maxVKBytes, nbPublic, ErrVKTruncated},
		{"hostile K count", withU32(plain, offNbK, 0xffffffff), maxVKBytes, nbPublic, ErrVKPublicInputCount},
		{"hostile committed-list count", withU32(plain, offPlainLists, 0xffffffff), maxVKBytes, nbPublic, ErrVKCommitmentCount},
		{"two committed lists", withU32(plain, offPlainLists, 2), maxVKBytes, nbPublic, ErrVKCommitmentCount},
		{"hostile committed-list length", withU32(commit, offCommitListM, 0xffffffff), maxVKBytes, nbPublic, ErrVKEncoding},
		{"hostile commitment-key count", withU32(plain, offPlainNbComm, 0xffffffff), maxVKBytes, nbPublic, ErrVKCommitmentCount},
		{"commitment keys without committed list", withU32(plain, offPlainNbComm, 1), maxVKBytes, nbPublic, ErrVKCommitmentCount},
		{"committed list without commitment key", withU32(commit, offCommitNbComm, 0), maxVKBytes, nbPublic, ErrVKCommitmentCount},
		{"committed index 0", splice(commit, offCommitListM, u32, append([]byte{0, 0, 0, 1}, 0, 0, 0, 0, 0, 0, 0, 0)), maxVKBytes, nbPublic, ErrVKEncoding},
		{"committed index past the inputs", splice(commit, offCommitListM, u32, append([]byte{0, 0, 0, 1}, 0, 0, 0, 0, 0, 0, 0, 2)), maxVKBytes, nbPublic, ErrVKEncoding},
		{"uncompressed α", uncompressedAlpha, maxVKBytes, nbPublic, ErrVKEncoding},
		{"non-canonical α (x = p)", withBytes(plain, 0, nonCanonicalG1()), maxVKBytes, nbPublic, ErrVKEncoding},
		{"α off the curve", withBytes(plain, 0, offCurveG1(t)), maxVKBytes, nbPublic, ErrVKEncoding},
		{"α at infinity", withBytes(plain, 0, infinityG1), maxVKBytes, nbPublic, ErrVKDegenerate},
		{"γ at infinity", withBytes(plain, 2*g1Size+g2Size, append([]byte{0x40}, make([]byte, g2Size-1)...)), maxVKBytes, nbPublic, ErrVKDegenerate},
		{"K_1 at infinity", withBytes(plain, offK+g1Size, infinityG1), maxVKBytes, nbPublic, ErrVKDegenerate},
		{"K_1 non-canonical", withBytes(plain, offK+g1Size, nonCanonicalG1()), maxVKBytes, nbPublic, ErrVKEncoding},
		{"β2 outside the subgroup", withBytes(plain, 2*g1Size, nonSubgroupG2(t)), maxVKBytes, nbPublic, ErrVKEncoding},
		{"commitment key outside the subgroup", withBytes(commit, offCommitNbComm+u32, nonSubgroupG2(t)), maxVKBytes, nbPublic, ErrVKEncoding},
		{"infinity with stray bits", withBytes(plain, 0, append([]byte{0x41}, make([]byte, g1Size-1)...)), maxVKBytes, nbPublic, ErrVKEncoding},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vk, err := ValidateVerifyingKey(tc.bz, tc.maxBytes, tc.wantPublic)
			require.ErrorIs(t, err, tc.wantErr)
			require.Nil(t, vk)
		})
	}
}

func TestValidateVerifyingKey_EveryTruncationIsRejected(t *testing.T) {
	f := loadFixtures(t)
	for _, raw := range [][]byte{f.vkRaw, f.vkCommitRaw} {
		for n := 0; n < len(raw); n++ {
			_, err := ValidateVerifyingKey(raw[:n], maxVKBytes, nbPublic)
			require.ErrorIs(t, err, ErrVKTruncated, "prefix of %d bytes", n)
		}
	}
}

// A hostile count must cost nothing: gnark's own decoder would make() a
// slice of that many points (GHSA-cph5-3pgr-c82g and the K-length variant).
func TestValidateVerifyingKey_HostileCountsDoNotAllocate(t *testing.T) {
	f := loadFixtures(t)
	hostile := [][]byte{
		withU32(f.vkRaw, offNbK, 0xffffffff),
		withU32(f.vkRaw, offNbK, 0x7fffffff),
		withU32(f.vkRaw, offPlainLists, 0xffffffff),
		withU32(f.vkRaw, offPlainNbComm, 0xffffffff),
		withU32(f.vkCommitRaw, offCommitListM, 0xffffffff),
	}
	for i, bz := range hostile {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for range 10 {
			_, err := ValidateVerifyingKey(bz, maxVKBytes, nbPublic)
			require.Error(t, err)
		}
		runtime.ReadMemStats(&after)
		require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(64<<10), "case %d allocated", i)
	}
}

// ---------------------------------------------------------------------------
// Proofs

// parseErrors are every error ParseProof may return.
var parseErrors = []error{ErrProofLength, ErrProofEncoding, ErrProofCommitmentCount}

func TestParseProof_RandomBytes(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := range 200 {
		bz := make([]byte, []int{ProofSize, MaxProofSize, 1 + rng.Intn(300)}[i%3])
		rng.Read(bz)
		if i%2 == 0 && len(bz) >= proofPrefixSize {
			copy(bz[offProofCount:], []byte{0, 0, 0, byte((len(bz) - ProofSize) / g1Size)})
		}
		p, err := ParseProof(bz)
		require.Nil(t, p)
		require.True(t, isOneOf(err, parseErrors), "random proof %d: %v", i, err)
	}
}

func TestParseProof_Rejections(t *testing.T) {
	f := loadFixtures(t)
	plain := f.plain()[0].raw
	commit := f.committed()[0].raw
	offKrs := g1Size + g2Size
	offPok := ProofSize - g1Size

	tests := []struct {
		name    string
		bz      []byte
		wantErr error
	}{
		{"zeroed", make([]byte, ProofSize), ErrProofEncoding},
		{"zeroed with commitment", withU32(make([]byte, MaxProofSize), offProofCount, 1), ErrProofEncoding},
		{"empty", nil, ErrProofLength},
		{"truncated by one", plain[:len(plain)-1], ErrProofLength},
		{"over-long by one", append(bytes.Clone(plain), 0), ErrProofLength},
		{"over-long by a point", append(bytes.Clone(plain), plain[:g1Size]...), ErrProofLength},
		{"commitment proof truncated", commit[:len(commit)-1], ErrProofLength},
		{"commitment proof over-long", append(bytes.Clone(commit), 0), ErrProofLength},
		{"count 1 in a 164-byte proof", withU32(plain, offProofCount, 1), ErrProofLength},
		{"count 2", withU32(commit, offProofCount, 2), ErrProofCommitmentCount},
		{"hostile count", withU32(commit, offProofCount, 0xffffffff), ErrProofCommitmentCount},
		{"uncompressed Ar", withByte(plain, 0, plain[0]&^flagMask), ErrProofEncoding},
		{"Ar at infinity", withBytes(plain, 0, append([]byte{0x40}, make([]byte, g1Size-1)...)), ErrProofEncoding},
		{"non-canonical Ar (x = p)", withBytes(plain, 0, nonCanonicalG1()), ErrProofEncoding},
		{"Ar off the curve", withBytes(plain, 0, offCurveG1(t)), ErrProofEncoding},
		{"Bs outside the subgroup", withBytes(plain, g1Size, nonSubgroupG2(t)), ErrProofEncoding},
		{"non-canonical Krs", withBytes(plain, offKrs, nonCanonicalG1()), ErrProofEncoding},
		{"pok set without commitment", withBytes(plain, offPok, plain[:g1Size]), ErrProofEncoding},
		{"pok infinity with stray bits", withByte(plain, offPok, 0x41), ErrProofEncoding},
		{"commitment at infinity", withBytes(commit, proofPrefixSize, append([]byte{0x40}, make([]byte, g1Size-1)...)), ErrProofEncoding},
		{"non-canonical commitment", withBytes(commit, proofPrefixSize, nonCanonicalG1()), ErrProofEncoding},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseProof(tc.bz)
			require.ErrorIs(t, err, tc.wantErr)
			require.Nil(t, p)
		})
	}
}

func TestParseProof_EveryTruncationIsRejected(t *testing.T) {
	f := loadFixtures(t)
	for _, p := range f.proofs {
		for n := 0; n < len(p.raw); n++ {
			_, err := ParseProof(p.raw[:n])
			require.ErrorIs(t, err, ErrProofLength, "%s prefix of %d bytes", p.name, n)
		}
	}
}

// ---------------------------------------------------------------------------
// Statements

func TestVerify_RejectsAnyChangedPublicInput(t *testing.T) {
	f := loadFixtures(t)
	for _, p := range f.proofs {
		for i := range p.pub {
			for _, delta := range []uint64{1, 2, 1 << 40} {
				pub := append([]fr.Element(nil), p.pub...)
				var d fr.Element
				d.SetUint64(delta)
				pub[i].Add(&pub[i], &d)
				require.ErrorIs(t, Verify(p.vk, p.proof, pub), ErrProofInvalid, "%s input %d", p.name, i)
				require.Error(t, groth16bn254.Verify(&p.proof.p, &p.vk.vk, pub), "gnark must agree")
			}
		}
	}
}

func TestVerify_RejectsProofOfAnotherStatement(t *testing.T) {
	f := loadFixtures(t)
	plain := f.plain()
	require.ErrorIs(t, Verify(f.vk, plain[0].proof, plain[1].pub), ErrProofInvalid)
	commit := f.committed()
	if len(commit) > 1 {
		require.ErrorIs(t, Verify(f.vkCommit, commit[0].proof, commit[1].pub), ErrProofInvalid)
	}
}

func TestVerify_RejectsForgedCommitmentProofOfKnowledge(t *testing.T) {
	f := loadFixtures(t)
	p := f.committed()[0]
	q := *p.proof
	_, _, g1, _ := curve.Generators()
	q.p.CommitmentPok.Add(&q.p.CommitmentPok, &g1)
	require.ErrorIs(t, Verify(p.vk, &q, p.pub), ErrProofInvalid)
	require.Error(t, groth16bn254.Verify(&q.p, &p.vk.vk, p.pub), "gnark must agree")
}

func TestVerify_StructuralRejections(t *testing.T) {
	f := loadFixtures(t)
	p, c := f.plain()[0], f.committed()[0]
	notReduced := fr.Element(frModulusLimbs)
	tests := []struct {
		name    string
		vk      *VerifyingKey
		proof   *Proof
		pub     []fr.Element
		wantErr error
	}{
		{"nil vk", nil, p.proof, p.pub, ErrNilInput},
		{"nil proof", f.vk, nil, p.pub, ErrNilInput},
		{"no public inputs", f.vk, p.proof, nil, ErrPublicInputCount},
		{"two public inputs", f.vk, p.proof, append(append([]fr.Element(nil), p.pub...), p.pub...), ErrPublicInputCount},
		{"non-reduced public input", f.vk, p.proof, []fr.Element{notReduced}, ErrPublicInputNotReduced},
		{"commitment proof for a plain key", f.vk, c.proof, c.pub, ErrProofCommitmentCount},
		{"plain proof for a commitment key", f.vkCommit, p.proof, p.pub, ErrProofCommitmentCount},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.ErrorIs(t, Verify(tc.vk, tc.proof, tc.pub), tc.wantErr)
		})
	}
}

// ---------------------------------------------------------------------------
// Batches

// batchOf builds n valid items cycling over every fixture proof, each a
// distinct re-randomisation so that no two proofs share bytes.
func batchOf(t testing.TB, f *fixtures, n int, which []fixtureProof) []Item {
	items := make([]Item, n)
	for i := range items {
		p := which[i%len(which)]
		items[i] = Item{VK: p.vk, Proof: rerandomize(t, p.vk, p.proof, int64(3+i), int64(5+i)), PublicInputs: p.pub}
	}
	return items
}

func TestBatchVerify_AcceptsValidBatches(t *testing.T) {
	f := loadFixtures(t)
	bad, err := BatchVerify(nil)
	require.NoError(t, err)
	require.Equal(t, -1, bad)

	for _, n := range []int{1, 2, 5, 9} {
		bad, err := BatchVerify(batchOf(t, f, n, f.proofs))
		require.NoError(t, err, "n=%d", n)
		require.Equal(t, -1, bad)
	}
	// Two distinct key objects with the same bytes group together.
	vk2, err := ValidateVerifyingKey(f.vkRaw, maxVKBytes, nbPublic)
	require.NoError(t, err)
	items := batchOf(t, f, 4, f.plain())
	items[1].VK, items[3].VK = vk2, vk2
	bad, err = BatchVerify(items)
	require.NoError(t, err)
	require.Equal(t, -1, bad)
}

func TestBatchVerify_TamperedInputAtEachPositionReturnsThatIndex(t *testing.T) {
	f := loadFixtures(t)
	const n = 7
	base := batchOf(t, f, n, f.proofs)
	for k := range n {
		items := append([]Item(nil), base...)
		pub := append([]fr.Element(nil), items[k].PublicInputs...)
		var one fr.Element
		one.SetOne()
		pub[0].Add(&pub[0], &one)
		items[k].PublicInputs = pub
		bad, err := BatchVerify(items)
		require.ErrorIs(t, err, ErrProofInvalid, "position %d", k)
		require.Equal(t, k, bad)
	}
}

func TestBatchVerify_TamperedProofAtEachPositionReturnsThatIndex(t *testing.T) {
	f := loadFixtures(t)
	const n = 7
	base := batchOf(t, f, n, f.proofs)
	for k := range n {
		items := append([]Item(nil), base...)
		q := *items[k].Proof
		_, _, g1, _ := curve.Generators()
		if k%2 == 0 {
			q.p.Krs.Add(&q.p.Krs, &g1)
		} else if q.NbCommitments() > 0 {
			q.p.CommitmentPok.Add(&q.p.CommitmentPok, &g1)
		} else {
			q.p.Ar.Add(&q.p.Ar, &g1)
		}
		items[k].Proof = &q
		bad, err := BatchVerify(items)
		require.ErrorIs(t, err, ErrProofInvalid, "position %d", k)
		require.Equal(t, k, bad)
	}
}

// Two invalid proofs whose errors would cancel under equal weights are still
// caught: the weights differ per item.
func TestBatchVerify_SwappedStatementsAreCaught(t *testing.T) {
	f := loadFixtures(t)
	items := batchOf(t, f, 4, f.plain())
	items[0].PublicInputs, items[1].PublicInputs = items[1].PublicInputs, items[0].PublicInputs
	bad, err := BatchVerify(items)
	require.ErrorIs(t, err, ErrProofInvalid)
	require.Equal(t, 0, bad)
}

func TestBatchVerify_StructuralErrorReturnsIndex(t *testing.T) {
	f := loadFixtures(t)
	items := batchOf(t, f, 5, f.proofs)
	items[3].PublicInputs = nil
	bad, err := BatchVerify(items)
	require.ErrorIs(t, err, ErrPublicInputCount)
	require.Equal(t, 3, bad)
}

func TestBatchVerify_IsDeterministic(t *testing.T) {
	f := loadFixtures(t)
	items := batchOf(t, f, 3, f.proofs)
	require.Equal(t, batchSeed(items), batchSeed(append([]Item(nil), items...)))
	swapped := []Item{items[1], items[0], items[2]}
	require.NotEqual(t, batchSeed(items), batchSeed(swapped))
}

func isOneOf(err error, targets []error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
