package payments

import (
	"math/bits"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// BenchmarkDomainFill reports, at depth 24, how full gnark's Groth16 FFT
// domain (the next power of two of the constraint count) is for batch
// sizes: a prover pays for the whole domain (its FFTs and the MSM of H),
// so a batch just over a power of two costs almost twice one just under
// it. Every size is compiled (a slot's cost is not constant: the range
// checks share one lookup table whose shape depends on their number).
// domainfit rows are the most slots under each power of two.
func BenchmarkDomainFill(b *testing.B) {
	const depth = 24
	for i := 0; i < b.N; i++ {
		memo := map[int]int{}
		compile := func(slots int) int {
			if nb, ok := memo[slots]; ok {
				return nb
			}
			cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewCircuit(Params{Depth: depth, Slots: slots}))
			if err != nil {
				b.Fatal(err)
			}
			memo[slots] = cs.GetNbConstraints()
			return memo[slots]
		}
		domain := func(nb int) int { return 1 << bits.Len(uint(nb-1)) }
		for _, slots := range []int{4, 8, 16, 32} {
			nb := compile(slots)
			b.Logf("BENCHROW domainfill depth=%d slots=%d constraints=%d domain=%d fill=%.3f", depth, slots, nb, domain(nb), float64(nb)/float64(domain(nb)))
		}
		// The most slots under each power of two: start from the 16-slot
		// average and walk.
		per := float64(compile(16)) / 16
		for k := 18; k <= 20; k++ {
			limit := 1 << k
			s := max(1, int(float64(limit)/per))
			for s > 1 && compile(s) > limit {
				s--
			}
			for compile(s+1) <= limit {
				s++
			}
			nb := compile(s)
			b.Logf("BENCHROW domainfit depth=%d domain=%d slots=%d constraints=%d fill=%.3f next=%d", depth, limit, s, nb, float64(nb)/float64(limit), compile(s+1))
		}
		b.ReportMetric(float64(compile(16)), "constraints-16slots")
		b.ReportMetric(float64(compile(16))/float64(domain(compile(16))), "fill-16slots")
	}
}
