package verifier

import (
	"math/big"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/constraint"
)

// Verify checks one proof against a verifying key and the public inputs
// (excluding gnark's ONE wire), which the caller computes from chain state.
// It is gnark's Groth16 verifier, restated on a single goroutine and with the
// verifying key's G2 lines precomputed:
//
//	e(Ar, Bs) · e(Krs, -δ) · e(L, -γ) · e(-α, β) == 1,
//	L = K_0 + Σ x_i K_i + Σ commitments
//
// and, with a commitment, the Pedersen proof of knowledge
// e(C, G^-σ) · e(Pok, G) == 1, where the commitment's hash (gnark's BSB22
// "bsb22-commitment" hash-to-field) is appended to the public inputs.
func Verify(vk *VerifyingKey, proof *Proof, publicInputs []fr.Element) error {
	ext, err := checkStatement(vk, proof, publicInputs)
	if err != nil {
		return err
	}
	if vk.nbCommitments > 0 {
		ok, err := curve.PairingCheckFixedQ(
			[]curve.G1Affine{proof.p.Commitments[0], proof.p.CommitmentPok},
			[]millerLines{vk.lines[linePedersenGSigmaNeg], vk.lines[linePedersenG]},
		)
		if err != nil || !ok {
			return ErrProofInvalid.Wrap("commitment proof of knowledge")
		}
	}

	l := publicCombination(vk, ext, proof.p.Commitments)
	varPart, err := curve.MillerLoop([]curve.G1Affine{proof.p.Ar}, []curve.G2Affine{proof.p.Bs})
	if err != nil {
		return ErrProofInvalid.Wrap(err.Error())
	}
	fixedPart, err := curve.MillerLoopFixedQ(
		[]curve.G1Affine{proof.p.Krs, l, vk.negAlpha},
		[]millerLines{vk.lines[lineDeltaNeg], vk.lines[lineGammaNeg], vk.lines[lineBeta]},
	)
	if err != nil {
		return ErrProofInvalid.Wrap(err.Error())
	}
	res := curve.FinalExponentiation(&varPart, &fixedPart)
	if !res.IsOne() {
		return ErrProofInvalid
	}
	return nil
}

// checkStatement does the cheap structural checks of a (vk, proof, inputs)
// triple and returns the public inputs extended with the commitment hashes.
func checkStatement(vk *VerifyingKey, proof *Proof, publicInputs []fr.Element) ([]fr.Element, error) {
	if vk == nil || proof == nil {
		return nil, ErrNilInput
	}
	if len(publicInputs) != vk.nbPublic {
		return nil, ErrPublicInputCount.Wrapf("got %d, verifying key expects %d", len(publicInputs), vk.nbPublic)
	}
	if len(proof.p.Commitments) != vk.nbCommitments {
		return nil, ErrProofCommitmentCount.Wrapf("proof has %d, verifying key expects %d",
			len(proof.p.Commitments), vk.nbCommitments)
	}
	for i := range publicInputs {
		if !isReduced(&publicInputs[i]) {
			return nil, ErrPublicInputNotReduced.Wrapf("input %d", i)
		}
	}
	ext := make([]fr.Element, len(publicInputs), len(publicInputs)+vk.nbCommitments)
	copy(ext, publicInputs)
	for i := range proof.p.Commitments {
		h, err := commitmentHash(&proof.p.Commitments[i], vk.vk.PublicAndCommitmentCommitted[i], ext)
		if err != nil {
			return nil, ErrProofInvalid.Wrap(err.Error())
		}
		ext = append(ext, h)
	}
	return ext, nil
}

// commitmentHash is gnark's BSB22 commitment wire: hash-to-field (fr.Hash,
// RFC 9380 expand_message_xmd with SHA-256, domain "bsb22-commitment") of
// the uncompressed commitment followed by the public inputs it commits to
// (1-based indices into the public inputs).
func commitmentHash(c *curve.G1Affine, committed []int, publicInputs []fr.Element) (fr.Element, error) {
	prehash := c.Marshal()
	for _, idx := range committed {
		b := publicInputs[idx-1].Bytes()
		prehash = append(prehash, b[:]...)
	}
	res, err := fr.Hash(prehash, []byte(constraint.CommitmentDst), 1)
	if err != nil {
		return fr.Element{}, err
	}
	return res[0], nil
}

// publicCombination is L = K_0 + Σ x_i K_{i+1} + Σ commitments.
func publicCombination(vk *VerifyingKey, ext []fr.Element, commitments []curve.G1Affine) curve.G1Affine {
	var acc curve.G1Jac
	acc.FromAffine(&vk.vk.G1.K[0])
	var s big.Int
	for i := range ext {
		var term curve.G1Jac
		term.FromAffine(&vk.vk.G1.K[i+1])
		term.ScalarMultiplication(&term, ext[i].BigInt(&s))
		acc.AddAssign(&term)
	}
	for i := range commitments {
		acc.AddMixed(&commitments[i])
	}
	var out curve.G1Affine
	out.FromJacobian(&acc)
	return out
}

var frModulusLimbs = func() [fr.Limbs]uint64 {
	var buf [fr.Bytes]byte
	fr.Modulus().FillBytes(buf[:])
	var limbs [fr.Limbs]uint64
	for i := range fr.Limbs {
		for j := range 8 {
			limbs[i] |= uint64(buf[fr.Bytes-1-8*i-j]) << (8 * j)
		}
	}
	return limbs
}()

// isReduced reports whether e's limbs are below the modulus; any element
// produced by fr arithmetic or canonical decoding is.
func isReduced(e *fr.Element) bool {
	for i := fr.Limbs - 1; i >= 0; i-- {
		if e[i] != frModulusLimbs[i] {
			return e[i] < frModulusLimbs[i]
		}
	}
	return false
}
