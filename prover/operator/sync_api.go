package operator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// maxSyncBodyBytes bounds a sync request: an intent carries up to
// max_callers + 1 batches (each at most the chain's max_batch_data_bytes
// of data and outbox, 128 KiB by default, twice with its offer) as base64.
const maxSyncBodyBytes = 2 << 20

// maxSyncInFlight bounds the sync POSTs served at once (each may check
// signatures, query the node and verify proofs); more get 503.
const maxSyncInFlight = 4

// syncRoutes adds the synchronous-call endpoints (docs/operator-api.md).
func (o *Operator) syncRoutes(mux *http.ServeMux) {
	// The body is read first (bounded by the server's read timeout), then
	// a slot is taken for the work (signatures, node queries, proofs): a
	// client that withholds its body holds a connection, not a slot.
	slots := make(chan struct{}, maxSyncInFlight)
	limited := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, err := io.ReadAll(io.LimitReader(r.Body, maxSyncBodyBytes+1))
			if err != nil || len(body) > maxSyncBodyBytes {
				writeError(w, apiErr(CodeInvalidRequest, "body unreadable or over %d bytes", maxSyncBodyBytes))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			select {
			case slots <- struct{}{}:
				defer func() { <-slots }()
				h(w, r)
			default:
				writeError(w, apiErr(CodeMempoolFull, "%d sync requests in progress; retry", maxSyncInFlight))
			}
		}
	}
	// leading wraps a leader endpoint: 503 not_leader unless this operator
	// leads; fn answers with code or an error.
	leading := func(code int, fn func(l *syncLeader, r *http.Request) (any, error)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			l, err := o.leaderOrErr()
			if err != nil {
				writeError(w, err)
				return
			}
			v, err := fn(l, r)
			reply(w, code, v, err)
		}
	}
	mux.HandleFunc("GET /v1/sync/round", leading(http.StatusOK, func(l *syncLeader, _ *http.Request) (any, error) {
		return l.info()
	}))
	mux.HandleFunc("POST /v1/sync/offers", limited(leading(http.StatusAccepted, func(l *syncLeader, r *http.Request) (any, error) {
		var req SyncOfferRequest
		if err := readJSON(r, &req); err != nil {
			return nil, err
		}
		return l.offer(r.Context(), req)
	})))
	mux.HandleFunc("GET /v1/sync/rounds/{round}", leading(http.StatusOK, func(l *syncLeader, r *http.Request) (any, error) {
		n, err := pathUint(r, "round")
		if err != nil {
			return nil, err
		}
		return l.view(n)
	}))
	mux.HandleFunc("POST /v1/sync/rounds/{round}/signatures", limited(leading(http.StatusAccepted, func(l *syncLeader, r *http.Request) (any, error) {
		n, err := pathUint(r, "round")
		if err != nil {
			return nil, err
		}
		var s SyncSignature
		if err := readJSON(r, &s); err != nil {
			return nil, err
		}
		return map[string]string{"status": "accepted"}, l.signature(r.Context(), n, s)
	})))
	mux.HandleFunc("GET /v1/sync/offers/{index}", func(w http.ResponseWriter, r *http.Request) {
		n, err := pathUint(r, "index")
		if err != nil {
			writeError(w, err)
			return
		}
		offers := o.submitter.signed.get(n)
		writeJSON(w, http.StatusOK, map[string][]SyncOfferRequest{"offers": offers})
	})
	mux.HandleFunc("GET /v1/sync/evidence", func(w http.ResponseWriter, _ *http.Request) {
		var ev []SyncEvidence
		if o.leader != nil {
			ev = o.leader.evidenceList()
		}
		writeJSON(w, http.StatusOK, map[string][]SyncEvidence{"evidence": ev})
	})
	mux.HandleFunc("POST /v1/sync/intents", limited(func(w http.ResponseWriter, r *http.Request) {
		var in SyncIntent
		if err := readJSON(r, &in); err != nil {
			writeError(w, err)
			return
		}
		ans, err := o.takeIntent(r.Context(), in)
		reply(w, http.StatusAccepted, ans, err)
	}))
}

// pathUint is the path parameter name as a number.
func pathUint(r *http.Request, name string) (uint64, error) {
	n, err := strconv.ParseUint(r.PathValue(name), 10, 64)
	if err != nil {
		return 0, apiErr(CodeInvalidRequest, "%s: want a number", name)
	}
	return n, nil
}

func (o *Operator) leaderOrErr() (*syncLeader, error) {
	if o.leader == nil {
		return nil, apiErr(CodeNotLeader, "this operator does not lead synchronous-call rounds")
	}
	return o.leader, nil
}

func reply(w http.ResponseWriter, code int, v any, err error) {
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, code, v)
}

func readJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxSyncBodyBytes+1))
	if err != nil || len(body) > maxSyncBodyBytes {
		return apiErr(CodeInvalidRequest, "body unreadable or over %d bytes", maxSyncBodyBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apiErr(CodeInvalidRequest, "body: %v", err)
	}
	return nil
}

// peerGet and peerPost call a peer's API; an error answer comes back as
// its *APIError.
func peerGet(ctx context.Context, c *http.Client, url string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	return doJSON(c, req, out)
}

func peerPost(ctx context.Context, c *http.Client, url string, in, out any) error {
	bz, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(bz))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return doJSON(c, req, out)
}

func doJSON(c *http.Client, req *http.Request, out any) error {
	res, err := c.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxSyncBodyBytes))
	if err != nil {
		return err
	}
	if res.StatusCode >= 300 {
		var e struct {
			Error *APIError `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != nil {
			return e.Error
		}
		return fmt.Errorf("%s %s: HTTP %d", req.Method, req.URL, res.StatusCode)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(body, out)
}
