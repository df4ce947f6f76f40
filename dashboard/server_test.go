package dashboard

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"
)

// upstream records the requests it gets and answers with its name and the
// path it saw.
type upstream struct {
	*httptest.Server
	got []*http.Request
}

func newUpstream(t *testing.T, name string) *upstream {
	t.Helper()
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.got = append(u.got, r.Clone(r.Context()))
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"from": name, "path": r.URL.Path, "query": r.URL.RawQuery})
	}))
	t.Cleanup(u.Close)
	return u
}

func newTestServer(t *testing.T, node, api string, ops ...string) *httptest.Server {
	t.Helper()
	s, err := New(Config{Node: node, API: api, Operators: ops})
	require.NoError(t, err)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string, header ...string) (int, map[string]string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]string
	_ = json.Unmarshal(body, &out)
	return resp.StatusCode, out
}

func TestProxy_RESTForwardsPathAndQueryUnchangedWithoutOrigin(t *testing.T) {
	// ARRANGE
	node, api := newUpstream(t, "node"), newUpstream(t, "api")
	srv := newTestServer(t, node.URL, api.URL)

	// ACT
	code, body := get(t, srv.URL+"/rest/nativechain/rollups/v1/rollups?pagination.limit=200", "Origin", "http://evil.example")

	// ASSERT
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, map[string]string{"from": "api", "path": "/nativechain/rollups/v1/rollups", "query": "pagination.limit=200"}, body)
	require.Len(t, api.got, 1)
	require.Empty(t, api.got[0].Header.Get("Origin"), "the upstream sees no cross-origin request")
}

func TestProxy_IsReadOnly(t *testing.T) {
	node, api := newUpstream(t, "node"), newUpstream(t, "api")
	srv := newTestServer(t, node.URL, api.URL, newUpstream(t, "op").URL)
	for _, tc := range []struct {
		name, method, path string
		want               int
	}{
		{"REST broadcast (POST)", http.MethodPost, "/rest/cosmos/tx/v1beta1/txs", http.StatusMethodNotAllowed},
		{"RPC broadcast route", http.MethodGet, "/rpc/broadcast_tx_sync?tx=0x00", http.StatusForbidden},
		{"RPC unsafe route", http.MethodGet, "/rpc/unsafe_flush_mempool", http.StatusForbidden},
		{"operator tx submission", http.MethodPost, "/operator/0/v1/tx", http.StatusMethodNotAllowed},
		{"operator account read not proxied", http.MethodGet, "/operator/0/v1/accounts/x", http.StatusForbidden},
		{"operator out of range", http.MethodGet, "/operator/1/metrics", http.StatusNotFound},
		{"operator not a number", http.MethodGet, "/operator/x/metrics", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader("{}"))
			require.NoError(t, err)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			_ = resp.Body.Close()
			require.Equal(t, tc.want, resp.StatusCode)
		})
	}
	require.Empty(t, node.got, "nothing reached the node")
	require.Empty(t, api.got, "nothing reached the API")
}

func TestProxy_RPCAndOperatorReadRoutesReachTheirUpstream(t *testing.T) {
	node, api, op := newUpstream(t, "node"), newUpstream(t, "api"), newUpstream(t, "op")
	// The node given the CometBFT way.
	srv := newTestServer(t, strings.Replace(node.URL, "http://", "tcp://", 1), api.URL, op.URL)

	code, body := get(t, srv.URL+`/rpc/tx_search?query="tx.height>=5"`)
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "node", body["from"])
	require.Equal(t, "/tx_search", body["path"])
	require.Equal(t, `"tx.height>=5"`, node.got[0].URL.Query().Get("query"), "the query reaches CometBFT as sent")

	for _, path := range []string{"/metrics", "/v1/status", "/health"} {
		code, body = get(t, srv.URL+"/operator/0"+path)
		require.Equal(t, http.StatusOK, code, path)
		require.Equal(t, map[string]string{"from": "op", "path": path, "query": ""}, body)
	}
}

func TestProxy_UnreachableUpstreamIs502NamingIt(t *testing.T) {
	down := closedAddress(t)
	srv := newTestServer(t, down, down, down)

	for _, tc := range []struct{ path, name string }{
		{"/rest/nativechain/rewards/v1/pool", "cannot reach REST API at " + down},
		{"/rpc/status", "cannot reach node RPC at " + down},
		{"/operator/0/metrics", "cannot reach operator " + down + " at " + down},
	} {
		code, body := get(t, srv.URL+tc.path)
		require.Equal(t, http.StatusBadGateway, code, tc.path)
		require.Contains(t, body["error"], tc.name)
		require.Contains(t, body["error"], "refused")
	}
}

func TestProxy_WebsocketUpgradePassesThrough(t *testing.T) {
	// ARRANGE: a websocket upstream at /websocket that echoes, as CometBFT's
	// /websocket answers subscriptions.
	var up websocket.Upgrader
	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/websocket" {
			http.NotFound(w, r)
			return
		}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			_ = c.WriteMessage(mt, append([]byte("echo "), msg...))
		}
	}))
	defer node.Close()
	srv := newTestServer(t, node.URL, node.URL)

	// ACT
	c, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http")+"/rpc/websocket", http.Header{"Origin": {"http://elsewhere"}})
	require.NoError(t, err)
	defer c.Close()
	_ = resp.Body.Close()
	require.NoError(t, c.WriteMessage(websocket.TextMessage, []byte(`{"method":"subscribe"}`)))
	_, msg, err := c.ReadMessage()

	// ASSERT
	require.NoError(t, err)
	require.Equal(t, `echo {"method":"subscribe"}`, string(msg))
}

func TestPage_ServesEmbeddedAssetsAndConfig(t *testing.T) {
	node, api := newUpstream(t, "node"), newUpstream(t, "api")
	srv := newTestServer(t, node.URL+"/", api.URL, "127.0.0.1:8480")

	for _, tc := range []struct{ path, contentType, contains string }{
		{"/", "text/html", `<canvas id="batch-chart"`},
		{"/assets/app.js", "javascript", "connectWs"},
		{"/assets/chart.min.js", "javascript", "Chart.js v3.9.1"},
		{"/assets/style.css", "text/css", "#invariant.ok"},
	} {
		resp, err := http.Get(srv.URL + tc.path)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, resp.StatusCode, tc.path)
		require.Contains(t, resp.Header.Get("Content-Type"), tc.contentType, tc.path)
		require.Contains(t, string(body), tc.contains, tc.path)
	}

	resp, err := http.Get(srv.URL + "/config.json")
	require.NoError(t, err)
	defer resp.Body.Close()
	var cfg configView
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&cfg))
	require.Equal(t, configView{Node: node.URL, API: api.URL, Operators: []operatorView{{Index: 0, URL: "http://127.0.0.1:8480"}}}, cfg)
}

func TestNew_RefusesBadAddresses(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"empty node", Config{Node: "", API: "http://a:1"}, "--node: empty address"},
		{"bad scheme", Config{Node: "ftp://a:1", API: "http://a:1"}, "scheme must be http, https or tcp"},
		{"no host", Config{Node: "http://", API: "http://a:1"}, "no host"},
		{"bad operator", Config{Node: "tcp://a:1", API: "http://a:1", Operators: []string{"ws://x:1"}}, "--operators"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			require.ErrorContains(t, err, tc.want)
		})
	}
}
