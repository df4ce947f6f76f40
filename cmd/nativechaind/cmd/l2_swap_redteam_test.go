package cmd

import (
	"context"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol/exchangev1"
	crtypes "github.com/nativechain/nativechain/x/crossrollup/types"
)

// R8-5 (docs/notes/i19-redteam.md): `l2 swap --wait` matches the
// exchange's events to the user's call by sender, recipient and amount
// only. When one exchange batch consumes two calls of the same user (two
// swaps in one round, or an earlier swap still in the inbox), the tracker
// of a swap the exchange refused reports the other swap's output: a false
// "sync" with another amount.
func TestRedteam_R8_5_SwapTrackerDoesNotTakeAnotherSwapsOutput(t *testing.T) {
	me := hex.EncodeToString(swapMe)
	// Exchange batch 3 consumed alice's two calls: her other swap (an
	// earlier call from payments-b, sequence 6) paid 1990uusdc to
	// payments-usdc; this one (sequence 7, 1000unat) was refunded
	// (min-out not met).
	emit := crtypesEvents(
		crtypes.EventMessageRouted{SourceRollupId: "exchange", SourceBatchIndex: 3, DestRollupId: "payments-usdc",
			DestInboxSequence: 11, L2Sender: me, L2Recipient: hex.EncodeToString(swapRecipient), Amount: "1990uusdc"},
		crtypes.EventMessageRouted{SourceRollupId: "exchange", SourceBatchIndex: 3, DestRollupId: "payments-a",
			DestInboxSequence: 4, L2Sender: me, L2Recipient: me, Amount: "1000unat", PayloadBytes: exchangev1.CallBytes},
	)
	chain := swapScenario(100, 100, 100, emit).withRefundCredited()
	watch := swapWatch{TxID: "t1", Source: "payments-a", Exchange: "exchange", Dest: "payments-usdc", Me: swapMe, Recipient: swapRecipient}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	r := swapTracker{chain: chain, op: verified(nil), every: time.Millisecond}.follow(ctx, SwapResult{TxID: "t1", AmountIn: "1000unat"}, watch)
	// Fixed: the events name no call, so two candidate results in one
	// exchange batch are reported as such (pending, exit 1), never as
	// another swap's outcome.
	require.NotEqual(t, SwapSync, r.Outcome, "reported %q with %s out: the other swap's output", r.Outcome, r.AmountOut)
	require.Equal(t, SwapPending, r.Outcome)
	require.Contains(t, r.Where, "could be this call's")
}

func crtypesEvents(routed ...crtypes.EventMessageRouted) swapBatchEvents {
	return swapBatchEvents{Routed: routed}
}
