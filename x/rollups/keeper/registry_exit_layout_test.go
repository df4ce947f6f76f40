package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/rollups/types"
)

func TestRegisterRollup_StoresTheExitLayout(t *testing.T) {
	f := newFixture(t)
	msg := f.registerMsg(t, rollupID)
	msg.ExitLayout = &types.ExitLayout{Name: "payments-v1", Depth: 20, Denom: "unat"}

	_, err := f.msgServer.RegisterRollup(f.ctx, msg)
	require.NoError(t, err)
	require.Equal(t, &types.ExitLayout{Name: "payments-v1", Depth: 20, Denom: "unat"}, f.rollup(t, rollupID).ExitLayout)
}

func TestRegisterRollup_EmptyExitLayoutIsStoredAsNone(t *testing.T) {
	f := newFixture(t)
	msg := f.registerMsg(t, rollupID)
	msg.ExitLayout = &types.ExitLayout{}

	_, err := f.msgServer.RegisterRollup(f.ctx, msg)
	require.NoError(t, err)
	require.Nil(t, f.rollup(t, rollupID).ExitLayout)
}

func TestRegisterRollup_RefusesABadExitLayoutWithoutSideEffects(t *testing.T) {
	f := newFixture(t)
	before := f.snapshot(t, rollupID)
	msg := f.registerMsg(t, rollupID)
	msg.ExitLayout = &types.ExitLayout{Name: "payments-v1", Depth: 0, Denom: "unat"}

	_, err := f.msgServer.RegisterRollup(f.ctx, msg)
	require.ErrorIs(t, err, types.ErrInvalidExitLayout)
	require.Equal(t, before, f.snapshot(t, rollupID))
}
