package cmd

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
	crtypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rolluptypes "github.com/nativechain/nativechain/x/rollups/types"
)

// fakeSwapChain stands in for the node (and the exchange operator's
// chain-checked pool): rollup records, batch records, inbox entries and
// each batch's bridge events.
type fakeSwapChain struct {
	rollups map[string]rolluptypes.Rollup
	batches map[string]map[uint64]rolluptypes.Batch
	inbox   map[string]map[uint64]fakeEntry
	events  map[string]swapBatchEvents // "rollup/index"
	pool    *wallet.ExchangePool
	poolErr error
}

type fakeEntry struct {
	msg      rolluptypes.InboxMessage
	consumed bool
}

var errNotFound = errors.New("not found")

func newFakeSwapChain() *fakeSwapChain {
	active := rolluptypes.ROLLUP_STATUS_ACTIVE
	return &fakeSwapChain{
		rollups: map[string]rolluptypes.Rollup{
			"payments-a":    {Id: "payments-a", Status: active, NextBatchIndex: 6, ExitLayout: &rolluptypes.ExitLayout{Name: protocol.ExitLayoutPaymentsV1, Denom: "unat"}},
			"payments-usdc": {Id: "payments-usdc", Status: active, NextBatchIndex: 10, ExitLayout: &rolluptypes.ExitLayout{Name: protocol.ExitLayoutPaymentsV1, Denom: "uusdc"}},
			"exchange":      {Id: "exchange", Status: active, NextBatchIndex: 4, ExitLayout: &rolluptypes.ExitLayout{Name: protocol.ExitLayoutExchangeV1, Denom: "unat", QuoteDenom: "uusdc"}},
			"frozen-usdc":   {Id: "frozen-usdc", Status: rolluptypes.ROLLUP_STATUS_FROZEN, ExitLayout: &rolluptypes.ExitLayout{Name: protocol.ExitLayoutPaymentsV1, Denom: "uusdc"}},
		},
		batches: map[string]map[uint64]rolluptypes.Batch{},
		inbox:   map[string]map[uint64]fakeEntry{},
		events:  map[string]swapBatchEvents{},
		pool:    &wallet.ExchangePool{ReserveBase: "1000000", ReserveQuote: "2000000", TotalShares: "1000000"},
	}
}

func (c *fakeSwapChain) addBatch(b rolluptypes.Batch, ev swapBatchEvents) {
	if c.batches[b.RollupId] == nil {
		c.batches[b.RollupId] = map[uint64]rolluptypes.Batch{}
	}
	c.batches[b.RollupId][b.Index] = b
	c.events[fmt.Sprintf("%s/%d", b.RollupId, b.Index)] = ev
}

func (c *fakeSwapChain) addEntry(rollup string, seq uint64, deadline int64, consumed bool) {
	if c.inbox[rollup] == nil {
		c.inbox[rollup] = map[uint64]fakeEntry{}
	}
	c.inbox[rollup][seq] = fakeEntry{msg: rolluptypes.InboxMessage{Sequence: seq, Deadline: deadline}, consumed: consumed}
}

func (c *fakeSwapChain) Rollup(_ context.Context, id string) (rolluptypes.Rollup, error) {
	r, ok := c.rollups[id]
	if !ok {
		return r, fmt.Errorf("rollup %q: %w", id, errNotFound)
	}
	return r, nil
}

func (c *fakeSwapChain) Batch(_ context.Context, id string, index uint64) (rolluptypes.Batch, error) {
	b, ok := c.batches[id][index]
	if !ok {
		return b, fmt.Errorf("batch %s/%d: %w", id, index, errNotFound)
	}
	return b, nil
}

func (c *fakeSwapChain) MessageStatus(_ context.Context, id string, seq uint64) (rolluptypes.InboxMessage, bool, error) {
	e, ok := c.inbox[id][seq]
	if !ok {
		return e.msg, false, fmt.Errorf("inbox %s/%d: %w", id, seq, errNotFound)
	}
	return e.msg, e.consumed, nil
}

func (c *fakeSwapChain) BatchEvents(_ context.Context, b rolluptypes.Batch) (swapBatchEvents, error) {
	return c.events[fmt.Sprintf("%s/%d", b.RollupId, b.Index)], nil
}

func (c *fakeSwapChain) VerifiedPool(context.Context, wallet.ExchangeDomain) (*wallet.ExchangePool, error) {
	return c.pool, c.poolErr
}

// fakeSwapOperator answers GET /v1/tx/{id}.
type fakeSwapOperator struct{ st swapTxStatus }

func (o fakeSwapOperator) TxStatus(context.Context, string) (swapTxStatus, error) { return o.st, nil }

var (
	swapMe        = bytesOf(0xaa, 64)
	swapRecipient = bytesOf(0xbb, 64)
)

func bytesOf(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

// swapScenario is a chain on which alice's send (payments-a batch 5, at
// hDebit) put the call at exchange sequence 7; exchange batch 3 (at hSwap)
// consumed it and emitted emit; payments-usdc batch 9 (at hCredit)
// consumed the output at sequence 11.
func swapScenario(hDebit, hSwap, hCredit int64, emit swapBatchEvents) *fakeSwapChain {
	c := newFakeSwapChain()
	me := hex.EncodeToString(swapMe)
	c.addBatch(rolluptypes.Batch{RollupId: "payments-a", Index: 5, Height: hDebit, InboxTo: 3}, swapBatchEvents{Routed: []crtypes.EventMessageRouted{
		{SourceRollupId: "payments-a", SourceBatchIndex: 5, DestRollupId: "payments-b", DestInboxSequence: 2, L2Sender: me, L2Recipient: me, Amount: "1unat"},
		{SourceRollupId: "payments-a", SourceBatchIndex: 5, DestRollupId: "exchange", DestInboxSequence: 7, L2Sender: me, L2Recipient: me,
			Amount: "1000unat", PayloadBytes: exchangev1.CallBytes},
	}})
	c.addEntry("exchange", 7, hDebit+100, true)
	c.addBatch(rolluptypes.Batch{RollupId: "exchange", Index: 1, Height: hSwap - 2, InboxTo: 5}, swapBatchEvents{})
	c.addBatch(rolluptypes.Batch{RollupId: "exchange", Index: 2, Height: hSwap - 1, InboxTo: 7}, swapBatchEvents{})
	c.addBatch(rolluptypes.Batch{RollupId: "exchange", Index: 3, Height: hSwap, InboxTo: 9}, emit)
	c.addEntry("payments-usdc", 11, hSwap+100, true)
	c.addBatch(rolluptypes.Batch{RollupId: "payments-usdc", Index: 8, Height: hCredit - 1, InboxTo: 11}, swapBatchEvents{})
	c.addBatch(rolluptypes.Batch{RollupId: "payments-usdc", Index: 9, Height: hCredit, InboxTo: 12}, swapBatchEvents{})
	return c
}

// withRefundCredited: payments-a batch 6 (height 103) consumed the refund
// at sequence 4.
func (c *fakeSwapChain) withRefundCredited() *fakeSwapChain {
	c.addEntry("payments-a", 4, 300, true)
	c.addBatch(rolluptypes.Batch{RollupId: "payments-a", Index: 6, Height: 103, InboxTo: 5}, swapBatchEvents{})
	c.rollups["payments-a"] = func(r rolluptypes.Rollup) rolluptypes.Rollup { r.NextBatchIndex = 7; return r }(c.rollups["payments-a"])
	return c
}

// swapOutput is the exchange batch 3's output of the call to payments-usdc.
func swapOutput() swapBatchEvents {
	return swapBatchEvents{Routed: []crtypes.EventMessageRouted{{SourceRollupId: "exchange", SourceBatchIndex: 3, DestRollupId: "payments-usdc",
		DestInboxSequence: 11, L2Sender: hex.EncodeToString(swapMe), L2Recipient: hex.EncodeToString(swapRecipient), Amount: "1990uusdc"}}}
}

func verified(sync *swapSyncStatus) fakeSwapOperator {
	return fakeSwapOperator{st: swapTxStatus{ID: "t1", Status: "verified", Batch: 5, Sync: sync}}
}

func TestSwapTracker_Outcomes(t *testing.T) {
	watch := swapWatch{TxID: "t1", Source: "payments-a", Exchange: "exchange", Dest: "payments-usdc", Me: swapMe, Recipient: swapRecipient}
	for _, tc := range []struct {
		name   string
		chain  *fakeSwapChain
		op     fakeSwapOperator
		watch  func(w swapWatch) swapWatch
		check  func(t *testing.T, r SwapResult)
		wantOK int // exit code
	}{
		{name: "sync: debit, swap and credit at one height", chain: swapScenario(100, 100, 100, swapOutput()), op: verified(&swapSyncStatus{State: "SYNC_DONE", Round: 4}),
			check: func(t *testing.T, r SwapResult) {
				require.Equal(t, SwapSync, r.Outcome)
				require.Equal(t, "1990uusdc", r.AmountOut)
				require.Equal(t, []int64{100, 100, 100, 0}, []int64{r.DebitHeight, r.SwapHeight, r.CreditHeight, r.ExtraBlocks})
				require.Equal(t, []uint64{5, 7, 3, 11, 9}, []uint64{*r.DebitBatch, *r.ExchangeSequence, *r.SwapBatch, *r.DestSequence, *r.CreditBatch})
				require.Empty(t, r.Reason)
			}},
		{name: "async with the operator's reason", chain: swapScenario(100, 102, 104, swapOutput()), op: verified(&swapSyncStatus{State: "ROUTED", Reason: "leader_timeout"}),
			check: func(t *testing.T, r SwapResult) {
				require.Equal(t, SwapAsync, r.Outcome)
				require.Equal(t, int64(4), r.ExtraBlocks)
				require.Equal(t, "leader_timeout", r.Reason)
				require.Equal(t, uint64(3), *r.SwapBatch, "the first exchange batch whose inbox_to passes the sequence")
			}},
		{name: "async without a sync object", chain: swapScenario(100, 101, 101, swapOutput()), op: verified(nil),
			check: func(t *testing.T, r SwapResult) {
				require.Equal(t, SwapAsync, r.Outcome)
				require.Equal(t, int64(1), r.ExtraBlocks)
				require.Nil(t, r.Sync)
			}},
		{name: "refunded by the exchange", wantOK: 2, op: verified(nil),
			chain: swapScenario(100, 101, 0, swapBatchEvents{Routed: []crtypes.EventMessageRouted{{SourceRollupId: "exchange", SourceBatchIndex: 3,
				DestRollupId: "payments-a", DestInboxSequence: 4, L2Sender: hex.EncodeToString(swapMe), L2Recipient: hex.EncodeToString(swapMe),
				Amount: "1000unat", PayloadBytes: exchangev1.CallBytes}}}).withRefundCredited(),
			check: func(t *testing.T, r SwapResult) {
				require.Equal(t, SwapRefunded, r.Outcome)
				require.Equal(t, uint64(4), *r.RefundSequence)
				require.Nil(t, r.DestSequence)
				require.Equal(t, uint64(6), *r.CreditBatch, "the source batch that credited the refund")
				require.Equal(t, int64(103), r.CreditHeight)
			}},
		{name: "refunded: the chain bounced the call at the source", wantOK: 2, op: verified(nil),
			chain: func() *fakeSwapChain {
				c := newFakeSwapChain()
				c.addBatch(rolluptypes.Batch{RollupId: "payments-a", Index: 5, Height: 100}, swapBatchEvents{Bounced: []crtypes.EventMessageBounced{
					{SourceRollupId: "payments-a", SourceBatchIndex: 5, DestRollupId: "exchange", RefundInboxSequence: 3, Amount: "1000unat", Reason: "destination frozen"}}})
				return c
			}(),
			check: func(t *testing.T, r SwapResult) {
				require.Equal(t, SwapRefunded, r.Outcome)
				require.Contains(t, r.Reason, "destination frozen")
				require.Nil(t, r.ExchangeSequence)
			}},
		{name: "held on the exchange: the output bounced", wantOK: 2, op: verified(nil),
			chain: swapScenario(100, 101, 0, swapBatchEvents{Bounced: []crtypes.EventMessageBounced{{SourceRollupId: "exchange", SourceBatchIndex: 3,
				DestRollupId: "payments-usdc", RefundInboxSequence: 12, Amount: "1990uusdc", Reason: "rollup frozen"}}}),
			check: func(t *testing.T, r SwapResult) {
				require.Equal(t, SwapHeldOnExchange, r.Outcome)
				require.Equal(t, "1990uusdc", r.AmountOut)
				require.Equal(t, uint64(12), *r.RefundSequence)
				require.Nil(t, r.CreditBatch, "the exchange has not consumed the bounce yet")
				require.Contains(t, r.Where, "exchange's inbox (sequence 12)")
			}},
		{name: "withdrawal to L1 paid in the block of the swap", op: verified(nil),
			chain: swapScenario(100, 100, 0, swapBatchEvents{Withdrawals: []crtypes.EventWithdrawal{{RollupId: "exchange", BatchIndex: 3,
				Recipient: sdk.AccAddress(bytesOf(0xcc, 20)).String(), Amount: "1990uusdc"}}}),
			watch: func(w swapWatch) swapWatch { w.Dest, w.Recipient = "", bytesOf(0xcc, 20); return w },
			check: func(t *testing.T, r SwapResult) {
				require.Equal(t, SwapSync, r.Outcome)
				require.Equal(t, "1990uusdc", r.AmountOut)
				require.Equal(t, uint64(3), *r.CreditBatch)
			}},
		{name: "pending at the timeout: in the exchange's inbox", wantOK: 1, op: verified(nil),
			chain: func() *fakeSwapChain {
				c := swapScenario(100, 101, 102, swapOutput())
				c.addEntry("exchange", 7, 250, false)
				return c
			}(),
			check: func(t *testing.T, r SwapResult) {
				require.Equal(t, SwapPending, r.Outcome)
				require.Equal(t, int64(250), r.DeadlineHeight)
				require.Contains(t, r.Where, "exchange's inbox (exchange, sequence 7)")
				require.Nil(t, r.SwapBatch)
			}},
		{name: "pending at the timeout: still at the operator", wantOK: 1, chain: newFakeSwapChain(),
			op: fakeSwapOperator{st: swapTxStatus{ID: "t1", Status: "proven", Batch: 5}},
			check: func(t *testing.T, r SwapResult) {
				require.Equal(t, SwapPending, r.Outcome)
				require.Contains(t, r.Where, `status "proven"`)
			}},
		{name: "rejected by the operator", wantOK: 1, chain: newFakeSwapChain(),
			op: fakeSwapOperator{st: swapTxStatus{ID: "t1", Status: "rejected", Reason: "insufficient balance"}},
			check: func(t *testing.T, r SwapResult) {
				require.Equal(t, SwapRejected, r.Outcome)
				require.Equal(t, "insufficient balance", r.Reason)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := watch
			if tc.watch != nil {
				w = tc.watch(w)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			r := swapTracker{chain: tc.chain, op: tc.op, every: time.Millisecond}.follow(ctx, SwapResult{TxID: "t1", AmountIn: "1000unat"}, w)
			tc.check(t, r)
			require.Equal(t, tc.wantOK, r.ExitCode)
			// The JSON the devnet script parses round-trips.
			bz, err := json.Marshal(r)
			require.NoError(t, err)
			var back SwapResult
			require.NoError(t, json.Unmarshal(bz, &back))
			require.Equal(t, r, back)
		})
	}
}

func TestSwapPlan_RefusesBeforeSigning(t *testing.T) {
	base := swapRequest{ChainID: "nativechain-1", SourceRollup: "payments-a", SourceDenom: "unat", Amount: big.NewInt(1000),
		Exchange: "exchange", DestRollup: "payments-usdc", Recipient: swapRecipient, MinOut: big.NewInt(990), MinOutDenom: "uusdc", SlippageBps: 50, FeeBps: 30}
	for _, tc := range []struct {
		name  string
		edit  func(r *swapRequest, c *fakeSwapChain)
		want  error
		match string
	}{
		{"zero amount", func(r *swapRequest, _ *fakeSwapChain) { r.Amount = new(big.Int) }, ErrSwapAmount, "positive"},
		{"min-out in the wrong denom", func(r *swapRequest, _ *fakeSwapChain) { r.MinOutDenom = "unat" }, ErrSwapDenom, "swaps into uusdc"},
		{"source denom not in the pool", func(r *swapRequest, _ *fakeSwapChain) { r.SourceDenom = "uatom" }, ErrSwapDenom, "trades unat/uusdc"},
		{"unknown destination", func(r *swapRequest, _ *fakeSwapChain) { r.DestRollup = "nowhere" }, ErrSwapDestination, "unknown"},
		{"inactive destination", func(r *swapRequest, _ *fakeSwapChain) { r.DestRollup = "frozen-usdc" }, ErrSwapDestination, "not active"},
		{"destination of another denom", func(r *swapRequest, _ *fakeSwapChain) { r.DestRollup = "payments-a" }, ErrSwapDestination, "holds unat"},
		{"via a payments rollup", func(r *swapRequest, _ *fakeSwapChain) { r.Exchange = "payments-usdc" }, ErrSwapNotExchange, "exit layout"},
		{"via an unknown rollup", func(r *swapRequest, _ *fakeSwapChain) { r.Exchange = "nowhere" }, ErrSwapNotExchange, "nowhere"},
		{"no min-out and no verified pool", func(r *swapRequest, c *fakeSwapChain) {
			r.MinOut, r.MinOutDenom = nil, ""
			c.pool, c.poolErr = nil, wallet.ErrPoolNotOnChain
		}, ErrSwapNoMinOut, "not the chain's"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, r := newFakeSwapChain(), base
			tc.edit(&r, c)
			_, err := planSwap(context.Background(), c, r)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.match)
		})
	}
}

func TestSwapPlan_DefaultMinOutIsTheVerifiedQuoteLessSlippage(t *testing.T) {
	r := swapRequest{ChainID: "nativechain-1", SourceRollup: "payments-a", SourceDenom: "unat", Amount: big.NewInt(1000),
		Exchange: "exchange", DestRollup: "payments-usdc", Recipient: swapRecipient, SlippageBps: 50, FeeBps: 30}
	p, err := planSwap(context.Background(), newFakeSwapChain(), r)
	require.NoError(t, err)
	// floor(1000·9970·2000000 / (1000000·10000 + 1000·9970)) = 1992, less 0.5%
	require.Equal(t, "1992", p.Quote.String())
	require.Equal(t, "1982", p.Call.MinOut.String())
	require.Equal(t, "uusdc", p.OutDenom)
}

// The payload l2 swap signs is exchangev1's encoding of the call, and the
// same bytes 'l2 swap-call' prints for the same arguments.
func TestSwapPlan_PayloadEqualsSwapCall(t *testing.T) {
	dir, _, erin := twoL2Keys(t)
	l1 := sdk.AccAddress(bytesOf(0xcc, 20))
	for _, tc := range []struct {
		name, to   string
		dest       string
		recipient  []byte
		swapCallTo string
	}{
		{"to a payments rollup", "payments-usdc:erin", "payments-usdc", erin.Private.Public.Address(), "payments-usdc:erin"},
		{"to L1", l1.String(), "", l1, l1.String()},
		{"to L1 after an empty rollup", ":" + l1.String(), "", l1, ":" + l1.String()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := planSwap(context.Background(), newFakeSwapChain(), swapRequest{ChainID: "nativechain-1", SourceRollup: "payments-a",
				SourceDenom: "unat", Amount: big.NewInt(1000), Exchange: "exchange", DestRollup: tc.dest, Recipient: tc.recipient,
				MinOut: big.NewInt(990), MinOutDenom: "uusdc"})
			require.NoError(t, err)
			if tc.dest == "" { // the command's parse of --to (an L2 key needs the key directory)
				rollup, recipient, err := parseCallRecipient(nil, tc.to)
				require.NoError(t, err)
				require.Equal(t, "", rollup)
				require.Equal(t, []byte(l1), recipient)
			}
			want, err := exchangev1.NewSwapCall("uusdc", big.NewInt(990), tc.dest, tc.recipient).Encode()
			require.NoError(t, err)
			require.Equal(t, want, p.Payload)
			out, err := runL2(t, "swap-call", "--out-denom", "uusdc", "--min-out", "990", "--to", tc.swapCallTo, "--l2-home", dir)
			require.NoError(t, err)
			require.Equal(t, hex.EncodeToString(want), strings.TrimSpace(out))
		})
	}
}

// fakeSwapL2Operator is a payments operator: status, accounts, POST /v1/tx
// (or a refusal) and GET /v1/tx/{id} with a sync object.
func fakeSwapL2Operator(t *testing.T, dave *wallet.Key, refuse *operator.APIError, submitted *[]payments.WireTx) string {
	st := operator.Status{ChainID: "nativechain-1", RollupID: "payments-a", Denom: "unat"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/v1/status":
			_ = json.NewEncoder(w).Encode(st)
		case r.URL.Path == fmt.Sprintf("/v1/accounts/%x", dave.Private.Public.Address()):
			_ = json.NewEncoder(w).Encode(payments.AccountView{Index: 1, Nonce: 2, PendingNonce: 2, PendingBalance: "5000"})
		case r.URL.Path == "/v1/tx" && r.Method == http.MethodPost:
			if refuse != nil {
				w.WriteHeader(http.StatusUnprocessableEntity)
				_ = json.NewEncoder(w).Encode(map[string]any{"error": refuse})
				return
			}
			var tx payments.WireTx
			require.NoError(t, json.NewDecoder(r.Body).Decode(&tx))
			*submitted = append(*submitted, tx)
			_ = json.NewEncoder(w).Encode(operator.SubmitResult{ID: "t1", Status: "pending"})
		case r.URL.Path == "/v1/tx/t1":
			_, _ = w.Write([]byte(`{"id":"t1","status":"verified","batch":5,"sync":{"state":"SYNC_DONE","round":4,"leader":"native1x","expiry_height":120,"bundle_tx":"AB12","reason":""}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func useFakeSwapChain(t *testing.T, c *fakeSwapChain) {
	old := newSwapChain
	newSwapChain = func(*cobra.Command, *wallet.Client, payments.PublicKey) swapChain { return c }
	t.Cleanup(func() { newSwapChain = old })
}

var swapDomainArgs = []string{"--rollup-id", "payments-a", "--chain-id", "nativechain-1", "--denom", "unat", "-y"}

// The command signs one send to the exchange, to the sender's own address,
// carrying the swap-call payload, and with --wait prints the outcome.
func TestL2Swap_SignsOneSendAndFollowsItToSync(t *testing.T) {
	dir, dave, erin := twoL2Keys(t)
	c := swapScenario(100, 100, 100, swapOutput())
	me := hex.EncodeToString(dave.Private.Public.Address())
	for _, b := range []string{"payments-a/5", "exchange/3"} { // the scenario's addresses are dave's and erin's here
		ev := c.events[b]
		for i := range ev.Routed {
			ev.Routed[i].L2Sender = me
			if ev.Routed[i].DestRollupId == "exchange" {
				ev.Routed[i].L2Recipient = me
			} else if ev.Routed[i].DestRollupId == "payments-usdc" {
				ev.Routed[i].L2Recipient = hex.EncodeToString(erin.Private.Public.Address())
			}
		}
	}
	useFakeSwapChain(t, c)
	var submitted []payments.WireTx
	url := fakeSwapL2Operator(t, dave, nil, &submitted)
	out, err := runL2(t, append([]string{"swap", "dave", "1000unat", "--via", "exchange", "--to", "payments-usdc:erin", "--min-out", "990uusdc",
		"--wait", "--timeout", "5s", "--output", "json", "--l2-home", dir, "--operator", url}, swapDomainArgs...)...)
	require.NoError(t, err, out)
	require.Len(t, submitted, 1)
	tx, err := payments.FromWire(submitted[0])
	require.NoError(t, err)
	require.Equal(t, payments.KindSend, tx.Kind)
	require.Equal(t, "exchange", tx.DestRollupID)
	require.Equal(t, dave.Private.Public.Address(), tx.Recipient, "the send's recipient is the sender's own address")
	call, err := runL2(t, "swap-call", "--out-denom", "uusdc", "--min-out", "990", "--to", "payments-usdc:erin", "--l2-home", dir)
	require.NoError(t, err)
	require.Equal(t, strings.TrimSpace(call), hex.EncodeToString(tx.Payload))

	var res SwapResult
	require.NoError(t, json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &res), out)
	require.Equal(t, SwapSync, res.Outcome)
	require.Equal(t, int64(100), res.CreditHeight)
	require.Equal(t, "1000unat", res.AmountIn)
	require.Equal(t, "990uusdc", res.MinOut)
	require.NotNil(t, res.Sync)
	require.Equal(t, uint64(4), res.Sync.Round)
}

// A refusal before signing signs nothing; the operator's refusal of the
// send is the outcome rejected, exit 1; a refund exits 2.
func TestL2Swap_RefusalsAndExitCodes(t *testing.T) {
	dir, dave, _ := twoL2Keys(t)
	c := newFakeSwapChain()
	c.pool, c.poolErr = nil, wallet.ErrPoolNotOnChain
	useFakeSwapChain(t, c)
	var submitted []payments.WireTx
	url := fakeSwapL2Operator(t, dave, nil, &submitted)
	for _, tc := range []struct {
		args []string
		want error
	}{
		{[]string{"0unat", "--to", "payments-usdc:erin", "--min-out", "1uusdc"}, ErrSwapAmount},
		{[]string{"1000unat", "--to", "payments-usdc:erin", "--min-out", "1unat"}, ErrSwapDenom},
		{[]string{"1000unat", "--to", "frozen-usdc:erin", "--min-out", "1"}, ErrSwapDestination},
		{[]string{"1000unat", "--to", "payments-usdc:erin"}, ErrSwapNoMinOut}, // the pool does not match the chain
	} {
		_, err := runL2(t, append(append([]string{"swap", "dave"}, tc.args...), append([]string{"--via", "exchange", "--l2-home", dir, "--operator", url}, swapDomainArgs...)...)...)
		require.ErrorIs(t, err, tc.want, tc.args)
	}
	require.Empty(t, submitted)

	refusing := fakeSwapL2Operator(t, dave, &operator.APIError{Code: "insufficient_balance", Message: "no"}, &submitted)
	out, err := runL2(t, append([]string{"swap", "dave", "1000unat", "--via", "exchange", "--to", "payments-usdc:erin", "--min-out", "990",
		"--output", "json", "--l2-home", dir, "--operator", refusing}, swapDomainArgs...)...)
	var coded interface{ ExitCode() int }
	require.ErrorAs(t, err, &coded)
	require.Equal(t, 1, coded.ExitCode())
	require.Contains(t, out, `"outcome": "rejected"`)

	err = printSwapResult(&cobra.Command{}, "text", SwapResult{Outcome: SwapRefunded, ExitCode: 2, Reason: "min-out"})
	require.ErrorAs(t, err, &coded)
	require.Equal(t, 2, coded.ExitCode())
}

// The text output says what the spec's table says for each outcome.
func TestL2Swap_PrintsEachOutcome(t *testing.T) {
	for _, tc := range []struct {
		res  SwapResult
		want []string
	}{
		{SwapResult{Outcome: SwapSync, Dest: "payments-usdc", Recipient: "bb", AmountOut: "1990uusdc", DebitBatch: u64(5), DebitHeight: 100, CreditHeight: 100},
			[]string{"debit, swap and credit at height 100: 1990uusdc out to payments-usdc:bb", "payments-a batch 5 at height 100"}},
		{SwapResult{Outcome: SwapAsync, Dest: "payments-usdc", Recipient: "bb", AmountOut: "1990uusdc", DebitHeight: 100, CreditHeight: 104, ExtraBlocks: 4, Reason: "leader_timeout"},
			[]string{"credited at height 104 (4 blocks after the debit at 100)", "reason    leader_timeout"}},
		{SwapResult{Outcome: SwapRefunded, ExitCode: 2, AmountIn: "1000unat", Reason: "the exchange refused the swap"},
			[]string{"1000unat is credited back on payments-a"}},
		{SwapResult{Outcome: SwapHeldOnExchange, ExitCode: 2, AmountOut: "1990uusdc", Reason: "the output bounced: frozen"},
			[]string{"1990uusdc is on your account on the exchange rollup exchange"}},
		{SwapResult{Outcome: SwapPending, ExitCode: 1, Where: "in the exchange's inbox (exchange, sequence 7), to be consumed by height 250"},
			[]string{"pending   in the exchange's inbox (exchange, sequence 7)"}},
		{SwapResult{Outcome: SwapRejected, ExitCode: 1, Reason: "insufficient_balance: no"}, []string{"rejected  the operator refused the send: insufficient_balance"}},
	} {
		tc.res.Source, tc.res.Exchange = "payments-a", "exchange"
		var out strings.Builder
		cmd := &cobra.Command{}
		cmd.SetOut(&out)
		err := printSwapResult(cmd, "text", tc.res)
		for _, w := range tc.want {
			require.Contains(t, out.String(), w)
		}
		if tc.res.ExitCode == 0 {
			require.NoError(t, err)
			continue
		}
		var coded interface{ ExitCode() int }
		require.ErrorAs(t, err, &coded)
		require.Equal(t, tc.res.ExitCode, coded.ExitCode(), tc.res.Outcome)
	}
}
