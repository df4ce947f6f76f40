package exchange

import (
	"github.com/nativechain/nativechain/prover/internal/refcircuit"

	"flag"
	"fmt"
	"math/bits"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	dbm "github.com/cosmos/cosmos-db"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// make bench's step "exchange" (scripts/benchreport) runs the two
// benchmarks below with -benchtime 1x; each prints a BENCHROW line the
// report reads. The proving shape is small by default for a quick run;
// make bench passes -exchange.shape=24x4 (setup of depth 24 × 16 slots
// alone takes minutes on 2 cores).
var benchShape = flag.String("exchange.shape", "8x4", "exchange shape of BenchmarkExchangeProveVsBare, DEPTHxSLOTS")

// BenchmarkExchangeConstraints compiles, in one run, the exchange circuit
// at depth 24 with 16 slots (every slot call-capable, the default) and
// with 1 slot, and payments at depth 24 with 16 slots, and reports R1CS
// constraints per swap (a 16-slot batch / 16, batch overhead included),
// the marginal slot, and payments' constraints per transfer as the
// reference.
func BenchmarkExchangeConstraints(b *testing.B) {
	const depth, slots = 24, 16
	for i := 0; i < b.N; i++ {
		compile := func(name string, f func() (constraint.ConstraintSystem, error)) int {
			start := time.Now()
			cs, err := f()
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: %d constraints, compiled in %s", name, cs.GetNbConstraints(), time.Since(start).Round(time.Millisecond))
			return cs.GetNbConstraints()
		}
		ex16 := compile("exchange 24x16", func() (constraint.ConstraintSystem, error) { return Compile(Params{Depth: depth, Slots: slots}) })
		ex1 := compile("exchange 24x1", func() (constraint.ConstraintSystem, error) { return Compile(Params{Depth: depth, Slots: 1}) })
		pay16 := compile("payments 24x16", func() (constraint.ConstraintSystem, error) {
			return payments.Compile(payments.Params{Depth: depth, Slots: slots})
		})
		perSwap, perTransfer := float64(ex16)/slots, float64(pay16)/slots
		marginal := float64(ex16-ex1) / (slots - 1)
		b.ReportMetric(perSwap, "exchange/swap")
		b.ReportMetric(marginal, "exchange-marginal/slot")
		b.ReportMetric(perTransfer, "payments/transfer")
		b.ReportMetric(perSwap/perTransfer, "ratio")
		b.Logf("BENCHROW exchange_constraints depth=%d slots=%d call_slots=%d exchange=%d per_swap=%.1f marginal=%.1f payments=%d per_transfer=%.1f ratio=%.3f",
			depth, slots, slots, ex16, perSwap, marginal, pay16, perTransfer, perSwap/perTransfer)
	}
}

// benchRollup is an exchange rollup at a benchmark's shape: one funded
// trader (index 0) who has added liquidity, so that every later batch is
// a full batch of swaps.
type benchRollup struct {
	tb    testing.TB
	p     Params
	s     *State
	key   *PrivateKey
	inbox uint64
	batch uint64
}

const (
	benchChain    = "bench-1"
	benchRollupID = "dex"
)

func newBenchRollup(tb testing.TB, p Params) *benchRollup {
	tb.Helper()
	p = p.WithDefaults()
	s, err := OpenState(dbm.NewMemDB(), p)
	if err != nil {
		tb.Fatal(err)
	}
	r := &benchRollup{tb: tb, p: p, s: s, key: NewPrivateKey([32]byte{1})}
	var deposits []protocol.InboxEntry
	for _, d := range []string{p.BaseDenom, p.QuoteDenom} {
		deposits = append(deposits, protocol.InboxEntry{Sequence: r.inbox, Kind: protocol.InboxKindDeposit, Sender: []byte("l1-sender-0000000000"),
			Recipient: r.key.Public.Address(), Denom: d, Amount: protocol.NewUint128(1_000_000_000_000)})
		r.inbox++
	}
	for len(deposits) > 0 { // a batch takes at most Slots inbox entries
		b := r.build(deposits, nil)
		deposits = deposits[b.InboxConsumed:]
	}
	r.build(nil, []Tx{r.sign(Tx{Kind: KindAdd, Amount1: big10(100_000_000_000), Amount2: big10(100_000_000_000)}, 0)})
	return r
}

// sign signs tx as the trader, the offset-th of its batch.
func (r *benchRollup) sign(tx Tx, offset uint32) Tx {
	a, err := r.s.Account(0)
	if err != nil {
		r.tb.Fatal(err)
	}
	tx.Account, tx.Nonce = 0, a.Nonce+offset
	tx.Sign(r.key, benchChain, benchRollupID, r.p)
	return tx
}

// swaps signs a full batch of swaps, alternating sides (what wallets do:
// outside the timing).
func (r *benchRollup) swaps() []Tx {
	txs := make([]Tx, r.p.Slots)
	for i := range txs {
		txs[i] = r.sign(Tx{Kind: KindSwap, Side: uint8(i % 2), Amount1: big10(1000)}, uint32(i))
	}
	return txs
}

func (r *benchRollup) build(inbox []protocol.InboxEntry, txs []Tx) *rollupkit.Batch {
	b, err := r.s.BuildBatch(rollupkit.BatchContext{ChainID: benchChain, RollupID: benchRollupID, BatchIndex: r.batch,
		Submitter: []byte("submitter"), InboxBefore: protocol.InboxAccumulatorGenesis()}, inbox, txs)
	if err != nil {
		r.tb.Fatal(err)
	}
	r.batch++
	return b
}

// compileChain is the reference circuit of exactly nb constraints
// (prover/internal/refcircuit), with its length.
func compileChain(tb testing.TB, nb int) (constraint.ConstraintSystem, int) {
	tb.Helper()
	cs, n, err := refcircuit.Compile(nb)
	if err != nil {
		tb.Fatal(err)
	}
	return cs, n
}

// chainAssignment is the reference circuit's witness of length n.
func chainAssignment(n int) *refcircuit.Chain { return refcircuit.Assignment(n) }

// wires is a constraint system's variable count: what the proving key's
// MSMs run over.
func wires(cs constraint.ConstraintSystem) int {
	return cs.GetNbInternalVariables() + cs.GetNbSecretVariables() + cs.GetNbPublicVariables()
}

// cpuTime is this process's CPU time, user and system (GC included).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkExchangeProveVsBare times, in one run and with the keys in
// memory, our exchange proving path for a full batch of swaps (build the
// batch and its witness from the native state, then Prover.Prove: gnark
// witness, solve, Groth16 prove, self-verify, encode) against gnark's bare
// groth16.Prove of a chain circuit of the same constraint count, the two
// alternating. rate-ratio is bare / ours in time.
func BenchmarkExchangeProveVsBare(b *testing.B) {
	var p Params
	if _, err := fmt.Sscanf(*benchShape, "%dx%d", &p.Depth, &p.Slots); err != nil {
		b.Fatalf("-exchange.shape %q: want DEPTHxSLOTS", *benchShape)
	}
	if err := p.Validate(); err != nil {
		b.Fatal(err)
	}
	p = p.WithDefaults()
	b.Run(fmt.Sprintf("depth=%d,slots=%d", p.Depth, p.Slots), func(b *testing.B) { benchExchangeProve(b, p) })
}

// proveSetup caches the keys across a benchmark's rounds.
type proveSetup struct {
	prover          *Prover
	chainCS         constraint.ConstraintSystem
	chainPK         groth16.ProvingKey
	chainN          int
	setup, chainSet time.Duration
}

var proveSetups = map[Params]*proveSetup{}

func benchExchangeProve(b *testing.B, p Params) {
	s, ok := proveSetups[p]
	if !ok {
		s = &proveSetup{}
		start := time.Now()
		var err error
		if s.prover, err = NewDevProver(p); err != nil {
			b.Fatal(err)
		}
		s.setup = time.Since(start)
		b.Logf("compile and setup: %s (exchange, %d constraints)", s.setup.Round(time.Millisecond), s.prover.CS.GetNbConstraints())
		start = time.Now()
		s.chainCS, s.chainN = compileChain(b, s.prover.CS.GetNbConstraints())
		if s.chainPK, _, err = groth16.Setup(s.chainCS); err != nil {
			b.Fatal(err)
		}
		s.chainSet = time.Since(start)
		b.Logf("chain compile and setup: %s", s.chainSet.Round(time.Millisecond))
		proveSetups[p] = s
	}
	chainW, err := frontend.NewWitness(chainAssignment(s.chainN), ecc.BN254.ScalarField())
	if err != nil {
		b.Fatal(err)
	}
	nb := s.prover.CS.GetNbConstraints()
	r := newBenchRollup(b, p)

	var ours, bare, build, prove time.Duration
	var oursCPU, bareCPU time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		txs := r.swaps()
		runtime.GC()
		c0 := cpuTime()
		b.StartTimer()
		t0 := time.Now()
		batch := r.build(nil, txs)
		t1 := time.Now()
		if _, err := s.prover.Prove(batch); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		b.StopTimer()
		if len(batch.Included) != p.Slots {
			b.Fatalf("%d of %d swaps included (rejected: %v)", len(batch.Included), p.Slots, batch.Rejected)
		}
		oursCPU += cpuTime() - c0
		build += t1.Sub(t0)
		prove += t2.Sub(t1)
		ours += t2.Sub(t0)
		runtime.GC()
		c1 := cpuTime()
		b.StartTimer()
		t3 := time.Now()
		if _, err := groth16.Prove(s.chainCS, s.chainPK, chainW); err != nil {
			b.Fatal(err)
		}
		bare += time.Since(t3)
		b.StopTimer()
		bareCPU += cpuTime() - c1
		b.StartTimer()
	}
	b.StopTimer()
	n := float64(b.N)
	domain := 1 << bits.Len(uint(nb-1))
	b.ReportMetric(ours.Seconds()/n, "ours-s/op")
	b.ReportMetric(bare.Seconds()/n, "bare-s/op")
	b.ReportMetric(bare.Seconds()/ours.Seconds(), "rate-ratio")
	b.ReportMetric(build.Seconds()/n, "build-s/op")
	b.ReportMetric(prove.Seconds()/n, "prove-s/op")
	b.ReportMetric(oursCPU.Seconds()/n, "ours-cpu-s/op")
	b.ReportMetric(bareCPU.Seconds()/n, "bare-cpu-s/op")
	b.ReportMetric(float64(p.Slots)*n/ours.Seconds(), "swaps/s")
	b.ReportMetric(float64(nb), "constraints")
	b.ReportMetric(float64(domain), "domain")
	b.ReportMetric(float64(wires(s.prover.CS)), "wires")
	b.ReportMetric(float64(wires(s.chainCS)), "bare-wires")
	b.Logf("BENCHROW exchange_prove depth=%d slots=%d constraints=%d domain=%d ours_s=%.3f bare_s=%.3f ratio=%.3f ours_cpu_s=%.3f bare_cpu_s=%.3f cpu_ratio=%.3f build_s=%.3f prove_s=%.3f swaps_per_s=%.3f setup_s=%.1f chain_setup_s=%.1f wires=%d bare_wires=%d n=%d",
		p.Depth, p.Slots, nb, domain, ours.Seconds()/n, bare.Seconds()/n, bare.Seconds()/ours.Seconds(),
		oursCPU.Seconds()/n, bareCPU.Seconds()/n, bareCPU.Seconds()/oursCPU.Seconds(), build.Seconds()/n, prove.Seconds()/n,
		float64(p.Slots)*n/ours.Seconds(), s.setup.Seconds(), s.chainSet.Seconds(), wires(s.prover.CS), wires(s.chainCS), b.N)
}
