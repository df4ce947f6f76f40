package app_test

import (
	"bytes"
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

// The December 2026 review (H1, L2): user content in a verified batch's
// outbox never fails the batch. What the chain cannot deliver goes back to
// the L2 sender as a refund entry (kind 5) in the source rollup's inbox.

// l2Payer is a payments-style L2 address (64 bytes: X || Y).
var l2Payer = bytes.Repeat([]byte{0x5a}, 64)

// depositedRollupsChain is registeredRollupsChain with 5 NAT deposited to
// l2Payer on payments, and the deposit consumed by batch 1.
func depositedRollupsChain(t *testing.T) rollupsChain {
	t.Helper()
	c := registeredRollupsChain(t)
	res := c.NextBlock(c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{
		Sender: c.admin.Address.String(), RollupId: "payments", L2Recipient: l2Payer,
		Amount: sdk.NewCoin(app.BondDenom, sdkmath.NewInt(5_000_000)),
	}))
	requireTxOK(t, res.TxResults[0])
	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "payments", 2, 1, nil)))
	requireTxOK(t, res.TxResults[0])
	require.Equal(t, uint64(2), c.rollup(t, "payments").NextBatchIndex)
	return c
}

// requireRefundEntry checks that the last entry of id's inbox is a refund
// of amount to the L2 address to.
func requireRefundEntry(t *testing.T, c rollupsChain, id string, to []byte, amount uint64) {
	t.Helper()
	r := c.rollup(t, id)
	require.Positive(t, r.InboxSize)
	m, err := c.App.RollupsKeeper.GetInboxMessage(c.Context(), id, r.InboxSize-1)
	require.NoError(t, err)
	require.Equal(t, uint32(protocol.InboxKindRefund), m.Kind)
	require.Equal(t, to, m.Recipient, "the refund is addressed to the L2 sender")
	require.Equal(t, id, m.SourceRollupId)
	require.Equal(t, app.BondDenom, m.Denom)
	require.Equal(t, sdkmath.NewIntFromUint64(amount).String(), m.Amount)
}

func TestBatch_WithdrawalToModuleAccountRefundsTheSenderInsteadOfFailing(t *testing.T) {
	c := depositedRollupsChain(t)
	distribution := authtypes.NewModuleAddress("distribution")
	inboxBefore := c.rollup(t, "payments").InboxSize

	// A forced L2 withdrawal of 1 unat to the distribution module account.
	poison := protocol.OutboxEntry{
		Kind: protocol.OutboxKindWithdrawal, Sender: l2Payer, Recipient: distribution,
		Denom: app.BondDenom, Amount: protocol.NewUint128(1),
	}
	res := c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "payments", 3, 0, []protocol.OutboxEntry{poison})))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventWithdrawalRefunded"))
	t.Logf("batch with a refunded withdrawal: %d gas", res.TxResults[0].GasUsed)

	r := c.rollup(t, "payments")
	require.Equal(t, uint64(3), r.NextBatchIndex, "the batch applied")
	require.Equal(t, inboxBefore+1, r.InboxSize)
	requireRefundEntry(t, c, "payments", l2Payer, 1)
	require.False(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventWithdrawal"), "nothing was paid")
	requireLedger(t, c, "payments", 5_000_000) // the value never left the ledger
	requireEscrowInvariant(t, c)
}

func TestBatch_OversizePayloadSendBouncesToTheSenderInsteadOfFailing(t *testing.T) {
	c := depositedRollupsChain(t)
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	res := c.NextBlock(c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
		Admin: c.admin.Address.String(), RollupId: "dex", VerifyingKey: rollupsProver(t).VerifyingKey(),
		GenesisStateRoot: elementBytes(100), Operators: []string{c.operator.Address.String()}, Bond: params.MinOperatorBond,
	}))
	requireTxOK(t, res.TxResults[0])

	// Within the encoding's 4,096 bytes, over max_payload_bytes (1,024).
	send := protocol.OutboxEntry{
		Kind: protocol.OutboxKindCrossRollupMessage, Sender: l2Payer, Recipient: l2Callee, DestRollupID: "dex",
		Denom: app.BondDenom, Amount: protocol.NewUint128(1_000), Payload: make([]byte, crossrolluptypes.DefaultMaxPayloadBytes+1),
	}
	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "payments", 3, 0, []protocol.OutboxEntry{send})))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventMessageBounced"))
	t.Logf("batch with a bounced oversize send: %d gas", res.TxResults[0].GasUsed)
	require.Equal(t, uint64(3), c.rollup(t, "payments").NextBatchIndex, "the batch applied")
	require.Zero(t, c.rollup(t, "dex").InboxSize, "nothing reached dex")
	requireRefundEntryFrom(t, c, "payments", "dex", l2Payer, 1_000)
	requireLedger(t, c, "payments", 5_000_000)
	requireLedger(t, c, "dex", 0)
	requireEscrowInvariant(t, c)
}

// requireRefundEntryFrom is requireRefundEntry for a bounced message, whose
// refund names the destination it could not reach.
func requireRefundEntryFrom(t *testing.T, c rollupsChain, id, from string, to []byte, amount uint64) {
	t.Helper()
	r := c.rollup(t, id)
	m, err := c.App.RollupsKeeper.GetInboxMessage(c.Context(), id, r.InboxSize-1)
	require.NoError(t, err)
	require.Equal(t, uint32(protocol.InboxKindRefund), m.Kind)
	require.Equal(t, to, m.Recipient)
	require.Equal(t, from, m.SourceRollupId)
	require.Equal(t, sdkmath.NewIntFromUint64(amount).String(), m.Amount)
	require.Empty(t, m.Payload, "the chain refused the payload: the refund does not carry it")
}
