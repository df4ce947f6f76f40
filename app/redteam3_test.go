package app_test

import (
	"fmt"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
)

// Red team 3 (after issue 16): CheckTx applies every batch of a
// transaction in order, verifying each proof, and a transaction refused
// there pays nothing. Before this test, nothing bounded how many batches
// one transaction carries but its gas limit (verify_proof_gas each: up to
// 1,500 at a 30M block gas limit), so one transaction of n consecutive
// batches of the attacker's own rollup whose last batch is bad made every
// node it reached verify n-1 proofs for free, and again for every fresh
// set of proofs. Before issue 16 a second lone batch of the same rollup
// failed its index check without a pairing. Now a transaction's batches,
// lone or bundled, count against max_bundle_batches, checked before any
// is hashed or verified.
func TestRedTeam3_ManyBatchesInOneRefusedTxVerifyNothing(t *testing.T) {
	m := newMultiBatchChain(t)
	params, err := m.App.CrossRollupKeeper.Params.Get(m.Context())
	require.NoError(t, err)
	limit := int(params.MaxBundleBatches)

	var msgs []sdk.Msg
	for i := 0; i <= limit; i++ { // limit+1 valid consecutive batches
		msgs = append(msgs, m.batch(t, m.operator, uint64(i+1), uint64(i+1), uint64(i+2), fmt.Sprintf("batch %d", i+1)))
	}
	// The last one is proven on a wrong previous root: the tx is refused.
	bad := m.batch(t, m.operator, uint64(limit+2), 1, uint64(limit+3), "bad")

	before := m.App.RollupsKeeper.VerifyCacheStats()
	m.requireRefused(t, m.SignTx(m.operator, append(msgs, bad)...), abci.CheckTxType_New, crossrolluptypes.ErrTooManyBatches)
	m.operator.Seq--
	after := m.App.RollupsKeeper.VerifyCacheStats()
	require.Equal(t, before.ProofsVerified, after.ProofsVerified, "a refused transaction of %d batches verified proofs for free", limit+2)
	require.Equal(t, before.DAHashes, after.DAHashes)
	m.requireRollup(t, 1, 1)

	// max_bundle_batches lone batches in one transaction are admitted (the
	// operator sends up to 8), and land.
	tx := m.SignTx(m.operator, msgs[:limit]...)
	m.requireAdmitted(t, tx, abci.CheckTxType_New)
	res := m.block(tx)
	requireTxOK(t, res.TxResults[0])
	m.requireRollup(t, uint64(limit+1), uint64(limit+1))
}
