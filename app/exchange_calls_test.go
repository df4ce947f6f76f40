package app_test

import (
	"math/big"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/exchange"
	"github.com/nativechain/nativechain/prover/rollupkit"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Issue 18, "on the chain (value is returned, never lost)": the real
// exchange circuit (depth 4, 2 slots, Groth16 dev keys) on the real app.
// L1 calls carrying value with a swap-call payload are swapped and paid on
// L1, or refunded to their L1 sender when the swap cannot be made; an
// output to a rollup that does not exist or is frozen bounces back into
// the exchange's inbox and is credited there; a denom the pool does not
// hold is refused at the door. After every step the exchange's two ledgers
// equal what its L2 state holds (pool reserves plus account balances, plus
// refunds waiting in its inbox), and the escrow holds exactly the ledgers.

const (
	callsID      = "exch-calls"
	callsFrozen  = "pay-frozen"
	callsMissing = "no-such-rollup"
	callsDepth   = 4
	callsSlots   = 2
	callsTxFee   = 10_000 // apptest's fee per transaction, in unat
	callsPoolB   = 10_000_000
	callsPoolQ   = 30_000_000
	callsValue   = 1_000
	callsFeeBps  = exchange.DefaultFeeBps
)

var (
	callsProverOnce sync.Once
	callsProver     *exchange.Prover
	callsProverErr  error
)

func callsParams() exchange.Params {
	return exchange.Params{Depth: callsDepth, Slots: callsSlots, BaseDenom: app.BondDenom, QuoteDenom: usdc}
}

// exchangeCallsProver compiles the exchange circuit and runs its dev setup
// once per test binary.
func exchangeCallsProver(t *testing.T) *exchange.Prover {
	t.Helper()
	callsProverOnce.Do(func() { callsProver, callsProverErr = exchange.NewDevProver(callsParams()) })
	require.NoError(t, callsProverErr)
	return callsProver
}

type callsFixture struct {
	c        rollupsChain
	st       *exchange.State
	lp       *exchange.PrivateKey
	trader   *exchange.PrivateKey // the calls' L2 recipient: the sender of their outputs
	caller   *apptest.Account     // the L1 sender of the calls
	payee    *apptest.Account     // A, the L1 recipient of the swaps' outputs
	escrowAt sdk.AccAddress
}

// newCallsFixture starts the app with users holding unat, uusdc and uatom,
// registers the exchange rollup with the real circuit's key and a
// payments-v1 rollup holding uusdc (test circuit) that it freezes, and
// seeds the pool with 10 NAT / 30 USDC through a proven batch.
func newCallsFixture(t *testing.T) *callsFixture {
	t.Helper()
	prover := exchangeCallsProver(t)
	vk, err := prover.VerifyingKeyBytes()
	require.NoError(t, err)

	genesis, accounts := twoTokenGenesis(t)

	ch := apptest.NewChain(t, genesis, accounts)
	c := rollupsChain{Chain: ch, admin: ch.Accounts[0], operator: ch.Accounts[1], outsider: ch.Accounts[2]}
	st, err := exchange.OpenState(dbm.NewMemDB(), callsParams())
	require.NoError(t, err)
	empty, err := st.Root()
	require.NoError(t, err)
	require.Equal(t, exchangev1.EmptyRoot(callsDepth, exchangev1.Pair{Base: app.BondDenom, Quote: usdc}), empty)
	f := &callsFixture{c: c, st: st, lp: exchange.NewPrivateKey([32]byte{0x18, 1}), trader: exchange.NewPrivateKey([32]byte{0x18, 2}),
		caller: c.outsider, payee: c.admin, escrowAt: authtypes.NewModuleAddress(crossrolluptypes.ModuleName)}

	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	res := c.NextBlock(
		c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
			Admin: c.admin.Address.String(), RollupId: callsID, VerifyingKey: vk,
			GenesisStateRoot: protocol.StateRootBytes(empty), Operators: []string{c.operator.Address.String()}, Bond: params.MinOperatorBond,
			ExitLayout: &rollupstypes.ExitLayout{Name: protocol.ExitLayoutExchangeV1, Depth: callsDepth, Denom: app.BondDenom, QuoteDenom: usdc},
		}),
		c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
			Admin: c.admin.Address.String(), RollupId: callsFrozen, VerifyingKey: rollupsProver(t).VerifyingKey(),
			GenesisStateRoot: elementBytes(777), Operators: []string{c.operator.Address.String()}, Bond: params.MinOperatorBond,
			ExitLayout: &rollupstypes.ExitLayout{Name: protocol.ExitLayoutPaymentsV1, Depth: 24, Denom: usdc},
		}))
	requireTxOK(t, res.TxResults[0])
	requireTxOK(t, res.TxResults[1])

	// The payments rollup ignores a forced transaction and freezes (before
	// the exchange has anything in its inbox).
	c.freeze(t, c.admin, callsFrozen, exchangeDeadline)
	require.Equal(t, rollupstypes.ROLLUP_STATUS_ACTIVE, c.rollup(t, callsID).Status)

	// The LP deposits both denoms and adds them all as liquidity.
	res = c.NextBlock(
		c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{Sender: c.admin.Address.String(), RollupId: callsID,
			L2Recipient: f.lp.Public.Address(), Amount: sdk.NewInt64Coin(app.BondDenom, callsPoolB)}),
		c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{Sender: c.admin.Address.String(), RollupId: callsID,
			L2Recipient: f.lp.Public.Address(), Amount: sdk.NewInt64Coin(usdc, callsPoolQ)}))
	requireTxOK(t, res.TxResults[0])
	requireTxOK(t, res.TxResults[1])
	add := exchange.Tx{Kind: exchange.KindAdd, Account: 0, Amount1: big.NewInt(callsPoolB), Amount2: big.NewInt(callsPoolQ), Min1: big.NewInt(1)}
	add.Sign(f.lp, apptest.ChainID, callsID, callsParams())
	b, _ := f.batch(t) // two slots: the deposits, then the add
	require.Equal(t, uint64(2), b.InboxConsumed)
	b, _ = f.batch(t, add)
	require.Equal(t, []int{0}, b.Included)
	pool, err := f.st.Pool()
	require.NoError(t, err)
	require.Equal(t, int64(callsPoolB), pool.ReserveBase.Int64())
	require.Equal(t, int64(callsPoolQ), pool.ReserveQuote.Int64())
	f.requireConserved(t, 0, 0)
	return f
}

// batch builds the exchange's next batch from its unconsumed inbox and txs
// (native state), proves it with the real circuit and submits it with its
// outbox; the batch must be accepted.
func (f *callsFixture) batch(t *testing.T, txs ...exchange.Tx) (*rollupkit.Batch, *abci.ExecTxResult) {
	t.Helper()
	c := f.c
	r := c.rollup(t, callsID)
	before, err := protocol.ParseFieldElement(r.ConsumedAccumulator)
	require.NoError(t, err)
	entries := c.pendingInbox(t, callsID)
	b, err := f.st.BuildBatch(rollupkit.BatchContext{
		ChainID: apptest.ChainID, RollupID: callsID, BatchIndex: r.NextBatchIndex,
		Submitter: c.operator.Address, InboxBefore: before,
	}, entries, txs)
	require.NoError(t, err)
	require.Empty(t, b.Rejected)
	require.Equal(t, uint64(len(entries)), b.InboxConsumed, "every pending entry fits the batch")
	proof, err := exchangeCallsProver(t).Prove(b)
	require.NoError(t, err)
	outbox, err := b.EncodedOutbox()
	require.NoError(t, err)
	res := c.NextBlock(c.SignTx(c.operator, &rollupstypes.MsgSubmitBatch{
		Submitter: c.operator.Address.String(), RollupId: callsID, BatchIndex: r.NextBatchIndex,
		NewStateRoot: protocol.StateRootBytes(b.NewRoot), Data: b.Data, InboxConsumed: b.InboxConsumed,
		Outbox: outbox, Proof: proof, L2TxCount: b.Commitment.L2TxCount,
	}))
	requireTxOK(t, res.TxResults[0])
	after := c.rollup(t, callsID)
	require.Equal(t, protocol.StateRootBytes(b.NewRoot), after.StateRoot)
	require.Equal(t, r.NextBatchIndex+1, after.NextBatchIndex)
	return b, res.TxResults[0]
}

// call is caller's L1 call to the exchange carrying value, its L2
// recipient the trader's key.
func (f *callsFixture) call(value sdk.Coin, payload []byte) *crossrolluptypes.MsgSendMessage {
	return &crossrolluptypes.MsgSendMessage{Sender: f.caller.Address.String(), RollupId: callsID,
		L2Recipient: f.trader.Public.Address(), Payload: payload, Amount: &value}
}

func (f *callsFixture) swapPayload(t *testing.T, minOut int64, dest string, recipient []byte) []byte {
	t.Helper()
	p, err := exchangev1.NewSwapCall(usdc, big.NewInt(minOut), dest, recipient).Encode()
	require.NoError(t, err)
	return p
}

// quoteOut is the pool's price for x unat now, by the spec's formula.
func (f *callsFixture) quoteOut(t *testing.T, x int64) int64 {
	t.Helper()
	pool, err := f.st.Pool()
	require.NoError(t, err)
	xf := new(big.Int).Mul(big.NewInt(x), big.NewInt(10_000-callsFeeBps))
	num := new(big.Int).Mul(xf, pool.ReserveQuote)
	den := new(big.Int).Add(new(big.Int).Mul(pool.ReserveBase, big.NewInt(10_000)), xf)
	return new(big.Int).Quo(num, den).Int64()
}

// snapshot is what the test watches on L1, per denom.
type callsSnapshot struct {
	caller, payee, escrow, ledger map[string]int64
}

func (f *callsFixture) snapshot(t *testing.T) callsSnapshot {
	t.Helper()
	s := callsSnapshot{map[string]int64{}, map[string]int64{}, map[string]int64{}, map[string]int64{}}
	for _, d := range []string{app.BondDenom, usdc, thirdDenom} {
		s.caller[d] = f.c.App.BankKeeper.GetBalance(f.c.Context(), f.caller.Address, d).Amount.Int64()
		s.payee[d] = f.c.App.BankKeeper.GetBalance(f.c.Context(), f.payee.Address, d).Amount.Int64()
		s.escrow[d] = f.c.App.BankKeeper.GetBalance(f.c.Context(), f.escrowAt, d).Amount.Int64()
		l, err := f.c.App.CrossRollupKeeper.Ledger(f.c.Context(), callsID, d)
		require.NoError(t, err)
		s.ledger[d] = l.Int64()
	}
	return s
}

// requireMoved checks the change of every watched balance since s, per
// denom (unat deltas are given before the caller's tx fees, added here),
// and that value is conserved: what the caller, A and the escrow hold
// together changed by the fees alone.
func (f *callsFixture) requireMoved(t *testing.T, s callsSnapshot, callerTxs int64, caller, payee, ledger map[string]int64) {
	t.Helper()
	now := f.snapshot(t)
	for _, d := range []string{app.BondDenom, usdc, thirdDenom} {
		fee := int64(0)
		if d == app.BondDenom {
			fee = callsTxFee * callerTxs
		}
		require.Equal(t, s.caller[d]+caller[d]-fee, now.caller[d], "caller's %s", d)
		require.Equal(t, s.payee[d]+payee[d], now.payee[d], "A's %s", d)
		require.Equal(t, s.ledger[d]+ledger[d], now.ledger[d], "exchange's ledger of %s", d)
		require.Equal(t, now.ledger[d], now.escrow[d], "the escrow holds the exchange's ledger of %s (no other rollup holds value)", d)
		require.Equal(t, s.caller[d]+s.payee[d]+s.escrow[d]-fee, now.caller[d]+now.payee[d]+now.escrow[d], "%s conserved", d)
	}
}

// exchangeHoldings is what the exchange's L2 state holds per denom: the
// pool's reserves plus every account's balances.
func exchangeHoldings(t *testing.T, st *exchange.State) (base, quote *big.Int) {
	t.Helper()
	pool, err := st.Pool()
	require.NoError(t, err)
	base, quote = new(big.Int).Set(pool.ReserveBase), new(big.Int).Set(pool.ReserveQuote)
	for i := uint32(0); i < 1<<callsDepth; i++ {
		a, err := st.Account(i)
		require.NoError(t, err)
		if a.Base != nil {
			base.Add(base, a.Base)
		}
		if a.Quote != nil {
			quote.Add(quote, a.Quote)
		}
	}
	return base, quote
}

// requireConserved checks the ledgers against the exchange's L2 state: the
// pool's reserves plus every account's balances, plus the value of the
// entries waiting in its inbox (pendingBase unat, pendingQuote uusdc);
// and the escrow invariant.
func (f *callsFixture) requireConserved(t *testing.T, pendingBase, pendingQuote int64) {
	t.Helper()
	base, quote := exchangeHoldings(t, f.st)
	base.Add(base, big.NewInt(pendingBase))
	quote.Add(quote, big.NewInt(pendingQuote))
	requireLedgerOf(t, f.c, callsID, app.BondDenom, base.Int64())
	requireLedgerOf(t, f.c, callsID, usdc, quote.Int64())
	requireLedgerOf(t, f.c, callsID, thirdDenom, 0)
	for _, d := range []string{app.BondDenom, usdc} {
		requireLedgerOf(t, f.c, callsFrozen, d, 0)
	}
	escrow, ledgers, pending, accrued, err := f.c.App.CrossRollupKeeper.EscrowInvariant(f.c.Context())
	require.NoError(t, err)
	require.Equal(t, escrow.String(), ledgers.Add(pending...).Add(accrued...).String())
}

// traderQuote is the uusdc the trader's exchange account holds (0 if it
// has none).
func (f *callsFixture) traderQuote(t *testing.T) int64 {
	return exchangeQuoteOf(t, f.st, f.trader.Public)
}

// exchangeQuoteOf is the uusdc key's exchange account holds in st (0 if
// it has none).
func exchangeQuoteOf(t *testing.T, st *exchange.State, key exchange.PublicKey) int64 {
	t.Helper()
	idx, ok, err := st.IndexOf(key)
	require.NoError(t, err)
	if !ok {
		return 0
	}
	a, err := st.Account(idx)
	require.NoError(t, err)
	return a.Quote.Int64()
}

func TestExchangeCalls(t *testing.T) {
	if testing.Short() {
		t.Skip("the exchange circuit's Groth16 setup and proofs take about a minute")
	}
	f := newCallsFixture(t)
	c := f.c
	unat := func(v int64) map[string]int64 { return map[string]int64{app.BondDenom: v} }
	quote := func(v int64) map[string]int64 { return map[string]int64{usdc: v} }
	both := func(b, q int64) map[string]int64 { return map[string]int64{app.BondDenom: b, usdc: q} }
	none := map[string]int64{}

	t.Run("swap paid to L1", func(t *testing.T) {
		s := f.snapshot(t)
		out := f.quoteOut(t, callsValue)
		require.Equal(t, int64(2990), out, "1,000 unat at 3 uusdc each, less the 0.3% LP fee, rounded down")
		res := c.NextBlock(c.SignTx(f.caller, f.call(sdk.NewInt64Coin(app.BondDenom, callsValue), f.swapPayload(t, out, "", f.payee.Address))))
		requireTxOK(t, res.TxResults[0])
		f.requireMoved(t, s, 1, unat(-callsValue), none, unat(callsValue))
		f.requireConserved(t, callsValue, 0)

		b, res2 := f.batch(t)
		recs, err := exchange.DecodeData(b.Data)
		require.NoError(t, err)
		require.Equal(t, exchange.KindCallSwap, recs[0].Kind)
		require.Len(t, b.Outbox, 1)
		require.Equal(t, protocol.OutboxKindWithdrawal, b.Outbox[0].Kind)
		require.True(t, hasEvent(res2, "nativechain.crossrollup.v1.EventWithdrawal"))
		f.requireMoved(t, s, 1, unat(-callsValue), quote(out), both(callsValue, -out))
		f.requireConserved(t, 0, 0)
		pool, err := f.st.Pool()
		require.NoError(t, err)
		require.Equal(t, int64(callsPoolB+callsValue), pool.ReserveBase.Int64())
		require.Equal(t, int64(callsPoolQ-out), pool.ReserveQuote.Int64())
	})

	// refunded runs a call whose swap the exchange cannot make: its batch
	// refunds the value to the L1 sender, and nothing else moves.
	refunded := func(t *testing.T, msg *crossrolluptypes.MsgSendMessage) {
		s := f.snapshot(t)
		pool0, err := f.st.Pool()
		require.NoError(t, err)
		res := c.NextBlock(c.SignTx(f.caller, msg))
		requireTxOK(t, res.TxResults[0])
		f.requireMoved(t, s, 1, unat(-callsValue), none, unat(callsValue))
		f.requireConserved(t, callsValue, 0)

		b, res2 := f.batch(t)
		recs, err := exchange.DecodeData(b.Data)
		require.NoError(t, err)
		require.Equal(t, exchange.KindRefund, recs[0].Kind)
		require.Len(t, b.Outbox, 1)
		e := b.Outbox[0]
		require.Equal(t, protocol.OutboxKindWithdrawal, e.Kind)
		require.Equal(t, msg.L2Recipient, e.Sender)
		require.Equal(t, []byte(f.caller.Address), e.Recipient, "back to the L1 sender")
		require.Equal(t, app.BondDenom, e.Denom)
		require.Equal(t, strconv.Itoa(callsValue), e.Amount.BigInt().String())
		require.True(t, hasEvent(res2, "nativechain.crossrollup.v1.EventWithdrawal"))
		f.requireMoved(t, s, 1, none, none, none)
		f.requireConserved(t, 0, 0)
		pool, err := f.st.Pool()
		require.NoError(t, err)
		require.Equal(t, pool0.ReserveBase.String(), pool.ReserveBase.String())
		require.Equal(t, pool0.ReserveQuote.String(), pool.ReserveQuote.String())
	}
	t.Run("slippage not met is refunded", func(t *testing.T) {
		out := f.quoteOut(t, callsValue)
		refunded(t, f.call(sdk.NewInt64Coin(app.BondDenom, callsValue), f.swapPayload(t, out+1, "", f.payee.Address)))
	})
	t.Run("payload that does not decode is refunded", func(t *testing.T) {
		bad := f.swapPayload(t, 1, "", f.payee.Address)
		bad[0] = 2 // version
		refunded(t, f.call(sdk.NewInt64Coin(app.BondDenom, callsValue), bad))
		refunded(t, f.call(sdk.NewInt64Coin(app.BondDenom, callsValue), []byte("swap 1000 unat for uusdc please")))
	})
	t.Run("call whose L2 recipient is not an exchange key is refunded", func(t *testing.T) {
		// the output's sender would be an address the exchange cannot
		// credit, so a bounce of it could not come to rest (R6-1)
		msg := f.call(sdk.NewInt64Coin(app.BondDenom, callsValue), f.swapPayload(t, 1, "", f.payee.Address))
		msg.L2Recipient = []byte("not-an-exchange-key")
		refunded(t, msg)
	})

	// bounced runs a call whose output goes to recipient on dest (L1 if
	// empty), which cannot take it: the chain returns the output into the
	// exchange's inbox (kind 5, to the trader's key, from source) and the
	// next batch credits it there.
	bounced := func(t *testing.T, dest string, recipient []byte, event, source string) {
		s := f.snapshot(t)
		held := f.traderQuote(t)
		out := f.quoteOut(t, callsValue)
		res := c.NextBlock(c.SignTx(f.caller, f.call(sdk.NewInt64Coin(app.BondDenom, callsValue), f.swapPayload(t, 1, dest, recipient))))
		requireTxOK(t, res.TxResults[0])
		b, res2 := f.batch(t)
		recs, err := exchange.DecodeData(b.Data)
		require.NoError(t, err)
		require.Equal(t, exchange.KindCallSwap, recs[0].Kind)
		require.Len(t, b.Outbox, 1)
		require.Equal(t, dest, b.Outbox[0].DestRollupID)
		require.True(t, hasEvent(res2, event))
		require.False(t, hasEvent(res2, "nativechain.crossrollup.v1.EventMessageRouted"))
		require.False(t, hasEvent(res2, "nativechain.crossrollup.v1.EventWithdrawal"))
		// the uusdc left the pool but not the ledger: it waits in the inbox
		f.requireMoved(t, s, 1, unat(-callsValue), none, unat(callsValue))
		f.requireConserved(t, 0, out)
		r := c.rollup(t, callsID)
		require.Equal(t, r.InboxConsumed+1, r.InboxSize)
		refund, err := c.App.RollupsKeeper.GetInboxMessage(c.Context(), callsID, r.InboxSize-1)
		require.NoError(t, err)
		require.Equal(t, uint32(protocol.InboxKindRefund), refund.Kind)
		require.Equal(t, f.trader.Public.Address(), refund.Recipient)
		require.Equal(t, usdc, refund.Denom)
		require.Equal(t, strconv.FormatInt(out, 10), refund.Amount)
		require.Equal(t, source, refund.SourceRollupId)

		b, _ = f.batch(t)
		recs, err = exchange.DecodeData(b.Data)
		require.NoError(t, err)
		require.Equal(t, exchange.KindCredit, recs[0].Kind)
		require.Empty(t, b.Outbox)
		require.Equal(t, held+out, f.traderQuote(t), "the trader's exchange account is credited the output")
		f.requireMoved(t, s, 1, unat(-callsValue), none, unat(callsValue))
		f.requireConserved(t, 0, 0)
	}
	const bouncedEvent = "nativechain.crossrollup.v1.EventMessageBounced"
	to := []byte("l2-recipient-on-the-destination")
	t.Run("output to a rollup that does not exist bounces and is credited", func(t *testing.T) {
		_, err := c.App.RollupsKeeper.GetRollup(c.Context(), callsMissing)
		require.Error(t, err)
		bounced(t, callsMissing, to, bouncedEvent, callsMissing)
	})
	t.Run("output to a frozen rollup bounces and is credited", func(t *testing.T) {
		require.Equal(t, rollupstypes.ROLLUP_STATUS_FROZEN, c.rollup(t, callsFrozen).Status)
		bounced(t, callsFrozen, to, bouncedEvent, callsFrozen)
		require.Equal(t, uint64(1), c.rollup(t, callsFrozen).InboxSize, "only its forced transaction")
	})
	t.Run("output to an L1 address the bank blocks is returned and credited", func(t *testing.T) {
		bounced(t, "", f.escrowAt, "nativechain.crossrollup.v1.EventWithdrawalRefunded", callsID)
	})

	t.Run("a denom the pool does not hold is refused", func(t *testing.T) {
		s := f.snapshot(t)
		size := c.rollup(t, callsID).InboxSize
		res := c.NextBlock(c.SignTx(f.caller, f.call(sdk.NewInt64Coin(thirdDenom, callsValue), f.swapPayload(t, 1, "", f.payee.Address))))
		requireTxFailedWith(t, res.TxResults[0], rollupstypes.ErrDenomNotHeld)
		f.requireMoved(t, s, 1, none, none, none)
		require.Equal(t, size, c.rollup(t, callsID).InboxSize, "no inbox entry")
		require.True(t, c.App.BankKeeper.GetBalance(c.Context(), f.escrowAt, thirdDenom).IsZero(), "nothing escrowed")
		f.requireConserved(t, 0, 0)
	})
}
