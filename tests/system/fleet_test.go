//go:build system

package system

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The README's two-process fleet, run as it says (modulo paths, ports and
// a short --ack-wait): `operator start` with its embedded queue and its
// one in-process worker, then `operator status` for the queue's address
// and key hash, then `operator prover` against that port. A transfer
// stream keeps both workers busy; the separate worker is SIGKILLed in the
// middle of a proof. Its job must come back (a redelivery, counted on
// /metrics and in status) to the survivor, and every transfer must be
// final on L1 exactly once: no batch lost, none duplicated. The killed
// worker is started again with the same command and proves again.
func TestFleet_WorkerKilledMidProofRedeliveredNothingLost(t *testing.T) {
	// ARRANGE: chain, rollup, operator on the embedded queue, a second
	// worker process from the README's instructions.
	began := time.Now()
	r := newFleetRig(t, "fleet-pay", "--queue-listen", "127.0.0.1:"+itoa(FreePorts(t, 1)[0]))
	r.startOperator("--ack-wait", fleetAckWait)
	url, keyHash := r.queueOfStatus()
	second := r.startWorker("second", url, keyHash)
	r.fund()
	t.Logf("chain, rollup, operator and worker up, L2 funded: %s", time.Since(began).Round(100*time.Millisecond))

	// ACT: a stream of transfers; kill the second worker mid-proof.
	ids := r.send(8)
	killed, index := killMidProof(t, second, 2*time.Minute)
	killedAt := time.Now()
	ids = append(ids, r.send(4)...)

	// ASSERT: the job is redelivered and proven by the survivor.
	require.Eventually(t, func() bool { return r.metric("operator_fleet_redeliveries_total") >= 1 }, 2*time.Minute, 200*time.Millisecond,
		"the killed worker's job (batch %d) was not redelivered", index)
	t.Logf("redelivery counted %s after the kill", time.Since(killedAt).Round(100*time.Millisecond))
	opLog := readFile(r.procs[0].log)
	require.Contains(t, opLog, `job=`+killed, "the operator published the killed job")
	require.Regexp(t, `msg="proving job `+killed+`"[^\n]* delivered=2`, opLog, "the in-process worker proved it on its second delivery")

	// ACT: the README's command again brings the worker back.
	second = r.startWorker("second", url, keyHash)
	ids = append(ids, r.send(4)...)

	// ASSERT: everything final exactly once; the fleet's status.
	batches := r.requireAllFinalOnce(ids)
	require.GreaterOrEqual(t, batches, 4)
	status := MustRun(t, r.bin, "operator", "status", "--operator-home", r.opDir).Stdout
	require.Regexp(t, `prover\s+fleet `+url+`: .*, [1-9]\d* redelivered, 0 refused`, status)
	require.Contains(t, status, "worker      second:")
	require.GreaterOrEqual(t, strings.Count(status, "\n  worker      "), 2, "two workers in status, as the README says:\n%s", status)
	require.True(t, strings.Contains(readFile(second.log), `msg="job proven"`) || r.metric("operator_fleet_workers") == 2,
		"the restarted worker is part of the fleet")
	second.kill(t, syscall.SIGTERM)
	t.Logf("%d batches, %d transfers, all final %s after the start", batches, r.sent, time.Since(began).Round(100*time.Millisecond))
}
