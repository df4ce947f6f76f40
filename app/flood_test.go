package app_test

import (
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// floodSize is how many invalid-proof transactions the flood test sends:
// enough for a stable per-tx figure, small enough for `go test`.
const floodSize = 200

// floodChain is a chain with "payments" registered, for any testing.TB.
func floodChain(tb testing.TB) (rollupsChain, *rollupstypes.MsgSubmitBatch) {
	tb.Helper()
	appProverOnce.Do(func() { appProver, appProverErr = batchprover.New() })
	require.NoError(tb, appProverErr)
	base := apptest.Setup(tb, 3)
	c := rollupsChain{Chain: base, admin: base.Accounts[0], operator: base.Accounts[1], outsider: base.Accounts[2]}
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(tb, err)
	res := c.NextBlock(c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
		Admin: c.admin.Address.String(), RollupId: "payments", VerifyingKey: appProver.VerifyingKey(),
		GenesisStateRoot: elementBytes(1), Operators: []string{c.operator.Address.String()}, Bond: params.MinOperatorBond,
	}))
	require.Equal(tb, uint32(0), res.TxResults[0].Code, res.TxResults[0].Log)

	// A valid batch 1, proven against the committed state.
	r, err := c.App.RollupsKeeper.GetRollup(c.Context(), "payments")
	require.NoError(tb, err)
	prev, err := protocol.ParseStateRoot(r.StateRoot)
	require.NoError(tb, err)
	acc := protocol.InboxAccumulatorGenesis()
	data := []byte("flood batch data")
	next, err := protocol.ParseStateRoot(elementBytes(2))
	require.NoError(tb, err)
	proof, err := appProver.Prove(protocol.BatchCommitment{
		ChainID: apptest.ChainID, RollupID: "payments", BatchIndex: 1,
		PrevStateRoot: prev, NewStateRoot: next, DAHash: protocol.DAHash(data),
		InboxBefore: acc, InboxAfter: acc, OutboxHash: protocol.OutboxHash(nil),
		L2TxCount: 1, Submitter: c.operator.Address,
	})
	require.NoError(tb, err)
	return c, &rollupstypes.MsgSubmitBatch{
		Submitter: c.operator.Address.String(), RollupId: "payments", BatchIndex: 1,
		NewStateRoot: elementBytes(2), Data: data, Proof: proof, L2TxCount: 1,
	}
}

// floodTxs are n transactions carrying valid's proof for n other new roots
// (n distinct statements, so nothing can be cached), all signed at the
// operator's current sequence: a refused tx never uses it.
func floodTxs(c rollupsChain, valid *rollupstypes.MsgSubmitBatch, n int, mutate func(*rollupstypes.MsgSubmitBatch)) [][]byte {
	txs := make([][]byte, n)
	for i := range txs {
		m := *valid
		m.NewStateRoot = elementBytes(uint64(1_000 + i))
		if mutate != nil {
			mutate(&m)
		}
		txs[i] = c.SignTx(c.operator, &m)
		c.operator.Seq--
	}
	return txs
}

// floodCost sends txs through CheckTx, requires each to be refused with
// want, and returns the mean gas and wall time per tx.
func floodCost(tb testing.TB, c rollupsChain, txs [][]byte, want *errorsmod.Error) (gas int64, wall time.Duration) {
	tb.Helper()
	start := time.Now()
	for i, tx := range txs {
		res, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
		require.NoError(tb, err)
		require.Equal(tb, want.Codespace(), res.Codespace, "tx %d: %s", i, res.Log)
		require.Equal(tb, want.ABCICode(), res.Code, "tx %d: %s", i, res.Log)
		gas += res.GasUsed
	}
	n := int64(len(txs))
	return gas / n, time.Since(start) / time.Duration(n)
}

// TestCheckTx_InvalidProofFloodIsRefusedAtTheAnteStage sends floodSize
// transactions whose proofs do not verify (the worst case: full pairing
// work) and floodSize with malformed proofs through CheckTx, and reports
// the cost of each against one valid verification. Every one is refused by
// the ante decorator, before the mempool: no fee is taken and the
// operator's sequence is not used, so the honest batch at that same
// sequence is still admitted afterwards.
func TestCheckTx_InvalidProofFloodIsRefusedAtTheAnteStage(t *testing.T) {
	c, valid := floodChain(t)
	r, err := c.App.RollupsKeeper.GetRollup(c.Context(), "payments")
	require.NoError(t, err)
	before, err := r.Marshal()
	require.NoError(t, err)
	balance := c.balance(c.operator.Address)

	invalidGas, invalidWall := floodCost(t, c, floodTxs(c, valid, floodSize, nil), verifier.ErrProofInvalid)
	malformedGas, malformedWall := floodCost(t, c, floodTxs(c, valid, floodSize, func(m *rollupstypes.MsgSubmitBatch) {
		m.Proof = m.Proof[:len(m.Proof)-1]
	}), verifier.ErrProofLength)

	// Nothing changed, not even in the mempool's state: no fee, no sequence.
	require.Equal(t, balance.String(), c.balance(c.operator.Address).String(), "refused in the ante: no fee taken")
	r, err = c.App.RollupsKeeper.GetRollup(c.Context(), "payments")
	require.NoError(t, err)
	after, err := r.Marshal()
	require.NoError(t, err)
	require.Equal(t, before, after)

	// One valid verification at the same sequence, for comparison.
	start := time.Now()
	res, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: c.SignTx(c.operator, valid), Type: abci.CheckTxType_New})
	validWall := time.Since(start)
	require.NoError(t, err)
	require.Equal(t, uint32(0), res.Code, res.Log)
	require.Greater(t, invalidGas, malformedGas, "a proof that parses pays the verification gas a malformed one does not reach")

	t.Logf("CheckTx flood, %d txs each (mean per tx):", floodSize)
	t.Logf("  proof does not verify: %d gas, %s", invalidGas, invalidWall)
	t.Logf("  malformed proof:       %d gas, %s", malformedGas, malformedWall)
	t.Logf("  one valid batch:       %d gas, %s", res.GasUsed, validWall)
}

// BenchmarkCheckTx_InvalidProofFlood measures CheckTx of one batch whose
// proof does not verify (a distinct statement each iteration).
func BenchmarkCheckTx_InvalidProofFlood(b *testing.B) {
	c, valid := floodChain(b)
	txs := floodTxs(c, valid, floodSize, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: txs[i%len(txs)], Type: abci.CheckTxType_New})
		if err != nil || res.Code != verifier.ErrProofInvalid.ABCICode() {
			b.Fatalf("tx %d: %v %d %s", i, err, res.Code, res.Log)
		}
	}
}
