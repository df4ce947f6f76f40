package keeper_test

import (
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
)

// The rollup record names its key by hash; the bytes are stored once, by
// hash, and queries and genesis show them.
func TestRegisterRollup_StoresVerifyingKeyOnceByHash(t *testing.T) {
	f := newFixture(t)
	msg := f.registerMsg(t, rollupID)
	_, err := f.msgServer.RegisterRollup(f.ctx, msg)
	require.NoError(t, err)
	h := sha256.Sum256(msg.VerifyingKey)

	stored, err := f.keeper.RollupInfos.Get(f.ctx, rollupID) // the cold part of the record
	require.NoError(t, err)
	require.Nil(t, stored.VerifyingKey, "the record holds the hash only")
	require.Equal(t, h[:], stored.VkHash)
	bz, err := f.keeper.VerifyingKeys.Get(f.ctx, h[:])
	require.NoError(t, err)
	require.Equal(t, msg.VerifyingKey, bz)
	require.Equal(t, msg.VerifyingKey, f.rollup(t, rollupID).VerifyingKey, "the query shows the bytes")
}

// A batch's gas does not depend on whether this node has the key parsed: a
// node that just imported the state (nothing cached) charges what a node
// that registered the rollup (key cached) charges.
func TestSubmitBatch_GasDoesNotDependOnTheKeyCache(t *testing.T) {
	warm := newFixture(t)
	warm.register(t, rollupID)
	gs, err := warm.keeper.ExportGenesis(warm.ctx)
	require.NoError(t, err)
	cold := newFixture(t)
	require.NoError(t, cold.keeper.InitGenesis(cold.ctx, gs))

	msg := warm.nextBatch(t, rollupID)
	gas := func(f fixture) uint64 {
		ctx := f.ctx.WithGasMeter(storetypes.NewGasMeter(10_000_000))
		require.NoError(t, f.keeper.CheckBatch(ctx, msg))
		return ctx.GasMeter().GasConsumed()
	}
	require.Equal(t, gas(warm), gas(cold))
}
