package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// StepOutput is what one step left in the run directory.
type StepOutput struct {
	Step   Step
	Found  bool   // its raw output exists
	Status string // "ok", "failed: ...", or "" when unknown
	Wall   float64
	// LoadStart and LoadEnd are the 1, 5 and 15 minute load averages when
	// the step started and ended ("" when not recorded).
	LoadStart, LoadEnd string
	Command            string
	Bench              BenchSet
	Rows               []Benchrow
	Text               string
	// Fragment is the markdown the step wrote for the report, if any.
	Fragment string
}

// BenchSet holds every value of a go test -bench output: name (without
// the -GOMAXPROCS suffix) -> unit -> values, one per run.
type BenchSet map[string]map[string][]float64

// Median of name's values in unit, and whether there are any.
func (s BenchSet) Median(name, unit string) (float64, int, bool) {
	v := s[name][unit]
	if len(v) == 0 {
		return 0, 0, false
	}
	c := append([]float64(nil), v...)
	sort.Float64s(c)
	n := len(c)
	if n%2 == 1 {
		return c[n/2], n, true
	}
	return (c[n/2-1] + c[n/2]) / 2, n, true
}

// Benchrow is a `BENCHROW kind key=value ...` line a test printed.
type Benchrow struct {
	Kind   string
	Fields map[string]string
}

var procSuffix = regexp.MustCompile(`-\d+$`)

// ParseBench reads go test -bench result lines.
func ParseBench(text string) BenchSet {
	set := BenchSet{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // a -v header line, not a result
		}
		name := procSuffix.ReplaceAllString(f[0], "")
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			if set[name] == nil {
				set[name] = map[string][]float64{}
			}
			set[name][f[i+1]] = append(set[name][f[i+1]], v)
		}
	}
	return set
}

// ParseBenchrows reads the BENCHROW lines, wherever a test log put them.
func ParseBenchrows(text string) []Benchrow {
	var rows []Benchrow
	for _, line := range strings.Split(text, "\n") {
		i := strings.Index(line, "BENCHROW ")
		if i < 0 {
			continue
		}
		f := strings.Fields(line[i+len("BENCHROW "):])
		if len(f) == 0 {
			continue
		}
		r := Benchrow{Kind: f[0], Fields: map[string]string{}}
		for _, kv := range f[1:] {
			if k, v, ok := strings.Cut(kv, "="); ok {
				r.Fields[k] = v
			}
		}
		rows = append(rows, r)
	}
	return rows
}

// Load reads every step's files from dir.
func Load(dir string, steps []Step) (*Results, error) {
	res := &Results{Steps: map[string]*StepOutput{}}
	res.Info, res.HasInfo = readRunInfo(dir)
	for _, st := range steps {
		out := &StepOutput{Step: st, Command: st.Command()}
		res.Steps[st.Name] = out
		raw, err := os.ReadFile(filepath.Join(dir, st.Name+".txt"))
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return nil, err
		}
		out.Found, out.Text = true, string(raw)
		if st.FragmentEnv != "" {
			if frag, err := os.ReadFile(FragmentPath(dir, st.Name)); err == nil {
				out.Fragment = string(frag)
			}
		}
		out.Bench = ParseBench(out.Text)
		out.Rows = ParseBenchrows(out.Text)
		if cmd, err := os.ReadFile(filepath.Join(dir, st.Name+".cmd")); err == nil {
			out.Command = strings.TrimSpace(string(cmd))
		}
		if status, err := os.ReadFile(filepath.Join(dir, st.Name+".status")); err == nil {
			s := strings.TrimSpace(string(status))
			if m := regexp.MustCompile(`wall_seconds=(\d+)`).FindStringSubmatch(s); m != nil {
				out.Wall, _ = strconv.ParseFloat(m[1], 64)
			}
			if m := regexp.MustCompile(`load_start=(\S+) load_end=(\S+)`).FindStringSubmatch(s); m != nil {
				out.LoadStart, out.LoadEnd = strings.ReplaceAll(m[1], ",", " "), strings.ReplaceAll(m[2], ",", " ")
			}
			if _, st, ok := strings.Cut(s, "status="); ok {
				out.Status = st
			}
		}
	}
	return res, nil
}

// operatorLine is the result line of TestOperatorBench_LatencyThroughputGas.
var operatorLine = regexp.MustCompile(`slots=(\d+) latency p50=([\d.]+)s p95=([\d.]+)s \(n=(\d+)\) \| throughput ([\d.]+) transfers/s \((\d+) in a backlog\) \| gas per L2 transfer (\d+) \(batch median (\d+)\) vs bank send (\d+)`)

// OperatorResult is one parsed operator benchmark line.
type OperatorResult struct {
	Slots              int
	P50, P95           float64
	LatencyN           int
	TPS                float64
	Backlog            int
	GasPerTx, BatchGas float64
	BankSend           float64
	// BacklogSeconds is the time from the first transfer of the backlog
	// posted to the last one final (0: not printed, an older log).
	BacklogSeconds float64
}

var operatorBacklog = regexp.MustCompile(`backlog final in ([\d.]+)s`)

// ParseOperator returns the operator results in the order printed (the
// log repeats each line; the first occurrence of each size wins).
func ParseOperator(text string) []OperatorResult {
	var out []OperatorResult
	seen := map[int]bool{}
	for _, loc := range operatorLine.FindAllStringSubmatchIndex(text, -1) {
		m := make([]string, len(loc)/2)
		for i := range m {
			m[i] = text[loc[2*i]:loc[2*i+1]]
		}
		r := OperatorResult{}
		r.Slots, _ = strconv.Atoi(m[1])
		if seen[r.Slots] {
			continue
		}
		seen[r.Slots] = true
		r.P50, _ = strconv.ParseFloat(m[2], 64)
		r.P95, _ = strconv.ParseFloat(m[3], 64)
		r.LatencyN, _ = strconv.Atoi(m[4])
		r.TPS, _ = strconv.ParseFloat(m[5], 64)
		r.Backlog, _ = strconv.Atoi(m[6])
		r.GasPerTx, _ = strconv.ParseFloat(m[7], 64)
		r.BatchGas, _ = strconv.ParseFloat(m[8], 64)
		r.BankSend, _ = strconv.ParseFloat(m[9], 64)
		// The rest of the line (a log line ends at its newline).
		rest := text[loc[1]:]
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			rest = rest[:i]
		}
		if b := operatorBacklog.FindStringSubmatch(rest); b != nil {
			r.BacklogSeconds, _ = strconv.ParseFloat(b[1], 64)
		}
		out = append(out, r)
	}
	return out
}

// RoutingResult is TestReport_RoutingGas's table row for the most
// messages, and the routed message's latency.
type RoutingResult struct {
	Messages      int
	BatchGas      float64
	GasPerMessage float64
	BankSends     float64
	LatencyBlocks int
	OK            bool
}

var (
	routingRow     = regexp.MustCompile(`(?m)^\| (\d+) \| (\d+) \| (\d+) \| (\d+) \| [\d.]+ \|$`)
	routingLatency = regexp.MustCompile(`latency from source batch to destination inbox: (\d+) extra blocks`)
)

// ParseRouting reads the routing test's printed table.
func ParseRouting(text string) RoutingResult {
	var r RoutingResult
	for _, m := range routingRow.FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(m[1])
		if n < r.Messages {
			continue
		}
		r.Messages = n
		r.BatchGas, _ = strconv.ParseFloat(m[2], 64)
		r.GasPerMessage, _ = strconv.ParseFloat(m[3], 64)
		r.BankSends, _ = strconv.ParseFloat(m[4], 64)
	}
	m := routingLatency.FindStringSubmatch(text)
	if m != nil && r.Messages > 0 && strings.Contains(text, "--- PASS: TestReport_RoutingGas") {
		r.LatencyBlocks, _ = strconv.Atoi(m[1])
		r.OK = true
	}
	return r
}

var setupLine = regexp.MustCompile(`compile and setup: (\S+)`)

// ProveSetup is the compile-and-setup time BenchmarkProve16Slots logged.
func ProveSetup(text string) string {
	if m := setupLine.FindStringSubmatch(text); m != nil {
		if d, err := time.ParseDuration(m[1]); err == nil {
			return d.Round(time.Second).String()
		}
		return m[1]
	}
	return ""
}

// ResultLines is the raw result lines of every step (benchmark results,
// BENCHROW lines, the operator and routing tables), each under its
// command: the run's raw output without the progress logs, small enough
// to keep in the repository. Benchmark lines stay benchstat-readable.
func ResultLines(r *Results) string {
	var b strings.Builder
	if r.HasInfo {
		fmt.Fprintf(&b, "# run %s, commit %s (dirty %t), %d cores, %s, load %s -> %s\n",
			r.Info.Start.At.Format(time.RFC3339), r.Info.Commit, r.Info.Dirty, r.Info.NProc, r.Info.CPU, r.Info.Start.Load, r.Info.End.Load)
	}
	for _, st := range Steps(Options{}) {
		s := r.Steps[st.Name]
		if s == nil || !s.Found {
			continue
		}
		fmt.Fprintf(&b, "\n# %s: %s (status %s, %.0f s)\n", st.Name, s.Command, s.Status, s.Wall)
		for _, line := range strings.Split(s.Text, "\n") {
			t := strings.TrimSpace(line)
			switch {
			case strings.HasPrefix(t, "Benchmark") && len(strings.Fields(t)) >= 4,
				strings.HasPrefix(t, "goos:"), strings.HasPrefix(t, "goarch:"), strings.HasPrefix(t, "pkg:"), strings.HasPrefix(t, "cpu:"),
				strings.Contains(t, "BENCHROW "), operatorLine.MatchString(t), routingRow.MatchString(t),
				routingLatency.MatchString(t), setupLine.MatchString(t),
				strings.HasPrefix(t, "--- FAIL"), strings.HasPrefix(t, "FAIL"):
				b.WriteString(t + "\n")
			}
		}
	}
	return b.String()
}

// ProvePathShape is one shape of BenchmarkProvingPathVsBareProve: our
// path and gnark's bare prove in seconds per proof, and our path's phases.
type ProvePathShape struct {
	Depth, Slots                       int
	Ours, Bare, RateRatio              float64
	OursCPU, BareCPU                   float64 // process CPU seconds per proof (0: not reported)
	Build, Witness, Worker, Check, TPS float64
	Constraints, Domain                float64
	N                                  int
}

var provePathName = regexp.MustCompile(`^BenchmarkProvingPathVsBareProve/depth=(\d+),slots=(\d+)$`)

// ProvePathShapes reads the proving comparison's shapes, deepest first.
func ProvePathShapes(set BenchSet) []ProvePathShape {
	var out []ProvePathShape
	for name := range set {
		m := provePathName.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		var sh ProvePathShape
		sh.Depth, _ = strconv.Atoi(m[1])
		sh.Slots, _ = strconv.Atoi(m[2])
		var ok bool
		if sh.Ours, sh.N, ok = set.Median(name, "ours-s/op"); !ok {
			continue
		}
		if sh.Bare, _, ok = set.Median(name, "bare-s/op"); !ok || sh.Ours <= 0 {
			continue
		}
		// The ratio of the medians, so that it matches the two columns.
		sh.RateRatio = sh.Bare / sh.Ours
		sh.OursCPU, _, _ = set.Median(name, "ours-cpu-s/op")
		sh.BareCPU, _, _ = set.Median(name, "bare-cpu-s/op")
		sh.Build, _, _ = set.Median(name, "build-s/op")
		sh.Witness, _, _ = set.Median(name, "witness-s/op")
		sh.Worker, _, _ = set.Median(name, "worker-s/op")
		sh.Check, _, _ = set.Median(name, "check-s/op")
		sh.TPS, _, _ = set.Median(name, "transfers/s")
		sh.Constraints, _, _ = set.Median(name, "constraints")
		sh.Domain, _, _ = set.Median(name, "domain")
		out = append(out, sh)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Depth != out[j].Depth {
			return out[i].Depth > out[j].Depth
		}
		return out[i].Slots > out[j].Slots
	})
	return out
}
