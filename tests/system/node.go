//go:build system

package system

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	// Denom is the staking and fee denom of nativechain.
	Denom = "unat"
	// MinGasPrice is what the test nodes ask for, so fees are exercised.
	MinGasPrice = "0.001" + Denom
	// DefaultFeeAmount (in unat) covers the default 200000 gas at MinGasPrice.
	DefaultFeeAmount = 1000
	// DefaultFees is DefaultFeeAmount as a coin, as every test tx pays it.
	DefaultFees = "1000" + Denom

	stopTimeout = 30 * time.Second
)

// Ports are the loopback ports one node listens on.
type Ports struct {
	P2P, RPC, GRPC, API int
}

// NodeRPC is the CLI --node value for this node.
func (p Ports) NodeRPC() string { return fmt.Sprintf("tcp://127.0.0.1:%d", p.RPC) }

// Node is one nativechaind home directory and, once started, its process.
type Node struct {
	Bin     string
	Home    string
	Moniker string
	ChainID string
	Ports   Ports
	LogPath string

	cmd     *exec.Cmd
	logF    *os.File
	done    chan struct{}
	waitErr error
}

// NewNode picks free ports and a home directory in dir, without touching disk.
func NewNode(t testing.TB, bin, dir, moniker, chainID string) *Node {
	t.Helper()
	p := FreePorts(t, 4)
	home := filepath.Join(dir, moniker)
	return &Node{
		Bin:     bin,
		Home:    home,
		Moniker: moniker,
		ChainID: chainID,
		Ports:   Ports{P2P: p[0], RPC: p[1], GRPC: p[2], API: p[3]},
		LogPath: filepath.Join(dir, moniker+".log"),
	}
}

// Exec runs a command against this node's home (flags are appended).
func (n *Node) Exec(t testing.TB, args ...string) CmdResult {
	t.Helper()
	return Run(t, n.Bin, append(args, "--home", n.Home)...)
}

// MustExec is Exec that fails the test on a non-zero exit.
func (n *Node) MustExec(t testing.TB, args ...string) CmdResult {
	t.Helper()
	return MustRun(t, n.Bin, append(args, "--home", n.Home)...)
}

// Init runs `nativechaind init` and points the node at its loopback ports.
func (n *Node) Init(t testing.TB) {
	t.Helper()
	n.MustExec(t, "init", n.Moniker, "--chain-id", n.ChainID, "--default-denom", Denom)
	n.Configure(t)
}

// Configure writes this node's ports and fast-block settings into config.toml
// and app.toml.
func (n *Node) Configure(t testing.TB) {
	t.Helper()
	EditTOML(t, filepath.Join(n.Home, "config", "config.toml"),
		TOMLEdit{"", "moniker", Str(n.Moniker)},
		TOMLEdit{"rpc", "laddr", Str(n.Ports.NodeRPC())},
		TOMLEdit{"rpc", "pprof_laddr", Str("")},
		TOMLEdit{"p2p", "laddr", Str(fmt.Sprintf("tcp://127.0.0.1:%d", n.Ports.P2P))},
		TOMLEdit{"p2p", "addr_book_strict", "false"},
		TOMLEdit{"p2p", "allow_duplicate_ip", "true"},
		TOMLEdit{"consensus", "timeout_commit", Str("300ms")},
	)
	EditTOML(t, filepath.Join(n.Home, "config", "app.toml"),
		TOMLEdit{"", "minimum-gas-prices", Str(MinGasPrice)},
		TOMLEdit{"api", "enable", "false"},
		TOMLEdit{"api", "address", Str(fmt.Sprintf("tcp://127.0.0.1:%d", n.Ports.API))},
		TOMLEdit{"grpc", "enable", "true"},
		TOMLEdit{"grpc", "address", Str(fmt.Sprintf("127.0.0.1:%d", n.Ports.GRPC))},
	)
}

// Start launches `nativechaind start` in the background, output going to
// LogPath. The node is stopped when the test ends if the test did not.
func (n *Node) Start(t testing.TB, extraArgs ...string) {
	t.Helper()
	if n.cmd != nil {
		t.Fatalf("node %s already started", n.Moniker)
	}
	logF, err := os.OpenFile(n.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatalf("open node log: %v", err)
	}
	args := append([]string{"start", "--home", n.Home, "--log_no_color"}, extraArgs...)
	cmd := exec.Command(n.Bin, args...)
	cmd.Stdout = logF
	cmd.Stderr = logF
	// A group of its own: a Ctrl-C on `go test` must not race our SIGTERM.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		_ = logF.Close()
		t.Fatalf("start node %s: %v", n.Moniker, err)
	}
	n.cmd, n.logF, n.done = cmd, logF, make(chan struct{})
	go func() {
		n.waitErr = cmd.Wait()
		_ = logF.Close()
		close(n.done)
	}()
	t.Cleanup(func() {
		if n.Running() {
			_ = n.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-n.done:
			case <-time.After(stopTimeout):
				_ = n.cmd.Process.Kill()
				<-n.done
			}
		}
		if t.Failed() {
			t.Logf("last lines of %s:\n%s", n.LogPath, n.LogTail(60))
		}
	})
}

// Running reports whether the started process has not exited yet.
func (n *Node) Running() bool {
	if n.cmd == nil {
		return false
	}
	select {
	case <-n.done:
		return false
	default:
		return true
	}
}

// WaitExit waits up to timeout for the process to exit by itself and returns
// its exit code; ok is false if it is still running.
func (n *Node) WaitExit(timeout time.Duration) (code int, ok bool) {
	select {
	case <-n.done:
		return exitCode(n.waitErr), true
	case <-time.After(timeout):
		return 0, false
	}
}

// Stop sends SIGTERM and waits for a clean exit: status 0, or death by the
// SIGTERM itself. Anything else (a panic, a hang needing SIGKILL) fails.
func (n *Node) Stop(t testing.TB) {
	t.Helper()
	if n.cmd == nil {
		t.Fatalf("node %s was never started", n.Moniker)
	}
	if !n.Running() {
		t.Fatalf("node %s had already exited (%v) before Stop", n.Moniker, n.waitErr)
	}
	if err := n.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("signal node %s: %v", n.Moniker, err)
	}
	select {
	case <-n.done:
	case <-time.After(stopTimeout):
		_ = n.cmd.Process.Kill()
		<-n.done
		t.Fatalf("node %s ignored SIGTERM for %s and was killed", n.Moniker, stopTimeout)
	}
	if !exitedCleanlyOnSIGTERM(n.waitErr) {
		t.Fatalf("node %s did not stop cleanly on SIGTERM: %v", n.Moniker, n.waitErr)
	}
}

func exitedCleanlyOnSIGTERM(err error) bool {
	if err == nil {
		return true
	}
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		return false
	}
	if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return ws.Signal() == syscall.SIGTERM
	}
	return exitErr.ExitCode() == 128+int(syscall.SIGTERM)
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode()
	}
	return -1
}

// LogTail returns the last n lines of the node's log.
func (n *Node) LogTail(lines int) string {
	raw, err := os.ReadFile(n.LogPath)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	all := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}

// Log returns the whole node log.
func (n *Node) Log() string {
	raw, _ := os.ReadFile(n.LogPath)
	return string(raw)
}

// Height asks the node's RPC /status for its latest block height.
func (n *Node) Height() (int64, error) {
	return RPCHeight(n.Ports.RPC)
}

// RPCHeight reads sync_info.latest_block_height from a CometBFT RPC on 127.0.0.1.
func RPCHeight(rpcPort int) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d/status", rpcPort), nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	// JSON-RPC wraps the status in "result"; accept a bare one too.
	var status struct {
		Result *struct {
			SyncInfo struct {
				LatestBlockHeight string `json:"latest_block_height"`
			} `json:"sync_info"`
		} `json:"result"`
		SyncInfo struct {
			LatestBlockHeight string `json:"latest_block_height"`
		} `json:"sync_info"`
	}
	if err := json.Unmarshal(body, &status); err != nil {
		return 0, fmt.Errorf("decode /status: %w (body %.200q)", err, body)
	}
	h := status.SyncInfo.LatestBlockHeight
	if status.Result != nil {
		h = status.Result.SyncInfo.LatestBlockHeight
	}
	if h == "" {
		return 0, fmt.Errorf("no latest_block_height in /status: %.200q", body)
	}
	return strconv.ParseInt(h, 10, 64)
}

// WaitForHeight polls until the node reports at least height, failing the
// test on timeout or if the process dies meanwhile.
func (n *Node) WaitForHeight(t testing.TB, height int64, timeout time.Duration) int64 {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var lastErr error
	var last int64
	for time.Now().Before(deadline) {
		if n.cmd != nil && !n.Running() {
			t.Fatalf("node %s exited (%v) while waiting for height %d", n.Moniker, n.waitErr, height)
		}
		h, err := n.Height()
		if err == nil {
			last = h
			if h >= height {
				return h
			}
		}
		lastErr = err
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("node %s did not reach height %d within %s (last height %d, last error %v)",
		n.Moniker, height, timeout, last, lastErr)
	return 0
}

// WaitForBlocks waits until count more blocks than the current height exist.
func (n *Node) WaitForBlocks(t testing.TB, count int64, timeout time.Duration) {
	t.Helper()
	h, err := n.Height()
	if err != nil {
		t.Fatalf("read height of %s: %v", n.Moniker, err)
	}
	n.WaitForHeight(t, h+count, timeout)
}
