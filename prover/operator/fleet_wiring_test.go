package operator_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log/slog"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/fleet"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
)

// The operator proves through a real fleet: an embedded queue and two
// workers proving real payments batches, every proof checked by the
// operator against the verifying key before it reaches the chain.
func TestOperator_ProvesThroughTheFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("a Groth16 setup and real proofs of the payments circuit")
	}
	params := payments.Params{Depth: 2, Slots: 2, Denom: "unat"}
	dev, err := payments.NewDevProver(params)
	require.NoError(t, err)
	vkBytes, err := dev.VerifyingKeyBytes()
	require.NoError(t, err)
	h := sha256.Sum256(vkBytes)
	key := &fleet.Key{Hash: hex.EncodeToString(h[:]), Circuit: "payments(depth=2,slots=2)", CS: dev.CS, PK: dev.PK, VK: dev.VK}

	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	server, err := fleet.StartServer(fleet.ServerOptions{Dir: t.TempDir(), Listen: "127.0.0.1:0", Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(server.Shutdown)
	nc, err := fleet.Connect(server.URL(), "operator", quiet)
	require.NoError(t, err)
	t.Cleanup(nc.Close)
	ctx, cancel := context.WithCancel(context.Background())
	prover, err := fleet.NewProver(ctx, nc, fleet.Verifier{KeyHash: key.Hash, Circuit: key.Circuit, VK: key.VK},
		fleet.ProverOptions{QueueURL: server.URL(), PollInterval: 200 * time.Millisecond, Logger: quiet})
	require.NoError(t, err)
	t.Cleanup(prover.Close)
	js, err := jetstream.New(nc)
	require.NoError(t, err)
	second, err := key.Clone() // two workers prove side by side: one constraint system each
	require.NoError(t, err)
	workersDone := make(chan struct{}, 2)
	for name, k := range map[string]*fleet.Key{"w1": key, "w2": second} {
		go func() {
			_ = fleet.RunWorker(ctx, js, []*fleet.Key{k}, fleet.WorkerOptions{Name: name, FetchWait: 200 * time.Millisecond,
				StatsInterval: 200 * time.Millisecond, Logger: quiet})
			workersDone <- struct{}{}
		}()
	}

	chain := operator.NewRealProofChain("pay", params)
	alice, bob := operator.KeyForTest(t, 1), operator.KeyForTest(t, 2)
	chain.Deposit(alice.Public, 1000)
	chain.Deposit(bob.Public, 10)
	op, err := operator.Open(ctx, dbm.NewMemDB(), chain, prover, operator.OptionsForTest(params), false)
	require.NoError(t, err)
	done := make(chan struct{})
	go func() { _ = op.Run(ctx); close(done) }()
	t.Cleanup(func() {
		cancel()
		<-done
		<-workersDone
		<-workersDone
	})
	waitVerified := func(index uint64) {
		require.Eventually(t, func() bool { return op.Status().LastVerified >= index }, 2*time.Minute, 50*time.Millisecond,
			"batch %d not verified: %+v", index, op.Status())
	}
	waitVerified(1)

	for n := uint32(0); n < 6; n++ { // three full batches, proven side by side
		_, err := op.Submit(operator.Transfer(t, op, alice, 0, 1, 10, 1, n))
		require.NoError(t, err)
	}
	waitVerified(4)
	a, err := op.Account(alice.Public.Address())
	require.NoError(t, err)
	require.Equal(t, "934", a.(payments.AccountView).VerifiedBalance)
	for i := uint64(1); i <= 4; i++ {
		require.Equal(t, 1, chain.Applied(i), "batch %d", i)
	}
	st := op.Status()
	require.Empty(t, st.Halted)
	require.Equal(t, "fleet "+server.URL(), st.Proving.Prover)
	require.Zero(t, st.Proving.BadProofs)
	require.Eventually(t, func() bool { return len(op.Status().Proving.Workers) == 2 }, 5*time.Second, 50*time.Millisecond)
}
