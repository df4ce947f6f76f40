package fleet

import (
	"github.com/nativechain/nativechain/prover/internal/refcircuit"

	"bytes"
	"context"
	"flag"
	"fmt"
	"math/big"
	"math/bits"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	dbm "github.com/cosmos/cosmos-db"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/payments"
)

// The shape of the payments batch the proving benchmarks prove: small by
// default for a quick run; make bench passes the production depth.
var (
	benchDepth   = flag.Int("fleet.depth", 8, "payments tree depth of BenchmarkFleetScaling")
	benchSlots   = flag.Int("fleet.slots", 16, "payments slots per batch of BenchmarkFleetScaling")
	benchBackend = flag.String("fleet.backend", BackendCPU, "worker backend of our side in BenchmarkProvingPathVsBareProve (icicle: a binary built with -tags icicle; the bare side stays gnark's CPU prove)")
	benchShapes  = flag.String("fleet.shapes", "8x16", "payments shapes of BenchmarkProvingPathVsBareProve, DEPTHxSLOTS, comma-separated (24x16: production)")
)

// parseShapes reads -fleet.shapes.
func parseShapes(s string) ([]payments.Params, error) {
	var out []payments.Params
	for _, f := range strings.Split(s, ",") {
		var p payments.Params
		if _, err := fmt.Sscanf(strings.TrimSpace(f), "%dx%d", &p.Depth, &p.Slots); err != nil {
			return nil, fmt.Errorf("shape %q: want DEPTHxSLOTS", f)
		}
		if err := p.Validate(); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

const (
	benchChainID  = "bench-1"
	benchRollupID = "payments"
)

// paymentsBench is a native payments rollup whose every batch is a full
// batch of transfers: the state the operator builds witnesses from.
type paymentsBench struct {
	tb     testing.TB
	p      payments.Params
	s      *payments.State
	inbox  []protocol.InboxEntry
	acc    fr.Element
	next   int
	index  uint64
	domain fr.Element
	alice  *payments.PrivateKey
	op     *payments.PrivateKey
	nonce  uint32
}

func benchKey(i byte) *payments.PrivateKey {
	var seed [32]byte
	seed[0] = i
	return payments.NewPrivateKey(seed)
}

// newPaymentsBench opens a state and funds an operator (index 0) and
// alice (index 1) with a first batch of deposits.
func newPaymentsBench(tb testing.TB, p payments.Params) *paymentsBench {
	tb.Helper()
	s, err := payments.OpenState(dbm.NewMemDB(), p)
	if err != nil {
		tb.Fatal(err)
	}
	r := &paymentsBench{tb: tb, p: p, s: s, acc: protocol.InboxAccumulatorGenesis(), domain: paymentsv1.Domain(benchChainID, benchRollupID),
		alice: benchKey(2), op: benchKey(1)}
	for i, k := range []*payments.PrivateKey{r.op, r.alice} {
		r.inbox = append(r.inbox, protocol.InboxEntry{Sequence: uint64(i), Kind: protocol.InboxKindDeposit,
			Sender: bytes.Repeat([]byte{0x11}, 20), Recipient: k.Public.Address(), Denom: payments.DefaultDenom,
			Amount: protocol.NewUint128(1_000_000_000_000)})
	}
	for r.next < len(r.inbox) {
		r.build(nil)
	}
	return r
}

// transfers signs the next full batch of transfers from alice to the
// operator (what wallets do, not the operator: outside the timing).
func (r *paymentsBench) transfers() []payments.Tx {
	amount, _ := payments.EncodeAmount(big.NewInt(1000))
	fee, _ := payments.EncodeFee(big.NewInt(1))
	txs := make([]payments.Tx, r.p.Slots)
	for i := range txs {
		txs[i] = payments.Tx{Kind: payments.KindTransfer, From: 1, To: 0, ToKey: r.op.Public, Amount: amount, Fee: fee, Nonce: r.nonce}
		txs[i].Sign(r.alice, r.domain, payments.DefaultDenom)
		r.nonce++
	}
	return txs
}

// build builds the next batch from the native state: the operator's
// witness building.
func (r *paymentsBench) build(txs []payments.Tx) *payments.Batch {
	b, err := r.s.BuildBatch(payments.BatchContext{ChainID: benchChainID, RollupID: benchRollupID, BatchIndex: r.index,
		Submitter: bytes.Repeat([]byte{0x88}, 20), InboxBefore: r.acc}, r.inbox[r.next:], txs)
	if err != nil {
		r.tb.Fatal(err)
	}
	for i := uint64(0); i < b.InboxConsumed; i++ {
		r.acc = protocol.InboxAccumulate(r.acc, r.inbox[r.next])
		r.next++
	}
	r.index++
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

// domainSize is the FFT domain gnark's Groth16 uses for nb constraints:
// the next power of two.
func domainSize(nb int) int { return 1 << bits.Len(uint(nb-1)) }

// memDelta sums a side's bytes allocated, collections and the CPU time
// this process used (user and system, GC included): on a shared machine
// the CPU time is steadier than the wall time, which other processes'
// load stretches.
type memDelta struct {
	alloc, gcs uint64
	cpu        time.Duration
}

type memSample struct {
	alloc, gcs uint64
	cpu        time.Duration
}

func readMem() memSample {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return memSample{m.TotalAlloc, uint64(m.NumGC), cpu}
}

func (d *memDelta) add(from, to memSample) {
	d.alloc += to.alloc - from.alloc
	d.gcs += to.gcs - from.gcs
	d.cpu += to.cpu - from.cpu
}

// BenchmarkProvingPathVsBareProve times, in one run and with every key
// already in memory, our whole proving path for a full payments batch of
// transfers against gnark's bare groth16.Prove of a chain circuit of the
// same R1CS constraint count. Ours is what the operator and a fleet
// worker do per batch: build the batch and its witness from the native
// state (BuildBatch), make and serialize the gnark witness (fleet
// Prover.Prove), and the worker's proveWitness (decode, solve, prove,
// check its own proof, encode), then the operator's check of the proof.
// The two alternate each iteration so that both see the same load.
//
// rate-ratio is bare / ours in time: how much of gnark's proving rate our
// path keeps (issue 16's goal: at least 0.9). The phase metrics split
// ours; the bare prove includes gnark's solve of the chain.
func BenchmarkProvingPathVsBareProve(b *testing.B) {
	shapes, err := parseShapes(*benchShapes)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range shapes {
		b.Run(fmt.Sprintf("depth=%d,slots=%d", p.Depth, p.Slots), func(b *testing.B) { benchProvingPath(b, p) })
	}
}

// provingSetup is what the proving benchmark proves with: our circuit's
// keys and a chain circuit of the same constraint count with its keys.
type provingSetup struct {
	prover  *payments.Prover
	key     *Key
	chainCS constraint.ConstraintSystem
	chainPK groth16.ProvingKey
	chainW  witness.Witness
}

// provingSetups caches the setups across a benchmark's rounds (go test
// calls a benchmark with b.N = 1 before the counted round).
var provingSetups = map[payments.Params]*provingSetup{}

func newProvingSetup(b *testing.B, p payments.Params) *provingSetup {
	if s, ok := provingSetups[p]; ok {
		return s
	}
	start := time.Now()
	prover, err := payments.NewDevProver(p)
	if err != nil {
		b.Fatal(err)
	}
	s := &provingSetup{prover: prover,
		key: &Key{Hash: "bench", Circuit: fmt.Sprintf("payments(depth=%d,slots=%d)", p.Depth, p.Slots), CS: prover.CS, PK: prover.PK, VK: prover.VK}}
	b.Logf("compile and setup: %s (payments, %d constraints)", time.Since(start).Round(time.Millisecond), prover.CS.GetNbConstraints())

	start = time.Now()
	chainCS, chainN := compileChain(b, prover.CS.GetNbConstraints())
	if s.chainPK, _, err = groth16.Setup(chainCS); err != nil {
		b.Fatal(err)
	}
	if s.chainW, err = frontend.NewWitness(chainAssignment(chainN), ecc.BN254.ScalarField()); err != nil {
		b.Fatal(err)
	}
	s.chainCS = chainCS
	b.Logf("chain compile and setup: %s", time.Since(start).Round(time.Millisecond))
	provingSetups[p] = s
	return s
}

func benchProvingPath(b *testing.B, p payments.Params) {
	s := newProvingSetup(b, p)
	prover, key, chainCS, chainPK, chainW := s.prover, s.key, s.chainCS, s.chainPK, s.chainW
	nb := prover.CS.GetNbConstraints()

	backend, err := NewBackend(*benchBackend)
	if err != nil {
		b.Fatal(err)
	}
	if err := backend.Prepare(key); err != nil {
		b.Fatal(err)
	}
	b.Logf("our side proves on backend %s", backend.Name())

	r := newPaymentsBench(b, p)
	var ours, bare, build, wit, worker, check time.Duration
	var oursMem, bareMem memDelta
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		txs := r.transfers()
		runtime.GC() // each side starts from a collected heap
		m0 := readMem()
		b.StartTimer()

		// Labelled for pprof (-tagfocus=side=ours): gnark's prover goroutines
		// inherit the label.
		pprof.Do(context.Background(), pprof.Labels("side", "ours"), func(context.Context) {
			t0 := time.Now()
			batch := r.build(txs)
			t1 := time.Now()
			w, err := frontend.NewWitness(batch.Assignment, ecc.BN254.ScalarField())
			if err != nil {
				b.Fatal(err)
			}
			bz, err := w.MarshalBinary()
			if err != nil {
				b.Fatal(err)
			}
			public, err := w.Public()
			if err != nil {
				b.Fatal(err)
			}
			t2 := time.Now()
			proof, err := proveWith(backend, key, bz)
			if err != nil {
				b.Fatal(err)
			}
			t3 := time.Now()
			if err := checkProof(prover.VK, proof, public); err != nil {
				b.Fatal(err)
			}
			t4 := time.Now()
			if len(batch.Included) != p.Slots {
				b.Fatalf("%d of %d transfers included", len(batch.Included), p.Slots)
			}
			build += t1.Sub(t0)
			wit += t2.Sub(t1)
			worker += t3.Sub(t2)
			check += t4.Sub(t3)
			ours += t4.Sub(t0)
		})

		b.StopTimer()
		oursMem.add(m0, readMem())
		runtime.GC()
		m1 := readMem()
		b.StartTimer()
		pprof.Do(context.Background(), pprof.Labels("side", "bare"), func(context.Context) {
			t5 := time.Now()
			if _, err := groth16.Prove(chainCS, chainPK, chainW); err != nil {
				b.Fatal(err)
			}
			bare += time.Since(t5)
		})
		b.StopTimer()
		bareMem.add(m1, readMem())
		b.StartTimer()
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(ours.Seconds()/n, "ours-s/op")
	b.ReportMetric(bare.Seconds()/n, "bare-s/op")
	b.ReportMetric(bare.Seconds()/ours.Seconds(), "rate-ratio")
	b.ReportMetric(build.Seconds()/n, "build-s/op")
	b.ReportMetric(wit.Seconds()/n, "witness-s/op")
	b.ReportMetric(worker.Seconds()/n, "worker-s/op")
	b.ReportMetric(check.Seconds()/n, "check-s/op")
	b.ReportMetric(float64(p.Slots)*n/ours.Seconds(), "transfers/s")
	b.ReportMetric(float64(oursMem.alloc)/n/(1<<20), "ours-MiB/op")
	b.ReportMetric(float64(bareMem.alloc)/n/(1<<20), "bare-MiB/op")
	b.ReportMetric(float64(oursMem.gcs)/n, "ours-gc/op")
	b.ReportMetric(oursMem.cpu.Seconds()/n, "ours-cpu-s/op")
	b.ReportMetric(bareMem.cpu.Seconds()/n, "bare-cpu-s/op")
	b.ReportMetric(bareMem.cpu.Seconds()/oursMem.cpu.Seconds(), "cpu-ratio")
	b.ReportMetric(float64(bareMem.gcs)/n, "bare-gc/op")
	b.ReportMetric(float64(nb), "constraints")
	b.ReportMetric(float64(domainSize(nb)), "domain")
	b.ReportMetric(float64(prover.CS.GetNbInternalVariables()+prover.CS.GetNbSecretVariables()+prover.CS.GetNbPublicVariables()), "wires")
	b.ReportMetric(float64(chainCS.GetNbInternalVariables()+chainCS.GetNbSecretVariables()+chainCS.GetNbPublicVariables()), "bare-wires")
	b.Logf("BENCHROW provepath depth=%d slots=%d constraints=%d domain=%d ours_s=%.3f bare_s=%.3f ratio=%.3f ours_cpu_s=%.3f bare_cpu_s=%.3f cpu_ratio=%.3f build_s=%.3f witness_s=%.3f worker_s=%.3f check_s=%.3f n=%d",
		p.Depth, p.Slots, nb, domainSize(nb), ours.Seconds()/n, bare.Seconds()/n, bare.Seconds()/ours.Seconds(),
		oursMem.cpu.Seconds()/n, bareMem.cpu.Seconds()/n, bareMem.cpu.Seconds()/oursMem.cpu.Seconds(),
		build.Seconds()/n, wit.Seconds()/n, worker.Seconds()/n, check.Seconds()/n, b.N)
}
