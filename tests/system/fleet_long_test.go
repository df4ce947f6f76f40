//go:build system && long

package system

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/fleet"
)

// The three faults of a prover fleet, in one run against an external
// queue: the queue is a NATS server with JetStream on disk that this test
// process embeds (the nats-server/v2 module, as `operator start` does:
// there is no nats-server binary here), so the test can stop it while
// the operator and the two worker processes keep running, and read its
// streams. The operator runs with `--queue` and no in-process worker.
//
//  1. A worker is SIGKILLed mid-proof: its job is redelivered to the other
//     worker (after --ack-wait), which proves it on delivery 2.
//  2. The operator is SIGKILLed while jobs are in flight and started
//     again: it finds the queue and its jobs (results already stored are
//     taken, jobs already queued are not queued twice).
//  3. The queue goes down with jobs in flight; the operator is killed and
//     started again during the outage (40 s, longer than an operator once
//     waited for its queue at start) and the queue comes back on the same
//     port and files: proving pauses and resumes.
//
// Then every transfer is final on L1 exactly once, and the queue holds
// exactly one job and one result per batch on L1, every one a first
// attempt (no proof was refused).
func TestFleet_LongWorkerKillOperatorRestartQueueOutage(t *testing.T) {
	// ARRANGE: the external queue, the rollup, the operator on the queue,
	// two workers.
	qdir, listen := t.TempDir(), "127.0.0.1:"+itoa(FreePorts(t, 1)[0])
	startQueue := func() *fleet.Server {
		s, err := fleet.StartServer(fleet.ServerOptions{Dir: qdir, Listen: listen})
		require.NoError(t, err)
		return s
	}
	queue := startQueue()
	t.Cleanup(func() { queue.Shutdown() })
	url := "nats://" + listen
	r := newFleetRig(t, "fleet-long", "--queue", url)
	op := r.startOperator()
	statusURL, keyHash := r.queueOfStatus()
	require.Equal(t, url, statusURL)
	boxA := r.startWorker("box-a", url, keyHash)
	boxB := r.startWorker("box-b", url, keyHash)
	r.fund()

	// ACT 1: a worker killed mid-proof.
	ids := r.send(12)
	killed, index := killMidProof(t, boxA, 2*time.Minute)

	// ASSERT 1: the other worker proves the job on its second delivery.
	require.Eventually(t, func() bool {
		return strings.Contains(readFile(boxB.log), `msg="proving job `+killed+`"`)
	}, 2*time.Minute, 100*time.Millisecond, "batch %d's job not redelivered to box-b", index)
	require.Regexp(t, `msg="proving job `+killed+`"[^\n]* delivered=2`, readFile(boxB.log))
	require.Eventually(t, func() bool { return r.metric("operator_fleet_redeliveries_total") >= 1 }, time.Minute, 200*time.Millisecond)
	boxA = r.startWorker("box-a", url, keyHash)

	// ACT 2: the operator killed while jobs are in flight on a worker.
	ids = append(ids, r.send(12)...)
	waitWorkerBusy(t, r)
	op.kill(t, syscall.SIGKILL)
	t.Log("operator killed with jobs in flight")
	op = r.startOperator()
	ids = append(ids, r.send(4)...)

	// ASSERT 2: it proves again through the same queue.
	waitFinalAll(t, r, ids)

	// ACT 3: the queue goes down with jobs in flight; the operator is
	// killed and started again while it is down, for longer than the 30 s
	// an operator used to wait for its queue at start; the queue comes
	// back.
	ids = append(ids, r.send(12)...)
	waitWorkerBusy(t, r)
	queue.Shutdown()
	down := time.Now()
	time.Sleep(3 * time.Second)
	st, err := r.cl.Status(t.Context())
	require.NoError(t, err, "the operator serves its API while the queue is down")
	require.Empty(t, st.Halted, "a queue outage pauses proving, it does not halt the pipeline")
	require.EqualValues(t, -1, st.Proving.QueueDepth, "the queue depth is unknown while it is down")
	op.kill(t, syscall.SIGKILL)
	op = r.startOperator()
	time.Sleep(time.Until(down.Add(40 * time.Second)))
	st, err = r.cl.Status(t.Context())
	require.NoError(t, err, "an operator started during the outage waits for its queue")
	require.Empty(t, st.Halted)
	require.EqualValues(t, -1, st.Proving.QueueDepth)
	queue = startQueue()
	t.Logf("queue down for %s", time.Since(down).Round(100*time.Millisecond))
	ids = append(ids, r.send(4)...)

	// ASSERT 3: everything final exactly once, and the queue holds one job
	// and one result per batch, all first attempts.
	batches := r.requireAllFinalOnce(ids)
	nc, err := fleet.Connect(url, "test", nil)
	require.NoError(t, err)
	defer nc.Close()
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	jobs, err := js.Stream(ctx, fleet.JobsStream)
	require.NoError(t, err)
	jobsInfo, err := jobs.Info(ctx)
	require.NoError(t, err)
	require.EqualValues(t, batches, jobsInfo.State.LastSeq, "one job per batch: none queued twice, restart or not")
	require.Zero(t, jobsInfo.State.Msgs, "every job acked")
	results, err := js.Stream(ctx, fleet.ResultsStream)
	require.NoError(t, err)
	resultsInfo, err := results.Info(ctx, jetstream.WithSubjectFilter(">"))
	require.NoError(t, err)
	require.EqualValues(t, batches, resultsInfo.State.Msgs, "one result per batch")
	for subject := range resultsInfo.State.Subjects {
		require.NotContains(t, strings.TrimPrefix(subject, "prove.result."), "-", "a refused attempt: %s", subject)
	}
	require.Contains(t, readFile(boxA.log)+readFile(boxB.log), `msg="job proven"`)
	t.Logf("%d batches, %d transfers, %d redeliveries", batches, r.sent, int(r.metric("operator_fleet_redeliveries_total")))
}

// waitWorkerBusy waits until the operator's status shows a batch in
// flight on a worker.
func waitWorkerBusy(t *testing.T, r *fleetRig) {
	t.Helper()
	require.Eventually(t, func() bool {
		st, err := r.cl.Status(t.Context())
		if err != nil {
			return false
		}
		for _, j := range st.Proving.InFlight {
			if j.Worker != "" {
				return true
			}
		}
		return false
	}, 2*time.Minute, 50*time.Millisecond, "no batch in flight on a worker")
}

func waitFinalAll(t *testing.T, r *fleetRig, ids []string) {
	t.Helper()
	for _, id := range ids {
		waitFinal(t, r.cl, id)
	}
}
