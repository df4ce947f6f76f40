package verifier

import (
	"bytes"
	"fmt"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"
)

// The one-by-one fallback names the culprit of a failed batch, so it would
// also hide a batch equation that never holds. These tests check the
// equation itself.

func extsOf(t *testing.T, items []Item) [][]fr.Element {
	t.Helper()
	exts := make([][]fr.Element, len(items))
	for i := range items {
		var err error
		exts[i], err = checkStatement(items[i].VK, items[i].Proof, items[i].PublicInputs)
		require.NoError(t, err)
	}
	return exts
}

func TestBatchEquation_HoldsForValidBatches(t *testing.T) {
	f := loadFixtures(t)
	batches := map[string][]Item{
		"2 under one key":              batchOf(t, f, 2, f.plain()),
		"9 under two keys, commitment": batchOf(t, f, 9, f.proofs),
		"64 under one key":             batchOf(t, f, 64, f.plain()),
		"64 over 8 keys":               batchOverKeys(t, f, 64, 8, f.plain()),
		"40 over 8+8 keys, commitment": batchOverKeys(t, f, 40, 8, f.proofs),
	}
	for name, items := range batches {
		t.Run(name, func(t *testing.T) {
			require.True(t, batchEquationHolds(items, extsOf(t, items)))
			bad, err := BatchVerify(items)
			require.NoError(t, err)
			require.Equal(t, -1, bad)
		})
	}
}

// tamper returns a copy of item with one of its equations broken: kind 0
// changes a public input, 1 adds G1's generator to Krs, 2 to Ar, 3 to the
// proof of knowledge (with a commitment; else to Ar).
func tamper(item Item, kind int) Item {
	q := *item.Proof
	_, _, g1, _ := curve.Generators()
	switch kind % 4 {
	case 0:
		pub := append([]fr.Element(nil), item.PublicInputs...)
		var one fr.Element
		one.SetOne()
		pub[0].Add(&pub[0], &one)
		item.PublicInputs = pub
		return item
	case 1:
		q.p.Krs.Add(&q.p.Krs, &g1)
	case 3:
		if q.NbCommitments() > 0 {
			q.p.CommitmentPok.Add(&q.p.CommitmentPok, &g1)
			break
		}
		fallthrough
	case 2:
		q.p.Ar.Add(&q.p.Ar, &g1)
	}
	item.Proof = &q
	return item
}

func TestBatchVerify_OneInvalidAmong64OverEightKeysReturnsItsIndex(t *testing.T) {
	f := loadFixtures(t)
	for _, tc := range []struct {
		name  string
		which []fixtureProof
	}{
		{"plain keys", f.plain()},
		{"plain and commitment keys", f.proofs},
	} {
		base := batchOverKeys(t, f, 64, 8, tc.which)
		for n, pos := range []int{0, 9, 38, 63} {
			t.Run(fmt.Sprintf("%s, position %d", tc.name, pos), func(t *testing.T) {
				items := append([]Item(nil), base...)
				items[pos] = tamper(items[pos], n)

				require.False(t, batchEquationHolds(items, extsOf(t, items)))
				bad, err := BatchVerify(items)
				require.ErrorIs(t, err, ErrProofInvalid)
				require.Equal(t, pos, bad)
			})
		}
	}
}

// With several invalid proofs the first is named, whatever the others.
func TestBatchVerify_SeveralInvalidReturnsTheFirst(t *testing.T) {
	f := loadFixtures(t)
	items := batchOverKeys(t, f, 64, 8, f.proofs)
	for _, pos := range []int{51, 17, 40} {
		items[pos] = tamper(items[pos], pos)
	}
	bad, err := BatchVerify(items)
	require.ErrorIs(t, err, ErrProofInvalid)
	require.Equal(t, 17, bad)
}

// Untrusted points reach BatchVerify only through ParseProof, which checks
// the subgroup of every one. A G2 point on the twist but off the subgroup
// is refused there, in any position of a 64-proof batch.
func TestBatchVerify_ProofWithBsOffTheSubgroupIsRejected(t *testing.T) {
	f := loadFixtures(t)
	items := batchOverKeys(t, f, 64, 8, f.proofs)
	off := nonSubgroupG2(t)
	for _, pos := range []int{0, 63} {
		raw := withBytes(items[pos].Proof.Bytes(), g1Size, off)
		p, err := ParseProof(raw)
		require.ErrorIs(t, err, ErrProofEncoding)
		require.Nil(t, p)
	}

	// Were such a point ever to get past parsing, the batch would still
	// fail and name the proof.
	q := *items[38].Proof
	q.p.Bs = decodeG2Unchecked(t, off)
	require.True(t, q.p.Bs.IsOnCurve())
	require.False(t, q.p.Bs.IsInSubGroup())
	items[38].Proof = &q
	bad, err := BatchVerify(items)
	require.ErrorIs(t, err, ErrProofInvalid)
	require.Equal(t, 38, bad)
}

// decodeG2Unchecked decodes a compressed G2 point without the subgroup
// check, as only a test may.
func decodeG2Unchecked(t *testing.T, b []byte) curve.G2Affine {
	t.Helper()
	var p curve.G2Affine
	require.NoError(t, curve.NewDecoder(bytes.NewReader(b), curve.NoSubgroupChecks()).Decode(&p))
	return p
}

// Two batches differing only in one proof's bytes (a re-randomisation of
// the same statement) get different weights: the transcript covers the
// proof bytes.
func TestBatchVerify_WeightsDependOnEveryProof(t *testing.T) {
	f := loadFixtures(t)
	items := batchOverKeys(t, f, 8, 8, f.plain())
	other := append([]Item(nil), items...)
	other[5].Proof = rerandomize(t, other[5].VK, other[5].Proof, 11, 13)
	require.NotEqual(t, batchSeed(items), batchSeed(other))
	a, b := weight(batchSeed(items), 1, 0), weight(batchSeed(other), 1, 0)
	require.NotEqual(t, a.w, b.w)
}

// gnark's MillerLoopFixedQ scales the lines it is given in place, so a key's
// precomputed lines must only ever be passed as copies: verifying leaves
// them as they were.
func TestVerification_LeavesTheKeysPrecomputedLinesUntouched(t *testing.T) {
	f := loadFixtures(t)
	items := batchOf(t, f, 9, f.proofs)
	snapshot := func() [][]millerLines {
		return [][]millerLines{append([]millerLines(nil), f.vk.lines...), append([]millerLines(nil), f.vkCommit.lines...)}
	}
	before := snapshot()
	bad, err := BatchVerify(items)
	require.NoError(t, err)
	require.Equal(t, -1, bad)
	for i := range items {
		require.NoError(t, Verify(items[i].VK, items[i].Proof, items[i].PublicInputs))
	}
	require.Equal(t, before, snapshot())
}
