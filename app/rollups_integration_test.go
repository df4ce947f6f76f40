package app_test

import (
	"fmt"
	"sync"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	rollupskeeper "github.com/nativechain/nativechain/x/rollups/keeper"
	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// The test circuit's setup takes about a second: once per test binary.
var (
	appProverOnce sync.Once
	appProver     *batchprover.Prover
	appProverErr  error
)

func rollupsProver(t *testing.T) *batchprover.Prover {
	t.Helper()
	appProverOnce.Do(func() { appProver, appProverErr = batchprover.New() })
	require.NoError(t, appProverErr)
	return appProver
}

// rollupsChain is a chain with an admin, an operator and an outsider.
type rollupsChain struct {
	*apptest.Chain
	admin, operator, outsider *apptest.Account
}

func newRollupsChain(t *testing.T) rollupsChain {
	c := apptest.Setup(t, 3)
	return rollupsChain{Chain: c, admin: c.Accounts[0], operator: c.Accounts[1], outsider: c.Accounts[2]}
}

func (c rollupsChain) query() rollupstypes.QueryServer {
	return rollupskeeper.NewQueryServerImpl(c.App.RollupsKeeper)
}

func (c rollupsChain) rollup(t *testing.T, id string) rollupstypes.Rollup {
	t.Helper()
	res, err := c.query().Rollup(c.Context(), &rollupstypes.QueryRollupRequest{RollupId: id})
	require.NoError(t, err)
	return res.Rollup
}

// pendingInbox is the rollup's inbox entries not yet consumed (at most 100).
func (c rollupsChain) pendingInbox(t *testing.T, id string) []protocol.InboxEntry {
	t.Helper()
	r := c.rollup(t, id)
	inbox, err := c.query().Inbox(c.Context(), &rollupstypes.QueryInboxRequest{RollupId: id, From: r.InboxConsumed, Limit: 100})
	require.NoError(t, err)
	var entries []protocol.InboxEntry
	for _, m := range inbox.Messages {
		e, err := m.Entry()
		require.NoError(t, err)
		entries = append(entries, e)
	}
	return entries
}

// freeze has sender force a transaction into rollup id that its operator
// ignores, then makes blocks (at most 3×deadline) until the rollup froze.
func (c rollupsChain) freeze(t *testing.T, sender *apptest.Account, id string, deadline int) {
	t.Helper()
	res := c.NextBlock(c.SignTx(sender, &rollupstypes.MsgForceInclude{
		Sender: sender.Address.String(), RollupId: id, L2Tx: []byte("forced transaction"),
	}))
	requireTxOK(t, res.TxResults[0])
	for i := 0; i < 3*deadline && c.rollup(t, id).Status != rollupstypes.ROLLUP_STATUS_FROZEN; i++ {
		c.NextBlock()
	}
	require.Equal(t, rollupstypes.ROLLUP_STATUS_FROZEN, c.rollup(t, id).Status)
}

func (c rollupsChain) balance(addr sdk.AccAddress) sdkmath.Int {
	return c.App.BankKeeper.GetBalance(c.Context(), addr, app.BondDenom).Amount
}

func elementBytes(v uint64) []byte {
	e := fr.NewElement(v)
	return protocol.StateRootBytes(e)
}

// batchMsg is submitter's batch posting newRoot and data as the rollup's
// next batch (or as index, if non-zero), proven against the committed
// state. Nothing is consumed from the inbox, nothing posted to the outbox.
func (c rollupsChain) batchMsg(t *testing.T, submitter *apptest.Account, id string, index uint64, newRoot, data []byte) *rollupstypes.MsgSubmitBatch {
	t.Helper()
	r := c.rollup(t, id)
	if index == 0 {
		index = r.NextBatchIndex
	}
	prev, err := protocol.ParseStateRoot(r.StateRoot)
	require.NoError(t, err)
	next, err := protocol.ParseStateRoot(newRoot)
	require.NoError(t, err)
	acc0 := protocol.InboxAccumulatorGenesis()
	require.Equal(t, protocol.FieldElementBytes(acc0), r.ConsumedAccumulator, "these tests use no inbox")
	proof, err := rollupsProver(t).Prove(protocol.BatchCommitment{
		ChainID: apptest.ChainID, RollupID: id, BatchIndex: index,
		PrevStateRoot: prev, NewStateRoot: next, DAHash: protocol.DAHash(data),
		InboxBefore: acc0, InboxAfter: acc0, OutboxHash: protocol.OutboxHash(nil),
		L2TxCount: 1, Submitter: submitter.Address,
	})
	require.NoError(t, err)
	return &rollupstypes.MsgSubmitBatch{
		Submitter: submitter.Address.String(), RollupId: id, BatchIndex: index,
		NewStateRoot: newRoot, Data: data, Proof: proof, L2TxCount: 1,
	}
}

// batchTx is batchMsg signed by its submitter.
func (c rollupsChain) batchTx(t *testing.T, submitter *apptest.Account, id string, index uint64, newRoot, data []byte) []byte {
	t.Helper()
	return c.SignTx(submitter, c.batchMsg(t, submitter, id, index, newRoot, data))
}

func requireTxOK(t *testing.T, res *abci.ExecTxResult) {
	t.Helper()
	require.Equal(t, uint32(0), res.Code, "codespace %s: %s", res.Codespace, res.Log)
}

// abciError is a registered error of a module or of package protocol: what
// a failed transaction reports as its codespace and code.
type abciError interface {
	error
	Codespace() string
	ABCICode() uint32
}

// requireTxFailedWith checks the ABCI codespace and code of a failed tx
// against a registered error.
func requireTxFailedWith(t *testing.T, res *abci.ExecTxResult, want abciError) {
	t.Helper()
	require.Equal(t, want.Codespace(), res.Codespace, res.Log)
	require.Equal(t, want.ABCICode(), res.Code, res.Log)
}

func hasEvent(res *abci.ExecTxResult, eventType string) bool {
	for _, ev := range res.Events {
		if ev.Type == eventType {
			return true
		}
	}
	return false
}

func TestRollupsApp_RegisterSubmitAndRaceForAnIndex(t *testing.T) {
	c := newRollupsChain(t)
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	require.Equal(t, app.BondDenom, params.MinOperatorBond.Denom)
	moduleAddr := authtypes.NewModuleAddress(rollupstypes.ModuleName)
	adminBefore, moduleBefore := c.balance(c.admin.Address), c.balance(moduleAddr)

	// Register "payments" with a signed tx.
	register := &rollupstypes.MsgRegisterRollup{
		Admin: c.admin.Address.String(), RollupId: "payments", VerifyingKey: rollupsProver(t).VerifyingKey(),
		GenesisStateRoot: elementBytes(1), Operators: []string{c.operator.Address.String()}, Bond: params.MinOperatorBond,
	}
	res := c.NextBlock(c.SignTx(c.admin, register))
	require.Len(t, res.TxResults, 1)
	requireTxOK(t, res.TxResults[0])

	// The bond is escrowed; the registration fee goes on to the reward pool.
	escrow := params.MinOperatorBond.Amount.Add(params.RegistrationFee.Amount)
	require.Equal(t, moduleBefore.Add(params.MinOperatorBond.Amount).String(), c.balance(moduleAddr).String(), "bond escrowed")
	txFee := sdkmath.NewInt(10_000) // apptest's fee per tx
	require.Equal(t, adminBefore.Sub(escrow).Sub(txFee).String(), c.balance(c.admin.Address).String())
	r := c.rollup(t, "payments")
	require.Equal(t, rollupstypes.ROLLUP_STATUS_ACTIVE, r.Status)
	require.Equal(t, uint64(1), r.NextBatchIndex)

	// Batch 1 in its own block.
	res = c.NextBlock(c.batchTx(t, c.operator, "payments", 0, elementBytes(11), []byte("block 1 txs")))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.rollups.v1.EventBatchVerified"))
	r = c.rollup(t, "payments")
	require.Equal(t, uint64(2), r.NextBatchIndex)
	require.Equal(t, elementBytes(11), r.StateRoot)

	// Two valid batches for index 2 in one block: the first wins, the
	// second is now a stale index.
	first := c.batchTx(t, c.operator, "payments", 0, elementBytes(21), []byte("first"))
	second := c.batchTx(t, c.operator, "payments", 0, elementBytes(22), []byte("second"))
	res = c.NextBlock(first, second)
	require.Len(t, res.TxResults, 2)
	requireTxOK(t, res.TxResults[0])
	requireTxFailedWith(t, res.TxResults[1], rollupstypes.ErrWrongBatchIndex)

	r = c.rollup(t, "payments")
	require.Equal(t, uint64(3), r.NextBatchIndex, "the index advanced by exactly one")
	require.Equal(t, elementBytes(21), r.StateRoot)
	latest, err := c.query().LatestBatch(c.Context(), &rollupstypes.QueryLatestBatchRequest{RollupId: "payments"})
	require.NoError(t, err)
	require.Equal(t, uint64(2), latest.Batch.Index)
	require.Equal(t, elementBytes(21), latest.Batch.NewStateRoot)
	// The store keeps the batch compact; its full record, submitter
	// included, is the typed event of the winning transaction.
	require.True(t, hasEvent(res.TxResults[0], "nativechain.rollups.v1.Batch"))
	require.False(t, hasEvent(res.TxResults[1], "nativechain.rollups.v1.Batch"))
}

func TestRollupsApp_FailedBatchesReportTypedCodesAndChangeNothing(t *testing.T) {
	c := newRollupsChain(t)
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	res := c.NextBlock(c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
		Admin: c.admin.Address.String(), RollupId: "payments", VerifyingKey: rollupsProver(t).VerifyingKey(),
		GenesisStateRoot: elementBytes(1), Operators: []string{c.operator.Address.String()}, Bond: params.MinOperatorBond,
	}))
	requireTxOK(t, res.TxResults[0])
	before := c.rollup(t, "payments")

	// A proof of another statement: the tx carries a valid proof of batch
	// 1 posting root 2, but claims root 3.
	valid := c.batchMsg(t, c.operator, "payments", 0, elementBytes(2), []byte("data"))
	tampered, truncated, unknown := *valid, *valid, *valid
	tampered.NewStateRoot = elementBytes(3)
	truncated.Proof = valid.Proof[:100]
	unknown.RollupId = "unknown"

	tests := []struct {
		name string
		tx   []byte
		want *errorsmod.Error
	}{
		{"proof of another statement", c.SignTx(c.operator, &tampered), verifier.ErrProofInvalid},
		{"truncated proof", c.SignTx(c.operator, &truncated), verifier.ErrProofLength},
		{"unregistered rollup", c.SignTx(c.operator, &unknown), rollupstypes.ErrUnknownRollup},
		{"submitter is not an operator", c.batchTx(t, c.outsider, "payments", 0, elementBytes(2), []byte("data")), rollupstypes.ErrNotOperator},
		{"skipped index", c.batchTx(t, c.operator, "payments", 2, elementBytes(2), []byte("data")), rollupstypes.ErrWrongBatchIndex},
	}
	txs := make([][]byte, len(tests))
	for i, tc := range tests {
		txs[i] = tc.tx
	}
	res = c.NextBlock(txs...)
	require.Len(t, res.TxResults, len(tests))
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requireTxFailedWith(t, res.TxResults[i], tc.want)
			require.False(t, hasEvent(res.TxResults[i], "nativechain.rollups.v1.EventBatchVerified"))
		})
	}
	require.Equal(t, fmt.Sprint(ptr(before)), fmt.Sprint(ptr(c.rollup(t, "payments"))), "failed batches change nothing")

	// The untampered batch still applies afterwards.
	res = c.NextBlock(c.SignTx(c.operator, valid))
	requireTxOK(t, res.TxResults[0])
	require.Equal(t, uint64(2), c.rollup(t, "payments").NextBatchIndex)
}
