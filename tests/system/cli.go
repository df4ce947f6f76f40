//go:build system

package system

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Query runs `nativechaind query ARGS` against the node's RPC with JSON
// output and decodes the result.
func (n *Node) Query(t testing.TB, args ...string) map[string]any {
	t.Helper()
	full := append([]string{"query"}, args...)
	full = append(full, "--node", n.Ports.NodeRPC(), "-o", "json")
	res := n.MustExec(t, full...)
	return decodeJSON(t, res, res.Stdout)
}

// Tx runs `nativechaind tx ARGS` signed from the test keyring, broadcast in
// sync mode, without a prompt. The caller decides whether failure is expected.
func (n *Node) Tx(t testing.TB, args ...string) CmdResult {
	t.Helper()
	full := append([]string{"tx"}, args...)
	full = append(full,
		"--node", n.Ports.NodeRPC(),
		"--chain-id", n.ChainID,
		"--keyring-backend", "test",
		"--broadcast-mode", "sync",
		"--fees", DefaultFees,
		"--yes", "-o", "json",
	)
	return n.Exec(t, full...)
}

// TxResponse is the part of a broadcast result the tests look at.
type TxResponse struct {
	TxHash string `json:"txhash"`
	Code   uint32 `json:"code"`
	RawLog string `json:"raw_log"`
	Height string `json:"height"`
}

// MustBroadcast runs Tx, requires CheckTx to accept it, and returns the hash.
func (n *Node) MustBroadcast(t testing.TB, args ...string) string {
	t.Helper()
	res := n.Tx(t, args...)
	if res.ExitCode != 0 {
		t.Fatalf("tx %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), res.ExitCode, res.Stdout, res.Stderr)
	}
	resp := parseTxResponse(t, res)
	if resp.Code != 0 || resp.TxHash == "" {
		t.Fatalf("tx %s rejected by CheckTx: code %d, log %q", strings.Join(args, " "), resp.Code, resp.RawLog)
	}
	return resp.TxHash
}

func parseTxResponse(t testing.TB, res CmdResult) TxResponse {
	t.Helper()
	var resp TxResponse
	body := jsonObjectIn(res.Stdout)
	if body == "" {
		t.Fatalf("no JSON object in tx output\nstdout: %s\nstderr: %s", res.Stdout, res.Stderr)
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		t.Fatalf("decode tx output: %v\nstdout: %s", err, res.Stdout)
	}
	return resp
}

// WaitForTx polls `query tx HASH` until the transaction is in a block and
// returns the decoded result; it fails the test if the tx failed.
func (n *Node) WaitForTx(t testing.TB, hash string, timeout time.Duration) map[string]any {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last CmdResult
	for time.Now().Before(deadline) {
		last = n.Exec(t, "query", "tx", hash, "--node", n.Ports.NodeRPC(), "-o", "json")
		if last.ExitCode == 0 {
			out := decodeJSON(t, last, last.Stdout)
			if code := jsonNumber(out["code"]); code != 0 {
				t.Fatalf("tx %s failed in block: code %d, log %v", hash, code, out["raw_log"])
			}
			return out
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("tx %s not found within %s\nlast stdout: %s\nlast stderr: %s", hash, timeout, last.Stdout, last.Stderr)
	return nil
}

// Balance returns addr's balance of denom (0 if absent).
func (n *Node) Balance(t testing.TB, addr, denom string) int64 {
	t.Helper()
	out := n.Query(t, "bank", "balances", addr)
	coins, _ := out["balances"].([]any)
	for _, c := range coins {
		coin, _ := c.(map[string]any)
		if coin["denom"] == denom {
			s, _ := coin["amount"].(string)
			v, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				t.Fatalf("balance of %s: amount %q: %v", addr, s, err)
			}
			return v
		}
	}
	return 0
}

// Sequence returns the account sequence (number of signed txs) of addr.
func (n *Node) Sequence(t testing.TB, addr string) uint64 {
	t.Helper()
	out := n.Query(t, "auth", "account", addr)
	seq, ok := findKey(out, "sequence")
	if !ok {
		// An account that never signed may omit the zero value.
		return 0
	}
	return uint64(jsonNumber(seq))
}

func decodeJSON(t testing.TB, res CmdResult, text string) map[string]any {
	t.Helper()
	body := jsonObjectIn(text)
	var out map[string]any
	if body == "" || json.Unmarshal([]byte(body), &out) != nil {
		t.Fatalf("nativechaind %s: output is not a JSON object\nstdout: %s\nstderr: %s",
			strings.Join(res.Args, " "), res.Stdout, res.Stderr)
	}
	return out
}

// jsonObjectIn returns the JSON object in s, skipping any log lines a
// command printed before it.
func jsonObjectIn(s string) string {
	i := strings.Index(s, "{")
	j := strings.LastIndex(s, "}")
	if i < 0 || j < i {
		return ""
	}
	return s[i : j+1]
}

// findKey searches decoded JSON depth-first for key.
func findKey(v any, key string) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		if val, ok := x[key]; ok {
			return val, true
		}
		for _, child := range x {
			if val, ok := findKey(child, key); ok {
				return val, true
			}
		}
	case []any:
		for _, child := range x {
			if val, ok := findKey(child, key); ok {
				return val, true
			}
		}
	}
	return nil, false
}

// jsonNumber reads a number that JSON may carry as a number or a string.
func jsonNumber(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case string:
		i, _ := strconv.ParseInt(x, 10, 64)
		return i
	case json.Number:
		i, _ := x.Int64()
		return i
	}
	return 0
}

func coin(amount int64) string { return fmt.Sprintf("%d%s", amount, Denom) }
