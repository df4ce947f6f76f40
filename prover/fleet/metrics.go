package fleet

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/nativechain/nativechain/prover/operator"
)

// The fleet's series on the operator's /metrics: the operator registers
// a Prover that is a prometheus.Collector.
var (
	descQueueDepth   = prometheus.NewDesc("operator_fleet_queue_depth", "proving jobs in the queue, waiting or being proven (-1: unknown)", nil, nil)
	descRedeliveries = prometheus.NewDesc("operator_fleet_redeliveries_total", "results of jobs delivered more than once (a worker died or stalled)", nil, nil)
	descBadProofs    = prometheus.NewDesc("operator_fleet_refused_results_total", "worker results the operator refused (bad proof or worker error)", nil, nil)
	descWorkers      = prometheus.NewDesc("operator_fleet_workers", "workers heard from in the last WorkerTimeout", nil, nil)
	descWorkerProofs = prometheus.NewDesc("operator_fleet_worker_proofs_total", "proofs a worker made since it started", []string{"worker"}, nil)
	descWorkerMean   = prometheus.NewDesc("operator_fleet_worker_mean_seconds", "a worker's mean proving time per proof", []string{"worker"}, nil)
	descWorkerBusy   = prometheus.NewDesc("operator_fleet_worker_busy", "1 while a worker proves a job", []string{"worker"}, nil)
)

var _ prometheus.Collector = (*Prover)(nil)

// Describe implements prometheus.Collector.
func (p *Prover) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descQueueDepth, descRedeliveries, descBadProofs, descWorkers, descWorkerProofs, descWorkerMean, descWorkerBusy} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (p *Prover) Collect(ch chan<- prometheus.Metric) {
	var s operator.ProvingStatus
	p.ReportProving(&s)
	ch <- prometheus.MustNewConstMetric(descQueueDepth, prometheus.GaugeValue, float64(s.QueueDepth))
	ch <- prometheus.MustNewConstMetric(descRedeliveries, prometheus.CounterValue, float64(s.Redeliveries))
	ch <- prometheus.MustNewConstMetric(descBadProofs, prometheus.CounterValue, float64(s.BadProofs))
	ch <- prometheus.MustNewConstMetric(descWorkers, prometheus.GaugeValue, float64(len(s.Workers)))
	for _, w := range s.Workers {
		ch <- prometheus.MustNewConstMetric(descWorkerProofs, prometheus.CounterValue, float64(w.ProofsDone), w.Name)
		ch <- prometheus.MustNewConstMetric(descWorkerMean, prometheus.GaugeValue, w.MeanSeconds, w.Name)
		busy := 0.0
		if w.Busy != "" {
			busy = 1
		}
		ch <- prometheus.MustNewConstMetric(descWorkerBusy, prometheus.GaugeValue, busy, w.Name)
	}
}
