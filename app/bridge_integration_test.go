package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/protocol"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// bridgeBatch proves the rollup's next batch consuming `consume` inbox
// messages and posting outbox, against the committed state.
func bridgeBatch(t *testing.T, c rollupsChain, id string, newRoot uint64, consume uint64, outbox []protocol.OutboxEntry) *rollupstypes.MsgSubmitBatch {
	t.Helper()
	r := c.rollup(t, id)
	after, err := protocol.ParseFieldElement(r.ConsumedAccumulator)
	require.NoError(t, err)
	if consume > 0 {
		inbox, err := c.query().Inbox(c.Context(), &rollupstypes.QueryInboxRequest{RollupId: id, From: r.InboxConsumed + consume - 1, Limit: 1})
		require.NoError(t, err)
		require.Len(t, inbox.Messages, 1)
		after, err = protocol.ParseFieldElement(inbox.Messages[0].Accumulator)
		require.NoError(t, err)
	}
	return provenBatch(t, c, id, newRoot, consume, after, outbox)
}

// requireBridgeInvariant checks that the escrow account holds exactly the
// sum of every rollup's ledger and of the accrued withdrawals (none are
// pending in the tests that call it).
func requireBridgeInvariant(t *testing.T, c rollupsChain, ids ...string) {
	t.Helper()
	sum, err := c.App.CrossRollupKeeper.AccruedTotal(c.Context())
	require.NoError(t, err)
	for _, id := range ids {
		amt, err := c.App.CrossRollupKeeper.Ledger(c.Context(), id, app.BondDenom)
		require.NoError(t, err)
		require.False(t, amt.IsNegative())
		sum = sum.Add(sdk.NewCoin(app.BondDenom, amt))
	}
	escrow := c.App.BankKeeper.GetAllBalances(c.Context(), authtypes.NewModuleAddress(crossrolluptypes.ModuleName))
	require.Equal(t, sum.String(), escrow.String(), "escrow balance equals the sum of the ledgers")
}

func TestBridge_DepositThenWithdrawFinalInTheBatchBlock(t *testing.T) {
	c := registeredRollupsChain(t)
	supplyBefore := c.App.BankKeeper.GetSupply(c.Context(), app.BondDenom)

	// Alice (the admin account) deposits 5 NAT to an L2 recipient.
	l2 := []byte("l2-alice-0000000000000000000000")
	res := c.NextBlock(c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{
		Sender: c.admin.Address.String(), RollupId: "payments", L2Recipient: l2,
		Amount: sdk.NewCoin(app.BondDenom, sdkmath.NewInt(5_000_000)),
	}))
	requireTxOK(t, res.TxResults[0])
	requireBridgeInvariant(t, c, "payments")
	r := c.rollup(t, "payments")
	require.Equal(t, uint64(1), r.InboxSize)

	// Batch 1 consumes the deposit and withdraws 2 NAT to the outsider.
	before := c.balance(c.outsider.Address)
	withdrawal := protocol.OutboxEntry{
		Kind: protocol.OutboxKindWithdrawal, Recipient: c.outsider.Address,
		Denom: app.BondDenom, Amount: protocol.NewUint128(2_000_000),
	}
	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "payments", 7, 1, []protocol.OutboxEntry{withdrawal})))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventWithdrawal"))
	require.Equal(t, before.AddRaw(2_000_000).String(), c.balance(c.outsider.Address).String(), "paid in the block of the batch")
	left, err := c.App.CrossRollupKeeper.Ledger(c.Context(), "payments", app.BondDenom)
	require.NoError(t, err)
	require.Equal(t, sdkmath.NewInt(3_000_000).String(), left.String())
	requireBridgeInvariant(t, c, "payments")
	require.Equal(t, uint64(1), c.rollup(t, "payments").InboxConsumed)

	// Bridging moves coins; it never mints or burns (fees aside, which go
	// to the fee collector and stay in supply).
	require.True(t, supplyBefore.Amount.LTE(c.App.BankKeeper.GetSupply(c.Context(), app.BondDenom).Amount))

	// Deregistering a rollup that holds funds starts its wind-down
	// (x/rollups, L4): it freezes at the closing height and its users exit;
	// the bond is not returned now.
	res = c.NextBlock(c.SignTx(c.admin, &rollupstypes.MsgDeregisterRollup{Admin: c.admin.Address.String(), RollupId: "payments"}))
	requireTxOK(t, res.TxResults[0])
	require.NotZero(t, c.rollup(t, "payments").ClosingHeight)
	require.Equal(t, rollupstypes.ROLLUP_STATUS_ACTIVE, c.rollup(t, "payments").Status)
}

// The submitter's own withdrawal (its fee) accrues in escrow on the real
// app, moving no coin in the batch; the submitter claims it, once.
func TestBridge_TheSubmittersWithdrawalAccruesAndIsClaimedOnce(t *testing.T) {
	c := registeredRollupsChain(t)
	res := c.NextBlock(c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{
		Sender: c.admin.Address.String(), RollupId: "payments", L2Recipient: []byte("l2-alice"),
		Amount: sdk.NewCoin(app.BondDenom, sdkmath.NewInt(5_000_000)),
	}))
	requireTxOK(t, res.TxResults[0])
	fee := protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Recipient: c.operator.Address, Denom: app.BondDenom, Amount: protocol.NewUint128(1_000)}
	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "payments", 7, 1, []protocol.OutboxEntry{fee})))
	requireTxOK(t, res.TxResults[0])
	accrued, err := c.App.CrossRollupKeeper.AccruedOf(c.Context(), c.operator.Address)
	require.NoError(t, err)
	require.Equal(t, "1000"+app.BondDenom, accrued.String())
	requireEscrowInvariant(t, c)

	before := c.balance(c.operator.Address)
	res = c.NextBlock(c.SignTx(c.operator, &crossrolluptypes.MsgClaimAccrued{Claimant: c.operator.Address.String()}))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventAccruedClaimed"))
	require.Equal(t, before.AddRaw(1_000).SubRaw(10_000).String(), c.balance(c.operator.Address).String(), "the accrual, less the tx fee")
	requireEscrowInvariant(t, c)

	res = c.NextBlock(c.SignTx(c.operator, &crossrolluptypes.MsgClaimAccrued{Claimant: c.operator.Address.String()}))
	require.Equal(t, crossrolluptypes.ErrNothingAccrued.ABCICode(), res.TxResults[0].Code, "claiming twice: %s", res.TxResults[0].Log)
}

func TestBridge_RefusesBadDepositsAndOverdrawingBatches(t *testing.T) {
	c := registeredRollupsChain(t)
	deposit := func(id string, amount int64) *crossrolluptypes.MsgDeposit {
		return &crossrolluptypes.MsgDeposit{
			Sender: c.admin.Address.String(), RollupId: id, L2Recipient: []byte("l2-recipient"),
			Amount: sdk.NewCoin(app.BondDenom, sdkmath.NewInt(amount)),
		}
	}
	adminBefore := c.balance(c.admin.Address)
	res := c.NextBlock(c.SignTx(c.admin, deposit("unknown", 100)))
	requireTxFailedWith(t, res.TxResults[0], rollupstypes.ErrUnknownRollup)
	res = c.NextBlock(c.SignTx(c.admin, deposit("payments", 0)))
	requireTxFailedWith(t, res.TxResults[0], crossrolluptypes.ErrInvalidDeposit)
	require.Equal(t, adminBefore.SubRaw(2*10_000).String(), c.balance(c.admin.Address).String(), "only fees were paid")
	requireBridgeInvariant(t, c, "payments")

	res = c.NextBlock(c.SignTx(c.admin, deposit("payments", 1_000)))
	requireTxOK(t, res.TxResults[0])

	// A proven batch withdrawing more than the ledger holds is refused whole.
	overdraw := protocol.OutboxEntry{
		Kind: protocol.OutboxKindWithdrawal, Recipient: c.outsider.Address,
		Denom: app.BondDenom, Amount: protocol.NewUint128(1_001),
	}
	rBefore := c.rollup(t, "payments")
	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "payments", 9, 1, []protocol.OutboxEntry{overdraw})))
	requireTxFailedWith(t, res.TxResults[0], crossrolluptypes.ErrLedgerInsufficient)
	rAfter := c.rollup(t, "payments")
	require.Equal(t, rBefore.String(), rAfter.String(), "the batch changed nothing")
	requireBridgeInvariant(t, c, "payments")

	// A cross-rollup message carrying more than the ledger is refused too:
	// no rollup subsidises another.
	msg := protocol.OutboxEntry{
		Kind: protocol.OutboxKindCrossRollupMessage, Sender: []byte("l2-alice"), Recipient: []byte("l2-bob"),
		DestRollupID: "dex", Denom: app.BondDenom, Amount: protocol.NewUint128(1_001),
	}
	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "payments", 9, 1, []protocol.OutboxEntry{msg})))
	requireTxFailedWith(t, res.TxResults[0], crossrolluptypes.ErrLedgerInsufficient)
	requireBridgeInvariant(t, c, "payments")
}
