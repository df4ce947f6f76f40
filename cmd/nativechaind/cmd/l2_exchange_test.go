package cmd

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/exchange"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/wallet"
)

var exStatus = operator.Status{ChainID: "nativechain-1", RollupID: "exchange", Kind: "exchange", Denom: "unat/uusdc"}

// exDomainArgs name the whole signing domain, so no node is asked.
var exDomainArgs = []string{"--rollup-id", "exchange", "--chain-id", "nativechain-1", "--base-denom", "unat", "--quote-denom", "uusdc", "-y"}

// fakeExchangeOperator serves an exchange operator's status, accounts (the
// pool with each) and POST /v1/tx, decoding what is submitted as the real
// operator's exchange kind does.
func fakeExchangeOperator(t *testing.T, st operator.Status, accounts map[string]exchange.AccountView, submitted *[]exchange.Tx) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v1/status":
			_ = json.NewEncoder(w).Encode(st)
		case strings.HasPrefix(r.URL.Path, "/v1/accounts/"):
			a, ok := accounts[strings.TrimPrefix(r.URL.Path, "/v1/accounts/")]
			if !ok {
				w.WriteHeader(http.StatusNotFound)
				_ = json.NewEncoder(w).Encode(map[string]any{"error": operator.APIError{Code: operator.CodeUnknownAccount, Message: "none"}})
				return
			}
			_ = json.NewEncoder(w).Encode(a)
		case r.URL.Path == "/v1/tx" && r.Method == http.MethodPost:
			var tx exchange.Tx
			require.NoError(t, json.NewDecoder(r.Body).Decode(&tx))
			*submitted = append(*submitted, tx)
			_ = json.NewEncoder(w).Encode(operator.SubmitResult{ID: "ex1", Status: "pending"})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// exAccounts is what the exchange kind answers for dave (its own type:
// the wallet decodes the real view).
func exAccounts(dave *wallet.Key) map[string]exchange.AccountView {
	bal := exchange.AccountAmounts{Base: "1000000", Quote: "2000000", Shares: "500", Nonce: 3}
	pool := exchange.PoolAmounts{ReserveBase: "1000000", ReserveQuote: "2000000", TotalShares: "1000000"}
	return map[string]exchange.AccountView{
		fmt.Sprintf("%x", dave.Private.Public.Address()): {Index: 7, Base: bal.Base, Quote: bal.Quote, Shares: bal.Shares, Nonce: bal.Nonce,
			Pending: bal, Verified: bal, Pool: pool, PendingPool: pool, VerifiedPool: pool, VerifiedAccountsRoot: hex.EncodeToString(testAccountsRoot[:])},
	}
}

// testAccountsRoot is the accounts root the fake operator reports at its
// last verified batch.
var testAccountsRoot = func() [32]byte { e := protocol.TagElement("accounts"); return e.Bytes() }()

// fakeChainRoot makes the wallet read, as the rollup's state root on the
// chain, the root of testAccountsRoot and pool (the pool of exAccounts
// unless given) for the test's duration.
func fakeChainRoot(t *testing.T, pool *exchange.PoolAmounts) {
	t.Helper()
	p := exchange.PoolAmounts{ReserveBase: "1000000", ReserveQuote: "2000000", TotalShares: "1000000"}
	if pool != nil {
		p = *pool
	}
	n := func(s string) *big.Int { v, _ := new(big.Int).SetString(s, 10); return v }
	var acc fr.Element
	acc.SetBytes(testAccountsRoot[:])
	root := protocol.StateRootBytes(exchangev1.StateRoot(acc, exchangev1.Pair{Base: "unat", Quote: "uusdc"},
		exchangev1.Pool{ReserveBase: n(p.ReserveBase), ReserveQuote: n(p.ReserveQuote), TotalShares: n(p.TotalShares)}))
	old := exchangeChainStateRoot
	exchangeChainStateRoot = func(context.Context, *cobra.Command, string) ([]byte, error) { return root, nil }
	t.Cleanup(func() { exchangeChainStateRoot = old })
}

func verifyExchangeSig(t *testing.T, tx exchange.Tx, k *wallet.Key) {
	t.Helper()
	p := exchange.Params{BaseDenom: "unat", QuoteDenom: "uusdc"}
	require.True(t, k.Private.Public.Verify(tx.Sig, exchangev1.Domain("nativechain-1", "exchange"), tx.Message(k.Private.Public, p)...),
		"signed for the exchange domain of nativechain-1/exchange")
}

// Each signing command builds the transaction the spec describes, with the
// operator's index and pending nonce, signed under the exchange domain.
func TestL2Exchange_SignsEachKind(t *testing.T) {
	dir, dave, erin := twoL2Keys(t)
	l1 := sdk.AccAddress(make([]byte, 20)).String()
	for _, tc := range []struct {
		name  string
		args  []string
		check func(t *testing.T, tx exchange.Tx)
	}{
		{"swap base in", []string{"swap", "dave", "1000unat", "--min-out", "1900"}, func(t *testing.T, tx exchange.Tx) {
			require.Equal(t, exchange.KindSwap, tx.Kind)
			require.Equal(t, uint8(0), tx.Side)
			require.Equal(t, "1000", tx.Amount1.String())
			require.Equal(t, "1900", tx.Min1.String())
		}},
		{"swap quote in, min out from the quote", []string{"swap", "dave", "2000uusdc", "--slippage-bps", "100"}, func(t *testing.T, tx exchange.Tx) {
			require.Equal(t, uint8(1), tx.Side)
			// quote: floor(2000·9970·1000000 / (2000000·10000 + 2000·9970)) = 996, less 1%
			require.Equal(t, "986", tx.Min1.String())
		}},
		{"add", []string{"add-liquidity", "dave", "1000", "2000uusdc", "--min-shares", "999"}, func(t *testing.T, tx exchange.Tx) {
			require.Equal(t, exchange.KindAdd, tx.Kind)
			require.Equal(t, []string{"1000", "2000", "999"}, []string{tx.Amount1.String(), tx.Amount2.String(), tx.Min1.String()})
		}},
		{"remove", []string{"remove-liquidity", "dave", "500", "--min-base", "1", "--min-quote", "2"}, func(t *testing.T, tx exchange.Tx) {
			require.Equal(t, exchange.KindRemove, tx.Kind)
			require.Equal(t, []string{"500", "1", "2"}, []string{tx.Amount1.String(), tx.Min1.String(), tx.Min2.String()})
		}},
		{"add without a minimum: the chain-checked pool's shares less 1%", []string{"add-liquidity", "dave", "10", "20"}, func(t *testing.T, tx exchange.Tx) {
			// min(10·1e6/1e6, 20·1e6/2e6) = 10 shares, less 1% = 9
			require.Equal(t, "9", tx.Min1.String())
		}},
		{"remove without minimums: the shares' part less 1%", []string{"remove-liquidity", "dave", "500"}, func(t *testing.T, tx exchange.Tx) {
			// 500·1e6/1e6 = 500 base, 500·2e6/1e6 = 1000 quote, less 1%
			require.Equal(t, []string{"495", "990"}, []string{tx.Min1.String(), tx.Min2.String()})
		}},
		{"withdraw to L1", []string{"withdraw", "dave", l1, "700uusdc"}, func(t *testing.T, tx exchange.Tx) {
			require.Equal(t, exchange.KindWithdraw, tx.Kind)
			require.Equal(t, uint8(1), tx.Side)
			require.Equal(t, make([]byte, 20), tx.Recipient)
			require.Empty(t, tx.DestRollup)
		}},
		{"send to another rollup", []string{"send", "dave", "payments-usdc", "erin", "700uusdc"}, func(t *testing.T, tx exchange.Tx) {
			require.Equal(t, exchange.KindWithdraw, tx.Kind)
			require.Equal(t, "payments-usdc", tx.DestRollup)
			require.Equal(t, erin.Private.Public.Address(), tx.Recipient)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fakeChainRoot(t, nil)
			var submitted []exchange.Tx
			url := fakeExchangeOperator(t, exStatus, exAccounts(dave), &submitted)
			out, err := runL2(t, append(append([]string{"exchange"}, tc.args...), append([]string{"--l2-home", dir, "--operator", url}, exDomainArgs...)...)...)
			require.NoError(t, err, out)
			require.Contains(t, out, "accepted")
			require.Contains(t, out, "from account 7 (nonce 3)")
			require.Contains(t, out, "signing   ")
			require.NotContains(t, out, "<nil>", "amounts left out are shown as 0")
			require.Len(t, submitted, 1)
			tx := submitted[0]
			require.Equal(t, uint32(7), tx.Account)
			require.Equal(t, uint32(3), tx.Nonce)
			verifyExchangeSig(t, tx, dave)
			tc.check(t, tx)
		})
	}
}

// Bad arguments are refused before anything is signed, with the reason.
func TestL2Exchange_RefusesBadArguments(t *testing.T) {
	dir, dave, _ := twoL2Keys(t)
	var submitted []exchange.Tx
	url := fakeExchangeOperator(t, exStatus, exAccounts(dave), &submitted)
	run := func(args ...string) error {
		_, err := runL2(t, append(append([]string{"exchange"}, args...), append([]string{"--l2-home", dir, "--operator", url}, exDomainArgs...)...)...)
		return err
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"swap", "dave", "1000"}, "name the denom"},
		{[]string{"swap", "dave", "1000uatom", "--min-out", "1"}, `denom "uatom" is not one of the pool's`},
		{[]string{"swap", "dave", "0unat", "--min-out", "1"}, "positive integer"},
		{[]string{"swap", "dave", "1000unat", "--min-out", "-1"}, "non-negative integer"},
		{[]string{"swap", "dave", "1000unat", "--slippage-bps", "10000"}, "below 10000"},
		{[]string{"add-liquidity", "dave", "1000uusdc", "2000unat"}, "base (unat) then quote (uusdc)"},
		{[]string{"remove-liquidity", "dave", "x"}, "SHARES"},
		{[]string{"withdraw", "dave", "notanaddress", "5unat"}, "L1 address"},
		{[]string{"send", "dave", "exchange", "dave", "5unat"}, "the exchange rollup itself"},
		{[]string{"swap", "dave", "2000000unat", "--min-out", "1"}, "insufficient L2 balance"},
		{[]string{"remove-liquidity", "dave", "501"}, "insufficient L2 balance"},
	} {
		err := run(tc.args...)
		require.Error(t, err, tc.args)
		require.ErrorContains(t, err, tc.want, tc.args)
		if !strings.Contains(tc.want, "insufficient") {
			require.ErrorIs(t, err, ErrExchangeArgs, tc.args)
		} else {
			require.ErrorIs(t, err, wallet.ErrExchangeTx, tc.args)
		}
	}
	require.Empty(t, submitted)

	_, err := runL2(t, "exchange", "swap", "dave", "1unat", "--l2-home", dir, "--operator", url, "--chain-id", "nativechain-1",
		"--base-denom", "unat", "--quote-denom", "uusdc")
	require.ErrorContains(t, err, "rollup-id")
}

// The operator must run the exchange rollup the user named, on the chain
// the user named; a payments operator gets nothing signed.
func TestL2Exchange_RefusesAnotherOperator(t *testing.T) {
	dir, dave, _ := twoL2Keys(t)
	for _, st := range []operator.Status{
		{ChainID: "nativechain-1", RollupID: "exchange", Kind: "payments", Denom: "unat"},
		{ChainID: "nativechain-1", RollupID: "exchange-b", Kind: "exchange"},
		{ChainID: "other-1", RollupID: "exchange", Kind: "exchange"},
	} {
		var submitted []exchange.Tx
		url := fakeExchangeOperator(t, st, exAccounts(dave), &submitted)
		_, err := runL2(t, append([]string{"exchange", "swap", "dave", "10unat", "--min-out", "1", "--l2-home", dir, "--operator", url}, exDomainArgs...)...)
		require.ErrorIs(t, err, wallet.ErrOperatorMismatch)
		require.Empty(t, submitted)
	}
	url := fakeExchangeOperator(t, exStatus, exAccounts(dave), new([]exchange.Tx))
	_, err := runL2(t, "balance", "dave", "--l2-home", dir, "--operator", url)
	require.ErrorContains(t, err, "l2 exchange account")
}

// account and pool print what the operator reports.
func TestL2Exchange_AccountAndPool(t *testing.T) {
	dir, dave, erin := twoL2Keys(t)
	url := fakeExchangeOperator(t, exStatus, exAccounts(dave), new([]exchange.Tx))
	out, err := runL2(t, "exchange", "account", "dave", "--l2-home", dir, "--operator", url)
	require.NoError(t, err)
	require.Contains(t, out, "account index 7")
	require.Regexp(t, `verified\s+1000000\s+2000000\s+500\s+3`, out)

	out, err = runL2(t, "exchange", "pool", "dave", "--l2-home", dir, "--operator", url)
	require.NoError(t, err)
	require.Regexp(t, `built\s+1000000\s+2000000\s+1000000`, out)
	require.Contains(t, out, "price     2.000000 quote per base")

	_, err = runL2(t, "exchange", "account", "erin", "--l2-home", dir, "--operator", url)
	require.ErrorContains(t, err, "tx crossrollup deposit exchange")
	require.ErrorContains(t, err, fmt.Sprintf("%x", erin.Private.Public.Address()))
}

// swap-call encodes the spec's payload: L2 recipients by key name or
// address on a rollup, L1 recipients by bech32; bad input is refused.
func TestL2SwapCall_EncodesThePayload(t *testing.T) {
	dir, dave, _ := twoL2Keys(t)
	out, err := runL2(t, "swap-call", "--out-denom", "uusdc", "--min-out", "190000", "--to", "payments-usdc:dave", "--l2-home", dir)
	require.NoError(t, err)
	bz, err := hex.DecodeString(strings.TrimSpace(out))
	require.NoError(t, err)
	c, err := exchangev1.DecodeSwapCall(bz)
	require.NoError(t, err)
	require.Equal(t, exchangev1.DenomDigestBytes("uusdc"), c.OutDenomDigest)
	require.Equal(t, big.NewInt(190000), c.MinOut)
	require.Equal(t, "payments-usdc", c.DestRollup)
	require.Equal(t, dave.Private.Public.Address(), c.Recipient)

	l1 := sdk.AccAddress(make([]byte, 20)).String()
	file := filepath.Join(dir, "call.bin")
	_, err = runL2(t, "swap-call", "--out-denom", "unat", "--min-out", "0", "--to", l1, "--out", file)
	require.NoError(t, err)
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	c, err = exchangev1.DecodeSwapCall(raw)
	require.NoError(t, err)
	require.Empty(t, c.DestRollup)
	require.Equal(t, make([]byte, 20), c.Recipient)

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--out-denom", "uusdc", "--min-out", "1"}, "required"},
		{[]string{"--out-denom", "u!", "--min-out", "1", "--to", l1}, "--out-denom"},
		{[]string{"--out-denom", "uusdc", "--min-out", "-3", "--to", l1}, "--min-out"},
		{[]string{"--out-denom", "uusdc", "--min-out", "1", "--to", "native1bad"}, "ROLLUP:ADDRESS or an L1 address"},
		{[]string{"--out-denom", "uusdc", "--min-out", "1", "--to", ":dave"}, "rollup id"},
		{[]string{"--out-denom", "uusdc", "--min-out", "1", "--to", "payments-a:nobody"}, "neither an L2 address"},
	} {
		_, err := runL2(t, append(append([]string{"swap-call"}, tc.args...), "--l2-home", dir)...)
		require.ErrorIs(t, err, ErrExchangeArgs, tc.args)
		require.ErrorContains(t, err, tc.want, tc.args)
	}
}
