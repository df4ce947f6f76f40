package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// usdc is the second denom of the two-token tests (issue 18, item 3).
const usdc = "uusdc"

func (f *exodusFixture) ledgerOf(t *testing.T, id, d string) int64 {
	t.Helper()
	amt, err := f.keeper.Ledger(f.ctx, id, d)
	require.NoError(t, err)
	return amt.Int64()
}

// usdcRollup makes deadID an active rollup whose exit layout holds uusdc.
func usdcRollup(f *exodusFixture) {
	f.reg.rollups[deadID].ExitLayout = &rollupstypes.ExitLayout{Name: layoutName, Depth: exitDepth, Denom: usdc}
	f.reg.rollups[deadID].Status = rollupstypes.ROLLUP_STATUS_ACTIVE
}

// A uusdc rollup freezes: its unconsumed deposit goes back to the L1
// sender in uusdc, a message routed to it goes back to the source's inbox
// and ledger in uusdc, and the exodus of an L2 balance pays uusdc. Another
// rollup's unat is untouched throughout.
func TestTwoTokens_RefundsAndExodusPayTheRollupsDenom(t *testing.T) {
	f := newExodusFixture(t)
	usdcRollup(f)
	f.fund(t, deadID, sdk.NewInt64Coin(usdc, 300)) // carol's L2 balance (leaf 5)
	f.fund(t, liveID, sdk.NewInt64Coin(denom, 500))
	f.addInbox(t, deadID, protocol.InboxEntry{Kind: protocol.InboxKindDeposit, Sender: f.alice, Recipient: l2Carol, Denom: usdc, Amount: protocol.NewUint128(40)})
	f.addInbox(t, deadID, protocol.InboxEntry{Kind: protocol.InboxKindCrossRollupMessage, SourceRollupID: liveID, Sender: l2Dave, Recipient: l2Carol,
		Payload: []byte("hi"), Denom: usdc, Amount: protocol.NewUint128(25)})
	f.requireInvariant(t)

	f.freeze(t, deadID)
	require.NoError(t, f.keeper.ProcessRefunds(f.ctx))

	f.requireInvariant(t)
	require.Equal(t, "40"+usdc, f.bank.balances[string(f.alice)].String(), "the deposit comes back in uusdc")
	require.Len(t, f.reg.inbox[liveID], 1)
	back := f.reg.inbox[liveID][0]
	require.Equal(t, uint32(protocol.InboxKindRefund), back.Kind)
	require.Equal(t, usdc, back.Denom)
	require.Equal(t, "25", back.Amount)
	require.Equal(t, int64(25), f.ledgerOf(t, liveID, usdc))
	require.Equal(t, int64(500), f.ledgerOf(t, liveID, denom))
	require.Equal(t, int64(300), f.ledgerOf(t, deadID, usdc))

	res, err := f.msgs.ExodusWithdraw(f.ctx, f.claim())

	require.NoError(t, err)
	require.Equal(t, sdk.NewInt64Coin(usdc, 300), res.Amount)
	require.Equal(t, "300"+usdc, f.bank.balances[string(f.bob)].String())
	require.Equal(t, int64(0), f.ledgerOf(t, deadID, usdc))
	require.Equal(t, int64(500), f.ledgerOf(t, liveID, denom), "no other rollup or denom pays the exit")
	f.requireInvariant(t)
}

// The exodus of a uusdc rollup is paid from its uusdc ledger only: unat it
// holds (from before the inbox checked denoms) does not make up a shortfall,
// and the refused exit changes nothing.
func TestTwoTokens_AnExitIsNotPaidInAnotherDenom(t *testing.T) {
	f := newExodusFixture(t)
	usdcRollup(f)
	f.fund(t, deadID, sdk.NewInt64Coin(usdc, 100))
	f.fund(t, deadID, sdk.NewInt64Coin(denom, 1_000))
	f.freeze(t, deadID)
	require.NoError(t, f.keeper.ProcessRefunds(f.ctx))
	before := f.state(t)

	_, err := f.msgs.ExodusWithdraw(f.ctx, f.claim()) // carol's 300 uusdc

	require.ErrorIs(t, err, types.ErrLedgerInsufficient)
	require.Equal(t, before, f.state(t))
	f.requireInvariant(t)
}
