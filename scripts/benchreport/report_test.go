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
	steps := Steps(5, 24, 16, "/bin/nativechaind")
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
	require.Contains(t, out, "| keeper | 12s | ok |", "the step's wall time and status")
	require.Contains(t, out, "| verifier | 3s | failed: exit status 1 |")
	require.NotContains(t, out, "'^$' -bench 'SubmitBatch_(Handler|", "pipes in commands are escaped for the table")
}

func TestRender_IncludesTheGasTable(t *testing.T) {
	dir := t.TempDir()
	steps := Steps(5, 24, 16, "/bin/nativechaind")
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
	res, err := Load(dir, Steps(5, 24, 16, "/bin/nativechaind"))
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
