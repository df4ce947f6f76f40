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
// sizes: a prover pays for the whole domain (FFTs and the H MSM), so a
// batch just over a power of two costs almost twice one just under it.
// It compiles 1, 2 and 16 slots; a slot after the first (the only one
// that takes forced transactions) costs the same, so the other sizes are
// 1 slot plus (slots-1) times that; the 16-slot compile checks the
// extrapolation (extrapolation-error must be 0).
func BenchmarkDomainFill(b *testing.B) {
	const depth = 24
	compile := func(slots int) int {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, NewCircuit(Params{Depth: depth, Slots: slots}))
		if err != nil {
			b.Fatal(err)
		}
		return cs.GetNbConstraints()
	}
	for i := 0; i < b.N; i++ {
		one, two, sixteen := compile(1), compile(2), compile(16)
		slot := two - one
		at := func(slots int) int { return one + (slots-1)*slot }
		b.ReportMetric(float64(sixteen-at(16)), "extrapolation-error")
		for _, slots := range []int{4, 8, 16, 17, 18, 32, 36, 64} {
			nb := at(slots)
			domain := 1 << bits.Len(uint(nb-1))
			b.Logf("BENCHROW domainfill depth=%d slots=%d constraints=%d domain=%d fill=%.3f", depth, slots, nb, domain, float64(nb)/float64(domain))
		}
		// The most slots that fit under each power of two from 2^18.
		for k := 18; k <= 21; k++ {
			slots := (1<<k-one)/slot + 1
			nb := at(slots)
			b.Logf("BENCHROW domainfit depth=%d domain=%d slots=%d constraints=%d fill=%.3f", depth, 1<<k, slots, nb, float64(nb)/float64(int(1)<<k))
		}
		b.ReportMetric(float64(slot), "constraints/slot")
		b.ReportMetric(float64(one), "constraints-1slot")
	}
}
