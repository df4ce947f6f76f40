package app_test

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// multiBatchChain is a node with rollup "multi" registered (genesis root
// 1, operators: operator and outsider) and a second node, replica, fed the
// same blocks but never the mempool: its block-level pass has nothing
// cached, so it shows what a validator that did not see the transactions
// verifies in ProcessProposal.
type multiBatchChain struct {
	rollupsChain
	replica *apptest.Chain
}

func newMultiBatchChain(t *testing.T) multiBatchChain {
	t.Helper()
	c := newRollupsChain(t)
	m := multiBatchChain{rollupsChain: c, replica: apptest.NewChain(t, c.Genesis, c.Accounts)}
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	res := m.block(c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
		Admin: c.admin.Address.String(), RollupId: "multi", VerifyingKey: rollupsProver(t).VerifyingKey(),
		GenesisStateRoot: elementBytes(1), Bond: params.MinOperatorBond,
		Operators: []string{c.operator.Address.String(), c.outsider.Address.String()},
	}))
	requireTxOK(t, res.TxResults[0])
	return m
}

// block finalizes and commits txs on both nodes and returns the first
// node's result; the two must agree on every result and the app hash.
func (m multiBatchChain) block(txs ...[]byte) *abci.ResponseFinalizeBlock {
	m.T.Helper()
	other := m.replica.NextBlock(txs...)
	res := m.NextBlock(txs...)
	require.Equal(m.T, res.AppHash, other.AppHash)
	require.Equal(m.T, len(res.TxResults), len(other.TxResults))
	for i := range res.TxResults {
		require.Equal(m.T, res.TxResults[i].Code, other.TxResults[i].Code, "tx %d", i)
	}
	return res
}

// batch is submitter's batch index of "multi", proven on top of root prev.
func (m multiBatchChain) batch(t *testing.T, submitter *apptest.Account, index, prev, next uint64, data string) *rollupstypes.MsgSubmitBatch {
	t.Helper()
	acc0 := protocol.InboxAccumulatorGenesis()
	proof, err := rollupsProver(t).Prove(protocol.BatchCommitment{
		ChainID: apptest.ChainID, RollupID: "multi", BatchIndex: index,
		PrevStateRoot: mustRoot(t, elementBytes(prev)), NewStateRoot: mustRoot(t, elementBytes(next)),
		DAHash: protocol.DAHash([]byte(data)), InboxBefore: acc0, InboxAfter: acc0,
		OutboxHash: protocol.OutboxHash(nil), L2TxCount: 1, Submitter: submitter.Address,
	})
	require.NoError(t, err)
	return &rollupstypes.MsgSubmitBatch{
		Submitter: submitter.Address.String(), RollupId: "multi", BatchIndex: index,
		NewStateRoot: elementBytes(next), Data: []byte(data), Proof: proof, L2TxCount: 1,
	}
}

func (m multiBatchChain) checkTx(t *testing.T, tx []byte, kind abci.CheckTxType) *abci.ResponseCheckTx {
	t.Helper()
	res, err := m.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: kind})
	require.NoError(t, err)
	return res
}

func (m multiBatchChain) requireAdmitted(t *testing.T, tx []byte, kind abci.CheckTxType) {
	t.Helper()
	res := m.checkTx(t, tx, kind)
	require.Equal(t, uint32(0), res.Code, "codespace %s: %s", res.Codespace, res.Log)
}

func (m multiBatchChain) requireRefused(t *testing.T, tx []byte, kind abci.CheckTxType, want abciError) {
	t.Helper()
	res := m.checkTx(t, tx, kind)
	require.Equal(t, want.Codespace(), res.Codespace, res.Log)
	require.Equal(t, want.ABCICode(), res.Code, res.Log)
}

// replicaProcess runs ProcessProposal on the replica and returns how many
// block-level multi-pairings it ran and over how many proofs.
func (m multiBatchChain) replicaProcess(t *testing.T, txs ...[]byte) (pairings, proofs uint64) {
	t.Helper()
	before := m.replica.App.RollupsKeeper.VerifyCacheStats()
	res, err := m.replica.App.ProcessProposal(&abci.RequestProcessProposal{
		Height: m.replica.App.LastBlockHeight() + 1, Time: m.Time.Add(1e9), Txs: txs,
	})
	require.NoError(t, err)
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, res.Status)
	after := m.replica.App.RollupsKeeper.VerifyCacheStats()
	return after.BlockMultiPairings - before.BlockMultiPairings, after.BlockPassProofs - before.BlockPassProofs
}

// committedRollup reads a rollup record from the node's committed state
// (the chain's Context is the check state, which CheckTx moves on).
func committedRollup(t *testing.T, node *apptest.Chain, id string) rollupstypes.Rollup {
	t.Helper()
	ctx := sdk.NewContext(node.App.CommitMultiStore().CacheMultiStore(), cmtproto.Header{ChainID: apptest.ChainID}, false, log.NewNopLogger())
	r, err := node.App.RollupsKeeper.GetRollup(ctx, id)
	require.NoError(t, err)
	return r
}

// requireRollup checks the committed rollup record on both nodes.
func (m multiBatchChain) requireRollup(t *testing.T, next, root uint64) {
	t.Helper()
	for _, node := range []*apptest.Chain{m.Chain, m.replica} {
		r := committedRollup(t, node, "multi")
		require.Equal(t, next, r.NextBatchIndex)
		require.Equal(t, elementBytes(root), r.StateRoot)
	}
}

// Issue 16: consecutive batches of one rollup, proven in parallel and sent
// without waiting for each to land, enter the mempool in two transactions
// and land in one block, verified together by one multi-pairing.
func TestMultiBatch_ConsecutiveBatchesInTwoTxsLandInOneBlock(t *testing.T) {
	m := newMultiBatchChain(t)
	tx1 := m.SignTx(m.operator, m.batch(t, m.operator, 1, 1, 5, "one"))
	tx2 := m.SignTx(m.operator, m.batch(t, m.operator, 2, 5, 6, "two"))

	m.requireAdmitted(t, tx1, abci.CheckTxType_New)
	m.requireAdmitted(t, tx2, abci.CheckTxType_New) // built on batch 1, which is only in the mempool
	m.requireRollup(t, 1, 1)                        // CheckTx changed no committed state

	// A duplicate of batch 1 (the other operator's) and a batch 3 proven
	// on a wrong previous root are refused; the check state is unchanged
	// by them, so the right batch 3 still enters.
	dup := m.SignTx(m.outsider, m.batch(t, m.outsider, 1, 1, 7, "dup"))
	m.requireRefused(t, dup, abci.CheckTxType_New, rollupstypes.ErrWrongBatchIndex)
	m.outsider.Seq--
	wrongPrev := m.SignTx(m.outsider, m.batch(t, m.outsider, 3, 5, 8, "three"))
	m.requireRefused(t, wrongPrev, abci.CheckTxType_New, verifier.ErrProofInvalid)
	m.outsider.Seq--
	tx3 := m.SignTx(m.outsider, m.batch(t, m.outsider, 3, 6, 8, "three"))
	m.requireAdmitted(t, tx3, abci.CheckTxType_New)

	// The proposer's block holds all three; a validator that never saw
	// them verifies the three proofs in one multi-pairing.
	proposal, status := proposeAndProcess(t, m.rollupsChain, tx1, tx2, tx3)
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, status)
	require.Equal(t, [][]byte{tx1, tx2, tx3}, proposal)
	pairings, proofs := m.replicaProcess(t, proposal...)
	require.Equal(t, uint64(1), pairings)
	require.Equal(t, uint64(3), proofs)

	before := m.replica.App.RollupsKeeper.VerifyCacheStats()
	res := m.block(proposal...)
	for _, r := range res.TxResults {
		requireTxOK(t, r)
	}
	require.Equal(t, before.ProofsVerified, m.replica.App.RollupsKeeper.VerifyCacheStats().ProofsVerified,
		"FinalizeBlock found every proof verified by the block-level pass")
	m.requireRollup(t, 4, 8)

	// In a block, batch 4 on a wrong previous root fails its transaction
	// and changes nothing.
	bad := m.SignTx(m.operator, m.batch(t, m.operator, 4, 6, 9, "four"))
	res = m.block(bad)
	requireTxFailedWith(t, res.TxResults[0], verifier.ErrProofInvalid)
	m.requireRollup(t, 4, 8)
}

// Several MsgSubmitBatch of one rollup in one transaction pay the ante
// cost (signature, fee, tx bytes) once; a later transaction builds on all
// of them while they are still in the mempool.
func TestMultiBatch_ConsecutiveBatchesInOneTx(t *testing.T) {
	m := newMultiBatchChain(t)
	both := m.SignTx(m.operator, m.batch(t, m.operator, 1, 1, 5, "one"), m.batch(t, m.operator, 2, 5, 6, "two"))
	m.requireAdmitted(t, both, abci.CheckTxType_New)
	third := m.SignTx(m.outsider, m.batch(t, m.outsider, 3, 6, 7, "three"))
	m.requireAdmitted(t, third, abci.CheckTxType_New)

	pairings, proofs := m.replicaProcess(t, both, third)
	require.Equal(t, uint64(1), pairings)
	require.Equal(t, uint64(3), proofs)
	res := m.block(both, third)
	requireTxOK(t, res.TxResults[0])
	requireTxOK(t, res.TxResults[1])
	m.requireRollup(t, 4, 7)
}

// A transaction whose second batch fails is refused whole and leaves the
// check state as it was: its first batch, sent alone, is still admitted.
// In a block, such a transaction fails whole and applies neither batch.
func TestMultiBatch_TxWhoseSecondBatchFailsChangesNothing(t *testing.T) {
	m := newMultiBatchChain(t)
	first := m.batch(t, m.operator, 1, 1, 5, "one")
	badSecond := m.batch(t, m.operator, 2, 1, 6, "two") // proven on the wrong previous root
	tx := m.SignTx(m.operator, first, badSecond)
	m.requireRefused(t, tx, abci.CheckTxType_New, verifier.ErrProofInvalid)
	m.operator.Seq--

	// Out of order within one transaction: refused.
	second := m.batch(t, m.operator, 2, 5, 6, "two")
	m.requireRefused(t, m.SignTx(m.operator, second, first), abci.CheckTxType_New, rollupstypes.ErrWrongBatchIndex)
	m.operator.Seq--

	alone := m.SignTx(m.operator, first)
	m.requireAdmitted(t, alone, abci.CheckTxType_New)
	m.operator.Seq-- // not sent: the block below carries tx instead

	res := m.block(tx)
	require.NotEqual(t, uint32(0), res.TxResults[0].Code)
	requireTxFailedWith(t, res.TxResults[0], verifier.ErrProofInvalid)
	m.requireRollup(t, 1, 1)
}

// ReCheckTx after a commit starts from the committed state and rechecks
// the mempool in order: a batch whose predecessor left the mempool, or
// whose index a block took, is evicted; one whose predecessor is still
// pending stays.
func TestMultiBatch_RecheckEvictsStaleBatches(t *testing.T) {
	m := newMultiBatchChain(t)
	tx1 := m.SignTx(m.operator, m.batch(t, m.operator, 1, 1, 5, "one"))
	tx2 := m.SignTx(m.outsider, m.batch(t, m.outsider, 2, 5, 6, "two"))
	m.requireAdmitted(t, tx1, abci.CheckTxType_New)
	m.requireAdmitted(t, tx2, abci.CheckTxType_New)

	// An empty block: both still pending, rechecked in mempool order.
	m.block()
	m.requireAdmitted(t, tx1, abci.CheckTxType_Recheck)
	m.requireAdmitted(t, tx2, abci.CheckTxType_Recheck)

	// Batch 1 left the mempool (dropped): batch 2 is evicted on recheck.
	m.block()
	m.requireRefused(t, tx2, abci.CheckTxType_Recheck, rollupstypes.ErrWrongBatchIndex)

	// Both again (the mempool rechecks them in order), then a block
	// takes index 1 with another root: batch 1 and the batch 2 built on
	// it are evicted.
	m.requireAdmitted(t, tx1, abci.CheckTxType_Recheck)
	m.requireAdmitted(t, tx2, abci.CheckTxType_Recheck)
	m.operator.Seq-- // the rival takes tx1's sequence
	rival := m.SignTx(m.operator, m.batch(t, m.operator, 1, 1, 9, "rival"))
	res := m.block(rival)
	requireTxOK(t, res.TxResults[0])
	m.requireRefused(t, tx1, abci.CheckTxType_Recheck, sdkerrors.ErrWrongSequence)
	m.requireRefused(t, tx2, abci.CheckTxType_Recheck, verifier.ErrProofInvalid)
	m.requireRollup(t, 2, 9)
}

// Batch i+1 before batch i in a block fails its own transaction; batch i
// still applies, and the block is accepted.
func TestMultiBatch_OutOfOrderInABlockFailsOnlyTheEarlyBatch(t *testing.T) {
	m := newMultiBatchChain(t)
	tx1 := m.SignTx(m.operator, m.batch(t, m.operator, 1, 1, 5, "one"))
	tx2 := m.SignTx(m.outsider, m.batch(t, m.outsider, 2, 5, 6, "two"))
	pairings, proofs := m.replicaProcess(t, tx2, tx1)
	require.LessOrEqual(t, pairings, uint64(1))
	require.Equal(t, pairings, proofs, "only batch 1 is pre-verified: batch 2 is out of order")
	res := m.block(tx2, tx1)
	requireTxFailedWith(t, res.TxResults[0], rollupstypes.ErrWrongBatchIndex)
	requireTxOK(t, res.TxResults[1])
	m.requireRollup(t, 2, 5)
}

// One bundle may carry consecutive batches of one rollup; a lone batch
// built on the bundle's last one is admitted while the bundle is pending.
func TestMultiBatch_BundleOfConsecutiveBatchesThenALoneOne(t *testing.T) {
	m := newMultiBatchChain(t)
	bundle := m.SignTx(m.operator, &crossrolluptypes.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{
		m.batch(t, m.operator, 1, 1, 5, "one"), m.batch(t, m.operator, 2, 5, 6, "two"),
	}})
	m.requireAdmitted(t, bundle, abci.CheckTxType_New)
	third := m.SignTx(m.outsider, m.batch(t, m.outsider, 3, 6, 7, "three"))
	m.requireAdmitted(t, third, abci.CheckTxType_New)

	pairings, proofs := m.replicaProcess(t, bundle, third)
	require.Equal(t, uint64(1), pairings)
	require.Equal(t, uint64(3), proofs)
	res := m.block(bundle, third)
	requireTxOK(t, res.TxResults[0])
	requireTxOK(t, res.TxResults[1])
	m.requireRollup(t, 4, 7)
}
