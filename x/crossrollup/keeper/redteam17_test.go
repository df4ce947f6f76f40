package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Red team of issue 17: the source's cap is read once per hook call and a
// routed message debits the ledger value it read. The running usage stays
// in the store, so it is right across entries of one batch and across
// batches of one block; the ledger read is never stale, since each entry
// reads it afresh and nothing writes it between a route's read and debit.
func TestRedTeam17_CapAcrossEntriesAndBatchesOfOneBlock(t *testing.T) {
	f := newExodusFixture(t)
	f.addRollup(sinkID, &rollupstypes.ExitLayout{Name: layoutName, Depth: exitDepth, Denom: denom})
	f.fund(t, liveID, sdk.NewInt64Coin(denom, 100))
	f.setCap(t, liveID, 10)

	// one batch: 4 paid, 4 routed, 4 over the cap (deferred), 2 paid
	require.NoError(t, f.apply(t, liveID, withdrawalOf(l2Carol, f.bob, 4), sendOf(sinkID, 4, nil),
		withdrawalOf(l2Carol, f.bob, 4), withdrawalOf(l2Carol, f.bob, 2)))
	require.Equal(t, "6unat", f.bank.balances[string(f.bob)].String())
	require.Equal(t, int64(4), f.ledger(t, sinkID))
	require.Equal(t, "4unat", f.pendingTotal(t))
	require.Equal(t, "10unat", f.status(t, liveID).Usage.Paid.String())
	// a second batch in the same block: nothing more leaves
	require.NoError(t, f.apply(t, liveID, withdrawalOf(l2Carol, f.bob, 1), sendOf(sinkID, 1, nil)))
	require.Equal(t, "6unat", f.bank.balances[string(f.bob)].String())
	require.Equal(t, int64(4), f.ledger(t, sinkID))
	require.Equal(t, "5unat", f.pendingTotal(t))
	require.Equal(t, "10unat", f.status(t, liveID).Usage.Paid.String())
	require.Equal(t, int64(100-6-4-4-1), f.ledger(t, liveID), "the deferred withdrawals left the ledger, the bounced message did not")
	f.requireInvariant(t)
}

func TestRedTeam17_RoutedValueNeverDebitsAStaleLedger(t *testing.T) {
	f := newExodusFixture(t)
	f.addRollup(sinkID, &rollupstypes.ExitLayout{Name: layoutName, Depth: exitDepth, Denom: denom})
	f.fund(t, liveID, sdk.NewInt64Coin(denom, 10))

	// two messages and a withdrawal of the same denom, 12 in all from 10
	err := f.apply(t, liveID, sendOf(sinkID, 5, nil), withdrawalOf(l2Carol, f.bob, 2), sendOf(sinkID, 5, nil))
	require.ErrorIs(t, err, types.ErrLedgerInsufficient, "the third entry reads the ledger the first two left")

	// a message to itself moves nothing
	g := newExodusFixture(t)
	g.fund(t, liveID, sdk.NewInt64Coin(denom, 10))
	require.NoError(t, g.apply(t, liveID, sendOf(liveID, 7, nil), sendOf(liveID, 10, nil)))
	require.Equal(t, int64(10), g.ledger(t, liveID))
	g.requireInvariant(t)
	// exactly the ledger, over two messages: the second sees what the first left
	require.NoError(t, g.apply(t, liveID, sendOf(sinkIDOr(g), 6, nil), sendOf(sinkIDOr(g), 4, nil)))
	require.Equal(t, int64(0), g.ledger(t, liveID))
	require.ErrorIs(t, g.apply(t, liveID, sendOf(sinkIDOr(g), 1, nil)), types.ErrLedgerInsufficient)
	g.requireInvariant(t)
}

func sinkIDOr(f *exodusFixture) string {
	if _, ok := f.reg.rollups[sinkID]; !ok {
		f.addRollup(sinkID, &rollupstypes.ExitLayout{Name: layoutName, Depth: exitDepth, Denom: denom})
	}
	return sinkID
}
