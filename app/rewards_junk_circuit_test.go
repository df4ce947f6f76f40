package app_test

import (
	"crypto/sha256"
	"encoding/json"
	"math/rand"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	rewardskeeper "github.com/nativechain/nativechain/x/rewards/keeper"
	rewardstypes "github.com/nativechain/nativechain/x/rewards/types"
	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// The review's H4 scenario (docs/spec/rewards.md, "The junk-circuit
// attack"): a 20-block epoch in which an honest payments operator posts a
// full batch (16 transfers in 192 bytes) in every block, and an attacker
// registers a rollup with a circuit of its own and posts one 128 KiB batch
// of junk that claims one transaction per byte.
const (
	junkEpochLength  = 20
	junkTxFee        = 10_000 // unat per transaction, as apptest signs
	honestBatchBytes = 192
	honestBatchTxs   = 16
	junkBatchBytes   = 128 * 1024
)

// claimedBatch is submitter's next batch of rollup id, carrying data and
// claiming l2Txs transactions, proven by p (the rollup's own circuit,
// whatever it constrains).
func claimedBatch(t *testing.T, c rollupsChain, p *batchprover.Prover, submitter *apptest.Account, id string, root uint64, data []byte, l2Txs uint64) *rollupstypes.MsgSubmitBatch {
	t.Helper()
	r := c.rollup(t, id)
	prev, err := protocol.ParseStateRoot(r.StateRoot)
	require.NoError(t, err)
	newRoot := elementBytes(root)
	next, err := protocol.ParseStateRoot(newRoot)
	require.NoError(t, err)
	acc0 := protocol.InboxAccumulatorGenesis()
	proof, err := p.Prove(protocol.BatchCommitment{
		ChainID: apptest.ChainID, RollupID: id, BatchIndex: r.NextBatchIndex,
		PrevStateRoot: prev, NewStateRoot: next, DAHash: protocol.DAHash(data),
		InboxBefore: acc0, InboxAfter: acc0, OutboxHash: protocol.OutboxHash(nil),
		L2TxCount: l2Txs, Submitter: submitter.Address,
	})
	require.NoError(t, err)
	return &rollupstypes.MsgSubmitBatch{
		Submitter: submitter.Address.String(), RollupId: id, BatchIndex: r.NextBatchIndex,
		NewStateRoot: newRoot, Data: data, Proof: proof, L2TxCount: l2Txs,
	}
}

// signLargeTx signs msgs with enough gas for a 128 KiB batch.
func signLargeTx(t *testing.T, c rollupsChain, from *apptest.Account, msgs ...sdk.Msg) []byte {
	t.Helper()
	txCfg := c.App.TxConfig()
	tx, err := simtestutil.GenSignedMockTx(rand.New(rand.NewSource(11)), txCfg, msgs,
		sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(junkTxFee))), 4_000_000, apptest.ChainID,
		[]uint64{from.Number}, []uint64{from.Seq}, from.PrivKey)
	require.NoError(t, err)
	bz, err := txCfg.TxEncoder()(tx)
	require.NoError(t, err)
	from.Seq++
	return bz
}

// withApprovedKeys sets x/rewards' genesis approvals.
func withApprovedKeys(t *testing.T, genesis []byte, keys ...rewardstypes.ApprovedRollupKey) []byte {
	t.Helper()
	var state map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(genesis, &state))
	var rewards map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(state[rewardstypes.ModuleName], &rewards))
	var err error
	rewards["approved_keys"], err = json.Marshal(keys)
	require.NoError(t, err)
	state[rewardstypes.ModuleName], err = json.Marshal(rewards)
	require.NoError(t, err)
	out, err := json.Marshal(state)
	require.NoError(t, err)
	return out
}

func TestRewards_JunkCircuitCannotTakeTheOperatorPot(t *testing.T) {
	honestProver, junkProver := rollupsProver(t), otherKeyProver(t)
	genesis, accounts := apptest.NewGenesis(t, 3)
	genesis = withModuleParam(t, genesis, rewardstypes.ModuleName, "epoch_length", strconv.Itoa(junkEpochLength))
	// Governance approved the payments circuit for the payments rollup; the
	// attacker's key was never approved.
	honestKeyHash := sha256.Sum256(honestProver.VerifyingKey())
	genesis = withApprovedKeys(t, genesis, rewardstypes.ApprovedRollupKey{RollupId: "payments", VkHash: honestKeyHash[:]})
	base := apptest.NewChain(t, genesis, accounts)
	c := rollupsChain{Chain: base, admin: base.Accounts[0], operator: base.Accounts[1], outsider: base.Accounts[2]}
	attacker := c.outsider
	ctx := c.Context()
	rollupsParams, err := c.App.RollupsKeeper.Params.Get(ctx)
	require.NoError(t, err)
	rewardsParams, err := c.App.RewardsKeeper.Params.Get(ctx)
	require.NoError(t, err)
	epoch, err := c.App.RewardsKeeper.Epoch.Get(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(1), epoch.Number)

	// ARRANGE: the honest payments rollup and the attacker's rollup, whose
	// circuit proves whatever it is given.
	res := c.NextBlock(
		c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
			Admin: c.admin.Address.String(), RollupId: "payments", VerifyingKey: honestProver.VerifyingKey(),
			GenesisStateRoot: elementBytes(1), Operators: []string{c.operator.Address.String()}, Bond: rollupsParams.MinOperatorBond,
		}),
		c.SignTx(attacker, &rollupstypes.MsgRegisterRollup{
			Admin: attacker.Address.String(), RollupId: "junk", VerifyingKey: junkProver.VerifyingKey(),
			GenesisStateRoot: elementBytes(1), Operators: []string{attacker.Address.String()}, Bond: rollupsParams.MinOperatorBond,
		}),
	)
	for _, r := range res.TxResults {
		requireTxOK(t, r)
	}

	// ACT: a full honest batch in every remaining block of epoch 1; one junk
	// batch claiming one transaction per byte.
	honestData := make([]byte, honestBatchBytes)
	junkData := make([]byte, junkBatchBytes)
	for i := range junkData {
		junkData[i] = byte(i)
	}
	honestFees, junkFees := sdkmath.ZeroInt(), sdkmath.ZeroInt()
	honestBatches := 0
	for root := uint64(2); c.App.LastBlockHeight() < int64(junkEpochLength); root++ {
		honestData[0] = byte(root)
		txs := [][]byte{c.SignTx(c.operator, claimedBatch(t, c, honestProver, c.operator, "payments", root, honestData, honestBatchTxs))}
		honestFees = honestFees.Add(rewardsParams.BatchFee(honestBatchBytes).AmountOf(app.BondDenom))
		honestBatches++
		if root == 2 {
			txs = append(txs, signLargeTx(t, c, attacker, claimedBatch(t, c, junkProver, attacker, "junk", 2, junkData, junkBatchBytes)))
			junkFees = junkFees.Add(rewardsParams.BatchFee(junkBatchBytes).AmountOf(app.BondDenom))
		}
		res := c.NextBlock(txs...)
		for _, r := range res.TxResults {
			requireTxOK(t, r)
		}
	}
	require.NoError(t, c.App.RewardsKeeper.CheckPoolInvariant(c.Context()))

	// ASSERT: epoch 1 is closed and credited in the EndBlock of block 20.
	q := rewardskeeper.NewQueryServerImpl(c.App.RewardsKeeper)
	payouts, err := q.Payouts(c.Context(), &rewardstypes.QueryPayoutsRequest{})
	require.NoError(t, err)
	require.Len(t, payouts.Payouts, 1, "epoch 1 is paid")
	pot := payouts.Payouts[0].OperatorPot.AmountOf(app.BondDenom)
	credited := func(a *apptest.Account) sdkmath.Int {
		p, err := q.PendingRewards(c.Context(), &rewardstypes.QueryPendingRewardsRequest{Operator: a.Address.String()})
		require.NoError(t, err)
		return p.Amount.AmountOf(app.BondDenom)
	}
	honest, junk := credited(c.operator), credited(attacker)
	t.Logf("operator pot %s; honest: %d batches, paid %s in batch fees (+%d tx fees), credited %s; junk: paid %s in batch fees (+%d tx fee), credited %s",
		pot, honestBatches, honestFees, honestBatches*junkTxFee, honest, junkFees, junkTxFee, junk)

	require.Truef(t, junk.LTE(junkFees), "the junk rollup earns at most what it paid in: credited %s, paid %s", junk, junkFees)
	require.Equal(t, rewardsParams.OperatorShare.MulInt(junkFees).TruncateInt().String(), junk.String(),
		"an unapproved rollup gets back the operator share of its batch fee, whatever it claims")
	require.Truef(t, honest.GT(junk.MulRaw(10)), "the honest operator gets the pot: honest %s, junk %s", honest, junk)
	require.Truef(t, honest.Add(junk).Add(sdkmath.NewInt(2)).GTE(pot), "the pot is paid out, up to rounding: pot %s, honest %s, junk %s", pot, honest, junk)
}
