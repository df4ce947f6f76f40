//go:build system && long

package system

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Takeover parameters: the standby submits after this many blocks without
// a batch while it has work; on top of that it needs time to build, prove
// (depth 8, 4 slots: 2-8 s on a loaded 2-core machine) and get its batch
// into a block: the allowance. With 1 s blocks, the primary lands a batch
// well within 20 blocks while it has work.
const (
	takeoverAfterBlocks = 20
	takeoverAllowance   = 20
)

// An operator-set change applies vk_update_delay_blocks after it is made,
// and that delay must be at least the inbox deadline + 2 +
// MinExitReactionBlocks (the users' exit window): the devnet of this test
// gets the least valid pair, so bob joins carol about two minutes in.
const (
	takeoverInboxDeadline = 20
	takeoverOperatorDelay = takeoverInboxDeadline + 2 + rollupstypes.MinExitReactionBlocks
)

// Two operators of one rollup on the real binary: the devnet's payments-a
// operator (carol) is the primary; a second daemon (key bob, added to the
// rollup's operator set) runs as a standby. A wallet sends every transfer
// to both. The primary is SIGKILLed while transfers flow; the standby takes
// over within the takeover delay plus the allowance, every transfer the
// standby accepted is verified, and the bridge invariant holds.
func TestTakeover_StandbyTakesOverFromAKilledPrimary(t *testing.T) {
	// ARRANGE: devnet with its rollups (no demo), 1 s blocks.
	bin := Binary(t)
	home := filepath.Join(t.TempDir(), "devnet")
	p := FreePorts(t, 7)
	env := []string{
		"NATIVECHAIND_BIN=" + bin, "DEVNET_HOME=" + home, "DEVNET_DETACH=1", "DEVNET_SKIP_BUILD=1",
		"DEVNET_P2P_PORT=" + itoa(p[0]), "DEVNET_RPC_PORT=" + itoa(p[1]), "DEVNET_GRPC_PORT=" + itoa(p[2]),
		"DEVNET_API_PORT=" + itoa(p[3]), "DEVNET_OPERATOR_A_PORT=" + itoa(p[4]), "DEVNET_OPERATOR_B_PORT=" + itoa(p[5]),
		"DEVNET_BLOCK_TIME=1s", "DEVNET_WAIT_TIMEOUT=90", "DEVNET_ROLLUPS=1", "DEVNET_DEMO=0", "DEVNET_SECOND_DENOM_ROLLUP=0", "DEVNET_EXCHANGE_ROLLUP=0",
		"DEVNET_KEYS_DIR=" + filepath.Join(RepoRoot(t), "build", "test-keys"), "DEVNET_BATCH_TIMEOUT=500ms",
		"DEVNET_INBOX_DEADLINE_BLOCKS=" + itoa(takeoverInboxDeadline), "DEVNET_VK_UPDATE_DELAY_BLOCKS=" + strconv.FormatUint(takeoverOperatorDelay, 10),
	}
	primaryDir := filepath.Join(home, "operators", "payments-a")
	standbyDir := filepath.Join(home, "operators", "payments-a-standby")
	var standbyCmd *exec.Cmd
	t.Cleanup(func() {
		if t.Failed() {
			for _, dir := range []string{primaryDir, standbyDir} {
				if raw, err := os.ReadFile(filepath.Join(dir, "operator.log")); err == nil {
					lines := strings.Split(string(raw), "\n")
					t.Logf("%s log (last lines):\n%s", filepath.Base(dir), strings.Join(lines[max(0, len(lines)-40):], "\n"))
				}
			}
		}
		if standbyCmd != nil && standbyCmd.Process != nil {
			_ = standbyCmd.Process.Signal(syscall.SIGTERM)
		}
		RunScript(t, time.Minute, env, "devnet.sh", "stop")
	})
	RunScript(t, 6*time.Minute, env, "devnet.sh")
	ncd := func(args ...string) string { return MustRun(t, bin, append(args, "--home", home)...).Stdout }
	addr := func(name string) string {
		return strings.TrimSpace(ncd("keys", "show", name, "-a", "--keyring-backend", "test"))
	}
	carol, bob := addr("carol"), addr("bob")

	// The rollup's operator set: carol (registered it) and bob, from the
	// change's activation height on.
	waitTx(t, bin, home, ncd("tx", "rollups", "update-operators", "payments-a", carol+","+bob, "--from", "carol",
		"--fees", "2000unat", "--gas", "400000", "--yes", "-o", "json"))
	operators := func() []string {
		var rollup struct {
			Rollup struct {
				Operators []string `json:"operators"`
			} `json:"rollup"`
		}
		require.NoError(t, json.Unmarshal([]byte(jsonObjectIn(ncd("q", "rollups", "rollup", "payments-a", "-o", "json"))), &rollup))
		return rollup.Rollup.Operators
	}
	require.Equal(t, []string{carol}, operators(), "an operator change waits for its activation height")
	// The change is in force from its activation height (the inbox is
	// empty, so no protected message holds it back); the stored set follows
	// at the rollup's next write, the primary's next batch.
	var pending struct {
		Rollup struct {
			PendingOperators struct {
				Operators        []string `json:"operators"`
				ActivationHeight string   `json:"activation_height"`
			} `json:"pending_operators"`
		} `json:"rollup"`
	}
	require.NoError(t, json.Unmarshal([]byte(jsonObjectIn(ncd("q", "rollups", "rollup", "payments-a", "-o", "json"))), &pending))
	require.ElementsMatch(t, []string{carol, bob}, pending.Rollup.PendingOperators.Operators)
	activation, err := strconv.ParseInt(pending.Rollup.PendingOperators.ActivationHeight, 10, 64)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		h, err := RPCHeight(p[1])
		return err == nil && h >= activation
	}, 6*time.Minute, time.Second, "height %d (the operator change's activation) not reached", activation)

	// The standby: same rollup and circuit, key bob, standby in operator.json.
	ncd("operator", "init", "payments-a", "--key", "bob", "--param", "depth=8", "--param", "slots=4",
		"--keys-dir", filepath.Join(RepoRoot(t), "build", "test-keys"), "--operator-home", standbyDir,
		"--api-listen", "127.0.0.1:"+itoa(p[6]), "--batch-timeout", "500ms")
	cfg, err := operator.LoadConfig(standbyDir)
	require.NoError(t, err)
	cfg.Standby, cfg.TakeoverAfterBlocks = true, takeoverAfterBlocks
	require.NoError(t, cfg.Save(standbyDir))
	log, err := os.Create(filepath.Join(standbyDir, "operator.log"))
	require.NoError(t, err)
	defer log.Close()
	standbyCmd = exec.Command(bin, "operator", "start", "--operator-home", standbyDir, "--home", home)
	standbyCmd.Stdout, standbyCmd.Stderr = log, log
	require.NoError(t, standbyCmd.Start())
	go func() { _ = standbyCmd.Wait() }()

	primary := wallet.NewClient("http://127.0.0.1:" + itoa(p[4]))
	standby := wallet.NewClient("http://127.0.0.1:" + itoa(p[6]))
	require.Eventually(t, func() bool {
		st, err := standby.Status(t.Context())
		return err == nil && st.Role == "standby"
	}, time.Minute, 200*time.Millisecond, "standby not up")

	alice, bobL2 := loadL2Key(t, home, "alice"), loadL2Key(t, home, "bob")
	for _, d := range []struct{ from, to string }{{"alice", fmt.Sprintf("%x", alice.Public.Address())}, {"bob", fmt.Sprintf("%x", bobL2.Public.Address())}} {
		waitTx(t, bin, home, ncd("tx", "crossrollup", "deposit", "payments-a", d.to, "1000000unat", "--from", d.from,
			"--fees", "2000unat", "--gas", "400000", "--yes", "-o", "json"))
	}
	requireL2(t, primary, alice, "1000000", 0)
	requireL2(t, standby, alice, "1000000", 0) // followed (or built, if it raced the primary)
	requireL2(t, standby, bobL2, "1000000", 0)
	require.ElementsMatch(t, []string{carol, bob}, operators(), "the operator change is in force")

	// ACT: a wallet sends each transfer to the standby, then the primary,
	// every 300 ms; the primary is killed after a few of its batches.
	st, err := standby.Status(t.Context())
	require.NoError(t, err)
	domain := paymentsv1.Domain(st.ChainID, st.RollupID)
	from, err := standby.Account(t.Context(), alice.Public)
	require.NoError(t, err)
	to, err := standby.Account(t.Context(), bobL2.Public)
	require.NoError(t, err)
	one, _ := payments.EncodeAmount(big.NewInt(1))
	minFee, _ := payments.EncodeFee(big.NewInt(operator.DefaultMinFee))
	var (
		mu       sync.Mutex
		accepted []string // ids the standby accepted
		nonce    uint32
	)
	send := func() {
		tx := payments.Tx{Kind: payments.KindTransfer, From: from.Index, To: to.Index, ToKey: bobL2.Public, Amount: one, Fee: minFee, Nonce: nonce}
		tx.Sign(alice, domain, "unat")
		w := payments.ToWire(tx)
		res, err := standby.Submit(t.Context(), w)
		require.NoError(t, err, "the standby refused transfer %d", nonce)
		_, _ = primary.Submit(t.Context(), w) // fails once the primary is dead
		mu.Lock()
		accepted = append(accepted, res.ID)
		mu.Unlock()
		nonce++
	}
	for {
		send()
		time.Sleep(300 * time.Millisecond)
		if st, err := primary.Status(t.Context()); err == nil && st.LastVerified >= 4 && st.MempoolPending > 0 {
			break
		}
		require.Less(t, nonce, uint32(200), "the primary did not land batches of transfers")
	}
	rawPID, err := os.ReadFile(filepath.Join(primaryDir, "operator.pid"))
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(rawPID)))
	require.NoError(t, err)
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	killedAt := time.Now()
	require.Eventually(t, func() bool { return !pidAlive(pid) }, 10*time.Second, 50*time.Millisecond)
	for range 10 { // transfers keep coming, to the survivor only
		send()
		time.Sleep(300 * time.Millisecond)
	}

	// ASSERT: every transfer the standby accepted is verified ...
	for _, id := range accepted {
		waitFinal(t, standby, id)
	}
	allFinal := time.Since(killedAt)
	requireL2(t, standby, alice, strconv.Itoa(1000000-int(nonce)*(1+operator.DefaultMinFee)), nonce)
	requireL2(t, standby, bobL2, strconv.Itoa(1000000+int(nonce)), 0)
	// ... the standby took over within the delay plus the allowance ...
	last := latestBatchIndex(t, ncd)
	var lastPrimary, firstStandby *batchInfo
	for i := uint64(1); i <= last; i++ {
		b := batchAt(t, ncd, p[1], i)
		switch {
		case b.Submitter == carol:
			lastPrimary, firstStandby = &b, nil
		case b.Submitter == bob && firstStandby == nil:
			firstStandby = &b
		}
	}
	require.NotNil(t, lastPrimary, "no batch from the primary")
	require.NotNil(t, firstStandby, "no batch from the standby after the primary's last")
	gap := firstStandby.Height - lastPrimary.Height
	end, err := standby.Status(t.Context())
	require.NoError(t, err)
	t.Logf("takeover: primary's last batch %d at height %d, standby's first batch %d at height %d: gap %d blocks "+
		"(takeover_after_blocks %d + allowance %d); %d transfers, the last verified %.1fs after the SIGKILL; "+
		"standby: last prove %d ms, %d batches followed, %d races lost, role %s",
		lastPrimary.Index, lastPrimary.Height, firstStandby.Index, firstStandby.Height, gap,
		takeoverAfterBlocks, takeoverAllowance, len(accepted), allFinal.Seconds(), end.LastProveMillis, end.BatchesFollowed, end.RacesLost, end.Role)
	require.LessOrEqual(t, gap, int64(takeoverAfterBlocks+takeoverAllowance), "standby took too long to take over")
	require.Equal(t, "standby-active", end.Role)
	require.Empty(t, end.Halted)
	require.Positive(t, end.BatchesFollowed)
	require.Zero(t, end.MempoolPending+end.InFlightTxs)
	// ... and the bridge is whole.
	var inv struct {
		Holds bool `json:"holds"`
	}
	require.NoError(t, json.Unmarshal([]byte(jsonObjectIn(ncd("q", "crossrollup", "invariant", "-o", "json"))), &inv))
	require.True(t, inv.Holds, "bridge invariant")
}

type batchInfo struct {
	Index     uint64
	Height    int64
	Submitter string
}

func latestBatchIndex(t *testing.T, ncd func(...string) string) uint64 {
	t.Helper()
	var r struct {
		Rollup struct {
			NextBatchIndex string `json:"next_batch_index"`
		} `json:"rollup"`
	}
	require.NoError(t, json.Unmarshal([]byte(jsonObjectIn(ncd("q", "rollups", "rollup", "payments-a", "-o", "json"))), &r))
	n, err := strconv.ParseUint(r.Rollup.NextBatchIndex, 10, 64)
	require.NoError(t, err)
	return n - 1
}

func batchAt(t *testing.T, ncd func(...string) string, rpcPort int, i uint64) batchInfo {
	t.Helper()
	var r struct {
		Batch struct {
			Height string `json:"height"`
		} `json:"batch"`
	}
	require.NoError(t, json.Unmarshal([]byte(jsonObjectIn(ncd("q", "rollups", "batch", "payments-a", strconv.FormatUint(i, 10), "-o", "json"))), &r))
	h, err := strconv.ParseInt(r.Batch.Height, 10, 64)
	require.NoError(t, err)
	// The chain's state keeps a compact record; the submitter is in the
	// batch's event (nativechain.rollups.v1.Batch) in its block.
	events, err := blockEvents(rpcPort, h)
	require.NoError(t, err)
	for _, ev := range events {
		if ev.Type == "nativechain.rollups.v1.Batch" && ev.Attrs["rollup_id"] == "payments-a" && ev.Attrs["index"] == strconv.FormatUint(i, 10) {
			return batchInfo{Index: i, Height: h, Submitter: ev.Attrs["submitter"]}
		}
	}
	t.Fatalf("no Batch event of batch %d in block %d", i, h)
	return batchInfo{}
}

// waitTx waits for the transaction in a broadcast's JSON output to be in a
// block with code 0.
func waitTx(t *testing.T, bin, home, out string) {
	t.Helper()
	var res struct {
		TxHash string `json:"txhash"`
		Code   int    `json:"code"`
		RawLog string `json:"raw_log"`
	}
	require.NoError(t, json.Unmarshal([]byte(jsonObjectIn(out)), &res), out)
	require.Zero(t, res.Code, res.RawLog)
	require.Eventually(t, func() bool {
		r := Run(t, bin, "q", "tx", res.TxHash, "--home", home, "-o", "json")
		if r.Err != nil {
			return false
		}
		var q struct {
			Code int `json:"code"`
		}
		require.NoError(t, json.Unmarshal([]byte(jsonObjectIn(r.Stdout)), &q))
		require.Zero(t, q.Code, r.Stdout)
		return true
	}, 30*time.Second, 500*time.Millisecond, "tx %s not included", res.TxHash)
}
