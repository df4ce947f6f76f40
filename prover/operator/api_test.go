package operator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/payments"
)

func TestWire_RoundTripAndID(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice := testKey(t, 1)
	chain.deposit(alice.Public, 1000, "unat")
	r := start(t, dbm.NewMemDB(), chain, &fakeProver{}, false)
	raw := transfer(t, r.op, alice, 0, 1, 300, 1, 0)
	var w payments.WireTx
	require.NoError(t, json.Unmarshal(raw, &w))
	tx, err := payments.FromWire(w)
	require.NoError(t, err)
	require.Equal(t, w, payments.ToWire(tx))
	require.Equal(t, txID(raw), txID(ToWire(tx)))
	kt, err := r.op.kind.DecodeTx(raw)
	require.NoError(t, err)
	require.Equal(t, []byte(raw), []byte(kt.Wire()), "the kind's canonical form is the wire JSON")

	w.Amount = "1234567891" // ten significant digits
	_, err = payments.FromWire(w)
	require.Equal(t, CodeNotRepresentable, codeOf(err))
	w.Amount, w.Kind = "1", "mint"
	_, err = payments.FromWire(w)
	require.Equal(t, CodeInvalidTx, codeOf(err))
}

func TestAPI_StatusCodesAndBodies(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	alice, bob := testKey(t, 1), testKey(t, 2)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(bob.Public, 10, "unat")
	r := start(t, dbm.NewMemDB(), chain, &fakeProver{}, false)
	waitVerified(t, r.op, 1)
	srv := httptest.NewServer(r.op.Handler())
	defer srv.Close()

	post := func(body string) (int, map[string]any) {
		res, err := http.Post(srv.URL+"/v1/tx", "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer res.Body.Close()
		var m map[string]any
		require.NoError(t, json.NewDecoder(res.Body).Decode(&m))
		return res.StatusCode, m
	}
	errCode := func(m map[string]any) string { return m["error"].(map[string]any)["code"].(string) }

	code, m := post("{not json")
	require.Equal(t, http.StatusBadRequest, code)
	require.Equal(t, CodeInvalidRequest, errCode(m))

	bz, _ := json.Marshal(transfer(t, r.op, alice, 0, 1, 5, 0, 0))
	code, m = post(string(bz))
	require.Equal(t, http.StatusAccepted, code, "%v", m)
	id := m["id"].(string)
	code, m = post(string(bz))
	require.Equal(t, http.StatusConflict, code)
	require.Equal(t, CodeBadNonce, errCode(m))

	res, err := http.Get(srv.URL + "/v1/tx/" + id)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	res.Body.Close()
	res, err = http.Get(fmt.Sprintf("%s/v1/accounts/%x", srv.URL, testKey(t, 9).Public.Address()))
	require.NoError(t, err)
	require.Equal(t, http.StatusNotFound, res.StatusCode)
	res.Body.Close()
	res, err = http.Get(srv.URL + "/health")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	res.Body.Close()
	res, err = http.Get(srv.URL + "/metrics")
	require.NoError(t, err)
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(res.Body)
	res.Body.Close()
	require.Contains(t, buf.String(), "operator_txs_accepted_total 1")
	require.Contains(t, buf.String(), `operator_txs_refused_total{code="bad_nonce"} 1`)
}

// M4: the API server cuts off slow and idle clients, so a few hundred
// connections that trickle bytes (slowloris) cannot hold it. The daemon
// serves with DefaultAPITimeouts; the test scales them down.
func TestAPIServer_ClosesSlowAndIdleConnections(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	r := start(t, dbm.NewMemDB(), chain, &fakeProver{}, false)
	srv := NewAPIServer(r.op.Handler(), APITimeouts{ReadHeader: 200 * time.Millisecond, Read: 300 * time.Millisecond,
		Write: time.Second, Idle: 300 * time.Millisecond})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	for name, request := range map[string]string{
		"headers never finished":            "GET /health HTTP/1.1\r\nHost: x\r\n",
		"body trickled":                     "POST /v1/tx HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{",
		"kept alive and idle after a reply": "GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
	} {
		conn, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		_, err = conn.Write([]byte(request))
		require.NoError(t, err)
		// The server must close the connection; the client gives up after 3 s.
		require.NoError(t, conn.SetReadDeadline(time.Now().Add(3*time.Second)))
		_, err = io.Copy(io.Discard, conn)
		require.NoError(t, err, "%s: the server kept the connection open", name)
		conn.Close()
	}
}

func TestDefaultAPITimeouts_AreAllSet(t *testing.T) {
	srv := NewAPIServer(http.NotFoundHandler(), DefaultAPITimeouts)
	require.Positive(t, srv.ReadHeaderTimeout)
	require.Positive(t, srv.ReadTimeout)
	require.Positive(t, srv.WriteTimeout)
	require.Positive(t, srv.IdleTimeout)
}
