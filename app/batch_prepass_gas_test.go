package app_test

import (
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
)

// M1 (December 2026 review, follow-up): the block-level pass counted a
// transaction's batches against the block's batch gas budget, but not
// against the gas the transaction itself declared. A proposer's
// transaction with a gas limit that covers its ante handler but not its
// batches (verify_proof_gas each) passed the pass's ante check, so every
// validator DA-hashed and verified its batches in ProcessProposal and
// PreBlock; in FinalizeBlock the transaction ran out of gas before
// planBatch's charge and paid only for its ante. The pass must consider a
// transaction's batches only when the gas left after its ante covers
// them, so the work is bounded by gas the block declares.
func TestProcessProposal_BatchesWhoseTxGasCannotCoverThemAreNotPreVerified(t *testing.T) {
	c := registeredRollupsChain(t)
	const n = 4
	msgs := chainedBatches(t, c, n, 16)
	before := c.rollup(t, "payments")
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)

	sdkMsgs := make([]sdk.Msg, n)
	for i, m := range msgs {
		sdkMsgs[i] = m
	}
	// A gas limit enough for the ante handler (signature, 10 gas per tx
	// byte, the fee) but short of the first batch's own charge: CheckTx,
	// which charges the batches before any work, runs out of gas there.
	require.GreaterOrEqual(t, params.VerifyProofGas, uint64(20_000))
	size := uint64(len(signAt(t, c, c.operator, c.operator.Seq, 1, sdkMsgs...)))
	var tx []byte
	for extra := uint64(10_000); extra <= 200_000 && tx == nil; extra += 2_000 {
		bz := signAt(t, c, c.operator, c.operator.Seq, 10*size+extra, sdkMsgs...)
		res, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: bz, Type: abci.CheckTxType_New})
		require.NoError(t, err)
		if strings.Contains(res.Log, "rollups: batch proof verification") {
			tx = bz
		}
	}
	require.NotNil(t, tx, "no gas limit between the ante handler's and the batches' charge")

	stats := c.App.RollupsKeeper.VerifyCacheStats()
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, processProposal(t, c, tx))
	res := c.NextBlock(tx)
	work := c.App.RollupsKeeper.VerifyCacheStats()
	// The transaction passed ante (it paid its fee, its sequence moved)
	// and ran out of gas at the batches' charge, before any hashing.
	requireTxFailedWith(t, res.TxResults[0], sdkerrors.ErrOutOfGas)
	require.Contains(t, res.TxResults[0].Log, "rollups: batch proof verification")
	acc := c.App.AccountKeeper.GetAccount(c.Context(), c.operator.Address)
	require.Equal(t, c.operator.Seq+1, acc.GetSequence(), "the transaction passed ante")
	require.Zero(t, work.DAHashes-stats.DAHashes, "DA hashes computed for batches whose tx cannot pay for them")
	require.Zero(t, work.ProofsVerified-stats.ProofsVerified, "proofs verified for batches whose tx cannot pay for them")
	require.Equal(t, before.NextBatchIndex, c.rollup(t, "payments").NextBatchIndex)
}
