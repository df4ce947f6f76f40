package verifier

import (
	"fmt"
	"testing"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
)

// Gas for verification is a benchmarked constant charged before verifying;
// these are the numbers behind it (docs/PERFORMANCE.md):
//
//	go test -run x -bench . -benchtime 20x ./x/rollups/verifier/

func BenchmarkVerify_Adapter(b *testing.B) {
	f := loadFixtures(b)
	p := f.plain()[0]
	for b.Loop() {
		if err := Verify(p.vk, p.proof, p.pub); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify_RawGnark(b *testing.B) {
	f := loadFixtures(b)
	p := f.plain()[0]
	for b.Loop() {
		if err := groth16bn254.Verify(&p.proof.p, &p.vk.vk, p.pub); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify_AdapterWithCommitment(b *testing.B) {
	f := loadFixtures(b)
	p := f.committed()[0]
	for b.Loop() {
		if err := Verify(p.vk, p.proof, p.pub); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify_RawGnarkWithCommitment(b *testing.B) {
	f := loadFixtures(b)
	p := f.committed()[0]
	for b.Loop() {
		if err := groth16bn254.Verify(&p.proof.p, &p.vk.vk, p.pub); err != nil {
			b.Fatal(err)
		}
	}
}

// ParseProof is what CheckTx pays for cheap rejection (includes the G2
// subgroup check).
func BenchmarkParseProof(b *testing.B) {
	f := loadFixtures(b)
	raw := f.plain()[0].raw
	for b.Loop() {
		if _, err := ParseProof(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateVerifyingKey(b *testing.B) {
	f := loadFixtures(b)
	for b.Loop() {
		if _, err := ValidateVerifyingKey(f.vkRaw, maxVKBytes, nbPublic); err != nil {
			b.Fatal(err)
		}
	}
}

var batchSizes = []int{1, 16, 64, 256}

// The multi-key rows: 64 proofs over 8 verifying keys, 8 proofs each, as
// when 8 rollups land 8 batches each in one block.
const (
	multiKeyBatch = 64
	multiKeyKeys  = 8
)

// BenchmarkBatchVerify verifies n distinct proofs under one key with one
// Miller loop and one final exponentiation; compare with
// BenchmarkVerifyOneByOne (the speed-up) and BenchmarkMultiPairingBare (the
// floor). The rows of docs/PERFORMANCE.md:
//
//	go test -run '^$' -bench '^Benchmark(BatchVerify|VerifyOneByOne|MultiPairingBare|BatchVerify8Keys|VerifyOneByOne8Keys)$/^(16|64|256)$' -count 5 ./x/rollups/verifier/
func BenchmarkBatchVerify(b *testing.B) {
	f := loadFixtures(b)
	for _, n := range batchSizes {
		items := batchOf(b, f, n, f.plain())
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if bad, err := BatchVerify(items); err != nil || bad != -1 {
					b.Fatal(bad, err)
				}
			}
		})
	}
}

func BenchmarkVerifyOneByOne(b *testing.B) {
	f := loadFixtures(b)
	for _, n := range batchSizes {
		items := batchOf(b, f, n, f.plain())
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				for i := range items {
					if err := Verify(items[i].VK, items[i].Proof, items[i].PublicInputs); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkMultiPairingBare is the floor BatchVerify is measured against:
// the same n proofs' e(Ar_i, Bs_i) in one Miller loop, the key's three
// fixed-G2 pairings and one final exponentiation, with no weights, no
// public inputs and no check of the result (it verifies nothing).
func BenchmarkMultiPairingBare(b *testing.B) {
	f := loadFixtures(b)
	for _, n := range batchSizes {
		items := batchOf(b, f, n, f.plain())
		p := make([]curve.G1Affine, n)
		q := make([]curve.G2Affine, n)
		for i := range items {
			p[i], q[i] = items[i].Proof.p.Ar, items[i].Proof.p.Bs
		}
		vk := f.vk
		fixedP := []curve.G1Affine{items[0].Proof.p.Krs, vk.vk.G1.K[0], vk.negAlpha}
		fixedLines := []millerLines{vk.lines[lineDeltaNeg], vk.lines[lineGammaNeg], vk.lines[lineBeta]}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				varPart, err := curve.MillerLoop(p, q)
				if err != nil {
					b.Fatal(err)
				}
				fixedPart, err := curve.MillerLoopFixedQ(fixedP, fixedLines)
				if err != nil {
					b.Fatal(err)
				}
				curve.FinalExponentiation(&varPart, &fixedPart)
			}
		})
	}
}

// BenchmarkBatchVerify8Keys is BenchmarkBatchVerify with the proofs spread
// over 8 distinct keys: the per-key work (three fixed-G2 pairings and the
// public-input MSM) is paid 8 times. Compare with
// BenchmarkVerifyOneByOne8Keys.
func BenchmarkBatchVerify8Keys(b *testing.B) {
	f := loadFixtures(b)
	items := batchOverKeys(b, f, multiKeyBatch, multiKeyKeys, f.plain())
	b.Run(fmt.Sprint(multiKeyBatch), func(b *testing.B) {
		for b.Loop() {
			if bad, err := BatchVerify(items); err != nil || bad != -1 {
				b.Fatal(bad, err)
			}
		}
	})
}

func BenchmarkVerifyOneByOne8Keys(b *testing.B) {
	f := loadFixtures(b)
	items := batchOverKeys(b, f, multiKeyBatch, multiKeyKeys, f.plain())
	b.Run(fmt.Sprint(multiKeyBatch), func(b *testing.B) {
		for b.Loop() {
			for i := range items {
				if err := Verify(items[i].VK, items[i].Proof, items[i].PublicInputs); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
