package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// testL2Pass seals the L2 keys of these tests ($NATIVECHAIN_L2_PASSPHRASE,
// the non-interactive way scripts use).
const testL2Pass = "cmd-test-passphrase"

func runL2(t *testing.T, args ...string) (string, error) {
	t.Helper()
	t.Setenv(envL2Passphrase, testL2Pass)
	cmd := L2Cmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestL2Keys_AddShowList(t *testing.T) {
	dir := t.TempDir()
	out, err := runL2(t, "keys", "add", "dave", "--l2-home", dir)
	require.NoError(t, err)
	require.Contains(t, out, "address")
	addr, err := runL2(t, "keys", "show", "dave", "-a", "--l2-home", dir)
	require.NoError(t, err)
	require.Len(t, strings.TrimSpace(addr), 128)
	require.Contains(t, out, strings.TrimSpace(addr))
	_, err = runL2(t, "keys", "add", "dave", "--l2-home", dir)
	require.ErrorContains(t, err, "exists")
	out, err = runL2(t, "keys", "list", "--l2-home", dir)
	require.NoError(t, err)
	require.Contains(t, out, "dave")
}

func TestL2_OperatorUnreachableIsSaidPlainly(t *testing.T) {
	dir := t.TempDir()
	_, err := runL2(t, "keys", "add", "dave", "--l2-home", dir)
	require.NoError(t, err)
	_, err = runL2(t, "balance", "dave", "--l2-home", dir, "--operator", "http://127.0.0.1:1")
	require.ErrorContains(t, err, "operator unreachable at http://127.0.0.1:1")
}

func TestOperatorInit_WritesConfig(t *testing.T) {
	home := t.TempDir()
	out, _, err := runOperator(t, "init", "payments", "--key", "carol", "--param", "depth=8", "--param", "slots=4",
		"--operator-home", home, "--api-listen", "127.0.0.1:9999")
	require.NoError(t, err)
	require.Contains(t, out, "operator register")
	c, err := operator.LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, "payments", c.RollupID)
	require.Equal(t, "8", c.Params["depth"])
	require.Equal(t, "127.0.0.1:9999", c.APIListen)
	_, _, err = runOperator(t, "init", "payments", "--key", "carol", "--operator-home", home)
	require.ErrorContains(t, err, "already exists")
	_, _, err = runOperator(t, "init", "Bad_Id", "--key", "carol", "--operator-home", filepath.Join(home, "x"))
	require.Error(t, err)
}

// --kind selects the rollup kind and fills its circuit and default params;
// an unknown kind is refused with the registered ones listed.
func TestOperatorInit_KindFlag(t *testing.T) {
	home := t.TempDir()
	out, _, err := runOperator(t, "init", "pay", "--key", "carol", "--kind", "payments", "--param", "depth=8", "--operator-home", home)
	require.NoError(t, err)
	require.Contains(t, out, "kind payments, circuit payments(")
	c, err := operator.LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, "payments", c.Kind)
	require.Equal(t, "payments", c.Circuit)
	require.Equal(t, map[string]string{"depth": "8", "slots": "16", "denom": "unat"}, c.Params)

	_, _, err = runOperator(t, "init", "pay", "--key", "carol", "--kind", "exchange-nope", "--operator-home", filepath.Join(home, "x"))
	require.ErrorIs(t, err, rollupkit.ErrUnknownKind)
	require.ErrorContains(t, err, "registered: exchange, payments")
	_, err = os.Stat(filepath.Join(home, "x", operator.ConfigFile))
	require.True(t, os.IsNotExist(err), "nothing written")
}
