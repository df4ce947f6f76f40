//go:build system

package system

import (
	"testing"
	"time"
)

func TestSingleNode_ProducesBlocksAndTransfers(t *testing.T) {
	// ARRANGE: one validator, alice and bob funded in genesis.
	chain := NewSingleNodeChain(t, "alice", "bob")
	node := chain.Node
	node.Start(t)
	node.WaitForHeight(t, 3, startTimeout)

	alice, bob := chain.Accounts["alice"], chain.Accounts["bob"]
	aliceBefore := node.Balance(t, alice, Denom)
	bobBefore := node.Balance(t, bob, Denom)
	if aliceBefore != GenesisBalance || bobBefore != GenesisBalance {
		t.Fatalf("genesis balances: alice %d, bob %d, want %d each", aliceBefore, bobBefore, GenesisBalance)
	}

	// ACT: alice sends to bob through the CLI.
	const amount int64 = 1_234_567
	hash := node.MustBroadcast(t, "bank", "send", "alice", bob, coin(amount))
	tx := node.WaitForTx(t, hash, 30*time.Second)

	// ASSERT: the tx is in a block and both balances moved by the amount (plus fee for alice).
	if h := jsonNumber(tx["height"]); h <= 0 {
		t.Fatalf("tx %s has no block height: %v", hash, tx["height"])
	}
	if got := node.Balance(t, bob, Denom); got != bobBefore+amount {
		t.Fatalf("bob balance = %d, want %d", got, bobBefore+amount)
	}
	const fee int64 = DefaultFeeAmount
	if got := node.Balance(t, alice, Denom); got != aliceBefore-amount-fee {
		t.Fatalf("alice balance = %d, want %d (amount %d + fee %d)", got, aliceBefore-amount-fee, amount, fee)
	}
	if seq := node.Sequence(t, alice); seq != 1 {
		t.Fatalf("alice sequence = %d after one tx, want 1", seq)
	}

	// The chain keeps going after the transfer, then stops cleanly on SIGTERM.
	node.WaitForBlocks(t, 2, 30*time.Second)
	node.Stop(t)
}
