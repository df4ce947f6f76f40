//go:build system

package system

import (
	"bufio"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
)

// fleetAckWait is the ack deadline of the fleet tests' workers (operator
// start --ack-wait, operator prover --ack-wait): a killed worker's job
// comes back after this long instead of the default 30 s.
const fleetAckWait = "3s"

// fleetRig is a one-validator chain with a payments rollup (depth 8,
// 4 slots; keys cached in build/test-keys) whose operator proves through
// a prover fleet, and the processes of that fleet: the tests start
// `operator start` and `operator prover` as a user would.
type fleetRig struct {
	t        *testing.T
	bin      string
	n        *Node
	rollupID string
	keys     string // the key cache root (operator setup --keys-dir)
	opDir    string
	opURL    string
	cl       *wallet.Client
	alice    *payments.PrivateKey
	bob      *payments.PrivateKey
	aliceIdx uint32
	bobIdx   uint32
	domain   fr.Element
	nonce    uint32 // alice's next L2 nonce
	sent     int    // L2 transfers accepted
	deposits int    // deposits consumed into batches
	procs    []*rigProc
}

// rigProc is one process of the rig (the operator, a worker), its output
// appended to log.
type rigProc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

// newFleetRig starts the chain, makes the keys, and inits and registers
// the rollup's operator with the extra `operator init` args (the queue).
func newFleetRig(t *testing.T, rollupID string, initArgs ...string) *fleetRig {
	t.Helper()
	bin := Binary(t)
	c := NewSingleNodeChain(t, "alice", "bob", "carol")
	n := c.Node
	EditTOML(t, filepath.Join(n.Home, "config", "client.toml"),
		TOMLEdit{"", "node", Str(n.Ports.NodeRPC())},
		TOMLEdit{"", "chain-id", Str(n.ChainID)},
		TOMLEdit{"", "keyring-backend", Str("test")},
	)
	n.Start(t)
	n.WaitForHeight(t, 2, startTimeout)

	r := &fleetRig{t: t, bin: bin, n: n, rollupID: rollupID, keys: filepath.Join(RepoRoot(t), "build", "test-keys"),
		opDir: filepath.Join(t.TempDir(), "operator")}
	runLong(t, 15*time.Minute, bin, "operator", "setup", "--circuit", "payments", "--param", "depth=8", "--param", "slots=4", "--keys-dir", r.keys)
	apiPort := FreePorts(t, 1)[0]
	r.opURL = fmt.Sprintf("http://127.0.0.1:%d", apiPort)
	n.MustExec(t, append([]string{"operator", "init", rollupID, "--key", "carol", "--param", "depth=8", "--param", "slots=4",
		"--keys-dir", r.keys, "--operator-home", r.opDir, "--api-listen", fmt.Sprintf("127.0.0.1:%d", apiPort), "--batch-timeout", "500ms"},
		initArgs...)...)
	n.MustExec(t, "operator", "register", "--operator-home", r.opDir, "--bond", "10000000"+Denom, "--yes",
		"--fees", "20000"+Denom, "--gas", "600000", "--broadcast-mode", "sync")
	require.Eventually(t, func() bool {
		return n.Exec(t, "query", "rollups", "rollup", rollupID).ExitCode == 0
	}, 30*time.Second, 300*time.Millisecond, "rollup not registered")
	for _, name := range []string{"alice", "bob"} {
		n.MustExec(t, "l2", "keys", "add", name, "--from-l1", name)
	}
	r.alice, r.bob = loadL2Key(t, n.Home, "alice"), loadL2Key(t, n.Home, "bob")
	r.cl = wallet.NewClient(r.opURL)
	t.Cleanup(r.stopAll)
	return r
}

// start runs the binary with args as a background process named name,
// its output appended to <dir>/<name>.log.
func (r *fleetRig) start(name string, args ...string) *rigProc {
	t := r.t
	t.Helper()
	logPath := filepath.Join(filepath.Dir(r.opDir), name+".log")
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	cmd := exec.Command(r.bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	require.NoError(t, cmd.Start())
	p := &rigProc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); _ = f.Close(); close(p.done) }()
	r.procs = append(r.procs, p)
	return p
}

// startOperator runs `operator start` (extra: flags after the README's).
func (r *fleetRig) startOperator(extra ...string) *rigProc {
	r.t.Helper()
	p := r.start("operator", append([]string{"operator", "start", "--operator-home", r.opDir, "--home", r.n.Home}, extra...)...)
	require.Eventually(r.t, func() bool { _, err := r.cl.Status(r.t.Context()); return err == nil }, time.Minute, 200*time.Millisecond,
		"operator API; log:\n%s", tailFile(p.log, 30))
	return p
}

// startWorker runs `operator prover` (the README's command) as worker name
// and waits until it pulls jobs.
func (r *fleetRig) startWorker(name, queueURL, keyHash string) *rigProc {
	r.t.Helper()
	p := r.start(name, "operator", "prover", "--queue", queueURL, "--keys", r.keys, "--key-hash", keyHash, "--name", name,
		"--ack-wait", fleetAckWait)
	require.Eventually(r.t, func() bool { return strings.Contains(readFile(p.log), `msg="worker ready"`) }, 2*time.Minute, 100*time.Millisecond,
		"worker %s not ready; log:\n%s", name, tailFile(p.log, 30))
	return p
}

// kill sends sig and waits for the process to end.
func (p *rigProc) kill(t *testing.T, sig syscall.Signal) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(sig))
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not end after %s", p.name, sig)
	}
}

func (r *fleetRig) stopAll() {
	for _, p := range r.procs {
		_ = p.cmd.Process.Kill()
		<-p.done
		if r.t.Failed() {
			r.t.Logf("%s log (last lines):\n%s", p.name, tailFile(p.log, 40))
		}
	}
	r.procs = nil
}

// queueOfStatus reads, as the README shows, the queue URL and key hash
// from `operator status | grep -A1 '^prover'`.
func (r *fleetRig) queueOfStatus() (url, keyHash string) {
	t := r.t
	t.Helper()
	re := regexp.MustCompile(`(?m)^prover\s+fleet (nats://\S+): .*\n\s+key hash\s+([0-9a-f]{64})$`)
	var out string
	require.Eventually(t, func() bool {
		out = MustRun(t, r.bin, "operator", "status", "--operator-home", r.opDir).Stdout
		return re.MatchString(out)
	}, 30*time.Second, 300*time.Millisecond, "no fleet prover in operator status:\n%s", out)
	m := re.FindStringSubmatch(out)
	return m[1], m[2]
}

// fund deposits to alice and bob on L2 and waits until both are verified.
func (r *fleetRig) fund() {
	t := r.t
	t.Helper()
	n := r.n
	addr := func(k *payments.PrivateKey) string { return fmt.Sprintf("%x", k.Public.Address()) }
	n.WaitForTx(t, n.MustBroadcast(t, "crossrollup", "deposit", r.rollupID, addr(r.alice), "1000000"+Denom, "--from", "alice", "--gas", "400000"), time.Minute)
	n.WaitForTx(t, n.MustBroadcast(t, "crossrollup", "deposit", r.rollupID, addr(r.bob), "10000"+Denom, "--from", "bob", "--gas", "400000"), time.Minute)
	r.deposits = 2
	requireL2(t, r.cl, r.alice, "1000000", 0)
	requireL2(t, r.cl, r.bob, "10000", 0)
	st, err := r.cl.Status(t.Context())
	require.NoError(t, err)
	r.domain = paymentsv1.Domain(st.ChainID, st.RollupID)
	a, err := r.cl.Account(t.Context(), r.alice.Public)
	require.NoError(t, err)
	b, err := r.cl.Account(t.Context(), r.bob.Public)
	require.NoError(t, err)
	r.aliceIdx, r.bobIdx = a.Index, b.Index
}

// send submits count transfers of 1 (fee 1) from alice to bob and returns
// their ids.
func (r *fleetRig) send(count int) []string {
	t := r.t
	t.Helper()
	fee, err := payments.EncodeFee(big.NewInt(1))
	require.NoError(t, err)
	amount, err := payments.EncodeAmount(big.NewInt(1))
	require.NoError(t, err)
	var ids []string
	for range count {
		tx := payments.Tx{Kind: payments.KindTransfer, From: r.aliceIdx, To: r.bobIdx, ToKey: r.bob.Public, Amount: amount, Fee: fee, Nonce: r.nonce}
		tx.Sign(r.alice, r.domain, Denom)
		res, err := r.cl.Submit(t.Context(), payments.ToWire(tx))
		require.NoError(t, err)
		r.nonce++
		r.sent++
		ids = append(ids, res.ID)
	}
	return ids
}

// requireAllFinalOnce waits until every id is verified on L1, then checks
// that every transfer and deposit was applied exactly once: alice's and
// bob's verified balances and nonces, the chain's batches (consecutive,
// each starting from its predecessor's root, the last one the operator's
// verified root) and the sum of their transaction counts. A lost batch
// would leave a transfer unverified; a duplicated one would count twice
// or be refused by the chain (the operator logs no refused batch).
func (r *fleetRig) requireAllFinalOnce(ids []string) (batches int) {
	t := r.t
	t.Helper()
	for _, id := range ids {
		waitFinal(t, r.cl, id)
	}
	requireL2(t, r.cl, r.alice, strconv.Itoa(1_000_000-2*r.sent), r.nonce)
	requireL2(t, r.cl, r.bob, strconv.Itoa(10_000+r.sent), 0)
	st, err := r.cl.Status(t.Context())
	require.NoError(t, err)
	require.Empty(t, st.Halted)
	require.Zero(t, st.MempoolPending+st.InFlightTxs)

	rollup := r.n.Query(t, "rollups", "rollup", r.rollupID)
	next, ok := findKey(rollup, "next_batch_index")
	require.True(t, ok, "%v", rollup)
	last := jsonNumber(next) - 1
	require.EqualValues(t, st.LastVerified, last, "the operator's verified batch is the chain's last")
	var txs int64
	var prevRoot any
	for i := int64(1); i <= last; i++ {
		b := r.n.Query(t, "rollups", "batch", r.rollupID, strconv.FormatInt(i, 10))
		idx, _ := findKey(b, "index")
		require.EqualValues(t, i, jsonNumber(idx))
		if i > 1 {
			prev, _ := findKey(b, "prev_state_root")
			require.Equal(t, prevRoot, prev, "batch %d starts where batch %d ended", i, i-1)
		}
		prevRoot, _ = findKey(b, "new_state_root")
		txs += r.batchTxCount(i, b)
	}
	require.EqualValues(t, r.sent+r.deposits, txs, "every transfer and deposit in exactly one batch on L1")
	require.NotContains(t, readFile(filepath.Join(filepath.Dir(r.opDir), "operator.log")), "rejected", "no batch refused by the chain")
	return int(last)
}

// batchTxCount is batch i's L2 transaction count from its typed event
// (nativechain.rollups.v1.Batch) in the block the compact batch record b
// names: the state keeps no count (issue 17).
func (r *fleetRig) batchTxCount(i int64, b map[string]any) int64 {
	t := r.t
	t.Helper()
	h, ok := findKey(b, "height")
	require.True(t, ok, "batch %d record has its height: %v", i, b)
	events, err := blockEvents(r.n.Ports.RPC, jsonNumber(h))
	require.NoError(t, err)
	for _, ev := range events {
		if ev.Type == "nativechain.rollups.v1.Batch" && ev.Attrs["rollup_id"] == r.rollupID && ev.Attrs["index"] == strconv.FormatInt(i, 10) {
			n, err := strconv.ParseInt(ev.Attrs["l2_tx_count"], 10, 64)
			require.NoError(t, err, "batch %d event: %v", i, ev.Attrs)
			return n
		}
	}
	t.Fatalf("no Batch event of %s batch %d in block %d", r.rollupID, i, jsonNumber(h))
	return 0
}

// provingLine is a worker's `proving job <work id>` log line.
var provingLine = regexp.MustCompile(`msg="proving job ([0-9a-f]{64}(?:-\d+)?)".* index=(\d+)`)

// killMidProof waits until worker w starts a job (its `proving job` line)
// and SIGKILLs it before the job's `job proven` line: the returned work
// id and batch index are of a job the worker died proving. A job that
// ended between the line and the kill (a worker too fast for the check)
// fails the test rather than passing it without a redelivery.
func killMidProof(t *testing.T, w *rigProc, within time.Duration) (workID string, index uint64) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		log := readFile(w.log)
		for _, m := range provingLine.FindAllStringSubmatch(log, -1) {
			if !jobProven(log, m[1]) {
				workID = m[1]
				index, _ = strconv.ParseUint(m[2], 10, 64)
			}
		}
		if workID != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("worker %s started no job within %s; log:\n%s", w.name, within, tailFile(w.log, 30))
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.kill(t, syscall.SIGKILL)
	after := readFile(w.log)
	require.False(t, jobProven(after, workID), "worker %s finished job %s before the kill", w.name, workID)
	t.Logf("worker %s killed proving batch %d (job %s)", w.name, index, workID)
	return workID, index
}

// jobProven reports whether a worker's log has the `job proven` line of
// workID.
func jobProven(log, workID string) bool {
	return regexp.MustCompile(`(?m)msg="job proven"[^\n]* job=` + regexp.QuoteMeta(workID) + `( |$)`).MatchString(log)
}

// metric reads one series of the operator's /metrics.
func (r *fleetRig) metric(name string) float64 {
	r.t.Helper()
	res, err := http.Get(r.opURL + "/metrics")
	require.NoError(r.t, err)
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			require.NoError(r.t, err, line)
			return v
		}
	}
	r.t.Fatalf("no %s on %s/metrics", name, r.opURL)
	return 0
}

func readFile(path string) string {
	bz, _ := os.ReadFile(path)
	return string(bz)
}
