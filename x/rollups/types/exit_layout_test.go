package types_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rollups/types"
)

func TestExitLayout_Validate(t *testing.T) {
	tests := []struct {
		name   string
		layout *types.ExitLayout
		valid  bool
	}{
		{"absent", nil, true},
		{"all zero", &types.ExitLayout{}, true},
		{"payments-v1", &types.ExitLayout{Name: "payments-v1", Depth: 20, Denom: "unat"}, true},
		{"depth 1", &types.ExitLayout{Name: "x", Depth: 1, Denom: "unat"}, true},
		{"depth 32, name of 32", &types.ExitLayout{Name: strings.Repeat("a", 32), Depth: 32, Denom: "ibc/ABC"}, true},
		{"name of 33", &types.ExitLayout{Name: strings.Repeat("a", 33), Depth: 20, Denom: "unat"}, false},
		{"empty name", &types.ExitLayout{Depth: 20, Denom: "unat"}, false},
		{"upper case", &types.ExitLayout{Name: "Payments", Depth: 20, Denom: "unat"}, false},
		{"underscore", &types.ExitLayout{Name: "pay_v1", Depth: 20, Denom: "unat"}, false},
		{"depth 0", &types.ExitLayout{Name: "payments-v1", Denom: "unat"}, false},
		{"depth 33", &types.ExitLayout{Name: "payments-v1", Depth: 33, Denom: "unat"}, false},
		{"no denom", &types.ExitLayout{Name: "payments-v1", Depth: 20}, false},
		{"bad denom", &types.ExitLayout{Name: "payments-v1", Depth: 20, Denom: "1unat"}, false},
		{"exchange-v1", &types.ExitLayout{Name: "exchange-v1", Depth: 20, Denom: "unat", QuoteDenom: "uusdc"}, true},
		{"exchange-v1 without quote denom", &types.ExitLayout{Name: "exchange-v1", Depth: 20, Denom: "unat"}, false},
		{"payments-v1 with a quote denom", &types.ExitLayout{Name: "payments-v1", Depth: 20, Denom: "unat", QuoteDenom: "uusdc"}, false},
		{"quote denom equals denom", &types.ExitLayout{Name: "exchange-v1", Depth: 20, Denom: "unat", QuoteDenom: "unat"}, false},
		{"bad quote denom", &types.ExitLayout{Name: "exchange-v1", Depth: 20, Denom: "unat", QuoteDenom: "1usdc"}, false},
		{"another layout may hold two", &types.ExitLayout{Name: "other-v1", Depth: 20, Denom: "unat", QuoteDenom: "uusdc"}, true},
		{"only a quote denom", &types.ExitLayout{QuoteDenom: "uusdc"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.layout.Validate()
			if tc.valid {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, types.ErrInvalidExitLayout)
			}
		})
	}
}

func TestMsgRegisterRollup_ValidatesTheExitLayout(t *testing.T) {
	msg := types.MsgRegisterRollup{
		Admin: account(t, 1), RollupId: "payments", VerifyingKey: []byte{1},
		GenesisStateRoot: rootBytes(1), Operators: []string{account(t, 2)},
		Bond:       sdk.NewInt64Coin("unat", 1),
		ExitLayout: &types.ExitLayout{Name: "payments-v1", Depth: 40, Denom: "unat"},
	}
	require.ErrorIs(t, msg.Validate(ac), types.ErrInvalidExitLayout)
	msg.ExitLayout.Depth = 20
	require.NoError(t, msg.Validate(ac))
}

func TestExitLayout_HoldsItsDenoms(t *testing.T) {
	one := &types.ExitLayout{Name: "payments-v1", Depth: 20, Denom: "unat"}
	two := &types.ExitLayout{Name: "exchange-v1", Depth: 20, Denom: "unat", QuoteDenom: "uusdc"}
	require.True(t, one.Holds("unat"))
	require.False(t, one.Holds("uusdc"))
	require.False(t, one.Holds(""), "an empty quote denom holds nothing")
	require.True(t, two.Holds("unat"))
	require.True(t, two.Holds("uusdc"))
	require.False(t, two.Holds("uatom"))
	require.Equal(t, []string{"unat"}, one.HeldDenoms())
	require.Equal(t, []string{"unat", "uusdc"}, two.HeldDenoms())
	var none *types.ExitLayout
	require.False(t, none.Holds("unat"))
	require.Nil(t, none.HeldDenoms())
}
