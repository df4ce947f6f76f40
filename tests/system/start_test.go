//go:build system

package system

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// exitTimeout is how long a node that must refuse to start may take to do so.
const exitTimeout = 60 * time.Second

func TestStart_RejectsCorruptGenesis(t *testing.T) {
	// ARRANGE: a freshly initialised home whose genesis is cut off mid-object.
	node := NewNode(t, Binary(t), t.TempDir(), "node0", TestChainID)
	node.Init(t)
	genesisPath := filepath.Join(node.Home, "config", "genesis.json")
	raw, err := os.ReadFile(genesisPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(genesisPath, raw[:len(raw)/2], 0o644); err != nil {
		t.Fatal(err)
	}

	// ACT
	node.Start(t)
	code, exited := node.WaitExit(exitTimeout)

	// ASSERT: a non-zero exit that names the genesis file as the culprit.
	if !exited {
		t.Fatalf("node kept running for %s on a corrupt genesis", exitTimeout)
	}
	if code == 0 {
		t.Fatalf("node exited 0 on a corrupt genesis")
	}
	if log := strings.ToLower(node.Log()); !strings.Contains(log, "genesis") {
		t.Fatalf("exit %d, but the output does not mention the genesis:\n%s", code, node.LogTail(30))
	}
	t.Logf("exit %d; the node said:\n%s", code, node.LogTail(3))
}

func TestStart_RejectsPortInUse(t *testing.T) {
	// ARRANGE: a valid chain whose RPC port another process already holds.
	chain := NewSingleNodeChain(t)
	node := chain.Node
	squatter, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", node.Ports.RPC))
	if err != nil {
		t.Fatalf("occupy RPC port %d: %v", node.Ports.RPC, err)
	}
	defer squatter.Close()

	// ACT
	node.Start(t)
	code, exited := node.WaitExit(exitTimeout)

	// ASSERT: the node gives up with a non-zero exit and says why.
	if !exited {
		t.Fatalf("node kept running for %s although its RPC port %d is taken", exitTimeout, node.Ports.RPC)
	}
	if code == 0 {
		t.Fatalf("node exited 0 although its RPC port %d is taken", node.Ports.RPC)
	}
	if log := strings.ToLower(node.Log()); !strings.Contains(log, "address already in use") {
		t.Fatalf("exit %d, but the output does not say the address is in use:\n%s", code, node.LogTail(30))
	}
	t.Logf("exit %d; the node said:\n%s", code, node.LogTail(3))
}
