package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// populatedGenesis is a consistent genesis: rollup "payments" after two
// batches with two inbox messages, one consumed, and a fresh rollup "dex".
func populatedGenesis() types.GenesisState {
	return types.GenesisState{
		Params: types.DefaultParams(),
		Rollups: []types.Rollup{
			{Id: "dex", Status: types.ROLLUP_STATUS_ACTIVE, NextBatchIndex: 1, StateRoot: rootBytes(1)},
			{Id: "payments", Status: types.ROLLUP_STATUS_ACTIVE, NextBatchIndex: 3, StateRoot: rootBytes(9),
				InboxSize: 2, InboxConsumed: 1},
		},
		Batches: []types.Batch{
			{RollupId: "payments", Index: 1},
			{RollupId: "payments", Index: 2},
		},
		Inbox: []types.GenesisInboxMessage{
			{RollupId: "payments", Message: types.InboxMessage{Sequence: 0}},
			{RollupId: "payments", Message: types.InboxMessage{Sequence: 1}},
		},
	}
}

func TestGenesisState_Validate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(gs *types.GenesisState)
		valid  bool
	}{
		{"populated", func(*types.GenesisState) {}, true},
		{"frozen and deregistered rollups", func(gs *types.GenesisState) {
			gs.Rollups[0].Status = types.ROLLUP_STATUS_DEREGISTERED
			gs.Rollups[1].Status = types.ROLLUP_STATUS_FROZEN
		}, true},

		{"invalid params", func(gs *types.GenesisState) { gs.Params.MaxBatchDataBytes = 0 }, false},
		{"duplicate rollup id", func(gs *types.GenesisState) { gs.Rollups = append(gs.Rollups, gs.Rollups[0]) }, false},
		{"invalid rollup id", func(gs *types.GenesisState) { gs.Rollups[0].Id = "DEX" }, false},
		{"empty rollup id", func(gs *types.GenesisState) { gs.Rollups[0].Id = "" }, false},
		{"unspecified status", func(gs *types.GenesisState) { gs.Rollups[0].Status = types.ROLLUP_STATUS_UNSPECIFIED }, false},
		{"next batch index zero", func(gs *types.GenesisState) { gs.Rollups[0].NextBatchIndex = 0 }, false},
		{"more consumed than received", func(gs *types.GenesisState) { gs.Rollups[1].InboxConsumed = 3 }, false},
		{"state root of 31 bytes", func(gs *types.GenesisState) { gs.Rollups[0].StateRoot = rootBytes(1)[1:] }, false},
		{"missing state root", func(gs *types.GenesisState) { gs.Rollups[0].StateRoot = nil }, false},
		{"non-canonical state root", func(gs *types.GenesisState) { gs.Rollups[0].StateRoot = modulus() }, false},
		{"batch of an unknown rollup", func(gs *types.GenesisState) { gs.Batches[0].RollupId = "unknown" }, false},
		{"batch zero", func(gs *types.GenesisState) { gs.Batches[0].Index = 0 }, false},
		{"batch at the next index", func(gs *types.GenesisState) { gs.Batches[1].Index = 3 }, false},
		{"batch of a rollup without batches", func(gs *types.GenesisState) { gs.Batches[0].RollupId = "dex" }, false},
		{"inbox message of an unknown rollup", func(gs *types.GenesisState) { gs.Inbox[0].RollupId = "unknown" }, false},
		{"inbox message beyond the inbox size", func(gs *types.GenesisState) { gs.Inbox[1].Message.Sequence = 2 }, false},
		{"duplicate batch", func(gs *types.GenesisState) { gs.Batches[1].Index = 1 }, false},
		{"duplicate inbox sequence", func(gs *types.GenesisState) { gs.Inbox[1].Message.Sequence = 0 }, false},
		{"inbox message of a rollup with an empty inbox", func(gs *types.GenesisState) { gs.Inbox[0].RollupId = "dex" }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs := populatedGenesis()
			tc.mutate(&gs)
			err := gs.Validate()
			if tc.valid {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
		})
	}
}

func TestDefaultGenesis_IsValidAndEmpty(t *testing.T) {
	gs := types.DefaultGenesis()
	require.NoError(t, gs.Validate())
	require.Empty(t, gs.Rollups)
	require.Empty(t, gs.Batches)
	require.Empty(t, gs.Inbox)
}
