package types_test

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec/address"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

func TestMsgDeposit_Validate(t *testing.T) {
	ac := address.NewBech32Codec("native")
	sender, err := ac.BytesToString(bytes.Repeat([]byte{1}, 20))
	require.NoError(t, err)
	two128 := sdkmath.NewIntFromBigInt(new(big.Int).Lsh(big.NewInt(1), 128))
	valid := func() types.MsgDeposit {
		return types.MsgDeposit{Sender: sender, RollupId: "alpha", L2Recipient: []byte{0xab}, Amount: sdk.NewInt64Coin("unat", 1)}
	}

	tests := []struct {
		name    string
		mutate  func(m *types.MsgDeposit)
		wantErr error
	}{
		{"valid", func(*types.MsgDeposit) {}, nil},
		{"64-byte recipient", func(m *types.MsgDeposit) { m.L2Recipient = make([]byte, protocol.MaxAddressLen) }, nil},
		{"amount 2^128-1", func(m *types.MsgDeposit) { m.Amount = sdk.NewCoin("unat", two128.SubRaw(1)) }, nil},
		{"empty sender", func(m *types.MsgDeposit) { m.Sender = "" }, types.ErrInvalidDeposit},
		{"foreign-prefix sender", func(m *types.MsgDeposit) { m.Sender = "cosmos1notours" }, types.ErrInvalidDeposit},
		{"empty rollup id", func(m *types.MsgDeposit) { m.RollupId = "" }, protocol.ErrInvalidRollupID},
		{"uppercase rollup id", func(m *types.MsgDeposit) { m.RollupId = "Alpha" }, protocol.ErrInvalidRollupID},
		{"too long rollup id", func(m *types.MsgDeposit) { m.RollupId = string(bytes.Repeat([]byte{'a'}, 33)) }, protocol.ErrInvalidRollupID},
		{"empty recipient", func(m *types.MsgDeposit) { m.L2Recipient = nil }, types.ErrInvalidDeposit},
		{"65-byte recipient", func(m *types.MsgDeposit) { m.L2Recipient = make([]byte, protocol.MaxAddressLen+1) }, types.ErrInvalidDeposit},
		{"zero amount", func(m *types.MsgDeposit) { m.Amount = sdk.NewInt64Coin("unat", 0) }, types.ErrInvalidDeposit},
		{"negative amount", func(m *types.MsgDeposit) { m.Amount = sdk.Coin{Denom: "unat", Amount: sdkmath.NewInt(-1)} }, types.ErrInvalidDeposit},
		{"nil amount", func(m *types.MsgDeposit) { m.Amount = sdk.Coin{Denom: "unat"} }, types.ErrInvalidDeposit},
		{"invalid denom", func(m *types.MsgDeposit) { m.Amount = sdk.Coin{Denom: "1bad!", Amount: sdkmath.NewInt(1)} }, types.ErrInvalidDeposit},
		{"amount 2^128", func(m *types.MsgDeposit) { m.Amount = sdk.NewCoin("unat", two128) }, protocol.ErrAmountOverflow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := valid()
			tc.mutate(&m)
			err := m.Validate(ac)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestMsgSubmitBundle_Validate(t *testing.T) {
	ac := address.NewBech32Codec("native")
	submitter, err := ac.BytesToString(bytes.Repeat([]byte{2}, 20))
	require.NoError(t, err)
	batch := func(id string) *rollupstypes.MsgSubmitBatch {
		return &rollupstypes.MsgSubmitBatch{
			Submitter: submitter, RollupId: id, BatchIndex: 1,
			NewStateRoot: make([]byte, 32), Proof: bytes.Repeat([]byte{1}, 164),
		}
	}
	many := make([]*rollupstypes.MsgSubmitBatch, types.MaxBundleBatchesLimit+1)
	for i := range many {
		many[i] = batch("alpha")
	}
	bad := batch("beta")
	bad.Submitter = "native1bad"
	tests := []struct {
		name    string
		batches []*rollupstypes.MsgSubmitBatch
		wantErr error
	}{
		{"two batches", []*rollupstypes.MsgSubmitBatch{batch("alpha"), batch("beta")}, nil},
		{"one batch is not a bundle", []*rollupstypes.MsgSubmitBatch{batch("alpha")}, types.ErrInvalidBundle},
		{"empty", nil, types.ErrInvalidBundle},
		{"over the hard limit", many, types.ErrInvalidBundle},
		{"a nil batch", []*rollupstypes.MsgSubmitBatch{batch("alpha"), nil}, types.ErrInvalidBundle},
		{"an invalid batch", []*rollupstypes.MsgSubmitBatch{batch("alpha"), bad}, rollupstypes.ErrUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := (&types.MsgSubmitBundle{Batches: tc.batches}).Validate(ac)
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
}

func TestMsgSetOutflowCap_Validate(t *testing.T) {
	ac := address.NewBech32Codec("native")
	authority, err := ac.BytesToString(bytes.Repeat([]byte{3}, 20))
	require.NoError(t, err)
	ok := &types.MsgSetOutflowCap{Authority: authority, RollupId: "alpha", Cap: sdk.NewCoins(sdk.NewInt64Coin("unat", 5))}
	require.NoError(t, ok.Validate(ac))
	require.NoError(t, (&types.MsgSetOutflowCap{Authority: authority, RollupId: "alpha"}).Validate(ac), "an empty cap clears it")
	unsorted := &types.MsgSetOutflowCap{Authority: authority, RollupId: "alpha",
		Cap: sdk.Coins{sdk.NewInt64Coin("uzzz", 1), sdk.NewInt64Coin("unat", 1)}}
	require.ErrorIs(t, unsorted.Validate(ac), types.ErrInvalidOutflowCap)
	require.ErrorIs(t, (&types.MsgSetOutflowCap{Authority: "native1bad", RollupId: "alpha"}).Validate(ac), types.ErrUnauthorized)
	require.ErrorIs(t, (&types.MsgSetPaused{Authority: "native1bad", RollupId: "alpha"}).Validate(ac), types.ErrUnauthorized)
}
