package cmd

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/fleet"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/setup"
)

const (
	flagQueue       = "queue"
	flagQueueListen = "queue-listen"
	flagWorkers     = "workers"
	flagWorkerName  = "name"
	flagKeyHash     = "key-hash"
	flagAckWait     = "ack-wait"
	flagBackend     = "backend"
	flagProverMode  = "prover"
)

// applyFleetFlags lets the command line override the fleet settings of
// operator.json.
func applyFleetFlags(cmd *cobra.Command, c *operator.Config) {
	if cmd.Flags().Changed(flagQueue) {
		c.QueueURL, _ = cmd.Flags().GetString(flagQueue)
	}
	if cmd.Flags().Changed(flagQueueListen) {
		c.QueueListen, _ = cmd.Flags().GetString(flagQueueListen)
	}
	if cmd.Flags().Changed(flagWorkers) {
		n, _ := cmd.Flags().GetInt(flagWorkers)
		c.Workers = &n
	}
	if cmd.Flags().Changed(flagProverMode) {
		c.Prover, _ = cmd.Flags().GetString(flagProverMode)
	}
	if cmd.Flags().Changed(flagAckWait) {
		d, _ := cmd.Flags().GetDuration(flagAckWait)
		c.AckWait = d.String()
	}
}

func addFleetFlags(cmd *cobra.Command) {
	cmd.Flags().String(flagQueue, "", "NATS server of an external prover fleet, nats://HOST:PORT (default: an embedded server, queue_listen)")
	cmd.Flags().String(flagQueueListen, "", "listen address of the embedded queue (default "+operator.DefaultQueueListen+"; port 0 picks a free one)")
	cmd.Flags().Int(flagWorkers, 0, "prover workers inside this process (default 1 with the embedded queue, 0 with --queue)")
	cmd.Flags().String(flagProverMode, "", `"fleet" (default: prove through the queue) or "inline" (prove in this process, no queue)`)
	cmd.Flags().Duration(flagAckWait, 0, "ack_wait: the in-process workers' ack deadline, a job not marked in progress for this long goes to another worker (default 30s)")
}

// operatorProver is the Prover of `operator start`: inline, or a fleet
// with its connection, its embedded server and its in-process workers.
type operatorProver struct {
	operator.Prover
	queueURL string
	server   *fleet.Server
	nc       *nats.Conn
	fleet    *fleet.Prover
	stop     context.CancelFunc
	workers  sync.WaitGroup
}

// startOperatorProver builds the operator's Prover from its config: it
// loads the proving key only where this process proves (inline, or
// in-process workers), else the verifying key alone.
func startOperatorProver(ctx context.Context, c operator.Config, home string, stderr io.Writer, log *slog.Logger) (*operatorProver, error) {
	workers := c.InProcessWorkers()
	ackWait, err := c.WorkerAckWait()
	if err != nil {
		return nil, err
	}
	if c.ProverMode() == operator.ProverInline {
		p, _, err := loadOperatorKeys(c, stderr)
		if err != nil {
			return nil, err
		}
		return &operatorProver{Prover: operator.NewInlineProver(p)}, nil
	}
	var key *fleet.Key
	var verifier fleet.Verifier
	if workers > 0 {
		p, keys, err := loadOperatorKeys(c, stderr)
		if err != nil {
			return nil, err
		}
		key = &fleet.Key{Hash: keys.Manifest.VerifyingKey.SHA256, Circuit: circuits.Describe(keys.Manifest.Circuit, keys.Manifest.Params),
			CS: p.CS, PK: keys.PK, VK: keys.VK}
		verifier = fleet.Verifier{KeyHash: key.Hash, Circuit: key.Circuit, VK: key.VK}
	} else {
		var err error
		if verifier, err = loadOperatorVerifier(c, stderr); err != nil {
			return nil, err
		}
	}

	op := &operatorProver{}
	url := c.QueueURL
	if url == "" {
		listen, fallback := c.QueueListen, false
		if listen == "" {
			listen, fallback = operator.DefaultQueueListen, true
		}
		s, err := fleet.StartServer(fleet.ServerOptions{Dir: filepath.Join(home, "queue"), Listen: listen,
			FallbackToRandomPort: fallback, Logger: log})
		if err != nil {
			return nil, err
		}
		op.server, url = s, s.URL()
		if s.FellBack {
			log.Warn("the default queue address is taken (another operator on this machine?); the embedded queue listens on a free port",
				"default", listen, "url", url, "fix", "set queue_listen in operator.json")
		}
		log.Info("embedded queue running", "url", url, "dir", filepath.Join(home, "queue"))
	}
	op.queueURL = url
	nc, err := fleet.Connect(url, "operator "+c.RollupID, log)
	if err != nil {
		op.Close()
		return nil, err
	}
	op.nc = nc
	if op.fleet, err = fleet.NewProver(ctx, nc, verifier, fleet.ProverOptions{QueueURL: url, Logger: log}); err != nil {
		op.Close()
		return nil, err
	}
	op.Prover = op.fleet
	wctx, stop := context.WithCancel(ctx)
	op.stop = stop
	if workers > 0 {
		js, err := jetstream.New(nc)
		if err != nil {
			op.Close()
			return nil, err
		}
		host, _ := os.Hostname()
		for i := range workers {
			name := fleet.WorkerName(fmt.Sprintf("%s-%s-%d", host, c.RollupID, i+1))
			k := key
			if i > 0 { // workers side by side need a constraint system each (fleet.Key)
				if k, err = key.Clone(); err != nil {
					op.Close()
					return nil, err
				}
			}
			op.workers.Add(1)
			go func() {
				defer op.workers.Done()
				if err := fleet.RunWorker(wctx, js, []*fleet.Key{k}, fleet.WorkerOptions{Name: name, AckWait: ackWait, Logger: log}); err != nil && wctx.Err() == nil {
					log.Error("in-process prover worker stopped", "worker", name, "err", err)
				}
			}()
		}
	}
	log.Info("prover fleet", "queue", url, "key_hash", verifier.KeyHash, "in_process_workers", workers)
	return op, nil
}

// Close stops the in-process workers, the connection and the embedded
// server.
func (p *operatorProver) Close() {
	if p.stop != nil {
		p.stop()
	}
	p.workers.Wait()
	if p.fleet != nil {
		p.fleet.Close()
	}
	if p.nc != nil {
		p.nc.Close()
	}
	if p.server != nil {
		p.server.Shutdown()
	}
}

// loadOperatorVerifier loads the configured circuit's verifying key (and
// its key hash) without the proving key: an operator whose workers run
// elsewhere.
func loadOperatorVerifier(c operator.Config, log io.Writer) (fleet.Verifier, error) {
	dir, m, err := checkedOperatorKeys(c, log)
	if err != nil {
		return fleet.Verifier{}, err
	}
	bz, err := os.ReadFile(filepath.Join(dir, setup.VerifyingKeyFile))
	if err != nil {
		return fleet.Verifier{}, err
	}
	vk := groth16.NewVerifyingKey(ecc.BN254)
	if _, err := vk.ReadFrom(bytes.NewReader(bz)); err != nil {
		return fleet.Verifier{}, fmt.Errorf("%s: %w", filepath.Join(dir, setup.VerifyingKeyFile), err)
	}
	h := sha256.Sum256(bz)
	return fleet.Verifier{KeyHash: hex.EncodeToString(h[:]), Circuit: circuits.Describe(m.Circuit, m.Params), VK: vk}, nil
}

func operatorProverCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prover",
		Short: "Run a prover worker of a fleet: pull proving jobs from a NATS JetStream queue, prove them, publish the proofs",
		Long: `Connects to the queue of one or more operators (the embedded server of
'operator start', or an external NATS cluster), loads every key set under
--keys (or only those named by --key-hash) and proves the jobs of those
key hashes, one at a time, until interrupted. A job for a key this worker
does not hold never reaches it. While it proves, the worker marks the job
in progress; a worker that dies mid-proof loses the job to another worker
after the ack deadline. Each proof is checked against the verifying key
before it is published; the operator checks it again.

Workers may run on any number of machines; each needs the key set
(pk.bin, vk.bin, keys.json) of the rollup's circuit, copied from the
operator's keys directory. See docs/operator-guide.md, "Prover fleet".`,
		Example: `nativechaind operator prover --queue nats://10.0.0.5:4222 --keys ~/.nativechain/keys --name big-box-1`,
		Args:    cobra.NoArgs,
		RunE:    runOperatorProver,
	}
	cmd.Flags().String(flagQueue, "", "NATS server of the fleet, nats://HOST:PORT (the operator's queue_listen or queue_url)")
	cmd.Flags().String(flagKeys, "", "key cache root (<root>/<circuit hash>/) or one key set directory (default $HOME/.nativechain/keys)")
	cmd.Flags().String(flagWorkerName, "", "this worker's name in status and metrics (default <hostname>-<pid>)")
	cmd.Flags().StringArray(flagKeyHash, nil, "prove only for this key hash (SHA-256 of vk.bin; repeatable; default every key set under --keys)")
	cmd.Flags().Duration(flagAckWait, 30*time.Second, "a job not marked in progress for this long goes to another worker")
	cmd.Flags().String(flagBackend, fleet.BackendCPU, `prover backend: "cpu" (gnark, every core) or "icicle" (NVIDIA GPU; only in a binary built with -tags icicle); this binary has: `+strings.Join(fleet.Backends(), ", "))
	_ = cmd.MarkFlagRequired(flagQueue)
	return cmd
}

func runOperatorProver(cmd *cobra.Command, _ []string) error {
	url, _ := cmd.Flags().GetString(flagQueue)
	root, _ := cmd.Flags().GetString(flagKeys)
	if root == "" {
		var err error
		if root, err = setup.DefaultKeysRoot(); err != nil {
			return err
		}
	}
	name, _ := cmd.Flags().GetString(flagWorkerName)
	if name == "" {
		host, _ := os.Hostname()
		name = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	name = fleet.WorkerName(name)
	only, _ := cmd.Flags().GetStringArray(flagKeyHash)
	ackWait, _ := cmd.Flags().GetDuration(flagAckWait)
	backendName, _ := cmd.Flags().GetString(flagBackend)
	backend, err := fleet.NewBackend(backendName)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
	quietGnark()
	fmt.Fprintf(cmd.ErrOrStderr(), "loading key sets from %s (compiling their circuits)...\n", root)
	keys, err := fleet.LoadKeys(root, only, logger)
	if err != nil {
		return err
	}
	for _, k := range keys {
		fmt.Fprintf(cmd.ErrOrStderr(), "key %s: %s, %d constraints\n", k.Hash, k.Circuit, k.CS.GetNbConstraints())
	}
	nc, err := fleet.Connect(url, "prover "+name, logger)
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger.Info("prover worker running", "worker", name, "queue", url, "keys", len(keys), "backend", backend.Name())
	err = fleet.RunWorker(ctx, js, keys, fleet.WorkerOptions{Name: name, AckWait: ackWait, Backend: backend, Logger: logger})
	logger.Info("prover worker stopped", "worker", name)
	return err
}
