package app_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/protocol/syncv1"
	"github.com/nativechain/nativechain/prover/exchange"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/rollupkit"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// Issue 19 (docs/spec/sync-calls.md sections 1, 4, 6) on the real app with
// the real circuits: a user on a payments rollup in unat swaps through the
// exchange rollup (unat/uusdc) onto a payments rollup in uusdc, and the
// three batches land in ONE MsgSubmitBundle. The exchange's batch is proven
// before the caller's batch lands, on inbox entries predicted natively
// (syncv1.Predictor); the destination's batch likewise on the exchange's
// outputs. Each batch is also valid alone once the batches before it have
// landed, which is what the fallback relies on.

const (
	syncCaller   = "pay-unat"  // the caller: payments-v1 in unat
	syncExchange = "exch-sync" // the exchange: unat/uusdc
	syncDest     = "pay-usdc"  // the destination: payments-v1 in uusdc
	syncPayDepth = 4
	syncPaySlots = 2
	syncDeposit  = 5_000 // unat the user deposits on the caller
	syncValue    = 1_000 // unat the user swaps
	syncOut      = 2990  // uusdc the pool pays for 1,000 unat (10 NAT / 30 USDC, 0.3% fee)
)

var (
	syncProversOnce    sync.Once
	syncPayU, syncPayQ *payments.Prover
	syncProversErr     error
)

func syncPayParams(denom string) payments.Params {
	return payments.Params{Depth: syncPayDepth, Slots: syncPaySlots, Denom: denom}
}

// syncPaymentsProvers compiles the two payments circuits (the denom is a
// constant of the circuit) and runs their dev setups once per test binary.
func syncPaymentsProvers(t *testing.T) (*payments.Prover, *payments.Prover) {
	t.Helper()
	syncProversOnce.Do(func() {
		if syncPayU, syncProversErr = payments.NewDevProver(syncPayParams(app.BondDenom)); syncProversErr != nil {
			return
		}
		syncPayQ, syncProversErr = payments.NewDevProver(syncPayParams(usdc))
	})
	require.NoError(t, syncProversErr)
	return syncPayU, syncPayQ
}

type syncFixture struct {
	c        rollupsChain
	ex       *exchange.State
	payU     *payments.State // the caller's L2 state
	payQ     *payments.State // the destination's L2 state
	lp       *exchange.PrivateKey
	trader   *exchange.PrivateKey // the call's recipient on the exchange: the output's sender, where a bounce comes to rest
	alice    *payments.PrivateKey // the user on the caller
	recv     *payments.PrivateKey // R, the output's recipient on the destination
	aliceIdx uint32
	nonce    uint32
	seedMsg  *rollupstypes.MsgSubmitBatch // the exchange's pool-seeding batch: a well-formed proof of another statement
	escrowAt sdk.AccAddress
}

// twoTokenGenesis is the default genesis with uusdc and uatom given to
// every user and inbox deadlines of exchangeDeadline blocks (the exchange's
// app tests).
func twoTokenGenesis(t *testing.T) ([]byte, []*apptest.Account) {
	t.Helper()
	genesis, accounts := apptest.NewGenesis(t, 3)
	genesis = withModuleParam(t, genesis, rollupstypes.ModuleName, "inbox_deadline_blocks", strconv.Itoa(exchangeDeadline))
	var state map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(genesis, &state))
	var bank banktypes.GenesisState
	require.NoError(t, json.Unmarshal(state[banktypes.ModuleName], &bank))
	funded := sdk.NewCoins(sdk.NewCoin(usdc, apptest.InitialBalance), sdk.NewCoin(thirdDenom, apptest.InitialBalance))
	users := map[string]bool{}
	for _, a := range accounts {
		users[a.Address.String()] = true
	}
	for i := range bank.Balances {
		if users[bank.Balances[i].Address] {
			bank.Balances[i].Coins = bank.Balances[i].Coins.Add(funded...)
		}
	}
	if !bank.Supply.IsZero() {
		for _, c := range funded {
			bank.Supply = bank.Supply.Add(sdk.NewCoin(c.Denom, c.Amount.MulRaw(int64(len(accounts)))))
		}
	}
	bz, err := json.Marshal(&bank)
	require.NoError(t, err)
	state[banktypes.ModuleName] = bz
	genesis, err = json.Marshal(state)
	require.NoError(t, err)
	return genesis, accounts
}

// newSyncFixture registers the three rollups with their real circuits'
// keys, seeds the pool with 10 NAT / 30 USDC and gives the user 5,000 unat
// on the caller, each through proven batches.
func newSyncFixture(t *testing.T) *syncFixture {
	t.Helper()
	exVK, err := exchangeCallsProver(t).VerifyingKeyBytes()
	require.NoError(t, err)
	pu, pq := syncPaymentsProvers(t)
	uVK, err := pu.VerifyingKeyBytes()
	require.NoError(t, err)
	qVK, err := pq.VerifyingKeyBytes()
	require.NoError(t, err)

	genesis, accounts := twoTokenGenesis(t)
	ch := apptest.NewChain(t, genesis, accounts)
	c := rollupsChain{Chain: ch, admin: ch.Accounts[0], operator: ch.Accounts[1], outsider: ch.Accounts[2]}
	f := &syncFixture{c: c, lp: exchange.NewPrivateKey([32]byte{0x19, 1}), trader: exchange.NewPrivateKey([32]byte{0x19, 2}),
		alice: payments.NewPrivateKey([32]byte{0x19, 3}), recv: payments.NewPrivateKey([32]byte{0x19, 4}),
		escrowAt: authtypes.NewModuleAddress(crossrolluptypes.ModuleName)}
	f.ex, err = exchange.OpenState(dbm.NewMemDB(), callsParams())
	require.NoError(t, err)
	f.payU, err = payments.OpenState(dbm.NewMemDB(), syncPayParams(app.BondDenom))
	require.NoError(t, err)
	f.payQ, err = payments.OpenState(dbm.NewMemDB(), syncPayParams(usdc))
	require.NoError(t, err)
	exRoot, err := f.ex.Root()
	require.NoError(t, err)
	uRoot, err := f.payU.Root()
	require.NoError(t, err)
	qRoot, err := f.payQ.Root()
	require.NoError(t, err)

	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	register := func(id string, vk []byte, root []byte, layout *rollupstypes.ExitLayout) []byte {
		return c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
			Admin: c.admin.Address.String(), RollupId: id, VerifyingKey: vk, GenesisStateRoot: root,
			Operators: []string{c.operator.Address.String()}, Bond: params.MinOperatorBond, ExitLayout: layout,
		})
	}
	res := c.NextBlock(
		register(syncCaller, uVK, protocol.StateRootBytes(uRoot),
			&rollupstypes.ExitLayout{Name: protocol.ExitLayoutPaymentsV1, Depth: syncPayDepth, Denom: app.BondDenom}),
		register(syncExchange, exVK, protocol.StateRootBytes(exRoot),
			&rollupstypes.ExitLayout{Name: protocol.ExitLayoutExchangeV1, Depth: callsDepth, Denom: app.BondDenom, QuoteDenom: usdc}),
		register(syncDest, qVK, protocol.StateRootBytes(qRoot),
			&rollupstypes.ExitLayout{Name: protocol.ExitLayoutPaymentsV1, Depth: syncPayDepth, Denom: usdc}))
	for _, r := range res.TxResults {
		requireTxOK(t, r)
	}

	deposit := func(id string, to []byte, coin sdk.Coin) []byte {
		return c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{Sender: c.admin.Address.String(), RollupId: id, L2Recipient: to, Amount: coin})
	}
	res = c.NextBlock(
		deposit(syncExchange, f.lp.Public.Address(), sdk.NewInt64Coin(app.BondDenom, callsPoolB)),
		deposit(syncExchange, f.lp.Public.Address(), sdk.NewInt64Coin(usdc, callsPoolQ)),
		deposit(syncCaller, f.alice.Public.Address(), sdk.NewInt64Coin(app.BondDenom, syncDeposit)))
	for _, r := range res.TxResults {
		requireTxOK(t, r)
	}
	// the exchange: the deposits, then the add
	eb, msg := f.exBatch(t, f.c.pendingInbox(t, syncExchange))
	require.Equal(t, uint64(2), eb.InboxConsumed)
	f.deliver(t, msg)
	add := exchange.Tx{Kind: exchange.KindAdd, Account: 0, Amount1: big.NewInt(callsPoolB), Amount2: big.NewInt(callsPoolQ), Min1: big.NewInt(1)}
	add.Sign(f.lp, apptest.ChainID, syncExchange, callsParams())
	eb, f.seedMsg = f.exBatch(t, nil, add)
	require.Equal(t, []int{0}, eb.Included)
	f.deliver(t, f.seedMsg)
	// the caller: the user's deposit opens her account
	kb, msg := f.payBatch(t, syncCaller, f.c.pendingInbox(t, syncCaller))
	require.Equal(t, uint64(1), kb.InboxConsumed)
	f.deliver(t, msg)
	idx, ok, err := f.payU.IndexOf(f.alice.Public)
	require.NoError(t, err)
	require.True(t, ok)
	f.aliceIdx = idx
	require.Equal(t, int64(syncDeposit), f.payBalance(t, f.payU, f.alice))
	f.requireConserved(t, 0, 0)
	return f
}

func (f *syncFixture) batchContext(t *testing.T, id string) rollupkit.BatchContext {
	t.Helper()
	r := f.c.rollup(t, id)
	before, err := protocol.ParseFieldElement(r.ConsumedAccumulator)
	require.NoError(t, err)
	return rollupkit.BatchContext{ChainID: apptest.ChainID, RollupID: id, BatchIndex: r.NextBatchIndex,
		Submitter: f.c.operator.Address, InboxBefore: before}
}

// exBatch builds the exchange's next batch (after the chain's last one) on
// entries, which may include predicted ones not yet on chain, proves it
// with the real circuit and returns its message, not submitted. Every
// entry must be consumed.
func (f *syncFixture) exBatch(t *testing.T, entries []protocol.InboxEntry, txs ...exchange.Tx) (*rollupkit.Batch, *rollupstypes.MsgSubmitBatch) {
	t.Helper()
	b, err := f.ex.BuildBatch(f.batchContext(t, syncExchange), entries, txs)
	require.NoError(t, err)
	require.Empty(t, b.Rejected)
	require.Equal(t, uint64(len(entries)), b.InboxConsumed, "every entry fits the batch")
	proof, err := exchangeCallsProver(t).Prove(b)
	require.NoError(t, err)
	return b, f.msg(t, syncExchange, b.NewRoot, b.Data, b.InboxConsumed, b.Outbox, proof, b.Commitment.L2TxCount)
}

// payBatch does the same for a payments rollup (the caller or the
// destination).
func (f *syncFixture) payBatch(t *testing.T, id string, entries []protocol.InboxEntry, txs ...payments.Tx) (*payments.Batch, *rollupstypes.MsgSubmitBatch) {
	t.Helper()
	st, prover := f.payU, syncPayU
	if id == syncDest {
		st, prover = f.payQ, syncPayQ
	}
	b, err := st.BuildBatch(f.batchContext(t, id), entries, txs)
	require.NoError(t, err)
	require.Empty(t, b.Rejected)
	require.Equal(t, uint64(len(entries)), b.InboxConsumed, "every entry fits the batch")
	proof, err := prover.Prove(b)
	require.NoError(t, err)
	return b, f.msg(t, id, b.NewRoot, b.Data, b.InboxConsumed, b.Outbox, proof, b.Commitment.L2TxCount)
}

func (f *syncFixture) msg(t *testing.T, id string, root fr.Element, data []byte, consumed uint64, outbox []protocol.OutboxEntry, proof []byte, l2Txs uint64) *rollupstypes.MsgSubmitBatch {
	t.Helper()
	enc, err := protocol.EncodeOutbox(outbox)
	require.NoError(t, err)
	return &rollupstypes.MsgSubmitBatch{
		Submitter: f.c.operator.Address.String(), RollupId: id, BatchIndex: f.c.rollup(t, id).NextBatchIndex,
		NewStateRoot: protocol.StateRootBytes(root), Data: data, InboxConsumed: consumed,
		Outbox: enc, Proof: proof, L2TxCount: l2Txs,
	}
}

// deliver submits msg alone in its own block; it must be accepted.
func (f *syncFixture) deliver(t *testing.T, msg *rollupstypes.MsgSubmitBatch) *abci.ExecTxResult {
	t.Helper()
	return f.deliverSigned(t, f.c.SignTx(f.c.operator, msg), msg)
}

// deliverSigned delivers tx, which carries msg alone, in its own block.
func (f *syncFixture) deliverSigned(t *testing.T, tx []byte, msg *rollupstypes.MsgSubmitBatch) *abci.ExecTxResult {
	t.Helper()
	res := f.c.NextBlock(tx)
	requireTxOK(t, res.TxResults[0])
	r := f.c.rollup(t, msg.RollupId)
	require.Equal(t, msg.NewStateRoot, r.StateRoot)
	require.Equal(t, msg.BatchIndex+1, r.NextBatchIndex)
	return res.TxResults[0]
}

// facts are the predictor's facts of the three rollups, read from the chain.
func (f *syncFixture) facts(t *testing.T) []syncv1.RollupFacts {
	t.Helper()
	var out []syncv1.RollupFacts
	for _, id := range []string{syncCaller, syncExchange, syncDest} {
		r := f.c.rollup(t, id)
		paused, err := f.c.App.CrossRollupKeeper.Paused.Has(f.c.Context(), id)
		require.NoError(t, err)
		out = append(out, syncv1.RollupFacts{ID: id, InboxSize: r.InboxSize, InboxAccumulator: r.InboxAccumulator,
			Active: r.Status == rollupstypes.ROLLUP_STATUS_ACTIVE, Paused: paused})
	}
	return out
}

func (f *syncFixture) predictor(t *testing.T) *syncv1.Predictor {
	t.Helper()
	params, err := f.c.App.CrossRollupKeeper.Params.Get(f.c.Context())
	require.NoError(t, err)
	return syncv1.NewPredictor(f.facts(t), params.MaxPayloadBytes)
}

// syncRound is one sync round's three proven batches and the prediction
// they were built on.
type syncRound struct {
	k, e, d   *rollupstypes.MsgSubmitBatch // d nil when the round has no destination batch
	kb, db    *payments.Batch
	eb        *rollupkit.Batch
	pred      *syncv1.Predictor // after k and e
	exTail    []protocol.InboxEntry
	destTail  []protocol.InboxEntry
	exWaiting int // entries already on chain that e consumes before the predicted ones
}

// round has the user sign one send of syncValue unat to the exchange with
// a swap-call payload (out to R on the destination), and builds and
// proves, without submitting anything: the caller's batch k carrying it;
// the exchange's batch e on its waiting inbox plus what k is predicted to
// route there; and, if withDest, the destination's batch d on what e is
// predicted to route there.
func (f *syncFixture) round(t *testing.T, withDest bool) *syncRound {
	t.Helper()
	amt, err := payments.EncodeAmount(big.NewInt(syncValue))
	require.NoError(t, err)
	fee, err := payments.EncodeFee(big.NewInt(0))
	require.NoError(t, err)
	payload, err := exchangev1.NewSwapCall(usdc, big.NewInt(syncOut), syncDest, f.recv.Public.Address()).Encode()
	require.NoError(t, err)
	send := payments.Tx{Kind: payments.KindSend, From: f.aliceIdx, Amount: amt, Fee: fee, Nonce: f.nonce,
		Recipient: f.trader.Public.Address(), DestRollupID: syncExchange, Payload: payload}
	send.Sign(f.alice, paymentsv1.Domain(apptest.ChainID, syncCaller), app.BondDenom)
	f.nonce++

	r := &syncRound{}
	r.kb, r.k = f.payBatch(t, syncCaller, f.c.pendingInbox(t, syncCaller), send)
	require.Equal(t, []int{0}, r.kb.Included)
	require.Len(t, r.kb.Outbox, 1, "the send alone (no fee)")
	require.Equal(t, protocol.OutboxKindCrossRollupMessage, r.kb.Outbox[0].Kind)

	// predict, from the chain's records, what k routes to the exchange
	r.pred = f.predictor(t)
	require.NoError(t, r.pred.Apply(syncCaller, r.kb.Outbox))
	r.exTail = r.pred.Tail(syncExchange)
	require.Len(t, r.exTail, 1)
	exRec := f.c.rollup(t, syncExchange)
	require.Equal(t, exRec.InboxSize, r.exTail[0].Sequence, "the call takes the next position of the exchange's inbox")
	waiting := f.c.pendingInbox(t, syncExchange)
	r.exWaiting = len(waiting)

	// the exchange's batch on the waiting entries and the predicted call,
	// before k lands
	r.eb, r.e = f.exBatch(t, append(waiting, r.exTail...))
	recs, err := exchange.DecodeData(r.eb.Data)
	require.NoError(t, err)
	require.Equal(t, exchange.KindCallSwap, recs[len(waiting)].Kind)
	require.Len(t, r.eb.Outbox, 1)
	require.Equal(t, syncDest, r.eb.Outbox[0].DestRollupID)
	require.Equal(t, strconv.Itoa(syncOut), r.eb.Outbox[0].Amount.BigInt().String())
	if !withDest {
		return r
	}
	require.NoError(t, r.pred.Apply(syncExchange, r.eb.Outbox))
	r.destTail = r.pred.Tail(syncDest)
	require.Len(t, r.destTail, 1)
	r.db, r.d = f.payBatch(t, syncDest, append(f.c.pendingInbox(t, syncDest), r.destTail...))
	require.Equal(t, payments.KindCredit, r.db.Records[len(r.db.Records)-1-countNoops(r.db.Records)].Kind)
	return r
}

// countNoops counts the trailing no-op records of a payments batch.
func countNoops(recs []payments.Record) int {
	n := 0
	for i := len(recs) - 1; i >= 0 && recs[i].Kind == payments.KindNoop; i-- {
		n++
	}
	return n
}

// payBalance is the L2 balance of key's account on a payments state (0 if
// it has none).
func (f *syncFixture) payBalance(t *testing.T, st *payments.State, key *payments.PrivateKey) int64 {
	t.Helper()
	idx, ok, err := st.IndexOf(key.Public)
	require.NoError(t, err)
	if !ok {
		return 0
	}
	a, err := st.Account(idx)
	require.NoError(t, err)
	return a.Balance.Int64()
}

func (f *syncFixture) traderQuote(t *testing.T) int64 {
	return exchangeQuoteOf(t, f.ex, f.trader.Public)
}

// syncLedgers is every rollup's ledger per denom and the escrow per denom.
type syncLedgers struct {
	ledger map[string]map[string]int64 // rollup -> denom -> amount
	escrow map[string]int64
}

func (f *syncFixture) ledgers(t *testing.T) syncLedgers {
	t.Helper()
	s := syncLedgers{ledger: map[string]map[string]int64{}, escrow: map[string]int64{}}
	for _, id := range []string{syncCaller, syncExchange, syncDest} {
		s.ledger[id] = map[string]int64{}
		for _, d := range []string{app.BondDenom, usdc, thirdDenom} {
			l, err := f.c.App.CrossRollupKeeper.Ledger(f.c.Context(), id, d)
			require.NoError(t, err)
			s.ledger[id][d] = l.Int64()
		}
	}
	for _, d := range []string{app.BondDenom, usdc, thirdDenom} {
		s.escrow[d] = f.c.App.BankKeeper.GetBalance(f.c.Context(), f.escrowAt, d).Amount.Int64()
	}
	return s
}

// requireLedgersMoved checks every ledger's change since s (per rollup,
// per denom; unlisted: no change) and that the escrow did not move (value
// moved between rollups only) and holds exactly the ledgers.
func (f *syncFixture) requireLedgersMoved(t *testing.T, s syncLedgers, moved map[string]map[string]int64) {
	t.Helper()
	f.requireLedgersMovedWithL1(t, s, moved, nil)
}

// requireLedgersMovedWithL1 is requireLedgersMoved where the escrow also
// took l1In (per denom) from L1 deposits.
func (f *syncFixture) requireLedgersMovedWithL1(t *testing.T, s syncLedgers, moved map[string]map[string]int64, l1In map[string]int64) {
	t.Helper()
	now := f.ledgers(t)
	for _, id := range []string{syncCaller, syncExchange, syncDest} {
		for _, d := range []string{app.BondDenom, usdc, thirdDenom} {
			require.Equal(t, s.ledger[id][d]+moved[id][d], now.ledger[id][d], "%s's ledger of %s", id, d)
		}
	}
	for _, d := range []string{app.BondDenom, usdc, thirdDenom} {
		require.Equal(t, s.escrow[d]+l1In[d], now.escrow[d], "escrow of %s", d)
		sum := int64(0)
		for _, id := range []string{syncCaller, syncExchange, syncDest} {
			sum += now.ledger[id][d]
		}
		require.Equal(t, now.escrow[d], sum, "the escrow holds the three ledgers of %s", d)
	}
}

// requireConserved checks each ledger against its rollup's L2 state (plus
// the value waiting in its inbox: exPendingQuote uusdc on the exchange,
// destPending uusdc on the destination) and the chain's escrow invariant.
func (f *syncFixture) requireConserved(t *testing.T, exPendingQuote, destPending int64) {
	t.Helper()
	base, quote := exchangeHoldings(t, f.ex)
	requireLedgerOf(t, f.c, syncExchange, app.BondDenom, base.Int64())
	requireLedgerOf(t, f.c, syncExchange, usdc, quote.Int64()+exPendingQuote)
	paySum := func(st *payments.State) int64 {
		sum := int64(0)
		for i := uint32(0); i < 1<<syncPayDepth; i++ {
			a, err := st.Account(i)
			require.NoError(t, err)
			sum += a.Balance.Int64()
		}
		return sum
	}
	requireLedgerOf(t, f.c, syncCaller, app.BondDenom, paySum(f.payU))
	requireLedgerOf(t, f.c, syncCaller, usdc, 0)
	requireLedgerOf(t, f.c, syncDest, usdc, paySum(f.payQ)+destPending)
	requireLedgerOf(t, f.c, syncDest, app.BondDenom, 0)
	for _, id := range []string{syncCaller, syncExchange, syncDest} {
		requireLedgerOf(t, f.c, id, thirdDenom, 0)
	}
	escrow, ledgers, pending, accrued, err := f.c.App.CrossRollupKeeper.EscrowInvariant(f.c.Context())
	require.NoError(t, err)
	require.Equal(t, escrow.String(), ledgers.Add(pending...).Add(accrued...).String())
}

// requireInboxAsPredicted checks that the chain's inbox record of id and
// the entries at the predicted sequences are the prediction's.
func (f *syncFixture) requireInboxAsPredicted(t *testing.T, pred *syncv1.Predictor, id string, tail []protocol.InboxEntry) {
	t.Helper()
	r := f.c.rollup(t, id)
	require.Equal(t, pred.Size(id), r.InboxSize, "%s's inbox size", id)
	require.Equal(t, pred.Accumulator(id), r.InboxAccumulator, "%s's inbox accumulator", id)
	for _, want := range tail {
		m, err := f.c.App.RollupsKeeper.GetInboxMessage(f.c.Context(), id, want.Sequence)
		require.NoError(t, err)
		got, err := m.Entry()
		require.NoError(t, err)
		require.Equal(t, want.Hash(), got.Hash(), "%s's entry %d", id, want.Sequence)
	}
}

// requireSwapLanded checks the outcome of one swap of syncValue unat for
// syncOut uusdc from the user's caller account to R on the destination,
// with e and d consumed: the L2 states, the ledgers since s and the
// conservation.
func (f *syncFixture) requireSwapLanded(t *testing.T, s syncLedgers) {
	t.Helper()
	require.Equal(t, int64(syncDeposit-syncValue), f.payBalance(t, f.payU, f.alice), "the user's caller account is debited")
	require.Equal(t, int64(syncOut), f.payBalance(t, f.payQ, f.recv), "R is credited on the destination")
	pool, err := f.ex.Pool()
	require.NoError(t, err)
	require.Equal(t, int64(callsPoolB+syncValue), pool.ReserveBase.Int64())
	require.Equal(t, int64(callsPoolQ-syncOut), pool.ReserveQuote.Int64())
	require.Zero(t, f.traderQuote(t), "nothing held on the exchange")
	f.requireLedgersMoved(t, s, map[string]map[string]int64{
		syncCaller:   {app.BondDenom: -syncValue},
		syncExchange: {app.BondDenom: syncValue, usdc: -syncOut},
		syncDest:     {usdc: syncOut},
	})
	f.requireConserved(t, 0, 0)
	for _, id := range []string{syncCaller, syncExchange, syncDest} {
		r := f.c.rollup(t, id)
		require.Equal(t, r.InboxSize, r.InboxConsumed, "%s's inbox is consumed", id)
	}
}

func syncSkip(t *testing.T) {
	if testing.Short() {
		t.Skip("three real circuits (Groth16 dev setups) and several proofs")
	}
}

func TestSyncBundle_SwapLandsInOneBlock(t *testing.T) {
	syncSkip(t)
	f := newSyncFixture(t)
	c := f.c
	require.Equal(t, int64(syncOut), quoteOutOf(t, f.ex, syncValue))
	s := f.ledgers(t)
	r := f.round(t, true)
	require.Equal(t, 0, r.exWaiting)

	// nothing of the round is on chain yet
	require.Equal(t, s, f.ledgers(t))
	ex := c.rollup(t, syncExchange)
	require.Equal(t, r.exTail[0].Sequence, ex.InboxSize, "k has not landed: the predicted position is free")

	res := c.NextBlock(c.SignTx(c.operator, &crossrolluptypes.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{r.k, r.e, r.d}}))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventBundleApplied"))
	require.False(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventMessageBounced"))
	// docs/PERFORMANCE.md, "Synchronous calls": the bundle's gas (one
	// signer here) against the same three batches as three transactions
	// (TestSyncBundle_MiddleBatchFails_ProofsSurviveFallback's SYNCGAS line).
	t.Logf("SYNCGAS bundle gas_used=%d bytes=%d", res.TxResults[0].GasUsed, len(c.SignTx(c.operator, &crossrolluptypes.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{r.k, r.e, r.d}})))
	height := c.App.LastBlockHeight()
	for _, m := range []*rollupstypes.MsgSubmitBatch{r.k, r.e, r.d} {
		rec := c.rollup(t, m.RollupId)
		require.Equal(t, height, rec.LastBatchHeight, "%s's batch verified in the bundle's block", m.RollupId)
		require.Equal(t, m.BatchIndex+1, rec.NextBatchIndex)
		require.Equal(t, m.NewStateRoot, rec.StateRoot)
		b, err := c.App.RollupsKeeper.GetBatch(c.Context(), m.RollupId, m.BatchIndex)
		require.NoError(t, err)
		require.Equal(t, height, b.Height, "%s/%d", m.RollupId, m.BatchIndex)
	}
	// the prediction is the chain's routing: sequences, entries, accumulators
	f.requireInboxAsPredicted(t, r.pred, syncExchange, r.exTail)
	f.requireInboxAsPredicted(t, r.pred, syncDest, r.destTail)
	f.requireInboxAsPredicted(t, r.pred, syncCaller, nil)
	require.Equal(t, r.pred.Accumulator(syncExchange), c.rollup(t, syncExchange).ConsumedAccumulator, "e consumed up to the predicted tail")
	require.Equal(t, r.pred.Accumulator(syncDest), c.rollup(t, syncDest).ConsumedAccumulator, "d consumed up to the predicted tail")
	f.requireSwapLanded(t, s)
}

func TestSyncBundle_MiddleBatchFails_ProofsSurviveFallback(t *testing.T) {
	syncSkip(t)
	f := newSyncFixture(t)
	c := f.c
	s := f.ledgers(t)
	r := f.round(t, true)
	records := func() []string {
		var out []string
		for _, id := range []string{syncCaller, syncExchange, syncDest} {
			out = append(out, rollupPosition(c.rollup(t, id)))
		}
		return out
	}
	before := records()

	// The bundle's exchange batch carries a well-formed proof of another
	// statement (the pool-seeding batch's): the bundle fails whole.
	bad := *r.e
	bad.Proof = f.seedMsg.Proof
	require.NotEqual(t, r.e.Proof, bad.Proof)
	res := c.NextBlock(c.SignTx(c.operator, &crossrolluptypes.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{r.k, &bad, r.d}}))
	requireTxFailedWith(t, res.TxResults[0], verifier.ErrProofInvalid)
	require.Equal(t, before, records(), "the failed bundle changed no rollup (k rolled back too)")
	require.Equal(t, s, f.ledgers(t))

	// e alone before k: it consumes an entry that is not there yet
	res = c.NextBlock(c.SignTx(c.operator, r.e))
	requireTxFailedWith(t, res.TxResults[0], rollupstypes.ErrInboxOverconsumed)
	require.Equal(t, before, records())
	require.Equal(t, s, f.ledgers(t))

	// The three solo transactions enter the mempool in order: CheckTx
	// admits each against the records the ones before it leave
	// (x/rollups/ante), though none has landed.
	solo := map[string][]byte{}
	for _, m := range []*rollupstypes.MsgSubmitBatch{r.k, r.e, r.d} {
		solo[m.RollupId] = c.SignTx(c.operator, m)
		check, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: solo[m.RollupId], Type: abci.CheckTxType_New})
		require.NoError(t, err)
		require.Zero(t, check.Code, "CheckTx of %s alone: %s", m.RollupId, check.Log)
	}
	for i, id := range []string{syncCaller, syncExchange, syncDest} {
		require.Equal(t, before[i], rollupPosition(committedRollup(t, c.Chain, id)), "CheckTx writes no committed state")
	}
	require.Equal(t, c.rollup(t, syncExchange).InboxSize, committedRollup(t, c.Chain, syncExchange).InboxSize+1,
		"the check state carries k's routed call")

	// k alone: the call lands at the predicted position
	gasK := f.deliverSigned(t, solo[syncCaller], r.k).GasUsed
	f.requireInboxAsPredicted(t, r.pred, syncExchange, r.exTail)
	f.requireLedgersMoved(t, s, map[string]map[string]int64{
		syncCaller: {app.BondDenom: -syncValue}, syncExchange: {app.BondDenom: syncValue}})
	// the original e alone, its proof unchanged
	gasE := f.deliverSigned(t, solo[syncExchange], r.e).GasUsed
	f.requireInboxAsPredicted(t, r.pred, syncDest, r.destTail)
	f.requireLedgersMoved(t, s, map[string]map[string]int64{
		syncCaller: {app.BondDenom: -syncValue}, syncExchange: {app.BondDenom: syncValue, usdc: -syncOut}, syncDest: {usdc: syncOut}})
	// the output waits in the destination's inbox; the destination's native
	// state already holds d's credit (d was built speculatively), so its
	// ledger equals that state with nothing added for the waiting entry
	r0 := c.rollup(t, syncDest)
	require.Equal(t, r0.InboxConsumed+1, r0.InboxSize)
	f.requireConserved(t, 0, 0)
	// then d alone
	gasD := f.deliverSigned(t, solo[syncDest], r.d).GasUsed
	f.requireSwapLanded(t, s) // the same outcome as the bundle's
	t.Logf("SYNCGAS solo k=%d e=%d d=%d sum=%d bytes=%d", gasK, gasE, gasD, gasK+gasE+gasD,
		len(solo[syncCaller])+len(solo[syncExchange])+len(solo[syncDest]))

	// F2 and F6, the discard rule's premise: a second round is built and
	// proven, then an unpredicted L1 deposit into the exchange lands before
	// it, in the bundle's own block: the bundle fails whole.
	s = f.ledgers(t)
	r2 := f.round(t, false)
	callerBefore := rollupPosition(c.rollup(t, syncCaller))
	res = c.NextBlock(
		c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{Sender: c.admin.Address.String(), RollupId: syncExchange,
			L2Recipient: f.lp.Public.Address(), Amount: sdk.NewInt64Coin(app.BondDenom, 500)}),
		c.SignTx(c.operator, &crossrolluptypes.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{r2.k, r2.e}}))
	requireTxOK(t, res.TxResults[0])
	requireTxFailedWith(t, res.TxResults[1], verifier.ErrProofInvalid)
	require.Equal(t, callerBefore, rollupPosition(c.rollup(t, syncCaller)), "k rolled back with the bundle")
	f.requireLedgersMovedWithL1(t, s, map[string]map[string]int64{syncExchange: {app.BondDenom: 500}},
		map[string]int64{app.BondDenom: 500})
	taken, err := c.App.RollupsKeeper.GetInboxMessage(c.Context(), syncExchange, r2.exTail[0].Sequence)
	require.NoError(t, err)
	require.Equal(t, uint32(protocol.InboxKindDeposit), taken.Kind, "the predicted position is taken by another entry")
	f.deliver(t, r2.k) // k stays valid: its call moves to the next position
	call, err := c.App.RollupsKeeper.GetInboxMessage(c.Context(), syncExchange, r2.exTail[0].Sequence+1)
	require.NoError(t, err)
	require.Equal(t, uint32(protocol.InboxKindCrossRollupMessage), call.Kind)
	exRec := c.rollup(t, syncExchange)
	exBefore := rollupPosition(exRec)
	moved := f.ledgers(t)
	res = c.NextBlock(c.SignTx(c.operator, r2.e))
	requireTxFailedWith(t, res.TxResults[0], verifier.ErrProofInvalid) // the inbox accumulator it proves is not the chain's
	exRec = c.rollup(t, syncExchange)
	require.Equal(t, exBefore, rollupPosition(exRec), "e refused: nothing consumed")
	require.Equal(t, moved, f.ledgers(t), "nothing moves")
	f.requireLedgersMovedWithL1(t, s, map[string]map[string]int64{
		syncCaller: {app.BondDenom: -syncValue}, syncExchange: {app.BondDenom: syncValue + 500}},
		map[string]int64{app.BondDenom: 500})
	escrow, ledgers, pending, accrued, err := c.App.CrossRollupKeeper.EscrowInvariant(c.Context())
	require.NoError(t, err)
	require.Equal(t, escrow.String(), ledgers.Add(pending...).Add(accrued...).String())
}

func TestSyncBundle_DestinationFrozen_OutputHeldOnExchange(t *testing.T) {
	syncSkip(t)
	f := newSyncFixture(t)
	c := f.c
	s := f.ledgers(t)
	r := f.round(t, false)

	// The destination freezes after e was built: it ignores a forced
	// transaction past its inbox deadline.
	c.freeze(t, c.admin, syncDest, exchangeDeadline)
	require.Equal(t, rollupstypes.ROLLUP_STATUS_ACTIVE, c.rollup(t, syncExchange).Status)
	require.Equal(t, rollupstypes.ROLLUP_STATUS_ACTIVE, c.rollup(t, syncCaller).Status)

	// a prediction on the new facts sees the bounce (spec 4.1: the leader
	// would re-plan; the bundle [k, e] still lands)
	pred := f.predictor(t)
	require.NoError(t, pred.Apply(syncCaller, r.kb.Outbox))
	require.ErrorIs(t, pred.Apply(syncExchange, r.eb.Outbox), syncv1.ErrWouldBounce)

	exBefore := c.rollup(t, syncExchange)
	destBefore := c.rollup(t, syncDest)
	res := c.NextBlock(c.SignTx(c.operator, &crossrolluptypes.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{r.k, r.e}}))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventBundleApplied"))
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventMessageBounced"))
	height := c.App.LastBlockHeight()
	require.Equal(t, height, c.rollup(t, syncCaller).LastBatchHeight)
	require.Equal(t, height, c.rollup(t, syncExchange).LastBatchHeight)
	require.Equal(t, destBefore.InboxSize, c.rollup(t, syncDest).InboxSize, "nothing enters the frozen destination's inbox")

	// the output is back in the exchange's inbox, a refund to the trader's key
	ex := c.rollup(t, syncExchange)
	require.Equal(t, exBefore.InboxSize+2, ex.InboxSize, "the call, then the bounced output")
	require.Equal(t, ex.InboxConsumed+1, ex.InboxSize)
	refund, err := c.App.RollupsKeeper.GetInboxMessage(c.Context(), syncExchange, ex.InboxSize-1)
	require.NoError(t, err)
	require.Equal(t, uint32(protocol.InboxKindRefund), refund.Kind)
	require.Equal(t, f.trader.Public.Address(), refund.Recipient)
	require.Equal(t, usdc, refund.Denom)
	require.Equal(t, strconv.Itoa(syncOut), refund.Amount)
	require.Equal(t, syncDest, refund.SourceRollupId)
	require.Equal(t, int64(syncDeposit-syncValue), f.payBalance(t, f.payU, f.alice))
	f.requireLedgersMoved(t, s, map[string]map[string]int64{
		syncCaller: {app.BondDenom: -syncValue}, syncExchange: {app.BondDenom: syncValue}})
	f.requireConserved(t, syncOut, 0) // the uusdc left the pool, not the exchange's ledger

	// a later exchange batch credits the trader's exchange account
	eb, msg := f.exBatch(t, f.c.pendingInbox(t, syncExchange))
	recs, err := exchange.DecodeData(eb.Data)
	require.NoError(t, err)
	require.Equal(t, exchange.KindCredit, recs[0].Kind)
	require.Empty(t, eb.Outbox)
	f.deliver(t, msg)
	require.Equal(t, int64(syncOut), f.traderQuote(t), "the output is held on the user's exchange account")
	require.Zero(t, f.payBalance(t, f.payQ, f.recv))
	pool, err := f.ex.Pool()
	require.NoError(t, err)
	require.Equal(t, int64(callsPoolB+syncValue), pool.ReserveBase.Int64())
	require.Equal(t, int64(callsPoolQ-syncOut), pool.ReserveQuote.Int64())
	f.requireLedgersMoved(t, s, map[string]map[string]int64{
		syncCaller: {app.BondDenom: -syncValue}, syncExchange: {app.BondDenom: syncValue}})
	f.requireConserved(t, 0, 0)
}

// quoteOutOf is the pool's price for x unat now, by the spec's formula.
func quoteOutOf(t *testing.T, st *exchange.State, x int64) int64 {
	t.Helper()
	pool, err := st.Pool()
	require.NoError(t, err)
	xf := new(big.Int).Mul(big.NewInt(x), big.NewInt(10_000-callsFeeBps))
	num := new(big.Int).Mul(xf, pool.ReserveQuote)
	den := new(big.Int).Add(new(big.Int).Mul(pool.ReserveBase, big.NewInt(10_000)), xf)
	return new(big.Int).Quo(num, den).Int64()
}

// rollupPosition is what a batch moves in a rollup's record: root, batch
// index, inbox and consumed positions and accumulators, status.
func rollupPosition(r rollupstypes.Rollup) string {
	return fmt.Sprintf("root=%x next=%d inbox=%d/%x consumed=%d/%x status=%s last=%d",
		r.StateRoot, r.NextBatchIndex, r.InboxSize, r.InboxAccumulator, r.InboxConsumed, r.ConsumedAccumulator, r.Status, r.LastBatchHeight)
}
