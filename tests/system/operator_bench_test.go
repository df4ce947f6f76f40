//go:build system && long

package system

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
)

// TestOperatorBench_LatencyThroughputGas measures, on the real binary and
// a devnet with 1 s blocks, for each batch size in OPERATOR_BENCH_SLOTS
// (default "4,16"):
//   - latency from a transfer accepted by the API to its batch verified on
//     L1, p50 and p95, with transfers arriving in full batches;
//   - sustained proved transfers per second over a backlog of
//     OPERATOR_BENCH_BACKLOG transfers (default 8 full batches), and the
//     time until all of them are final;
//   - gas used per L2 transfer (a full batch's submit-batch gas / its
//     transfers), against one L1 bank send measured on the same chain.
//
// Results go to the log and to build/operator-bench.txt (docs/PERFORMANCE.md).
func TestOperatorBench_LatencyThroughputGas(t *testing.T) {
	sizes := os.Getenv("OPERATOR_BENCH_SLOTS")
	if sizes == "" {
		sizes = "4,16"
	}
	out, err := os.OpenFile(filepath.Join(RepoRoot(t), "build", "operator-bench.txt"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	defer out.Close()
	for _, s := range strings.Split(sizes, ",") {
		slots, err := strconv.Atoi(strings.TrimSpace(s))
		require.NoError(t, err)
		t.Run(fmt.Sprintf("slots=%d", slots), func(t *testing.T) {
			res := benchOperator(t, slots)
			fmt.Fprintln(out, res)
			t.Log(res)
		})
	}
}

func benchOperator(t *testing.T, slots int) string {
	bin := Binary(t)
	home := filepath.Join(t.TempDir(), "devnet")
	p := FreePorts(t, 6)
	env := []string{
		"NATIVECHAIND_BIN=" + bin, "DEVNET_HOME=" + home, "DEVNET_DETACH=1", "DEVNET_SKIP_BUILD=1",
		"DEVNET_P2P_PORT=" + itoa(p[0]), "DEVNET_RPC_PORT=" + itoa(p[1]), "DEVNET_GRPC_PORT=" + itoa(p[2]),
		"DEVNET_API_PORT=" + itoa(p[3]), "DEVNET_OPERATOR_A_PORT=" + itoa(p[4]), "DEVNET_OPERATOR_B_PORT=" + itoa(p[5]),
		"DEVNET_BLOCK_TIME=1s", "DEVNET_ROLLUPS=1", "DEVNET_DEMO=0", "DEVNET_SECOND_DENOM_ROLLUP=0", "DEVNET_EXCHANGE_ROLLUP=0", "DEVNET_ROLLUP_SLOTS=" + itoa(slots),
		"DEVNET_KEYS_DIR=" + filepath.Join(RepoRoot(t), "build", "test-keys"), "DEVNET_BATCH_TIMEOUT=1s",
	}
	t.Cleanup(func() { RunScript(t, time.Minute, env, "devnet.sh", "stop") })
	RunScript(t, 30*time.Minute, env, "devnet.sh")
	url := "http://127.0.0.1:" + itoa(p[4])
	c := wallet.NewClient(url)
	ctx := t.Context()

	alice, bob := loadL2Key(t, home, "alice"), loadL2Key(t, home, "bob")
	for _, k := range []*payments.PrivateKey{alice, bob} {
		MustRun(t, bin, "tx", "crossrollup", "deposit", "payments-a", fmt.Sprintf("%x", k.Public.Address()), "1000000000unat",
			"--from", map[*payments.PrivateKey]string{alice: "alice", bob: "bob"}[k], "--fees", "2000unat", "--gas", "400000",
			"--yes", "--home", home)
		time.Sleep(1500 * time.Millisecond)
	}
	requireL2(t, c, alice, "1000000000", 0)
	requireL2(t, c, bob, "1000000000", 0)
	st, err := c.Status(ctx)
	require.NoError(t, err)
	from, err := c.Account(ctx, alice.Public)
	require.NoError(t, err)
	to, err := c.Account(ctx, bob.Public)
	require.NoError(t, err)
	domain := paymentsv1.Domain(st.ChainID, st.RollupID)
	nonce := uint32(0)
	one, _ := payments.EncodeAmount(big.NewInt(1))
	fee, _ := payments.EncodeFee(big.NewInt(1))
	submit := func() (string, time.Time) {
		tx := payments.Tx{Kind: payments.KindTransfer, From: from.Index, To: to.Index, ToKey: bob.Public, Amount: one, Fee: fee, Nonce: nonce}
		tx.Sign(alice, domain, "unat")
		nonce++
		for {
			r, err := c.Submit(ctx, payments.ToWire(tx))
			var ae *operator.APIError
			if errors.As(err, &ae) && ae.Code == operator.CodeTooManyPending {
				// One account's backlog is capped (max_pending_per_account,
				// 64): more than the batches in flight, so the prover stays busy.
				time.Sleep(50 * time.Millisecond)
				continue
			}
			require.NoError(t, err)
			return r.ID, time.Now()
		}
	}
	// waitAll polls every id until verified and returns each one's latency.
	waitAll := func(ids []string, at []time.Time) []time.Duration {
		lat := make([]time.Duration, len(ids))
		var wg sync.WaitGroup
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					s, err := c.Tx(ctx, ids[i])
					if err == nil && s.Status == "verified" {
						lat[i] = time.Since(at[i])
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}()
		}
		wg.Wait()
		return lat
	}

	// Latency: 6 rounds of one full batch each, waiting for each round
	// (one round only with OPERATOR_BENCH_GAS_ONLY=1, for large batches).
	rounds, gasOnly := 6, os.Getenv("OPERATOR_BENCH_GAS_ONLY") == "1"
	if gasOnly {
		rounds = 1
	}
	var lats []time.Duration
	for round := 0; round < rounds; round++ {
		var ids []string
		var at []time.Time
		for i := 0; i < slots; i++ {
			id, ts := submit()
			ids, at = append(ids, id), append(at, ts)
		}
		lats = append(lats, waitAll(ids, at)...)
	}
	sort.Slice(lats, func(a, b int) bool { return lats[a] < lats[b] })
	p50, p95 := lats[len(lats)/2], lats[(len(lats)*95+99)/100-1]

	// Throughput: a backlog of 8 full batches, or OPERATOR_BENCH_BACKLOG
	// transfers.
	n, tps, backlogTime := 0, 0.0, time.Duration(0)
	if !gasOnly {
		n = 8 * slots
		if v := os.Getenv("OPERATOR_BENCH_BACKLOG"); v != "" {
			var err error
			n, err = strconv.Atoi(v)
			require.NoError(t, err)
		}
		ids, at := make([]string, n), make([]time.Time, n)
		start := time.Now()
		for i := range n {
			ids[i], at[i] = submit()
		}
		waitAll(ids, at)
		backlogTime = time.Since(start)
		tps = float64(n) / backlogTime.Seconds()
	}

	// Gas: full batches of transfers from the operator's log, and a bank send.
	gasPerTx := fullBatchGas(t, filepath.Join(home, "operators", "payments-a", "operator.log"), slots)
	bobL1 := strings.TrimSpace(MustRun(t, bin, "keys", "show", "bob", "-a", "--keyring-backend", "test", "--home", home).Stdout)
	res := MustRun(t, bin, "tx", "bank", "send", "alice", bobL1, "1unat", "--fees", "2000unat", "--gas", "400000",
		"--yes", "--home", home, "-o", "json")
	var txr struct {
		TxHash string `json:"txhash"`
	}
	require.NoError(t, json.Unmarshal([]byte(jsonObjectIn(res.Stdout)), &txr))
	var bankGas int64
	require.Eventually(t, func() bool {
		r := Run(t, bin, "q", "tx", txr.TxHash, "--home", home, "-o", "json")
		var q struct {
			GasUsed string `json:"gas_used"`
		}
		if r.Err != nil || json.Unmarshal([]byte(jsonObjectIn(r.Stdout)), &q) != nil {
			return false
		}
		bankGas, _ = strconv.ParseInt(q.GasUsed, 10, 64)
		return bankGas > 0
	}, 30*time.Second, 500*time.Millisecond)
	return fmt.Sprintf("slots=%d latency p50=%.2fs p95=%.2fs (n=%d) | throughput %.2f transfers/s (%d in a backlog) | gas per L2 transfer %.0f (batch median %.0f) vs bank send %d: %.1fx cheaper | last prove %.2fs | backlog final in %.1fs",
		slots, p50.Seconds(), p95.Seconds(), len(lats), tps, n, gasPerTx/float64(slots), gasPerTx, bankGas,
		float64(bankGas)/(gasPerTx/float64(slots)), float64(lastProve(t, c))/1000, backlogTime.Seconds())
}

var verifiedLine = regexp.MustCompile(`msg="batch verified" index=(\d+) l2_txs=(\d+) inbox=0 height=\d+ gas_used=(\d+)`)

// fullBatchGas is the median gas of the verified batches with slots L2
// transactions and no inbox message.
func fullBatchGas(t *testing.T, log string, slots int) float64 {
	f, err := os.Open(log)
	require.NoError(t, err)
	defer f.Close()
	var gas []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := verifiedLine.FindStringSubmatch(sc.Text())
		if m == nil || m[2] != itoa(slots) || m[3] == "0" {
			continue
		}
		g, _ := strconv.ParseFloat(m[3], 64)
		gas = append(gas, g)
	}
	require.NotEmpty(t, gas, "no full batch with its gas in %s", log)
	sort.Float64s(gas)
	return gas[len(gas)/2]
}

func lastProve(t *testing.T, c *wallet.Client) int64 {
	st, err := c.Status(t.Context())
	require.NoError(t, err)
	return st.LastProveMillis
}
