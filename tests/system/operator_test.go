//go:build system

package system

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
)

// The devnet with its three demo rollups, on the real binary with a small
// payments circuit (depth 8, 4 slots; keys cached in build/test-keys):
// the scripted demo (deposit, L2 transfer, cross-rollup send, withdrawal;
// then in payments-usdc, the payments rollup in the second denom uusdc,
// deposits, an L2 transfer and a withdrawal in uusdc and a unat deposit the
// chain refuses; then in the exchange rollup (unat/uusdc) deposits of both
// denoms, an add of liquidity, a swap whose output the script computes from
// the pool rule, and a withdrawal of the output to L1; the script checks
// every balance it prints), then bad
// transactions at the API, then a crash of an operator in the middle of a
// batch.
func TestOperator_DevnetDemoBadTxsAndCrash(t *testing.T) {
	// ARRANGE: devnet.sh with rollups, detached, on ports of its own.
	d := newDemoDevnet(t)
	bin, home, p := d.bin, d.home, d.ports

	// ACT 1: the demo. The script fails on any balance it does not expect.
	out := d.run(t)

	// ASSERT 1: every step ran, and the final balances on L1 and L2.
	for _, want := range []string{"1. deposits", "2. L2 transfer", "3. cross-rollup send", "4. withdrawal",
		"5. second denom", "refused (rollups/34)", "denom not held by the rollup", "6. L2 transfer on payments-usdc",
		"7. withdrawal in uusdc", "8. exchange: deposits", "9. exchange: alice adds liquidity",
		"10. exchange: bob swaps 10000unat for uusdc; the pool rule on reserves 1000000/2000000 gives 19743uusdc",
		"11. exchange: bob withdraws", "12. synchronous swap", "outcome sync", "demo complete"} {
		require.Contains(t, out, want)
	}
	urlA, urlB, urlC := "http://127.0.0.1:"+itoa(p[4]), "http://127.0.0.1:"+itoa(p[5]), "http://127.0.0.1:"+itoa(p[6])
	l1 := func(name string, denom ...string) int64 {
		want := "unat"
		if len(denom) > 0 {
			want = denom[0]
		}
		addr := strings.TrimSpace(MustRun(t, bin, "keys", "show", name, "-a", "--keyring-backend", "test", "--home", home).Stdout)
		bal := MustRun(t, bin, "query", "bank", "balances", addr, "--home", home, "-o", "json").Stdout
		var res struct {
			Balances []struct{ Denom, Amount string } `json:"balances"`
		}
		require.NoError(t, json.Unmarshal([]byte(bal), &res))
		for _, c := range res.Balances {
			if c.Denom == want {
				n, err := strconv.ParseInt(c.Amount, 10, 64)
				require.NoError(t, err)
				return n
			}
		}
		return 0
	}
	const initial = 1_000_000_000_000
	require.Equal(t, int64(initial-1_000_000-2000-2000-1_000_000-2*2000), l1("alice"),
		"alice: deposit, its L1 fee, the uusdc deposit's L1 fee, her two exchange deposits (unat and its fee, the uusdc one's fee)")
	require.Equal(t, int64(initial-10_000-2000+40_000-2*2000-10_000-2000), l1("bob"),
		"bob: deposit, its fee, the withdrawal, the L1 fees of his uusdc deposit and of the refused unat deposit (only the fee), his exchange deposit and its fee")
	require.Equal(t, int64(initial-500_000-2_000_000), l1("alice", "uusdc"), "alice: her uusdc deposits (payments-usdc, exchange)")
	require.Equal(t, int64(initial-10_000+50_000+19_743), l1("bob", "uusdc"),
		"bob: his uusdc deposit, his uusdc withdrawal, his swap's output withdrawn from the exchange")
	alice := loadL2Key(t, home, "alice")
	bob := loadL2Key(t, home, "bob")
	a, b, c := wallet.NewClient(urlA), wallet.NewClient(urlB), wallet.NewClient(urlC)
	requireL2(t, a, alice, "648979", 3) // and the synchronous swap: 1000 and its 1 fee
	requireL2(t, a, bob, "260000", 0)
	requireL2(t, b, bob, "59999", 1)    // 100000 - 40000 withdrawn - 1 fee
	requireL2(t, c, alice, "301942", 1) // 500000 - 200000 - 10 fee + 1952 from the synchronous swap
	requireL2(t, c, bob, "159999", 1)   // 10000 + 200000 - 50000 withdrawn - 1 fee
	stC, err := c.Status(t.Context())
	require.NoError(t, err)
	require.Equal(t, "uusdc", stC.Denom, "payments-usdc's operator runs the uusdc circuit")
	compact := strings.NewReplacer(" ", "", "\n", "").Replace
	rollupC := compact(MustRun(t, bin, "query", "rollups", "rollup", "payments-usdc", "--home", home, "-o", "json").Stdout)
	require.Contains(t, rollupC, `"denom":"uusdc"`, "payments-usdc's exit layout holds uusdc")
	escrowC := compact(MustRun(t, bin, "query", "crossrollup", "escrow", "payments-usdc", "--home", home, "-o", "json").Stdout)
	require.Contains(t, escrowC, `"amount":"461941"`, "510000 in, 50000 out, 11 of fees, 1952 from the exchange")
	require.NotContains(t, escrowC, "unat", "no unat escrowed for payments-usdc")

	// The exchange: alice holds all the shares, bob swapped 10000unat for
	// floor(10000·9970·2000000 / (1000000·10000 + 10000·9970)) = 19743uusdc
	// and withdrew it; the pool and the escrow hold the rest.
	urlX := "http://127.0.0.1:" + itoa(p[8])
	x := wallet.NewClient(urlX)
	ax, err := x.ExchangeAccount(t.Context(), alice.Public)
	require.NoError(t, err)
	require.Equal(t, wallet.ExchangeBalances{Base: "0", Quote: "0", Shares: "1000000", Nonce: 1}, ax.Verified)
	bx, err := x.ExchangeAccount(t.Context(), bob.Public)
	require.NoError(t, err)
	require.Equal(t, wallet.ExchangeBalances{Base: "0", Quote: "0", Shares: "0", Nonce: 2}, bx.Verified)
	require.Equal(t, &wallet.ExchangePool{ReserveBase: "1011000", ReserveQuote: "1978305", TotalShares: "1000000"}, bx.Pool)
	rollupX := compact(MustRun(t, bin, "query", "rollups", "rollup", "exchange", "--home", home, "-o", "json").Stdout)
	require.Contains(t, rollupX, `"name":"exchange-v1"`, "the exchange's exit layout")
	require.Contains(t, rollupX, `"quote_denom":"uusdc"`, "the exchange's exit layout holds uusdc too")
	escrowX := compact(MustRun(t, bin, "query", "crossrollup", "escrow", "exchange", "--home", home, "-o", "json").Stdout)
	require.Contains(t, escrowX, `"denom":"unat","amount":"1011000"`, "1000000 + 10000 + 1000 in")
	require.Contains(t, escrowX, `"denom":"uusdc","amount":"1978305"`, "2000000 in, 19743 and 1952 out")

	// The dashboard reads all three operators and lists all three rollups.
	dash := "http://127.0.0.1:" + itoa(p[7])
	httpBody := func(url string) string {
		res, err := http.Get(url)
		require.NoError(t, err)
		defer res.Body.Close()
		var body bytes.Buffer
		_, _ = body.ReadFrom(res.Body)
		require.Equal(t, http.StatusOK, res.StatusCode, body.String())
		return compact(body.String())
	}
	cfg := httpBody(dash + "/config.json")
	for _, u := range []string{urlA, urlB, urlC, urlX} {
		require.Contains(t, cfg, `"url":"`+u+`"`, "dashboard operators")
	}
	rollups := httpBody(dash + "/rest/nativechain/rollups/v1/rollups?pagination.limit=200")
	for _, id := range []string{"payments-a", "payments-b", "payments-usdc", "exchange"} {
		require.Contains(t, rollups, `"id":"`+id+`"`, "dashboard rollups")
	}
	require.Eventually(t, func() bool {
		fleet := httpBody(dash + "/fleet.json")
		return strings.Count(fleet, `"reachable":true`) == 4 && strings.Contains(fleet, `"rollup_id":"exchange"`)
	}, 30*time.Second, 500*time.Millisecond, "the dashboard's fleet panel reaches the four operators")

	// ACT 2 / ASSERT 2: bad transactions are refused at the API with a
	// clear code and never reach a batch.
	st, err := a.Status(t.Context())
	require.NoError(t, err)
	domain := paymentsv1.Domain(st.ChainID, st.RollupID)
	aliceAcc, err := a.Account(t.Context(), alice.Public)
	require.NoError(t, err)
	bobAcc, err := a.Account(t.Context(), bob.Public)
	require.NoError(t, err)
	minFee, err := payments.EncodeFee(big.NewInt(operator.DefaultMinFee))
	require.NoError(t, err)
	transfer := func(signer *payments.PrivateKey, amount int64, nonce uint32) payments.WireTx {
		amt, err := payments.EncodeAmount(big.NewInt(amount))
		require.NoError(t, err)
		tx := payments.Tx{Kind: payments.KindTransfer, From: aliceAcc.Index, To: bobAcc.Index, ToKey: bob.Public, Amount: amt, Fee: minFee, Nonce: nonce}
		tx.Sign(signer, domain, "unat")
		return payments.ToWire(tx)
	}
	badSig := transfer(bob, 5, 3)
	requireRefused(t, urlA, badSig, http.StatusBadRequest, operator.CodeBadSignature)
	good := transfer(alice, 5, 3)
	res, err := a.Submit(t.Context(), good)
	require.NoError(t, err)
	requireRefused(t, urlA, good, http.StatusConflict, operator.CodeBadNonce)
	requireRefused(t, urlA, transfer(alice, 10_000_000, 4), http.StatusBadRequest, operator.CodeInsufficientBalance)
	waitFinal(t, a, res.ID)
	requireL2(t, a, alice, "648973", 4) // 5 and the 1 fee

	// ACT 3: six transfers, then SIGKILL the operator while their batches
	// are being built, proven or submitted, and start it again.
	var ids []string
	for n := uint32(4); n < 10; n++ {
		r, err := a.Submit(t.Context(), transfer(alice, 1, n))
		require.NoError(t, err)
		ids = append(ids, r.ID)
	}
	require.Eventually(t, func() bool {
		st, err = a.Status(t.Context())
		return err == nil && st.LastBuilt > st.LastVerified
	}, time.Minute, 50*time.Millisecond, "no batch in flight")
	t.Logf("killing operator: verified %d, submitted %d, proven %d, built %d, %d txs pending",
		st.LastVerified, st.LastSubmitted, st.LastProven, st.LastBuilt, st.MempoolPending)
	opDir := filepath.Join(home, "operators", "payments-a")
	pidFile := filepath.Join(opDir, "operator.pid")
	raw, err := os.ReadFile(pidFile)
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	require.NoError(t, err)
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	require.Eventually(t, func() bool { return !pidAlive(pid) }, 10*time.Second, 50*time.Millisecond)
	log, err := os.OpenFile(filepath.Join(opDir, "operator.log"), os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(t, err)
	defer log.Close()
	cmd := exec.Command(bin, "operator", "start", "--operator-home", opDir, "--home", home)
	cmd.Stdout, cmd.Stderr = log, log
	require.NoError(t, cmd.Start())
	go func() { _ = cmd.Wait() }() // reap it when devnet.sh stop ends it
	require.NoError(t, os.WriteFile(pidFile, []byte(itoa(cmd.Process.Pid)), 0o644))

	// ASSERT 3: every accepted transaction is final exactly once.
	for _, id := range ids {
		waitFinal(t, a, id)
	}
	requireL2(t, a, alice, "648961", 10) // six of 1, each with the 1 fee
	requireL2(t, a, bob, "260011", 0)
	st, err = a.Status(t.Context())
	require.NoError(t, err)
	require.Empty(t, st.Halted)
	require.Equal(t, st.ChainNextBatch-1, st.LastVerified)
	require.Zero(t, st.MempoolPending+st.InFlightTxs)
	logText, err := os.ReadFile(filepath.Join(opDir, "operator.log"))
	require.NoError(t, err)
	require.NotContains(t, string(logText), "rejected", "no batch refused by the chain")
	status := MustRun(t, bin, "operator", "status", "--operator-home", opDir).Stdout
	require.Contains(t, status, "health        ok")
	require.Contains(t, status, fmt.Sprintf("verified %d", st.LastVerified))
	metrics, err := http.Get(urlA + "/metrics")
	require.NoError(t, err)
	defer metrics.Body.Close()
	var m bytes.Buffer
	_, _ = m.ReadFrom(metrics.Body)
	require.Contains(t, m.String(), "operator_batches_verified_total")
	require.Contains(t, m.String(), "operator_last_verified_batch")
}

func loadL2Key(t *testing.T, home, name string) *payments.PrivateKey {
	t.Helper()
	k, err := wallet.LoadKey(filepath.Join(home, "l2keys"), name, []byte(wallet.TestPassphrase)) // the nodes use the test keyring backend
	require.NoError(t, err)
	return k.Private
}

func requireL2(t *testing.T, c *wallet.Client, k *payments.PrivateKey, balance string, nonce uint32) {
	t.Helper()
	require.Eventually(t, func() bool {
		a, err := c.Account(t.Context(), k.Public)
		return err == nil && a.VerifiedBalance == balance && a.VerifiedNonce == nonce
	}, 2*time.Minute, 200*time.Millisecond, "want balance %s nonce %d", balance, nonce)
}

func waitFinal(t *testing.T, c *wallet.Client, id string) {
	t.Helper()
	var st operator.TxStatus
	require.Eventually(t, func() bool {
		s, err := c.Tx(t.Context(), id)
		st = s
		return err == nil && s.Status == "verified"
	}, 3*time.Minute, 200*time.Millisecond, "tx %s not verified", id)
	require.NotZero(t, st.Batch)
}

// requireRefused posts tx and expects the HTTP status and error code.
func requireRefused(t *testing.T, url string, tx payments.WireTx, status int, code string) {
	t.Helper()
	bz, err := json.Marshal(tx)
	require.NoError(t, err)
	res, err := http.Post(url+"/v1/tx", "application/json", bytes.NewReader(bz))
	require.NoError(t, err)
	defer res.Body.Close()
	var body struct {
		Error operator.APIError `json:"error"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	require.Equal(t, status, res.StatusCode, fmt.Sprintf("%+v", body.Error))
	require.Equal(t, code, body.Error.Code, body.Error.Message)
	require.NotEmpty(t, body.Error.Message)
}
