package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const keeperOut = `goos: linux
BenchmarkSubmitBatch_Handler-2                 	    1000	   1000000 ns/op
BenchmarkSubmitBatch_Handler-2                 	    1000	   3000000 ns/op
BenchmarkSubmitBatch_Handler-2                 	    1000	   2000000 ns/op
BenchmarkSubmitBatch_RawGnarkVerify-2          	    1000	    800000 ns/op
=== RUN   BenchmarkSubmitBatch_RawGnarkVerify
BenchmarkDABytesPerTransfer/slots=16-2 	       1	      4919 ns/op	        12.00 data-B/transfer	        32.75 msg-B/transfer
`

func TestParseBench_MediansPerNameAndUnit(t *testing.T) {
	set := ParseBench(keeperOut)
	cases := []struct {
		name, unit string
		want       float64
		n          int
		ok         bool
	}{
		{"BenchmarkSubmitBatch_Handler", "ns/op", 2_000_000, 3, true},
		{"BenchmarkSubmitBatch_RawGnarkVerify", "ns/op", 800_000, 1, true},
		{"BenchmarkDABytesPerTransfer/slots=16", "msg-B/transfer", 32.75, 1, true},
		{"BenchmarkDABytesPerTransfer/slots=16", "data-B/transfer", 12, 1, true},
		{"BenchmarkSubmitBatch_Handler", "B/op", 0, 0, false},
		{"BenchmarkMissing", "ns/op", 0, 0, false},
	}
	for _, tc := range cases {
		got, n, ok := set.Median(tc.name, tc.unit)
		require.Equal(t, tc.ok, ok, "%s %s", tc.name, tc.unit)
		require.Equal(t, tc.n, n, "%s %s", tc.name, tc.unit)
		require.InDelta(t, tc.want, got, 1e-9, "%s %s", tc.name, tc.unit)
	}
}

func TestParseBenchrows_ReadsKeyValuesAfterTheLogPrefix(t *testing.T) {
	rows := ParseBenchrows("    capacity_bench_test.go:171: BENCHROW capacity_step k=8 pass=true\nnoise\nBENCHROW capacity max_k=64 first_failing_k=96\n")
	require.Len(t, rows, 2)
	require.Equal(t, "capacity_step", rows[0].Kind)
	require.Equal(t, map[string]string{"k": "8", "pass": "true"}, rows[0].Fields)
	require.Equal(t, "64", rows[1].Fields["max_k"])
}

func TestParseOperatorAndRouting(t *testing.T) {
	op := ParseOperator("operator_bench_test.go:57: slots=16 latency p50=7.45s p95=8.48s (n=96) | throughput 2.03 transfers/s (128 in a backlog) | gas per L2 transfer 11374 (batch median 181976) vs bank send 65597: 5.8x cheaper | last prove 6.90s\n" +
		"slots=16 latency p50=1.00s p95=1.00s (n=1) | throughput 9.00 transfers/s (1 in a backlog) | gas per L2 transfer 1 (batch median 1) vs bank send 1: 1x cheaper\n")
	require.Len(t, op, 1, "a repeated size keeps its first line")
	require.Equal(t, OperatorResult{Slots: 16, P50: 7.45, P95: 8.48, LatencyN: 96, TPS: 2.03, Backlog: 128, GasPerTx: 11374, BatchGas: 181976, BankSend: 65597}, op[0])

	op = ParseOperator("slots=4 latency p50=3.10s p95=4.20s (n=24) | throughput 1.50 transfers/s (256 in a backlog) | gas per L2 transfer 20000 (batch median 80000) vs bank send 65597: 3.3x cheaper | last prove 2.00s | backlog final in 170.7s\n" +
		"slots=16 latency p50=1.00s p95=1.00s (n=1) | throughput 9.00 transfers/s (1 in a backlog) | gas per L2 transfer 1 (batch median 1) vs bank send 1: 1x cheaper\nbacklog final in 99.0s\n")
	require.Len(t, op, 2)
	require.InDelta(t, 170.7, op[0].BacklogSeconds, 1e-9, "the backlog's time, when the line has it")
	require.Zero(t, op[1].BacklogSeconds, "another line's backlog time is not this one's")

	routingOut := "| messages N | batch gas | gas per message | N bank sends (gas) | ratio |\n|---|---|---|---|---|\n" +
		"| 1 | 195706 | 195706 | 66704 | 2.93 |\n| 16 | 903337 | 56458 | 1067264 | 0.85 |\n" +
		"\none bank send: 66704 gas; latency from source batch to destination inbox: 0 extra blocks\n"
	r := ParseRouting(routingOut + "--- PASS: TestReport_RoutingGas (9.1s)\n")
	require.Equal(t, RoutingResult{Messages: 16, BatchGas: 903337, GasPerMessage: 56458, BankSends: 1067264, LatencyBlocks: 0, OK: true}, r)
	require.False(t, ParseRouting(routingOut+"--- FAIL: TestReport_RoutingGas\n").OK, "a failed test's latency is not reported")
}

func TestReplaceSection_KeepsTheRestOfTheDocument(t *testing.T) {
	section := BeginMarker + "\nnew\n" + EndMarker + "\n"
	cases := []struct {
		name, doc, want string
		err             bool
	}{
		{"replaces the marked section", "# P\n\nintro\n\n" + BeginMarker + "\nold\n" + EndMarker + "\n\n## Other\nkept\n",
			"# P\n\nintro\n\n" + section + "\n## Other\nkept\n", false},
		{"inserts before the first section", "# P\n\nintro\n\n## Other\nkept\n", "# P\n\nintro\n\n" + section + "\n## Other\nkept\n", false},
		{"one marker only is an error", "# P\n" + BeginMarker + "\n", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReplaceSection(tc.doc, section)
			if tc.err {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestRender_MarksRowsOfMissingOrFailedSteps(t *testing.T) {
	dir := t.TempDir()
	steps := Steps(Options{Count: 5, ProveDepth: 24, OperatorSlots: 4, Backlog: 256, ScaleDepth: 8, ScaleSlots: 16, ScaleJobs: 8, Bin: "/bin/nativechaind"})
	require.NoError(t, os.WriteFile(filepath.Join(dir, "keeper.txt"), []byte(keeperOut), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "keeper.status"), []byte("wall_seconds=12 status=ok\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "verifier.txt"), []byte("FAIL\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "verifier.status"), []byte("wall_seconds=3 status=failed: exit status 1\n"), 0o644))
	res, err := Load(dir, steps)
	require.NoError(t, err)

	out := Render(res)
	require.True(t, strings.HasPrefix(out, BeginMarker) && strings.HasSuffix(out, EndMarker+"\n"))
	byStep := map[string][]Row{}
	for _, row := range res.Rows() {
		byStep[row.Step] = append(byStep[row.Step], row)
	}
	require.Equal(t, "2.00 ms", byStep["keeper"][0].Ours)
	require.Equal(t, "2.50×", byStep["keeper"][0].Ratio)
	require.Equal(t, "step failed", byStep["verifier"][0].Ours)
	require.Equal(t, "not run", byStep["capacity"][0].Ours)
	require.Contains(t, out, "| keeper | 12s | — | ok |", "the step's wall time and status")
	require.Contains(t, out, "| verifier | 3s | — | failed: exit status 1 |")
	require.NotContains(t, out, "'^$' -bench 'SubmitBatch_(Handler|", "pipes in commands are escaped for the table")
}

func TestRender_IncludesTheGasTable(t *testing.T) {
	dir := t.TempDir()
	steps := Steps(Options{Count: 5, ProveDepth: 24, OperatorSlots: 4, Backlog: 256, ScaleDepth: 8, ScaleSlots: 16, ScaleJobs: 8, Bin: "/bin/nativechaind"})
	out := "=== RUN   TestGasTable\n| phase | component |\nBENCHROW gastable transfers=64 batch_gas=200691 gas_per_transfer=3136 bank_send=65562 ratio=0.0478\n" +
		"BENCHROW gastable_routed batch_gas=249180 marginal_gas=63069 bank_send=65562 ratio=0.9620\n--- PASS: TestGasTable (43.17s)\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gastable.txt"), []byte(out), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gastable.status"), []byte("wall_seconds=44 status=ok\n"), 0o644))
	require.NoError(t, os.WriteFile(FragmentPath(dir, "gastable"), []byte("| phase | component |\n|---|---|\n"), 0o644))
	res, err := Load(dir, steps)
	require.NoError(t, err)

	var rows []Row
	for _, row := range res.Rows() {
		if row.Step == "gastable" {
			rows = append(rows, row)
		}
	}
	require.Len(t, rows, 2)
	require.Equal(t, Row{Metric: rows[0].Metric, Ours: "3,136", Reference: "65,562", Ratio: "0.0478", How: rows[0].How, Step: "gastable"}, rows[0])
	require.Equal(t, "63,069", rows[1].Ours)
	rendered := Render(res)
	require.Contains(t, rendered, "### Where the gas of a batch goes\n\nReproduce: `go test -run '^TestGasTable$' -count 1 -v ./app/`.\n\n| phase | component |\n|---|---|\n"+EndMarker)
	require.Contains(t, ResultLines(res), "BENCHROW gastable_routed", "the figures are kept in bench/latest.txt")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "gastable.status"), []byte("wall_seconds=44 status=failed: exit status 1\n"), 0o644))
	res, err = Load(dir, steps)
	require.NoError(t, err)
	require.Contains(t, Render(res), "Step `gastable` failed", "a failed run's table is not shown")
}

func TestRows_BatchVerificationWithBareFloorAndEightKeys(t *testing.T) {
	dir := t.TempDir()
	out := "BenchmarkBatchVerify/64-2 	 100	 12000000 ns/op\n" +
		"BenchmarkVerifyOneByOne/64-2 	 20	 48000000 ns/op\n" +
		"BenchmarkMultiPairingBare/64-2 	 100	 10000000 ns/op\n" +
		"BenchmarkBatchVerify8Keys/64-2 	 100	 16000000 ns/op\n" +
		"BenchmarkVerifyOneByOne8Keys/64-2 	 20	 48000000 ns/op\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "verifier.txt"), []byte(out), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "verifier.status"), []byte("wall_seconds=3 status=ok\n"), 0o644))
	res, err := Load(dir, Steps(Options{Count: 5, ProveDepth: 24, OperatorSlots: 4, Backlog: 256, ScaleDepth: 8, ScaleSlots: 16, ScaleJobs: 8, Bin: "/bin/nativechaind"}))
	require.NoError(t, err)

	rows := map[string]Row{}
	for _, row := range res.Rows() {
		rows[row.Metric] = row
	}
	one := rows["block batch verification of 64 proofs (one multi-pairing) vs one by one"]
	require.Equal(t, "**4.00× faster**", one.Ratio)
	require.Contains(t, one.How, "bare multi-pairing of the same proofs takes 10.00 ms (4.80× faster than one by one)")
	eight := rows["block batch verification of 64 proofs over 8 verifying keys (one multi-pairing) vs one by one"]
	require.Equal(t, "16.00 ms", eight.Ours)
	require.Equal(t, "**3.00× faster**", eight.Ratio)
	require.Equal(t, "not in output", rows["block batch verification of 16 proofs (one multi-pairing) vs one by one"].Ours)
}

func TestRows_ProvingPathFleetScalingAndLoad(t *testing.T) {
	dir := t.TempDir()
	prove := "    prove_bench_test.go:190: compile and setup: 2m3s (payments, 456592 constraints)\n" +
		"BenchmarkProvingPathVsBareProve/depth=24,slots=16-2 	       1	40000000000 ns/op	         2.000 bare-s/op	         0.100 build-s/op	         0.010 check-s/op	    456592 constraints	    524288 domain	         2.500 ours-s/op	         0.8000 rate-ratio	         4.000 ours-cpu-s/op	         3.600 bare-cpu-s/op	         6.400 transfers/s	         0.200 witness-s/op	         2.190 worker-s/op\n" +
		"BenchmarkProvingPathVsBareProve/depth=8,slots=4-2 	       1	1000000000 ns/op	         0.450 bare-s/op	         0.500 ours-s/op	        8.000 transfers/s	     50000 constraints	     65536 domain\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "provepath.txt"), []byte(prove), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "provepath.status"), []byte("wall_seconds=600 load_start=1.50,1.20,1.00 load_end=2.10,1.80,1.10 status=ok\n"), 0o644))
	scaling := "    scaling_bench_test.go:250: BENCHROW fleetscaling depth=8 slots=16 jobs=8 one_s=80.00 two_s=42.10 speedup=1.900 n=1\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fleetscaling.txt"), []byte(scaling), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "fleetscaling.status"), []byte("wall_seconds=200 status=ok\n"), 0o644))
	operatorOut := "slots=4 latency p50=3.10s p95=4.20s (n=24) | throughput 6.00 transfers/s (256 in a backlog) | gas per L2 transfer 20000 (batch median 80000) vs bank send 65597: 3.3x cheaper | last prove 2.00s | backlog final in 42.7s\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "operator.txt"), []byte(operatorOut), 0o644))
	res, err := Load(dir, Steps(Options{Count: 5, ProveDepth: 24, OperatorSlots: 4, Backlog: 256, ScaleDepth: 8, ScaleSlots: 16, ScaleJobs: 8, Bin: "/bin/nativechaind"}))
	require.NoError(t, err)
	require.Equal(t, "1.50 1.20 1.00", res.Steps["provepath"].LoadStart)
	require.Equal(t, "2.10 1.80 1.10", res.Steps["provepath"].LoadEnd)

	shapes := ProvePathShapes(res.Steps["provepath"].Bench)
	require.Len(t, shapes, 2)
	require.Equal(t, ProvePathShape{Depth: 24, Slots: 16, Ours: 2.5, Bare: 2, RateRatio: 0.8, OursCPU: 4, BareCPU: 3.6, Build: 0.1, Witness: 0.2, Worker: 2.19, Check: 0.01,
		TPS: 6.4, Constraints: 456592, Domain: 524288, N: 1}, shapes[0], "the deepest shape first; the ratio is bare over ours")
	require.Equal(t, 8, shapes[1].Depth)

	rows := map[string][]Row{}
	for _, row := range res.Rows() {
		rows[row.Step] = append(rows[row.Step], row)
	}
	require.Len(t, rows["provepath"], 4, "two rows per shape")
	require.Equal(t, "2.50 s", rows["provepath"][0].Ours)
	require.Equal(t, "2.00 s", rows["provepath"][0].Reference)
	require.Equal(t, "**0.80** of gnark's rate (goal ≥ 0.9)", rows["provepath"][0].Ratio)
	require.Contains(t, rows["provepath"][0].How, "456,592 constraints (FFT domain 524,288, 87% full)")
	require.Contains(t, rows["provepath"][0].How, "4.00 s vs 3.60 s: **0.90**", "the CPU-time ratio")
	require.NotContains(t, rows["provepath"][2].How, "CPU time", "no CPU figures, no CPU ratio")
	require.Equal(t, "**6.40**/s", rows["provepath"][1].Ours)

	require.Len(t, rows["fleetscaling"], 1)
	require.Equal(t, "42.1 s", rows["fleetscaling"][0].Ours)
	require.Equal(t, "**1.90× faster** (goal ≥ 1.8)", rows["fleetscaling"][0].Ratio)

	require.Equal(t, "**6.00**/s", rows["operator"][0].Ours)
	require.Equal(t, "8.00/s (prover alone)", rows["operator"][0].Reference, "end to end against the prover alone on the devnet's shape")
	require.Equal(t, "**0.75** (goal ≥ 0.85)", rows["operator"][0].Ratio)
	require.Equal(t, "**42.7 s**", rows["operator"][1].Ours)
	require.Contains(t, rows["operator"][1].Metric, "a backlog of 256 transfers")

	out := Render(res)
	require.Contains(t, out, "| 1.50 1.20 1.00 → 2.10 1.80 1.10 | `go test -run '^$' -bench '^BenchmarkProvingPathVsBareProve$' -benchtime 1x -v ./prover/fleet/ -fleet.shapes=24x16,8x4` |",
		"every row carries its step's load")
	require.Contains(t, out, "| provepath | 10m0s | 1.50 1.20 1.00 → 2.10 1.80 1.10 | ok |")
	require.Contains(t, out, "| fleetscaling | 3m20s | — | ok |", "a status without load (an older run) renders")

	o := Options{ProveDepth: 8, ProveSlots: 4, OperatorSlots: 4}
	require.Equal(t, "8x4", o.proveShapes(), "the devnet's shape once")
	o.ProveDepth, o.ProveSlots = 24, 0
	require.Equal(t, "24x16,8x4", o.proveShapes())
}
