package cmd

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/devcircuit"
	"github.com/nativechain/nativechain/prover/fleet"
	"github.com/nativechain/nativechain/prover/operator"
)

// syncBuffer is a bytes.Buffer safe for a command writing while the test
// reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// `operator prover` against a queue proves a job an operator publishes
// there, and logs "proving job <id>" when it starts one.
func TestOperatorProver_ProvesAJobFromTheQueue(t *testing.T) {
	root := t.TempDir()
	_, _, err := runOperator(t, "setup", "--circuit", "test", "--keys-dir", root)
	require.NoError(t, err)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	server, err := fleet.StartServer(fleet.ServerOptions{Dir: t.TempDir(), Listen: "127.0.0.1:0", Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(server.Shutdown)

	ctx, cancel := context.WithCancel(context.Background())
	var stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		cmd := OperatorCmd()
		cmd.SetOut(io.Discard)
		cmd.SetErr(&stderr)
		cmd.SetArgs([]string{"prover", "--queue", server.URL(), "--keys", root, "--name", "cli.worker"})
		done <- cmd.ExecuteContext(ctx)
	}()

	keys, err := fleet.LoadKeys(root, nil, quiet)
	require.NoError(t, err)
	nc, err := fleet.Connect(server.URL(), "test operator", quiet)
	require.NoError(t, err)
	defer nc.Close()
	p, err := fleet.NewProver(ctx, nc, fleet.Verifier{KeyHash: keys[0].Hash, Circuit: keys[0].Circuit, VK: keys[0].VK},
		fleet.ProverOptions{QueueURL: server.URL(), PollInterval: 200 * time.Millisecond, Logger: quiet})
	require.NoError(t, err)
	defer p.Close()
	var one fr.Element
	one.SetOne()
	a, err := devcircuit.Assignment(protocol.BatchCommitment{ChainID: "c", RollupID: "pay", BatchIndex: 1, PrevStateRoot: one, NewStateRoot: one,
		DAHash: protocol.DAHash(nil), InboxBefore: protocol.InboxAccumulatorGenesis(), InboxAfter: protocol.InboxAccumulatorGenesis(),
		OutboxHash: protocol.OutboxHash(nil), Submitter: []byte{1}})
	require.NoError(t, err)
	w, err := frontend.NewWitness(a, ecc.BN254.ScalarField())
	require.NoError(t, err)
	pctx, pcancel := context.WithTimeout(ctx, time.Minute)
	defer pcancel()
	proof, err := p.ProveWitness(pctx, "pay", 1, w)
	require.NoError(t, err)
	require.NotEmpty(t, proof)
	require.Contains(t, stderr.String(), "proving job ")
	require.Contains(t, stderr.String(), "worker=cli_worker")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("operator prover did not stop")
	}
}

func TestOperatorProver_NeedsAQueue(t *testing.T) {
	_, _, err := runOperator(t, "prover", "--keys", t.TempDir())
	require.ErrorContains(t, err, "queue")
}

func TestPrintProvingStatus_ShowsQueueWorkersAndProgress(t *testing.T) {
	now := time.UnixMilli(100_000)
	var out bytes.Buffer
	printProvingStatus(&out, operator.ProvingStatus{
		Prover: "fleet nats://127.0.0.1:4222", KeyHash: "ab12", TransfersPerSecond: 2.5, QueueDepth: 3, Redeliveries: 1, BadProofs: 0,
		Workers: []operator.ProvingWorkerStatus{{Name: "box-1", ProofsDone: 4, MeanSeconds: 2, Busy: "pay/12"}, {Name: "box-2"}},
		InFlight: []operator.ProvingJobStatus{
			{Index: 12, ElapsedMillis: 5000, Worker: "box-1", WorkerStartedAt: 97_000, Delivered: 2},
			{Index: 13, ElapsedMillis: 4000, Attempt: 1},
		},
	}, now)
	s := out.String()
	require.Contains(t, s, "prover        fleet nats://127.0.0.1:4222: 2 batch(es) in flight, 2.50 transfers/s proven, queue 3 job(s), 1 redelivered, 0 refused")
	require.Contains(t, s, "worker      box-1: 4 proof(s), 2.00s/proof (0.500 proofs/s), proving pay/12")
	require.Contains(t, s, "worker      box-2: 0 proof(s), idle")
	require.Contains(t, s, "batch 12: started 5s ago, on box-1 for 3s (delivery 2)")
	require.Contains(t, s, "batch 13: started 4s ago, waiting for a worker, attempt 2")
	require.Contains(t, s, "  key hash    ab12\n")
	require.Equal(t, 6, strings.Count(s, "\n"))

	out.Reset()
	printProvingStatus(&out, operator.ProvingStatus{Prover: "inline", QueueDepth: -1}, now)
	require.Equal(t, "prover        inline: 0 batch(es) in flight, 0.00 transfers/s proven\n", out.String())
}
