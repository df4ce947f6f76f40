package operator

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// maxBodyBytes bounds a request body (a transaction is well under 2 KiB).
const maxBodyBytes = 64 << 10

// APITimeouts bound how long one client may hold a connection of the API
// server: reading the request line and headers, reading the whole request
// (a body is under maxBodyBytes), writing the answer, and waiting idle
// between requests on a kept-alive connection. Without them a client that
// trickles bytes (slowloris) holds a connection and a goroutine forever.
type APITimeouts struct{ ReadHeader, Read, Write, Idle time.Duration }

// DefaultAPITimeouts are what `operator start` serves with.
var DefaultAPITimeouts = APITimeouts{ReadHeader: 5 * time.Second, Read: 15 * time.Second,
	Write: 30 * time.Second, Idle: 60 * time.Second}

// NewAPIServer is the daemon's HTTP server for h.
func NewAPIServer(h http.Handler, t APITimeouts) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read,
		WriteTimeout: t.Write, IdleTimeout: t.Idle, MaxHeaderBytes: 16 << 10}
}

// Handler is the operator's HTTP API (docs/operator-api.md).
func (o *Operator) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/tx", o.handleSubmit)
	mux.HandleFunc("GET /v1/tx/{id}", o.handleTx)
	mux.HandleFunc("GET /v1/accounts/{address}", o.handleAccount)
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, o.Status()) })
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		if err := o.Healthy(); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unhealthy", "reason": err.Error()})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(o.metrics.reg, promhttp.HandlerOpts{}))
	o.syncRoutes(mux)
	return mux
}

func (o *Operator) handleSubmit(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil || len(body) > maxBodyBytes {
		writeError(w, apiErr(CodeInvalidRequest, "body unreadable or over %d bytes", maxBodyBytes))
		return
	}
	// The kind decodes the body (unknown fields refused: invalid_request).
	res, err := o.Submit(body)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, res)
}

func (o *Operator) handleTx(w http.ResponseWriter, r *http.Request) {
	st, err := o.TxStatus(strings.ToLower(r.PathValue("id")))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, st)
}

func (o *Operator) handleAccount(w http.ResponseWriter, r *http.Request) {
	addr, err := hex.DecodeString(strings.TrimPrefix(r.PathValue("address"), "0x"))
	if err != nil {
		writeError(w, apiErr(CodeInvalidRequest, "address: want 64 bytes of hex"))
		return
	}
	acc, err := o.Account(addr)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, acc)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, err error) {
	var ae *APIError
	if !errors.As(err, &ae) {
		ae = apiErr(CodeInternal, "%v", err)
	}
	writeJSON(w, httpStatus(ae.Code), map[string]*APIError{"error": ae})
}

func httpStatus(code string) int {
	switch code {
	case CodeNotFound, CodeUnknownAccount:
		return http.StatusNotFound
	case CodeMempoolFull, CodeHalted, CodeNotLeader, CodeNoSync:
		return http.StatusServiceUnavailable
	case CodeNoRound:
		return http.StatusNotFound
	case CodeRoundClosed, CodeOfferStale, CodeWouldBounce, CodeSlotsFull, CodeProbation, CodeEquivocation:
		return http.StatusConflict
	case CodeOfferMalformed, CodeOfferMismatch, CodeNotOperator:
		return http.StatusUnprocessableEntity
	case CodeInternal:
		return http.StatusInternalServerError
	case CodeBadNonce:
		return http.StatusConflict
	case CodeTooManyPending:
		return http.StatusTooManyRequests
	}
	return http.StatusBadRequest
}

func hexDecode(s string) ([]byte, error) { return hex.DecodeString(strings.TrimPrefix(s, "0x")) }
