// Command benchreport runs the project's performance measurements once and
// renders them as the generated section of docs/PERFORMANCE.md (between
// the bench-report markers). `make bench` runs it.
//
// Each step is one `go test` invocation whose raw output is kept in
// build/bench/<step>.txt (go test -bench output stays benchstat-readable);
// the report is built from those files only, so
//
//	go run ./scripts/benchreport -render-only
//
// re-renders the section from the last run without measuring again.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	var (
		dir        = flag.String("dir", "build/bench", "where the raw output of every step goes")
		doc        = flag.String("doc", "docs/PERFORMANCE.md", "document whose generated section is replaced")
		bin        = flag.String("bin", "build/nativechaind", "binary for the system tests")
		count      = flag.Int("count", 5, "-count for the fast benchmarks")
		depth      = flag.Int("prove-depth", 24, "tree depth of the proving comparison")
		proveSlots = flag.Int("prove-slots", 16, "batch size of the proving comparison")
		slots      = flag.Int("operator-slots", 4, "batch size of the operator benchmark: the devnet's")
		backlog    = flag.Int("backlog", 256, "transfers in the operator benchmark's backlog")
		scaleDepth = flag.Int("scale-depth", 8, "tree depth of the fleet scaling benchmark")
		scaleSlots = flag.Int("scale-slots", 16, "batch size of the fleet scaling benchmark")
		scaleJobs  = flag.Int("scale-jobs", 8, "batches in the fleet scaling benchmark's backlog")
		exDepth    = flag.Int("exchange-depth", 24, "tree depth of the exchange rollup's proving comparison")
		exSlots    = flag.Int("exchange-slots", 4, "batch size of the exchange rollup's proving comparison (16 slots' setup takes too long on 2 cores)")
		only       = flag.String("only", "", "comma-separated steps to run (default: all); the others are read from -dir")
		renderOnly = flag.Bool("render-only", false, "run nothing: render the section from the files in -dir")
	)
	flag.Parse()
	o := Options{Count: *count, Bin: *bin, ProveDepth: *depth, ProveSlots: *proveSlots, OperatorSlots: *slots, Backlog: *backlog,
		ScaleDepth: *scaleDepth, ScaleSlots: *scaleSlots, ScaleJobs: *scaleJobs, ExchangeDepth: *exDepth, ExchangeSlots: *exSlots}
	if err := run(*dir, *doc, o, *only, *renderOnly); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(dir, doc string, o Options, only string, renderOnly bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	absBin, err := filepath.Abs(o.Bin)
	if err != nil {
		return err
	}
	o.Bin = absBin
	var failed []string
	if !renderOnly {
		want := map[string]bool{}
		for _, s := range strings.Split(only, ",") {
			if s = strings.TrimSpace(s); s != "" {
				want[s] = true
			}
		}
		start := sample(time.Now())
		for _, st := range Steps(o) {
			if len(want) > 0 && !want[st.Name] {
				continue
			}
			if err := st.Run(dir); err != nil {
				fmt.Fprintf(os.Stderr, "benchreport: step %s failed: %v (its rows are marked failed)\n", st.Name, err)
				failed = append(failed, st.Name)
			}
		}
		end := sample(time.Now())
		if prev, ok := readRunInfo(dir); ok && len(want) > 0 {
			// Some steps again after a full pass: the header keeps the
			// pass and says which steps were re-run, when and under what load.
			if err := writeRerunInfo(dir, prev, only, start, end); err != nil {
				return err
			}
		} else if err := writeRunInfo(dir, start, end); err != nil {
			return err
		}
	}
	results, err := Load(dir, Steps(o))
	if err != nil {
		return err
	}
	section := Render(results)
	if err := os.WriteFile(filepath.Join(dir, "report.md"), []byte(section), 0o644); err != nil {
		return err
	}
	latest := filepath.Join(filepath.Dir(doc), "bench", "latest.txt")
	if err := os.MkdirAll(filepath.Dir(latest), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(latest, []byte(ResultLines(results)), 0o644); err != nil {
		return err
	}
	old, err := os.ReadFile(doc)
	if err != nil {
		return err
	}
	updated, err := ReplaceSection(string(old), section)
	if err != nil {
		return err
	}
	if err := os.WriteFile(doc, []byte(updated), 0o644); err != nil {
		return err
	}
	fmt.Printf("benchreport: wrote the generated section of %s (%d rows) and %s\n", doc, len(results.Rows()), filepath.Join(dir, "report.md"))
	if len(failed) > 0 {
		return fmt.Errorf("steps failed: %s", strings.Join(failed, ", "))
	}
	return nil
}
