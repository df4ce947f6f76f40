//go:build system

package system

import (
	"bytes"
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
	"sync"
	"syscall"
	"testing"
	"time"
)

// Localnet is an N-validator network on 127.0.0.1 made by `nativechaind
// testnet init-files`, one process per validator, which a test can crash
// (SIGKILL), stop (SIGTERM), pause (SIGSTOP), resume and restart. Each node
// may run with its own environment (GOMAXPROCS), so one network is also a
// determinism check across CPU counts.
type Localnet struct {
	t       *testing.T
	Bin     string
	Dir     string
	ChainID string
	Nodes   []*LocalnetNode
	// Client is a home whose test keyring holds every validator's account
	// key, named node0, node1, ...: the CLI signs from here and talks to
	// whichever node is up.
	Client string
}

// LocalnetNode is one validator of a Localnet.
type LocalnetNode struct {
	Index   int
	Name    string
	Home    string
	RPC     int
	Env     []string
	LogPath string

	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{}
	waitErr error
	paused  bool
}

// localnetChainID is the chain id of the fault-injection networks.
const localnetChainID = "nativechain-faults-1"

// NewLocalnet initialises (without starting) n validators in t.TempDir();
// env(i) is the extra environment of node i (nil: none).
func NewLocalnet(t *testing.T, n int, env func(i int) []string) *Localnet {
	t.Helper()
	bin := Binary(t)
	dir := filepath.Join(t.TempDir(), "localnet")
	const stride = 10
	base := FreePortBlock(t, stride*n)
	MustRun(t, bin, "testnet", "init-files", "--v", itoa(n), "--output-dir", dir, "--chain-id", localnetChainID,
		"--keyring-backend", "test", "--single-host", "--base-port", itoa(base), "--port-stride", itoa(stride),
		"--minimum-gas-prices", MinGasPrice)
	ln := &Localnet{t: t, Bin: bin, Dir: dir, ChainID: localnetChainID, Client: filepath.Join(dir, "client")}
	for i := range n {
		name := "node" + itoa(i)
		node := &LocalnetNode{Index: i, Name: name, Home: filepath.Join(dir, name), RPC: base + stride*i + 1,
			LogPath: filepath.Join(dir, name+".log")}
		if env != nil {
			node.Env = env(i)
		}
		// Short rounds: a dead proposer costs one timeout_propose, and the
		// test sees many heights in little time.
		EditTOML(t, filepath.Join(node.Home, "config", "config.toml"),
			TOMLEdit{"rpc", "pprof_laddr", Str("")},
			TOMLEdit{"consensus", "timeout_propose", Str("1s")},
			TOMLEdit{"consensus", "timeout_commit", Str("500ms")},
		)
		EditTOML(t, filepath.Join(node.Home, "config", "app.toml"),
			TOMLEdit{"api", "enable", "false"},
		)
		ln.Nodes = append(ln.Nodes, node)
		ln.importKey(t, node)
	}
	t.Cleanup(func() {
		for _, node := range ln.Nodes {
			node.terminate()
		}
		if t.Failed() {
			for _, node := range ln.Nodes {
				t.Logf("last lines of %s:\n%s", node.LogPath, tailFile(node.LogPath, 30))
			}
		}
	})
	return ln
}

// importKey recovers node's genesis-funded account key into the client
// keyring from the key_seed.json init-files wrote.
func (ln *Localnet) importKey(t *testing.T, node *LocalnetNode) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(node.Home, "key_seed.json"))
	if err != nil {
		t.Fatalf("read %s key seed: %v", node.Name, err)
	}
	var seed struct {
		Secret string `json:"secret"`
	}
	if err := json.Unmarshal(raw, &seed); err != nil || seed.Secret == "" {
		t.Fatalf("decode %s key seed: %v", node.Name, err)
	}
	cmd := exec.Command(ln.Bin, "keys", "add", node.Name, "--recover", "--keyring-backend", "test", "--home", ln.Client)
	cmd.Stdin = strings.NewReader(seed.Secret + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("import key %s: %v\n%s", node.Name, err, out)
	}
}

// Address is the account address of key name in the client keyring.
func (ln *Localnet) Address(t *testing.T, name string) string {
	t.Helper()
	return strings.TrimSpace(MustRun(t, ln.Bin, "keys", "show", name, "-a", "--keyring-backend", "test", "--home", ln.Client).Stdout)
}

// AddKey creates a fresh key in the client keyring and returns its address.
func (ln *Localnet) AddKey(t *testing.T, name string) string {
	t.Helper()
	MustRun(t, ln.Bin, "keys", "add", name, "--keyring-backend", "test", "--home", ln.Client)
	return ln.Address(t, name)
}

// Start launches node i. Its log is appended to, across restarts.
func (ln *Localnet) Start(i int) {
	ln.t.Helper()
	if err := ln.Nodes[i].start(ln.Bin); err != nil {
		ln.t.Fatal(err)
	}
}

// StartAll launches every node.
func (ln *Localnet) StartAll() {
	ln.t.Helper()
	for i := range ln.Nodes {
		ln.Start(i)
	}
}

func (n *LocalnetNode) start(bin string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd != nil {
		return fmt.Errorf("%s is already running", n.Name)
	}
	logF, err := os.OpenFile(n.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, "start", "--home", n.Home, "--log_no_color")
	cmd.Env = append(os.Environ(), n.Env...)
	cmd.Stdout, cmd.Stderr = logF, logF
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		_ = logF.Close()
		return fmt.Errorf("start %s: %w", n.Name, err)
	}
	done := make(chan struct{})
	n.cmd, n.done, n.paused = cmd, done, false
	go func() {
		err := cmd.Wait()
		_ = logF.Close()
		n.mu.Lock()
		n.waitErr = err
		n.mu.Unlock()
		close(done)
	}()
	return nil
}

// Kill crashes node i with SIGKILL and waits for the process to be gone.
func (ln *Localnet) Kill(i int) { ln.signalAndReap(i, syscall.SIGKILL) }

// Stop sends node i SIGTERM and requires a clean exit within 30 s.
func (ln *Localnet) Stop(i int) {
	ln.t.Helper()
	err := ln.signalAndReap(i, syscall.SIGTERM)
	if !exitedCleanlyOnSIGTERM(err) {
		ln.t.Fatalf("%s did not stop cleanly on SIGTERM: %v", ln.Nodes[i].Name, err)
	}
}

func (ln *Localnet) signalAndReap(i int, sig syscall.Signal) error {
	ln.t.Helper()
	n := ln.Nodes[i]
	n.mu.Lock()
	cmd, done := n.cmd, n.done
	n.mu.Unlock()
	if cmd == nil {
		ln.t.Fatalf("%s is not running", n.Name)
	}
	if err := cmd.Process.Signal(sig); err != nil {
		ln.t.Fatalf("signal %s: %v", n.Name, err)
	}
	select {
	case <-done:
	case <-time.After(stopTimeout):
		_ = cmd.Process.Kill()
		<-done
		ln.t.Fatalf("%s ignored %v for %s and was killed", n.Name, sig, stopTimeout)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.cmd, n.paused = nil, false
	return n.waitErr
}

// Pause freezes node i with SIGSTOP: its sockets stay open, it answers
// nothing. Resume sends SIGCONT.
func (ln *Localnet) Pause(i int) { ln.setPaused(i, true) }

// Resume undoes Pause.
func (ln *Localnet) Resume(i int) { ln.setPaused(i, false) }

func (ln *Localnet) setPaused(i int, paused bool) {
	ln.t.Helper()
	n := ln.Nodes[i]
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil {
		ln.t.Fatalf("%s is not running", n.Name)
	}
	sig := syscall.SIGCONT
	if paused {
		sig = syscall.SIGSTOP
	}
	if err := n.cmd.Process.Signal(sig); err != nil {
		ln.t.Fatalf("signal %s: %v", n.Name, err)
	}
	n.paused = paused
}

// Serving reports whether node i runs and is not paused.
func (n *LocalnetNode) Serving() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil || n.paused {
		return false
	}
	select {
	case <-n.done:
		return false
	default:
		return true
	}
}

// terminate ends the process at test cleanup, whatever its state.
func (n *LocalnetNode) terminate() {
	n.mu.Lock()
	cmd, done, paused := n.cmd, n.done, n.paused
	n.mu.Unlock()
	if cmd == nil {
		return
	}
	if paused {
		_ = cmd.Process.Signal(syscall.SIGCONT)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(stopTimeout):
		_ = cmd.Process.Kill()
		<-done
	}
}

// NodeRPC is node i's --node value.
func (ln *Localnet) NodeRPC(i int) string { return fmt.Sprintf("tcp://127.0.0.1:%d", ln.Nodes[i].RPC) }

// Serving lists the nodes that run and are not paused.
func (ln *Localnet) Serving() []int {
	var out []int
	for i, n := range ln.Nodes {
		if n.Serving() {
			out = append(out, i)
		}
	}
	return out
}

// Height is node i's latest block height (an error if it does not answer).
func (ln *Localnet) Height(i int) (int64, error) { return RPCHeight(ln.Nodes[i].RPC) }

// MaxHeight is the highest height among the serving nodes (0 if none answers).
func (ln *Localnet) MaxHeight() int64 {
	var best int64
	for _, i := range ln.Serving() {
		if h, err := ln.Height(i); err == nil && h > best {
			best = h
		}
	}
	return best
}

// WaitHeight waits until every node in nodes reports at least height and
// returns how long that took.
func (ln *Localnet) WaitHeight(nodes []int, height int64, timeout time.Duration) time.Duration {
	ln.t.Helper()
	start := time.Now()
	deadline := start.Add(timeout)
	for {
		behind := ""
		for _, i := range nodes {
			h, err := ln.Height(i)
			if err != nil || h < height {
				behind += fmt.Sprintf(" %s at %d (%v)", ln.Nodes[i].Name, h, err)
			}
		}
		if behind == "" {
			return time.Since(start)
		}
		if time.Now().After(deadline) {
			ln.t.Fatalf("not at height %d within %s:%s", height, timeout, behind)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// WaitAnyAbove waits until some serving node reports a height above height.
func (ln *Localnet) WaitAnyAbove(height int64, timeout time.Duration) {
	ln.t.Helper()
	deadline := time.Now().Add(timeout)
	for ln.MaxHeight() <= height {
		if time.Now().After(deadline) {
			ln.t.Fatalf("no node above height %d within %s", height, timeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// BlockID is what every node must agree on at a height.
type BlockID struct {
	Hash, AppHash, LastResultsHash, Proposer string
	// Time is the header time (not compared: it is part of Hash).
	Time time.Time
}

// Block reads node i's block at height from its RPC.
func (ln *Localnet) Block(i int, height int64) (BlockID, error) {
	var out struct {
		Result struct {
			BlockID struct {
				Hash string `json:"hash"`
			} `json:"block_id"`
			Block struct {
				Header struct {
					AppHash         string    `json:"app_hash"`
					LastResultsHash string    `json:"last_results_hash"`
					ProposerAddress string    `json:"proposer_address"`
					Time            time.Time `json:"time"`
				} `json:"header"`
			} `json:"block"`
		} `json:"result"`
	}
	if err := rpcGet(ln.Nodes[i].RPC, "/block?height="+strconv.FormatInt(height, 10), &out); err != nil {
		return BlockID{}, err
	}
	r := out.Result
	if r.BlockID.Hash == "" {
		return BlockID{}, fmt.Errorf("%s has no block %d", ln.Nodes[i].Name, height)
	}
	hd := r.Block.Header
	return BlockID{r.BlockID.Hash, hd.AppHash, hd.LastResultsHash, hd.ProposerAddress, hd.Time}, nil
}

// RequireSameBlocks checks that every node in nodes holds the same block
// hash, app hash and results hash at every height in [from, to].
func (ln *Localnet) RequireSameBlocks(nodes []int, from, to int64) {
	ln.t.Helper()
	for h := from; h <= to; h++ {
		var want BlockID
		for k, i := range nodes {
			got, err := ln.Block(i, h)
			if err != nil {
				ln.t.Fatalf("height %d: %v", h, err)
			}
			if k == 0 {
				want = got
				continue
			}
			if got.Hash != want.Hash || got.AppHash != want.AppHash || got.LastResultsHash != want.LastResultsHash {
				ln.t.Fatalf("FORK at height %d: %s has %+v, %s has %+v", h, ln.Nodes[nodes[0]].Name, want, ln.Nodes[i].Name, got)
			}
		}
	}
}

// LongestBlockInterval is the longest gap between the header times of
// consecutive blocks in (from, to], read from node i.
func (ln *Localnet) LongestBlockInterval(i int, from, to int64) time.Duration {
	ln.t.Helper()
	var longest time.Duration
	prev, err := ln.Block(i, from)
	if err != nil {
		ln.t.Fatal(err)
	}
	for h := from + 1; h <= to; h++ {
		b, err := ln.Block(i, h)
		if err != nil {
			ln.t.Fatal(err)
		}
		longest = max(longest, b.Time.Sub(prev.Time))
		prev = b
	}
	return longest
}

// ValidatorAddress is node i's consensus address as its /status reports it.
func (ln *Localnet) ValidatorAddress(i int) (string, error) {
	var out struct {
		Result struct {
			ValidatorInfo struct {
				Address string `json:"address"`
			} `json:"validator_info"`
		} `json:"result"`
	}
	if err := rpcGet(ln.Nodes[i].RPC, "/status", &out); err != nil {
		return "", err
	}
	return out.Result.ValidatorInfo.Address, nil
}

// CurrentProposer is the address of the proposer of the round node i is in.
func (ln *Localnet) CurrentProposer(i int) (string, error) {
	var out struct {
		Result struct {
			RoundState struct {
				Proposer struct {
					Address string `json:"address"`
				} `json:"proposer"`
			} `json:"round_state"`
		} `json:"result"`
	}
	if err := rpcGet(ln.Nodes[i].RPC, "/consensus_state", &out); err != nil {
		return "", err
	}
	if out.Result.RoundState.Proposer.Address == "" {
		return "", errors.New("no proposer in /consensus_state")
	}
	return out.Result.RoundState.Proposer.Address, nil
}

// TxEvent is one event of a block's transaction results.
type TxEvent struct {
	Height int64
	Type   string
	Attrs  map[string]string // values with the JSON quotes of typed events removed
}

// BlockEvents returns the events of the transactions of node i's block at
// height (a failed transaction has none).
func (ln *Localnet) BlockEvents(i int, height int64) ([]TxEvent, error) {
	return blockEvents(ln.Nodes[i].RPC, height)
}

// blockEvents returns the events of the successful transactions of the
// block at height, from the node whose CometBFT RPC listens on rpcPort.
func blockEvents(rpcPort int, height int64) ([]TxEvent, error) {
	var out struct {
		Result struct {
			TxsResults []struct {
				Code   uint32 `json:"code"`
				Events []struct {
					Type       string `json:"type"`
					Attributes []struct {
						Key   string `json:"key"`
						Value string `json:"value"`
					} `json:"attributes"`
				} `json:"events"`
			} `json:"txs_results"`
		} `json:"result"`
	}
	if err := rpcGet(rpcPort, "/block_results?height="+strconv.FormatInt(height, 10), &out); err != nil {
		return nil, err
	}
	var events []TxEvent
	for _, tx := range out.Result.TxsResults {
		if tx.Code != 0 {
			continue
		}
		for _, ev := range tx.Events {
			e := TxEvent{Height: height, Type: ev.Type, Attrs: map[string]string{}}
			for _, a := range ev.Attributes {
				e.Attrs[a.Key] = strings.Trim(a.Value, `"`)
			}
			events = append(events, e)
		}
	}
	return events, nil
}

// CLI runs the binary with a timeout and the client home; for queries and
// transactions, pass --node. It never fails the test: callers in background
// goroutines decide.
func (ln *Localnet) CLI(timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, ln.Bin, append(args, "--home", ln.Client)...)
	cmd.Stdin = strings.NewReader("")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return stdout.String(), fmt.Errorf("%s: timed out after %s", strings.Join(args[:min(3, len(args))], " "), timeout)
	}
	if err != nil {
		return stdout.String(), fmt.Errorf("%s: %v: %s", strings.Join(args[:min(3, len(args))], " "), err, strings.TrimSpace(stderr.String()+stdout.String()))
	}
	return stdout.String(), nil
}

// Query runs `query ARGS -o json` against node i and decodes the result.
func (ln *Localnet) Query(i int, args ...string) (map[string]any, error) {
	out, err := ln.CLI(20*time.Second, append(append([]string{"query"}, args...), "--node", ln.NodeRPC(i), "-o", "json")...)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(jsonObjectIn(out)), &m); err != nil {
		return nil, fmt.Errorf("query %s: %v in %.200q", strings.Join(args, " "), err, out)
	}
	return m, nil
}

// Broadcast signs ARGS from the client keyring and broadcasts through node
// i in sync mode; it returns the tx hash once CheckTx accepted it.
func (ln *Localnet) Broadcast(i int, args ...string) (string, error) {
	full := append([]string{"tx"}, args...)
	full = append(full, "--node", ln.NodeRPC(i), "--chain-id", ln.ChainID, "--keyring-backend", "test",
		"--broadcast-mode", "sync", "--fees", DefaultFees, "--yes", "-o", "json")
	out, err := ln.CLI(30*time.Second, full...)
	if err != nil {
		return "", err
	}
	var resp TxResponse
	if err := json.Unmarshal([]byte(jsonObjectIn(out)), &resp); err != nil {
		return "", fmt.Errorf("decode broadcast result: %v in %.200q", err, out)
	}
	if resp.Code != 0 {
		return "", fmt.Errorf("CheckTx refused: code %d %s", resp.Code, resp.RawLog)
	}
	return resp.TxHash, nil
}

func rpcGet(port int, path string, out any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d%s", port, path), nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("decode %s: %w (%.200q)", path, err, body)
	}
	return nil
}

func tailFile(path string, lines int) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	all := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
