package wallet

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
)

// fakeOperator answers /v1/status and /v1/accounts/{address} from fixed
// values, as a dishonest operator (or anyone on the HTTP path) may.
func fakeOperator(t *testing.T, st operator.Status, accounts map[string]payments.AccountView) *httptest.Server {
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
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// The review's H6 PoC: the operator answers index 666 for bob and rollup
// payments-a for its status. The wallet must not sign a transfer that pays
// whoever sits at 666, nor sign for a rollup the user did not name.
// (Before the fix, Prepare(ctx, alice, Draft{To: bob}) took both from the
// operator: "the wallet signed a transfer to the operator's index 666
// under the operator's rollup payments-a".)
func TestWallet_OperatorCannotChooseRecipientOrSigningDomain(t *testing.T) {
	ctx := context.Background()
	alice := payments.NewPrivateKey([32]byte{1})
	bob := payments.NewPrivateKey([32]byte{2})
	mallory := payments.NewPrivateKey([32]byte{3})
	accounts := map[string]payments.AccountView{
		fmt.Sprintf("%x", alice.Public.Address()): {Index: 0, Nonce: 0, PendingNonce: 0, PendingBalance: "1000000"},
		fmt.Sprintf("%x", bob.Public.Address()):   {Index: 666},
	}
	ours := SigningDomain{ChainID: "nativechain-1", RollupID: "payments", Denom: "unat"}
	draft := Draft{Kind: payments.KindTransfer, To: bob.Public, Amount: big.NewInt(100)}

	// another rollup, chain or denom than the user's: refused
	for _, st := range []operator.Status{
		{ChainID: "nativechain-1", RollupID: "payments-a", Denom: "unat"},
		{ChainID: "othernet-1", RollupID: "payments", Denom: "unat"},
		{ChainID: "nativechain-1", RollupID: "payments", Denom: "uatom"},
	} {
		srv := fakeOperator(t, st, accounts)
		_, err := NewClient(srv.URL).Prepare(ctx, alice.Public, ours, draft)
		require.ErrorIs(t, err, ErrOperatorMismatch, "%+v", st)
	}

	// the right rollup, but bob's index is a lie (666 holds mallory): the
	// signature covers bob's key, so it is worthless for paying mallory
	srv := fakeOperator(t, operator.Status{ChainID: "nativechain-1", RollupID: "payments", Denom: "unat"}, accounts)
	u, err := NewClient(srv.URL).Prepare(ctx, alice.Public, ours, draft)
	require.NoError(t, err)
	require.Contains(t, u.Summary(), fmt.Sprintf("to        key %x (account 666)", bob.Public.Address()))
	w, err := u.Sign(alice)
	require.NoError(t, err)
	tx, err := payments.FromWire(w)
	require.NoError(t, err)
	require.Equal(t, bob.Public, tx.ToKey)
	require.True(t, tx.Verify(alice.Public, paymentsv1.Domain("nativechain-1", "payments"), "unat"))
	require.False(t, tx.Verify(alice.Public, paymentsv1.Domain("nativechain-1", "payments-a"), "unat"))
	tx.ToKey = mallory.Public // what the leaf at 666 holds: the state and the circuit check the signature against it
	require.False(t, tx.Verify(alice.Public, paymentsv1.Domain("nativechain-1", "payments"), "unat"))

	// a transfer without the recipient's key is not signed at all
	_, err = NewClient(srv.URL).Prepare(ctx, alice.Public, ours, Draft{Kind: payments.KindTransfer, ToIndex: new(uint32), Amount: big.NewInt(1)})
	require.ErrorContains(t, err, "recipient's key")
}
