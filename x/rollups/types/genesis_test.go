package types_test

import (
	"crypto/sha256"
	"os"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// fixtureKey reads a verifying key of x/rollups/testdata and its hash.
func fixtureKey(name string) ([]byte, []byte) {
	vk, err := os.ReadFile("../testdata/" + name)
	if err != nil {
		panic(err)
	}
	h := sha256.Sum256(vk)
	return vk, h[:]
}

// populatedGenesis is a consistent genesis: rollup "payments" after two
// batches with two inbox messages, one consumed, and a fresh rollup "dex".
func populatedGenesis() types.GenesisState {
	vk, vkHash := fixtureKey("vk.bin")
	return types.GenesisState{
		Params: types.DefaultParams(),
		Rollups: []types.Rollup{
			{Id: "dex", Status: types.ROLLUP_STATUS_ACTIVE, NextBatchIndex: 1, StateRoot: rootBytes(1),
				VerifyingKey: vk, VkHash: vkHash},
			{Id: "payments", Status: types.ROLLUP_STATUS_ACTIVE, NextBatchIndex: 3, StateRoot: rootBytes(9),
				InboxSize: 2, InboxConsumed: 1, VerifyingKey: vk, VkHash: vkHash},
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

// L1 (security review 2026-12): the keeper caches parsed keys by their
// stored hash, so a genesis whose hash does not match its key, or whose key
// does not parse, would make verification depend on each node's cache.
func TestGenesisState_Validate_RefusesInconsistentVerifyingKeys(t *testing.T) {
	otherKey, otherHash := fixtureKey("vk_commit.bin")
	pending := func(gs *types.GenesisState) *types.PendingVerifyingKey {
		gs.Rollups[1].PendingVerifyingKey = &types.PendingVerifyingKey{VerifyingKey: otherKey, VkHash: otherHash, ActivationHeight: 50}
		return gs.Rollups[1].PendingVerifyingKey
	}
	tests := []struct {
		name    string
		mutate  func(gs *types.GenesisState)
		wantErr error
	}{
		{"hash of another key", func(gs *types.GenesisState) { gs.Rollups[1].VkHash = otherHash }, nil},
		{"missing hash", func(gs *types.GenesisState) { gs.Rollups[1].VkHash = nil }, nil},
		{"missing key", func(gs *types.GenesisState) { gs.Rollups[1].VerifyingKey = nil }, verifier.ErrVKTruncated},
		{"key with a trailing byte, hash over it", func(gs *types.GenesisState) {
			gs.Rollups[1].VerifyingKey = append(slices.Clone(gs.Rollups[1].VerifyingKey), 0)
			h := sha256.Sum256(gs.Rollups[1].VerifyingKey)
			gs.Rollups[1].VkHash = h[:]
		}, verifier.ErrVKTrailingBytes},
		{"pending key with the current key's hash", func(gs *types.GenesisState) {
			pending(gs).VkHash = gs.Rollups[1].VkHash
		}, nil},
		{"pending key that does not parse", func(gs *types.GenesisState) {
			p := pending(gs)
			p.VerifyingKey = p.VerifyingKey[:100]
			h := sha256.Sum256(p.VerifyingKey)
			p.VkHash = h[:]
		}, verifier.ErrVKTruncated},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs := populatedGenesis()
			tc.mutate(&gs)
			err := gs.Validate()
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			}
		})
	}

	gs := populatedGenesis()
	pending(&gs)
	require.NoError(t, gs.Validate(), "a consistent pending key is valid")
}
