package app_test

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

var (
	l2Caller = []byte("l2-caller-on-payments-000000000")
	l2Callee = []byte("l2-contract-on-dex-0000000000000")
)

// provenBatch proves the next batch of id whose consumed range ends at the
// accumulator after, which may include entries that only earlier batches of
// the same block or bundle will route to it.
func provenBatch(t *testing.T, c rollupsChain, id string, newRoot, consume uint64, after fr.Element, outbox []protocol.OutboxEntry) *rollupstypes.MsgSubmitBatch {
	t.Helper()
	r := c.rollup(t, id)
	prev, err := protocol.ParseStateRoot(r.StateRoot)
	require.NoError(t, err)
	before, err := protocol.ParseFieldElement(r.ConsumedAccumulator)
	require.NoError(t, err)
	outboxBz, err := protocol.EncodeOutbox(outbox)
	require.NoError(t, err)
	data := []byte("routing batch")
	proof, err := rollupsProver(t).Prove(protocol.BatchCommitment{
		ChainID: apptest.ChainID, RollupID: id, BatchIndex: r.NextBatchIndex,
		PrevStateRoot: prev, NewStateRoot: mustRoot(t, elementBytes(newRoot)), DAHash: protocol.DAHash(data),
		InboxBefore: before, InboxAfter: after, OutboxHash: protocol.OutboxHash(outbox),
		Submitter: c.operator.Address,
	})
	require.NoError(t, err)
	return &rollupstypes.MsgSubmitBatch{
		Submitter: c.operator.Address.String(), RollupId: id, BatchIndex: r.NextBatchIndex,
		NewStateRoot: elementBytes(newRoot), Data: data, InboxConsumed: consume, Outbox: outboxBz, Proof: proof,
	}
}

// inboxAcc is id's current inbox accumulator (after every entry so far).
func inboxAcc(t *testing.T, c rollupsChain, id string) fr.Element {
	t.Helper()
	acc, err := protocol.ParseFieldElement(c.rollup(t, id).InboxAccumulator)
	require.NoError(t, err)
	return acc
}

func callToDex(amount uint64, payload string) protocol.OutboxEntry {
	return protocol.OutboxEntry{
		Kind: protocol.OutboxKindCrossRollupMessage, Sender: l2Caller, Recipient: l2Callee,
		DestRollupID: "dex", Denom: app.BondDenom, Amount: protocol.NewUint128(amount), Payload: []byte(payload),
	}
}

// requireEscrowInvariant checks escrow == ledgers + pending on the real app.
func requireEscrowInvariant(t *testing.T, c rollupsChain) {
	t.Helper()
	escrow, ledgers, pending, accrued, err := c.App.CrossRollupKeeper.EscrowInvariant(c.Context())
	require.NoError(t, err)
	require.Equal(t, escrow.String(), ledgers.Add(pending...).Add(accrued...).String())
	requireBridgeInvariant(t, c, "payments", "dex")
}

func TestBridge_RoutesInTheSameBlockAndBundlesApplyAtomically(t *testing.T) {
	c := registeredRollupsChain(t)
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	res := c.NextBlock(c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
		Admin: c.admin.Address.String(), RollupId: "dex", VerifyingKey: rollupsProver(t).VerifyingKey(),
		GenesisStateRoot: elementBytes(100), Operators: []string{c.operator.Address.String()}, Bond: params.MinOperatorBond,
	}))
	requireTxOK(t, res.TxResults[0])
	res = c.NextBlock(c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{
		Sender: c.admin.Address.String(), RollupId: "payments", L2Recipient: l2Caller,
		Amount: sdk.NewCoin(app.BondDenom, sdkmath.NewInt(5_000_000)),
	}))
	requireTxOK(t, res.TxResults[0])
	requireEscrowInvariant(t, c)

	// 1. A payments batch sends 2 NAT and a call to dex: in dex's inbox, with
	// the value in dex's ledger, in the block of the batch.
	height := c.Context().BlockHeight()
	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "payments", 2, 1, []protocol.OutboxEntry{callToDex(2_000_000, "swap")})))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventMessageRouted"))
	dex := c.rollup(t, "dex")
	require.Equal(t, uint64(1), dex.InboxSize)
	routed, err := c.App.RollupsKeeper.GetInboxMessage(c.Context(), "dex", 0)
	require.NoError(t, err)
	require.Equal(t, height+1, routed.Height, "0 extra blocks: the message sits in dex's inbox in the source batch's block")
	require.Equal(t, "payments", routed.SourceRollupId)
	require.Equal(t, l2Caller, routed.Sender)
	requireLedger(t, c, "payments", 3_000_000)
	requireLedger(t, c, "dex", 2_000_000)
	requireEscrowInvariant(t, c)

	// 2. A bundle: payments calls dex with 1 NAT, and dex's batch in the same
	// transaction consumes that call (and the earlier one) and withdraws
	// 3 NAT to an L1 account: the call and its effect in one block.
	routedNext := protocol.InboxEntry{
		Sequence: dex.InboxSize, Kind: protocol.InboxKindCrossRollupMessage, Sender: l2Caller, Recipient: l2Callee,
		SourceRollupID: "payments", Denom: app.BondDenom, Amount: protocol.NewUint128(1_000_000), Payload: []byte("call"),
	}
	afterBoth := protocol.InboxAccumulate(inboxAcc(t, c, "dex"), routedNext)
	withdrawal := protocol.OutboxEntry{
		Kind: protocol.OutboxKindWithdrawal, Sender: l2Callee, Recipient: c.outsider.Address,
		Denom: app.BondDenom, Amount: protocol.NewUint128(3_000_000),
	}
	call := provenBatch(t, c, "payments", 3, 0, inboxAcc(t, c, "payments"), []protocol.OutboxEntry{callToDex(1_000_000, "call")})
	answer := provenBatch(t, c, "dex", 101, 2, afterBoth, []protocol.OutboxEntry{withdrawal})
	outsiderBefore := c.balance(c.outsider.Address)

	// Alone, dex's batch cannot apply: the entry it consumes does not exist.
	res = c.NextBlock(c.SignTx(c.operator, answer))
	requireTxFailedWith(t, res.TxResults[0], rollupstypes.ErrInboxOverconsumed)

	// CheckTx admits the bundle (its batches applied in order on the
	// check state, not the committed state) and refuses a bundle whose
	// answer is tampered.
	tampered := *answer
	tampered.NewStateRoot = elementBytes(999)
	check, err := c.App.CheckTx(&abci.RequestCheckTx{
		Tx:   c.SignTx(c.operator, &crossrolluptypes.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{call, &tampered}}),
		Type: abci.CheckTxType_New,
	})
	require.NoError(t, err)
	require.Equal(t, verifier.ErrProofInvalid.ABCICode(), check.Code, check.Log)
	c.operator.Seq-- // the refused tx used no sequence number
	bundleTx := c.SignTx(c.operator, &crossrolluptypes.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{call, answer}})
	check, err = c.App.CheckTx(&abci.RequestCheckTx{Tx: bundleTx, Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Zero(t, check.Code, check.Log)
	require.Equal(t, dex.InboxSize, committedRollup(t, c.Chain, "dex").InboxSize, "CheckTx of a bundle writes no committed state")
	require.Equal(t, dex.InboxSize+1, c.rollup(t, "dex").InboxSize, "the check state carries the bundle (issue 16)")

	res = c.NextBlock(bundleTx)
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventBundleApplied"))
	require.Equal(t, outsiderBefore.AddRaw(3_000_000).String(), c.balance(c.outsider.Address).String())
	requireLedger(t, c, "payments", 2_000_000)
	requireLedger(t, c, "dex", 0)
	require.Equal(t, uint64(2), c.rollup(t, "dex").InboxConsumed)
	requireEscrowInvariant(t, c)

	// 3. A bundle whose second batch fails rolls back the first one too.
	payBefore, dexBefore := c.rollup(t, "payments"), c.rollup(t, "dex")
	routedAgain := routedNext
	routedAgain.Sequence = dexBefore.InboxSize
	call = provenBatch(t, c, "payments", 4, 0, inboxAcc(t, c, "payments"), []protocol.OutboxEntry{callToDex(1_000_000, "call")})
	bad := provenBatch(t, c, "dex", 102, 1, protocol.InboxAccumulate(inboxAcc(t, c, "dex"), routedAgain), nil)
	bad.NewStateRoot = elementBytes(103) // not the proven root
	res = c.NextBlock(c.SignTx(c.operator, &crossrolluptypes.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{call, bad}}))
	requireTxFailedWith(t, res.TxResults[0], verifier.ErrProofInvalid)
	payAfter, dexAfter := c.rollup(t, "payments"), c.rollup(t, "dex")
	require.Equal(t, payBefore.String(), payAfter.String(), "the first batch of a failed bundle is rolled back")
	require.Equal(t, dexBefore.String(), dexAfter.String())
	requireLedger(t, c, "payments", 2_000_000)
	requireEscrowInvariant(t, c)

	// 4. A message to an unknown rollup bounces: the value stays with
	// payments and a refund entry is appended to payments' own inbox.
	lost := callToDex(500_000, "hello?")
	lost.DestRollupID = "nowhere"
	res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "payments", 5, 0, []protocol.OutboxEntry{lost})))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventMessageBounced"))
	requireLedger(t, c, "payments", 2_000_000)
	pay := c.rollup(t, "payments")
	refund, err := c.App.RollupsKeeper.GetInboxMessage(c.Context(), "payments", pay.InboxSize-1)
	require.NoError(t, err)
	require.Equal(t, uint32(protocol.InboxKindRefund), refund.Kind)
	require.Equal(t, l2Caller, refund.Recipient)
	requireEscrowInvariant(t, c)
}

func requireLedger(t *testing.T, c rollupsChain, id string, want int64) {
	t.Helper()
	got, err := c.App.CrossRollupKeeper.Ledger(c.Context(), id, app.BondDenom)
	require.NoError(t, err)
	require.Equal(t, sdkmath.NewInt(want).String(), got.String(), "ledger of %s", id)
}
