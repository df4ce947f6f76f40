//go:build system

package system

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

const (
	// TestChainID is the chain id of the chains the tests build.
	TestChainID = "nativechain-systest-1"
	// GenesisBalance is what every genesis account receives (10^12 unat).
	GenesisBalance int64 = 1_000_000_000_000
	// SelfDelegation is what the validator bonds in its gentx.
	SelfDelegation int64 = 100_000_000_000

	startTimeout = 90 * time.Second
)

// Chain is a single-validator chain with funded test-keyring accounts.
type Chain struct {
	Node     *Node
	Accounts map[string]string // key name -> native1... address
}

// NewSingleNodeChain initialises (but does not start) a one-validator chain
// in t.TempDir() whose genesis funds the validator key and every extra
// account with GenesisBalance.
func NewSingleNodeChain(t testing.TB, accounts ...string) *Chain {
	t.Helper()
	bin := Binary(t)
	node := NewNode(t, bin, t.TempDir(), "node0", TestChainID)
	node.Init(t)

	c := &Chain{Node: node, Accounts: map[string]string{}}
	for _, name := range append([]string{"validator"}, accounts...) {
		c.Accounts[name] = c.AddKey(t, name)
		node.MustExec(t, "genesis", "add-genesis-account", name,
			fmt.Sprintf("%d%s", GenesisBalance, Denom), "--keyring-backend", "test")
	}
	node.MustExec(t, "genesis", "gentx", "validator", fmt.Sprintf("%d%s", SelfDelegation, Denom),
		"--chain-id", node.ChainID, "--keyring-backend", "test")
	node.MustExec(t, "genesis", "collect-gentxs")
	return c
}

// StartSingleNodeChain is NewSingleNodeChain, started and past height 2.
func StartSingleNodeChain(t testing.TB, accounts ...string) *Chain {
	t.Helper()
	c := NewSingleNodeChain(t, accounts...)
	c.Node.Start(t)
	c.Node.WaitForHeight(t, 2, startTimeout)
	return c
}

// AddKey creates a key in the node's test keyring and returns its address.
func (c *Chain) AddKey(t testing.TB, name string) string {
	t.Helper()
	c.Node.MustExec(t, "keys", "add", name, "--keyring-backend", "test")
	addr := strings.TrimSpace(c.Node.MustExec(t, "keys", "show", name, "-a", "--keyring-backend", "test").Stdout)
	if !strings.HasPrefix(addr, "native1") {
		t.Fatalf("key %s: address %q lacks the native1 prefix", name, addr)
	}
	return addr
}
