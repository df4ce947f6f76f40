//go:build system

package system

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func itoa(i int) string { return strconv.Itoa(i) }

func TestDevnetScript_StartsChain(t *testing.T) {
	// ARRANGE: a devnet home and ports of its own, the binary already built.
	bin := Binary(t)
	home := filepath.Join(t.TempDir(), "devnet")
	p := FreePorts(t, 4)
	env := []string{
		"NATIVECHAIND_BIN=" + bin,
		"DEVNET_HOME=" + home,
		"DEVNET_DETACH=1",
		"DEVNET_SKIP_BUILD=1",
		"DEVNET_P2P_PORT=" + itoa(p[0]),
		"DEVNET_RPC_PORT=" + itoa(p[1]),
		"DEVNET_GRPC_PORT=" + itoa(p[2]),
		"DEVNET_API_PORT=" + itoa(p[3]),
		"DEVNET_BLOCK_TIME=500ms",
		"DEVNET_WAIT_TIMEOUT=90",
	}
	pidFile := filepath.Join(home, "nativechaind.pid")
	t.Cleanup(func() {
		if raw, err := os.ReadFile(pidFile); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(raw))); err == nil {
				StopPID(t, pid)
			}
		}
		if t.Failed() {
			if raw, err := os.ReadFile(filepath.Join(home, "node.log")); err == nil {
				lines := strings.Split(string(raw), "\n")
				t.Logf("devnet node log (last lines):\n%s", strings.Join(lines[max(0, len(lines)-40):], "\n"))
			}
		}
	})

	// ACT
	out := RunScript(t, 3*time.Minute, env, "devnet.sh")

	// ASSERT: the script printed the endpoints and funded accounts, and the
	// chain it left running keeps producing blocks.
	for _, want := range []string{
		fmt.Sprintf("http://127.0.0.1:%d", p[1]),
		fmt.Sprintf("127.0.0.1:%d", p[2]),
		"alice", "bob", "carol", "dave", "native1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("devnet.sh output lacks %q:\n%s", want, out)
		}
	}
	first := statusHeight(t, bin, home)
	if first < 2 {
		t.Fatalf("devnet.sh returned at height %d, want >= 2", first)
	}
	deadline := time.Now().Add(30 * time.Second)
	for statusHeight(t, bin, home) <= first {
		if time.Now().After(deadline) {
			t.Fatalf("height stuck at %d for 30s", first)
		}
		time.Sleep(250 * time.Millisecond)
	}

	// The funded dev accounts exist on chain.
	alice := strings.TrimSpace(MustRun(t, bin, "keys", "show", "alice", "-a", "--keyring-backend", "test", "--home", home).Stdout)
	bal := MustRun(t, bin, "query", "bank", "balances", alice, "--home", home, "-o", "json").Stdout
	if !strings.Contains(bal, `"1000000000000"`) {
		t.Fatalf("alice should hold 10^12 unat, got %s", bal)
	}

	// `devnet.sh stop` ends the node.
	RunScript(t, time.Minute, env, "devnet.sh", "stop")
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Fatalf("pid file still present after devnet.sh stop (%v)", err)
	}
}

// statusHeight asks `nativechaind status` (node address from client.toml,
// which devnet.sh writes) for the latest height.
func statusHeight(t testing.TB, bin, home string) int64 {
	t.Helper()
	res := MustRun(t, bin, "status", "--home", home)
	out := decodeJSON(t, res, res.Stdout+res.Stderr)
	h, ok := findKey(out, "latest_block_height")
	if !ok {
		t.Fatalf("no latest_block_height in status output: %s", res.Output())
	}
	return jsonNumber(h)
}
