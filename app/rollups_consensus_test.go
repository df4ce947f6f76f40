package app_test

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// registeredRollupsChain is a chain with rollup "payments" registered.
func registeredRollupsChain(t *testing.T) rollupsChain {
	t.Helper()
	c := newRollupsChain(t)
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	res := c.NextBlock(c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
		Admin: c.admin.Address.String(), RollupId: "payments", VerifyingKey: rollupsProver(t).VerifyingKey(),
		GenesisStateRoot: elementBytes(1), Operators: []string{c.operator.Address.String()}, Bond: params.MinOperatorBond,
	}))
	requireTxOK(t, res.TxResults[0])
	return c
}

func tamperedBatchTx(t *testing.T, c rollupsChain, newRoot uint64) []byte {
	t.Helper()
	msg := c.batchMsg(t, c.operator, "payments", 0, elementBytes(newRoot), []byte("data"))
	msg.NewStateRoot = elementBytes(newRoot + 1) // the proof attests to another root
	return c.SignTx(c.operator, msg)
}

func TestCheckTx_RejectsInvalidBatchProofBeforeTheMempool(t *testing.T) {
	c := registeredRollupsChain(t)

	res, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: tamperedBatchTx(t, c, 5), Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, verifier.ErrProofInvalid.ABCICode(), res.Code, res.Log)
	require.Equal(t, verifier.Codespace, res.Codespace)

	c.operator.Seq-- // the rejected tx did not use the sequence
	res, err = c.App.CheckTx(&abci.RequestCheckTx{Tx: c.batchTx(t, c.operator, "payments", 0, elementBytes(5), []byte("data")), Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, uint32(0), res.Code, res.Log)
	require.GreaterOrEqual(t, res.GasUsed, int64(rollupstypes.DefaultVerifyProofGas), "verification gas is charged in CheckTx")
}

func TestCheckTx_RejectsStaleIndexAndNonOperator(t *testing.T) {
	c := registeredRollupsChain(t)

	// An index other than the next one.
	res, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: c.batchTx(t, c.operator, "payments", 7, elementBytes(5), []byte("d")), Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, rollupstypes.ErrWrongBatchIndex.ABCICode(), res.Code, res.Log)
	c.operator.Seq--

	// A correctly proven batch signed by someone who is not an operator.
	res, err = c.App.CheckTx(&abci.RequestCheckTx{Tx: c.batchTx(t, c.outsider, "payments", 0, elementBytes(5), []byte("d")), Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, rollupstypes.ErrNotOperator.ABCICode(), res.Code, res.Log)
}

func processProposal(t *testing.T, c rollupsChain, txs ...[]byte) abci.ResponseProcessProposal_ProposalStatus {
	t.Helper()
	res, err := c.App.ProcessProposal(&abci.RequestProcessProposal{
		Height: c.App.LastBlockHeight() + 1, Time: c.Time, Txs: txs,
	})
	require.NoError(t, err)
	return res.Status
}

// A bad proof fails its own transaction, never the proposal: rejecting
// the block for one transaction's content lets PrepareProposal and
// ProcessProposal disagree and halt the chain (security review 2026-12, C1).
func TestProcessProposal_AcceptsABlockWithAnInvalidBatchProofAndFailsOnlyItsTx(t *testing.T) {
	c := registeredRollupsChain(t)

	bad := tamperedBatchTx(t, c, 5)
	good := c.batchTx(t, c.operator, "payments", 0, elementBytes(5), []byte("data"))
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, processProposal(t, c, good))
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, processProposal(t, c, bad))
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, processProposal(t, c, good, bad))
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, processProposal(t, c, bad, good))

	// In the block, the bad proof fails its tx (which pays its fee) and
	// the good batch applies.
	res := c.NextBlock(bad, good)
	requireTxFailedWith(t, res.TxResults[0], verifier.ErrProofInvalid)
	requireTxOK(t, res.TxResults[1])
	require.Equal(t, uint64(2), c.rollup(t, "payments").NextBatchIndex)
}

func TestProcessProposal_AcceptsConsecutiveBatchesOfOneRollup(t *testing.T) {
	c := registeredRollupsChain(t)

	// Batch 2 is proven on top of batch 1's root, both in one block.
	first := c.batchMsg(t, c.operator, "payments", 0, elementBytes(5), []byte("one"))
	secondProof, err := rollupsProver(t).Prove(protocol.BatchCommitment{
		ChainID: c.Context().ChainID(), RollupID: "payments", BatchIndex: 2,
		PrevStateRoot: mustRoot(t, elementBytes(5)), NewStateRoot: mustRoot(t, elementBytes(6)),
		DAHash:      protocol.DAHash([]byte("two")),
		InboxBefore: protocol.InboxAccumulatorGenesis(), InboxAfter: protocol.InboxAccumulatorGenesis(),
		OutboxHash: protocol.OutboxHash(nil), Submitter: c.operator.Address,
	})
	require.NoError(t, err)
	second := &rollupstypes.MsgSubmitBatch{
		Submitter: c.operator.Address.String(), RollupId: "payments", BatchIndex: 2,
		NewStateRoot: elementBytes(6), Data: []byte("two"), Proof: secondProof,
	}
	txs := [][]byte{c.SignTx(c.operator, first), c.SignTx(c.operator, second)}
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, processProposal(t, c, txs...))

	res := c.NextBlock(txs...)
	requireTxOK(t, res.TxResults[0])
	requireTxOK(t, res.TxResults[1])
	require.Equal(t, uint64(3), c.rollup(t, "payments").NextBatchIndex)
}

func mustRoot(t *testing.T, bz []byte) fr.Element {
	t.Helper()
	root, err := protocol.ParseStateRoot(bz)
	require.NoError(t, err)
	return root
}
