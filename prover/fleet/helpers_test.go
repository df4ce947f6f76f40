package fleet

import (
	"context"
	"crypto/sha256"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend/witness"
	"github.com/consensys/gnark/frontend"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/devcircuit"
	"github.com/nativechain/nativechain/prover/setup"
)

// testKeysRoot holds development keys of the dev circuit in both of its
// variants (two key hashes), made once per test binary.
var testKeysRoot = sync.OnceValues(func() (string, error) {
	root, err := os.MkdirTemp("", "fleet-test-keys")
	if err != nil {
		return "", err
	}
	for _, commitment := range []string{"false", "true"} {
		c, err := circuits.Compile(devcircuit.Name, circuits.Params{"commitment": commitment})
		if err != nil {
			return "", err
		}
		if _, err := setup.DevSetup(c, setup.DevSetupOptions{KeysRoot: root}); err != nil {
			return "", err
		}
	}
	return root, nil
})

// testKeys are the dev circuit's keys: plain (no commitment) and
// committed.
func testKeys(t *testing.T) (root string, plain, committed *Key) {
	t.Helper()
	root, err := testKeysRoot()
	require.NoError(t, err)
	keys, err := LoadKeys(root, nil, quietLog())
	require.NoError(t, err)
	require.Len(t, keys, 2)
	for _, k := range keys {
		if k.Circuit == devcircuit.Name+"(commitment=true)" {
			committed = k
		} else {
			plain = k
		}
	}
	require.NotNil(t, plain)
	require.NotNil(t, committed)
	return root, plain, committed
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// testLog shows the fleet's lines with -v.
func testLog(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).With("test", t.Name())
	}
	return quietLog()
}

// freePort is a port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}

// startTestServer starts an embedded server on dir and port (0: any).
func startTestServer(t *testing.T, dir string, port int) *Server {
	t.Helper()
	s, err := StartServer(ServerOptions{Dir: dir, Listen: "127.0.0.1:" + strconv.Itoa(port), Logger: testLog(t)})
	require.NoError(t, err)
	return s
}

func connect(t *testing.T, url, name string) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := Connect(url, name, testLog(t))
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	return nc, js
}

// testWitness is a full witness of the dev circuit for batch index of
// rollup "pay" (committed: the variant with a commitment).
func testWitness(t *testing.T, index uint64, committed bool) witness.Witness {
	t.Helper()
	var one, two fr.Element
	one.SetUint64(1)
	two.SetUint64(2)
	c := protocol.BatchCommitment{ChainID: "fleet-1", RollupID: "pay", BatchIndex: index, PrevStateRoot: one, NewStateRoot: two,
		DAHash: protocol.DAHash([]byte("abc")), InboxBefore: protocol.InboxAccumulatorGenesis(), InboxAfter: protocol.InboxAccumulatorGenesis(),
		OutboxHash: protocol.OutboxHash(nil), L2TxCount: 3, Submitter: []byte{1, 2, 3, 4}}
	a, err := devcircuit.Assignment(c)
	require.NoError(t, err)
	var assignment frontend.Circuit = a
	if committed {
		assignment = &devcircuit.CommittedCircuit{Circuit: *a}
	}
	w, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	require.NoError(t, err)
	return w
}

// fleetUnderTest is one server, an operator-side Prover and the workers a
// test starts.
type fleetUnderTest struct {
	t      *testing.T
	dir    string
	server *Server
	url    string
	prover *Prover
	plain  *Key
	commit *Key
}

func newFleet(t *testing.T) *fleetUnderTest {
	t.Helper()
	_, plain, committed := testKeys(t)
	f := &fleetUnderTest{t: t, dir: t.TempDir(), plain: plain, commit: committed}
	f.server = startTestServer(t, f.dir, 0)
	t.Cleanup(func() { f.server.Shutdown() })
	f.url = f.server.URL()
	nc, _ := connect(t, f.url, "operator")
	p, err := NewProver(context.Background(), nc, Verifier{KeyHash: plain.Hash, Circuit: plain.Circuit, VK: plain.VK},
		ProverOptions{QueueURL: f.url, PollInterval: 200 * time.Millisecond, Logger: testLog(t)})
	require.NoError(t, err)
	t.Cleanup(p.Close)
	f.prover = p
	return f
}

// testWorker is a worker with its own connection, so a test can kill it.
type testWorker struct {
	w      *Worker
	nc     *nats.Conn
	cancel context.CancelFunc
	done   chan struct{}
}

// startWorker starts a worker; prove, if not nil, replaces its prover.
func (f *fleetUnderTest) startWorker(name string, keys []*Key, opts WorkerOptions, prove func(*Key, []byte) ([]byte, error)) *testWorker {
	t := f.t
	t.Helper()
	nc, js := connect(t, f.url, name)
	opts.Name = name
	if opts.AckWait == 0 {
		opts.AckWait = 2 * time.Second
	}
	opts.FetchWait = 200 * time.Millisecond
	opts.StatsInterval = 200 * time.Millisecond
	opts.Logger = testLog(t)
	w, err := NewWorker(js, keys, opts)
	require.NoError(t, err)
	if prove != nil {
		w.prove = prove
	}
	ctx, cancel := context.WithCancel(context.Background())
	tw := &testWorker{w: w, nc: nc, cancel: cancel, done: make(chan struct{})}
	go func() { _ = w.Run(ctx); close(tw.done) }()
	t.Cleanup(tw.stop)
	return tw
}

func (w *testWorker) stop() {
	w.cancel()
	<-w.done
}

// kill is a worker process dying: its connection drops with no ack and
// no nak.
func (w *testWorker) kill() {
	w.nc.Close()
	w.cancel()
	<-w.done
}

// streamMsgs is the number of messages in stream name.
func streamMsgs(t *testing.T, js jetstream.JetStream, name string) uint64 {
	t.Helper()
	s, err := js.Stream(context.Background(), name)
	require.NoError(t, err)
	info, err := s.Info(context.Background())
	require.NoError(t, err)
	return info.State.Msgs
}

type proveResult struct {
	proof []byte
	err   error
}

// proveAsync runs ProveWitness in the background.
func (f *fleetUnderTest) proveAsync(index uint64, w witness.Witness) chan proveResult {
	ch := make(chan proveResult, 1)
	go func() {
		proof, err := f.prover.ProveWitness(context.Background(), "pay", index, w)
		ch <- proveResult{proof, err}
	}()
	return ch
}

func waitProof(t *testing.T, ch chan proveResult, within time.Duration) []byte {
	t.Helper()
	select {
	case r := <-ch:
		require.NoError(t, r.err)
		return r.proof
	case <-time.After(within):
		t.Fatalf("no proof within %s", within)
		return nil
	}
}

func sha256Sum(bz []byte) [32]byte { return sha256.Sum256(bz) }

func witnessHash(t *testing.T, w witness.Witness) [32]byte {
	t.Helper()
	bz, err := w.MarshalBinary()
	require.NoError(t, err)
	return sha256.Sum256(bz)
}

// splitHostPort splits a nats://host:port URL.
func splitHostPort(url string) (string, string, error) {
	return net.SplitHostPort(strings.TrimPrefix(url, "nats://"))
}
