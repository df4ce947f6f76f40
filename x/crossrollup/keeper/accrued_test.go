package keeper_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// accrualFixture is a bridge fixture whose rollup holds 100 and whose
// operator submits batches.
func accrualFixture(t *testing.T) (bridgeFixture, sdk.AccAddress, string) {
	t.Helper()
	f := newBridgeFixture(t)
	f.fund(t, activeID, 100)
	op := sdk.AccAddress(bytes.Repeat([]byte{0x0e}, 20))
	opS, err := f.keeper.AddressCodec().BytesToString(op)
	require.NoError(t, err)
	return f, op, opS
}

func withdrawalTo(to sdk.AccAddress, amt uint64) protocol.OutboxEntry {
	return protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Recipient: to, Sender: []byte{7}, Denom: denom, Amount: protocol.NewUint128(amt)}
}

// A withdrawal to the batch's own submitter (its fee) leaves the ledger
// but moves no coin: it accrues, the invariant counts it, and the
// submitter gets exactly that much when it claims, once.
func TestAccrued_TheSubmittersOwnWithdrawalAccruesAndIsClaimedOnce(t *testing.T) {
	f, op, opS := accrualFixture(t)
	bob := sdk.AccAddress(bytes.Repeat([]byte{0xb0}, 20))
	batch := rollupstypes.VerifiedBatch{RollupID: activeID, Index: 1, Submitter: opS,
		Outbox: []protocol.OutboxEntry{withdrawalTo(op, 3), withdrawalTo(bob, 10), withdrawalTo(op, 4)}}
	require.NoError(t, f.keeper.Hooks().AfterBatchVerified(f.ctx, batch))

	require.Equal(t, int64(100-3-10-4), f.ledger(t, activeID))
	require.True(t, f.bank.GetAllBalances(f.ctx, op).IsZero(), "no coin moved to the submitter")
	require.Equal(t, "10"+denom, f.bank.GetAllBalances(f.ctx, bob).String(), "anyone else is paid at once")
	accrued, err := f.keeper.AccruedOf(f.ctx, op)
	require.NoError(t, err)
	require.Equal(t, "7"+denom, accrued.String())
	require.Contains(t, requireEvent(t, f.ctx, "nativechain.crossrollup.v1.EventWithdrawal"), `accrued=true`)
	f.requireInvariant(t)

	res, err := f.msgs.ClaimAccrued(f.ctx, &types.MsgClaimAccrued{Claimant: opS})
	require.NoError(t, err)
	require.Equal(t, "7"+denom, res.Amount.String())
	require.Equal(t, "7"+denom, f.bank.GetAllBalances(f.ctx, op).String())
	f.requireInvariant(t)

	before := f.snap(t)
	_, err = f.msgs.ClaimAccrued(f.ctx, &types.MsgClaimAccrued{Claimant: opS})
	require.ErrorIs(t, err, types.ErrNothingAccrued, "claiming twice pays nothing")
	require.Equal(t, before, f.snap(t))
}

// Bad claims change nothing: an account nothing accrued to, a malformed
// claimant.
func TestAccrued_BadClaimsChangeNothing(t *testing.T) {
	f, op, opS := accrualFixture(t)
	require.NoError(t, f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{
		RollupID: activeID, Index: 1, Submitter: opS, Outbox: []protocol.OutboxEntry{withdrawalTo(op, 5)}}))
	before := f.snap(t)
	_, err := f.msgs.ClaimAccrued(f.ctx, &types.MsgClaimAccrued{Claimant: f.aliceS})
	require.ErrorIs(t, err, types.ErrNothingAccrued, "another account cannot claim the operator's accrual")
	_, err = f.msgs.ClaimAccrued(f.ctx, &types.MsgClaimAccrued{Claimant: "native1notanaddress"})
	require.ErrorIs(t, err, types.ErrInvalidRequest)
	require.Equal(t, before, f.snap(t))
	accrued, err := f.keeper.AccruedOf(f.ctx, op)
	require.NoError(t, err)
	require.Equal(t, "5"+denom, accrued.String())
}

// The pause and the outflow cap apply to the submitter's own withdrawal as
// to any: a paused rollup defers it (pending), it does not accrue.
func TestAccrued_APausedRollupDefersTheSubmittersWithdrawal(t *testing.T) {
	f, op, opS := accrualFixture(t)
	require.NoError(t, f.keeper.Paused.Set(f.ctx, activeID, true))
	require.NoError(t, f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{
		RollupID: activeID, Index: 1, Submitter: opS, Outbox: []protocol.OutboxEntry{withdrawalTo(op, 5)}}))
	accrued, err := f.keeper.AccruedOf(f.ctx, op)
	require.NoError(t, err)
	require.True(t, accrued.IsZero())
	pending, err := f.keeper.PendingTotal(f.ctx)
	require.NoError(t, err)
	require.Equal(t, "5"+denom, pending.String())
	f.requireInvariant(t)
}

// The accrual belongs to the L1 account, not to the rollup: it does not
// keep the rollup from closing (its ledger may be empty), and stays
// claimable after the rollup froze.
func TestAccrued_SurvivesTheRollupFreezingAndClosing(t *testing.T) {
	f, op, opS := accrualFixture(t)
	require.NoError(t, f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{
		RollupID: activeID, Index: 1, Submitter: opS, Outbox: []protocol.OutboxEntry{withdrawalTo(op, 100)}}))
	require.NoError(t, f.keeper.Hooks().BeforeRollupDeregistered(f.ctx, activeID), "an emptied ledger lets the rollup close")
	f.rollups.rollups[activeID] = rollupstypes.ROLLUP_STATUS_FROZEN
	require.NoError(t, f.keeper.Hooks().AfterRollupFrozen(f.ctx, activeID))
	res, err := f.msgs.ClaimAccrued(f.ctx, &types.MsgClaimAccrued{Claimant: opS})
	require.NoError(t, err)
	require.Equal(t, "100"+denom, res.Amount.String())
	f.requireInvariant(t)
}

// A withdrawal to the submitter the rollup's ledger cannot cover fails the
// batch, as any: nothing accrues.
func TestAccrued_AnUncoveredWithdrawalFailsTheBatch(t *testing.T) {
	f, op, opS := accrualFixture(t)
	err := f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{
		RollupID: activeID, Index: 1, Submitter: opS, Outbox: []protocol.OutboxEntry{withdrawalTo(op, 60), withdrawalTo(op, 60)}})
	require.ErrorIs(t, err, types.ErrLedgerInsufficient)
}

// Genesis exports the accruals and imports them back; an import whose
// escrow does not cover them, or that lists one twice, is refused.
func TestAccrued_GenesisRoundTrip(t *testing.T) {
	f, op, opS := accrualFixture(t)
	require.NoError(t, f.keeper.Hooks().AfterBatchVerified(f.ctx, rollupstypes.VerifiedBatch{
		RollupID: activeID, Index: 1, Submitter: opS, Outbox: []protocol.OutboxEntry{withdrawalTo(op, 9)}}))
	gs, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Equal(t, []types.AccruedWithdrawal{{Address: opS, Amount: sdk.NewInt64Coin(denom, 9)}}, gs.Accrued)

	g := newBridgeFixture(t)
	g.bank.balances[string(g.escrow)] = f.bank.balances[string(f.escrow)]
	require.NoError(t, g.keeper.InitGenesis(g.ctx, gs))
	again, err := g.keeper.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, again)
	accrued, err := g.keeper.AccruedOf(g.ctx, op)
	require.NoError(t, err)
	require.Equal(t, "9"+denom, accrued.String())

	short := newBridgeFixture(t)
	short.bank.balances[string(short.escrow)] = sdk.NewCoins(sdk.NewInt64Coin(denom, 91)) // the ledger only
	require.ErrorIs(t, short.keeper.InitGenesis(short.ctx, gs), types.ErrInvalidGenesis)

	dup := *gs
	dup.Accrued = append(dup.Accrued, gs.Accrued[0])
	require.ErrorIs(t, dup.Validate(), types.ErrInvalidGenesis)
}
