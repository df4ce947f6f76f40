package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
)

// With the index, nonce, chain and rollup given, force-withdraw signs
// without any operator, and the file is a forced transaction the rollup's
// state would accept from that key.
func TestL2ForceWithdraw_WritesASignedForcedTx(t *testing.T) {
	dir := t.TempDir()
	_, err := runL2(t, "keys", "add", "dave", "--l2-home", dir)
	require.NoError(t, err)
	to := sdk.AccAddress(bytes.Repeat([]byte{0x55}, 20)).String()
	out := filepath.Join(dir, "w.forced")
	stdout, err := runL2(t, "force-withdraw", "dave", to, "2500000", "--fee", "2", "--out", out, "--l2-home", dir,
		"--index", "3", "--nonce", "7", "--chain-id", "nativechain-1", "--rollup-id", "payments", "--denom", payments.DefaultDenom,
		"--operator", "http://127.0.0.1:1")
	require.NoError(t, err)
	require.Contains(t, stdout, "force-include payments "+out)
	payload, err := os.ReadFile(out)
	require.NoError(t, err)
	tx, err := payments.DecodeForcedTx(payload)
	require.NoError(t, err)
	require.Equal(t, payments.KindWithdraw, tx.Kind)
	require.Equal(t, uint32(3), tx.From)
	require.Equal(t, uint32(7), tx.Nonce)
	require.Equal(t, "2500000", tx.Amount.Value().String())
	require.Equal(t, "2", tx.Fee.Value().String())
	require.Equal(t, bytes.Repeat([]byte{0x55}, 20), tx.Recipient)
	k, err := wallet.LoadKey(dir, "dave", []byte(testL2Pass))
	require.NoError(t, err)
	require.True(t, tx.Verify(k.Private.Public, paymentsv1.Domain("nativechain-1", "payments"), payments.DefaultDenom))
}

func TestL2Force_RefusesWhatCannotBeForced(t *testing.T) {
	dir := t.TempDir()
	_, err := runL2(t, "keys", "add", "dave", "--l2-home", dir)
	require.NoError(t, err)
	domain := []string{"--chain-id", "c", "--rollup-id", "r", "--denom", "unat"}
	offline := append([]string{"--l2-home", dir, "--index", "1", "--nonce", "0"}, domain...)
	long := sdk.AccAddress(bytes.Repeat([]byte{0x55}, 32)).String()
	x := filepath.Join(dir, "x")
	for name, c := range map[string]struct {
		args    []string
		offline bool // add the index, nonce and signing domain
	}{
		"no --out":             {[]string{"force-withdraw", "dave", sdk.AccAddress(bytes.Repeat([]byte{1}, 20)).String(), "5"}, true},
		"32-byte account":      {[]string{"force-withdraw", "dave", long, "5", "--out", x}, true},
		"unknown key":          {[]string{"force-transfer", "erin", "dave", "5", "--to-index", "2", "--out", x}, true},
		"unknown recipient":    {[]string{"force-transfer", "dave", "erin", "5", "--to-index", "2", "--out", x}, true},
		"amount too fine":      {[]string{"force-transfer", "dave", "dave", "123456789123", "--to-index", "2", "--out", x}, true},
		"no operator":          {append([]string{"force-transfer", "dave", "dave", "5", "--to-index", "2", "--out", x, "--l2-home", dir, "--operator", "http://127.0.0.1:1"}, domain...), false},
		"no rollup id":         {[]string{"force-transfer", "dave", "dave", "5", "--to-index", "2", "--out", x, "--l2-home", dir, "--index", "1", "--nonce", "0", "--chain-id", "c", "--denom", "unat"}, false},
		"no chain id, no node": {[]string{"force-transfer", "dave", "dave", "5", "--to-index", "2", "--out", x, "--l2-home", dir, "--index", "1", "--nonce", "0", "--rollup-id", "r", "--denom", "unat", "--node", "tcp://127.0.0.1:1"}, false},
	} {
		args := c.args
		if c.offline {
			args = append(args, offline...)
		}
		_, err := runL2(t, args...)
		require.Error(t, err, name)
		if name == "no operator" {
			require.True(t, strings.Contains(err.Error(), "without an operator"), err.Error())
		}
	}
	_, err = os.Stat(filepath.Join(dir, "x"))
	require.True(t, os.IsNotExist(err), "nothing written on error")
}

func TestL2ForceSend_WritesASignedForcedTx(t *testing.T) {
	dir := t.TempDir()
	for _, k := range []string{"dave", "erin"} {
		_, err := runL2(t, "keys", "add", k, "--l2-home", dir)
		require.NoError(t, err)
	}
	out := filepath.Join(dir, "s.forced")
	_, err := runL2(t, "force-send", "dave", "payments-b", "erin", "100", "--out", out, "--l2-home", dir,
		"--index", "2", "--nonce", "1", "--chain-id", "nativechain-1", "--rollup-id", "payments", "--denom", payments.DefaultDenom)
	require.NoError(t, err)
	payload, err := os.ReadFile(out)
	require.NoError(t, err)
	tx, err := payments.DecodeForcedTx(payload)
	require.NoError(t, err)
	erin, err := wallet.LoadKey(dir, "erin", []byte(testL2Pass))
	require.NoError(t, err)
	require.Equal(t, payments.KindSend, tx.Kind)
	require.Equal(t, "payments-b", tx.DestRollupID)
	require.Equal(t, erin.Private.Public.Address(), tx.Recipient)
	dave, err := wallet.LoadKey(dir, "dave", []byte(testL2Pass))
	require.NoError(t, err)
	require.True(t, tx.Verify(dave.Private.Public, paymentsv1.Domain("nativechain-1", "payments"), payments.DefaultDenom))
}
