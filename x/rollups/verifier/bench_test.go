package verifier

import (
	"fmt"
	"testing"

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

// BenchmarkBatchVerify verifies n distinct proofs under one key with one
// final exponentiation; compare with BenchmarkVerifyOneByOne.
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
