package cli_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/client/cli"
	"github.com/nativechain/nativechain/x/crossrollup/types"
)

func proofFile(t *testing.T, edit func(*protocol.ExitProofFile)) []byte {
	t.Helper()
	f := protocol.ExitProofFile{
		RollupID: "payments", StateRoot: strings.Repeat("07", 32), LeafIndex: 5,
		Account: strings.Repeat("cc", 64), Balance: "300", Nonce: 2,
		Siblings:  []string{strings.Repeat("01", 32), strings.Repeat("02", 32)},
		Recipient: "native1recipient", Signature: "abcd",
	}
	if edit != nil {
		edit(&f)
	}
	bz, err := json.Marshal(f)
	require.NoError(t, err)
	return bz
}

func TestExodusMsgFromProofFile_ReadsEveryField(t *testing.T) {
	msg, err := cli.ExodusMsgFromProofFile(proofFile(t, nil), "payments", "native1sender")
	require.NoError(t, err)
	require.Equal(t, &types.MsgExodusWithdraw{
		Sender: "native1sender", RollupId: "payments", StateRoot: bytes.Repeat([]byte{7}, 32), LeafIndex: 5,
		Account: bytes.Repeat([]byte{0xcc}, 64), Balance: "300", Nonce: 2,
		Siblings:  [][]byte{bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)},
		Recipient: "native1recipient", Signature: mustDecode(t, "abcd"),
	}, msg)
}

func TestExodusMsgFromProofFile_ReadsTheTwoDenomFields(t *testing.T) {
	bz := proofFile(t, func(f *protocol.ExitProofFile) {
		f.RollupID = "exchange"
		f.QuoteBalance, f.Shares = "40", "5"
		f.PoolReserveBase, f.PoolReserveQuote, f.PoolTotalShares = "1000", "2000", "10"
	})
	msg, err := cli.ExodusMsgFromProofFile(bz, "exchange", "native1sender")
	require.NoError(t, err)
	require.Equal(t, "300", msg.Balance)
	require.Equal(t, "40", msg.QuoteBalance)
	require.Equal(t, "5", msg.Shares)
	require.Equal(t, "1000", msg.PoolReserveBase)
	require.Equal(t, "2000", msg.PoolReserveQuote)
	require.Equal(t, "10", msg.PoolTotalShares)

	// A payments-v1 file writes none of them: its JSON is unchanged.
	require.NotContains(t, string(proofFile(t, nil)), "quote")
	require.NotContains(t, string(proofFile(t, nil)), "pool")
}

func TestExodusMsgFromProofFile_RefusesBadFiles(t *testing.T) {
	tests := []struct {
		name    string
		file    []byte
		wantErr string
	}{
		{"not JSON", []byte("exit"), "not an exit proof file"},
		{"unknown field", []byte(`{"rollup_id":"payments","leaf":1}`), "unknown field"},
		{"another rollup", proofFile(t, func(f *protocol.ExitProofFile) { f.RollupID = "other" }), `for rollup "other"`},
		{"root not hex", proofFile(t, func(f *protocol.ExitProofFile) { f.StateRoot = "zz" }), "state_root: not hex"},
		{"sibling not hex", proofFile(t, func(f *protocol.ExitProofFile) { f.Siblings[1] = "0x01" }), "siblings[1]: not hex"},
		{"account not hex", proofFile(t, func(f *protocol.ExitProofFile) { f.Account = "q" }), "account: not hex"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cli.ExodusMsgFromProofFile(tc.file, "payments", "native1sender")
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func mustDecode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}
