package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

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
		"--index", "3", "--nonce", "7", "--chain-id", "nativechain-1", "--rollup-id", "payments",
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
	k, err := wallet.LoadKey(dir, "dave")
	require.NoError(t, err)
	require.True(t, tx.Verify(k.Private.Public, payments.Domain("nativechain-1", "payments"), payments.DefaultDenom))
}

func TestL2Force_RefusesWhatCannotBeForced(t *testing.T) {
	dir := t.TempDir()
	_, err := runL2(t, "keys", "add", "dave", "--l2-home", dir)
	require.NoError(t, err)
	offline := []string{"--l2-home", dir, "--index", "1", "--nonce", "0", "--chain-id", "c", "--rollup-id", "r"}
	long := sdk.AccAddress(bytes.Repeat([]byte{0x55}, 32)).String()
	for name, args := range map[string][]string{
		"no --out":        {"force-withdraw", "dave", sdk.AccAddress(bytes.Repeat([]byte{1}, 20)).String(), "5"},
		"32-byte account": {"force-withdraw", "dave", long, "5", "--out", filepath.Join(dir, "x")},
		"unknown key":     {"force-transfer", "erin", "#2", "5", "--out", filepath.Join(dir, "x")},
		"amount too fine": {"force-transfer", "dave", "#2", "123456789123", "--out", filepath.Join(dir, "x")},
		"no operator":     {"force-transfer", "dave", "#2", "5", "--out", filepath.Join(dir, "x"), "--l2-home", dir, "--operator", "http://127.0.0.1:1"},
	} {
		if name != "no operator" {
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
		"--index", "2", "--nonce", "1", "--chain-id", "nativechain-1", "--rollup-id", "payments")
	require.NoError(t, err)
	payload, err := os.ReadFile(out)
	require.NoError(t, err)
	tx, err := payments.DecodeForcedTx(payload)
	require.NoError(t, err)
	erin, err := wallet.LoadKey(dir, "erin")
	require.NoError(t, err)
	require.Equal(t, payments.KindSend, tx.Kind)
	require.Equal(t, "payments-b", tx.DestRollupID)
	require.Equal(t, erin.Private.Public.Address(), tx.Recipient)
	dave, err := wallet.LoadKey(dir, "dave")
	require.NoError(t, err)
	require.True(t, tx.Verify(dave.Private.Public, payments.Domain("nativechain-1", "payments"), payments.DefaultDenom))
}
