package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// metricsSample is what one read of an operator's /metrics holds that the
// fleet panel shows.
type metricsSample struct {
	At time.Time
	// Gauges and counters without labels, by name.
	Values map[string]float64
	// Per fleet worker: proofs made, mean seconds per proof, busy.
	Workers map[string]workerSample
}

type workerSample struct {
	Proofs, MeanSeconds float64
	Busy                bool
}

// The series the panel reads (prover/operator/metrics.go,
// prover/fleet/metrics.go).
const (
	metricQueueDepth    = "operator_fleet_queue_depth"
	metricWorkers       = "operator_fleet_workers"
	metricRedeliveries  = "operator_fleet_redeliveries_total"
	metricRefused       = "operator_fleet_refused_results_total"
	metricWorkerProofs  = "operator_fleet_worker_proofs_total"
	metricWorkerMean    = "operator_fleet_worker_mean_seconds"
	metricWorkerBusy    = "operator_fleet_worker_busy"
	metricJobsInFlight  = "operator_proving_jobs_in_flight"
	metricTxsProven     = "operator_txs_proven_total"
	metricBatchesProven = "operator_batches_proven_total"
	metricBatchesVerif  = "operator_batches_verified_total"
	metricInboxPending  = "operator_inbox_pending"
	metricLagBlocks     = "operator_lag_blocks"
	metricHalted        = "operator_halted"
)

// parseMetrics reads the Prometheus text exposition format.
func parseMetrics(r io.Reader, at time.Time) (metricsSample, error) {
	p := expfmt.NewTextParser(model.UTF8Validation)
	families, err := p.TextToMetricFamilies(r)
	if err != nil {
		return metricsSample{}, fmt.Errorf("parse metrics: %w", err)
	}
	s := metricsSample{At: at, Values: map[string]float64{}, Workers: map[string]workerSample{}}
	for name, f := range families {
		for _, m := range f.GetMetric() {
			v, ok := metricValue(f.GetType(), m)
			if !ok {
				continue
			}
			worker := label(m, "worker")
			if worker == "" {
				if len(m.GetLabel()) == 0 {
					s.Values[name] = v
				}
				continue
			}
			w := s.Workers[worker]
			switch name {
			case metricWorkerProofs:
				w.Proofs = v
			case metricWorkerMean:
				w.MeanSeconds = v
			case metricWorkerBusy:
				w.Busy = v != 0
			default:
				continue
			}
			s.Workers[worker] = w
		}
	}
	return s, nil
}

func metricValue(t dto.MetricType, m *dto.Metric) (float64, bool) {
	switch t {
	case dto.MetricType_COUNTER:
		return m.GetCounter().GetValue(), true
	case dto.MetricType_GAUGE:
		return m.GetGauge().GetValue(), true
	case dto.MetricType_UNTYPED:
		return m.GetUntyped().GetValue(), true
	}
	return 0, false
}

func label(m *dto.Metric, name string) string {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue()
		}
	}
	return ""
}

// OperatorFleet is one operator in /fleet.json.
type OperatorFleet struct {
	Index int    `json:"index"`
	URL   string `json:"url"`
	// Reachable is false when /metrics could not be read; Error says why.
	Reachable bool   `json:"reachable"`
	Error     string `json:"error,omitempty"`
	// From /v1/status (empty when it could not be read).
	RollupID string `json:"rollup_id,omitempty"`
	Role     string `json:"role,omitempty"`
	Prover   string `json:"prover,omitempty"`
	Halted   string `json:"halted,omitempty"`
	// Fleet is true when the operator proves through a fleet (its /metrics
	// has the operator_fleet_* series); QueueDepth is -1 when unknown.
	Fleet        bool    `json:"fleet"`
	QueueDepth   float64 `json:"queue_depth"`
	Workers      float64 `json:"workers"`
	JobsInFlight float64 `json:"jobs_in_flight"`
	Redeliveries float64 `json:"redeliveries"`
	Refused      float64 `json:"refused_results"`
	InboxPending float64 `json:"inbox_pending"`
	LagBlocks    float64 `json:"lag_blocks"`
	// Rates over the reads of the last minute (absent on the first read
	// and after a counter reset).
	TxsProvenPerSec       *float64      `json:"txs_proven_per_sec,omitempty"`
	BatchesProvenPerMin   *float64      `json:"batches_proven_per_min,omitempty"`
	BatchesVerifiedPerMin *float64      `json:"batches_verified_per_min,omitempty"`
	TxsProvenTotal        float64       `json:"txs_proven_total"`
	BatchesProvenTotal    float64       `json:"batches_proven_total"`
	WorkerList            []WorkerFleet `json:"worker_list"`
	SampledAt             time.Time     `json:"sampled_at"`
}

// WorkerFleet is one fleet worker.
type WorkerFleet struct {
	Name         string   `json:"name"`
	Proofs       float64  `json:"proofs"`
	MeanSeconds  float64  `json:"mean_seconds"`
	Busy         bool     `json:"busy"`
	ProofsPerMin *float64 `json:"proofs_per_min,omitempty"`
}

// summarize turns the current sample (and the previous one, for rates)
// into the panel's view.
func summarize(prev *metricsSample, cur metricsSample) OperatorFleet {
	v := cur.Values
	_, fleet := v[metricQueueDepth]
	o := OperatorFleet{
		Reachable:          true,
		Fleet:              fleet,
		QueueDepth:         -1,
		Workers:            v[metricWorkers],
		JobsInFlight:       v[metricJobsInFlight],
		Redeliveries:       v[metricRedeliveries],
		Refused:            v[metricRefused],
		InboxPending:       v[metricInboxPending],
		LagBlocks:          v[metricLagBlocks],
		TxsProvenTotal:     v[metricTxsProven],
		BatchesProvenTotal: v[metricBatchesProven],
		WorkerList:         []WorkerFleet{},
		SampledAt:          cur.At,
	}
	if fleet {
		o.QueueDepth = v[metricQueueDepth]
	}
	var dt float64
	if prev != nil {
		dt = cur.At.Sub(prev.At).Seconds()
	}
	rate := func(now, before float64, per float64) *float64 {
		if dt <= 0 || now < before { // first read, or the operator restarted
			return nil
		}
		r := (now - before) / dt * per
		return &r
	}
	if prev != nil {
		o.TxsProvenPerSec = rate(v[metricTxsProven], prev.Values[metricTxsProven], 1)
		o.BatchesProvenPerMin = rate(v[metricBatchesProven], prev.Values[metricBatchesProven], 60)
		o.BatchesVerifiedPerMin = rate(v[metricBatchesVerif], prev.Values[metricBatchesVerif], 60)
	}
	names := make([]string, 0, len(cur.Workers))
	for name := range cur.Workers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		w := cur.Workers[name]
		wf := WorkerFleet{Name: name, Proofs: w.Proofs, MeanSeconds: w.MeanSeconds, Busy: w.Busy}
		if prev != nil {
			if pw, ok := prev.Workers[name]; ok {
				wf.ProofsPerMin = rate(w.Proofs, pw.Proofs, 60)
			}
		}
		o.WorkerList = append(o.WorkerList, wf)
	}
	return o
}

// fleetPoller reads every operator's /metrics and /v1/status on a timer and
// keeps the latest view; /fleet.json serves it.
type fleetPoller struct {
	operators []*url.URL
	interval  time.Duration
	client    *http.Client

	mu sync.Mutex
	// history holds each operator's reads of the last rateWindow, oldest
	// first: rates are taken against the oldest, so they are per minute
	// rather than per poll.
	history [][]metricsSample
	views   []OperatorFleet
}

// rateWindow is how far back the fleet rates look.
const rateWindow = time.Minute

func newFleetPoller(ops []*url.URL, interval time.Duration, client *http.Client) *fleetPoller {
	p := &fleetPoller{operators: ops, interval: interval, client: client,
		history: make([][]metricsSample, len(ops)), views: make([]OperatorFleet, len(ops))}
	for i, u := range ops {
		p.views[i] = OperatorFleet{Index: i, URL: u.String(), Error: "not read yet", QueueDepth: -1, WorkerList: []WorkerFleet{}}
	}
	return p
}

// Run polls until ctx ends.
func (p *fleetPoller) Run(ctx context.Context) {
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		p.PollOnce(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// PollOnce reads every operator once, in parallel.
func (p *fleetPoller) PollOnce(ctx context.Context) {
	var wg sync.WaitGroup
	for i := range p.operators {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.pollOne(ctx, i)
		}()
	}
	wg.Wait()
}

func (p *fleetPoller) pollOne(ctx context.Context, i int) {
	u := p.operators[i]
	sample, err := p.readMetrics(ctx, u)
	var st operatorStatus
	stErr := err
	if err == nil {
		st, stErr = p.readStatus(ctx, u)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.views[i] = OperatorFleet{Index: i, URL: u.String(), Error: err.Error(), QueueDepth: -1, WorkerList: []WorkerFleet{}, SampledAt: time.Now()}
		p.history[i] = nil
		return
	}
	h := windowed(p.history[i], sample.At)
	var prev *metricsSample
	if len(h) > 0 {
		prev = &h[0]
		if restarted(*prev, sample) {
			h, prev = nil, nil
		}
	}
	view := summarize(prev, sample)
	view.Index, view.URL = i, u.String()
	if stErr == nil {
		view.RollupID, view.Role, view.Prover, view.Halted = st.RollupID, st.Role, st.Proving.Prover, st.Halted
	}
	p.history[i] = append(h, sample)
	p.views[i] = view
}

// windowed drops the reads older than rateWindow before now.
func windowed(h []metricsSample, now time.Time) []metricsSample {
	for len(h) > 0 && now.Sub(h[0].At) > rateWindow {
		h = h[1:]
	}
	return h
}

// restarted reports whether the operator restarted between two reads (a
// counter went down), so older reads give no rate.
func restarted(prev, cur metricsSample) bool {
	for _, name := range []string{metricTxsProven, metricBatchesProven, metricBatchesVerif} {
		if cur.Values[name] < prev.Values[name] {
			return true
		}
	}
	return false
}

func (p *fleetPoller) get(ctx context.Context, u *url.URL, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String()+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach operator at %s: %v", u, unwrapNetErr(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("read %s%s: %w", u, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s%s: HTTP %d", u, path, resp.StatusCode)
	}
	return body, nil
}

func (p *fleetPoller) readMetrics(ctx context.Context, u *url.URL) (metricsSample, error) {
	body, err := p.get(ctx, u, "/metrics")
	if err != nil {
		return metricsSample{}, err
	}
	return parseMetrics(bytes.NewReader(body), time.Now())
}

// operatorStatus is the part of the operator's /v1/status the panel shows
// (prover/operator/wire.go Status).
type operatorStatus struct {
	RollupID string `json:"rollup_id"`
	Role     string `json:"role"`
	Halted   string `json:"halted"`
	Proving  struct {
		Prover string `json:"prover"`
	} `json:"proving"`
}

func (p *fleetPoller) readStatus(ctx context.Context, u *url.URL) (operatorStatus, error) {
	var st operatorStatus
	body, err := p.get(ctx, u, "/v1/status")
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(body, &st)
}

// Snapshot is the latest view of every operator, in flag order.
func (p *fleetPoller) Snapshot() []OperatorFleet {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]OperatorFleet{}, p.views...)
}
