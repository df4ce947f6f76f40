package operator

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// R9-1 (docs/notes/i19-recheck.md): the 4-slot semaphore of the sync POSTs
// is taken before the body is read, and the endpoints are anonymous. A
// client that opens 4 connections, sends the headers of a POST and then
// trickles (or withholds) its body holds every slot for the server's read
// timeout (15 s), and again on reconnecting: every offer, signature and
// intent of the real members gets 503 (CodeMempoolFull, which a caller
// does not retry: its batch goes alone; a member whose signature POST
// keeps failing is put on probation when the round expires). Cost: 4 idle
// TCP connections, no key, no fee.
func TestRecheck_R9_1_SlowBodiesDoNotHoldTheSyncSlots(t *testing.T) {
	op, _, _ := newLeader(t)
	srv := httptest.NewUnstartedServer(op.Handler())
	srv.Config = NewAPIServer(op.Handler(), DefaultAPITimeouts)
	srv.Start()
	defer srv.Close()
	addr := srv.Listener.Addr().String()

	for i := 0; i < maxSyncInFlight; i++ {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		// Headers of a 1 MiB body, then nothing (a trickle would do).
		_, err = fmt.Fprintf(c, "POST /v1/sync/intents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{", 1<<20)
		require.NoError(t, err)
	}
	time.Sleep(300 * time.Millisecond) // the handlers now wait in readJSON, each holding a slot

	// A member's signature (here: any well-formed body) is answered 503.
	res, err := http.Post(srv.URL+"/v1/sync/rounds/9/signatures", "application/json",
		bytes.NewReader([]byte(`{"signer":"x","signature":"AA=="}`)))
	require.NoError(t, err)
	res.Body.Close()
	require.NotEqual(t, http.StatusServiceUnavailable, res.StatusCode,
		"4 anonymous connections with unsent bodies deny the leader's signature endpoint")
}
