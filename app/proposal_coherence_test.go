package app_test

import (
	"encoding/json"
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// keyChangeDelay is the vk_update_delay_blocks of the key-change tests:
// the least Params.Validate allows with an inbox deadline of one block, so
// the activation height is reached in about a hundred empty blocks.
const keyChangeDelay = 1 + 2 + rollupstypes.MinExitReactionBlocks

// newRollupsChainWithKeyDelay is a rollups chain whose verifying-key
// changes apply keyChangeDelay blocks after they are scheduled, with rollup
// "payments" registered under rollupsProver's key.
func newRollupsChainWithKeyDelay(t *testing.T) rollupsChain {
	t.Helper()
	genesis, accounts := apptest.NewGenesis(t, 3)
	var state map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(genesis, &state))
	var rollups map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(state[rollupstypes.ModuleName], &rollups))
	var params map[string]any
	require.NoError(t, json.Unmarshal(rollups["params"], &params))
	params["inbox_deadline_blocks"] = "1"
	params["vk_update_delay_blocks"] = strconv.FormatUint(keyChangeDelay, 10)
	var err error
	rollups["params"], err = json.Marshal(params)
	require.NoError(t, err)
	state[rollupstypes.ModuleName], err = json.Marshal(rollups)
	require.NoError(t, err)
	genesis, err = json.Marshal(state)
	require.NoError(t, err)

	chain := apptest.NewChain(t, genesis, accounts)
	c := rollupsChain{Chain: chain, admin: chain.Accounts[0], operator: chain.Accounts[1], outsider: chain.Accounts[2]}
	p, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	require.Equal(t, uint64(keyChangeDelay), p.VkUpdateDelayBlocks)
	res := c.NextBlock(c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
		Admin: c.admin.Address.String(), RollupId: "payments", VerifyingKey: rollupsProver(t).VerifyingKey(),
		GenesisStateRoot: elementBytes(1), Operators: []string{c.operator.Address.String()}, Bond: p.MinOperatorBond,
	}))
	requireTxOK(t, res.TxResults[0])
	return c
}

// scheduleKeyChange schedules newKey for "payments" and returns its
// activation height.
func (c rollupsChain) scheduleKeyChange(t *testing.T, newKey []byte) int64 {
	t.Helper()
	res := c.NextBlock(c.SignTx(c.admin, &rollupstypes.MsgUpdateVerifyingKey{
		Admin: c.admin.Address.String(), RollupId: "payments", VerifyingKey: newKey,
	}))
	requireTxOK(t, res.TxResults[0])
	pending := c.rollup(t, "payments").PendingVerifyingKey
	require.NotNil(t, pending)
	return pending.ActivationHeight
}

// proposeAndProcess runs this node's PrepareProposal at the next height
// over the mempool's txs, then ProcessProposal on what it built, as
// CometBFT does for the proposer and for every validator.
func proposeAndProcess(t *testing.T, c rollupsChain, mempool ...[]byte) ([][]byte, abci.ResponseProcessProposal_ProposalStatus) {
	t.Helper()
	height := c.App.LastBlockHeight() + 1
	prep, err := c.App.PrepareProposal(&abci.RequestPrepareProposal{
		Height: height, Time: c.Time, Txs: mempool, MaxTxBytes: 4 << 20,
	})
	require.NoError(t, err)
	proc, err := c.App.ProcessProposal(&abci.RequestProcessProposal{
		Height: height, Time: c.Time, Txs: prep.Txs,
	})
	require.NoError(t, err)
	return prep.Txs, proc.Status
}

// C1: a batch proven under the old key is admitted before a scheduled key
// change and still in the mempool at the activation height. Every proposer
// at that height includes it; if honest validators rejected the proposal
// for it, every round would be rejected and the chain would halt.
func TestProcessProposal_KeyActivationWithOldKeyBatchInMempoolDoesNotHalt(t *testing.T) {
	c := newRollupsChainWithKeyDelay(t)
	newProver, err := batchprover.New()
	require.NoError(t, err)
	activation := c.scheduleKeyChange(t, newProver.VerifyingKey())
	for c.App.LastBlockHeight() < activation-2 {
		c.NextBlock()
	}
	before := c.rollup(t, "payments")

	// At A-2 the old-key batch is admitted: it can still land in A-1.
	oldKeyBatch := c.batchTx(t, c.operator, "payments", 0, elementBytes(5), []byte("old key"))
	res, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: oldKeyBatch, Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, uint32(0), res.Code, res.Log)

	// Block A-1 does not include it; the mempool rechecks it after commit.
	c.NextBlock()
	recheck, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: oldKeyBatch, Type: abci.CheckTxType_Recheck})
	require.NoError(t, err)

	// A node whose mempool still holds it (gossiped before the recheck, or
	// any other proposer) proposes block A with it.
	txs, status := proposeAndProcess(t, c, oldKeyBatch)
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, status,
		"ProcessProposal at the activation height %d must accept what PrepareProposal built", activation)

	// The block commits; only the stale batch's tx fails.
	block := c.NextBlock(txs...)
	for _, r := range block.TxResults {
		requireTxFailedWith(t, r, verifier.ErrProofInvalid)
	}
	require.Equal(t, before.NextBatchIndex, c.rollup(t, "payments").NextBatchIndex)

	// ReCheckTx after A-1 evaluates the batch at A, the height it can land
	// in, so the old-key batch leaves the mempool.
	require.Equal(t, verifier.ErrProofInvalid.ABCICode(), recheck.Code, "recheck after A-1 must evict the old-key batch: %s", recheck.Log)
	require.Equal(t, verifier.Codespace, recheck.Codespace)

	// The chain goes on, and a batch under the new key lands.
	msg := c.batchMsg(t, c.operator, "payments", 0, elementBytes(5), []byte("new key"))
	msg.Proof, err = newProver.Prove(batchCommitmentOf(t, c, msg))
	require.NoError(t, err)
	next := c.SignTx(c.operator, msg)
	txs, status = proposeAndProcess(t, c, next)
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, status)
	block = c.NextBlock(txs...)
	requireTxOK(t, block.TxResults[0])
	require.Equal(t, before.NextBatchIndex+1, c.rollup(t, "payments").NextBatchIndex)
}

// batchCommitmentOf is the statement the chain builds for msg against the
// committed state (no inbox, no outbox).
func batchCommitmentOf(t *testing.T, c rollupsChain, msg *rollupstypes.MsgSubmitBatch) protocol.BatchCommitment {
	t.Helper()
	r := c.rollup(t, msg.RollupId)
	acc0 := protocol.InboxAccumulatorGenesis()
	return protocol.BatchCommitment{
		ChainID: apptest.ChainID, RollupID: msg.RollupId, BatchIndex: msg.BatchIndex,
		PrevStateRoot: mustRoot(t, r.StateRoot), NewStateRoot: mustRoot(t, msg.NewStateRoot),
		DAHash: protocol.DAHash(msg.Data), InboxBefore: acc0, InboxAfter: acc0,
		OutboxHash: protocol.OutboxHash(nil), L2TxCount: msg.L2TxCount, Submitter: c.operator.Address,
	}
}
