package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/devcircuit"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/setup"
)

func runOperator(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := OperatorCmd()
	var out, errOut bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetArgs(args)
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

func TestOperatorSetup_WritesKeysThenReusesThem(t *testing.T) {
	root := t.TempDir()
	c, err := circuits.Compile(devcircuit.Name, nil)
	require.NoError(t, err)
	dir := setup.KeyDir(root, c.Hash)

	out, errOut, err := runOperator(t, "setup", "--circuit", "test", "--keys-dir", root)
	require.NoError(t, err)
	require.Contains(t, out, "UNSAFE")
	require.Contains(t, out, c.Hash.String())
	require.Contains(t, out, "--vk-file "+filepath.Join(dir, setup.VerifyingKeyFile))
	require.Contains(t, errOut, "started, estimated")
	require.Contains(t, errOut, "done in")
	require.NotContains(t, errOut, "\r", "no redraws when stderr is not a terminal")

	keys, err := setup.LoadKeys(dir, c.Hash)
	require.NoError(t, err)
	require.True(t, keys.Manifest.UnsafeDevSetup)
	pkInfo, err := os.Stat(filepath.Join(dir, setup.ProvingKeyFile))
	require.NoError(t, err)

	out, errOut, err = runOperator(t, "setup", "--circuit", "test", "--param", "commitment=false", "--keys-dir", root)
	require.NoError(t, err)
	require.Contains(t, out, "reusing cached keys")
	require.Empty(t, errOut)
	again, err := os.Stat(filepath.Join(dir, setup.ProvingKeyFile))
	require.NoError(t, err)
	require.Equal(t, pkInfo.ModTime(), again.ModTime())
}

func TestOperatorSetup_RejectsBadInput(t *testing.T) {
	root := t.TempDir()
	for _, args := range [][]string{
		{"setup", "--keys-dir", root},
		{"setup", "--circuit", "no-such-circuit", "--keys-dir", root},
		{"setup", "--circuit", "test", "--param", "depth=3", "--keys-dir", root},
		{"setup", "--circuit", "test", "--param", "commitment", "--keys-dir", root},
	} {
		_, _, err := runOperator(t, args...)
		require.Error(t, err, strings.Join(args, " "))
	}
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	require.Empty(t, entries)
}

func TestOperatorCeremony_Phase1FromTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runOperator(t, "ceremony", "init", "--circuit", "test", "--dir", dir)
	require.NoError(t, err)
	require.Contains(t, out, "domain size   2048")

	out, _, err = runOperator(t, "ceremony", "contribute", "--in", filepath.Join(dir, "phase1_0000.bin"))
	require.NoError(t, err)
	require.Contains(t, out, "contribution hash")
	require.FileExists(t, filepath.Join(dir, "phase1_0001.bin"))

	out, _, err = runOperator(t, "ceremony", "verify", dir)
	require.NoError(t, err)
	require.Contains(t, out, "transcript ok")
	require.Contains(t, out, "1 phase-1 and 0 phase-2 contributions")

	_, _, err = runOperator(t, "ceremony", "finalize", "--beacon", "00ff", dir)
	require.ErrorIs(t, err, setup.ErrBadBeacon)

	// A damaged contribution fails verification.
	path := filepath.Join(dir, "phase1_0001.bin")
	bz, err := os.ReadFile(path)
	require.NoError(t, err)
	bz[len(bz)-1] ^= 1
	require.NoError(t, os.WriteFile(path, bz, 0o644))
	_, _, err = runOperator(t, "ceremony", "verify", dir)
	require.ErrorIs(t, err, setup.ErrCorrupted)
}

func TestPrintOperatorStatus_ShowsRoleAndFollowing(t *testing.T) {
	var out bytes.Buffer
	printOperatorStatus(&out, "http://127.0.0.1:8480", operator.Status{
		RollupID: "payments-a", Role: "standby", BatchesFollowed: 3, RacesLost: 1,
	})
	require.Contains(t, out.String(), "role          standby (3 batch(es) of other operators followed, 1 race(s) lost)")

	out.Reset()
	printOperatorStatus(&out, "http://127.0.0.1:8480", operator.Status{RollupID: "payments-a"})
	require.NotContains(t, out.String(), "role ")
}

// The fees accrued to the operator, and whether the daemon claims them.
func TestPrintOperatorStatus_ShowsAccruedFees(t *testing.T) {
	var out bytes.Buffer
	printOperatorStatus(&out, "http://127.0.0.1:8480", operator.Status{RollupID: "payments-a", Accrued: "999unat", ClaimAccruedMin: "1000"})
	require.Contains(t, out.String(), "fees accrued  999unat (claimed automatically once a denom reaches 1000)")

	out.Reset()
	printOperatorStatus(&out, "http://127.0.0.1:8480", operator.Status{RollupID: "payments-a", ClaimAccruedMin: "0"})
	require.Contains(t, out.String(), "fees accrued  not asked (auto-claim off: nativechaind tx crossrollup claim-accrued)")
}

// init --dev-keys leaves a rollup ready to register: the configured
// circuit's keys are in the cache (made once, then reused).
func TestOperatorInit_DevKeysMakesThenReusesTheKeys(t *testing.T) {
	root, home := t.TempDir(), t.TempDir()
	args := []string{"init", "dex", "--kind", "exchange", "--key", "erin", "--param", "depth=2", "--param", "slots=1",
		"--keys-dir", root, "--dev-keys"}
	out, _, err := runOperator(t, append(args, "--operator-home", home)...)
	require.NoError(t, err)
	require.Contains(t, out, "unsafe_dev_setup true")
	require.NotContains(t, out, "operator setup", "no setup step left")
	c, err := operator.LoadConfig(home)
	require.NoError(t, err)
	compiled, err := circuits.Compile(c.Circuit, circuits.Params(c.Params))
	require.NoError(t, err)
	_, err = setup.CheckKeys(setup.KeyDir(root, compiled.Hash), compiled.Hash)
	require.NoError(t, err)

	out, _, err = runOperator(t, append(args, "--operator-home", t.TempDir())...)
	require.NoError(t, err)
	require.Contains(t, out, "reusing cached keys")
}

// init's sync flags write operator.json's "sync" section, which the daemon
// turns into its options; a malformed peer is refused.
func TestOperatorInit_SyncFlags(t *testing.T) {
	home := t.TempDir()
	_, _, err := runOperator(t, "init", "payments-usdc", "--key", "dave", "--param", "depth=2", "--param", "slots=1",
		"--sync-round-blocks", "40", "--sync-peer", "exchange=http://127.0.0.1:8483/,leads", "--operator-home", home)
	require.NoError(t, err)
	c, err := operator.LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, &operator.SyncConfig{RoundBlocks: 40,
		Peers: map[string]operator.SyncPeerConfig{"exchange": {URL: "http://127.0.0.1:8483", Leads: true}}}, c.Sync)
	so, err := c.SyncOptions("")
	require.NoError(t, err)
	require.Equal(t, int64(40), so.RoundBlocks)
	require.Equal(t, operator.SyncPeer{URL: "http://127.0.0.1:8483", Leads: true}, so.Peers["exchange"])
	_, err = c.SyncOptions("no-such-fault")
	require.Error(t, err)

	for _, bad := range []string{"exchange", "=http://x", "exchange=", "payments-usdc=http://x", "exchange=http://x,follows"} {
		_, _, err := runOperator(t, "init", "payments-usdc", "--key", "dave", "--param", "depth=2", "--param", "slots=1",
			"--sync-peer", bad, "--operator-home", t.TempDir())
		require.Error(t, err, "--sync-peer %q", bad)
	}
	_, _, err = runOperator(t, "init", "payments-a", "--key", "carol", "--param", "depth=2", "--param", "slots=1", "--operator-home", t.TempDir())
	require.NoError(t, err)
}
