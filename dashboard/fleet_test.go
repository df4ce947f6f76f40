package dashboard

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fleetMetrics is an operator's /metrics with a fleet of two workers, as
// prover/operator and prover/fleet write it.
const fleetMetrics = `# HELP operator_txs_proven_total L2 transactions in the batches proven
# TYPE operator_txs_proven_total counter
operator_txs_proven_total 120
# TYPE operator_batches_proven_total counter
operator_batches_proven_total 10
# TYPE operator_batches_verified_total counter
operator_batches_verified_total 9
# TYPE operator_proving_jobs_in_flight gauge
operator_proving_jobs_in_flight 2
# TYPE operator_inbox_pending gauge
operator_inbox_pending 3
# TYPE operator_lag_blocks gauge
operator_lag_blocks 1
# TYPE operator_txs_refused_total counter
operator_txs_refused_total{code="bad_nonce"} 4
# TYPE operator_proving_seconds histogram
operator_proving_seconds_bucket{le="0.25"} 0
operator_proving_seconds_bucket{le="+Inf"} 10
operator_proving_seconds_sum 31
operator_proving_seconds_count 10
# TYPE operator_fleet_queue_depth gauge
operator_fleet_queue_depth 5
# TYPE operator_fleet_workers gauge
operator_fleet_workers 2
# TYPE operator_fleet_redeliveries_total counter
operator_fleet_redeliveries_total 1
# TYPE operator_fleet_refused_results_total counter
operator_fleet_refused_results_total 0
# TYPE operator_fleet_worker_proofs_total counter
operator_fleet_worker_proofs_total{worker="w2"} 4
operator_fleet_worker_proofs_total{worker="w1"} 6
# TYPE operator_fleet_worker_mean_seconds gauge
operator_fleet_worker_mean_seconds{worker="w1"} 2.5
operator_fleet_worker_mean_seconds{worker="w2"} 3
# TYPE operator_fleet_worker_busy gauge
operator_fleet_worker_busy{worker="w1"} 1
operator_fleet_worker_busy{worker="w2"} 0
`

func TestParseMetrics_ReadsOperatorAndFleetSeries(t *testing.T) {
	// ARRANGE
	at := time.Unix(1000, 0)

	// ACT
	s, err := parseMetrics(strings.NewReader(fleetMetrics), at)

	// ASSERT: unlabelled series by name; labelled ones only per worker.
	require.NoError(t, err)
	require.Equal(t, 120.0, s.Values[metricTxsProven])
	require.Equal(t, 5.0, s.Values[metricQueueDepth])
	require.Equal(t, 2.0, s.Values[metricWorkers])
	require.NotContains(t, s.Values, "operator_txs_refused_total", "a labelled series is not a panel value")
	require.Equal(t, map[string]workerSample{
		"w1": {Proofs: 6, MeanSeconds: 2.5, Busy: true},
		"w2": {Proofs: 4, MeanSeconds: 3},
	}, s.Workers)
}

func TestParseMetrics_RefusesMalformedText(t *testing.T) {
	_, err := parseMetrics(strings.NewReader("operator_lag_blocks one\n"), time.Now())
	require.ErrorContains(t, err, "parse metrics")
}

func TestSummarize_RatesFromCounterDeltas(t *testing.T) {
	// ARRANGE: two reads 30s apart; 60 more txs, 2 more batches, w1 made
	// 3 more proofs.
	prev, err := parseMetrics(strings.NewReader(fleetMetrics), time.Unix(1000, 0))
	require.NoError(t, err)
	next := strings.NewReplacer(
		"operator_txs_proven_total 120", "operator_txs_proven_total 180",
		"operator_batches_proven_total 10", "operator_batches_proven_total 12",
		`operator_fleet_worker_proofs_total{worker="w1"} 6`, `operator_fleet_worker_proofs_total{worker="w1"} 9`,
	).Replace(fleetMetrics)
	cur, err := parseMetrics(strings.NewReader(next), time.Unix(1030, 0))
	require.NoError(t, err)

	// ACT
	first := summarize(nil, prev)
	o := summarize(&prev, cur)

	// ASSERT
	require.Nil(t, first.TxsProvenPerSec, "no rate from a single read")
	require.True(t, o.Fleet)
	require.Equal(t, 5.0, o.QueueDepth)
	require.Equal(t, 2.0, o.Workers)
	require.NotNil(t, o.TxsProvenPerSec)
	require.InDelta(t, 2.0, *o.TxsProvenPerSec, 1e-9)
	require.InDelta(t, 4.0, *o.BatchesProvenPerMin, 1e-9)
	require.InDelta(t, 0.0, *o.BatchesVerifiedPerMin, 1e-9)
	require.Len(t, o.WorkerList, 2)
	require.Equal(t, "w1", o.WorkerList[0].Name, "workers in name order")
	require.InDelta(t, 6.0, *o.WorkerList[0].ProofsPerMin, 1e-9)
	require.InDelta(t, 0.0, *o.WorkerList[1].ProofsPerMin, 1e-9)
}

func TestSummarize_NoRateAcrossACounterReset(t *testing.T) {
	prev, err := parseMetrics(strings.NewReader(fleetMetrics), time.Unix(1000, 0))
	require.NoError(t, err)
	restarted := strings.Replace(fleetMetrics, "operator_txs_proven_total 120", "operator_txs_proven_total 3", 1)
	cur, err := parseMetrics(strings.NewReader(restarted), time.Unix(1010, 0))
	require.NoError(t, err)

	o := summarize(&prev, cur)

	require.Nil(t, o.TxsProvenPerSec, "an operator restart resets its counters")
	require.NotNil(t, o.BatchesProvenPerMin)
}

func TestSummarize_InlineProverHasNoQueue(t *testing.T) {
	s, err := parseMetrics(strings.NewReader("# TYPE operator_txs_proven_total counter\noperator_txs_proven_total 7\n"), time.Unix(1, 0))
	require.NoError(t, err)

	o := summarize(nil, s)

	require.False(t, o.Fleet)
	require.Equal(t, -1.0, o.QueueDepth)
	require.Empty(t, o.WorkerList)
}

func TestFleetPoller_ReadsReachableOperatorAndReportsTheOtherDown(t *testing.T) {
	// ARRANGE: one operator serving /metrics and /v1/status, one address
	// nothing listens on.
	op := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/metrics":
			_, _ = w.Write([]byte(fleetMetrics))
		case "/v1/status":
			_, _ = w.Write([]byte(`{"rollup_id":"payments-a","role":"primary","proving":{"prover":"fleet nats://127.0.0.1:4222"}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer op.Close()
	up, err := url.Parse(op.URL)
	require.NoError(t, err)
	down, err := url.Parse(closedAddress(t))
	require.NoError(t, err)
	p := newFleetPoller([]*url.URL{up, down}, time.Second, &http.Client{Timeout: 2 * time.Second})
	before := p.Snapshot()

	// ACT
	p.PollOnce(context.Background())
	got := p.Snapshot()

	// ASSERT
	require.False(t, before[0].Reachable, "nothing read before the first poll")
	require.Len(t, got, 2)
	require.True(t, got[0].Reachable)
	require.Equal(t, "payments-a", got[0].RollupID)
	require.Equal(t, "primary", got[0].Role)
	require.Equal(t, "fleet nats://127.0.0.1:4222", got[0].Prover)
	require.Equal(t, 5.0, got[0].QueueDepth)
	require.False(t, got[1].Reachable)
	require.Contains(t, got[1].Error, "cannot reach operator at "+down.String())
}

// closedAddress is an http:// address on which nothing listens.
func closedAddress(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	return addr
}

func TestWindowed_KeepsTheReadsOfTheLastMinute(t *testing.T) {
	at := func(s int64) metricsSample { return metricsSample{At: time.Unix(s, 0)} }
	h := []metricsSample{at(0), at(30), at(60), at(90)}

	got := windowed(h, time.Unix(120, 0))

	require.Equal(t, []metricsSample{at(60), at(90)}, got, "reads older than a minute go; the one exactly a minute old stays")
	require.Empty(t, windowed(h, time.Unix(1000, 0)))
}

func TestRestarted_WhenACounterGoesDown(t *testing.T) {
	prev := metricsSample{Values: map[string]float64{metricTxsProven: 10, metricBatchesProven: 2, metricBatchesVerif: 2}}
	same := metricsSample{Values: map[string]float64{metricTxsProven: 10, metricBatchesProven: 2, metricBatchesVerif: 2}}
	reset := metricsSample{Values: map[string]float64{metricTxsProven: 10, metricBatchesProven: 2, metricBatchesVerif: 0}}

	require.False(t, restarted(prev, same))
	require.True(t, restarted(prev, reset))
}

func TestFleetPoller_RatesAgainstTheFirstReadOfTheWindow(t *testing.T) {
	// ARRANGE: an operator whose proven-transactions counter grows by 10
	// per read.
	var reads int
	op := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/metrics" {
			reads++
			_, _ = w.Write([]byte(strings.Replace(fleetMetrics, "operator_txs_proven_total 120",
				"operator_txs_proven_total "+strconv.Itoa(120+10*reads), 1)))
			return
		}
		_, _ = w.Write([]byte(`{}`))
	}))
	defer op.Close()
	u, err := url.Parse(op.URL)
	require.NoError(t, err)
	p := newFleetPoller([]*url.URL{u}, time.Second, op.Client())

	// ACT
	p.PollOnce(context.Background())
	first := p.Snapshot()[0]
	p.PollOnce(context.Background())
	p.PollOnce(context.Background())
	third := p.Snapshot()[0]

	// ASSERT: no rate from one read; then a positive one, measured from
	// the first read (all three are within the window).
	require.Nil(t, first.TxsProvenPerSec)
	require.NotNil(t, third.TxsProvenPerSec)
	require.Greater(t, *third.TxsProvenPerSec, 0.0)
	require.Len(t, p.history[0], 3)
	require.Equal(t, 130.0, p.history[0][0].Values[metricTxsProven])
}
