package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
)

// Red team 5 (issue 18, two tokens): a message routed in a denom the
// destination does not hold bounces; a source that cannot credit the
// refund and sends it back out (payments does: bounce-out) meets the same
// refusal. The chain must neither bounce it into the source's inbox again
// (a refund that goes round at every batch for ever) nor fail the verified
// batch: the returned refund is credited to the L2 sender for exit, and
// the value stays in the source's uusdc ledger.
func TestRedTeam5_ARefundSentBackToADestinationThatRefusesItsDenomDoesNotLoop(t *testing.T) {
	c := twoTokenChain(t)
	sender, callee := []byte("l2-sender-on-pay-usdc-000000000"), []byte("l2-callee-000000000000000000000")
	res := c.NextBlock(c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{
		Sender: c.admin.Address.String(), RollupId: "pay-usdc", L2Recipient: sender, Amount: sdk.NewInt64Coin(usdc, 5_000_000),
	}))
	requireTxOK(t, res.TxResults[0])

	msg := protocol.OutboxEntry{Kind: protocol.OutboxKindCrossRollupMessage, Sender: sender, Recipient: callee,
		DestRollupID: "pay-nat", Denom: usdc, Amount: protocol.NewUint128(1_500_000), Payload: []byte("pay")}
	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "pay-usdc", 2001, 1, []protocol.OutboxEntry{msg})))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventMessageBounced"))
	require.Equal(t, uint64(2), c.rollup(t, "pay-usdc").InboxSize, "the deposit and the refund")

	// The next batch consumes the refund and sends it back out to pay-nat.
	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "pay-usdc", 2002, 1, []protocol.OutboxEntry{msg})))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventMessageBounced"))
	require.Equal(t, uint64(2), c.rollup(t, "pay-usdc").InboxSize, "no second refund entry")
	require.Equal(t, uint64(0), c.rollup(t, "pay-nat").InboxSize, "nothing in uusdc reached pay-nat")
	credits, err := c.App.CrossRollupKeeper.ExitCreditsOf(c.Context(), "pay-usdc", sender)
	require.NoError(t, err)
	require.Equal(t, sdk.NewCoins(sdk.NewInt64Coin(usdc, 1_500_000)).String(), credits.String())
	requireLedgerOf(t, c, "pay-usdc", usdc, 5_000_000)
	requireLedgerOf(t, c, "pay-nat", usdc, 0)
	requireTwoTokenInvariant(t, c)
}
