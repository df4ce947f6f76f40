package verifier

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"
)

// FuzzBatchVerifyMatchesOneByOne compares BatchVerify's verdict with
// verifying the items one by one on batches built from the fixtures with
// fuzzer-chosen keys, tampering (re-encoded), swapped or unreduced public
// inputs and duplicates. Plain `go test` runs the seeds.
func FuzzBatchVerifyMatchesOneByOne(f *testing.F) {
	fx := loadFixtures(f)
	rk := rekeyed(f, fx.vk, 3)
	rd := redelta(f, fx.vk, 5)
	keys := []*VerifyingKey{fx.vk, fx.vkCommit, rk, rd}
	// A pool of valid items, each a distinct re-randomisation.
	var pool []Item
	for i, p := range fx.proofs {
		for j := range 2 {
			pool = append(pool, Item{VK: p.vk, Proof: rerandomize(f, p.vk, p.proof, int64(2+i+7*j), int64(3+j)), PublicInputs: p.pub})
		}
	}
	f.Add([]byte{2, 0, 0, 0, 1, 0, 0})
	f.Add([]byte{3, 0, 0, 0, 1, 0, 2, 2, 3, 0})
	f.Add([]byte{4, 0, 1, 1, 2, 4, 0, 3, 2, 0, 4, 5, 0})
	f.Add([]byte{5, 5, 6, 0, 1, 7, 0, 2, 8, 0, 3, 9, 0, 4, 1, 0})
	f.Add([]byte{2, 0, 0, 1, 2, 0, 1})                                     // Krs tampered twice
	f.Add([]byte{3, 6, 0, 3, 7, 0, 3, 8, 0, 0})                            // PoK tampered
	f.Add([]byte{6, 0, 0, 8, 1, 0, 8, 0, 0, 0, 2, 2, 0, 3, 3, 0, 4, 2, 0}) // swapped inputs
	f.Add([]byte{4, 0, 0, 9, 1, 0, 0, 2, 0, 10, 3, 0, 0})                  // unreduced / zero input
	f.Add([]byte{3, 0, 2, 0, 1, 3, 0, 2, 0, 0})                            // other keys

	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 {
			return
		}
		n := 2 + int(data[0])%7
		data = data[1:]
		next := func() byte {
			if len(data) == 0 {
				return 0
			}
			b := data[0]
			data = data[1:]
			return b
		}
		items := make([]Item, n)
		for i := range items {
			it := pool[int(next())%len(pool)]
			if k := next() % 8; k < 4 {
				if k > 0 {
					it.VK = keys[k]
				}
			}
			switch op := next() % 12; op {
			case 1, 2, 3:
				it = tamperEncoded(t, it, int(op))
			case 4:
				it = tamperEncoded(t, it, 0)
			case 5:
				it.Proof = reencode(t, it.Proof) // same proof, fresh object
			case 6, 7:
				// Duplicate an earlier item.
				if i > 0 {
					it = items[int(next())%i]
				}
			case 8:
				// Swap public inputs with an earlier item.
				if i > 0 {
					j := int(next()) % i
					it.PublicInputs, items[j].PublicInputs = items[j].PublicInputs, it.PublicInputs
				}
			case 9:
				// An unreduced input: the modulus in Montgomery limbs.
				pub := append([]fr.Element(nil), it.PublicInputs...)
				pub[0] = fr.Element(frModulusLimbs)
				it.PublicInputs = pub
			case 10:
				pub := append([]fr.Element(nil), it.PublicInputs...)
				pub[0].SetZero()
				it.PublicInputs = pub
			case 11:
				it.PublicInputs = nil
			}
			items[i] = it
		}
		wantBad, wantErr := oneByOne(items)
		bad, err := BatchVerify(items)
		require.Equal(t, wantBad, bad)
		if wantErr == nil {
			require.NoError(t, err)
			return
		}
		require.Error(t, err)
		require.Equal(t, wantErr.Error(), err.Error())
	})
}
