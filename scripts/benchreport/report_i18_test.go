package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCountLOC_CodeLinesOnly(t *testing.T) {
	src := "// Package x.\npackage x\n\n/* a\nblock */\nimport \"fmt\" // trailing\n\nvar s = `one\ntwo\n// not a comment\n`\n\nfunc f() { /* inline */ fmt.Println(s) }\n\t\n"
	n, err := CountLOC([]byte(src))
	require.NoError(t, err)
	// package, import, the raw string's four lines, func.
	require.Equal(t, 7, n)
	_, err = CountLOC([]byte("package x\nvar s = \"unterminated\n"))
	require.Error(t, err, "a file that does not scan is an error, not a guess")
}

func TestCountDirLOC_NonTestFilesAndPatterns(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"circuit.go":      "package x\n\nfunc a() {}\n",
		"circuit_slot.go": "package x\n// c\nvar b = 1\n",
		"state.go":        "package x\n",
		"other.go":        "package x\nvar c = 2\nvar d = 3\n",
		"circuit_test.go": "package x\nvar e = 4\n",
		"notes.md":        "package x\n",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644))
	}
	all, err := CountDirLOC(dir)
	require.NoError(t, err)
	require.Equal(t, LOCCount{Files: []string{"circuit.go", "circuit_slot.go", "other.go", "state.go"}, Lines: 8}, all)
	core, err := CountDirLOC(dir, exchangeCoreFiles...)
	require.NoError(t, err)
	require.Equal(t, LOCCount{Files: []string{"circuit.go", "circuit_slot.go", "state.go"}, Lines: 5}, core)
}

func TestStep_FuncStepRecordsOutputAndStatus(t *testing.T) {
	dir := t.TempDir()
	st := Step{Name: "loc", Timeout: time.Minute, Func: func(w io.Writer) error { return writeLOCFrom(w, "../..") }}
	require.Equal(t, "go run ./scripts/benchreport -only loc", st.Command())
	require.NoError(t, st.Run(dir))
	raw, err := os.ReadFile(filepath.Join(dir, "loc.txt"))
	require.NoError(t, err)
	rows := ParseBenchrows(string(raw))
	require.Len(t, rows, 3, "the repository's own rollups are counted")
	require.Equal(t, "exchange", rows[0].Fields["set"])
	require.Equal(t, "prover/exchange", rows[0].Fields["dir"], "paths as from the repository root")
	require.NotEqual(t, "0", rows[0].Fields["lines"])
	status, err := os.ReadFile(filepath.Join(dir, "loc.status"))
	require.NoError(t, err)
	require.Regexp(t, `^wall_seconds=\d+ load_start=\S+ load_end=\S+ status=ok\n$`, string(status))

	bad := Step{Name: "bad", Timeout: time.Minute, Func: func(io.Writer) error { return errors.New("no such dir") }}
	require.Error(t, bad.Run(dir))
	status, err = os.ReadFile(filepath.Join(dir, "bad.status"))
	require.NoError(t, err)
	require.Contains(t, string(status), "status=failed: no such dir")
}

func TestRows_ExchangeLOCAndNewRollup(t *testing.T) {
	dir := t.TempDir()
	o := Options{Count: 5, ProveDepth: 24, OperatorSlots: 4, Backlog: 256, ScaleDepth: 8, ScaleSlots: 16, ScaleJobs: 8, ExchangeDepth: 24, ExchangeSlots: 4, Bin: "/bin/nativechaind"}
	write := func(name, text, status string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name+".txt"), []byte(text), 0o644))
		if status != "" {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name+".status"), []byte(status), 0o644))
		}
	}
	// Nothing run: the rows say so, and no new-rollup row.
	res, err := Load(dir, Steps(o))
	require.NoError(t, err)
	rows := map[string][]Row{}
	for _, row := range res.Rows() {
		rows[row.Step] = append(rows[row.Step], row)
	}
	require.Len(t, rows["exchange"], 3)
	for _, row := range rows["exchange"] {
		require.Equal(t, "not run", row.Ours)
	}
	require.Equal(t, "not run", rows["loc"][0].Ours)
	for _, row := range res.Rows() {
		require.NotContains(t, row.Metric, "operator init", "no BENCHROW newrollup, no row")
	}

	write("exchange", "    bench_test.go:47: exchange 24x16: 392183 constraints, compiled in 7.1s\n"+
		"    bench_test.go:62: BENCHROW exchange_constraints depth=24 slots=16 call_slots=16 exchange=392183 per_swap=24511.4 marginal=24200.0 payments=378691 per_transfer=23668.2 ratio=1.036\n"+
		"    bench_test.go:232: compile and setup: 1m51s (exchange, 104067 constraints)\n"+
		"    bench_test.go:298: BENCHROW exchange_prove depth=24 slots=4 constraints=104067 domain=131072 ours_s=12.500 bare_s=10.000 ratio=0.800 ours_cpu_s=20.000 bare_cpu_s=18.000 cpu_ratio=0.900 build_s=0.010 prove_s=12.490 swaps_per_s=0.320 setup_s=111.0 chain_setup_s=95.5 wires=107982 bare_wires=104069 n=1\n",
		"wall_seconds=280 load_start=8.00,7.00,6.00 load_end=9.00,8.00,7.00 status=ok\n")
	write("provepath", "BenchmarkProvingPathVsBareProve/depth=24,slots=16-2 \t 1\t 1 ns/op\t 2.000 bare-s/op\t 2.500 ours-s/op\t 6.400 transfers/s\n", "wall_seconds=600 status=ok\n")
	write("loc", "BENCHROW loc set=exchange dir=prover/exchange files=18 lines=1536 names=amm.go,build.go\n"+
		"BENCHROW loc set=exchange_core dir=prover/exchange files=5 lines=768 names=circuit.go,state.go,tx.go\n"+
		"BENCHROW loc set=payments dir=prover/payments files=30 lines=3072 names=a.go\n", "wall_seconds=0 load_start=1.00,1.00,1.00 load_end=1.00,1.00,1.00 status=ok\n")
	write("operator", "    devnet_test.go:9: BENCHROW newrollup seconds=42.31 rollup=dex2 kind=exchange\n", "wall_seconds=900 status=ok\n")
	res, err = Load(dir, Steps(o))
	require.NoError(t, err)
	rows = map[string][]Row{}
	for _, row := range res.Rows() {
		rows[row.Step] = append(rows[row.Step], row)
	}
	ex := rows["exchange"]
	require.Len(t, ex, 3)
	require.Equal(t, "24,511.4", ex[0].Ours)
	require.Equal(t, "23,668.2", ex[0].Reference)
	require.Equal(t, "1.036", ex[0].Ratio)
	require.Contains(t, ex[0].How, "exchange 392,183, payments 378,691 constraints for 16 slots")
	require.Equal(t, "12.50 s", ex[1].Ours)
	require.Equal(t, "10.00 s", ex[1].Reference)
	require.Equal(t, "**0.80** of gnark's rate", ex[1].Ratio)
	require.Contains(t, ex[1].Metric, "depth 24, 4 slots")
	require.Contains(t, ex[1].How, "20.00 s vs 18.00 s: **0.90**")
	require.Contains(t, ex[1].How, "104,067 constraints (FFT domain 131,072, 79% full, 107,982 wires vs the chain's 104,069)")
	require.Equal(t, "**0.32**/s", ex[2].Ours)
	require.Contains(t, ex[2].How, "per CPU second of this process (less sensitive to the load): 0.20 swaps")
	require.Contains(t, ex[2].How, "payments, `provepath` step, depth 24 × 16 slots: 6.40 transfers/s")

	loc := rows["loc"]
	require.Len(t, loc, 2)
	require.Equal(t, Row{Metric: loc[0].Metric, Ours: "**1,536**", Reference: "3,072", Ratio: "0.50", How: loc[0].How, Step: "loc"}, loc[0])
	require.Contains(t, loc[0].How, "non-blank non-comment lines")
	require.Equal(t, "768", loc[1].Ours)
	require.Contains(t, loc[1].How, "circuit.go, state.go, tx.go")

	var nr Row
	for _, row := range rows["operator"] {
		if strings.Contains(row.Metric, "operator init") {
			nr = row
		}
	}
	require.Equal(t, "**42.3 s**", nr.Ours, "read from whichever step printed it")
	require.Contains(t, nr.How, "rollup dex2, kind exchange")

	out := Render(res)
	require.Contains(t, out, "| 8.00 7.00 6.00 → 9.00 8.00 7.00 | `go test -run '^$' -bench '^BenchmarkExchange(Constraints\\|ProveVsBare)$' -benchtime 1x -v ./prover/exchange/ -exchange.shape=24x4` |",
		"the exchange rows carry their step's load and command")
	require.Contains(t, out, "| `go run ./scripts/benchreport -only loc` |")
	require.Contains(t, out, "| exchange | 4m40s | 8.00 7.00 6.00 → 9.00 8.00 7.00 | ok |")
	require.Contains(t, ResultLines(res), "BENCHROW loc set=payments", "the counts are kept in bench/latest.txt")

	write("loc", "FAIL: open prover/exchange: no such file\n", "wall_seconds=0 status=failed: open prover/exchange\n")
	res, err = Load(dir, Steps(o))
	require.NoError(t, err)
	for _, row := range res.Rows() {
		if row.Step == "loc" {
			require.Equal(t, "step failed", row.Ours)
		}
	}
}
