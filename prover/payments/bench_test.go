package payments

import (
	"flag"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	gnarkrollup "github.com/consensys/gnark/examples/rollup"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

var benchDepth = flag.Int("payments.depth", 8, "tree depth for BenchmarkProve16Slots (24 for production numbers)")

// benchProvers caches the setup across the benchmark's b.N rounds.
var benchProvers = map[Params]*Prover{}

// gnarkRollupAtDepth is gnark's examples/rollup (one transfer per proof)
// with its Merkle proofs sized for a tree of the given depth.
func gnarkRollupAtDepth(depth int) *gnarkrollup.Circuit {
	var c gnarkrollup.Circuit
	for i := range c.MerkleProofReceiverBefore {
		c.MerkleProofReceiverBefore[i].Path = make([]frontend.Variable, depth+1)
		c.MerkleProofReceiverAfter[i].Path = make([]frontend.Variable, depth+1)
		c.MerkleProofSenderBefore[i].Path = make([]frontend.Variable, depth+1)
		c.MerkleProofSenderAfter[i].Path = make([]frontend.Variable, depth+1)
	}
	return &c
}

// BenchmarkConstraintsPerTransfer compiles ours and gnark's examples/rollup
// at depth 24 in one run and reports R1CS constraints per transfer:
// ours/transfer is a full 16-slot batch divided by 16 (batch overhead
// included), ours-marginal/slot the cost of one more slot.
func BenchmarkConstraintsPerTransfer(b *testing.B) {
	const depth = 24
	for i := 0; i < b.N; i++ {
		compile := func(c frontend.Circuit) int {
			cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
			if err != nil {
				b.Fatal(err)
			}
			return cs.GetNbConstraints()
		}
		ours16 := compile(NewCircuit(Params{Depth: depth, Slots: 16}))
		ours1 := compile(NewCircuit(Params{Depth: depth, Slots: 1}))
		theirs := compile(gnarkRollupAtDepth(depth))
		perTransfer := float64(ours16) / 16
		b.ReportMetric(perTransfer, "ours/transfer")
		b.ReportMetric(float64(ours16-ours1)/15, "ours-marginal/slot")
		b.ReportMetric(float64(theirs), "gnark-rollup/transfer")
		b.ReportMetric(perTransfer/float64(theirs), "ratio")
	}
}

// BenchmarkProve16Slots proves a batch of 16 transfers (setup excluded from
// the timing). Default depth 8 for a quick run; -payments.depth=24 for the
// production shape.
func BenchmarkProve16Slots(b *testing.B) {
	p := Params{Depth: *benchDepth, Slots: 16}
	r := newRollup(b, p)
	op, alice := testKey(1), testKey(2)
	r.deposit(op.Public, 1)
	r.deposit(alice.Public, 1_000_000_000)
	r.build()
	var txs []Tx
	for n := uint32(0); n < 16; n++ {
		txs = append(txs, r.resign(alice, r.transfer(alice, 1, 0, 1000, 1), n))
	}
	batch := r.build(txs...)
	if len(batch.Included) != 16 {
		b.Fatalf("%d transfers included", len(batch.Included))
	}
	prover, ok := benchProvers[p]
	if !ok {
		start := time.Now()
		var err error
		if prover, err = NewDevProver(p); err != nil {
			b.Fatal(err)
		}
		b.Logf("compile and setup: %s", time.Since(start))
		benchProvers[p] = prover
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := prover.Prove(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(16*float64(b.N)/b.Elapsed().Seconds(), "transfers/s")
	b.ReportMetric(float64(prover.CS.GetNbConstraints()), "constraints")
}
