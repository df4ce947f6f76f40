package verifier

import (
	"bytes"
	"math/big"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"
)

// Red-team tests of BatchVerify (docs/adversarial.md, "Block-level batch
// verification"). Every forged proof below goes through ParseProof, as a
// transaction's does, so its bytes (and so the weights) match its points.

// reencode returns the proof q's points encode to, parsed again.
func reencode(t testing.TB, q *Proof) *Proof {
	t.Helper()
	var buf bytes.Buffer
	_, err := q.p.WriteTo(&buf)
	require.NoError(t, err)
	out, err := ParseProof(buf.Bytes())
	require.NoError(t, err)
	return out
}

// oneByOne is the verdict BatchVerify must reproduce: the first item
// failing its structural checks, else the first failing Verify.
func oneByOne(items []Item) (int, error) {
	for i := range items {
		if _, err := checkStatement(items[i].VK, items[i].Proof, items[i].PublicInputs); err != nil {
			return i, err
		}
	}
	for i := range items {
		if err := Verify(items[i].VK, items[i].Proof, items[i].PublicInputs); err != nil {
			return i, err
		}
	}
	return -1, nil
}

// Two proofs whose errors cancel exactly under the weights of the batch
// they form. With the weights known in advance (the points changed but the
// transcript not), the batch equation holds: the transcript's binding of
// the proof bytes is the only thing that stops this. Through ParseProof the
// bytes change with the points, the weights change with them, and the
// batch is refused.
func TestBatchVerify_ErrorsCancellingUnderPredictedWeightsAreRefused(t *testing.T) {
	f := loadFixtures(t)
	items := batchOf(t, f, 3, f.plain())
	seed := batchSeed(items)
	w0, w1 := weight(seed, 1, 0).w, weight(seed, 1, 1).w

	// Krs_0 += D, Krs_1 -= (w0/w1)·D: Σ w_i·Krs_i is unchanged.
	_, _, g1, _ := curve.Generators()
	var ratio fr.Element
	ratio.Inverse(&w1).Mul(&ratio, &w0)
	var dOther curve.G1Affine
	dOther.ScalarMultiplication(&g1, ratio.BigInt(new(big.Int)))
	q0, q1 := *items[0].Proof, *items[1].Proof
	q0.p.Krs.Add(&q0.p.Krs, &g1)
	q1.p.Krs.Sub(&q1.p.Krs, &dOther)

	stale := append([]Item(nil), items...)
	stale[0].Proof, stale[1].Proof = &q0, &q1
	require.Error(t, Verify(stale[0].VK, stale[0].Proof, stale[0].PublicInputs))
	require.Error(t, Verify(stale[1].VK, stale[1].Proof, stale[1].PublicInputs))
	require.True(t, batchEquationHolds(stale, extsOf(t, stale)),
		"sanity: with the weights known, the two errors cancel")

	forged := append([]Item(nil), items...)
	forged[0].Proof, forged[1].Proof = reencode(t, &q0), reencode(t, &q1)
	require.False(t, batchEquationHolds(forged, extsOf(t, forged)))
	bad, err := BatchVerify(forged)
	require.ErrorIs(t, err, ErrProofInvalid)
	require.Equal(t, 0, bad)
}

// Errors that cancel for every choice of weights that are equal, or
// negatives, or λ-multiples of each other (the GLV structure): Krs_0 += D
// and Krs_1 -= c·D for c in {1, -1, λ, λ²}.
func TestBatchVerify_StructuredCancellationIsRefused(t *testing.T) {
	f := loadFixtures(t)
	_, _, g1, _ := curve.Generators()
	var one, minusOne, lambda2 fr.Element
	one.SetOne()
	minusOne.Neg(&one)
	lambda2.Square(&glvLambda)
	for name, c := range map[string]fr.Element{"1": one, "-1": minusOne, "λ": glvLambda, "λ²": lambda2} {
		t.Run(name, func(t *testing.T) {
			items := batchOf(t, f, 4, f.plain())
			var d curve.G1Affine
			d.ScalarMultiplication(&g1, c.BigInt(new(big.Int)))
			q0, q1 := *items[0].Proof, *items[1].Proof
			q0.p.Krs.Add(&q0.p.Krs, &g1)
			q1.p.Krs.Sub(&q1.p.Krs, &d)
			items[0].Proof, items[1].Proof = reencode(t, &q0), reencode(t, &q1)
			require.False(t, batchEquationHolds(items, extsOf(t, items)))
			bad, err := BatchVerify(items)
			require.ErrorIs(t, err, ErrProofInvalid)
			require.Equal(t, 0, bad)
		})
	}
}

// The same valid proof twice (same statement) verifies; the same invalid
// one twice is refused at its first position, whatever sits between.
func TestBatchVerify_DuplicateItems(t *testing.T) {
	f := loadFixtures(t)
	items := batchOf(t, f, 3, f.proofs)
	dup := []Item{items[0], items[1], items[0], items[2], items[0]}
	bad, err := BatchVerify(dup)
	require.NoError(t, err)
	require.Equal(t, -1, bad)

	broken := tamperEncoded(t, items[1], 1)
	dup = []Item{items[0], broken, items[2], broken}
	bad, err = BatchVerify(dup)
	require.ErrorIs(t, err, ErrProofInvalid)
	require.Equal(t, 1, bad)
}

// tamperEncoded is tamper with the proof re-encoded, as a transaction
// would carry it.
func tamperEncoded(t testing.TB, item Item, kind int) Item {
	out := tamper(item, kind)
	if out.Proof != item.Proof {
		out.Proof = reencode(t, out.Proof)
	}
	return out
}

// A commitment proof whose proof of knowledge is broken and whose Groth16
// error is chosen to cancel it under equal weights (w = u): the two
// equations have independent weights. Also the proof of knowledge of one
// item paired with the commitment of another.
func TestBatchVerify_CommitmentPoKErrorsDoNotCancel(t *testing.T) {
	f := loadFixtures(t)
	c := f.committed()
	items := batchOf(t, f, 4, c)
	// Swap the proofs of knowledge of items 0 and 1: both PoK equations fail.
	q0, q1 := *items[0].Proof, *items[1].Proof
	q0.p.CommitmentPok, q1.p.CommitmentPok = q1.p.CommitmentPok, q0.p.CommitmentPok
	swapped := append([]Item(nil), items...)
	swapped[0].Proof, swapped[1].Proof = reencode(t, &q0), reencode(t, &q1)
	wantBad, wantErr := oneByOne(swapped)
	bad, err := BatchVerify(swapped)
	require.Equal(t, wantBad, bad)
	require.ErrorIs(t, err, ErrProofInvalid)
	require.Equal(t, wantErr.Error(), err.Error())

	// Pok_0 += G and Krs_0 += G: both equations of one item broken.
	q := *items[2].Proof
	_, _, g1, _ := curve.Generators()
	q.p.CommitmentPok.Add(&q.p.CommitmentPok, &g1)
	q.p.Krs.Add(&q.p.Krs, &g1)
	both := append([]Item(nil), items...)
	both[2].Proof = reencode(t, &q)
	bad, err = BatchVerify(both)
	require.ErrorIs(t, err, ErrProofInvalid)
	require.Equal(t, 2, bad)
}

// A proof valid for one key offered under another key of the same shape
// (different δ, so not the rekeyed equivalent) is refused in a batch where
// the other key also has valid proofs, and the key's group sums stay
// separate from its twin's.
func TestBatchVerify_ProofUnderAnotherKeyIsRefused(t *testing.T) {
	f := loadFixtures(t)
	other := redelta(t, f.vk, 7)
	items := batchOf(t, f, 4, f.plain())
	items[2].VK = other
	bad, err := BatchVerify(items)
	require.ErrorIs(t, err, ErrProofInvalid)
	require.Equal(t, 2, bad)
}

// redelta returns a key with δ scaled by k in both groups: a different
// key that accepts none of vk's proofs.
func redelta(t testing.TB, vk *VerifyingKey, k int64) *VerifyingKey {
	t.Helper()
	q := vk.vk
	kBig := big.NewInt(k)
	q.G1.Delta.ScalarMultiplication(&q.G1.Delta, kBig)
	q.G2.Delta.ScalarMultiplication(&q.G2.Delta, kBig)
	var buf bytes.Buffer
	_, err := q.WriteTo(&buf)
	require.NoError(t, err)
	out, err := ValidateVerifyingKey(buf.Bytes(), maxVKBytes, nbPublic)
	require.NoError(t, err)
	return out
}
