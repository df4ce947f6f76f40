package fleet

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/frontend"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/setup"
)

var benchScaleJobs = flag.Int("fleet.scale-jobs", 8, "backlog of payments batches of BenchmarkFleetScaling (even: two workers share it)")

// Environment of a worker process the scaling benchmark starts: the test
// binary run again with TestFleetWorkerProcess.
const (
	envWorkerURL  = "FLEET_BENCH_WORKER_URL"
	envWorkerKeys = "FLEET_BENCH_WORKER_KEYS"
	envWorkerName = "FLEET_BENCH_WORKER_NAME"
)

// TestFleetWorkerProcess is not a test: it is the body of a worker process
// of BenchmarkFleetScaling (what `nativechaind operator prover` runs: load
// the keys, pull jobs, prove) and is skipped unless that benchmark started
// it. It stops when its stdin closes (the benchmark ends or dies).
func TestFleetWorkerProcess(t *testing.T) {
	url := os.Getenv(envWorkerURL)
	if url == "" {
		t.Skip("a worker process of BenchmarkFleetScaling only")
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	keys, err := LoadKeys(os.Getenv(envWorkerKeys), nil, log)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := Connect(url, os.Getenv(envWorkerName), log)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	if err := RunWorker(ctx, js, keys, WorkerOptions{Name: os.Getenv(envWorkerName), StatsInterval: 500 * time.Millisecond,
		FetchWait: 500 * time.Millisecond, AckWait: 5 * time.Minute, Logger: log}); err != nil {
		t.Fatal(err)
	}
}

// workerProc is a worker process at GOMAXPROCS=1.
type workerProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	done  chan error
}

func startWorkerProc(b *testing.B, url, keys, name string) *workerProc {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestFleetWorkerProcess$", "-test.count", "1")
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1", envWorkerURL+"="+url, envWorkerKeys+"="+keys, envWorkerName+"="+name)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	w := &workerProc{cmd: cmd, stdin: stdin, done: make(chan error, 1)}
	go func() { w.done <- cmd.Wait() }()
	return w
}

func (w *workerProc) stop() {
	_ = w.stdin.Close()
	select {
	case <-w.done:
	case <-time.After(30 * time.Second):
		_ = w.cmd.Process.Kill()
		<-w.done
	}
}

// BenchmarkFleetScaling proves the same backlog of payments batches on
// one worker process and then on two, each at GOMAXPROCS=1, through an
// embedded NATS JetStream server, and reports the speed-up (issue 16's
// goal: at least 1.8). The workers are separate processes started from
// this test binary (TestFleetWorkerProcess) with the keys on disk, as
// `nativechaind operator prover` runs; their start (compile, key loading)
// is not timed: the clock starts when every worker has reported ready and
// stops when the operator side holds every proof, each checked against
// the verifying key.
func BenchmarkFleetScaling(b *testing.B) {
	p := payments.Params{Depth: *benchDepth, Slots: *benchSlots}
	jobs := *benchScaleJobs
	root := b.TempDir()
	start := time.Now()
	c, err := circuits.Compile(payments.CircuitName, circuits.Params{"depth": fmt.Sprint(p.Depth), "slots": fmt.Sprint(p.Slots)})
	if err != nil {
		b.Fatal(err)
	}
	res, err := setup.DevSetup(c, setup.DevSetupOptions{KeysRoot: root})
	if err != nil {
		b.Fatal(err)
	}
	keys, err := setup.LoadKeys(res.Dir, c.Hash)
	if err != nil {
		b.Fatal(err)
	}
	key := KeyFromSetup(c, keys)
	b.Logf("compile and setup of %s (%d constraints): %s", c, c.CS.GetNbConstraints(), time.Since(start).Round(time.Millisecond))

	// The backlog: consecutive full batches of transfers, built natively.
	r := newPaymentsBench(b, p)
	witnesses := make([]witness.Witness, jobs)
	for i := range witnesses {
		batch := r.build(r.transfers())
		if witnesses[i], err = frontend.NewWitness(batch.Assignment, ecc.BN254.ScalarField()); err != nil {
			b.Fatal(err)
		}
	}

	server, err := StartServer(ServerOptions{Dir: b.TempDir(), Listen: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer server.Shutdown()
	nc, err := Connect(server.URL(), "operator", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	prover, err := NewProver(context.Background(), nc, Verifier{KeyHash: key.Hash, Circuit: key.Circuit, VK: key.VK},
		ProverOptions{QueueURL: server.URL(), PollInterval: time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer prover.Close()

	// round proves the backlog on n fresh worker processes under rollup id
	// (fresh job ids each round).
	round := func(n int, rollup string) time.Duration {
		ready := map[string]bool{}
		var mu sync.Mutex
		sub, err := nc.Subscribe(workerSubjectPrefix+"*", func(m *nats.Msg) {
			if name := strings.TrimPrefix(m.Subject, workerSubjectPrefix); strings.HasPrefix(name, rollup+"-") {
				mu.Lock()
				ready[name] = true
				mu.Unlock()
			}
		})
		if err != nil {
			b.Fatal(err)
		}
		var procs []*workerProc
		for i := range n {
			procs = append(procs, startWorkerProc(b, server.URL(), root, fmt.Sprintf("%s-w%d", rollup, i)))
		}
		defer func() {
			for _, w := range procs {
				w.stop()
			}
		}()
		deadline := time.Now().Add(10 * time.Minute)
		for {
			mu.Lock()
			k := len(ready)
			mu.Unlock()
			if k == n {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("%d of %d workers ready", k, n)
			}
			time.Sleep(50 * time.Millisecond)
		}
		_ = sub.Unsubscribe()

		begin := time.Now()
		errs := make(chan error, jobs)
		for i, w := range witnesses {
			go func() {
				_, err := prover.ProveWitness(context.Background(), rollup, uint64(i), w)
				errs <- err
			}()
		}
		for range jobs {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(begin)
	}

	var one, two time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		one += round(1, fmt.Sprintf("one%d", i))
		two += round(2, fmt.Sprintf("two%d", i))
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(one.Seconds()/n, "one-worker-s")
	b.ReportMetric(two.Seconds()/n, "two-workers-s")
	b.ReportMetric(one.Seconds()/two.Seconds(), "speedup")
	b.ReportMetric(float64(jobs*p.Slots)*n/one.Seconds(), "one-transfers/s")
	b.ReportMetric(float64(jobs*p.Slots)*n/two.Seconds(), "two-transfers/s")
	b.Logf("BENCHROW fleetscaling depth=%d slots=%d jobs=%d one_s=%.2f two_s=%.2f speedup=%.3f n=%d",
		p.Depth, p.Slots, jobs, one.Seconds()/n, two.Seconds()/n, one.Seconds()/two.Seconds(), b.N)
}
