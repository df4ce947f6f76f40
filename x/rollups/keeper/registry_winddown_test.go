package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// L4 (review 2026-12): one unat deposited to an L2 address the attacker
// controls kept the ledger non-empty, so DeregisterRollup failed forever
// with ErrBridgeLedgerNotEmpty and the bond stayed locked. Now the rollup
// winds down: no new deposits or L1 calls, batches and forced exits go on,
// and after vk_update_delay_blocks it freezes without slashing (exodus and
// refunds for the rest) and the bond goes back to the admin.
func TestDeregisterRollup_DustCannotLockTheBondForever(t *testing.T) {
	f, k, pool := livenessFixture(t)
	f.register(t, rollupID)
	f.appendInbox(t, rollupID, 1) // the dust deposit
	f.ledger.holds[rollupID] = true
	admin := f.accAddr(t, f.admin)
	bond := f.rollup(t, rollupID).Bond
	adminBefore := f.bank.balance(admin)

	res, err := f.msgServer.DeregisterRollup(f.ctx, &types.MsgDeregisterRollup{Admin: f.admin, RollupId: rollupID})

	require.NoError(t, err)
	closing := f.ctx.BlockHeight() + int64(f.params(t).VkUpdateDelayBlocks)
	require.Equal(t, closing, res.ClosingHeight)
	r := f.rollup(t, rollupID)
	require.Equal(t, types.ROLLUP_STATUS_ACTIVE, r.Status, "winding down, still serving exits")
	require.Equal(t, closing, r.ClosingHeight)
	require.Len(t, typedEvents[*types.EventRollupClosing](t, f.ctx), 1)

	// While closing: no new value from L1, forced exits and batches go on,
	// and a second deregistration is refused.
	_, err = f.keeper.AppendInbox(f.ctx, rollupID, deposit(7))
	require.ErrorIs(t, err, types.ErrRollupClosing)
	_, err = f.keeper.AppendInbox(f.ctx, rollupID, l1Call(7))
	require.ErrorIs(t, err, types.ErrRollupClosing)
	_, err = f.forceInclude(rollupID, "withdraw")
	require.NoError(t, err)
	f.consume(t, rollupID, 2)
	_, err = f.msgServer.DeregisterRollup(f.ctx, &types.MsgDeregisterRollup{Admin: f.admin, RollupId: rollupID})
	require.ErrorIs(t, err, types.ErrRollupClosing)

	// One block before the closing height nothing happens; at it the rollup
	// freezes without slashing and the bond is returned, dust or not.
	require.NoError(t, k.EndBlock(f.atHeight(closing-1).ctx))
	require.Equal(t, types.ROLLUP_STATUS_ACTIVE, f.rollup(t, rollupID).Status)
	end := f.atHeight(closing)
	require.NoError(t, k.EndBlock(end.ctx))
	r = end.rollup(t, rollupID)
	require.Equal(t, types.ROLLUP_STATUS_FROZEN, r.Status, "users exit by exodus")
	require.True(t, r.Bond.IsZero())
	require.Zero(t, r.ClosingHeight)
	require.Equal(t, adminBefore.Add(bond).String(), f.bank.balance(admin).String(), "the bond is returned, not slashed")
	for _, in := range pool.inflows {
		require.NotContains(t, in, types.RewardSourceSlashedBond)
	}
	require.Equal(t, []string{rollupID}, f.hooks.frozen, "refunds and exodus start")
	closed := typedEvents[*types.EventRollupClosed](t, end.ctx)
	require.Len(t, closed, 1)
	require.Equal(t, bond.String(), closed[0].BondReturned)
}

// A rollup that misses a deadline while winding down is frozen and slashed
// as always: the wind-down is no escape from liveness.
func TestDeregisterRollup_MissedDeadlineWhileClosingStillSlashes(t *testing.T) {
	f, k, _ := livenessFixture(t) // D = 10
	f.register(t, rollupID)
	f.ledger.holds[rollupID] = true
	_, err := f.msgServer.DeregisterRollup(f.ctx, &types.MsgDeregisterRollup{Admin: f.admin, RollupId: rollupID})
	require.NoError(t, err)
	_, err = f.forceInclude(rollupID, "withdraw")
	require.NoError(t, err)
	require.NoError(t, k.EndBlock(f.atHeight(f.ctx.BlockHeight()+deadlineBlocks+1).ctx))
	r := f.rollup(t, rollupID)
	require.Equal(t, types.ROLLUP_STATUS_FROZEN, r.Status)
	require.True(t, r.Bond.IsZero(), "slashed")
	require.Zero(t, r.ClosingHeight)
	iter, err := f.keeper.Closings.Iterate(f.ctx, nil)
	require.NoError(t, err)
	require.False(t, iter.Valid(), "no closing left to process")
	iter.Close()
}

// L8 (review 2026-12): rollup ids are first come, first served, like
// domain names without a registrar dispute process: the registration fee
// (1 NAT, not refunded) and the bond (10 NAT, locked while the id is
// held) price squatting, and a deregistered id stays taken so nobody can
// reuse a name users already trust (docs/adversarial.md).
func TestRegisterRollup_IdsAreFirstComeFirstServed(t *testing.T) {
	f := newFixture(t)
	squatter := f.register(t, "dex")
	require.Equal(t, f.params(t).RegistrationFee, squatter.RegistrationFee, "the squatter paid the fee")

	_, err := f.msgServer.RegisterRollup(f.ctx, f.registerMsg(t, "dex"))
	require.ErrorIs(t, err, types.ErrRollupExists)

	_, err = f.msgServer.DeregisterRollup(f.ctx, &types.MsgDeregisterRollup{Admin: f.admin, RollupId: "dex"})
	require.NoError(t, err)
	_, err = f.msgServer.RegisterRollup(f.ctx, f.registerMsg(t, "dex"))
	require.ErrorIs(t, err, types.ErrRollupExists, "a deregistered id stays taken")
}

// The wind-down index is derived state: genesis rebuilds it from the
// records, and the imported chain closes the rollup at the same height.
func TestGenesis_ClosingRollupRoundTrip(t *testing.T) {
	f, _, _ := livenessFixture(t)
	f.register(t, rollupID)
	f.ledger.holds[rollupID] = true
	res, err := f.msgServer.DeregisterRollup(f.ctx, &types.MsgDeregisterRollup{Admin: f.admin, RollupId: rollupID})
	require.NoError(t, err)
	exported, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Equal(t, res.ClosingHeight, rollupByID(exported, rollupID).ClosingHeight)

	imported := newFixture(t)
	require.NoError(t, imported.keeper.InitGenesis(imported.ctx, exported))
	has, err := imported.keeper.Closings.Has(imported.ctx, collections.Join(res.ClosingHeight, rollupID))
	require.NoError(t, err)
	require.True(t, has, "the closing index is rebuilt")

	bad := cloneGenesis(t, exported)
	bad.Rollups[0].Status = types.ROLLUP_STATUS_FROZEN
	g := newFixture(t)
	require.ErrorIs(t, g.keeper.InitGenesis(g.ctx, bad), types.ErrInvalidGenesis, "only an active rollup can be closing")
}
