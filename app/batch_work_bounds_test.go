package app_test

import (
	"bytes"
	"math/rand"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// signAt signs msgs from an account at an explicit sequence and gas limit,
// leaving the account's tracked sequence alone.
func signAt(t *testing.T, c rollupsChain, from *apptest.Account, seq, gas uint64, msgs ...sdk.Msg) []byte {
	t.Helper()
	txCfg := c.App.TxConfig()
	tx, err := simtestutil.GenSignedMockTx(rand.New(rand.NewSource(int64(seq))), txCfg, msgs,
		sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(10_000))), gas, apptest.ChainID,
		[]uint64{from.Number}, []uint64{seq}, from.PrivKey)
	require.NoError(t, err)
	bz, err := txCfg.TxEncoder()(tx)
	require.NoError(t, err)
	return bz
}

// chainedBatches proves n consecutive batches of "payments" on top of the
// committed state, each with its own data, all submitted by the operator.
func chainedBatches(t *testing.T, c rollupsChain, n int, dataBytes int) []*rollupstypes.MsgSubmitBatch {
	t.Helper()
	r := c.rollup(t, "payments")
	prev := mustRoot(t, r.StateRoot)
	acc0 := protocol.InboxAccumulatorGenesis()
	out := make([]*rollupstypes.MsgSubmitBatch, n)
	for i := range out {
		index := r.NextBatchIndex + uint64(i)
		data := bytes.Repeat([]byte{byte(i + 1)}, dataBytes)
		next := mustRoot(t, elementBytes(100+index))
		proof, err := rollupsProver(t).Prove(protocol.BatchCommitment{
			ChainID: apptest.ChainID, RollupID: "payments", BatchIndex: index,
			PrevStateRoot: prev, NewStateRoot: next, DAHash: protocol.DAHash(data),
			InboxBefore: acc0, InboxAfter: acc0, OutboxHash: protocol.OutboxHash(nil),
			L2TxCount: 1, Submitter: c.operator.Address,
		})
		require.NoError(t, err)
		out[i] = &rollupstypes.MsgSubmitBatch{
			Submitter: c.operator.Address.String(), RollupId: "payments", BatchIndex: index,
			NewStateRoot: elementBytes(100 + index), Data: data, Proof: proof, L2TxCount: 1,
		}
		prev = next
	}
	return out
}

// M1: ProcessProposal (and PreBlock) used to verify every batch of a block
// before any ante check, so a proposer could fill its blocks with valid
// batches in transactions signed at a wrong sequence: validators did the
// DA hashing and pairing, every transaction failed ante, nobody paid.
func TestProcessProposal_ProposerCannotPackFreeUnmeteredBatchWork(t *testing.T) {
	c := registeredRollupsChain(t)
	const n = 12
	msgs := chainedBatches(t, c, n, 1024)
	before := c.rollup(t, "payments")

	// Every transaction is signed far ahead of the operator's sequence.
	free := make([][]byte, n)
	for i, m := range msgs {
		free[i] = signAt(t, c, c.operator, c.operator.Seq+100+uint64(i), 1_000_000, m)
	}
	stats := c.App.RollupsKeeper.VerifyCacheStats()
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, processProposal(t, c, free...))
	res := c.NextBlock(free...) // PreBlock runs the block-level pass too
	work := c.App.RollupsKeeper.VerifyCacheStats()
	require.Zero(t, work.DAHashes-stats.DAHashes, "DA hashes computed for batches nobody pays for")
	require.Zero(t, work.ProofsVerified-stats.ProofsVerified, "proofs verified for batches nobody pays for")
	for _, r := range res.TxResults {
		requireTxFailedWith(t, r, sdkerrors.ErrWrongSequence)
	}
	require.Equal(t, before.NextBatchIndex, c.rollup(t, "payments").NextBatchIndex)

	// The same batches, paid for, are pre-verified in one multi-pairing
	// and not verified again when they execute.
	paid := make([][]byte, n)
	for i, m := range msgs {
		paid[i] = c.SignTx(c.operator, m)
	}
	stats = c.App.RollupsKeeper.VerifyCacheStats()
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, processProposal(t, c, paid...))
	res = c.NextBlock(paid...)
	work = c.App.RollupsKeeper.VerifyCacheStats()
	for _, r := range res.TxResults {
		requireTxOK(t, r)
	}
	require.Equal(t, uint64(n), work.ProofsVerified-stats.ProofsVerified, "each paid proof verified once")
	require.Equal(t, uint64(n), work.DAHashes-stats.DAHashes, "each paid batch hashed once")
	require.Equal(t, before.NextBatchIndex+n, c.rollup(t, "payments").NextBatchIndex)
}

// M1: the block gas limit bounds FinalizeBlock (the SDK's block gas meter
// is off) only if ProcessProposal checks the gas the transactions declare,
// as the SDK's PrepareProposal selects by it.
func TestProcessProposal_RejectsDeclaredGasOverTheBlockLimit(t *testing.T) {
	c := registeredRollupsChain(t)
	maxGas := uint64(c.App.GetConsensusParams(c.Context()).Block.MaxGas)
	require.Positive(t, maxGas)
	half := maxGas/2 + 1
	msg := c.batchMsg(t, c.operator, "payments", 0, elementBytes(5), []byte("data"))
	over := [][]byte{
		signAt(t, c, c.operator, c.operator.Seq, half, msg),
		signAt(t, c, c.operator, c.operator.Seq+1, half, msg),
	}
	require.Equal(t, abci.ResponseProcessProposal_REJECT, processProposal(t, c, over...))
	within := [][]byte{signAt(t, c, c.operator, c.operator.Seq, half, msg)}
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, processProposal(t, c, within...))
}

// M3: CheckTx work is metered but unpaid when the transaction is refused.
// A bundle whose last batch is malformed used to have its earlier batches
// DA-hashed and verified first; every batch must pass the cheap checks
// before any is hashed, and one transaction's batches are bounded in size.
func TestCheckTx_MalformedBatchInABundleIsRefusedBeforeAnyHashing(t *testing.T) {
	c := registeredRollupsChain(t)
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)

	msgs := chainedBatches(t, c, 3, int(params.MaxBatchDataBytes)*3/4)
	malformed := *msgs[1]
	malformed.Proof = malformed.Proof[:10] // wrong length: ParseProof refuses it
	bundle := &crossrolluptypes.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{msgs[0], &malformed}}

	stats := c.App.RollupsKeeper.VerifyCacheStats()
	res, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: signAt(t, c, c.operator, c.operator.Seq, 5_000_000, bundle), Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, verifier.ErrProofLength.ABCICode(), res.Code, res.Log)
	require.Equal(t, verifier.Codespace, res.Codespace, res.Log)
	work := c.App.RollupsKeeper.VerifyCacheStats()
	require.Zero(t, work.DAHashes-stats.DAHashes, "no batch of a refused bundle is hashed")
	require.Zero(t, work.ProofsVerified-stats.ProofsVerified, "no batch of a refused bundle is verified")

	// Three well-formed batches of 3/4 of the cap each: over twice the cap
	// in one transaction, refused before hashing.
	big := &crossrolluptypes.MsgSubmitBundle{Batches: msgs}
	res, err = c.App.CheckTx(&abci.RequestCheckTx{Tx: signAt(t, c, c.operator, c.operator.Seq, 5_000_000, big), Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, rollupstypes.ErrBatchDataTooLarge.ABCICode(), res.Code, res.Log)
	require.Equal(t, rollupstypes.ModuleName, res.Codespace, res.Log)
	work = c.App.RollupsKeeper.VerifyCacheStats()
	require.Zero(t, work.DAHashes-stats.DAHashes, "an oversized bundle is not hashed")

	// Two of them fit, and are admitted.
	fits := &crossrolluptypes.MsgSubmitBundle{Batches: msgs[:2]}
	res, err = c.App.CheckTx(&abci.RequestCheckTx{Tx: signAt(t, c, c.operator, c.operator.Seq, 5_000_000, fits), Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, uint32(0), res.Code, res.Log)
}
