package app_test

import (
	"math/big"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/exchangev1/exchangev1test"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// The exchange rollup on the real app (issue 18): an exchange-v1 rollup
// holding unat (base) and uusdc (quote) takes deposits in both, refuses a
// third denom, and after a freeze pays an LP and a plain account in both
// denoms, once each, out of its two ledgers.

const (
	exchangeID       = "exch"
	thirdDenom       = "uatom"
	exchangeDepth    = 4
	exchangeDeadline = 6
	exLPIndex        = 3
	exPlainIndex     = 10
	exOtherLPIndex   = 12
)

// exchangeL2State is the state a batch posts after consuming the deposits
// of 10 NAT and 30 USDC: a pool of 6 NAT / 18 USDC / 1000 shares, an LP
// with 600 shares and 1 NAT + 2 USDC, a plain account with 3 NAT + 10 USDC,
// another LP with 400 shares (it does not exit here).
func exchangeL2State(lp, plain, otherLP exchangev1test.Signer) *exchangev1test.State {
	s := exchangev1test.NewState(exchangeDepth, exchangev1.Pool{
		ReserveBase: big.NewInt(6_000_000), ReserveQuote: big.NewInt(18_000_000), TotalShares: big.NewInt(1000),
	})
	s.Accounts[exLPIndex] = exchangev1.Account{Key: lp.Public, Base: big.NewInt(1_000_000), Quote: big.NewInt(2_000_000), Shares: big.NewInt(600), Nonce: 4}
	s.Accounts[exPlainIndex] = exchangev1.Account{Key: plain.Public, Base: big.NewInt(3_000_000), Quote: big.NewInt(10_000_000), Shares: big.NewInt(0), Nonce: 2}
	s.Accounts[exOtherLPIndex] = exchangev1.Account{Key: otherLP.Public, Base: big.NewInt(0), Quote: big.NewInt(0), Shares: big.NewInt(400), Nonce: 1}
	return s
}

// exchangeChain starts the real app with a short inbox deadline and users
// who also hold uusdc and uatom, and registers the exchange-v1 rollup.
func exchangeChain(t *testing.T) rollupsChain {
	t.Helper()
	genesis, accounts := twoTokenGenesis(t)

	ch := apptest.NewChain(t, genesis, accounts)
	c := rollupsChain{Chain: ch, admin: ch.Accounts[0], operator: ch.Accounts[1], outsider: ch.Accounts[2]}
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	res := c.NextBlock(c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
		Admin: c.admin.Address.String(), RollupId: exchangeID, VerifyingKey: rollupsProver(t).VerifyingKey(),
		GenesisStateRoot: protocol.StateRootBytes(exchangev1.EmptyRoot(exchangeDepth, exchangev1.Pair{Base: app.BondDenom, Quote: usdc})),
		Operators:        []string{c.operator.Address.String()}, Bond: params.MinOperatorBond,
		ExitLayout: &rollupstypes.ExitLayout{Name: protocol.ExitLayoutExchangeV1, Depth: exchangeDepth, Denom: app.BondDenom, QuoteDenom: usdc},
	}))
	requireTxOK(t, res.TxResults[0])
	return c
}

// exchangeBatch is the operator's next batch of id posting newRoot and
// consuming consume inbox entries, proven with the test circuit.
func exchangeBatch(t *testing.T, c rollupsChain, id string, newRoot []byte, consume uint64) *rollupstypes.MsgSubmitBatch {
	t.Helper()
	r := c.rollup(t, id)
	prev, err := protocol.ParseStateRoot(r.StateRoot)
	require.NoError(t, err)
	before, err := protocol.ParseFieldElement(r.ConsumedAccumulator)
	require.NoError(t, err)
	inbox, err := c.query().Inbox(c.Context(), &rollupstypes.QueryInboxRequest{RollupId: id, From: r.InboxConsumed + consume - 1, Limit: 1})
	require.NoError(t, err)
	require.Len(t, inbox.Messages, 1)
	after, err := protocol.ParseFieldElement(inbox.Messages[0].Accumulator)
	require.NoError(t, err)
	data := []byte("exchange batch")
	proof, err := rollupsProver(t).Prove(protocol.BatchCommitment{
		ChainID: apptest.ChainID, RollupID: id, BatchIndex: r.NextBatchIndex,
		PrevStateRoot: prev, NewStateRoot: mustRoot(t, newRoot), DAHash: protocol.DAHash(data),
		InboxBefore: before, InboxAfter: after, OutboxHash: protocol.OutboxHash(nil),
		Submitter: c.operator.Address,
	})
	require.NoError(t, err)
	outbox, err := protocol.EncodeOutbox(nil)
	require.NoError(t, err)
	return &rollupstypes.MsgSubmitBatch{
		Submitter: c.operator.Address.String(), RollupId: id, BatchIndex: r.NextBatchIndex,
		NewStateRoot: newRoot, Data: data, InboxConsumed: consume, Outbox: outbox, Proof: proof,
	}
}

// exitMsg is the exodus message of the account at index of s, signed by
// key, paying recipient; sender submits it.
func exitMsg(s *exchangev1test.State, index uint64, key exchangev1test.Signer, sender, recipient *apptest.Account) *crossrolluptypes.MsgExodusWithdraw {
	c := s.Claim(index, key, apptest.ChainID, exchangeID, recipient.Address)
	return &crossrolluptypes.MsgExodusWithdraw{
		Sender: sender.Address.String(), RollupId: exchangeID, StateRoot: s.Root(), LeafIndex: c.LeafIndex,
		Account: c.Account, Balance: c.Balance.String(), Nonce: c.Nonce, Siblings: c.Siblings,
		Recipient: recipient.Address.String(), Signature: c.Signature,
		QuoteBalance: c.Quote.String(), Shares: c.Shares.String(),
		PoolReserveBase: c.PoolReserveBase.String(), PoolReserveQuote: c.PoolReserveQuote.String(), PoolTotalShares: c.PoolTotalShares.String(),
	}
}

// requireExchangeEscrow checks escrow == ledgers + pending + accrued, and
// that the escrow holds exactly the exchange rollup's two ledgers (it is
// the only rollup).
func requireExchangeEscrow(t *testing.T, c rollupsChain, base, quote int64) {
	t.Helper()
	requireLedgerOf(t, c, exchangeID, app.BondDenom, base)
	requireLedgerOf(t, c, exchangeID, usdc, quote)
	requireLedgerOf(t, c, exchangeID, thirdDenom, 0)
	escrow, ledgers, pending, accrued, err := c.App.CrossRollupKeeper.EscrowInvariant(c.Context())
	require.NoError(t, err)
	require.Equal(t, escrow.String(), ledgers.Add(pending...).Add(accrued...).String())
	held := c.App.BankKeeper.GetAllBalances(c.Context(), authtypes.NewModuleAddress(crossrolluptypes.ModuleName))
	require.Equal(t, sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, base), sdk.NewInt64Coin(usdc, quote)).String(), held.String())
}

func TestExchangeRollup_DepositsBothDenomsAndExodusPaysBoth(t *testing.T) {
	c := exchangeChain(t)
	lp, plain, otherLP := exchangev1test.NewSigner(101), exchangev1test.NewSigner(202), exchangev1test.NewSigner(303)
	l2 := []byte("l2-exchange-trader-000000000000")
	deposit := func(coin sdk.Coin) []byte {
		return c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{
			Sender: c.admin.Address.String(), RollupId: exchangeID, L2Recipient: l2, Amount: coin,
		})
	}

	// Deposits in both held denoms are taken.
	res := c.NextBlock(deposit(sdk.NewInt64Coin(app.BondDenom, 10_000_000)), deposit(sdk.NewInt64Coin(usdc, 30_000_000)))
	requireTxOK(t, res.TxResults[0])
	requireTxOK(t, res.TxResults[1])
	require.Equal(t, uint64(2), c.rollup(t, exchangeID).InboxSize)
	requireExchangeEscrow(t, c, 10_000_000, 30_000_000)

	// A third denom is refused and changes nothing.
	adminAtom := c.App.BankKeeper.GetBalance(c.Context(), c.admin.Address, thirdDenom)
	res = c.NextBlock(deposit(sdk.NewInt64Coin(thirdDenom, 1_000_000)))
	requireTxFailedWith(t, res.TxResults[0], rollupstypes.ErrDenomNotHeld)
	require.Equal(t, adminAtom.String(), c.App.BankKeeper.GetBalance(c.Context(), c.admin.Address, thirdDenom).String())
	require.Equal(t, uint64(2), c.rollup(t, exchangeID).InboxSize)
	requireExchangeEscrow(t, c, 10_000_000, 30_000_000)

	// One batch consumes both deposits and posts the exchange state.
	l2State := exchangeL2State(lp, plain, otherLP)
	res = c.NextBlock(c.SignTx(c.operator, exchangeBatch(t, c, exchangeID, l2State.Root(), 2)))
	requireTxOK(t, res.TxResults[0])
	require.Equal(t, l2State.Root(), c.rollup(t, exchangeID).StateRoot)

	// A forced transaction the operator ignores freezes the rollup.
	c.freeze(t, c.outsider, exchangeID, exchangeDeadline)
	requireExchangeEscrow(t, c, 10_000_000, 30_000_000)

	// The LP exits to the outsider, the plain account to the admin; the
	// operator submits and pays the fees of both.
	balances := func(a *apptest.Account) (int64, int64) {
		return c.App.BankKeeper.GetBalance(c.Context(), a.Address, app.BondDenom).Amount.Int64(),
			c.App.BankKeeper.GetBalance(c.Context(), a.Address, usdc).Amount.Int64()
	}
	outBase, outQuote := balances(c.outsider)
	adminBase, adminQuote := balances(c.admin)
	res = c.NextBlock(
		c.SignTx(c.operator, exitMsg(l2State, exLPIndex, lp, c.operator, c.outsider)),
		c.SignTx(c.operator, exitMsg(l2State, exPlainIndex, plain, c.operator, c.admin)),
	)
	requireTxOK(t, res.TxResults[0])
	requireTxOK(t, res.TxResults[1])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventExodusWithdrawal"))

	// LP: 1 NAT + 600/1000 of 6 NAT, 2 USDC + 600/1000 of 18 USDC.
	gotBase, gotQuote := balances(c.outsider)
	require.Equal(t, outBase+4_600_000, gotBase)
	require.Equal(t, outQuote+12_800_000, gotQuote)
	// Plain account: its balances.
	gotBase, gotQuote = balances(c.admin)
	require.Equal(t, adminBase+3_000_000, gotBase)
	require.Equal(t, adminQuote+10_000_000, gotQuote)
	// What is left is the other LP's 400 shares of the pool.
	requireExchangeEscrow(t, c, 2_400_000, 7_200_000)

	// The LP's leaf is paid once.
	res = c.NextBlock(c.SignTx(c.operator, exitMsg(l2State, exLPIndex, lp, c.operator, c.outsider)))
	requireTxFailedWith(t, res.TxResults[0], crossrolluptypes.ErrAlreadyExited)
	// A forged pool record (the other LP claiming a bigger quote reserve)
	// is refused.
	forged := exitMsg(l2State, exOtherLPIndex, otherLP, c.operator, c.outsider)
	forged.PoolReserveQuote = strconv.Itoa(30_000_000)
	res = c.NextBlock(c.SignTx(c.operator, forged))
	requireTxFailedWith(t, res.TxResults[0], crossrolluptypes.ErrInvalidExitProof)
	requireExchangeEscrow(t, c, 2_400_000, 7_200_000)

	// The other LP's true claim takes exactly what is left.
	res = c.NextBlock(c.SignTx(c.operator, exitMsg(l2State, exOtherLPIndex, otherLP, c.operator, c.outsider)))
	requireTxOK(t, res.TxResults[0])
	requireExchangeEscrow(t, c, 0, 0)
}

// Routed value into the exchange rollup: a message in its quote denom from
// a rollup holding that denom is delivered; one in a third denom bounces
// back to its L2 sender, the value staying in the source's ledger.
func TestExchangeRollup_RoutedValueInEitherHeldDenomIsDeliveredAThirdBounces(t *testing.T) {
	c := exchangeChain(t)
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	for i, r := range []struct{ id, denom string }{{"pay-usdc", usdc}, {"pay-atom", thirdDenom}} {
		res := c.NextBlock(c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
			Admin: c.admin.Address.String(), RollupId: r.id, VerifyingKey: rollupsProver(t).VerifyingKey(),
			GenesisStateRoot: elementBytes(uint64(500 + i)), Operators: []string{c.operator.Address.String()}, Bond: params.MinOperatorBond,
			ExitLayout: &rollupstypes.ExitLayout{Name: protocol.ExitLayoutPaymentsV1, Depth: 24, Denom: r.denom},
		}))
		requireTxOK(t, res.TxResults[0])
	}
	l2 := []byte("l2-router-000000000000000000000")
	res := c.NextBlock(
		c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{Sender: c.admin.Address.String(), RollupId: "pay-usdc", L2Recipient: l2, Amount: sdk.NewInt64Coin(usdc, 5_000_000)}),
		c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{Sender: c.admin.Address.String(), RollupId: "pay-atom", L2Recipient: l2, Amount: sdk.NewInt64Coin(thirdDenom, 5_000_000)}),
	)
	requireTxOK(t, res.TxResults[0])
	requireTxOK(t, res.TxResults[1])

	toExchange := func(d string, amount uint64) protocol.OutboxEntry {
		return protocol.OutboxEntry{Kind: protocol.OutboxKindCrossRollupMessage, Sender: l2, Recipient: []byte("l2-pool-000000000000000000000000"),
			DestRollupID: exchangeID, Denom: d, Amount: protocol.NewUint128(amount), Payload: []byte("add liquidity")}
	}
	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "pay-usdc", 2, 1, []protocol.OutboxEntry{toExchange(usdc, 2_000_000)})))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventMessageRouted"))
	requireLedgerOf(t, c, exchangeID, usdc, 2_000_000)
	requireLedgerOf(t, c, "pay-usdc", usdc, 3_000_000)
	require.Equal(t, uint64(1), c.rollup(t, exchangeID).InboxSize)

	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "pay-atom", 3, 1, []protocol.OutboxEntry{toExchange(thirdDenom, 1_000_000)})))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventMessageBounced"))
	requireLedgerOf(t, c, exchangeID, thirdDenom, 0)
	requireLedgerOf(t, c, "pay-atom", thirdDenom, 5_000_000)
	require.Equal(t, uint64(1), c.rollup(t, exchangeID).InboxSize, "nothing in uatom reached the exchange rollup")
	escrow, ledgers, pending, accrued, err := c.App.CrossRollupKeeper.EscrowInvariant(c.Context())
	require.NoError(t, err)
	require.Equal(t, escrow.String(), ledgers.Add(pending...).Add(accrued...).String())
}
