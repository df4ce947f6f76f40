package verifier

import (
	"crypto/sha256"
	"encoding/binary"
	"math/big"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// Item is one proof of a block-level batch.
type Item struct {
	VK           *VerifyingKey
	Proof        *Proof
	PublicInputs []fr.Element
}

// batchTranscriptTag domain-separates the weight transcript.
const batchTranscriptTag = "nativechain/rollups/groth16-batch/v1"

// weightBytes is the size of the random-linear-combination weights: 128
// bits bound the probability that a batch containing an invalid proof
// passes to about 2^-128 per transcript.
const weightBytes = 16

// BatchVerify verifies every item with one final exponentiation. It returns
// (-1, nil) if all verify, and otherwise the index of the first item that
// fails on its own with that item's error.
//
// Each item's Groth16 equation is raised to a weight w_i and, with a
// commitment, its Pedersen proof-of-knowledge equation to an independent
// weight u_i; items sharing a verifying key share their fixed-G2 pairings:
//
//	Π e(w_i·Ar_i, Bs_i)
//	· Π_vk e(Σ w_i·Krs_i, -δ) · e(Σ w_i·L_i, -γ) · e((Σ w_i)·(-α), β)
//	· Π_vk e(Σ u_i·C_i, G^-σ) · e(Σ u_i·Pok_i, G)  == 1
//
// where Σ w_i·L_i is computed with one scalar multiplication per K point
// per key. The weights are the first 16 bytes of SHA-256(seed, role, i),
// seed being SHA-256 over the tag, every key hash, proof and public input:
// deterministic, so every validator computes the same result, and unknown
// to a prover before the batch is fixed.
func BatchVerify(items []Item) (badIndex int, err error) {
	switch len(items) {
	case 0:
		return -1, nil
	case 1:
		if err := Verify(items[0].VK, items[0].Proof, items[0].PublicInputs); err != nil {
			return 0, err
		}
		return -1, nil
	}

	exts := make([][]fr.Element, len(items))
	for i := range items {
		ext, err := checkStatement(items[i].VK, items[i].Proof, items[i].PublicInputs)
		if err != nil {
			return i, err
		}
		exts[i] = ext
	}

	if batchEquationHolds(items, exts) {
		return -1, nil
	}
	for i := range items {
		if err := Verify(items[i].VK, items[i].Proof, items[i].PublicInputs); err != nil {
			return i, err
		}
	}
	// Unreachable: if every equation holds, so does any combination of them.
	return -1, ErrBatchInconsistent
}

// vkGroup accumulates the fixed-G2 terms of the items sharing one key.
type vkGroup struct {
	vk        *VerifyingKey
	sumW      fr.Element   // Σ w_i
	scalars   []fr.Element // Σ w_i·x_{i,j}, per K_{j+1}
	krs       curve.G1Jac  // Σ w_i·Krs_i
	comms     curve.G1Jac  // Σ w_i·C_i (part of L)
	pokComms  curve.G1Jac  // Σ u_i·C_i
	pokProofs curve.G1Jac  // Σ u_i·Pok_i
}

func batchEquationHolds(items []Item, exts [][]fr.Element) bool {
	seed := batchSeed(items)
	var groups []*vkGroup // first-appearance order: deterministic
	varP := make([]curve.G1Affine, len(items))
	varQ := make([]curve.G2Affine, len(items))

	var wBig, uBig big.Int
	for i := range items {
		it := &items[i]
		g := findGroup(groups, it.VK)
		if g == nil {
			g = &vkGroup{vk: it.VK, scalars: make([]fr.Element, len(it.VK.vk.G1.K)-1)}
			groups = append(groups, g)
		}
		weight(seed, 1, i, &wBig)
		var w fr.Element
		w.SetBigInt(&wBig)

		varP[i].ScalarMultiplication(&it.Proof.p.Ar, &wBig)
		varQ[i] = it.Proof.p.Bs

		addScaled(&g.krs, &it.Proof.p.Krs, &wBig)
		g.sumW.Add(&g.sumW, &w)
		for j := range exts[i] {
			var t fr.Element
			t.Mul(&w, &exts[i][j])
			g.scalars[j].Add(&g.scalars[j], &t)
		}
		if len(it.Proof.p.Commitments) > 0 {
			weight(seed, 2, i, &uBig)
			addScaled(&g.comms, &it.Proof.p.Commitments[0], &wBig)
			addScaled(&g.pokComms, &it.Proof.p.Commitments[0], &uBig)
			addScaled(&g.pokProofs, &it.Proof.p.CommitmentPok, &uBig)
		}
	}

	var fixedP []curve.G1Affine
	var fixedLines []millerLines
	var s big.Int
	for _, g := range groups {
		k := g.vk.vk.G1.K
		var l curve.G1Jac
		l.FromAffine(&k[0])
		l.ScalarMultiplication(&l, g.sumW.BigInt(&s))
		for j := range g.scalars {
			addScaled(&l, &k[j+1], g.scalars[j].BigInt(&s))
		}
		l.AddAssign(&g.comms)

		var alpha curve.G1Affine
		alpha.ScalarMultiplication(&g.vk.negAlpha, g.sumW.BigInt(&s))
		fixedP = append(fixedP, toAffine(&g.krs), toAffine(&l), alpha)
		fixedLines = append(fixedLines, g.vk.lines[lineDeltaNeg], g.vk.lines[lineGammaNeg], g.vk.lines[lineBeta])
		if g.vk.nbCommitments > 0 {
			fixedP = append(fixedP, toAffine(&g.pokComms), toAffine(&g.pokProofs))
			fixedLines = append(fixedLines, g.vk.lines[linePedersenGSigmaNeg], g.vk.lines[linePedersenG])
		}
	}

	varPart, err := curve.MillerLoop(varP, varQ)
	if err != nil {
		return false
	}
	fixedPart, err := curve.MillerLoopFixedQ(fixedP, fixedLines)
	if err != nil {
		return false
	}
	res := curve.FinalExponentiation(&varPart, &fixedPart)
	return res.IsOne()
}

func findGroup(groups []*vkGroup, vk *VerifyingKey) *vkGroup {
	for _, g := range groups {
		if g.vk == vk || g.vk.hash == vk.hash {
			return g
		}
	}
	return nil
}

// batchSeed hashes everything the batch equation depends on.
func batchSeed(items []Item) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(batchTranscriptTag))
	writeU32(h, len(items))
	for i := range items {
		it := &items[i]
		h.Write(it.VK.hash[:])
		writeU32(h, len(it.Proof.raw))
		h.Write(it.Proof.raw)
		writeU32(h, len(it.PublicInputs))
		for j := range it.PublicInputs {
			b := it.PublicInputs[j].Bytes()
			h.Write(b[:])
		}
	}
	var seed [sha256.Size]byte
	h.Sum(seed[:0])
	return seed
}

// weight sets out to the 128-bit weight of item i for a role (1: Groth16
// equation, 2: commitment proof of knowledge); a zero weight becomes 1.
func weight(seed [sha256.Size]byte, role byte, i int, out *big.Int) {
	var buf [sha256.Size + 1 + 4]byte
	copy(buf[:], seed[:])
	buf[sha256.Size] = role
	binary.BigEndian.PutUint32(buf[sha256.Size+1:], uint32(i))
	d := sha256.Sum256(buf[:])
	out.SetBytes(d[:weightBytes])
	if out.Sign() == 0 {
		out.SetUint64(1)
	}
}

type byteWriter interface{ Write([]byte) (int, error) }

func writeU32(w byteWriter, v int) {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(v))
	w.Write(b[:])
}

func addScaled(acc *curve.G1Jac, p *curve.G1Affine, s *big.Int) {
	var t curve.G1Jac
	t.FromAffine(p)
	t.ScalarMultiplication(&t, s)
	acc.AddAssign(&t)
}

func toAffine(p *curve.G1Jac) curve.G1Affine {
	var a curve.G1Affine
	a.FromJacobian(p)
	return a
}
