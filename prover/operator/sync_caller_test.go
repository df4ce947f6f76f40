package operator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol/syncv1"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// The caller's side of a round on the fake chain, against a scripted
// leader: whatever the leader does (refuse, vanish, abort, withhold, send
// a bundle the caller must not sign), the user's batch lands exactly once,
// alone when there is no good bundle (docs/spec/sync-calls.md F3, F4, F7,
// F9; docs/adversarial.md, "Synchronous calls").

// scriptedLeader answers a caller as the test says.
type scriptedLeader struct {
	t      *testing.T
	chain  *syncTestChain
	leader string

	mu       sync.Mutex
	refuse   *APIError // answer to offers
	state    string    // the round's state after an offer
	expiry   int64
	after    int64 // at the first GET /v1/sync/round: expiry = height + after
	bundle   func(msg *types.MsgSubmitBatch) BundleInfo
	offered  []SyncOfferRequest
	signed   int
	landOnce bool
	down     bool // nothing answers at the leader's URL
}

func (l *scriptedLeader) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/sync/round", func(w http.ResponseWriter, _ *http.Request) {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.after > 0 { // the round expires that many blocks from now
			l.chain.fakeChain.mu.Lock()
			l.expiry = l.chain.fakeChain.height + l.after
			l.chain.fakeChain.mu.Unlock()
			l.after = 0
		}
		writeJSON(w, http.StatusOK, SyncRoundInfo{Round: 7, ExpiryHeight: l.expiry, Leader: l.leader, RollupID: "ex"})
	})
	mux.HandleFunc("POST /v1/sync/offers", func(w http.ResponseWriter, r *http.Request) {
		var req SyncOfferRequest
		require.NoError(l.t, json.NewDecoder(r.Body).Decode(&req))
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.refuse != nil {
			writeError(w, l.refuse)
			return
		}
		o, err := syncv1.DecodeOffer(req.Offer)
		require.NoError(l.t, err)
		require.Equal(l.t, l.leader, o.Leader)
		l.offered = append(l.offered, req)
		writeJSON(w, http.StatusAccepted, SyncOfferAnswer{Round: 7, ExpiryHeight: l.expiry, Leader: l.leader, Placement: []uint64{0}})
	})
	mux.HandleFunc("GET /v1/sync/rounds/7", func(w http.ResponseWriter, _ *http.Request) {
		l.mu.Lock()
		defer l.mu.Unlock()
		v := SyncRoundView{Round: 7, State: l.state, ExpiryHeight: l.expiry, Reason: "scripted"}
		if l.state == roundSigning && len(l.offered) > 0 {
			msg := new(types.MsgSubmitBatch)
			require.NoError(l.t, msg.Unmarshal(l.offered[0].Msg))
			bz, err := json.Marshal(l.bundle(msg))
			require.NoError(l.t, err)
			v.Tx = bz
		}
		writeJSON(w, http.StatusOK, v)
	})
	mux.HandleFunc("POST /v1/sync/rounds/7/signatures", func(w http.ResponseWriter, _ *http.Request) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.signed++
		if l.landOnce && len(l.offered) > 0 {
			// The bundle lands: the caller's batch, as offered, at once.
			msg := new(types.MsgSubmitBatch)
			require.NoError(l.t, msg.Unmarshal(l.offered[0].Msg))
			l.chain.landForeign(msg)
			l.landOnce = false
			l.state = roundLanded
		}
		writeJSON(w, http.StatusAccepted, map[string]string{"status": "accepted"})
	})
	return mux
}

func newCallerRun(t *testing.T, script func(l *scriptedLeader)) (*running, *scriptedLeader, WireTx) {
	fc := newFakeChain("pay", testParams)
	ck := secp256k1.GenPrivKey()
	fc.submitter = sdk.AccAddress(ck.PubKey().Address())
	fc.rollup.Operators = []string{fc.submitter.String()}
	fc.others = []string{"ex"}
	leader := sdk.AccAddress(secp256k1.GenPrivKey().PubKey().Address()).String()
	chain := &syncTestChain{fakeChain: fc, others: map[string]types.Rollup{"ex": {Id: "ex", Operators: []string{leader}}}, key: ck}
	l := &scriptedLeader{t: t, chain: chain, leader: leader, state: roundOpen, after: 400}
	l.bundle = func(msg *types.MsgSubmitBatch) BundleInfo {
		return BundleInfo{Batches: []*types.MsgSubmitBatch{msg}, FeePayer: l.leader, TimeoutHeight: uint64(l.expiry)}
	}
	script(l)
	srv := httptest.NewServer(l.handler())
	t.Cleanup(srv.Close)
	opts := testOptions()
	url := srv.URL
	if l.down {
		srv.Close()
	}
	opts.Sync = &SyncOptions{Peers: map[string]SyncPeer{"ex": {URL: url, Leads: true}}, RoundBlocks: 500}
	alice := testKey(t, 1)
	fc.deposit(alice.Public, 1000, "unat")
	r := startAs(t, dbm.NewMemDB(), chain, opts)
	waitVerified(t, r.op, 1)
	tx := send(t, r.op, alice, 0, "ex", alice.Public, []byte("swap call"), 100, 1, 0)
	return r, l, tx
}

// finalSync waits for the send's batch to be verified and returns its
// round status.
func finalSync(t *testing.T, r *running, id string) *SyncTxStatus {
	t.Helper()
	var st TxStatus
	require.Eventually(t, func() bool {
		var err error
		st, err = r.op.TxStatus(id)
		return err == nil && st.Status == "verified"
	}, 15*time.Second, 10*time.Millisecond, "the send was not verified")
	require.NotNil(t, st.Sync, "a send to a leading peer is a caller's")
	return st.Sync
}

func submitWire(t *testing.T, r *running, tx WireTx) string {
	t.Helper()
	bz, err := json.Marshal(tx)
	require.NoError(t, err)
	res, err := r.op.Submit(bz)
	require.NoError(t, err)
	return res.ID
}

func TestSyncCaller_EveryLeaderFailureEndsWithTheBatchAlone(t *testing.T) {
	cases := []struct {
		name   string
		script func(l *scriptedLeader)
		reason string
	}{
		{"the leader refuses the offer", func(l *scriptedLeader) { l.refuse = apiErr(CodeWouldBounce, "no") }, "would_bounce"},
		{"the leader refuses the header (mismatch)", func(l *scriptedLeader) { l.refuse = apiErr(CodeOfferMismatch, "lie") }, "offer_mismatch"},
		{"the leader does not answer", func(l *scriptedLeader) { l.down = true }, "no round to offer"},
		{"the round aborts", func(l *scriptedLeader) { l.state = roundAborted }, "aborted"},
		{"the leader withholds until the expiry", func(l *scriptedLeader) { l.after = 40 }, "expired"},
		{"the leader's round lasts longer than this operator's rounds", func(l *scriptedLeader) { l.after = 600 }, "past this operator's round_blocks"},
		{"the leader is not an operator of the rollup it leads", func(l *scriptedLeader) { l.leader = "native1notanoperator" }, "not an operator"},
		{"the bundle is paid by the caller", func(l *scriptedLeader) {
			l.state, l.after = roundSigning, 40
			inner := l.bundle
			l.bundle = func(m *types.MsgSubmitBatch) BundleInfo { b := inner(m); b.FeePayer = m.Submitter; return b }
		}, "expired"},
		{"the bundle carries another batch than offered", func(l *scriptedLeader) {
			l.state, l.after = roundSigning, 40
			inner := l.bundle
			l.bundle = func(m *types.MsgSubmitBatch) BundleInfo {
				other := *m
				other.NewStateRoot = []byte{9}
				b := inner(&other)
				return b
			}
		}, "expired"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, l, tx := newCallerRun(t, tc.script)
			id := submitWire(t, r, tx)
			st := finalSync(t, r, id)
			require.Equal(t, syncSolo, st.State)
			require.Contains(t, st.Reason, tc.reason)
			l.mu.Lock()
			require.Zero(t, l.signed, "nothing was signed")
			l.mu.Unlock()
			chain := r.op.chain.(*syncTestChain).fakeChain
			chain.mu.Lock()
			defer chain.mu.Unlock()
			require.Equal(t, 1, chain.applied[2], "the batch landed once, alone")
		})
	}
}

func TestSyncCaller_SignsAGoodBundleAndLandsInIt(t *testing.T) {
	r, l, tx := newCallerRun(t, func(l *scriptedLeader) { l.state, l.landOnce = roundSigning, true })
	id := submitWire(t, r, tx)
	st := finalSync(t, r, id)
	require.Equal(t, "bundled", st.State)
	require.Equal(t, uint64(7), st.Round)
	l.mu.Lock()
	defer l.mu.Unlock()
	require.Equal(t, 1, l.signed)
	require.Len(t, l.offered, 1, "offered once")
	chain := r.op.chain.(*syncTestChain).fakeChain
	chain.mu.Lock()
	defer chain.mu.Unlock()
	require.Zero(t, chain.submits[2], "the caller never sent its batch alone")
	require.True(t, strings.HasPrefix(st.Leader, "native") || st.Leader != "")
}
