package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Issue 18's rows: the exchange rollup's constraints and proving, the
// rollups' lines of code, and a new rollup's time to its first batch.

// lastRow is the step's last BENCHROW of kind, or nil.
func (s *StepOutput) lastRow(kind string) *Benchrow {
	if s == nil {
		return nil
	}
	var found *Benchrow
	for i := range s.Rows {
		if s.Rows[i].Kind == kind {
			found = &s.Rows[i]
		}
	}
	return found
}

// float is a BENCHROW field as a number (0 when absent or not a number).
func (b *Benchrow) float(key string) float64 {
	v, _ := strconv.ParseFloat(b.Fields[key], 64)
	return v
}

func (r *Results) exchangeRows(add func(string, Row), missing func(string) string, payShapes []ProvePathShape) {
	ex := r.Steps["exchange"]
	metric := "R1CS constraints per swap of the exchange rollup (circuit `exchange`), depth 24 (a 16-slot batch / 16, every slot call-capable) vs payments per transfer (same depth and slots)"
	if c := ex.lastRow("exchange_constraints"); c != nil {
		add("exchange", Row{Metric: metric, Ours: num1(c.float("per_swap")), Reference: num1(c.float("per_transfer")), Ratio: fmt.Sprintf("%.3f", c.float("ratio")),
			How: fmt.Sprintf("both circuits compiled in the same run: exchange %s, payments %s constraints for %s slots; batch overhead included (exchange's marginal slot: %s)",
				num(c.float("exchange")), num(c.float("payments")), c.Fields["slots"], num1(c.float("marginal")))})
	} else {
		add("exchange", Row{Metric: metric, Ours: missing("exchange")})
	}

	p := ex.lastRow("exchange_prove")
	if p == nil {
		add("exchange", Row{Metric: "exchange proving path (batch from native state, witness, Groth16 prove, self-verify) vs gnark's bare `groth16.Prove`, same constraint count", Ours: missing("exchange")})
		add("exchange", Row{Metric: "proved swaps per second, exchange prover alone", Ours: missing("exchange")})
		return
	}
	shape := fmt.Sprintf("depth %s, %s slots", p.Fields["depth"], p.Fields["slots"])
	cpu := ""
	if oc, bc := p.float("ours_cpu_s"), p.float("bare_cpu_s"); oc > 0 && bc > 0 {
		cpu = fmt.Sprintf("; in CPU time (this process, GC included, steadier under load) %.2f s vs %.2f s: **%.2f**", oc, bc, bc/oc)
	}
	nb, domain := p.float("constraints"), p.float("domain")
	wires := ""
	if w, bw := p.float("wires"), p.float("bare_wires"); w > 0 && bw > 0 {
		wires = fmt.Sprintf(", %s wires vs the chain's %s", num(w), num(bw))
	}
	full := 0.0
	if domain > 0 {
		full = 100 * nb / domain
	}
	add("exchange", Row{Metric: "exchange proving path (batch and witness from native state, solve, Groth16 prove, self-verify) vs gnark's bare `groth16.Prove` of a chain circuit with the same constraint count, keys loaded (" + shape + ")",
		Ours: fmt.Sprintf("%.2f s", p.float("ours_s")), Reference: fmt.Sprintf("%.2f s", p.float("bare_s")), Ratio: fmt.Sprintf("**%.2f** of gnark's rate", p.float("ratio")),
		How: fmt.Sprintf("wall time, %s round(s), the two alternating%s; %s constraints (FFT domain %s, %.0f%% full%s); ours: build %.3f s, `Prover.Prove` %.2f s; not timed: compile and setup %.0f s (exchange), %.0f s (chain); the reference is the chain circuit of the `provepath` step (full-width witness values, so a circuit with many bit wires can prove faster than it)",
			p.Fields["n"], cpu, num(nb), num(domain), full, wires, p.float("build_s"), p.float("prove_s"), p.float("setup_s"), p.float("chain_setup_s"))})
	how := fmt.Sprintf("%s swaps per proof / our path's wall time above", p.Fields["slots"])
	if oc := p.float("ours_cpu_s"); oc > 0 {
		how += fmt.Sprintf("; per CPU second of this process (less sensitive to the load): %.2f swaps", p.float("slots")/oc)
	}
	for _, sh := range payShapes { // deepest, largest first
		if sh.TPS > 0 {
			how += fmt.Sprintf("; payments, `provepath` step, depth %d × %d slots: %.2f transfers/s", sh.Depth, sh.Slots, sh.TPS)
			break
		}
	}
	add("exchange", Row{Metric: "proved swaps per second, exchange prover alone (" + shape + ", both cores)",
		Ours: fmt.Sprintf("**%.2f**/s", p.float("swaps_per_s")), Reference: "—", Ratio: "—", How: how})
}

func (r *Results) locRows(add func(string, Row), missing func(string) string) {
	l := r.Steps["loc"]
	ex, core, pay := l.locSet("exchange"), l.locSet("exchange_core"), l.locSet("payments")
	const counted = "non-test Go files, non-blank non-comment lines (a line counts if it carries a Go token other than a comment; `CountLOC` in scripts/benchreport), counted in the tree when the step ran"
	metric := "lines of Go of the exchange rollup outside the SDK (`prover/exchange`) vs what the payments rollup shrank to (`prover/payments`)"
	if ex == nil || pay == nil {
		add("loc", Row{Metric: metric, Ours: missing("loc")})
		return
	}
	add("loc", Row{Metric: metric, Ours: "**" + num(ex.float("lines")) + "**", Reference: num(pay.float("lines")), Ratio: fmt.Sprintf("%.2f", ex.float("lines")/pay.float("lines")),
		How: fmt.Sprintf("%s; %s files in `prover/exchange`, %s in `prover/payments`", counted, ex.Fields["files"], pay.Fields["files"])})
	if core != nil {
		add("loc", Row{Metric: "of which the exchange rollup's circuit, state and transaction files", Ours: num(core.float("lines")), Reference: num(ex.float("lines")) + " (all of `prover/exchange`)",
			Ratio: fmt.Sprintf("%.2f", core.float("lines")/ex.float("lines")),
			How:   fmt.Sprintf("same count over %s (%s)", "`"+strings.Join(exchangeCoreFiles, "`, `")+"`", strings.ReplaceAll(core.Fields["names"], ",", ", "))})
	}
}

// locSet is the loc step's row for set, or nil.
func (s *StepOutput) locSet(set string) *Benchrow {
	if s == nil || (s.Status != "" && s.Status != "ok") {
		return nil
	}
	for i := range s.Rows {
		if s.Rows[i].Kind == "loc" && s.Rows[i].Fields["set"] == set {
			return &s.Rows[i]
		}
	}
	return nil
}

// newRollupRows renders a `BENCHROW newrollup seconds=S [rollup=ID]
// [kind=K] [batches=N]` line, from whichever step printed it (the time
// from `operator init` to the new rollup's first verified batch on a
// running devnet); no such line, no row.
func (r *Results) newRollupRows(add func(string, Row)) {
	for _, st := range Steps(Options{}) {
		s := r.Steps[st.Name]
		row := s.lastRow("newrollup")
		if row == nil || (s.Status != "" && s.Status != "ok") {
			continue
		}
		var what []string
		for _, k := range []string{"rollup", "kind"} {
			if v := row.Fields[k]; v != "" {
				what = append(what, k+" "+v)
			}
		}
		how := "from `operator init` of a new rollup on a running devnet to its first batch `verified` on L1"
		if len(what) > 0 {
			how += " (" + strings.Join(what, ", ") + ")"
		}
		add(st.Name, Row{Metric: "time from `operator init` to the first verified batch of a new rollup on a running devnet",
			Ours: fmt.Sprintf("**%.1f s**", row.float("seconds")), Reference: "—", Ratio: "—", How: how})
	}
}

// num1 formats a non-negative value with one decimal and thousands
// separators.
func num1(v float64) string {
	tenths := int64(math.Round(v * 10))
	return fmt.Sprintf("%s.%d", num(float64(tenths/10)), tenths%10)
}
