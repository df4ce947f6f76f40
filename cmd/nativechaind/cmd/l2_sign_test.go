package cmd

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
)

// fakeL2Operator serves a status, accounts by address and POST /v1/tx,
// recording what was submitted.
func fakeL2Operator(t *testing.T, st operator.Status, accounts map[string]payments.AccountView, submitted *[]payments.WireTx) string {
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
			var tx payments.WireTx
			require.NoError(t, json.NewDecoder(r.Body).Decode(&tx))
			*submitted = append(*submitted, tx)
			_ = json.NewEncoder(w).Encode(operator.SubmitResult{ID: "abc", Status: "pending"})
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func twoL2Keys(t *testing.T) (dir string, dave, erin *wallet.Key) {
	dir = t.TempDir()
	for _, k := range []string{"dave", "erin"} {
		_, err := runL2(t, "keys", "add", k, "--l2-home", dir)
		require.NoError(t, err)
	}
	var err error
	dave, err = wallet.LoadKey(dir, "dave", []byte(testL2Pass))
	require.NoError(t, err)
	erin, err = wallet.LoadKey(dir, "erin", []byte(testL2Pass))
	require.NoError(t, err)
	return dir, dave, erin
}

// H6: the rollup is the user's --rollup-id; an operator that reports
// another one (or another chain or denom) gets nothing signed.
func TestL2Transfer_RefusesAnOperatorOfAnotherRollup(t *testing.T) {
	dir, dave, erin := twoL2Keys(t)
	var submitted []payments.WireTx
	accounts := map[string]payments.AccountView{
		fmt.Sprintf("%x", dave.Private.Public.Address()): {Index: 1, PendingBalance: "1000"},
		fmt.Sprintf("%x", erin.Private.Public.Address()): {Index: 2},
	}
	url := fakeL2Operator(t, operator.Status{ChainID: "nativechain-1", RollupID: "payments-a", Denom: "unat"}, accounts, &submitted)
	_, err := runL2(t, "transfer", "dave", "erin", "5", "--l2-home", dir, "--operator", url,
		"--rollup-id", "payments", "--chain-id", "nativechain-1", "--denom", "unat")
	require.ErrorIs(t, err, wallet.ErrOperatorMismatch)
	require.ErrorContains(t, err, `rollup id "payments-a"`)
	require.Empty(t, submitted)

	_, err = runL2(t, "transfer", "dave", "erin", "5", "--l2-home", dir, "--operator", url, "--chain-id", "nativechain-1", "--denom", "unat")
	require.ErrorContains(t, err, "rollup-id")
}

// What is signed is printed before signing, and a transfer signs the
// recipient's key.
func TestL2Transfer_ShowsWhatItSignsAndSignsTheRecipientKey(t *testing.T) {
	dir, dave, erin := twoL2Keys(t)
	var submitted []payments.WireTx
	accounts := map[string]payments.AccountView{
		fmt.Sprintf("%x", dave.Private.Public.Address()): {Index: 1, Nonce: 4, PendingNonce: 4, PendingBalance: "1000"},
		fmt.Sprintf("%x", erin.Private.Public.Address()): {Index: 2},
	}
	url := fakeL2Operator(t, operator.Status{ChainID: "nativechain-1", RollupID: "payments", Denom: "unat"}, accounts, &submitted)
	out, err := runL2(t, "transfer", "dave", "erin", "250", "--fee", "3", "--l2-home", dir, "--operator", url,
		"--rollup-id", "payments", "--chain-id", "nativechain-1", "--denom", "unat")
	require.NoError(t, err)
	for _, want := range []string{
		"signing   transfer on chain nativechain-1, rollup payments",
		fmt.Sprintf("from      account 1, key %x", dave.Private.Public.Address()),
		fmt.Sprintf("to        key %x (account 2)", erin.Private.Public.Address()),
		"amount    250unat", "fee       3unat", "nonce     4",
	} {
		require.Contains(t, out, want)
	}
	require.Len(t, submitted, 1)
	tx, err := payments.FromWire(submitted[0])
	require.NoError(t, err)
	require.Equal(t, erin.Private.Public, tx.ToKey)
	require.Equal(t, uint32(2), tx.To)
	require.True(t, tx.Verify(dave.Private.Public, paymentsv1.Domain("nativechain-1", "payments"), "unat"))
}
