//go:build system

package system

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
)

// Synchronous cross-rollup swaps (docs/spec/sync-calls.md) on the devnet's
// three composing operators, on the real binary: payments-a (unat, carol)
// calls the exchange (unat/uusdc, erin, the round leader) with a swap whose
// output goes to payments-usdc (uusdc, dave). First the happy path (one
// bundle: debit, swap and credit at one height), then each failure the
// operators can be made to commit (NATIVECHAIN_SYNC_FAULT on a restart):
// the bundle's middle batch fails, the leader withholds, the caller's
// preconfirmation lies; every time the caller's batch goes alone and the
// output is still credited exactly once. Last, a replayed preconfirmation
// is refused and changes nothing. It logs the heights of each swap (sent,
// debit, swap, credit) for docs/PERFORMANCE.md; SYSTEM_KEEP_LOGS=DIR copies
// the three operators' logs there.
func TestSyncCall_ThreeOperators(t *testing.T) {
	// ARRANGE: devnet.sh with rollups and its demo, detached, on ports of
	// its own; rounds of 60 blocks (30 s at 500 ms): the exchange's and the
	// destination's proofs fit with room on a loaded 2-core machine.
	d := newDemoDevnet(t, "DEVNET_SYNC_ROUND_BLOCKS=60")
	bin, home, p := d.bin, d.home, d.ports
	out := d.run(t)
	require.Contains(t, out, "demo complete")
	require.Contains(t, out, "12. synchronous swap", "the demo's synchronous swap ran")
	require.Contains(t, out, "outcome sync", "and landed in one bundle (the script checks the three heights)")

	r := &syncRig{t: t, bin: bin, home: home, api: "http://127.0.0.1:" + itoa(p[3]),
		urls: map[string]string{
			"payments-a": "http://127.0.0.1:" + itoa(p[4]), "payments-b": "http://127.0.0.1:" + itoa(p[5]),
			"payments-usdc": "http://127.0.0.1:" + itoa(p[6]), "exchange": "http://127.0.0.1:" + itoa(p[8]),
		},
		alice: loadL2Key(t, home, "alice")}
	var summary []string
	note := func(name string, s swapResult) {
		summary = append(summary, fmt.Sprintf("%-28s sync=%-7s sent %d, debit %d (payments-a/%d), swap %d (exchange/%d), credit %d (payments-usdc/%d): debit→credit %d blocks, sent→credit %d blocks (%s); out %d; load %s",
			name, s.status.Sync.State, s.sent, s.debit, s.debitBatch, s.swap, s.swapBatch, s.credit, s.creditBatch, s.credit-s.debit, s.credit-s.sent, s.wall, s.out, loadavg()))
	}

	var replay []byte // the offer payments-a signed in the first scenario
	var firstBatch uint64
	t.Run("sync", func(t *testing.T) {
		r.t = t
		s := r.swap(10_000)
		// What payments-a signed for its batch (kept in its memory only:
		// a restart forgets it, so the replay scenario takes it now).
		var offers struct {
			Offers []json.RawMessage `json:"offers"`
		}
		r.getJSON(r.urls["payments-a"]+fmt.Sprintf("/v1/sync/offers/%d", s.debitBatch), &offers)
		require.NotEmpty(t, offers.Offers, "payments-a keeps the offer it signed for batch %d", s.debitBatch)
		replay, firstBatch = offers.Offers[0], s.debitBatch
		require.Equal(t, "bundled", s.status.Sync.State, "the caller's batch landed in the round's bundle: %+v", *s.status.Sync)
		require.Empty(t, s.status.Sync.Reason)
		require.Equal(t, s.debit, s.swap, "the swap at the debit's height")
		require.Equal(t, s.debit, s.credit, "the credit at the debit's height")

		// The leader's view of the round: landed at that height.
		var v operator.SyncRoundView
		require.Eventually(t, func() bool {
			r.getJSON(r.urls["exchange"]+fmt.Sprintf("/v1/sync/rounds/%d", s.status.Sync.Round), &v)
			return v.State == "landed"
		}, 30*time.Second, 250*time.Millisecond, "round %d not landed at the leader", s.status.Sync.Round)
		require.Equal(t, s.debit, v.Height)
		require.NotEmpty(t, v.BundleTx)
		require.Len(t, v.Members, 3, "caller, exchange, destination: %+v", v.Members)
		if s.status.Sync.BundleTx == "" {
			t.Logf("NOTE: the caller's sync status has no bundle_tx (it saw its batch verified before the round's broadcast state)")
		} else {
			require.Equal(t, v.BundleTx, s.status.Sync.BundleTx)
		}

		// The bundle transaction: one tx at that height applied the three batches.
		var tx struct {
			TxResponse struct {
				Height string `json:"height"`
				Code   int    `json:"code"`
			} `json:"tx_response"`
		}
		raw := r.rest("/cosmos/tx/v1beta1/txs/"+v.BundleTx, &tx)
		require.Zero(t, tx.TxResponse.Code)
		require.Equal(t, strconv.FormatInt(s.debit, 10), tx.TxResponse.Height)
		require.Contains(t, raw, "EventBundleApplied")
		for _, b := range []string{fmt.Sprintf("payments-a/%d", s.debitBatch), fmt.Sprintf("exchange/%d", s.swapBatch),
			fmt.Sprintf("payments-usdc/%d", s.creditBatch)} {
			require.Contains(t, raw, b, "EventBundleApplied names the batch")
		}

		note("1 sync", s)
	})

	t.Run("middle batch fails", func(t *testing.T) {
		r.t = t
		r.restart("exchange", operator.SyncFaultCorruptProof)
		s := r.swap(10_000)
		require.Equal(t, "solo", s.status.Sync.State, "%+v", *s.status.Sync)
		require.Contains(t, s.status.Sync.Reason, "aborted", "the caller went alone because the round was aborted")
		require.NotZero(t, s.status.Sync.Round, "the caller's batch was offered into a round first")
		require.Contains(t, r.logSinceRestart("exchange"), "does not simulate", "the leader's bundle failed simulation")
		require.Empty(t, s.status.Sync.BundleTx)
		// The destination verifies the proofs of the batches it would
		// build on (R8-8): it refused the intent, and the simulation of the
		// bundle without it refused the exchange's batch: nothing signed.
		require.Contains(t, r.logSinceRestart("exchange"), "sync intent refused")
		require.Contains(t, r.logSinceRestart("exchange"), "does not verify against the rollup's verifying key")
		note("2 middle batch fails", s)
		r.restart("exchange", "")
	})

	t.Run("leader withholds", func(t *testing.T) {
		r.t = t
		r.restart("exchange", operator.SyncFaultWithhold)
		s := r.swap(10_000)
		require.Equal(t, "solo", s.status.Sync.State, "%+v", *s.status.Sync)
		require.Contains(t, s.status.Sync.Reason, "expired", "the caller went alone at the round's expiry")
		require.NotZero(t, s.status.Sync.ExpiryHeight)
		require.Greater(t, s.debit, s.status.Sync.ExpiryHeight, "the caller's batch landed only after the round's expiry")
		note("3 leader withholds", s)
		r.restart("exchange", "")
	})

	t.Run("preconfirmation does not match", func(t *testing.T) {
		r.t = t
		r.restart("payments-a", operator.SyncFaultMismatch)
		s := r.swap(10_000)
		require.Equal(t, "solo", s.status.Sync.State, "%+v", *s.status.Sync)
		require.Contains(t, s.status.Sync.Reason, operator.CodeOfferMismatch, "the leader refused the lying offer")
		require.Contains(t, r.logSinceRestart("payments-a"), operator.CodeOfferMismatch)
		note("4 preconfirmation mismatch", s)
		r.restart("payments-a", "")
	})

	t.Run("replayed preconfirmation", func(t *testing.T) {
		r.t = t
		require.NotNil(t, replay, "the first scenario kept payments-a's offer")
		r.idle()
		before := r.snapshot()
		res, err := http.Post(r.urls["exchange"]+"/v1/sync/offers", "application/json", bytes.NewReader(replay))
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusConflict, res.StatusCode, string(body))
		var e struct {
			Error operator.APIError `json:"error"`
		}
		require.NoError(t, json.Unmarshal(body, &e), string(body))
		require.Contains(t, []string{operator.CodeRoundClosed, operator.CodeOfferStale}, e.Error.Code, e.Error.Message)
		t.Logf("replay of payments-a's offer for batch %d refused: %d %s: %s", firstBatch, res.StatusCode, e.Error.Code, e.Error.Message)
		// Nothing moves: no batch, no balance, no ledger.
		time.Sleep(4 * time.Second)
		r.idle()
		require.Equal(t, before, r.snapshot())
		var offers struct {
			Offers []json.RawMessage `json:"offers"`
		}
		r.getJSON(r.urls["payments-a"]+fmt.Sprintf("/v1/sync/offers/%d", firstBatch), &offers)
		t.Logf("payments-a's signed offers for batch %d after its restart: %d (in memory only)", firstBatch, len(offers.Offers))
	})

	r.t = t
	require.Contains(t, compactJSON(r.rest("/nativechain/crossrollup/v1/invariant", nil)), `"holds":true`)
	t.Logf("blocks from send to credit (DEVNET_BLOCK_TIME=500ms, round 60 blocks):\n%s", strings.Join(summary, "\n"))
}

type syncRig struct {
	t     *testing.T
	bin   string
	home  string
	api   string // the node's REST API
	urls  map[string]string
	alice *payments.PrivateKey
}

type swapResult struct {
	status                             operator.TxStatus
	out                                int64
	sent, debit, swap, credit          int64 // heights: the send accepted, the batches
	debitBatch, swapBatch, creditBatch uint64
	wall                               time.Duration // from the send to the credit seen on the chain
}

// swap sends `in` unat from alice on payments-a to the exchange with a
// swap call for uusdc to alice on payments-usdc, follows it to the credit
// and checks every balance, ledger and inbox entry on the way exactly.
func (r *syncRig) swap(in int64) swapResult {
	t := r.t
	const fee = 1
	r.idle()
	a, c, x := wallet.NewClient(r.urls["payments-a"]), wallet.NewClient(r.urls["payments-usdc"]), wallet.NewClient(r.urls["exchange"])
	accA, err := a.Account(t.Context(), r.alice.Public)
	require.NoError(t, err)
	accC, err := c.Account(t.Context(), r.alice.Public)
	require.NoError(t, err)
	accX, err := x.ExchangeAccount(t.Context(), r.alice.Public)
	require.NoError(t, err)
	require.NotNil(t, accX.VerifiedPool)
	rb, rq := atoi64(t, accX.VerifiedPool.ReserveBase), atoi64(t, accX.VerifiedPool.ReserveQuote)
	// The pool rule (docs/spec/exchange-rollup.md section 3, fee 30 bps).
	out := in * 9970 * rq / (rb*10000 + in*9970)
	require.Positive(t, out)
	escA, escXn, escXu, escC := r.escrow("payments-a", "unat"), r.escrow("exchange", "unat"), r.escrow("exchange", "uusdc"), r.escrow("payments-usdc", "uusdc")
	rx, rc := r.rollup("exchange"), r.rollup("payments-usdc")
	seqX, seqC := rx.InboxSize, rc.InboxSize

	// ACT: l2 swap-call, then l2 send with it as the payload.
	addr := hex.EncodeToString(r.alice.Public.Address())
	payload := strings.TrimSpace(MustRun(t, r.bin, "l2", "swap-call", "--out-denom", "uusdc", "--min-out", strconv.FormatInt(out, 10),
		"--to", "payments-usdc:"+addr, "--l2-home", filepath.Join(r.home, "l2keys")).Stdout)
	sent := MustRun(t, r.bin, "l2", "send", "alice", "exchange", "alice", strconv.FormatInt(in, 10), "--fee", strconv.Itoa(fee),
		"--payload", payload, "--rollup-id", "payments-a", "--operator", r.urls["payments-a"], "--json", "-y", "--home", r.home)
	var res operator.SubmitResult
	require.NoError(t, json.Unmarshal([]byte(sent.Stdout), &res), sent.Stdout)
	sentAt, sentHeight := time.Now(), r.height()

	// The caller's status until its batch is verified, every sync state logged.
	var st operator.TxStatus
	seen := ""
	require.Eventually(t, func() bool {
		s, err := a.Tx(t.Context(), res.ID)
		if err != nil {
			return false
		}
		st = s
		if s.Sync != nil {
			if now := fmt.Sprintf("%s/%s round %d expiry %d %s", s.Status, s.Sync.State, s.Sync.Round, s.Sync.ExpiryHeight, s.Sync.Reason); now != seen {
				seen = now
				t.Logf("caller tx %s: %s (chain at %d)", res.ID, now, r.height())
			}
		}
		return s.Status == "verified" || s.Status == "rejected"
	}, 4*time.Minute, 200*time.Millisecond, "caller tx %s not verified", res.ID)
	require.Equal(t, "verified", st.Status, st.Reason)
	require.NotNil(t, st.Sync, "the swap call's batch is a caller batch")

	// ASSERT: debit, swap and credit on the chain.
	s := swapResult{status: st, out: out, debitBatch: st.Batch, sent: sentHeight}
	s.debit = r.batch("payments-a", st.Batch).Height
	mx := r.message("exchange", seqX)
	require.Equal(t, "payments-a", mx.Message.SourceRollupID)
	require.Equal(t, "unat", mx.Message.Denom)
	require.Equal(t, strconv.FormatInt(in, 10), mx.Message.Amount)
	require.Equal(t, strconv.FormatInt(s.debit, 10), mx.Message.Height, "the call entered the exchange's inbox with the debit")
	require.NotEmpty(t, mx.Message.Payload)
	s.swapBatch, s.swap = r.consumer("exchange", seqX, rx.NextBatchIndex)
	mc := r.message("payments-usdc", seqC)
	require.Equal(t, "exchange", mc.Message.SourceRollupID)
	require.Equal(t, "uusdc", mc.Message.Denom)
	require.Equal(t, strconv.FormatInt(out, 10), mc.Message.Amount, "the output is the pool rule's")
	require.Equal(t, strconv.FormatInt(s.swap, 10), mc.Message.Height, "the output left with the swap")
	s.creditBatch, s.credit = r.consumer("payments-usdc", seqC, rc.NextBatchIndex)
	s.wall = time.Since(sentAt).Round(100 * time.Millisecond)
	t.Logf("swap %d unat → %d uusdc: sent at %d, debit at %d (payments-a/%d), swap at %d (exchange/%d), credit at %d (payments-usdc/%d): %d blocks send→credit; sync %+v; load %s",
		in, out, s.sent, s.debit, s.debitBatch, s.swap, s.swapBatch, s.credit, s.creditBatch, s.credit-s.debit, *st.Sync, loadavg())
	require.Equal(t, int64(1), int64(r.rollup("exchange").InboxSize-seqX), "one entry into the exchange: nothing duplicated")
	require.Equal(t, int64(1), int64(r.rollup("payments-usdc").InboxSize-seqC), "one output to payments-usdc: nothing duplicated")

	// Balances, exactly: L2 accounts, the pool, the escrow ledgers.
	requireL2(t, a, r.alice, strconv.FormatInt(atoi64(t, accA.VerifiedBalance)-in-fee, 10), accA.VerifiedNonce+1)
	requireL2(t, c, r.alice, strconv.FormatInt(atoi64(t, accC.VerifiedBalance)+out, 10), accC.VerifiedNonce)
	require.Eventually(t, func() bool {
		ax, err := x.ExchangeAccount(t.Context(), r.alice.Public)
		return err == nil && ax.VerifiedPool != nil && ax.Verified == accX.Verified &&
			*ax.VerifiedPool == wallet.ExchangePool{ReserveBase: strconv.FormatInt(rb+in, 10), ReserveQuote: strconv.FormatInt(rq-out, 10), TotalShares: accX.VerifiedPool.TotalShares}
	}, time.Minute, 200*time.Millisecond, "the pool after the swap: %d/%d", rb+in, rq-out)
	require.Equal(t, escA-in-fee, r.escrow("payments-a", "unat"), "payments-a's ledger: the value sent and the fee paid out")
	require.Equal(t, escXn+in, r.escrow("exchange", "unat"), "the exchange's unat ledger")
	require.Equal(t, escXu-out, r.escrow("exchange", "uusdc"), "the exchange's uusdc ledger")
	require.Equal(t, escC+out, r.escrow("payments-usdc", "uusdc"), "payments-usdc's ledger")
	require.Zero(t, r.escrow("payments-usdc", "unat"))
	require.Contains(t, compactJSON(r.rest("/nativechain/crossrollup/v1/invariant", nil)), `"holds":true`)
	return s
}

// idle waits until the four operators have every batch verified and
// nothing pending.
func (r *syncRig) idle() { waitOperatorsIdle(r.t, r.urls) }

// restart restarts operator id with the sync fault (none: "").
func (r *syncRig) restart(id, fault string) {
	pid := restartOperator(r.t, r.bin, r.home, id, fault, r.urls)
	r.t.Logf("operator %s restarted (pid %d, fault %q)", id, pid, fault)
}

// logSinceRestart is id's log since the test last restarted it.
func (r *syncRig) logSinceRestart(id string) string {
	l := r.logOf(id)
	return l[max(0, strings.LastIndex(l, "---- test: restart")):]
}

func (r *syncRig) logOf(id string) string {
	raw, err := os.ReadFile(filepath.Join(r.home, "operators", id, "operator.log"))
	require.NoError(r.t, err)
	return string(raw)
}

// syncSnapshot is what a refused replay must not move.
type syncSnapshot struct {
	Next    map[string]uint64
	Escrow  map[string]int64
	Balance map[string]string
}

func (r *syncRig) snapshot() syncSnapshot {
	s := syncSnapshot{Next: map[string]uint64{}, Escrow: map[string]int64{}, Balance: map[string]string{}}
	for _, id := range []string{"payments-a", "exchange", "payments-usdc"} {
		s.Next[id] = r.rollup(id).NextBatchIndex
	}
	for _, l := range [][2]string{{"payments-a", "unat"}, {"exchange", "unat"}, {"exchange", "uusdc"}, {"payments-usdc", "uusdc"}} {
		s.Escrow[l[0]+"/"+l[1]] = r.escrow(l[0], l[1])
	}
	for _, id := range []string{"payments-a", "payments-usdc"} {
		acc, err := wallet.NewClient(r.urls[id]).Account(r.t.Context(), r.alice.Public)
		require.NoError(r.t, err)
		s.Balance[id] = fmt.Sprintf("%s/%d", acc.VerifiedBalance, acc.VerifiedNonce)
	}
	return s
}

// chainRollup is the part of a rollup's record the test reads.
type chainRollup struct {
	NextBatchIndex uint64
	InboxSize      uint64
	InboxConsumed  uint64
}

func (r *syncRig) rollup(id string) chainRollup {
	var res struct {
		Rollup struct {
			NextBatchIndex string `json:"next_batch_index"`
			InboxSize      string `json:"inbox_size"`
			InboxConsumed  string `json:"inbox_consumed"`
		} `json:"rollup"`
	}
	r.rest("/nativechain/rollups/v1/rollups/"+id, &res)
	return chainRollup{NextBatchIndex: atou64(r.t, res.Rollup.NextBatchIndex), InboxSize: atou64(r.t, res.Rollup.InboxSize),
		InboxConsumed: atou64(r.t, res.Rollup.InboxConsumed)}
}

type chainBatch struct {
	Height             int64
	InboxFrom, InboxTo uint64
}

func (r *syncRig) batch(id string, index uint64) chainBatch {
	var res struct {
		Batch struct {
			Height    string `json:"height"`
			InboxFrom string `json:"inbox_from"`
			InboxTo   string `json:"inbox_to"`
		} `json:"batch"`
	}
	r.rest(fmt.Sprintf("/nativechain/rollups/v1/rollups/%s/batches/%d", id, index), &res)
	return chainBatch{Height: atoi64(r.t, res.Batch.Height), InboxFrom: atou64(r.t, res.Batch.InboxFrom), InboxTo: atou64(r.t, res.Batch.InboxTo)}
}

type chainMessage struct {
	Message struct {
		SourceRollupID string `json:"source_rollup_id"`
		Denom          string `json:"denom"`
		Amount         string `json:"amount"`
		Payload        string `json:"payload"`
		Height         string `json:"height"`
	} `json:"message"`
	Consumed bool `json:"consumed"`
}

// message waits for inbox entry seq of rollup id and returns it.
func (r *syncRig) message(id string, seq uint64) chainMessage {
	require.Eventually(r.t, func() bool { return r.rollup(id).InboxSize > seq }, 3*time.Minute, 200*time.Millisecond,
		"no inbox entry %d in %s", seq, id)
	var m chainMessage
	r.rest(fmt.Sprintf("/nativechain/crossrollup/v1/message/%s/%d", id, seq), &m)
	return m
}

// consumer waits until a verified batch of rollup id consumed inbox entry
// seq and returns that batch's index and height (batches from index from).
func (r *syncRig) consumer(id string, seq, from uint64) (uint64, int64) {
	t := r.t
	require.Eventually(t, func() bool { return r.rollup(id).InboxConsumed > seq }, 4*time.Minute, 200*time.Millisecond,
		"inbox entry %d of %s not consumed", seq, id)
	next := r.rollup(id).NextBatchIndex
	for i := from; i < next; i++ {
		if b := r.batch(id, i); b.InboxFrom <= seq && seq < b.InboxTo {
			return i, b.Height
		}
	}
	t.Fatalf("no batch of %s in [%d, %d) consumed inbox entry %d", id, from, next, seq)
	return 0, 0
}

func (r *syncRig) escrow(id, denom string) int64 {
	var res struct {
		Ledgers []struct {
			Denom  string `json:"denom"`
			Amount string `json:"amount"`
		} `json:"ledgers"`
	}
	r.rest("/nativechain/crossrollup/v1/escrow/"+id, &res)
	for _, l := range res.Ledgers {
		if l.Denom == denom {
			return atoi64(r.t, l.Amount)
		}
	}
	return 0
}

func (r *syncRig) height() int64 {
	var res struct {
		Block struct {
			Header struct {
				Height string `json:"height"`
			} `json:"header"`
		} `json:"block"`
	}
	r.rest("/cosmos/base/tendermint/v1beta1/blocks/latest", &res)
	n, _ := strconv.ParseInt(res.Block.Header.Height, 10, 64)
	return n
}

// rest GETs a path of the node's REST API, decodes it into out (if not
// nil) and returns the body.
func (r *syncRig) rest(path string, out any) string {
	return r.getJSON(r.api+path, out)
}

func (r *syncRig) getJSON(url string, out any) string {
	t := r.t
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, "GET %s: %s", url, body)
	if out != nil {
		require.NoError(t, json.Unmarshal(body, out), "GET %s: %s", url, body)
	}
	return string(body)
}

func compactJSON(s string) string { return strings.NewReplacer(" ", "", "\n", "").Replace(s) }

func atoi64(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err, "integer %q", s)
	return n
}

func atou64(t *testing.T, s string) uint64 {
	t.Helper()
	if s == "" {
		return 0 // proto3 JSON leaves zero out
	}
	n, err := strconv.ParseUint(s, 10, 64)
	require.NoError(t, err, "integer %q", s)
	return n
}
