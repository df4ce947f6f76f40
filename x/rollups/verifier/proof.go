package verifier

import (
	"bytes"
	"encoding/binary"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

const (
	// proofPrefixSize is Ar, Bs, Krs and the commitment count.
	proofPrefixSize = g1Size + g2Size + g1Size + u32 // 132
	// ProofSize is the length of a proof without a commitment; each
	// commitment adds one compressed G1 point.
	ProofSize = proofPrefixSize + g1Size // 164
	// MaxProofSize is the length of a proof with MaxCommitments commitments.
	MaxProofSize = ProofSize + MaxCommitments*g1Size // 196
)

// Proof is a parsed Groth16 BN254 proof. Build it only with ParseProof.
type Proof struct {
	p   groth16bn254.Proof
	raw []byte
}

// Bytes returns a copy of the canonical encoding.
func (p *Proof) Bytes() []byte { return bytes.Clone(p.raw) }

// NbCommitments is 0 or 1.
func (p *Proof) NbCommitments() int { return len(p.p.Commitments) }

// ParseProof parses gnark's compressed Groth16 BN254 proof encoding
// (groth16.Proof.WriteTo):
//
//	[Ar]1 [Bs]2 [Krs]1 u32 n, n x [Commitment]1, [CommitmentPok]1
//
// with n <= MaxCommitments, so a proof is exactly 164 or 196 bytes. Every
// point must be compressed (the only accepted encoding), canonical, on the
// curve and in the subgroup; Ar, Bs, Krs and the commitment must not be the
// point at infinity; without a commitment the proof of knowledge must be the
// canonical point at infinity gnark writes.
func ParseProof(bz []byte) (*Proof, error) {
	if len(bz) < ProofSize || len(bz) > MaxProofSize {
		return nil, ErrProofLength.Wrapf("%d bytes, want %d or %d", len(bz), ProofSize, MaxProofSize)
	}
	n := binary.BigEndian.Uint32(bz[proofPrefixSize-u32 : proofPrefixSize])
	if n > MaxCommitments {
		return nil, ErrProofCommitmentCount.Wrapf("%d commitments, max %d", n, MaxCommitments)
	}
	if want := ProofSize + int(n)*g1Size; len(bz) != want {
		return nil, ErrProofLength.Wrapf("%d bytes, want %d for %d commitments", len(bz), want, n)
	}

	out := &Proof{raw: bytes.Clone(bz)}
	r := reader{buf: bz}
	finiteG1 := func(name string) (curve.G1Affine, error) {
		b, _ := r.take(g1Size)
		p, kind, ok := decodeG1(b)
		if !ok {
			return p, ErrProofEncoding.Wrapf("%s is not a canonical compressed G1 point", name)
		}
		if kind == pointInfinity {
			return p, ErrProofEncoding.Wrapf("%s is the point at infinity", name)
		}
		return p, nil
	}
	var err error
	if out.p.Ar, err = finiteG1("Ar"); err != nil {
		return nil, err
	}
	b, _ := r.take(g2Size)
	bs, kind, ok := decodeG2(b)
	if !ok {
		return nil, ErrProofEncoding.Wrap("Bs is not a canonical compressed G2 point in the subgroup")
	}
	if kind == pointInfinity {
		return nil, ErrProofEncoding.Wrap("Bs is the point at infinity")
	}
	out.p.Bs = bs
	if out.p.Krs, err = finiteG1("Krs"); err != nil {
		return nil, err
	}
	r.uint32() // n, checked above
	out.p.Commitments = make([]curve.G1Affine, n)
	for i := range out.p.Commitments {
		if out.p.Commitments[i], err = finiteG1("commitment"); err != nil {
			return nil, err
		}
	}
	if n == 0 {
		b, _ := r.take(g1Size)
		if _, kind, ok := decodeG1(b); !ok || kind != pointInfinity {
			return nil, ErrProofEncoding.Wrap("proof of knowledge must be the point at infinity without a commitment")
		}
	} else if out.p.CommitmentPok, err = finiteG1("commitment proof of knowledge"); err != nil {
		return nil, err
	}
	return out, nil
}
