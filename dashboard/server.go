package dashboard

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"time"
)

//go:embed assets
var assets embed.FS

// Config names the upstreams the dashboard reads.
type Config struct {
	// Node is the CometBFT RPC address (tcp://host:port or http://host:port).
	Node string
	// API is the node's REST (gRPC-gateway) address, http://host:port.
	API string
	// Operators are the operators' API addresses, http://host:port.
	Operators []string
	// FleetInterval is how often the operators' metrics are read
	// (default 5s).
	FleetInterval time.Duration
}

// Server is the dashboard's HTTP handler and its fleet poller.
type Server struct {
	node, api *url.URL
	operators []*url.URL
	fleet     *fleetPoller
	mux       *http.ServeMux
}

// New checks the configuration and builds the handler. Nothing is dialled
// here: an upstream that is down is reported by the page, not refused.
func New(cfg Config) (*Server, error) {
	node, err := parseUpstream("--node", cfg.Node)
	if err != nil {
		return nil, err
	}
	api, err := parseUpstream("--api", cfg.API)
	if err != nil {
		return nil, err
	}
	s := &Server{node: node, api: api, mux: http.NewServeMux()}
	for _, raw := range cfg.Operators {
		u, err := parseUpstream("--operators", raw)
		if err != nil {
			return nil, err
		}
		s.operators = append(s.operators, u)
	}
	interval := cfg.FleetInterval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	s.fleet = newFleetPoller(s.operators, interval, &http.Client{Timeout: 3 * time.Second})
	s.routes()
	return s, nil
}

// parseUpstream accepts http(s)://host:port and CometBFT's tcp://host:port
// (read as http) and drops a trailing slash.
func parseUpstream(flag, raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("%s: empty address", flag)
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s %q: %w", flag, raw, err)
	}
	switch u.Scheme {
	case "tcp":
		u.Scheme = "http"
	case "http", "https":
	default:
		return nil, fmt.Errorf("%s %q: scheme must be http, https or tcp", flag, raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%s %q: no host", flag, raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// rpcReadRoutes are the CometBFT RPC routes the proxy passes: the read-only
// ones the page uses (broadcast_*, dial_* and unsafe_* are not among them).
var rpcReadRoutes = map[string]bool{
	"status": true, "health": true, "block": true, "header": true, "blockchain": true,
	"block_results": true, "tx": true, "tx_search": true, "validators": true,
	"net_info": true, "abci_info": true, "websocket": true,
}

// operatorRoutes are the operator API routes the proxy passes: the public
// read-only ones.
var operatorRoutes = map[string]bool{"metrics": true, "v1/status": true, "health": true}

func (s *Server) routes() {
	static, err := fs.Sub(assets, "assets")
	if err != nil {
		panic(err) // the embedded tree always has assets/
	}
	files := http.FileServerFS(static)
	s.mux.Handle("GET /assets/", http.StripPrefix("/assets/", files))
	s.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		http.ServeFileFS(w, r, static, "index.html")
	})
	s.mux.HandleFunc("GET /config.json", s.handleConfig)
	s.mux.HandleFunc("GET /fleet.json", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, s.fleet.Snapshot())
	})

	rest := s.proxy("REST API", s.api, "/rest")
	s.mux.HandleFunc("GET /rest/", rest.ServeHTTP)

	rpc := s.proxy("node RPC", s.node, "/rpc")
	s.mux.HandleFunc("GET /rpc/{route}", func(w http.ResponseWriter, r *http.Request) {
		if !rpcReadRoutes[r.PathValue("route")] {
			writeError(w, http.StatusForbidden, fmt.Sprintf("RPC route %q is not read-only or not used by the dashboard", r.PathValue("route")))
			return
		}
		rpc.ServeHTTP(w, r)
	})

	ops := make([]http.Handler, len(s.operators))
	for i, u := range s.operators {
		prefix := "/operator/" + strconv.Itoa(i)
		ops[i] = s.proxy("operator "+u.String(), u, prefix)
	}
	s.mux.HandleFunc("GET /operator/{n}/{route...}", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.PathValue("n"))
		if err != nil || n < 0 || n >= len(ops) {
			writeError(w, http.StatusNotFound, fmt.Sprintf("no operator %q (the dashboard has %d)", r.PathValue("n"), len(ops)))
			return
		}
		if !operatorRoutes[r.PathValue("route")] {
			writeError(w, http.StatusForbidden, fmt.Sprintf("operator route %q is not proxied (only /metrics, /v1/status, /health)", r.PathValue("route")))
			return
		}
		ops[n].ServeHTTP(w, r)
	})
}

// proxy forwards prefix/... to upstream/... unchanged (method, query and
// body; websocket upgrades too). The browser's Origin is dropped: the
// upstream sees a same-host client, as it would from curl. A dial or read
// failure becomes a 502 whose JSON names the upstream.
func (s *Server) proxy(name string, upstream *url.URL, prefix string) http.Handler {
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.Out.URL.Path = strings.TrimPrefix(pr.In.URL.Path, prefix)
			pr.Out.URL.RawPath = ""
			pr.SetURL(upstream)
			pr.Out.Host = upstream.Host
			pr.Out.Header.Del("Origin")
			pr.Out.Header.Del("Cookie")
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			writeError(w, http.StatusBadGateway, fmt.Sprintf("cannot reach %s at %s: %v", name, upstream, unwrapNetErr(err)))
		},
	}
}

// unwrapNetErr shortens a dial error to its cause ("connection refused").
func unwrapNetErr(err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err
	}
	return err
}

// configView is /config.json: the upstreams as the page links to them.
type configView struct {
	Node      string         `json:"node"`
	API       string         `json:"api"`
	Operators []operatorView `json:"operators"`
}

type operatorView struct {
	Index int    `json:"index"`
	URL   string `json:"url"`
}

func (s *Server) handleConfig(w http.ResponseWriter, _ *http.Request) {
	v := configView{Node: s.node.String(), API: s.api.String(), Operators: []operatorView{}}
	for i, u := range s.operators {
		v.Operators = append(v.Operators, operatorView{Index: i, URL: u.String()})
	}
	writeJSON(w, http.StatusOK, v)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	s.mux.ServeHTTP(w, r)
}

// Run polls the operators and serves on l until ctx ends.
func (s *Server) Run(ctx context.Context, l net.Listener) error {
	go s.fleet.Run(ctx)
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	if err := srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}
