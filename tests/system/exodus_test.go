//go:build system

package system

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
	crtypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

const (
	exodusRollup = "exodus-pay"
	// exodusDeadline is inbox_deadline_blocks: long enough for the live
	// operator to prove a batch on a loaded machine, short enough to wait
	// for the freeze.
	exodusDeadline = 120
)

// A payments rollup whose only operator disappears: a forced transaction
// and a deposit wait in its inbox, the deadline passes and the chain
// freezes it. Each user rebuilds their proof from the chain alone
// (l2 exit-proof) and recovers exactly their last proven balance
// (tx crossrollup exodus-withdraw); the unconsumed deposit goes back to its
// L1 sender; the bridge invariant holds after every step; bad claims fail
// with their typed errors.
func TestExodus_OperatorGoneUsersExitAndDepositIsRefunded(t *testing.T) {
	// ARRANGE: one validator, a short inbox deadline, a payments rollup
	// (depth 8, 4 slots) with its operator, alice and bob funded on L2.
	bin := Binary(t)
	c := NewSingleNodeChain(t, "alice", "bob", "carol", "dave")
	n := c.Node
	setRollupsGenesisParam(t, n, "inbox_deadline_blocks", fmt.Sprint(exodusDeadline))
	EditTOML(t, filepath.Join(n.Home, "config", "client.toml"),
		TOMLEdit{"", "node", Str(n.Ports.NodeRPC())},
		TOMLEdit{"", "chain-id", Str(n.ChainID)},
		TOMLEdit{"", "keyring-backend", Str("test")},
	)
	n.Start(t)
	n.WaitForHeight(t, 2, startTimeout)

	keys := filepath.Join(RepoRoot(t), "build", "test-keys")
	runLong(t, 15*time.Minute, bin, "operator", "setup", "--circuit", "payments", "--param", "depth=8", "--param", "slots=4", "--keys-dir", keys)
	opDir := filepath.Join(t.TempDir(), "operator")
	apiPort := FreePorts(t, 1)[0]
	opURL := fmt.Sprintf("http://127.0.0.1:%d", apiPort)
	n.MustExec(t, "operator", "init", exodusRollup, "--key", "carol", "--param", "depth=8", "--param", "slots=4",
		"--keys-dir", keys, "--operator-home", opDir, "--api-listen", fmt.Sprintf("127.0.0.1:%d", apiPort), "--batch-timeout", "500ms")
	n.MustExec(t, "operator", "register", "--operator-home", opDir, "--bond", "10000000"+Denom, "--yes",
		"--fees", "20000"+Denom, "--gas", "600000", "--broadcast-mode", "sync")
	require.Eventually(t, func() bool {
		return n.Exec(t, "query", "rollups", "rollup", exodusRollup).ExitCode == 0
	}, 30*time.Second, 300*time.Millisecond, "rollup not registered")
	layout := n.Query(t, "rollups", "rollup", exodusRollup)
	exitLayout, _ := findKey(layout, "exit_layout")
	require.Contains(t, fmt.Sprint(exitLayout), protocol.ExitLayoutPaymentsV1, "operator register declares the exit layout")

	opLog, err := os.Create(filepath.Join(opDir, "operator.log"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = opLog.Close() })
	op := exec.Command(bin, "operator", "start", "--operator-home", opDir, "--home", n.Home)
	op.Stdout, op.Stderr = opLog, opLog
	require.NoError(t, op.Start())
	opDone := make(chan struct{})
	go func() { _ = op.Wait(); close(opDone) }()
	t.Cleanup(func() {
		_ = op.Process.Kill()
		<-opDone
		if t.Failed() {
			raw, _ := os.ReadFile(filepath.Join(opDir, "operator.log"))
			lines := strings.Split(string(raw), "\n")
			t.Logf("operator log (last lines):\n%s", strings.Join(lines[max(0, len(lines)-30):], "\n"))
		}
	})
	cl := wallet.NewClient(opURL)
	require.Eventually(t, func() bool { _, err := cl.Status(t.Context()); return err == nil }, time.Minute, 300*time.Millisecond, "operator API")

	l2 := map[string]*payments.PrivateKey{}
	for _, name := range []string{"alice", "bob"} {
		n.MustExec(t, "l2", "keys", "add", name, "--from-l1", name)
		l2[name] = loadL2Key(t, n.Home, name)
	}
	addr := func(name string) string { return fmt.Sprintf("%x", l2[name].Public.Address()) }
	n.WaitForTx(t, n.MustBroadcast(t, "crossrollup", "deposit", exodusRollup, addr("alice"), "1000000"+Denom, "--from", "alice", "--gas", "400000"), time.Minute)
	n.WaitForTx(t, n.MustBroadcast(t, "crossrollup", "deposit", exodusRollup, addr("bob"), "10000"+Denom, "--from", "bob", "--gas", "400000"), time.Minute)
	requireL2(t, cl, l2["alice"], "1000000", 0)
	requireL2(t, cl, l2["bob"], "10000", 0)
	requireInvariant(t, n)

	dir := t.TempDir()
	proofFile := func(name, recipient string) string {
		f := filepath.Join(dir, fmt.Sprintf("%s-%d.json", name, time.Now().UnixNano()))
		n.MustExec(t, "l2", "exit-proof", exodusRollup, name, "--recipient", recipient, "--out", f)
		return f
	}
	bobStale := proofFile("bob", c.Accounts["bob"]) // against the root before the transfer

	n.MustExec(t, "l2", "transfer", "alice", "bob", "250000", "--fee", "10", "--wait", "--operator", opURL, "--rollup-id", exodusRollup)
	requireL2(t, cl, l2["alice"], "749990", 1)
	requireL2(t, cl, l2["bob"], "260000", 0)

	// ACT 1: the operator disappears; alice forces a withdrawal, dave
	// deposits. Nobody consumes either.
	require.NoError(t, op.Process.Kill())
	<-opDone
	aliceProof := proofFile("alice", c.Accounts["alice"])
	requireTxCode(t, n, "crossrollup", crtypes.ErrRollupNotFrozen.ABCICode(), "exit from a live rollup",
		"crossrollup", "exodus-withdraw", exodusRollup, "--proof-file", aliceProof, "--from", "validator")
	n.WaitForTx(t, n.MustBroadcast(t, "rollups", "force-include", exodusRollup, forcedWithdrawFile(t, n, dir, "alice", c.Accounts["alice"]), "--from", "alice", "--gas", "400000"), time.Minute)
	daveBefore := n.Balance(t, c.Accounts["dave"], Denom)
	n.WaitForTx(t, n.MustBroadcast(t, "crossrollup", "deposit", exodusRollup, addr("alice"), "5000"+Denom, "--from", "dave", "--gas", "400000"), time.Minute)
	requireInvariant(t, n)

	// ASSERT 1: the deadline passes and the chain freezes the rollup.
	require.Eventually(t, func() bool {
		st, _ := findKey(n.Query(t, "rollups", "rollup", exodusRollup), "status")
		return fmt.Sprint(st) == "ROLLUP_STATUS_FROZEN"
	}, 4*time.Minute, time.Second, "rollup not frozen after %d blocks", exodusDeadline)
	requireInvariant(t, n)

	// ACT 2 / ASSERT 2: each user exits with exactly the last proven balance.
	requireTxCode(t, n, "rollups", rollupstypes.ErrRollupNotActive.ABCICode(), "force-include into a frozen rollup",
		"rollups", "force-include", exodusRollup, forcedWithdrawFile(t, n, dir, "alice", c.Accounts["alice"]), "--from", "alice", "--gas", "400000")
	exit := func(name, file string, want int64) {
		before := n.Balance(t, c.Accounts[name], Denom)
		n.WaitForTx(t, n.MustBroadcast(t, "crossrollup", "exodus-withdraw", exodusRollup, "--proof-file", file, "--from", "validator", "--gas", "400000"), time.Minute)
		require.Equal(t, before+want, n.Balance(t, c.Accounts[name], Denom), "%s recovers the last proven balance", name)
		requireInvariant(t, n)
	}
	exit("alice", aliceProof, 749_990)
	requireTxCode(t, n, "crossrollup", crtypes.ErrAlreadyExited.ABCICode(), "second exit",
		"crossrollup", "exodus-withdraw", exodusRollup, "--proof-file", aliceProof, "--from", "validator", "--gas", "400000")
	requireTxCode(t, n, "crossrollup", crtypes.ErrStaleExitRoot.ABCICode(), "exit against an older root",
		"crossrollup", "exodus-withdraw", exodusRollup, "--proof-file", bobStale, "--from", "validator", "--gas", "400000")
	bobProof := proofFile("bob", c.Accounts["bob"])
	stolen := rewriteProof(t, bobProof, func(p *protocol.ExitProofFile) {
		p.Recipient = c.Accounts["carol"] // bob's leaf, paid to carol, with bob's signature for bob's address
	})
	requireTxCode(t, n, "crossrollup", crtypes.ErrInvalidExitProof.ABCICode(), "exit proof for another account",
		"crossrollup", "exodus-withdraw", exodusRollup, "--proof-file", stolen, "--from", "carol", "--gas", "400000")
	exit("bob", bobProof, 260_000)

	// ASSERT 3: dave's unconsumed deposit came back to his L1 account
	// (minus only the fee of the deposit transaction).
	require.Eventually(t, func() bool {
		return n.Balance(t, c.Accounts["dave"], Denom) == daveBefore-DefaultFeeAmount
	}, time.Minute, time.Second, "dave's deposit not refunded")
	requireInvariant(t, n)
}

// setRollupsGenesisParam sets app_state.rollups.params[key] in the genesis.
func setRollupsGenesisParam(t *testing.T, n *Node, key, value string) {
	t.Helper()
	path := filepath.Join(n.Home, "config", "genesis.json")
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var g map[string]any
	require.NoError(t, json.Unmarshal(raw, &g))
	params := g["app_state"].(map[string]any)["rollups"].(map[string]any)["params"].(map[string]any)
	_, ok := params[key]
	require.True(t, ok, "rollups param %q", key)
	params[key] = value
	raw, err = json.MarshalIndent(g, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, raw, 0o644))
}

// runLong runs the binary with a timeout longer than the CLI default
// (operator setup compiles the circuit on a cold key cache).
func runLong(t *testing.T, timeout time.Duration, bin string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	require.NoError(t, err, "nativechaind %s:\n%s", strings.Join(args, " "), out)
}

// forcedWithdrawFile writes, with 'l2 force-withdraw', a signed withdrawal
// of all but a little of the key's funds as a forced-transaction payload
// for tx rollups force-include. The operator is gone by then, so the
// account index, nonce, chain id, rollup id and denom are flags.
func forcedWithdrawFile(t *testing.T, n *Node, dir, key, to string) string {
	t.Helper()
	f := filepath.Join(dir, fmt.Sprintf("forced-%d.bin", time.Now().UnixNano()))
	n.MustExec(t, "l2", "force-withdraw", key, to, "700000"+Denom, "--index", "0", "--nonce", "1",
		"--chain-id", n.ChainID, "--rollup-id", exodusRollup, "--denom", Denom, "--out", f)
	raw, err := os.ReadFile(f)
	require.NoError(t, err)
	tx, err := payments.DecodeForcedTx(raw)
	require.NoError(t, err, "the CLI writes the canonical forced-transaction payload")
	require.Equal(t, payments.KindWithdraw, tx.Kind)
	return f
}

func rewriteProof(t *testing.T, file string, mutate func(p *protocol.ExitProofFile)) string {
	t.Helper()
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	var p protocol.ExitProofFile
	require.NoError(t, json.Unmarshal(raw, &p))
	mutate(&p)
	raw, err = json.Marshal(p)
	require.NoError(t, err)
	out := file + ".rewritten.json"
	require.NoError(t, os.WriteFile(out, raw, 0o600))
	return out
}

// requireInvariant: escrow == ledgers + pending, per denom.
func requireInvariant(t *testing.T, n *Node) {
	t.Helper()
	out := n.Query(t, "crossrollup", "invariant")
	holds, _ := findKey(out, "holds")
	require.Equal(t, true, holds, "bridge invariant: %v", out)
}

// requireTxCode broadcasts a transaction that must fail, in CheckTx or in
// its block, with the given registered error (codespace and code).
func requireTxCode(t *testing.T, n *Node, codespace string, code uint32, what string, args ...string) {
	t.Helper()
	res := n.Tx(t, args...)
	body := jsonObjectIn(res.Stdout)
	require.NotEmpty(t, body, "%s: no JSON from the tx command\nstdout: %s\nstderr: %s", what, res.Stdout, res.Stderr)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &out))
	if jsonNumber(out["code"]) == 0 {
		hash, _ := out["txhash"].(string)
		require.NotEmpty(t, hash, what)
		require.Eventually(t, func() bool {
			r := n.Exec(t, "query", "tx", hash, "--node", n.Ports.NodeRPC(), "-o", "json")
			if r.ExitCode != 0 {
				return false
			}
			out = decodeJSON(t, r, r.Stdout)
			return true
		}, time.Minute, 300*time.Millisecond, "%s: tx %s not in a block", what, hash)
	}
	require.Equal(t, int64(code), jsonNumber(out["code"]), "%s: %v", what, out["raw_log"])
	require.Equal(t, codespace, out["codespace"], "%s: %v", what, out["raw_log"])
}
