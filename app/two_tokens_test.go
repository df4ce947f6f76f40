package app_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// usdc is the second denom of the two-token tests (issue 18, item 3).
const usdc = "uusdc"

// twoTokenChain starts the real app from a genesis in which every account
// also holds uusdc (with USDC bank metadata, exponent 6), and registers
// three payments-layout rollups: "pay-nat" holding unat, "pay-usdc" and
// "pay-usdc-2" holding uusdc.
func twoTokenChain(t *testing.T) rollupsChain {
	t.Helper()
	genesis, accounts := apptest.NewGenesis(t, 3)
	var state map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(genesis, &state))
	var bank banktypes.GenesisState
	require.NoError(t, json.Unmarshal(state[banktypes.ModuleName], &bank))
	funded := sdk.NewCoin(usdc, apptest.InitialBalance)
	users := map[string]bool{}
	for _, a := range accounts {
		users[a.Address.String()] = true
	}
	for i := range bank.Balances {
		if users[bank.Balances[i].Address] { // not the staking pools
			bank.Balances[i].Coins = bank.Balances[i].Coins.Add(funded)
		}
	}
	if !bank.Supply.IsZero() {
		bank.Supply = bank.Supply.Add(sdk.NewCoin(usdc, apptest.InitialBalance.MulRaw(int64(len(accounts)))))
	}
	bank.DenomMetadata = append(bank.DenomMetadata, banktypes.Metadata{
		Description: "USD Coin", Base: usdc, Display: "usdc", Name: "USD Coin", Symbol: "USDC",
		DenomUnits: []*banktypes.DenomUnit{{Denom: usdc, Exponent: 0}, {Denom: "usdc", Exponent: 6}},
	})
	bz, err := json.Marshal(&bank)
	require.NoError(t, err)
	state[banktypes.ModuleName] = bz
	genesis, err = json.Marshal(state)
	require.NoError(t, err)

	ch := apptest.NewChain(t, genesis, accounts)
	c := rollupsChain{Chain: ch, admin: ch.Accounts[0], operator: ch.Accounts[1], outsider: ch.Accounts[2]}
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	for i, r := range []struct{ id, denom string }{{"pay-nat", app.BondDenom}, {"pay-usdc", usdc}, {"pay-usdc-2", usdc}} {
		res := c.NextBlock(c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
			Admin: c.admin.Address.String(), RollupId: r.id, VerifyingKey: rollupsProver(t).VerifyingKey(),
			GenesisStateRoot: elementBytes(uint64(1000 * (i + 1))), Operators: []string{c.operator.Address.String()}, Bond: params.MinOperatorBond,
			ExitLayout: &rollupstypes.ExitLayout{Name: protocol.ExitLayoutPaymentsV1, Depth: 24, Denom: r.denom},
		}))
		requireTxOK(t, res.TxResults[0])
	}
	return c
}

// requireLedgerOf checks what rollup id holds of denom.
func requireLedgerOf(t *testing.T, c rollupsChain, id, denom string, want int64) {
	t.Helper()
	got, err := c.App.CrossRollupKeeper.Ledger(c.Context(), id, denom)
	require.NoError(t, err)
	require.Equal(t, sdkmath.NewInt(want).String(), got.String(), "ledger of %s in %s", id, denom)
}

// requireTwoTokenInvariant checks escrow == ledgers + pending + accrued per
// denom, and that the escrow holds exactly the three rollups' ledgers of
// both denoms (nothing pending or accrued in these tests).
func requireTwoTokenInvariant(t *testing.T, c rollupsChain) {
	t.Helper()
	escrow, ledgers, pending, accrued, err := c.App.CrossRollupKeeper.EscrowInvariant(c.Context())
	require.NoError(t, err)
	require.Equal(t, escrow.String(), ledgers.Add(pending...).Add(accrued...).String())
	sum := sdk.NewCoins()
	for _, id := range []string{"pay-nat", "pay-usdc", "pay-usdc-2"} {
		for _, denom := range []string{app.BondDenom, usdc} {
			amt, err := c.App.CrossRollupKeeper.Ledger(c.Context(), id, denom)
			require.NoError(t, err)
			sum = sum.Add(sdk.NewCoin(denom, amt))
		}
	}
	held := c.App.BankKeeper.GetAllBalances(c.Context(), authtypes.NewModuleAddress(crossrolluptypes.ModuleName))
	require.Equal(t, sum.String(), held.String(), "escrow holds the ledgers, per denom")
}

func TestTwoTokens_DepositWithdrawAndRoutePerDenom(t *testing.T) {
	c := twoTokenChain(t)
	l2 := []byte("l2-alice-0000000000000000000000")
	usdcOf := func(a *apptest.Account) sdkmath.Int {
		return c.App.BankKeeper.GetBalance(c.Context(), a.Address, usdc).Amount
	}

	// Deposits, one per denom, each into a rollup that holds it.
	res := c.NextBlock(
		c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{
			Sender: c.admin.Address.String(), RollupId: "pay-usdc", L2Recipient: l2, Amount: sdk.NewInt64Coin(usdc, 5_000_000),
		}),
		c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{
			Sender: c.admin.Address.String(), RollupId: "pay-nat", L2Recipient: l2, Amount: sdk.NewInt64Coin(app.BondDenom, 4_000_000),
		}))
	requireTxOK(t, res.TxResults[0])
	requireTxOK(t, res.TxResults[1])
	requireLedgerOf(t, c, "pay-usdc", usdc, 5_000_000)
	requireLedgerOf(t, c, "pay-nat", app.BondDenom, 4_000_000)
	requireLedgerOf(t, c, "pay-usdc", app.BondDenom, 0)
	requireTwoTokenInvariant(t, c)

	// One pay-usdc batch: a withdrawal of 1 USDC to L1, 2 USDC routed to
	// pay-usdc-2 (same denom: delivered), 1.5 USDC routed to pay-nat (a
	// denom it does not hold: bounced, the value stays with pay-usdc and a
	// refund in uusdc goes to the sender).
	sender, callee := []byte("l2-sender-on-pay-usdc-000000000"), []byte("l2-callee-000000000000000000000")
	withdrawal := protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Sender: sender, Recipient: c.outsider.Address, Denom: usdc, Amount: protocol.NewUint128(1_000_000)}
	same := protocol.OutboxEntry{Kind: protocol.OutboxKindCrossRollupMessage, Sender: sender, Recipient: callee,
		DestRollupID: "pay-usdc-2", Denom: usdc, Amount: protocol.NewUint128(2_000_000), Payload: []byte("pay")}
	other := same
	other.DestRollupID, other.Amount = "pay-nat", protocol.NewUint128(1_500_000)
	outsiderBefore := usdcOf(c.outsider)
	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "pay-usdc", 2, 1, []protocol.OutboxEntry{withdrawal, same, other})))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventWithdrawal"))
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventMessageRouted"))
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventMessageBounced"))
	require.Equal(t, outsiderBefore.AddRaw(1_000_000).String(), usdcOf(c.outsider).String(), "the withdrawal is paid in uusdc")
	requireLedgerOf(t, c, "pay-usdc", usdc, 2_000_000) // 5 - 1 withdrawn - 2 routed; the bounced 1.5 stays
	requireLedgerOf(t, c, "pay-usdc-2", usdc, 2_000_000)
	requireLedgerOf(t, c, "pay-nat", usdc, 0)
	requireLedgerOf(t, c, "pay-nat", app.BondDenom, 4_000_000)
	require.Equal(t, uint64(1), c.rollup(t, "pay-nat").InboxSize, "only its unat deposit: nothing in uusdc reached pay-nat")
	routed, err := c.App.RollupsKeeper.GetInboxMessage(c.Context(), "pay-usdc-2", 0)
	require.NoError(t, err)
	require.Equal(t, usdc, routed.Denom)
	require.Equal(t, "2000000", routed.Amount)
	pay := c.rollup(t, "pay-usdc")
	refund, err := c.App.RollupsKeeper.GetInboxMessage(c.Context(), "pay-usdc", pay.InboxSize-1)
	require.NoError(t, err)
	require.Equal(t, uint32(protocol.InboxKindRefund), refund.Kind)
	require.Equal(t, sender, refund.Recipient)
	require.Equal(t, usdc, refund.Denom)
	require.Equal(t, "1500000", refund.Amount)
	requireTwoTokenInvariant(t, c)

	// pay-usdc-2 withdraws what it received, in uusdc.
	back := protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Sender: callee, Recipient: c.outsider.Address, Denom: usdc, Amount: protocol.NewUint128(2_000_000)}
	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "pay-usdc-2", 3000, 1, []protocol.OutboxEntry{back})))
	requireTxOK(t, res.TxResults[0])
	require.Equal(t, outsiderBefore.AddRaw(3_000_000).String(), usdcOf(c.outsider).String())
	requireLedgerOf(t, c, "pay-usdc-2", usdc, 0)
	requireTwoTokenInvariant(t, c)

	// A pay-usdc batch withdrawing unat, which its ledger does not hold
	// (pay-nat's unat is not its to spend), fails and changes nothing.
	before := c.rollup(t, "pay-usdc")
	steal := protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Sender: sender, Recipient: c.outsider.Address, Denom: app.BondDenom, Amount: protocol.NewUint128(1)}
	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "pay-usdc", 3, 0, []protocol.OutboxEntry{steal})))
	requireTxFailedWith(t, res.TxResults[0], crossrolluptypes.ErrLedgerInsufficient)
	after := c.rollup(t, "pay-usdc")
	require.Equal(t, before.String(), after.String())
	requireLedgerOf(t, c, "pay-nat", app.BondDenom, 4_000_000)
	requireTwoTokenInvariant(t, c)
}

// Value in a denom the rollup does not hold is refused at the door: a
// deposit or an L1 call with value fails with ErrDenomNotHeld and changes
// nothing (no escrow, no ledger, no inbox entry, no bridge fee). A call
// without value is still accepted.
func TestTwoTokens_ValueInADenomTheRollupDoesNotHoldIsRefused(t *testing.T) {
	c := twoTokenChain(t)
	l2 := []byte("l2-alice-0000000000000000000000")
	escrowAddr := authtypes.NewModuleAddress(crossrolluptypes.ModuleName)
	adminUSDC := c.App.BankKeeper.GetBalance(c.Context(), c.admin.Address, usdc)
	adminNAT := c.balance(c.admin.Address)

	res := c.NextBlock(c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{
		Sender: c.admin.Address.String(), RollupId: "pay-nat", L2Recipient: l2, Amount: sdk.NewInt64Coin(usdc, 5_000_000),
	}))
	requireTxFailedWith(t, res.TxResults[0], rollupstypes.ErrDenomNotHeld)
	res = c.NextBlock(c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{
		Sender: c.admin.Address.String(), RollupId: "pay-usdc", L2Recipient: l2, Amount: sdk.NewInt64Coin(app.BondDenom, 5_000_000),
	}))
	requireTxFailedWith(t, res.TxResults[0], rollupstypes.ErrDenomNotHeld)
	value := sdk.NewInt64Coin(usdc, 1_000_000)
	res = c.NextBlock(c.SignTx(c.admin, &crossrolluptypes.MsgSendMessage{
		Sender: c.admin.Address.String(), RollupId: "pay-nat", L2Recipient: l2, Payload: []byte("hi"), Amount: &value,
	}))
	requireTxFailedWith(t, res.TxResults[0], rollupstypes.ErrDenomNotHeld)

	require.Equal(t, adminUSDC.String(), c.App.BankKeeper.GetBalance(c.Context(), c.admin.Address, usdc).String(), "no uusdc left the sender")
	require.Equal(t, adminNAT.SubRaw(3*10_000).String(), c.balance(c.admin.Address).String(), "only the three tx fees were paid")
	require.True(t, c.App.BankKeeper.GetAllBalances(c.Context(), escrowAddr).IsZero(), "nothing escrowed")
	for _, id := range []string{"pay-nat", "pay-usdc"} {
		require.Equal(t, uint64(0), c.rollup(t, id).InboxSize, "no entry in %s's inbox", id)
	}
	requireTwoTokenInvariant(t, c)

	// A call without value carries no denom and is accepted.
	res = c.NextBlock(c.SignTx(c.admin, &crossrolluptypes.MsgSendMessage{
		Sender: c.admin.Address.String(), RollupId: "pay-nat", L2Recipient: l2, Payload: []byte("hi"),
	}))
	requireTxOK(t, res.TxResults[0])
	require.Equal(t, uint64(1), c.rollup(t, "pay-nat").InboxSize)
}
