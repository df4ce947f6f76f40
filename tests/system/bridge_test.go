//go:build system

package system

import (
	"testing"
	"time"

	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
)

// TestBridge_CLIDepositEscrowsAndAppendsToInbox drives a deposit through the
// CLI on a running chain: the coins leave the sender, the rollup's escrow
// ledger and its inbox grow by one deposit.
func TestBridge_CLIDepositEscrowsAndAppendsToInbox(t *testing.T) {
	// ARRANGE: a rollup registered by alice; bob deposits.
	p, err := batchprover.New()
	if err != nil {
		t.Fatalf("test circuit setup: %v", err)
	}
	chain := StartSingleNodeChain(t, "alice", "bob")
	node, bob := chain.Node, chain.Accounts["bob"]
	files := rollupFiles{t: t, dir: t.TempDir()}
	hash := node.MustBroadcast(t, "rollups", "register", "payments",
		"--vk-file", files.write("vk.bin", p.VerifyingKey()),
		"--genesis-root", rootHex(rootElement(1)), "--bond", coin(rollupBond), "--from", "alice")
	node.WaitForTx(t, hash, 30*time.Second)
	bobBefore := node.Balance(t, bob, Denom)

	// ACT: deposit 1 NAT to an L2 recipient.
	const amount = 1_000_000
	hash = node.MustBroadcast(t, "crossrollup", "deposit", "payments", "0a1b2c3d4e5f", coin(amount), "--from", "bob")
	node.WaitForTx(t, hash, 30*time.Second)

	// ASSERT: escrowed, ledgered, and in the inbox.
	if got := node.Balance(t, bob, Denom); bobBefore-got < amount {
		t.Fatalf("bob's balance went from %d to %d; want at least %d less", bobBefore, got, amount)
	}
	escrow := node.Query(t, "crossrollup", "escrow", "payments")
	ledgers, _ := escrow["ledgers"].([]any)
	if len(ledgers) != 1 {
		t.Fatalf("escrow ledgers %v; want one", escrow)
	}
	ledger, _ := ledgers[0].(map[string]any)
	if ledger["denom"] != Denom || ledger["amount"] != "1000000" {
		t.Fatalf("ledger %v; want 1000000%s", ledger, Denom)
	}
	inbox := node.Query(t, "rollups", "inbox", "payments")
	if jsonNumber(inbox["inbox_size"]) != 1 {
		t.Fatalf("inbox %v; want one message", inbox)
	}

	// A deposit to an unknown rollup passes CheckTx but fails in the block
	// and moves nothing.
	res := node.Tx(t, "crossrollup", "deposit", "nosuchrollup", "0a0b", coin(5), "--from", "bob")
	resp := parseTxResponse(t, res)
	if resp.Code == 0 {
		found := false
		deadline := time.Now().Add(30 * time.Second)
		for !found && time.Now().Before(deadline) {
			q := node.Exec(t, "query", "tx", resp.TxHash, "--node", node.Ports.NodeRPC(), "-o", "json")
			if q.ExitCode == 0 {
				out := decodeJSON(t, q, q.Stdout)
				if jsonNumber(out["code"]) == 0 {
					t.Fatalf("deposit to an unknown rollup succeeded: %v", out)
				}
				found = true
				continue
			}
			time.Sleep(300 * time.Millisecond)
		}
		if !found {
			t.Fatalf("deposit tx %s to an unknown rollup never reached a block", resp.TxHash)
		}
	}
	escrow = node.Query(t, "crossrollup", "escrow", "payments")
	if l, _ := escrow["ledgers"].([]any); len(l) != 1 {
		t.Fatalf("escrow changed after a failed deposit: %v", escrow)
	}
}
