package types_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec/address"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
)

func TestMsgExodusWithdraw_Validate(t *testing.T) {
	ac := address.NewBech32Codec("native")
	sender, err := ac.BytesToString(bytes.Repeat([]byte{1}, 20))
	require.NoError(t, err)
	long, err := ac.BytesToString(bytes.Repeat([]byte{2}, 32))
	require.NoError(t, err)
	valid := func() types.MsgExodusWithdraw {
		return types.MsgExodusWithdraw{
			Sender: sender, RollupId: "alpha", StateRoot: make([]byte, 32), LeafIndex: 3,
			Account: make([]byte, 64), Balance: "10", Siblings: [][]byte{make([]byte, 32)},
			Recipient: sender, Signature: []byte{1},
		}
	}
	tests := []struct {
		name   string
		mutate func(m *types.MsgExodusWithdraw)
		want   error
	}{
		{"valid", func(*types.MsgExodusWithdraw) {}, nil},
		{"credits-only, empty balance", func(m *types.MsgExodusWithdraw) { m.LeafIndex, m.Balance, m.Siblings = protocol.ExitLeafNone, "", nil }, nil},
		{"balance 2^128-1", func(m *types.MsgExodusWithdraw) { m.Balance = "340282366920938463463374607431768211455" }, nil},
		{"balance 2^128", func(m *types.MsgExodusWithdraw) { m.Balance = "340282366920938463463374607431768211456" }, types.ErrInvalidExitProof},
		{"long balance string", func(m *types.MsgExodusWithdraw) { m.Balance = strings.Repeat("0", 40) + "1" }, types.ErrInvalidExitProof},
		{"negative balance", func(m *types.MsgExodusWithdraw) { m.Balance = "-1" }, types.ErrInvalidExitProof},
		{"decimal balance", func(m *types.MsgExodusWithdraw) { m.Balance = "1.5" }, types.ErrInvalidExitProof},
		{"bad sender", func(m *types.MsgExodusWithdraw) { m.Sender = "native1bad" }, types.ErrInvalidRequest},
		{"bad recipient", func(m *types.MsgExodusWithdraw) { m.Recipient = "" }, types.ErrInvalidRequest},
		{"32-byte recipient", func(m *types.MsgExodusWithdraw) { m.Recipient = long }, types.ErrInvalidRequest},
		{"bad rollup id", func(m *types.MsgExodusWithdraw) { m.RollupId = "A" }, protocol.ErrInvalidRollupID},
		{"short root", func(m *types.MsgExodusWithdraw) { m.StateRoot = make([]byte, 31) }, types.ErrInvalidExitProof},
		{"empty account", func(m *types.MsgExodusWithdraw) { m.Account = nil }, types.ErrInvalidExitProof},
		{"account over the L2 address bound", func(m *types.MsgExodusWithdraw) { m.Account = make([]byte, 65) }, types.ErrInvalidExitProof},
		{"33 siblings", func(m *types.MsgExodusWithdraw) { m.Siblings = make([][]byte, 33) }, types.ErrInvalidExitProof},
		{"short sibling", func(m *types.MsgExodusWithdraw) { m.Siblings = [][]byte{{1}} }, types.ErrInvalidExitProof},
		{"no signature", func(m *types.MsgExodusWithdraw) { m.Signature = nil }, types.ErrInvalidExitProof},
		{"huge signature", func(m *types.MsgExodusWithdraw) { m.Signature = make([]byte, 257) }, types.ErrInvalidExitProof},
		{"two-denom fields", func(m *types.MsgExodusWithdraw) {
			m.QuoteBalance, m.Shares, m.PoolReserveBase, m.PoolReserveQuote, m.PoolTotalShares = "0", "5", "340282366920938463463374607431768211455", "7", "9"
		}, nil},
		{"quote of 2^128", func(m *types.MsgExodusWithdraw) { m.QuoteBalance = "340282366920938463463374607431768211456" }, types.ErrInvalidExitProof},
		{"shares negative", func(m *types.MsgExodusWithdraw) { m.Shares = "-1" }, types.ErrInvalidExitProof},
		{"reserve with a plus sign", func(m *types.MsgExodusWithdraw) { m.PoolReserveBase = "+1" }, types.ErrInvalidExitProof},
		{"reserve with a leading zero", func(m *types.MsgExodusWithdraw) { m.PoolReserveQuote = "01" }, types.ErrInvalidExitProof},
		{"total shares of 41 digits", func(m *types.MsgExodusWithdraw) { m.PoolTotalShares = strings.Repeat("9", 41) }, types.ErrInvalidExitProof},
		{"quote in hex", func(m *types.MsgExodusWithdraw) { m.QuoteBalance = "0x10" }, types.ErrInvalidExitProof},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := valid()
			tc.mutate(&m)
			err := m.Validate(ac)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestParams_MaxRefundsPerBlock(t *testing.T) {
	for _, tc := range []struct {
		v     uint32
		valid bool
	}{{0, false}, {1, true}, {types.DefaultMaxRefundsPerBlock, true}, {types.MaxRefundsPerBlockLimit, true}, {types.MaxRefundsPerBlockLimit + 1, false}} {
		p := types.DefaultParams()
		p.MaxRefundsPerBlock = tc.v
		if tc.valid {
			require.NoError(t, p.Validate(), "%d", tc.v)
		} else {
			require.ErrorIs(t, p.Validate(), types.ErrInvalidParams, "%d", tc.v)
		}
	}
}
