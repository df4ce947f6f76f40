package cmd

import (
	"encoding/hex"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	crtypes "github.com/nativechain/nativechain/x/crossrollup/types"
)

// Recheck of red team 8 (docs/notes/i19-recheck.md). These tests fail on
// the code as fixed for R8-5: they are open findings.

// R9-3: candidates() counts routed outputs and refunds only. Alice's two
// swaps to payments-usdc land in one exchange batch: one output routes,
// the other bounces at the destination (EventMessageBounced, no routed
// event). The bounced swap's tracker sees one candidate, takes the other
// swap's routed output and reports "sync".
func TestRecheck_R9_3_BouncedSwapIsNotShownAsSync(t *testing.T) {
	me := hex.EncodeToString(swapMe)
	ev := swapBatchEvents{
		Routed: []crtypes.EventMessageRouted{{SourceRollupId: "exchange", SourceBatchIndex: 3, DestRollupId: "payments-usdc",
			DestInboxSequence: 11, L2Sender: me, L2Recipient: hex.EncodeToString(swapRecipient), Amount: "10uusdc"}},
		Bounced: []crtypes.EventMessageBounced{{SourceRollupId: "exchange", SourceBatchIndex: 3, DestRollupId: "payments-usdc",
			RefundInboxSequence: 5, Amount: "1990uusdc", Reason: "destination refused"}},
	}
	w := swapWatch{TxID: "t1", Source: "payments-a", Exchange: "exchange", Dest: "payments-usdc", Me: swapMe, Recipient: swapRecipient}
	res := SwapResult{TxID: "t1", AmountIn: "1000unat", Outcome: SwapSync}
	var out *crtypes.EventMessageRouted
	done := false
	require.True(t, swapTracker{}.exchangeOutcome(ev, w, me, &res, &out, &done))
	require.False(t, out != nil && res.Outcome == SwapSync,
		"two results in the batch (one routed, one bounced) could be this call's; it reported sync with %s out", res.AmountOut)
}

// R9-3 (L1 output): withdrawals and deferred withdrawals are not counted
// either, and they are matched on the L1 recipient alone. Two swaps paying
// the same L1 address (an exchange deposit address many users share) in
// one batch: the one whose payment the bridge deferred reports the other's
// withdrawal as its output, "sync".
func TestRecheck_R9_3_DeferredWithdrawalIsNotShownAsSync(t *testing.T) {
	me := hex.EncodeToString(swapMe)
	l1 := sdk.AccAddress(swapRecipient).String()
	ev := swapBatchEvents{
		Withdrawals: []crtypes.EventWithdrawal{{RollupId: "exchange", BatchIndex: 3, Recipient: l1, Amount: "10unat"}},
		Deferred:    []crtypes.EventWithdrawalDeferred{{PendingId: 2, RollupId: "exchange", BatchIndex: 3, Recipient: l1, Amount: "1990unat", Reason: "rate limit"}},
	}
	w := swapWatch{TxID: "t1", Source: "payments-a", Exchange: "exchange", Me: swapMe, Recipient: swapRecipient}
	res := SwapResult{TxID: "t1", AmountIn: "1000unat", Outcome: SwapSync}
	var out *crtypes.EventMessageRouted
	done := false
	require.True(t, swapTracker{}.exchangeOutcome(ev, w, me, &res, &out, &done))
	require.NotEqual(t, SwapSync, res.Outcome,
		"a withdrawal and a deferred payment to the same L1 address could each be this call's; it reported sync with %s out", res.AmountOut)
}
