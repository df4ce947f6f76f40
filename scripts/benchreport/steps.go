package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Step is one go test invocation of the report.
type Step struct {
	Name    string
	Env     []string // added to the environment
	Args    []string // after "go"
	Timeout time.Duration
	// FragmentEnv, if set, is the environment variable through which the
	// step is told where to write a markdown fragment for the report:
	// <dir>/<name>.md.
	FragmentEnv string
	// Func, if set, is the step instead of a go invocation: it runs in
	// benchreport itself (from the repository root) and writes its output.
	Func func(w io.Writer) error
}

// Command is the step as a shell command line, for the report's
// "reproduce" column.
func (s Step) Command() string {
	if s.Func != nil {
		return "go run ./scripts/benchreport -only " + s.Name
	}
	var parts []string
	wd, _ := os.Getwd()
	for _, e := range s.Env {
		// Paths under the repository read as relative, as one types them.
		if k, v, ok := strings.Cut(e, "="); ok && wd != "" && strings.HasPrefix(v, wd+string(filepath.Separator)) {
			e = k + "=" + strings.TrimPrefix(v, wd+string(filepath.Separator))
		}
		parts = append(parts, e)
	}
	parts = append(parts, "go")
	for _, a := range s.Args {
		if strings.ContainsAny(a, " |$^()*") {
			a = "'" + a + "'"
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// Options size the steps of a run.
type Options struct {
	Count int    // -count of the fast benchmarks
	Bin   string // the binary the system tests drive
	// ProveDepth and ProveSlots shape the proving comparison's first
	// batch (production: depth 24, 16 slots).
	ProveDepth, ProveSlots int
	// OperatorSlots is the batch size of the operator run and of the
	// proving comparison's second shape: the devnet's (4).
	OperatorSlots int
	// Backlog is the number of transfers of the operator run's backlog.
	Backlog int
	// ScaleDepth, ScaleSlots and ScaleJobs shape the fleet scaling
	// benchmark's backlog.
	ScaleDepth, ScaleSlots, ScaleJobs int
	// ExchangeDepth and ExchangeSlots shape the exchange rollup's proving
	// comparison (its constraint count is always depth 24, 16 slots).
	ExchangeDepth, ExchangeSlots int
}

// proveShapes are the proving comparison's shapes: the production one
// and the devnet's (the operator run's), once each.
func (o Options) proveShapes() string {
	slots := o.ProveSlots
	if slots == 0 {
		slots = 16
	}
	prod := fmt.Sprintf("%dx%d", o.ProveDepth, slots)
	devnet := fmt.Sprintf("%dx%d", DevnetDepth, o.OperatorSlots)
	if prod == devnet {
		return prod
	}
	return prod + "," + devnet
}

// DevnetDepth is the tree depth of `make devnet`'s rollups
// (scripts/devnet.sh, DEVNET_ROLLUP_DEPTH), which the operator run uses.
const DevnetDepth = 8

// Steps lists the measurements in the order make bench runs them.
func Steps(o Options) []Step {
	c := strconv.Itoa(o.Count)
	sys := "NATIVECHAIND_BIN=" + o.Bin
	return []Step{
		{Name: "keeper", Timeout: 15 * time.Minute, Args: []string{"test", "-run", "^$",
			"-bench", "SubmitBatch_(Handler|HandlerNoData|HandlerAfterProposal|RawGnarkVerify)$", "-count", c, "./x/rollups/keeper/"}},
		{Name: "verifier", Timeout: 20 * time.Minute, Args: []string{"test", "-run", "^$",
			"-bench", "^Benchmark(BatchVerify|VerifyOneByOne|MultiPairingBare|BatchVerify8Keys|VerifyOneByOne8Keys)$/^(16|64|256)$", "-count", c, "./x/rollups/verifier/"}},
		{Name: "circuit", Timeout: 20 * time.Minute, Args: []string{"test", "-run", "^$",
			"-bench", "ConstraintsPerTransfer|DABytesPerTransfer|DomainFill", "-benchtime", "1x", "-v", "./prover/payments/"}},
		{Name: "provepath", Timeout: 40 * time.Minute, Args: []string{"test", "-run", "^$",
			"-bench", "^BenchmarkProvingPathVsBareProve$", "-benchtime", "1x", "-v", "./prover/fleet/",
			"-fleet.shapes=" + o.proveShapes()}},
		{Name: "exchange", Timeout: 20 * time.Minute, Args: []string{"test", "-run", "^$",
			"-bench", "^BenchmarkExchange(Constraints|ProveVsBare)$", "-benchtime", "1x", "-v", "./prover/exchange/",
			fmt.Sprintf("-exchange.shape=%dx%d", o.ExchangeDepth, o.ExchangeSlots)}},
		{Name: "loc", Timeout: time.Minute, Func: writeLOC},
		{Name: "fleetscaling", Timeout: 30 * time.Minute, Args: []string{"test", "-run", "^$",
			"-bench", "^BenchmarkFleetScaling$", "-benchtime", "1x", "-v", "./prover/fleet/",
			"-fleet.depth=" + strconv.Itoa(o.ScaleDepth), "-fleet.slots=" + strconv.Itoa(o.ScaleSlots), "-fleet.scale-jobs=" + strconv.Itoa(o.ScaleJobs)}},
		{Name: "routing", Timeout: 20 * time.Minute, Args: []string{"test", "-tags", "long", "-run", "TestReport_RoutingGas",
			"-count", "1", "-v", "./app/"}},
		{Name: "gastable", Timeout: 15 * time.Minute, FragmentEnv: "GAS_TABLE_OUT", Args: []string{"test", "-run", "^TestGasTable$",
			"-count", "1", "-v", "./app/"}},
		{Name: "operator", Timeout: 40 * time.Minute, Env: []string{sys, "OPERATOR_BENCH_SLOTS=" + strconv.Itoa(o.OperatorSlots),
			"OPERATOR_BENCH_BACKLOG=" + strconv.Itoa(o.Backlog)},
			Args: []string{"test", "-tags", "system long", "-run", "TestOperatorBench", "-count", "1", "-timeout", "40m", "-v", "./tests/system/"}},
		{Name: "capacity", Timeout: 40 * time.Minute, Env: []string{sys},
			Args: []string{"test", "-tags", "system long", "-run", "TestCapacity", "-count", "1", "-timeout", "40m", "-v", "./tests/system/"}},
	}
}

// Run executes the step, teeing its output to stdout and dir/<name>.txt,
// and records its command line and wall time next to it.
func (s Step) Run(dir string) error {
	if s.FragmentEnv != "" {
		// Absolute: go test runs in the package's directory.
		out, err := filepath.Abs(FragmentPath(dir, s.Name))
		if err != nil {
			return err
		}
		if err := os.Remove(out); err != nil && !os.IsNotExist(err) {
			return err // a stale fragment must not pass for this run's
		}
		s.Env = append(append([]string(nil), s.Env...), s.FragmentEnv+"="+out)
	}
	fmt.Printf("==> %s: %s\n", s.Name, s.Command())
	if err := os.WriteFile(filepath.Join(dir, s.Name+".cmd"), []byte(s.Command()+"\n"), 0o644); err != nil {
		return err
	}
	out, err := os.Create(filepath.Join(dir, s.Name+".txt"))
	if err != nil {
		return err
	}
	defer out.Close()
	if s.Func != nil {
		return s.runFunc(dir, out)
	}
	args := s.Args
	if !hasTimeoutFlag(args) {
		// go test's own timeout, so a hung step still prints its stacks.
		args = append(args[:1:1], append([]string{"-timeout", s.Timeout.String()}, args[1:]...)...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.Timeout+2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCmd(), args...)
	cmd.Env = append(os.Environ(), s.Env...)
	cmd.Stdout = io.MultiWriter(os.Stdout, out)
	cmd.Stderr = io.MultiWriter(os.Stderr, out)
	start := time.Now()
	loadStart := sample(start).Load
	runErr := cmd.Run()
	status := "ok"
	if runErr != nil {
		status = "failed: " + runErr.Error()
	}
	return writeStatus(dir, s.Name, start, loadStart, status, runErr)
}

// runFunc runs an in-process step and records it as Run does.
func (s Step) runFunc(dir string, out io.Writer) error {
	start := time.Now()
	loadStart := sample(start).Load
	runErr := s.Func(io.MultiWriter(os.Stdout, out))
	status := "ok"
	if runErr != nil {
		status = "failed: " + runErr.Error()
		fmt.Fprintln(out, "FAIL:", runErr)
	}
	return writeStatus(dir, s.Name, start, loadStart, status, runErr)
}

// writeStatus records a step's wall time, load and status next to its
// output, and returns runErr.
func writeStatus(dir, name string, start time.Time, loadStart, status string, runErr error) error {
	// The machine's load with every figure: the step's own start and end
	// (1, 5 and 15 minute averages, comma-separated); status stays last.
	info := fmt.Sprintf("wall_seconds=%.0f load_start=%s load_end=%s status=%s\n", time.Since(start).Seconds(),
		strings.ReplaceAll(loadStart, " ", ","), strings.ReplaceAll(sample(time.Now()).Load, " ", ","), status)
	if err := os.WriteFile(filepath.Join(dir, name+".status"), []byte(info), 0o644); err != nil {
		return err
	}
	return runErr
}

// FragmentPath is where a step with a FragmentEnv writes its fragment.
func FragmentPath(dir, step string) string { return filepath.Join(dir, step+".md") }

func hasTimeoutFlag(args []string) bool {
	for _, a := range args {
		if a == "-timeout" {
			return true
		}
	}
	return false
}

func goCmd() string {
	if g := os.Getenv("GO"); g != "" {
		return g
	}
	return "go"
}
