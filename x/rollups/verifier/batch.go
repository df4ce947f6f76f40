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

// batchTranscriptTag domain-separates the weight transcript. v2: weights
// are drawn in GLV form (glv.go).
const batchTranscriptTag = "nativechain/rollups/groth16-batch/v2"

// weightBytes is the transcript output behind a weight: 128 bits bound the
// probability that a batch containing an invalid proof passes to about
// 2^-128 per transcript.
const weightBytes = 16

// BatchVerify verifies every item with one Miller loop over the proofs'
// own pairings and one final exponentiation. It returns (-1, nil) if all
// verify, and otherwise an item that fails on its own with that item's
// error: the first that fails the structural checks (key, input count and
// range, commitment count), or if none does, the first whose proof does
// not verify. A structural failure is reported even when an earlier item's
// proof is the one that fails (FuzzBatchVerifyMatchesOneByOne's oracle).
//
// Each item's Groth16 equation is raised to a weight w_i and, with a
// commitment, its Pedersen proof-of-knowledge equation to an independent
// weight u_i; items sharing a verifying key share their fixed-G2 pairings:
//
//	Π e(w_i·Ar_i, Bs_i)
//	· Π_vk e(Σ w_i·Krs_i, -δ) · e(Σ w_i·L_i, -γ) · e((Σ w_i)·(-α), β)
//	· Π_vk e(Σ u_i·C_i, G^-σ) · e(Σ u_i·Pok_i, G)  == 1
//
// The per-proof work outside the Miller loop is one 128-bit scalar
// multiplication (w_i·Ar_i, 64 doublings in GLV form) and a share of one
// multi-scalar multiplication per key (Σ w_i·Krs_i). Σ w_i·L_i needs no
// per-proof curve arithmetic: it is (Σ w_i)·K_0 + Σ_j (Σ_i w_i·x_ij)·K_j
// plus the weighted commitments, the scalars summed in the field first, so
// a key costs one small MSM whatever its number of proofs.
//
// The weights come from SHA-256(seed, role, i), seed being SHA-256 over
// the tag, every key hash, proof and public input: deterministic, so
// every validator computes the same result, and unknown to a prover before
// the batch is fixed. Each takes 2^128 values (glv.go).
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
	sumLo     u128         // Σ lo_i, so that Σ w_i = Σ lo_i + (Σ hi_i)·λ
	sumHi     u128         // Σ hi_i
	scalars   []fr.Element // Σ w_i·x_{i,j}, per K_{j+1}
	krs       []glvTerm    // w_i·Krs_i
	comms     []glvTerm    // w_i·C_i (part of L)
	pokComms  []glvTerm    // u_i·C_i
	pokProofs []glvTerm    // u_i·Pok_i
}

func batchEquationHolds(items []Item, exts [][]fr.Element) bool {
	seed := batchSeed(items)
	n := len(items)

	// Weights, and the tables of every point that gets one: Ar_i and
	// Krs_i, then C_i and Pok_i of the items with a commitment.
	w := make([]glvWeight, n)
	var u []glvWeight // only with commitments
	points := make([]curve.G1Affine, 0, 2*n)
	for i := range items {
		p := &items[i].Proof.p
		w[i] = weight(seed, 1, i)
		points = append(points, p.Ar, p.Krs)
	}
	for i := range items {
		p := &items[i].Proof.p
		if len(p.Commitments) > 0 {
			if u == nil {
				u = make([]glvWeight, n)
			}
			u[i] = weight(seed, 2, i)
			points = append(points, p.Commitments[0], p.CommitmentPok)
		}
	}
	tables := buildTables(points)

	var groups []*vkGroup // first-appearance order: deterministic
	varJac := make([]curve.G1Jac, n)
	varQ := make([]curve.G2Affine, n)
	next := 2 * n // next commitment table
	for i := range items {
		it := &items[i]
		g := findGroup(groups, it.VK)
		if g == nil {
			g = &vkGroup{vk: it.VK, scalars: make([]fr.Element, len(it.VK.vk.G1.K)-1)}
			groups = append(groups, g)
		}
		varJac[i] = strausSum([]glvTerm{{&tables[2*i], &w[i]}})
		varQ[i] = it.Proof.p.Bs

		g.krs = append(g.krs, glvTerm{&tables[2*i+1], &w[i]})
		g.sumLo, g.sumHi = g.sumLo.add(w[i].loVal), g.sumHi.add(w[i].hiVal)
		for j := range exts[i] {
			var t fr.Element
			t.Mul(&w[i].w, &exts[i][j])
			g.scalars[j].Add(&g.scalars[j], &t)
		}
		if len(it.Proof.p.Commitments) > 0 {
			c, pok := &tables[next], &tables[next+1]
			next += 2
			g.comms = append(g.comms, glvTerm{c, &w[i]})
			g.pokComms = append(g.pokComms, glvTerm{c, &u[i]})
			g.pokProofs = append(g.pokProofs, glvTerm{pok, &u[i]})
		}
	}

	var fixedJac []curve.G1Jac
	// Copies: MillerLoopFixedQ scales the lines it is given in place.
	var fixedLines []millerLines
	var s big.Int
	for _, g := range groups {
		// (Σ w_i)·K_0 and (Σ w_i)·(-α) in GLV form: the halves' sums are
		// 64 + log2(n) bits, so they cost few more doublings than one weight.
		sumW := glvWeightOf(g.sumLo, g.sumHi)
		l := strausSum(append([]glvTerm{{&g.vk.negAlphaK0[1], &sumW}}, g.comms...))
		k := g.vk.vk.G1.K
		for j := range g.scalars {
			var t curve.G1Jac
			t.FromAffine(&k[j+1])
			t.ScalarMultiplication(&t, g.scalars[j].BigInt(&s))
			l.AddAssign(&t)
		}
		alpha := strausSum([]glvTerm{{&g.vk.negAlphaK0[0], &sumW}})
		fixedJac = append(fixedJac, strausSum(g.krs), l, alpha)
		fixedLines = append(fixedLines, g.vk.lines[lineDeltaNeg], g.vk.lines[lineGammaNeg], g.vk.lines[lineBeta])
		if g.vk.nbCommitments > 0 {
			fixedJac = append(fixedJac, strausSum(g.pokComms), strausSum(g.pokProofs))
			fixedLines = append(fixedLines, g.vk.lines[linePedersenGSigmaNeg], g.vk.lines[linePedersenG])
		}
	}

	varPart, err := curve.MillerLoop(batchToAffine(varJac), varQ)
	if err != nil {
		return false
	}
	fixedPart, err := curve.MillerLoopFixedQ(batchToAffine(fixedJac), fixedLines)
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

// weight is the weight of item i for a role (1: Groth16 equation, 2:
// commitment proof of knowledge): the first 16 bytes of
// SHA-256(seed, role, i) as the two 64-bit halves of a GLV-form weight.
func weight(seed [sha256.Size]byte, role byte, i int) glvWeight {
	var buf [sha256.Size + 1 + 4]byte
	copy(buf[:], seed[:])
	buf[sha256.Size] = role
	binary.BigEndian.PutUint32(buf[sha256.Size+1:], uint32(i))
	d := sha256.Sum256(buf[:])
	return newGLVWeight(d[:weightBytes])
}

type byteWriter interface{ Write([]byte) (int, error) }

func writeU32(w byteWriter, v int) {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(v))
	w.Write(b[:])
}
