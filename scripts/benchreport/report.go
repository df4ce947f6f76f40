package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Markers delimit the generated section of docs/PERFORMANCE.md.
const (
	BeginMarker = "<!-- bench-report:begin -->"
	EndMarker   = "<!-- bench-report:end -->"
)

// Published per-transfer data-availability figures of other rollups.
const (
	// zkSync Lite protocol spec (matter-labs/zksync docs/protocol.md,
	// "2. Transfer"): 2 chunks of 10 bytes, 20 significant bytes.
	zkSyncLiteTransferBytes = 20
	// Loopring 3.6 (Loopring/protocols, packages/loopring_v3,
	// ExchangeData.sol): TX_DATA_AVAILABILITY_SIZE = 68 for every
	// transaction.
	loopringTxBytes = 68
)

// Results is everything one run left behind.
type Results struct {
	Info    RunInfo
	HasInfo bool
	Steps   map[string]*StepOutput
}

// Row is one line of the generated table.
type Row struct {
	Metric, Ours, Reference, Ratio, How, Step string
}

// Rows builds the table, one row per metric; a metric whose step is
// missing or failed says so instead of a number.
func (r *Results) Rows() []Row {
	var rows []Row
	add := func(step string, row Row) {
		row.Step = step
		rows = append(rows, row)
	}
	// missing fills a row whose figures the step did not produce.
	missing := func(step string) string {
		s := r.Steps[step]
		switch {
		case s == nil || !s.Found:
			return "not run"
		case s.Status != "" && s.Status != "ok":
			return "step failed"
		default:
			return "not in output"
		}
	}

	// SubmitBatch vs raw gnark verify.
	k := r.Steps["keeper"]
	raw, rawN, rawOK := k.bench().Median("BenchmarkSubmitBatch_RawGnarkVerify", "ns/op")
	for _, h := range []struct{ name, metric string }{
		{"BenchmarkSubmitBatch_Handler", "`SubmitBatch` handler, 1 KiB of data (validation, DA and outbox hashing, verification never cached, state writes) vs raw gnark `groth16.Verify` of the same proof"},
		{"BenchmarkSubmitBatch_HandlerNoData", "`SubmitBatch` handler with no data (fixed overhead) vs raw gnark verify"},
		{"BenchmarkSubmitBatch_HandlerAfterProposal", "`SubmitBatch` handler in `FinalizeBlock` after `ProcessProposal` verified the block (statement and DA hash cached) vs raw gnark verify"},
	} {
		v, n, ok := k.bench().Median(h.name, "ns/op")
		if !ok || !rawOK {
			add("keeper", Row{Metric: h.metric, Ours: missing("keeper")})
			continue
		}
		add("keeper", Row{Metric: h.metric, Ours: dur(v), Reference: dur(raw), Ratio: fmt.Sprintf("%.2f×", v/raw),
			How: fmt.Sprintf("median of %d / %d runs (`%s` vs `SubmitBatch_RawGnarkVerify`), test circuit, keeper on an in-memory store", n, rawN, strings.TrimPrefix(h.name, "Benchmark"))})
	}

	// Block batch verification vs one by one, with the bare multi-pairing
	// of the same proofs (no weights, inputs or checks) as the floor.
	v := r.Steps["verifier"]
	for _, n := range []int{16, 64, 256} {
		metric := fmt.Sprintf("block batch verification of %d proofs (one multi-pairing) vs one by one", n)
		batch, bn, ok1 := v.bench().Median(fmt.Sprintf("BenchmarkBatchVerify/%d", n), "ns/op")
		one, on, ok2 := v.bench().Median(fmt.Sprintf("BenchmarkVerifyOneByOne/%d", n), "ns/op")
		if !ok1 || !ok2 {
			add("verifier", Row{Metric: metric, Ours: missing("verifier")})
			continue
		}
		how := fmt.Sprintf("median of %d / %d runs, %d distinct proofs under one verifying key (test circuit, 1 public input)", bn, on, n)
		if bare, _, ok := v.bench().Median(fmt.Sprintf("BenchmarkMultiPairingBare/%d", n), "ns/op"); ok {
			how += fmt.Sprintf("; the bare multi-pairing of the same proofs takes %s (%.2f× faster than one by one)", dur(bare), one/bare)
		}
		add("verifier", Row{Metric: metric, Ours: dur(batch), Reference: dur(one), Ratio: fmt.Sprintf("**%.2f× faster**", one/batch), How: how})
	}
	metric := "block batch verification of 64 proofs over 8 verifying keys (one multi-pairing) vs one by one"
	batch, bn, ok1 := v.bench().Median("BenchmarkBatchVerify8Keys/64", "ns/op")
	one, on, ok2 := v.bench().Median("BenchmarkVerifyOneByOne8Keys/64", "ns/op")
	if ok1 && ok2 {
		add("verifier", Row{Metric: metric, Ours: dur(batch), Reference: dur(one), Ratio: fmt.Sprintf("**%.2f× faster**", one/batch),
			How: fmt.Sprintf("median of %d / %d runs, 8 proofs under each of 8 distinct keys (test circuit, 1 public input): the per-key pairings and MSM are paid 8 times", bn, on)})
	} else {
		add("verifier", Row{Metric: metric, Ours: missing("verifier")})
	}

	// Constraints per transfer.
	c := r.Steps["circuit"]
	ours, _, ok1 := c.bench().Median("BenchmarkConstraintsPerTransfer", "ours/transfer")
	theirs, _, ok2 := c.bench().Median("BenchmarkConstraintsPerTransfer", "gnark-rollup/transfer")
	marginal, _, _ := c.bench().Median("BenchmarkConstraintsPerTransfer", "ours-marginal/slot")
	metric = "R1CS constraints per transfer, depth 24 (ours: a 16-slot batch / 16) vs gnark `examples/rollup` (one transfer)"
	if ok1 && ok2 {
		add("circuit", Row{Metric: metric, Ours: num(ours), Reference: num(theirs), Ratio: fmt.Sprintf("%.3f", ours/theirs),
			How: fmt.Sprintf("both circuits compiled in the same run; batch overhead included (marginal slot: %s)", num(marginal))})
	} else {
		add("circuit", Row{Metric: metric, Ours: missing("circuit")})
	}

	// Our proving path vs gnark's bare prove, and the prover's rate.
	pp := r.Steps["provepath"]
	shapes := ProvePathShapes(pp.bench())
	if len(shapes) == 0 {
		add("provepath", Row{Metric: "our proving path (witness from native state, solve, Groth16 prove, checks) vs gnark's bare `groth16.Prove`, same constraint count", Ours: missing("provepath")})
		add("provepath", Row{Metric: "proved transfers per second, prover alone", Ours: missing("provepath")})
	}
	for _, sh := range shapes {
		shape := fmt.Sprintf("depth %d, %d slots", sh.Depth, sh.Slots)
		cpu := ""
		if sh.OursCPU > 0 && sh.BareCPU > 0 {
			cpu = fmt.Sprintf("; in CPU time (this process, GC included, steadier under load) %.2f s vs %.2f s: **%.2f**", sh.OursCPU, sh.BareCPU, sh.BareCPU/sh.OursCPU)
		}
		add("provepath", Row{Metric: "our proving path (witness from native state, solve, Groth16 prove, checks) vs gnark's bare `groth16.Prove` of a chain circuit with the same constraint count, keys loaded (" + shape + ")",
			Ours: fmt.Sprintf("%.2f s", sh.Ours), Reference: fmt.Sprintf("%.2f s", sh.Bare), Ratio: fmt.Sprintf("**%.2f** of gnark's rate (goal ≥ 0.9)", sh.RateRatio),
			How: fmt.Sprintf("wall time, one run, the two alternating%s; %s constraints (FFT domain %s, %.0f%% full); ours: build %.3f s, witness %.3f s, worker (decode, solve, prove, self-check) %.2f s, operator's check %.3f s; %d round(s)",
				cpu, num(sh.Constraints), num(sh.Domain), 100*sh.Constraints/sh.Domain, sh.Build, sh.Witness, sh.Worker, sh.Check, sh.N)})
		add("provepath", Row{Metric: "proved transfers per second, prover alone (our whole path, " + shape + ", both cores)",
			Ours: fmt.Sprintf("**%.2f**/s", sh.TPS), Reference: "—", Ratio: "—",
			How: fmt.Sprintf("%d transfers per proof / our path's time above", sh.Slots)})
	}

	r.exchangeRows(add, missing, shapes)
	r.locRows(add, missing)
	r.newRollupRows(add)

	// Fleet scaling: two worker processes vs one, GOMAXPROCS=1 each.
	fs := r.Steps["fleetscaling"]
	metric = "fleet scaling: the same backlog proven by 2 worker processes vs 1, each at GOMAXPROCS=1, embedded NATS JetStream"
	var scale *Benchrow
	if fs != nil {
		for i := range fs.Rows {
			if fs.Rows[i].Kind == "fleetscaling" {
				scale = &fs.Rows[i]
			}
		}
	}
	if scale != nil {
		f := scale.Fields
		one, _ := strconv.ParseFloat(f["one_s"], 64)
		two, _ := strconv.ParseFloat(f["two_s"], 64)
		add("fleetscaling", Row{Metric: metric, Ours: fmt.Sprintf("%.1f s", two), Reference: fmt.Sprintf("%.1f s (1 worker)", one),
			Ratio: fmt.Sprintf("**%.2f× faster** (goal ≥ 1.8)", one/two),
			How:   fmt.Sprintf("%s payments batches (depth %s, %s slots) built natively, published at once through the operator side (`fleet.Prover`, every proof checked); workers are separate processes (the test binary as `operator prover`), timed from all ready to the last proof", f["jobs"], f["depth"], f["slots"])})
	} else {
		add("fleetscaling", Row{Metric: metric, Ours: missing("fleetscaling")})
	}

	// Operator: throughput, latency, gas.
	o := r.Steps["operator"]
	var op *OperatorResult
	if o != nil && o.Found {
		if all := ParseOperator(o.Text); len(all) > 0 {
			op = &all[0]
		}
	}
	if op != nil {
		slots := fmt.Sprintf("devnet settings: %d-slot batches, depth %d, prover fleet on the embedded queue", op.Slots, DevnetDepth)
		tpsRow := Row{Metric: "sustained proved transfers per second end to end (operator daemon, " + slots + ") vs the prover alone on the same shape",
			Ours: fmt.Sprintf("**%.2f**/s", op.TPS), Reference: "—", Ratio: "—",
			How: fmt.Sprintf("a backlog of %d transfers posted to the operator API at once, until the last is verified on L1 (real binary, 1 s blocks)", op.Backlog)}
		for _, sh := range shapes {
			if sh.Depth == DevnetDepth && sh.Slots == op.Slots {
				tpsRow.Reference = fmt.Sprintf("%.2f/s (prover alone)", sh.TPS)
				tpsRow.Ratio = fmt.Sprintf("**%.2f** (goal ≥ 0.85)", op.TPS/sh.TPS)
				tpsRow.How += "; the prover alone is the `provepath` step's rate on the same shape"
			}
		}
		add("operator", tpsRow)
		if op.BacklogSeconds > 0 {
			add("operator", Row{Metric: fmt.Sprintf("a backlog of %d transfers through the devnet's rollup: time until all are final (%s)", op.Backlog, slots),
				Ours: fmt.Sprintf("**%.1f s**", op.BacklogSeconds), Reference: "—", Ratio: "—",
				How: "from the first transfer posted to the last one `verified` on L1; the API caps one account's pending transfers, so posting waits on `too_many_pending`"})
		} else {
			add("operator", Row{Metric: "a backlog of transfers through the devnet's rollup: time until all are final", Ours: "not in output"})
		}
		add("operator", Row{Metric: "L2 transfer accepted → batch verified on L1 (final), p50 / p95 (" + slots + ")",
			Ours: fmt.Sprintf("**%.2f s** / %.2f s", op.P50, op.P95), Reference: "1 s block time", Ratio: "—",
			How: fmt.Sprintf("%d transfers in rounds of one full batch; from the API's 202 to `verified` (proving + inclusion + 0.5 s watcher poll)", op.LatencyN)})
		add("operator", Row{Metric: "gas per L2 transfer (" + slots + ") vs one L1 `bank send`",
			Ours: num(op.GasPerTx), Reference: num(op.BankSend), Ratio: fmt.Sprintf("**%.1f× cheaper**", op.BankSend/op.GasPerTx),
			How: fmt.Sprintf("median `gas_used` of the full batches' submit-batch txs (%s) / %d; the bank send on the same chain", num(op.BatchGas), op.Slots)})
	} else {
		for _, m := range []string{"sustained proved transfers per second end to end (operator daemon)", "a backlog of transfers through the devnet's rollup: time until all are final", "L2 transfer → L1 finality latency", "gas per L2 transfer vs one L1 `bank send`"} {
			add("operator", Row{Metric: m, Ours: missing("operator")})
		}
	}

	// DA bytes per transfer.
	data, _, ok1 := c.bench().Median("BenchmarkDABytesPerTransfer/slots=16", "data-B/transfer")
	ref := fmt.Sprintf("zkSync Lite %d / Loopring %d", zkSyncLiteTransferBytes, loopringTxBytes)
	if ok1 {
		add("circuit", Row{Metric: "DA bytes per transfer: the batch data the chain hashes and stores", Ours: fmt.Sprintf("**%s B**", num(data)), Reference: ref + " B",
			Ratio: fmt.Sprintf("%.2f / %.2f", data/zkSyncLiteTransferBytes, data/loopringTxBytes),
			How:   "`len(Data)` of a real 16-slot payments batch of transfers / 16; references: zkSync Lite protocol spec (Transfer: 2 chunks, 20 bytes), Loopring 3.6 `TX_DATA_AVAILABILITY_SIZE = 68`"})
	} else {
		add("circuit", Row{Metric: "DA bytes per transfer", Ours: missing("circuit")})
	}
	for _, n := range []int{16, 64} {
		metric := fmt.Sprintf("posted bytes per transfer incl. the fixed per-batch part, %d-slot batch", n)
		msgB, _, ok1 := c.bench().Median(fmt.Sprintf("BenchmarkDABytesPerTransfer/slots=%d", n), "msg-B/transfer")
		over, _, _ := c.bench().Median(fmt.Sprintf("BenchmarkDABytesPerTransfer/slots=%d", n), "overhead-B/batch")
		proof, _, _ := c.bench().Median(fmt.Sprintf("BenchmarkDABytesPerTransfer/slots=%d", n), "proof-B")
		if !ok1 {
			add("circuit", Row{Metric: metric, Ours: missing("circuit")})
			continue
		}
		add("circuit", Row{Metric: metric, Ours: fmt.Sprintf("%.1f B", msgB), Reference: ref + " B",
			Ratio: fmt.Sprintf("%.2f / %.2f", msgB/zkSyncLiteTransferBytes, msgB/loopringTxBytes),
			How:   fmt.Sprintf("encoded `MsgSubmitBatch` / %d: data plus %s B per batch (new root, outbox with the fee withdrawal, ids, a %s B proof); the tx envelope (signature, fee) is not counted", n, num(over), num(proof))})
	}

	// Cross-rollup message latency.
	rt := r.Steps["routing"]
	var routing RoutingResult
	if rt != nil && rt.Found {
		routing = ParseRouting(rt.Text)
	}
	if routing.OK {
		add("routing", Row{Metric: "cross-rollup message latency: source batch → destination inbox", Ours: fmt.Sprintf("**%d extra blocks** (same block)", routing.LatencyBlocks),
			Reference: "—", Ratio: "—", How: "asserted on the real app: the routed inbox entry's height equals the source batch's block"})
		add("routing", Row{Metric: fmt.Sprintf("gas per routed message (%d in one batch, each with value) vs one L1 `bank send`", routing.Messages),
			Ours: num(routing.GasPerMessage), Reference: num(routing.BankSends / float64(routing.Messages)), Ratio: fmt.Sprintf("%.2f", routing.GasPerMessage/(routing.BankSends/float64(routing.Messages))),
			How: fmt.Sprintf("batch gas %s / %d from FinalizeBlock, same app", num(routing.BatchGas), routing.Messages)})
	} else {
		add("routing", Row{Metric: "cross-rollup message latency in blocks", Ours: missing("routing")})
	}

	// Gas per L2 transfer and per routed message, from the gas table.
	g := r.Steps["gastable"]
	var gasRows []Benchrow
	if g != nil && g.Status == "ok" {
		for _, row := range g.Rows {
			if row.Kind == "gastable" || row.Kind == "gastable_routed" {
				gasRows = append(gasRows, row)
			}
		}
	}
	if len(gasRows) == 0 {
		add("gastable", Row{Metric: "gas per L2 transfer and per routed message vs one L1 `bank send` (gas table)", Ours: missing("gastable")})
	}
	for _, row := range gasRows {
		f := row.Fields
		if row.Kind == "gastable_routed" {
			add("gastable", Row{Metric: "gas per routed cross-rollup message (marginal, in a batch of 4 transfers) vs one L1 `bank send`",
				Ours: numField(f["marginal_gas"]), Reference: numField(f["bank_send"]), Ratio: f["ratio"],
				How: "routed batch minus the same batch without the message, real app; see the gas table below"})
			continue
		}
		add("gastable", Row{Metric: fmt.Sprintf("gas per L2 transfer, payments batch of %s transfers, vs one L1 `bank send`", f["transfers"]),
			Ours: numField(f["gas_per_transfer"]), Reference: numField(f["bank_send"]), Ratio: f["ratio"],
			How: fmt.Sprintf("batch `GasUsed` %s / %s from `FinalizeBlock` on the real app, bank send on the same app; see the gas table below", numField(f["batch_gas"]), f["transfers"])})
	}

	// Capacity.
	cp := r.Steps["capacity"]
	var summary *Benchrow
	var stepsTxt []string
	if cp != nil {
		for i := range cp.Rows {
			row := cp.Rows[i]
			switch row.Kind {
			case "capacity":
				summary = &row
			case "capacity_step":
				stepsTxt = append(stepsTxt, fmt.Sprintf("K=%s: %s ms%s", row.Fields["k"], row.Fields["median_interval_ms"], passMark(row)))
			}
		}
	}
	metric = "most rollups each landing one batch in every block at 1 s blocks (`timeout_commit = 1s`, one validator, 2 cores)"
	if summary != nil {
		ref := "—"
		if f := summary.Fields["first_failing_k"]; f != "" && f != "0" {
			ref = "first failing K: " + f
		}
		add("capacity", Row{Metric: metric, Ours: fmt.Sprintf("**%s**", summary.Fields["max_k"]), Reference: ref, Ratio: "—",
			How: fmt.Sprintf("system test: K rollups (test circuit), batches proven beforehand, one batch per rollup broadcast after each commit; a step passes if every batch lands in the next block and the median block interval ≤ %s ms (empty chain: %s ms). Median intervals: %s",
				summary.Fields["criterion_ms"], summary.Fields["empty_median_interval_ms"], strings.Join(stepsTxt, ", "))})
	} else {
		add("capacity", Row{Metric: metric, Ours: missing("capacity")})
	}
	return rows
}

func passMark(r Benchrow) string {
	if r.Fields["pass"] == "true" {
		return ""
	}
	return fmt.Sprintf(" (fails: %s missed, %s refused)", r.Fields["missed"], r.Fields["refused"])
}

func (s *StepOutput) bench() BenchSet {
	if s == nil {
		return nil
	}
	return s.Bench
}

// Render is the generated section, markers included.
func Render(r *Results) string {
	var b strings.Builder
	b.WriteString(BeginMarker + "\n")
	b.WriteString("## Benchmark report (generated by `make bench`)\n\n")
	b.WriteString("Generated by `scripts/benchreport` from one run of `make bench`; do not edit by hand. Every figure in the table comes from that run; the raw `go test` output of each step stays in `build/bench/` (benchstat reads the benchmark files) and a copy of the result lines is in [bench/latest.txt](bench/latest.txt).\n\n")
	if r.HasInfo {
		i := r.Info
		commit := i.Commit
		if i.Dirty {
			commit += " plus uncommitted changes in the tree"
		}
		total := i.End.At.Sub(i.Start.At).Round(time.Second)
		fmt.Fprintf(&b, "| run | |\n|---|---|\n")
		fmt.Fprintf(&b, "| date | %s → %s (UTC) |\n", i.Start.At.Format("2006-01-02 15:04"), i.End.At.Format("15:04"))
		fmt.Fprintf(&b, "| commit | %s |\n", commit)
		fmt.Fprintf(&b, "| machine | %d cores (nproc), %s, %s |\n", i.NProc, i.CPU, i.GoVersion)
		fmt.Fprintf(&b, "| load average (1, 5, 15 min) | start %s; end %s |\n", i.Start.Load, i.End.Load)
		fmt.Fprintf(&b, "| total run time | %s (the measuring pass; `make build` before it not included) |\n", total)
		for _, re := range i.Reruns {
			fmt.Fprintf(&b, "| re-run after the pass | %s: %s → %s, %s; load average start %s, end %s |\n", re.Steps,
				re.Start.At.Format("15:04"), re.End.At.Format("15:04"), re.End.At.Sub(re.Start.At).Round(time.Second), re.Start.Load, re.End.Load)
		}
		b.WriteString("\n")
	} else {
		b.WriteString("No run information (`build/bench/run.json`): rendered from partial output.\n\n")
	}
	b.WriteString("| metric | ours | reference | ratio (ours / reference) | how measured | load average (1, 5, 15 min) at the step's start → end | reproduce |\n|---|---|---|---|---|---|---|\n")
	for _, row := range r.Rows() {
		cmd, load := "—", "—"
		if s := r.Steps[row.Step]; s != nil {
			cmd = "`" + s.Command + "`"
			if s.LoadStart != "" {
				load = s.LoadStart + " → " + s.LoadEnd
			}
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", row.Metric, orDash(row.Ours), orDash(row.Reference), orDash(row.Ratio), orDash(row.How), load, orDash(cmd))
	}
	b.WriteString("\nThe `reproduce` column is the exact command `make bench` ran for the row (from the repository root; `build/nativechaind` is what `make build` writes). The block-verification ratio is one by one over batched (a speed-up), and so is fleet scaling (one worker's time over two workers'); the proving-path ratios (payments and exchange) are gnark's bare time over ours (the share of gnark's proving rate our path keeps); the others are ours over the reference (lines of code: exchange over payments). The load column is the machine's load average when the row's step started and ended (2 cores: above 2 means others wanted the CPU too).\n\n")
	b.WriteString("| step | wall time | load average at start → end | status |\n|---|---|---|---|\n")
	for _, st := range Steps(Options{}) {
		s := r.Steps[st.Name]
		switch {
		case s == nil || !s.Found:
			fmt.Fprintf(&b, "| %s | — | — | not run |\n", st.Name)
		default:
			load := "—"
			if s.LoadStart != "" {
				load = s.LoadStart + " → " + s.LoadEnd
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", st.Name, time.Duration(s.Wall*float64(time.Second)), load, orDash(s.Status))
		}
	}
	b.WriteString("\n### Where the gas of a batch goes\n\n")
	switch g := r.Steps["gastable"]; {
	case g == nil || !g.Found:
		b.WriteString("Not run (step `gastable`).\n")
	case g.Status != "" && g.Status != "ok":
		b.WriteString("Step `gastable` failed: see `build/bench/gastable.txt`.\n")
	case g.Fragment == "":
		b.WriteString("Step `gastable` wrote no table.\n")
	default:
		fmt.Fprintf(&b, "Reproduce: `%s`.\n\n", g.Command)
		b.WriteString(strings.TrimRight(g.Fragment, "\n") + "\n")
	}
	b.WriteString(EndMarker + "\n")
	return b.String()
}

// numField formats a BENCHROW number, or leaves it as it is.
func numField(v string) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return v
	}
	return num(math.Round(f))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return strings.ReplaceAll(s, "|", "\\|")
}

// ReplaceSection puts section in place of the marked one, or, when the
// document has none yet, before its first second-level heading.
func ReplaceSection(doc, section string) (string, error) {
	b := strings.Index(doc, BeginMarker)
	e := strings.Index(doc, EndMarker)
	switch {
	case b >= 0 && e > b:
		end := e + len(EndMarker)
		if end < len(doc) && doc[end] == '\n' {
			end++
		}
		return doc[:b] + section + doc[end:], nil
	case b >= 0 || e >= 0:
		return "", fmt.Errorf("only one of the bench-report markers is in the document")
	}
	if i := strings.Index(doc, "\n## "); i >= 0 {
		return doc[:i+1] + section + "\n" + doc[i+1:], nil
	}
	return doc + "\n" + section, nil
}

// dur formats nanoseconds.
func dur(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	default:
		return fmt.Sprintf("%.0f µs", ns/1e3)
	}
}

// num formats a count with thousands separators.
func num(v float64) string {
	if v != math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	s := strconv.FormatInt(int64(v), 10)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}
