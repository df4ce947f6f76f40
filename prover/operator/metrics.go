package operator

import (
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the operator's Prometheus series, on their own registry
// (served at /metrics).
type metrics struct {
	reg               *prometheus.Registry
	txsAccepted       prometheus.Counter
	txsRefused        *prometheus.CounterVec
	txsDropped        prometheus.Counter
	txsRefusedByChain prometheus.Counter
	batchesBuilt      prometheus.Counter
	batchesProven     prometheus.Counter
	txsProven         prometheus.Counter
	provingJobs       prometheus.Gauge
	batchesSubmitted  prometheus.Counter
	batchesVerified   prometheus.Counter
	batchesRejected   prometheus.Counter
	batchesFollowed   prometheus.Counter
	racesLost         prometheus.Counter
	takeovers         prometheus.Counter
	submitRetries     prometheus.Counter
	provingSeconds    prometheus.Histogram
	txLatency         prometheus.Histogram
	mempoolPending    prometheus.Gauge
	inFlightBatches   prometheus.Gauge
	lastVerified      prometheus.Gauge
	lastBuilt         prometheus.Gauge
	chainHeight       prometheus.Gauge
	lagBlocks         prometheus.Gauge
	inboxPending      prometheus.Gauge
	halted            prometheus.Gauge
	gasPerL2Tx        prometheus.Gauge
	accruedClaims     prometheus.Counter
	accruedClaimFails prometheus.Counter
	accruedClaimed    *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	c := func(name, help string) prometheus.Counter {
		x := prometheus.NewCounter(prometheus.CounterOpts{Namespace: "operator", Name: name, Help: help})
		m.reg.MustRegister(x)
		return x
	}
	g := func(name, help string) prometheus.Gauge {
		x := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "operator", Name: name, Help: help})
		m.reg.MustRegister(x)
		return x
	}
	m.txsAccepted = c("txs_accepted_total", "L2 transactions accepted into the mempool")
	m.txsRefused = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "operator", Name: "txs_refused_total",
		Help: "L2 transactions refused at the API, by error code"}, []string{"code"})
	m.reg.MustRegister(m.txsRefused)
	m.txsDropped = c("txs_dropped_total", "accepted L2 transactions the batch builder refused (state changed since acceptance)")
	m.txsRefusedByChain = c("txs_refused_by_chain_total", "accepted L2 transactions dropped because the chain's rules refuse their outbox entry (their batch was refused or would be)")
	m.batchesBuilt = c("batches_built_total", "batches built (applied to the head state)")
	m.batchesProven = c("batches_proven_total", "batches proven")
	m.txsProven = c("txs_proven_total", "L2 transactions in the batches proven (rate() of it: the proving rate in transfers/s)")
	m.provingJobs = g("proving_jobs_in_flight", "batches being proven now (in a fleet: published and waiting for their proof)")
	m.batchesSubmitted = c("batches_submitted_total", "batch transactions accepted by the node's CheckTx")
	m.batchesVerified = c("batches_verified_total", "batches the chain verified")
	m.batchesRejected = c("batches_rejected_total", "batches the chain refused (the pipeline halts)")
	m.batchesFollowed = c("batches_followed_total", "batches another operator built that this operator applied from the chain's data")
	m.racesLost = c("races_lost_total", "indices this operator had a batch for that another operator's batch took")
	m.takeovers = c("takeovers_total", "times a standby started submitting after the other operators went silent")
	m.submitRetries = c("submit_retries_total", "submission attempts retried after a transient failure")
	m.provingSeconds = prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "operator", Name: "proving_seconds",
		Help: "Groth16 proving time per batch", Buckets: prometheus.ExponentialBuckets(0.25, 2, 12)})
	m.reg.MustRegister(m.provingSeconds)
	m.txLatency = prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "operator", Name: "tx_latency_seconds",
		Help: "from acceptance at the API to the chain verifying its batch", Buckets: prometheus.ExponentialBuckets(0.5, 2, 12)})
	m.reg.MustRegister(m.txLatency)
	m.mempoolPending = g("mempool_pending", "accepted transactions not yet in a batch")
	m.inFlightBatches = g("batches_in_flight", "batches built but not yet verified")
	m.lastVerified = g("last_verified_batch", "index of the last batch the chain verified")
	m.lastBuilt = g("last_built_batch", "index of the last batch built")
	m.chainHeight = g("chain_height", "latest block height seen")
	m.lagBlocks = g("lag_blocks", "blocks since the rollup's last verified batch")
	m.inboxPending = g("inbox_pending", "inbox messages on the chain not yet consumed by a verified batch")
	m.halted = g("halted", "1 when the pipeline is halted on a rejected batch")
	m.gasPerL2Tx = g("gas_per_l2_tx", "gas used by the last verified batch transaction divided by its L2 transactions")
	m.accruedClaims = c("accrued_claims_total", "claims of the fees accrued to the submitter address (MsgClaimAccrued) that landed")
	m.accruedClaimFails = c("accrued_claim_failures_total", "claims of accrued fees refused, failed in their block or not included in time (backed off)")
	m.accruedClaimed = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "operator", Name: "accrued_claimed_total",
		Help: "accrued fees claimed to the submitter address, in base units, by denom"}, []string{"denom"})
	m.reg.MustRegister(m.accruedClaimed)
	return m
}

// updateGauges sets the gauges from the parts' state: after a batch is
// built, committed or discarded, and at each new block.
func updateGauges(m *metrics, st *store, f *follower, h *halt) {
	st.setGauges(m)
	f.setGauges(m)
	if h.why() != "" {
		m.halted.Set(1)
	} else {
		m.halted.Set(0)
	}
}
