package fleet

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/operator"
)

// A job goes to a worker holding its key; the operator gets a proof that
// verifies, and the acked job leaves the queue.
func TestFleet_JobIsProvenByAWorker(t *testing.T) {
	f := newFleet(t)
	w := f.startWorker("w1", []*Key{f.plain}, WorkerOptions{}, nil)
	wit := testWitness(t, 7, false)

	proof := waitProof(t, f.proveAsync(7, wit), 30*time.Second)

	pub, err := wit.Public()
	require.NoError(t, err)
	require.NoError(t, checkProof(f.plain.VK, proof, pub))
	require.Eventually(t, func() bool { return streamMsgs(t, f.prover.js, JobsStream) == 0 }, 5*time.Second, 20*time.Millisecond,
		"the acked job left the queue")
	require.EqualValues(t, 1, streamMsgs(t, f.prover.js, ResultsStream))
	require.Eventually(t, func() bool { return w.w.Stats().ProofsDone == 1 }, 5*time.Second, 20*time.Millisecond)
	require.Eventually(t, func() bool {
		var s operator.ProvingStatus
		f.prover.ReportProving(&s)
		return len(s.Workers) == 1 && s.Workers[0].Name == "w1" && s.Workers[0].ProofsDone == 1 && s.QueueDepth == 0
	}, 5*time.Second, 50*time.Millisecond, "the worker's stats reach the operator")
}

// A job published again (an operator restart) is one job in the queue,
// and a job whose result is stored is not published again at all.
func TestFleet_RepublishedJobIsDeduplicated(t *testing.T) {
	f := newFleet(t)
	wit := testWitness(t, 3, false)
	bz, err := wit.MarshalBinary()
	require.NoError(t, err)
	job := &Job{Version: messageVersion, JobID: JobID("pay", 3, sha256Sum(bz)), KeyHash: f.plain.Hash, RollupID: "pay", Index: 3, Witness: bz}
	require.NoError(t, f.prover.publishJob(context.Background(), job))
	require.NoError(t, f.prover.publishJob(context.Background(), job))
	require.EqualValues(t, 1, streamMsgs(t, f.prover.js, JobsStream))

	f.startWorker("w1", []*Key{f.plain}, WorkerOptions{}, nil)
	first := waitProof(t, f.proveAsync(3, wit), 30*time.Second)
	jobs, err := f.prover.js.Stream(context.Background(), JobsStream)
	require.NoError(t, err)
	before, err := jobs.Info(context.Background())
	require.NoError(t, err)

	// The operator restarts and asks for the same batch: it finds the result.
	again := waitProof(t, f.proveAsync(3, wit), 10*time.Second)
	require.Equal(t, first, again)
	after, err := jobs.Info(context.Background())
	require.NoError(t, err)
	require.Equal(t, before.State.LastSeq, after.State.LastSeq, "nothing published for a batch with a stored result")
}

// A worker killed mid-proof never acks: the job is redelivered after
// AckWait to another worker and proved once more; the operator gets one
// result and counts the redelivery.
func TestFleet_KilledWorkerJobIsRedelivered(t *testing.T) {
	f := newFleet(t)
	proving := make(chan struct{})
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	var once sync.Once
	a := f.startWorker("doomed", []*Key{f.plain}, WorkerOptions{AckWait: time.Second}, func(k *Key, bz []byte) ([]byte, error) {
		once.Do(func() { close(proving) })
		<-release
		return proveWitness(k, bz)
	})
	wit := testWitness(t, 11, false)
	res := f.proveAsync(11, wit)
	<-proving
	killedAt := time.Now()
	a.kill()

	b := f.startWorker("survivor", []*Key{f.plain}, WorkerOptions{AckWait: time.Second}, nil)
	waitProof(t, res, 30*time.Second)
	require.GreaterOrEqual(t, time.Since(killedAt), 500*time.Millisecond, "redelivered only after the ack deadline")
	require.Eventually(t, func() bool { return b.w.Stats().ProofsDone == 1 }, 5*time.Second, 20*time.Millisecond)
	require.EqualValues(t, 1, b.w.Stats().Redeliveries)
	require.EqualValues(t, 1, streamMsgs(t, f.prover.js, ResultsStream))
	var s operator.ProvingStatus
	f.prover.ReportProving(&s)
	require.EqualValues(t, 1, s.Redeliveries)
	require.Zero(t, s.BadProofs)
}

// A worker that stalls without marking its job in progress loses it to
// another worker; when it finally publishes, its duplicate result is
// dropped: one result per job.
func TestFleet_DuplicateResultIsDropped(t *testing.T) {
	f := newFleet(t)
	release := make(chan struct{})
	var slowProved atomic.Bool
	slow := f.startWorker("slow", []*Key{f.plain}, WorkerOptions{AckWait: time.Second, Heartbeat: time.Hour}, func(k *Key, bz []byte) ([]byte, error) {
		<-release
		defer slowProved.Store(true)
		return proveWitness(k, bz)
	})
	wit := testWitness(t, 12, false)
	res := f.proveAsync(12, wit)
	require.Eventually(t, func() bool { return slow.w.Stats().Current != nil }, 10*time.Second, 20*time.Millisecond)

	fast := f.startWorker("fast", []*Key{f.plain}, WorkerOptions{AckWait: time.Second}, nil)
	waitProof(t, res, 30*time.Second)
	close(release)
	require.Eventually(t, slowProved.Load, 30*time.Second, 20*time.Millisecond)
	require.Eventually(t, func() bool { return slow.w.Stats().Current == nil }, 10*time.Second, 20*time.Millisecond)

	require.EqualValues(t, 1, fast.w.Stats().ProofsDone)
	require.EqualValues(t, 1, slow.w.Stats().ProofsDone, "it proved too, but its result was not stored")
	require.EqualValues(t, 1, streamMsgs(t, f.prover.js, ResultsStream), "the second result was dropped")
	m, err := f.prover.streams.Results.GetLastMsgForSubject(context.Background(), ResultSubject(JobID("pay", 12, witnessHash(t, wit))))
	require.NoError(t, err)
	var r Result
	require.NoError(t, json.Unmarshal(m.Data, &r))
	require.Equal(t, "fast", r.Worker)
	require.Eventually(t, func() bool { return streamMsgs(t, f.prover.js, JobsStream) == 0 }, 5*time.Second, 20*time.Millisecond)
}

// A worker without the job's key hash never subscribes to it; a job whose
// key hash disagrees with its subject is refused with an error result.
func TestFleet_WorkerWithoutTheKeyNeverTakesTheJob(t *testing.T) {
	f := newFleet(t)
	other := f.startWorker("other-key", []*Key{f.commit}, WorkerOptions{}, nil)
	wit := testWitness(t, 5, false)
	res := f.proveAsync(5, wit)
	require.Eventually(t, func() bool { return streamMsgs(t, f.prover.js, JobsStream) == 1 }, 10*time.Second, 20*time.Millisecond)
	time.Sleep(time.Second) // many fetches by the other worker
	require.Zero(t, other.w.Stats().ProofsDone)
	require.Nil(t, other.w.Stats().Current)
	_, err := f.prover.js.Consumer(context.Background(), JobsStream, consumerName(f.plain.Hash))
	require.ErrorIs(t, err, jetstream.ErrConsumerNotFound, "nobody consumes the plain key's jobs yet")

	f.startWorker("holder", []*Key{f.plain}, WorkerOptions{}, nil)
	waitProof(t, res, 30*time.Second)

	// A job on the committed key's subject that names the plain key.
	bz, err := wit.MarshalBinary()
	require.NoError(t, err)
	job := &Job{Version: messageVersion, JobID: JobID("pay", 6, sha256Sum(bz)), KeyHash: f.plain.Hash, RollupID: "pay", Index: 6, Witness: bz}
	raw, err := json.Marshal(job)
	require.NoError(t, err)
	_, err = f.prover.js.Publish(context.Background(), JobSubject(f.commit.Hash), raw)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		return f.prover.lookup(context.Background(), ResultSubject(job.WorkID())) != nil
	}, 10*time.Second, 50*time.Millisecond)
	r := f.prover.lookup(context.Background(), ResultSubject(job.WorkID()))
	require.Contains(t, r.Error, "names key hash")
	require.Empty(t, r.Proof)
	require.Zero(t, other.w.Stats().ProofsDone)
}

// A worker's bad proof is refused by the operator's own check, counted,
// and the job published again under a fresh attempt.
func TestFleet_BadProofIsRefusedAndProvedAgain(t *testing.T) {
	f := newFleet(t)
	otherWitness, err := testWitness(t, 99, false).MarshalBinary()
	require.NoError(t, err)
	var calls atomic.Int32
	f.startWorker("liar-once", []*Key{f.plain}, WorkerOptions{}, func(k *Key, bz []byte) ([]byte, error) {
		if calls.Add(1) == 1 {
			return proveWitness(k, otherWitness) // a valid proof of another statement
		}
		return proveWitness(k, bz)
	})
	wit := testWitness(t, 8, false)

	proof := waitProof(t, f.proveAsync(8, wit), 60*time.Second)

	pub, err := wit.Public()
	require.NoError(t, err)
	require.NoError(t, checkProof(f.plain.VK, proof, pub))
	require.EqualValues(t, 2, calls.Load())
	var s operator.ProvingStatus
	f.prover.ReportProving(&s)
	require.EqualValues(t, 1, s.BadProofs)
	require.EqualValues(t, 2, streamMsgs(t, f.prover.js, ResultsStream), "one result per attempt")

	// Garbage and trailing bytes are refused too.
	require.Error(t, checkProof(f.plain.VK, []byte("forged"), pub))
	require.Error(t, checkProof(f.plain.VK, append(append([]byte{}, proof...), 0), pub))
}

// The queue restarts on its store: a job already queued is proven after
// it, and a job asked for while the queue is down waits for it.
func TestFleet_QueueRestartResumes(t *testing.T) {
	_, plain, _ := testKeys(t)
	dir, port := t.TempDir(), freePort(t)
	server := startTestServer(t, dir, port)
	url := server.URL()
	nc, _ := connect(t, url, "operator")
	p, err := NewProver(context.Background(), nc, Verifier{KeyHash: plain.Hash, Circuit: plain.Circuit, VK: plain.VK},
		ProverOptions{QueueURL: url, PollInterval: 200 * time.Millisecond, Logger: testLog(t)})
	require.NoError(t, err)
	t.Cleanup(p.Close)
	f := &fleetUnderTest{t: t, dir: dir, server: server, url: url, prover: p, plain: plain}

	// Queued, then the server restarts before any worker runs.
	first := f.proveAsync(1, testWitness(t, 1, false))
	require.Eventually(t, func() bool {
		var s operator.ProvingStatus
		p.ReportProving(&s)
		return s.QueueDepth == 1
	}, 10*time.Second, 50*time.Millisecond)
	server.Shutdown()
	server = startTestServer(t, dir, port)
	f.startWorker("w1", []*Key{plain}, WorkerOptions{}, nil)
	waitProof(t, first, 60*time.Second)

	// Asked for while the server is down.
	server.Shutdown()
	second := f.proveAsync(2, testWitness(t, 2, false))
	time.Sleep(time.Second)
	server = startTestServer(t, dir, port)
	t.Cleanup(server.Shutdown)
	waitProof(t, second, 60*time.Second)
}

// The embedded server refuses a listen address in use, unless told to
// fall back to a free port.
func TestStartServer_PortInUse(t *testing.T) {
	dir := t.TempDir()
	s := startTestServer(t, dir, 0)
	t.Cleanup(s.Shutdown)
	_, port, err := splitHostPort(s.URL())
	require.NoError(t, err)
	_, err = StartServer(ServerOptions{Dir: t.TempDir(), Listen: "127.0.0.1:" + port, Logger: quietLog()})
	require.ErrorContains(t, err, "in use")
	s2, err := StartServer(ServerOptions{Dir: t.TempDir(), Listen: "127.0.0.1:" + port, FallbackToRandomPort: true, Logger: quietLog()})
	require.NoError(t, err)
	t.Cleanup(s2.Shutdown)
	require.True(t, s2.FellBack)
	require.NotEqual(t, s.URL(), s2.URL())
}

func TestIDs(t *testing.T) {
	h := [32]byte{1}
	id := JobID("pay", 1, h)
	require.Len(t, id, 64)
	require.Equal(t, id, JobID("pay", 1, h), "deterministic")
	require.NotEqual(t, id, JobID("pay", 2, h))
	require.NotEqual(t, id, JobID("pa", 1, h))
	require.Equal(t, id, WorkID(id, 0))
	require.Equal(t, id+"-2", WorkID(id, 2))
	require.Equal(t, "a_b-c", WorkerName("a.b-c"))
}

// Workers of one key hash share a consumer, and the last to start sets its
// AckWait. A worker started with a long AckWait (30 s: it would mark its
// job every 10 s) proving under a consumer another worker set to 3 s must
// mark its job often enough (every second): the job is not redelivered to
// the other worker mid-proof, and the one result is its own. The consumer's
// 3 s leaves a loaded machine two seconds of scheduling delay per mark;
// the old 10 s marking misses it within the 7 s the job is held.
func TestFleet_HeartbeatFollowsTheConsumersAckWait(t *testing.T) {
	f := newFleet(t)
	consumerAckWait := func() time.Duration {
		c, err := f.prover.js.Consumer(context.Background(), JobsStream, consumerName(f.plain.Hash))
		if err != nil {
			return 0
		}
		info, err := c.Info(context.Background())
		if err != nil {
			return 0
		}
		return info.Config.AckWait
	}
	proving := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	slow := f.startWorker("patient", []*Key{f.plain}, WorkerOptions{AckWait: 30 * time.Second}, func(k *Key, bz []byte) ([]byte, error) {
		once.Do(func() { close(proving) })
		<-release
		return proveWitness(k, bz)
	})
	require.Eventually(t, func() bool { return consumerAckWait() == 30*time.Second }, 10*time.Second, 20*time.Millisecond)
	// Another worker sets the consumer's AckWait to 3 s, and leaves.
	quick := f.startWorker("quick", []*Key{f.plain}, WorkerOptions{AckWait: 3 * time.Second}, nil)
	require.Eventually(t, func() bool { return consumerAckWait() == 3*time.Second }, 10*time.Second, 20*time.Millisecond)
	quick.stop()

	wit := testWitness(t, 13, false)
	res := f.proveAsync(13, wit)
	<-proving // the patient worker holds the job
	quick = f.startWorker("quick", []*Key{f.plain}, WorkerOptions{AckWait: 3 * time.Second}, nil)
	time.Sleep(7 * time.Second) // over two of the consumer's AckWait while the patient worker proves
	close(release)
	waitProof(t, res, 30*time.Second)

	var m *jetstream.RawStreamMsg
	require.Eventually(t, func() bool {
		var err error
		m, err = f.prover.streams.Results.GetLastMsgForSubject(context.Background(), ResultSubject(JobID("pay", 13, witnessHash(t, wit))))
		return err == nil
	}, 5*time.Second, 50*time.Millisecond, "the job's result is kept under its work id")
	var r Result
	require.NoError(t, json.Unmarshal(m.Data, &r))
	require.Equal(t, "patient", r.Worker, "the job stayed with the worker proving it")
	require.EqualValues(t, 1, r.Delivered)
	require.Zero(t, quick.w.Stats().ProofsDone)
	require.Zero(t, quick.w.Stats().Redeliveries)
	require.Eventually(t, func() bool { return slow.w.Stats().ProofsDone == 1 }, 5*time.Second, 20*time.Millisecond)
}

// An operator started while its queue is down does not fail: its Prover
// waits, and the job is proven once the queue and a worker are there.
func TestFleet_ProverStartedDuringAnOutageWaitsForTheQueue(t *testing.T) {
	_, plain, _ := testKeys(t)
	dir, port := t.TempDir(), freePort(t)
	url := "nats://127.0.0.1:" + strconv.Itoa(port)
	nc, _ := connect(t, url, "operator")
	p, err := NewProver(context.Background(), nc, Verifier{KeyHash: plain.Hash, Circuit: plain.Circuit, VK: plain.VK},
		ProverOptions{QueueURL: url, PollInterval: 200 * time.Millisecond, Logger: testLog(t)})
	require.NoError(t, err, "no queue yet: the prover waits for it")
	t.Cleanup(p.Close)
	var s operator.ProvingStatus
	p.ReportProving(&s)
	require.EqualValues(t, -1, s.QueueDepth)

	f := &fleetUnderTest{t: t, dir: dir, url: url, prover: p, plain: plain}
	res := f.proveAsync(21, testWitness(t, 21, false))
	f.server = startTestServer(t, dir, port)
	t.Cleanup(func() { f.server.Shutdown() })
	f.startWorker("late", []*Key{plain}, WorkerOptions{}, nil)
	waitProof(t, res, time.Minute)
}
