package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// A rollup receives a message whose sender and recipient it cannot credit
// (a junk rollup's garbage addresses), bounces it out to its source, as the
// payments circuit does for kinds 2 and 5 (docs/spec/payments-rollup.md),
// and that source is gone (deregistered: a rollup with an empty ledger is,
// at once, the bond returned). The chain bounces the message back as a
// refund (kind 5) from the gone rollup, which the rollup cannot credit
// either and bounces out again: before the fix every batch of the victim
// carried the same entry in and out for ever (two slots a batch per 1 unat
// the attacker spent; Slots/2 of them and the rollup runs no L2
// transaction again). A refund that comes back is credited to its
// recipient for exit instead.
func TestBounce_ARefundTheRollupCouldNotCreditDoesNotPingPongForever(t *testing.T) {
	f := newExodusFixture(t)
	f.fund(t, liveID, sdk.NewInt64Coin(denom, 5))
	junkSender, junkRecipient := []byte{0x01}, []byte{0x02}
	msg := protocol.OutboxEntry{
		Kind: protocol.OutboxKindCrossRollupMessage, Sender: junkSender, Recipient: junkRecipient,
		DestRollupID: goneID, Denom: denom, Amount: protocol.NewUint128(5),
	}
	// The first bounce is an ordinary refund.
	require.NoError(t, f.apply(t, liveID, msg))
	first, err := f.lastInbox(t, liveID).Entry()
	require.NoError(t, err)
	require.Equal(t, protocol.InboxKindRefund, first.Kind)

	// The rollup consumes the refund it cannot credit and bounces it out.
	bounceOut := protocol.OutboxEntry{
		Kind: protocol.OutboxKindCrossRollupMessage, Sender: first.Recipient, Recipient: first.Sender,
		DestRollupID: first.SourceRollupID, Denom: first.Denom, Amount: first.Amount, Payload: first.Payload,
	}
	size := f.reg.rollups[liveID].InboxSize
	require.NoError(t, f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{
		RollupID: liveID, Index: 2, InboxFrom: size - 1, InboxTo: size, Outbox: []protocol.OutboxEntry{bounceOut},
	}))
	require.Equal(t, first.Sequence+1, f.reg.rollups[liveID].InboxSize,
		"a refund the rollup could not credit came back into its inbox again: the bounce loops for ever")
	credits, err := f.keeper.ExitCreditsOf(f.ctx, liveID, junkSender)
	require.NoError(t, err)
	require.Equal(t, "5"+denom, credits.String(), "the returned refund is credited to its recipient for exit")
	require.EqualValues(t, 5, f.ledger(t, liveID))
	f.requireInvariant(t)

	// A consumed refund is returned once: a second copy in the same outbox
	// bounces as a new message would.
	f.fund(t, liveID, sdk.NewInt64Coin(denom, 5))
	require.NoError(t, f.apply(t, liveID, msg))
	again, err := f.lastInbox(t, liveID).Entry()
	require.NoError(t, err)
	size = f.reg.rollups[liveID].InboxSize
	require.NoError(t, f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{
		RollupID: liveID, Index: 4, InboxFrom: again.Sequence, InboxTo: size,
		Outbox: []protocol.OutboxEntry{bounceOut, bounceOut},
	}))
	require.Equal(t, size+1, f.reg.rollups[liveID].InboxSize, "the second copy bounces as a refund entry")
	f.requireInvariant(t)
}
