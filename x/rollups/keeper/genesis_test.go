package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// activeGenesis drives a keeper through registrations, inbox messages,
// batches, a scheduled key and a deregistration, and exports it.
func activeGenesis(t *testing.T, f fixture) *types.GenesisState {
	t.Helper()
	f.register(t, rollupID)
	f.register(t, "dex")
	f.register(t, "closed")
	f.appendInbox(t, rollupID, 3)
	f.appendInbox(t, "dex", 1)
	in := defaultInput(1)
	in.inboxConsumed = 2
	in.outbox = []protocol.OutboxEntry{withdrawal(10)}
	_, err := f.msgServer.SubmitBatch(f.ctx, f.batchMsg(t, rollupID, in))
	require.NoError(t, err)
	f.submit(t, rollupID)
	f.submit(t, "dex")
	_, err = f.msgServer.UpdateVerifyingKey(f.ctx, &types.MsgUpdateVerifyingKey{
		Admin: f.admin, RollupId: "dex", VerifyingKey: rotatedProver(t).VerifyingKey(),
	})
	require.NoError(t, err)
	_, err = f.msgServer.DeregisterRollup(f.ctx, &types.MsgDeregisterRollup{Admin: f.admin, RollupId: "closed"})
	require.NoError(t, err)

	gs, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Len(t, gs.Rollups, 3)
	require.Len(t, gs.Batches, 3)
	require.Len(t, gs.Inbox, 4)
	return gs
}

func TestGenesis_ExportAfterActivityReimportsToTheSameExport(t *testing.T) {
	f := newFixture(t)
	exported := activeGenesis(t, f)
	require.NoError(t, exported.Validate())
	// The next batch, proven against the original chain's state.
	next := f.nextBatch(t, rollupID)

	imported := newFixture(t)
	require.NoError(t, imported.keeper.InitGenesis(imported.ctx, exported))
	reexported, err := imported.keeper.ExportGenesis(imported.ctx)
	require.NoError(t, err)

	want, err := exported.Marshal()
	require.NoError(t, err)
	got, err := reexported.Marshal()
	require.NoError(t, err)
	require.Equal(t, want, got)

	// The imported chain carries on where the original stopped.
	_, err = imported.msgServer.SubmitBatch(imported.ctx, next)
	require.NoError(t, err)
	require.Equal(t, uint64(4), imported.rollup(t, rollupID).NextBatchIndex)
}

func TestInitGenesis_RejectsInconsistentState(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(gs *types.GenesisState)
	}{
		{"duplicate rollup id", func(gs *types.GenesisState) { gs.Rollups = append(gs.Rollups, gs.Rollups[0]) }},
		{"batch of an unknown rollup", func(gs *types.GenesisState) { gs.Batches[0].RollupId = "unknown" }},
		{"batch at the rollup's next index", func(gs *types.GenesisState) {
			gs.Batches[0].Index = rollupByID(gs, gs.Batches[0].RollupId).NextBatchIndex
		}},
		{"batch zero", func(gs *types.GenesisState) { gs.Batches[0].Index = 0 }},
		{"inbox message of an unknown rollup", func(gs *types.GenesisState) { gs.Inbox[0].RollupId = "unknown" }},
		{"inbox message beyond the inbox size", func(gs *types.GenesisState) {
			gs.Inbox[0].Message.Sequence = rollupByID(gs, gs.Inbox[0].RollupId).InboxSize
		}},
		{"invalid rollup id", func(gs *types.GenesisState) { gs.Rollups[0].Id = "Bad_ID" }},
		{"non-canonical state root", func(gs *types.GenesisState) { gs.Rollups[0].StateRoot = modulusBytes() }},
		{"unspecified status", func(gs *types.GenesisState) { gs.Rollups[0].Status = types.ROLLUP_STATUS_UNSPECIFIED }},
		{"next batch index zero", func(gs *types.GenesisState) { gs.Rollups[0].NextBatchIndex = 0 }},
		{"more consumed than received", func(gs *types.GenesisState) { gs.Rollups[0].InboxConsumed = gs.Rollups[0].InboxSize + 1 }},
		{"invalid params", func(gs *types.GenesisState) { gs.Params.VerifyProofGas = 0 }},
	}
	exported := activeGenesis(t, newFixture(t))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs := cloneGenesis(t, exported)
			tc.mutate(gs)
			f := newFixture(t)

			require.ErrorIs(t, f.keeper.InitGenesis(f.ctx, gs), types.ErrInvalidGenesis)

			after, err := f.keeper.ExportGenesis(f.ctx)
			require.NoError(t, err)
			require.Empty(t, after.Rollups, "a refused genesis writes nothing")
			require.Empty(t, after.Batches)
			require.Empty(t, after.Inbox)
			require.Equal(t, f.params(t).VerifyProofGas, types.DefaultParams().VerifyProofGas)
		})
	}
}

func rollupByID(gs *types.GenesisState, id string) types.Rollup {
	for _, r := range gs.Rollups {
		if r.Id == id {
			return r
		}
	}
	return types.Rollup{}
}

func cloneGenesis(t *testing.T, gs *types.GenesisState) *types.GenesisState {
	t.Helper()
	bz, err := gs.Marshal()
	require.NoError(t, err)
	var out types.GenesisState
	require.NoError(t, out.Unmarshal(bz))
	return &out
}
