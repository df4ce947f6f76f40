//go:build system && long

package system

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
)

// The share of synchronous cross-rollup swaps under load (issue 19,
// docs/spec/sync-calls.md): the devnet with its demo (the exchange's
// operator leads the rounds; payments-a and payments-usdc are its peers),
// then SYNCLOAD_USERS users (default 20), each with a random L2 key funded
// on payments-a by an L1 deposit, make SYNCLOAD_SWAPS swaps each (default
// 10) of 100unat (fee 1, min-out 1uusdc) via the exchange onto their own
// account on payments-usdc, all users at once. Each user's swaps follow one
// another, each with `l2 swap --wait` (the user waits for the outcome
// before the next, as a wallet does: the next send's nonce is the one after
// the credit, and the CLI's own tracker gives the outcome and the heights).
//
// It asserts correctness only: every swap ends sync or async, none
// rejected, and value is conserved exactly (payments-a's escrow and the
// users' balances lose the amounts and fees, the exchange's pool and
// escrow gain the inputs and lose the outputs, payments-usdc's escrow and
// the users' balances there gain the outputs, the bridge invariant holds).
// The share, latencies and gas are measured and printed (a line
// beginning SYNCLOAD), never asserted. Then a baseline for the gas: one
// swap for each of up to 8 users with payments-a's operator restarted with
// the sync fault "mismatch" (the leader refuses its offers, so every swap
// goes as three separate batch transactions through the bridge), checked
// the same way; its line begins SYNCLOAD_SOLO.
//
// Knobs (environment): SYNCLOAD_USERS, SYNCLOAD_SWAPS, SYNCLOAD_BLOCK_TIME
// (default the devnet's 1s), SYNCLOAD_BATCH_TIMEOUT (default the devnet's
// 1s), SYNCLOAD_ROUND_BLOCKS (default the devnet's 40), SYNCLOAD_LOGS (a
// directory: the operators' logs and every SwapResult are copied there).
//
//	make build && NATIVECHAIND_BIN=$PWD/build/nativechaind SYNCLOAD_USERS=20 SYNCLOAD_SWAPS=10 \
//	  go test -tags 'system long' -run TestSyncCall_ShareUnderLoad -v -timeout 60m ./tests/system/
func TestSyncCall_ShareUnderLoad(t *testing.T) {
	users := slEnvInt(t, "SYNCLOAD_USERS", 20)
	swaps := slEnvInt(t, "SYNCLOAD_SWAPS", 10)
	blockTime := slEnv("SYNCLOAD_BLOCK_TIME", "1s")
	const (
		in      = 100    // unat per swap
		fee     = 1      // unat per swap, to payments-a's operator
		deposit = 10_000 // unat per user
	)
	require.LessOrEqual(t, int64((swaps+1)*(in+fee)), int64(deposit), "a user's swaps (and the baseline's one) must fit the deposit")

	// ARRANGE: devnet.sh with rollups and its demo, detached, on ports of its own.
	logsDir := os.Getenv("SYNCLOAD_LOGS")
	if logsDir != "" && os.Getenv("SYSTEM_KEEP_LOGS") == "" {
		t.Setenv("SYSTEM_KEEP_LOGS", logsDir) // the operators' logs too
	}
	extra := []string{"DEVNET_BLOCK_TIME=" + blockTime, "DEVNET_BATCH_TIMEOUT=" + slEnv("SYNCLOAD_BATCH_TIMEOUT", "1s")}
	if v := os.Getenv("SYNCLOAD_ROUND_BLOCKS"); v != "" {
		extra = append(extra, "DEVNET_SYNC_ROUND_BLOCKS="+v)
	}
	d := newDemoDevnet(t, extra...)
	bin, home, p := d.bin, d.home, d.ports
	t0 := time.Now()
	out := RunScript(t, 12*time.Minute, d.env, "devnet.sh")
	require.Contains(t, out, "demo complete")
	t.Logf("devnet and demo up in %s (block time %s); load %s", time.Since(t0).Round(time.Second), blockTime, loadavg())

	r := &slRig{t: t, bin: bin, home: home, api: "http://127.0.0.1:" + itoa(p[3]), rpc: "http://127.0.0.1:" + itoa(p[1]),
		urls: map[string]string{
			"payments-a": "http://127.0.0.1:" + itoa(p[4]), "payments-b": "http://127.0.0.1:" + itoa(p[5]),
			"payments-usdc": "http://127.0.0.1:" + itoa(p[6]), "exchange": "http://127.0.0.1:" + itoa(p[8]),
		}}
	a, c, x := wallet.NewClient(r.urls["payments-a"]), wallet.NewClient(r.urls["payments-usdc"]), wallet.NewClient(r.urls["exchange"])

	// ARRANGE: the users' L2 keys, funded on payments-a by L1 deposits
	// (alice and bob deposit side by side, each waiting for its tx's block:
	// their sequences; carol, dave and erin are operators' keys).
	names := make([]string, users)
	pubs := make([]*payments.PrivateKey, users)
	addrs := make([]string, users)
	for i := range names {
		names[i] = fmt.Sprintf("load%02d", i)
		MustRun(t, bin, "l2", "keys", "add", names[i], "--home", home)
		addrs[i] = strings.TrimSpace(MustRun(t, bin, "l2", "keys", "show", names[i], "-a", "--home", home).Stdout)
		pubs[i] = loadL2Key(t, home, names[i])
	}
	t1 := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for f, funder := range []string{"alice", "bob"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := f; i < users; i += 2 {
				if err := r.deposit(funder, addrs[i], deposit); err != nil {
					errs[f] = fmt.Errorf("deposit for %s from %s: %w", names[i], funder, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	for i := range pubs {
		requireL2(t, a, pubs[i], strconv.Itoa(deposit), 0)
	}
	r.idle()
	t.Logf("%d users funded with %dunat each on payments-a in %s", users, deposit, time.Since(t1).Round(time.Second))

	// ACT 1: every user at once, each user's swaps one after another.
	alice := loadL2Key(t, home, "alice")
	spent := make([]int, users) // swaps made, per user
	gotOut := make([]int64, users)
	ph := r.phase(x, alice, names, swaps)
	if logsDir != "" && os.MkdirAll(logsDir, 0o755) == nil {
		raw, _ := json.MarshalIndent(ph.all, "", " ")
		_ = os.WriteFile(filepath.Join(logsDir, "swaps.json"), raw, 0o644)
	}

	// MEASURE: share, reasons, blocks, gas.
	var nSync int
	var extraSync, extraAsync, sendToCredit []int64
	reasons := map[string]int{}
	for _, s := range ph.all {
		if s.Res.CreditHeight > 0 {
			sendToCredit = append(sendToCredit, s.Res.CreditHeight-s.SendHeight)
		}
		if s.Res.Outcome == "sync" {
			nSync++
			extraSync = append(extraSync, s.Res.ExtraBlocks)
			continue
		}
		if s.Res.Outcome == "async" {
			extraAsync = append(extraAsync, s.Res.ExtraBlocks)
		}
		reasons[slReason(s)]++
	}
	gas := r.gas(ph.from, ph.to, ph.all)
	share := float64(nSync) / float64(len(ph.all))
	t.Logf("outcomes: %d sync, %d async of %d; wall %s; heights %d..%d", nSync, len(ph.all)-nSync, len(ph.all), ph.wall.Round(time.Second), ph.from, ph.to)
	t.Logf("extra blocks (credit - debit): sync %s; async %s", slDist(extraSync), slDist(extraAsync))
	t.Logf("blocks from the send (chain height when the CLI started) to the credit: %s", slDist(sendToCredit))
	t.Logf("reasons for the swaps that were not sync (outcome/sync state: reason, digits as N):\n%s", slHist(reasons))
	t.Logf("leader and members, from the operators' logs:\n%s", r.logSummary())
	t.Logf("gas: %s", gas)
	line := fmt.Sprintf("SYNCLOAD users=%d swaps=%d sync=%d share=%.3f p50_extra_sync=%s p50_extra_async=%s bundle_gas_per_call=%s solo_gas_per_call=%s wall_s=%.0f block_time=%s load=%q",
		users, len(ph.all), nSync, share, slP50(extraSync), slP50(extraAsync), gas.bundlePerCall(), gas.soloPerCall(), ph.wall.Seconds(), blockTime, ph.load)
	t.Log(line)
	fmt.Println(line)
	// ASSERT (after the numbers are printed): correctness only.
	ph.check(t, a, c, pubs, spent, gotOut, deposit, in, fee)
	require.Contains(t, compactJSON(r.get(r.api+"/nativechain/crossrollup/v1/invariant", nil)), `"holds":true`)

	// ACT 2, the baseline: the same swaps as three separate transactions.
	// payments-a's operator restarts lying in its offers (the sync fault
	// "mismatch"): the leader refuses each at once and every caller batch
	// goes alone, then the exchange's and payments-usdc's batches too.
	// One swap for each of up to 8 users, at once (batches packed as in
	// the load).
	t.Run("solo baseline", func(t *testing.T) {
		parent := r.t
		r.t = t
		defer func() { r.t = parent }()
		r.restart("payments-a", operator.SyncFaultMismatch)
		n := min(users, 8)
		sp := r.phase(x, alice, names[:n], 1)
		sp.check(t, a, c, pubs[:n], spent[:n], gotOut[:n], deposit, in, fee)
		require.Contains(t, compactJSON(r.get(r.api+"/nativechain/crossrollup/v1/invariant", nil)), `"holds":true`)
		solo := 0
		for _, s := range sp.all {
			if s.Res.Outcome == "async" {
				solo++
			}
		}
		g := r.gas(sp.from, sp.to, sp.all)
		var ex []int64
		for _, s := range sp.all {
			ex = append(ex, s.Res.ExtraBlocks)
		}
		t.Logf("solo baseline: %d swaps, %d async; extra blocks %s; gas: %s", len(sp.all), solo, slDist(ex), g)
		line := fmt.Sprintf("SYNCLOAD_SOLO swaps=%d async=%d p50_extra=%s solo_gas_per_call=%s bundle_gas_per_call_load=%s load=%q",
			len(sp.all), solo, slP50(ex), g.soloPerCall(), gas.bundlePerCall(), sp.load)
		t.Log(line)
		fmt.Println(line)
	})
}

// slPhase is one round of concurrent swaps and the chain around it.
type slPhase struct {
	all               []slSwap
	perUser           [][]slSwap
	from, to          int64 // heights
	wall              time.Duration
	load              string
	ledgers, ledAfter map[string]int64
	pool, poolAfter   slPool
}

// phase runs users × swaps `l2 swap`s (users at once, each user's one
// after another) from an idle devnet to an idle devnet.
func (r *slRig) phase(x *wallet.Client, alice *payments.PrivateKey, names []string, swaps int) slPhase {
	users := len(names)
	r.idle()
	ph := slPhase{perUser: make([][]slSwap, users), ledgers: r.ledgers(), pool: r.pool(x, alice)}
	ph.from = r.height() + 1
	start := time.Now()
	var wg sync.WaitGroup
	for u := 0; u < users; u++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < swaps; k++ {
				ph.perUser[u] = append(ph.perUser[u], r.swap(names[u], 100, 1))
			}
		}()
	}
	wg.Wait()
	ph.wall, ph.load = time.Since(start), loadavg()
	r.idle()
	ph.to = r.height()
	for _, rs := range ph.perUser {
		ph.all = append(ph.all, rs...)
	}
	ph.ledAfter, ph.poolAfter = r.ledgers(), r.pool(x, alice)
	return ph
}

// check: every swap of the phase ended sync or async (none rejected,
// refunded or pending), and the value moved exactly: the users' balances
// on payments-a and payments-usdc (spent and gotOut carry them across
// phases), the escrow ledgers, the pool, the bridge invariant.
func (ph slPhase) check(t *testing.T, a, c *wallet.Client, pubs []*payments.PrivateKey, spent []int, gotOut []int64, deposit, in, fee int) {
	var sumOut int64
	bad := 0
	for u, rs := range ph.perUser {
		for _, s := range rs {
			if s.Res.Outcome != "sync" && s.Res.Outcome != "async" {
				bad++
				t.Errorf("user %s swap: outcome %q exit %d err %q reason %q where %q sync %+v", s.User, s.Res.Outcome, s.Exit, s.Err,
					s.Res.Reason, s.Res.Where, s.Res.Sync)
				continue
			}
			n, err := slAmount(s.Res.AmountOut, "uusdc")
			require.NoError(t, err, "user %s: amount_out %q", s.User, s.Res.AmountOut)
			require.Positive(t, n)
			gotOut[u] += n
			sumOut += n
			spent[u]++
		}
	}
	require.Zero(t, bad, "every swap ends sync or async")
	totalIn := int64(len(ph.all) * in)
	for u := range ph.perUser {
		requireL2(t, a, pubs[u], strconv.Itoa(deposit-spent[u]*(in+fee)), uint32(spent[u]))
		requireL2(t, c, pubs[u], strconv.FormatInt(gotOut[u], 10), 0)
	}
	before, after := ph.ledgers, ph.ledAfter
	require.Equal(t, before["payments-a/unat"]-totalIn-int64(len(ph.all)*fee), after["payments-a/unat"],
		"payments-a's ledger: every amount sent and every fee paid out")
	require.Equal(t, before["exchange/unat"]+totalIn, after["exchange/unat"], "the exchange's unat ledger: every input")
	require.Equal(t, before["exchange/uusdc"]-sumOut, after["exchange/uusdc"], "the exchange's uusdc ledger: every output")
	require.Equal(t, before["payments-usdc/uusdc"]+sumOut, after["payments-usdc/uusdc"], "payments-usdc's ledger: every output")
	require.Zero(t, after["payments-usdc/unat"])
	require.Equal(t, ph.pool.base+totalIn, ph.poolAfter.base, "the pool's base reserve")
	require.Equal(t, ph.pool.quote-sumOut, ph.poolAfter.quote, "the pool's quote reserve")
}

// slReason is how a swap that was not sync is counted: outcome, the
// caller batch's sync state, and the reason with its numbers as N.
func slReason(s slSwap) string {
	why := s.Res.Reason
	if why == "" && s.Res.Sync != nil {
		why = s.Res.Sync.Reason
	}
	if why == "" {
		why = s.Res.Where + s.Err
	}
	state := "-"
	if s.Res.Sync != nil {
		state = s.Res.Sync.State
	}
	return fmt.Sprintf("%s/%s: %s", s.Res.Outcome, state, slNormalize(why))
}

// restart restarts operator id with the sync fault (none: "").
func (r *slRig) restart(id, fault string) { restartOperator(r.t, r.bin, r.home, id, fault, r.urls) }

// slSwap is one `l2 swap --wait --output json` and when it started.
type slSwap struct {
	User       string       `json:"user"`
	SendHeight int64        `json:"send_height"`
	Seconds    float64      `json:"seconds"`
	Exit       int          `json:"exit"`
	Err        string       `json:"err,omitempty"`
	Res        slSwapResult `json:"result"`
	Raw        string       `json:"-"`
}

// slSwapResult is the part of the CLI's SwapResult the test reads
// (cmd/nativechaind/cmd/l2_swap_track.go).
type slSwapResult struct {
	Outcome      string                 `json:"outcome"`
	ExitCode     int                    `json:"exit_code"`
	TxID         string                 `json:"tx_id"`
	AmountOut    string                 `json:"amount_out"`
	DebitBatch   *uint64                `json:"debit_batch"`
	DebitHeight  int64                  `json:"debit_height"`
	SwapBatch    *uint64                `json:"swap_batch"`
	SwapHeight   int64                  `json:"swap_height"`
	CreditBatch  *uint64                `json:"credit_batch"`
	CreditHeight int64                  `json:"credit_height"`
	ExtraBlocks  int64                  `json:"extra_blocks"`
	Reason       string                 `json:"reason"`
	Where        string                 `json:"where"`
	Sync         *operator.SyncTxStatus `json:"sync"`
}

type slRig struct {
	t    *testing.T
	bin  string
	home string
	api  string // the node's REST API
	rpc  string // CometBFT RPC
	urls map[string]string
}

// swap runs one `l2 swap` for user; it never fails the test (it runs on
// a user's goroutine): what went wrong is in the result.
func (r *slRig) swap(user string, in, fee int) slSwap {
	s := slSwap{User: user, SendHeight: r.tryHeight()}
	start := time.Now()
	stdout, stderr, code, err := r.exec(20*time.Minute, "l2", "swap", user, strconv.Itoa(in)+"unat", "--via", "exchange",
		"--to", "payments-usdc:"+user, "--min-out", "1uusdc", "--fee", strconv.Itoa(fee), "--wait", "--timeout", "15m",
		"--output", "json", "-y", "--rollup-id", "payments-a", "--operator", r.urls["payments-a"],
		"--exchange-operator", r.urls["exchange"], "--home", r.home)
	s.Seconds = time.Since(start).Seconds()
	s.Exit, s.Raw = code, stdout
	if err != nil {
		s.Err = err.Error()
	}
	if jerr := json.Unmarshal([]byte(jsonObjectIn(stdout)), &s.Res); jerr != nil {
		s.Err = strings.TrimSpace(fmt.Sprintf("%s; no SwapResult (%v): stdout %q stderr %q", s.Err, jerr, stdout, slTail(stderr, 400)))
	}
	return s
}

// exec runs the binary without the testing.T (safe on any goroutine).
func (r *slRig) exec(timeout time.Duration, args ...string) (string, string, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.Stdin = &stdout, &stderr, strings.NewReader("")
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		code = -1
	}
	return stdout.String(), stderr.String(), code, err
}

// deposit sends amount unat from the L1 key funder to addr on payments-a
// and waits for its block (tx code 0).
func (r *slRig) deposit(funder, addr string, amount int) error {
	stdout, stderr, code, err := r.exec(time.Minute, "tx", "crossrollup", "deposit", "payments-a", addr, strconv.Itoa(amount)+"unat",
		"--from", funder, "--yes", "--fees", "2000unat", "--gas", "400000", "-o", "json", "--home", r.home)
	if err != nil || code != 0 {
		return fmt.Errorf("exit %d (%v): %s %s", code, err, stdout, stderr)
	}
	var res struct {
		TxHash string `json:"txhash"`
		Code   int    `json:"code"`
		RawLog string `json:"raw_log"`
	}
	if err := json.Unmarshal([]byte(jsonObjectIn(stdout)), &res); err != nil || res.TxHash == "" {
		return fmt.Errorf("no tx hash in %q (%v)", stdout, err)
	}
	if res.Code != 0 {
		return fmt.Errorf("refused at check: %d %s", res.Code, res.RawLog)
	}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		var tx struct {
			TxResponse struct {
				Code   int    `json:"code"`
				RawLog string `json:"raw_log"`
			} `json:"tx_response"`
		}
		if code, _, err := r.tryGet(r.api+"/cosmos/tx/v1beta1/txs/"+res.TxHash, &tx); err == nil && code == http.StatusOK {
			if tx.TxResponse.Code != 0 {
				return fmt.Errorf("tx %s failed in its block: %d %s", res.TxHash, tx.TxResponse.Code, tx.TxResponse.RawLog)
			}
			return nil
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("tx %s not in a block within a minute", res.TxHash)
}

// idle waits until the four operators have every batch verified and
// nothing pending.
func (r *slRig) idle() {
	t := r.t
	for id, u := range r.urls {
		cl := wallet.NewClient(u)
		require.Eventually(t, func() bool {
			st, err := cl.Status(t.Context())
			return err == nil && st.Halted == "" && st.LastBuilt == st.LastVerified && st.ChainNextBatch-1 == st.LastVerified &&
				st.MempoolPending+st.InFlightTxs == 0
		}, 5*time.Minute, 250*time.Millisecond, "operator %s not idle", id)
	}
}

// ledgers are the bridge's escrow ledgers of the three rollups of the swap.
func (r *slRig) ledgers() map[string]int64 {
	m := map[string]int64{}
	for _, l := range [][2]string{{"payments-a", "unat"}, {"exchange", "unat"}, {"exchange", "uusdc"}, {"payments-usdc", "uusdc"}, {"payments-usdc", "unat"}} {
		var res struct {
			Ledgers []struct {
				Denom  string `json:"denom"`
				Amount string `json:"amount"`
			} `json:"ledgers"`
		}
		r.get(r.api+"/nativechain/crossrollup/v1/escrow/"+l[0], &res)
		for _, e := range res.Ledgers {
			if e.Denom == l[1] {
				n, err := strconv.ParseInt(e.Amount, 10, 64)
				require.NoError(r.t, err)
				m[l[0]+"/"+l[1]] = n
			}
		}
	}
	return m
}

type slPool struct{ base, quote int64 }

// pool is the exchange's pool at its last verified batch (read through
// alice's account, which the demo made).
func (r *slRig) pool(x *wallet.Client, k *payments.PrivateKey) slPool {
	acc, err := x.ExchangeAccount(r.t.Context(), k.Public)
	require.NoError(r.t, err)
	require.NotNil(r.t, acc.VerifiedPool)
	b, err := strconv.ParseInt(acc.VerifiedPool.ReserveBase, 10, 64)
	require.NoError(r.t, err)
	q, err := strconv.ParseInt(acc.VerifiedPool.ReserveQuote, 10, 64)
	require.NoError(r.t, err)
	return slPool{b, q}
}

func (r *slRig) height() int64 {
	h := r.tryHeight()
	require.Positive(r.t, h, "the node's latest height")
	return h
}

// tryHeight is the node's latest height, 0 when it does not answer.
func (r *slRig) tryHeight() int64 {
	var res struct {
		Block struct {
			Header struct {
				Height string `json:"height"`
			} `json:"header"`
		} `json:"block"`
	}
	if code, _, err := r.tryGet(r.api+"/cosmos/base/tendermint/v1beta1/blocks/latest", &res); err != nil || code != http.StatusOK {
		return 0
	}
	n, _ := strconv.ParseInt(res.Block.Header.Height, 10, 64)
	return n
}

func (r *slRig) get(url string, out any) string {
	code, body, err := r.tryGet(url, out)
	require.NoError(r.t, err, "GET %s", url)
	require.Equal(r.t, http.StatusOK, code, "GET %s: %s", url, body)
	return body
}

func (r *slRig) tryGet(url string, out any) (int, string, error) {
	res, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return res.StatusCode, "", err
	}
	if out != nil && res.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, out); err != nil {
			return res.StatusCode, string(body), err
		}
	}
	return res.StatusCode, string(body), nil
}

// slGas sums the gas of the chain's batch transactions in a height range:
// bundles (EventBundleApplied) against solo batch transactions. The swaps
// each carried come from the swaps' own heights (the CLI's SwapResults): a
// bundle at height h carries the swaps debited at h; a solo transaction of
// payments-a, of the exchange or of payments-usdc at h the swaps debited,
// swapped or credited at h.
type slGas struct {
	bundles, bundleGas, bundleCalls int64
	solo                            map[string]*slSolo
	failed                          int
	other                           int
}

type slSolo struct{ txs, gas, units int64 }

var slRollups = []string{"payments-a", "exchange", "payments-usdc"}

func (g slGas) bundlePerCall() string {
	if g.bundleCalls == 0 {
		return "na"
	}
	return strconv.FormatInt(g.bundleGas/g.bundleCalls, 10)
}

// soloPerCall is the three rollups' solo gas per swap each carried,
// summed: what one call costs as three separate transactions.
func (g slGas) soloPerCall() string {
	var sum int64
	for _, id := range slRollups {
		s := g.solo[id]
		if s == nil || s.units == 0 {
			return "na"
		}
		sum += s.gas / s.units
	}
	return strconv.FormatInt(sum, 10)
}

func (g slGas) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d bundles, %d gas, %d swaps debited in them: %s per call; ", g.bundles, g.bundleGas, g.bundleCalls, g.bundlePerCall())
	for _, id := range slRollups {
		if s := g.solo[id]; s != nil {
			per := "na"
			if s.units > 0 {
				per = strconv.FormatInt(s.gas/s.units, 10)
			}
			fmt.Fprintf(&b, "solo %s: %d txs, %d gas, %d swaps carried: %s per swap; ", id, s.txs, s.gas, s.units, per)
		}
	}
	fmt.Fprintf(&b, "solo sum per call %s; failed txs %d; other txs %d", g.soloPerCall(), g.failed, g.other)
	return b.String()
}

// gas reads every block's results in [from, to] from the CometBFT RPC.
func (r *slRig) gas(from, to int64, swaps []slSwap) slGas {
	at := map[string]map[int64]int64{"payments-a": {}, "exchange": {}, "payments-usdc": {}}
	for _, s := range swaps {
		at["payments-a"][s.Res.DebitHeight]++
		at["exchange"][s.Res.SwapHeight]++
		at["payments-usdc"][s.Res.CreditHeight]++
	}
	g := slGas{solo: map[string]*slSolo{}}
	for h := from; h <= to; h++ {
		var res struct {
			Result struct {
				TxsResults []struct {
					Code    int    `json:"code"`
					GasUsed string `json:"gas_used"`
					Events  []struct {
						Type       string `json:"type"`
						Attributes []struct {
							Key   string `json:"key"`
							Value string `json:"value"`
						} `json:"attributes"`
					} `json:"events"`
				} `json:"txs_results"`
			} `json:"result"`
		}
		r.get(fmt.Sprintf("%s/block_results?height=%d", r.rpc, h), &res)
		counted := map[string]bool{} // a rollup's swaps at h counted once
		for _, tx := range res.Result.TxsResults {
			used, _ := strconv.ParseInt(tx.GasUsed, 10, 64)
			bundle := false
			var rollups []string
			for _, e := range tx.Events {
				switch {
				case strings.HasSuffix(e.Type, "EventBundleApplied"):
					bundle = true
				case strings.HasSuffix(e.Type, "EventBatchVerified"):
					for _, a := range e.Attributes {
						if a.Key == "rollup_id" {
							rollups = append(rollups, strings.Trim(a.Value, `"`))
						}
					}
				}
			}
			switch {
			case tx.Code != 0:
				g.failed++ // a failed tx emits no message events
			case bundle:
				g.bundles++
				g.bundleGas += used
				if !counted["bundle"] {
					g.bundleCalls += at["payments-a"][h]
					counted["bundle"] = true
				}
			case len(rollups) > 0:
				id := rollups[0]
				if _, ok := at[id]; !ok {
					g.other++
					continue
				}
				s := g.solo[id]
				if s == nil {
					s = &slSolo{}
					g.solo[id] = s
				}
				s.txs++
				s.gas += used
				if !counted[id] {
					s.units += at[id][h]
					counted[id] = true
				}
			default:
				g.other++
			}
		}
	}
	return g
}

// logSummary counts the leader's and the members' sync lines by kind (and
// the reasons of aborted rounds and of batches that went alone).
func (r *slRig) logSummary() string {
	kinds := map[string]int{}
	reasonRe := regexp.MustCompile(`reason="((?:[^"\\]|\\.)*)"|reason=(\S+)`)
	for _, id := range []string{"exchange", "payments-a", "payments-usdc"} {
		raw, err := os.ReadFile(filepath.Join(r.home, "operators", id, "operator.log"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(raw), "\n") {
			for _, k := range []string{"sync round opened", "sync bundle landed", "sync round aborted", "sync: the batch goes alone",
				"sync bundle refused", "sync offer placed", "sync: discarding a batch", "sync intent refused", "planning without them",
				"would bounce", "batch submitted"} {
				if !strings.Contains(line, k) {
					continue
				}
				key := id + ": " + k
				if k == "sync round aborted" || k == "sync: the batch goes alone" || k == "sync: discarding a batch" {
					if m := reasonRe.FindStringSubmatch(line); m != nil {
						key += ": " + slNormalize(m[1]+m[2])
					}
				}
				kinds[key]++
			}
		}
	}
	return slHist(kinds)
}

var slDigits = regexp.MustCompile(`[0-9]+`)

// slNormalize groups reasons that differ only in numbers (heights, rounds).
func slNormalize(s string) string {
	if s == "" {
		return "(none)"
	}
	s = slDigits.ReplaceAllString(s, "N")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

func slHist(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "  %5d  %s\n", m[k], k)
	}
	if b.Len() == 0 {
		return "  (none)\n"
	}
	return b.String()
}

func slSorted(v []int64) []int64 {
	s := append([]int64(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s
}

func slP50(v []int64) string {
	if len(v) == 0 {
		return "na"
	}
	return strconv.FormatInt(slSorted(v)[(len(v)-1)/2], 10)
}

// slDist: n, min, p50, p90, max and the counts of each value.
func slDist(v []int64) string {
	if len(v) == 0 {
		return "none"
	}
	s := slSorted(v)
	counts := map[int64]int{}
	for _, x := range s {
		counts[x]++
	}
	var parts []string
	seen := map[int64]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			parts = append(parts, fmt.Sprintf("%d:%d", x, counts[x]))
		}
	}
	return fmt.Sprintf("n=%d min=%d p50=%d p90=%d max=%d [value:count %s]", len(s), s[0], s[(len(s)-1)/2], s[(len(s)*9-1)/10], s[len(s)-1],
		strings.Join(parts, " "))
}

// slAmount reads "195uusdc".
func slAmount(s, denom string) (int64, error) {
	num, ok := strings.CutSuffix(s, denom)
	if !ok {
		return 0, fmt.Errorf("%q is not in %s", s, denom)
	}
	return strconv.ParseInt(num, 10, 64)
}

func slEnv(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func slEnvInt(t *testing.T, k string, def int) int {
	v := os.Getenv(k)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	require.NoError(t, err, "%s=%q", k, v)
	require.Positive(t, n, "%s", k)
	return n
}

func slTail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
