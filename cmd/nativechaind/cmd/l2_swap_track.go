package cmd

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/operator"
	crtypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rolluptypes "github.com/nativechain/nativechain/x/rollups/types"
)

// The outcomes of 'l2 swap' (docs/spec/sync-calls.md section 11.1).
const (
	SwapAccepted       = "accepted" // without --wait
	SwapSync           = "sync"
	SwapAsync          = "async"
	SwapRefunded       = "refunded"
	SwapHeldOnExchange = "held_on_exchange"
	SwapPending        = "pending"
	SwapRejected       = "rejected"
)

// SwapResult is what 'l2 swap --output json' prints. Heights are the chain's
// (0: not reached); batch indexes and inbox sequences are null until known.
type SwapResult struct {
	Outcome   string `json:"outcome"`
	ExitCode  int    `json:"exit_code"`
	TxID      string `json:"tx_id,omitempty"`
	Source    string `json:"source_rollup"`
	Exchange  string `json:"exchange_rollup"`
	Dest      string `json:"dest_rollup"` // "": a withdrawal to L1
	Recipient string `json:"recipient"`   // hex L2 address, or bech32 L1 address
	AmountIn  string `json:"amount_in"`   // e.g. "1000unat"
	OutDenom  string `json:"out_denom"`
	MinOut    string `json:"min_out"`
	AmountOut string `json:"amount_out,omitempty"` // e.g. "995uusdc"

	// The caller's batch that debits the send, and where it put the call
	// in the exchange's inbox.
	DebitBatch       *uint64 `json:"debit_batch,omitempty"`
	DebitHeight      int64   `json:"debit_height,omitempty"`
	ExchangeSequence *uint64 `json:"exchange_sequence,omitempty"`
	// The exchange batch that consumed the call.
	SwapBatch  *uint64 `json:"swap_batch,omitempty"`
	SwapHeight int64   `json:"swap_height,omitempty"`
	// The output's entry in the destination's inbox and the batch that
	// consumed it (a withdrawal to L1: paid at SwapHeight, no sequence).
	// Refunded or held_on_exchange: the batch that consumed the refund
	// (source) or the bounce (exchange), once it did.
	DestSequence *uint64 `json:"dest_sequence,omitempty"`
	CreditBatch  *uint64 `json:"credit_batch,omitempty"`
	CreditHeight int64   `json:"credit_height,omitempty"`
	// ExtraBlocks is CreditHeight - DebitHeight (0 on the sync path).
	ExtraBlocks int64 `json:"extra_blocks"`
	// RefundSequence: refunded, the refund's entry in the source's inbox;
	// held_on_exchange, the bounce's entry in the exchange's inbox.
	RefundSequence *uint64 `json:"refund_sequence,omitempty"`
	// Pending: the inbox deadline of the entry that holds the value.
	DeadlineHeight int64  `json:"deadline_height,omitempty"`
	Where          string `json:"where,omitempty"`
	// Reason: rejected, the operator's code; async, the sync fallback's
	// reason (the operator's tx status); refunded or bounced, the chain's.
	Reason string          `json:"reason,omitempty"`
	Sync   *swapSyncStatus `json:"sync,omitempty"`
}

// swapSyncStatus is the optional "sync" object of the caller operator's
// GET /v1/tx/{id} (docs/operator-api.md).
type swapSyncStatus = operator.SyncTxStatus

// swapTxStatus is GET /v1/tx/{id}.
type swapTxStatus = operator.TxStatus

// swapBatchEvents are the bridge's events of one verified batch (those
// whose source is the batch).
type swapBatchEvents struct {
	Routed      []crtypes.EventMessageRouted
	Bounced     []crtypes.EventMessageBounced
	Withdrawals []crtypes.EventWithdrawal
	Deferred    []crtypes.EventWithdrawalDeferred
}

// swapChainReader is what the tracker reads from the chain: every final
// answer comes from here, never from an operator.
type swapChainReader interface {
	Rollup(ctx context.Context, id string) (rolluptypes.Rollup, error)
	Batch(ctx context.Context, id string, index uint64) (rolluptypes.Batch, error)
	// MessageStatus is an inbox entry and whether a batch consumed it.
	MessageStatus(ctx context.Context, id string, seq uint64) (rolluptypes.InboxMessage, bool, error)
	// BatchEvents are the events of b's verifying transaction at b.Height.
	BatchEvents(ctx context.Context, b rolluptypes.Batch) (swapBatchEvents, error)
}

// swapOperatorReader is the caller operator's view of the send: which
// batch carries it, or its rejection; it only speeds the chain reads up.
type swapOperatorReader interface {
	TxStatus(ctx context.Context, id string) (swapTxStatus, error)
}

// swapWatch names the send to follow.
type swapWatch struct {
	TxID      string
	Source    string
	Exchange  string
	Dest      string // "": a withdrawal to L1
	Me        []byte // the sender's L2 address (sender and recipient of the send)
	Recipient []byte // the output's recipient (L2 address, or L1 address bytes)
}

// swapTracker follows a swap call to its outcome.
type swapTracker struct {
	chain swapChainReader
	op    swapOperatorReader
	every time.Duration // between polls
}

// follow fills res from the operator and the chain until the outcome is
// known or ctx ends (then the outcome is pending, with where the value is).
func (t swapTracker) follow(ctx context.Context, res SwapResult, w swapWatch) SwapResult {
	me := hex.EncodeToString(w.Me)
	pending := func(where string, err error) SwapResult {
		res.Outcome, res.ExitCode, res.Where = SwapPending, 1, where
		if err != nil {
			res.Where += fmt.Sprintf(" (last error: %v)", err)
		}
		return res
	}

	// 1. The caller operator batches the send; the chain verifies the batch.
	var st swapTxStatus
	err := t.poll(ctx, func() (bool, error) {
		s, err := t.op.TxStatus(ctx, w.TxID)
		if err != nil {
			return false, err
		}
		st = s
		if s.Sync != nil {
			res.Sync = s.Sync
		}
		return s.Status == "rejected" || s.Status == "verified", nil
	})
	if err != nil {
		return pending(fmt.Sprintf("the send is at the operator of %s (status %q), not yet in a batch verified on the chain", w.Source, st.Status), err)
	}
	if st.Status == "rejected" {
		res.Outcome, res.ExitCode, res.Reason = SwapRejected, 1, st.Reason
		return res
	}
	debit, err := t.batch(ctx, w.Source, st.Batch)
	if err != nil {
		return pending(fmt.Sprintf("the send is in batch %d of %s, which the chain does not show yet", st.Batch, w.Source), err)
	}
	res.DebitBatch, res.DebitHeight = u64(debit.Index), debit.Height

	// 2. The batch's events: the call routed into the exchange's inbox, or
	// bounced at once back to the source.
	var seq uint64
	var refund *crtypes.EventMessageBounced
	err = t.poll(ctx, func() (bool, error) {
		ev, err := t.chain.BatchEvents(ctx, debit)
		if err != nil {
			return false, err
		}
		for _, e := range ev.Routed {
			if e.DestRollupId == w.Exchange && e.L2Sender == me && e.L2Recipient == me && e.PayloadBytes == exchangev1.CallBytes && e.Amount == res.AmountIn {
				seq = e.DestInboxSequence
				return true, nil
			}
		}
		for i, e := range ev.Bounced {
			if e.DestRollupId == w.Exchange && e.Amount == res.AmountIn {
				refund = &ev.Bounced[i]
				return true, nil
			}
		}
		return false, fmt.Errorf("batch %d of %s at height %d has no event routing the call to %s", debit.Index, w.Source, debit.Height, w.Exchange)
	})
	if err != nil {
		return pending(fmt.Sprintf("debited in batch %d of %s at height %d; its routing event was not read (does the node keep ABCI results?)", debit.Index, w.Source, debit.Height), err)
	}
	if refund != nil {
		res.Outcome, res.ExitCode, res.Reason = SwapRefunded, 2, "the chain bounced the call: "+refund.Reason
		res.RefundSequence = u64(refund.RefundInboxSequence)
		return t.settle(ctx, res, w.Source, refund.RefundInboxSequence)
	}
	res.ExchangeSequence = u64(seq)

	// 3. The exchange consumes the call.
	swap, err := t.consumed(ctx, w.Exchange, seq, &res)
	if err != nil {
		return pending(fmt.Sprintf("in the exchange's inbox (%s, sequence %d), to be consumed by height %d (its inbox deadline)", w.Exchange, seq, res.DeadlineHeight), err)
	}
	res.SwapBatch, res.SwapHeight = u64(swap.Index), swap.Height

	// 4. What the exchange emitted for the call.
	var out *crtypes.EventMessageRouted
	var done bool
	err = t.poll(ctx, func() (bool, error) {
		ev, err := t.chain.BatchEvents(ctx, swap)
		if err != nil {
			return false, err
		}
		return t.exchangeOutcome(ev, w, me, &res, &out, &done), nil
	})
	if err != nil || !done {
		return pending(fmt.Sprintf("the exchange consumed the call in batch %d at height %d; what it emitted for it was not read", swap.Index, swap.Height), err)
	}
	switch res.Outcome {
	case SwapRefunded:
		return t.settle(ctx, res, w.Source, *res.RefundSequence)
	case SwapHeldOnExchange:
		return t.settle(ctx, res, w.Exchange, *res.RefundSequence)
	case "":
	default:
		return res
	}
	if out == nil { // a withdrawal to L1, paid in the block of the swap
		return t.credited(res, swap.Index, swap.Height)
	}

	// 5. The destination consumes the output.
	res.DestSequence = u64(out.DestInboxSequence)
	credit, err := t.consumed(ctx, w.Dest, out.DestInboxSequence, &res)
	if err != nil {
		return pending(fmt.Sprintf("swapped: %s in %s's inbox (sequence %d), to be consumed by height %d (its inbox deadline)",
			res.AmountOut, w.Dest, out.DestInboxSequence, res.DeadlineHeight), err)
	}
	res.DeadlineHeight = 0
	return t.credited(res, credit.Index, credit.Height)
}

// exchangeOutcome reads the exchange batch's events for the call: the
// output (routed to the destination, or paid to L1), a refund to the
// source, or a bounce of the output. It reports false while none is there.
func (t swapTracker) exchangeOutcome(ev swapBatchEvents, w swapWatch, me string, res *SwapResult, out **crtypes.EventMessageRouted, done *bool) bool {
	// The events name no call: when the batch holds more than one result
	// that could be this call's (two swaps of one key in one exchange
	// batch), say so rather than take another swap's outcome (R8-5).
	if n := t.candidates(ev, w, me, res.AmountIn); n > 1 {
		res.Outcome, res.ExitCode = SwapPending, 1
		res.Where = fmt.Sprintf("%d results in one exchange batch could be this call's (several swaps of this key in one batch): read the balances", n)
		*done = true
		return true
	}
	for i, e := range ev.Routed {
		switch {
		case w.Dest != "" && e.DestRollupId == w.Dest && e.L2Sender == me && e.PayloadBytes == 0 && e.L2Recipient == hex.EncodeToString(w.Recipient):
			*out, res.AmountOut = &ev.Routed[i], e.Amount
			*done = true
			return true
		case e.DestRollupId == w.Source && e.L2Recipient == me && e.PayloadBytes == exchangev1.CallBytes && e.Amount == res.AmountIn:
			res.Outcome, res.ExitCode, res.RefundSequence = SwapRefunded, 2, u64(e.DestInboxSequence)
			res.Reason = "the exchange refused the swap (min-out, destination or its choice); the input goes back to " + w.Source
			*done = true
			return true
		}
	}
	if w.Dest == "" {
		l1 := sdk.AccAddress(w.Recipient).String()
		for _, e := range ev.Withdrawals {
			if e.Recipient == l1 {
				res.AmountOut = e.Amount
				*done = true
				return true
			}
		}
		for _, e := range ev.Deferred {
			if e.Recipient == l1 {
				res.AmountOut = e.Amount
				res.Outcome, res.ExitCode = SwapPending, 1
				res.Where = fmt.Sprintf("swapped and withdrawn, but the bridge deferred the payment (pending withdrawal %d: %s)", e.PendingId, e.Reason)
				*done = true
				return true
			}
		}
	}
	for _, e := range ev.Bounced {
		if w.Dest != "" && e.DestRollupId == w.Dest {
			res.Outcome, res.ExitCode, res.AmountOut = SwapHeldOnExchange, 2, e.Amount
			res.RefundSequence, res.Reason = u64(e.RefundInboxSequence), "the output bounced: "+e.Reason
			*done = true
			return true
		}
	}
	return false
}

// candidates counts the exchange batch's events that could be this call's
// result: an output to the call's destination and recipient from this key,
// a refund of the call's amount to this key on the source, an output to the
// destination that bounced, a withdrawal (paid or deferred) to the call's
// L1 recipient.
func (t swapTracker) candidates(ev swapBatchEvents, w swapWatch, me, amountIn string) int {
	n := 0
	for _, e := range ev.Routed {
		if w.Dest != "" && e.DestRollupId == w.Dest && e.L2Sender == me && e.PayloadBytes == 0 && e.L2Recipient == hex.EncodeToString(w.Recipient) ||
			e.DestRollupId == w.Source && e.L2Recipient == me && e.PayloadBytes == exchangev1.CallBytes && e.Amount == amountIn {
			n++
		}
	}
	for _, e := range ev.Bounced {
		if w.Dest != "" && e.DestRollupId == w.Dest {
			n++
		}
	}
	if w.Dest == "" {
		l1 := sdk.AccAddress(w.Recipient).String()
		for _, e := range ev.Withdrawals {
			if e.Recipient == l1 {
				n++
			}
		}
		for _, e := range ev.Deferred {
			if e.Recipient == l1 {
				n++
			}
		}
	}
	return n
}

// settle follows a refund (or a bounced output) to the batch of rollup
// that consumes its inbox entry seq: CreditBatch and CreditHeight say where
// the value came to rest. The outcome stands if ctx ends first; Where
// then says where the value waits.
func (t swapTracker) settle(ctx context.Context, res SwapResult, rollup string, seq uint64) SwapResult {
	b, err := t.consumed(ctx, rollup, seq, &res)
	if err != nil {
		res.Where = fmt.Sprintf("in %s's inbox (sequence %d), to be consumed by height %d (its inbox deadline)", rollup, seq, res.DeadlineHeight)
		return res
	}
	res.DeadlineHeight = 0
	res.CreditBatch, res.CreditHeight = u64(b.Index), b.Height
	return res
}

// credited ends a swap whose output landed at height h.
func (t swapTracker) credited(res SwapResult, batch uint64, h int64) SwapResult {
	res.CreditBatch, res.CreditHeight = u64(batch), h
	res.ExtraBlocks = h - res.DebitHeight
	res.ExitCode = 0
	if res.DebitHeight == res.SwapHeight && res.SwapHeight == h {
		res.Outcome = SwapSync
		return res
	}
	res.Outcome = SwapAsync
	if res.Sync != nil && res.Sync.Reason != "" {
		res.Reason = res.Sync.Reason
	}
	return res
}

// consumed waits until rollup's inbox entry seq is consumed and returns
// the batch that consumed it: the first whose inbox_to passes seq,
// found from the rollup's latest batch backwards. It keeps the entry's
// deadline in res meanwhile.
func (t swapTracker) consumed(ctx context.Context, rollup string, seq uint64, res *SwapResult) (rolluptypes.Batch, error) {
	err := t.poll(ctx, func() (bool, error) {
		msg, done, err := t.chain.MessageStatus(ctx, rollup, seq)
		if err != nil {
			return false, err
		}
		res.DeadlineHeight = msg.Deadline
		return done, nil
	})
	if err != nil {
		return rolluptypes.Batch{}, err
	}
	var b rolluptypes.Batch
	err = t.poll(ctx, func() (bool, error) {
		r, err := t.chain.Rollup(ctx, rollup)
		if err != nil {
			return false, err
		}
		if r.NextBatchIndex < 2 {
			return false, fmt.Errorf("rollup %s has no verified batch", rollup)
		}
		const maxBack = 4096
		k := r.NextBatchIndex - 1
		if b, err = t.chain.Batch(ctx, rollup, k); err != nil {
			return false, err
		}
		if b.InboxTo <= seq {
			return false, fmt.Errorf("the latest batch %d of %s consumed its inbox up to %d, not %d", k, rollup, b.InboxTo, seq)
		}
		for i := 0; k > 1 && i < maxBack; i++ {
			prev, err := t.chain.Batch(ctx, rollup, k-1)
			if err != nil && strings.Contains(err.Error(), "batch_history_keep") {
				break // pruned (ErrBatchPruned): k is the earliest record left
			}
			if err != nil {
				return false, err
			}
			if prev.InboxTo <= seq {
				break
			}
			b, k = prev, k-1
		}
		return true, nil
	})
	return b, err
}

// batch waits for the chain's record of a rollup's batch.
func (t swapTracker) batch(ctx context.Context, rollup string, index uint64) (rolluptypes.Batch, error) {
	var b rolluptypes.Batch
	err := t.poll(ctx, func() (bool, error) {
		var err error
		b, err = t.chain.Batch(ctx, rollup, index)
		return err == nil, err
	})
	return b, err
}

// poll runs step until it is done or ctx ends; a step's error is kept as
// the reason it is not done yet (the chain or an operator may lag).
func (t swapTracker) poll(ctx context.Context, step func() (bool, error)) error {
	var last error
	for {
		done, err := step()
		if done {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			if last == nil {
				last = ctx.Err()
			}
			return last
		case <-time.After(t.every):
		}
	}
}

func u64(v uint64) *uint64 { return &v }

// swapExitError carries an outcome's exit code to main.
type swapExitError struct {
	code int
	msg  string
}

func (e *swapExitError) Error() string { return e.msg }

// ExitCode is the process's exit status for the outcome.
func (e *swapExitError) ExitCode() int { return e.code }

// printSwapResult prints res and returns its exit code as an error.
func printSwapResult(cmd *cobra.Command, format string, res SwapResult) error {
	out := cmd.OutOrStdout()
	if format == "json" {
		if err := printJSON(out, res); err != nil {
			return err
		}
	} else {
		printSwapText(cmd, res)
	}
	if res.ExitCode == 0 {
		return nil
	}
	return &swapExitError{code: res.ExitCode, msg: fmt.Sprintf("swap %s: %s", res.Outcome, firstNonEmpty(res.Reason, res.Where))}
}

func printSwapText(cmd *cobra.Command, r SwapResult) {
	out := cmd.OutOrStdout()
	h := func(name string, b *uint64, height int64) string {
		if b == nil {
			return "-"
		}
		return fmt.Sprintf("%s batch %d at height %d", name, *b, height)
	}
	switch r.Outcome {
	case SwapAccepted:
		fmt.Fprintf(out, "accepted  swap %s via %s, at least %s to %s\ntx        %s\n", r.AmountIn, r.Exchange, r.MinOut, swapDestLabel(r), r.TxID)
		return
	case SwapRejected:
		fmt.Fprintf(out, "rejected  the operator refused the send: %s\n", r.Reason)
		return
	case SwapSync:
		fmt.Fprintf(out, "sync      debit, swap and credit at height %d: %s out to %s\n", r.CreditHeight, r.AmountOut, swapDestLabel(r))
	case SwapAsync:
		fmt.Fprintf(out, "async     credited at height %d (%d blocks after the debit at %d): %s out to %s\n",
			r.CreditHeight, r.ExtraBlocks, r.DebitHeight, r.AmountOut, swapDestLabel(r))
		if r.Reason != "" {
			fmt.Fprintf(out, "reason    %s\n", r.Reason)
		}
	case SwapRefunded:
		fmt.Fprintf(out, "refunded  %s; %s is credited back on %s\n", r.Reason, r.AmountIn, r.Source)
	case SwapHeldOnExchange:
		fmt.Fprintf(out, "held      %s; %s is on your account on the exchange rollup %s\n", r.Reason, r.AmountOut, r.Exchange)
	case SwapPending:
		fmt.Fprintf(out, "pending   %s\n", r.Where)
	}
	fmt.Fprintf(out, "debit     %s\nswap      %s\ncredit    %s\ntx        %s\n",
		h(r.Source, r.DebitBatch, r.DebitHeight), h(r.Exchange, r.SwapBatch, r.SwapHeight), h(r.Dest, r.CreditBatch, r.CreditHeight), r.TxID)
}

func swapDestLabel(r SwapResult) string {
	if r.Dest == "" {
		return "L1 " + r.Recipient
	}
	return r.Dest + ":" + r.Recipient
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// swapRecipientString is the recipient as the chain's events write it.
func swapRecipientString(rollup string, recipient []byte) string {
	if rollup == "" {
		return sdk.AccAddress(recipient).String()
	}
	return hex.EncodeToString(recipient)
}

// swapDestString is the destination for the summary.
func swapDestString(rollup string, recipient []byte) string {
	if rollup == "" {
		return "L1 " + sdk.AccAddress(recipient).String()
	}
	return fmt.Sprintf("%s:%x", rollup, recipient)
}
