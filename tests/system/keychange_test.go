//go:build system

package system

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// keyChangeDelayBlocks is vk_update_delay_blocks in the key-change test:
// the least Params.Validate allows with an inbox deadline of one block
// (the test's rollup has no inbox), about a minute of blocks.
const keyChangeDelayBlocks = 1 + 2 + types.MinExitReactionBlocks

// TestKeyChange_OldKeyBatchesAroundActivationKeepBlockTime is the C1
// scenario (security review 2026-12) on four validators: a verifying-key
// change is scheduled and, in each of the blocks before and at its
// activation height, a different operator broadcasts a batch proven under
// the old key through its own node, so such a batch is in every mempool
// when the activation height is proposed. Whatever CheckTx decides for
// each, the chain must keep producing blocks at its block time, all nodes
// must agree, and a batch under the new key must land afterwards.
func TestKeyChange_OldKeyBatchesAroundActivationKeepBlockTime(t *testing.T) {
	// ARRANGE: four validators, every one an operator of the rollup.
	oldProver, newProver := proverAsync(), proverAsync()
	ln := NewLocalnet(t, 4, alternatingGOMAXPROCS)
	for _, node := range ln.Nodes {
		setLocalnetGenesis(t, node.Home, func(g map[string]any) {
			params := g["app_state"].(map[string]any)["rollups"].(map[string]any)["params"].(map[string]any)
			params["inbox_deadline_blocks"] = "1"
			params["vk_update_delay_blocks"] = strconv.FormatUint(keyChangeDelayBlocks, 10)
		})
	}
	requireBlockGasLimit(t, ln.Nodes[0].Home)
	ln.StartAll()
	ln.WaitHeight(allNodes(ln), 2, 2*time.Minute)
	oldKey, newKey := oldProver(t), newProver(t) // each may be taken once

	dir := t.TempDir()
	write := func(name string, content []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, content, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	operators := ""
	raw := make([][]byte, len(ln.Nodes))
	for i, node := range ln.Nodes {
		addr := ln.Address(t, node.Name)
		raw[i] = rawAddress(t, addr)
		if i > 0 {
			operators += ","
		}
		operators += addr
	}
	hash, err := ln.Broadcast(0, "rollups", "register", faultRollupID, "--vk-file", write("vk-old.bin", oldKey.VerifyingKey()),
		"--genesis-root", rootHex(rootElement(1)), "--bond", coin(rollupBond), "--operators", operators, "--from", "node0")
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	ln.waitTx(t, 0, hash)
	hash, err = ln.Broadcast(0, "rollups", "update-vk", faultRollupID, "--vk-file", write("vk-new.bin", newKey.VerifyingKey()),
		"--gas", "400000", "--from", "node0")
	if err != nil {
		t.Fatalf("update-vk: %v", err)
	}
	ln.waitTx(t, 0, hash)
	activation := pendingActivationHeight(t, ln)
	scheduled := ln.MaxHeight()
	t.Logf("new key activates at height %d (now %d)", activation, scheduled)
	waitStart := time.Now()

	// ACT: old-key batches broadcast at heights running up to A, each
	// through another node (its own operator key, so no sequence clashes).
	// Each is proven before its height is reached, so it reaches CheckTx
	// within about a block of it: the early ones are admitted (they can
	// still land under the old key), the late ones are in flight at A.
	l := &faultLoad{ln: ln, dir: dir}
	sent := 0
	for k, h := range []int64{activation - 9, activation - 6, activation - 3, activation - 2, activation - 1, activation} {
		node := k % len(ln.Nodes)
		r, err := l.rollup(node)
		if err != nil {
			t.Fatalf("query rollup: %v", err)
		}
		data := []byte("old-key batch at " + strconv.FormatInt(h, 10))
		newRoot := rootElement(2000 + uint64(h))
		proof, err := oldKey.Prove(protocol.BatchCommitment{
			ChainID: ln.ChainID, RollupID: faultRollupID, BatchIndex: r.NextBatchIndex,
			PrevStateRoot: r.StateRoot, NewStateRoot: newRoot, DAHash: protocol.DAHash(data),
			InboxBefore: r.ConsumedAcc, InboxAfter: r.ConsumedAcc, OutboxHash: protocol.OutboxHash(nil),
			Submitter: raw[node],
		})
		if err != nil {
			t.Fatal(err)
		}
		name := "old-" + strconv.FormatInt(h, 10)
		dataPath, proofPath := write(name+"-data.bin", data), write(name+"-proof.bin", proof)
		ln.WaitHeight([]int{node}, h, 10*time.Minute)
		_, err = ln.Broadcast(node, "rollups", "submit-batch", faultRollupID, "--index", itoa(int(r.NextBatchIndex)),
			"--new-root", rootHex(newRoot), "--data-file", dataPath, "--inbox-consumed", "0",
			"--proof-file", proofPath, "--gas", "400000", "--from", ln.Nodes[node].Name)
		now, _ := ln.Height(node)
		t.Logf("old-key batch %d through node%d, broadcast after height %d (at %d): CheckTx error %v", r.NextBatchIndex, node, h, now, err)
		if err == nil {
			sent++
		}
	}
	if sent == 0 {
		t.Fatalf("no old-key batch was admitted before the activation height %d: the test did not exercise the key change", activation)
	}
	t.Logf("heights %d..%d took %s", scheduled, activation, time.Since(waitStart).Round(time.Second))

	// ASSERT: the chain goes on through the activation height at its block
	// time, every node holds the same blocks, and a new-key batch lands.
	const after = 8
	ln.WaitHeight(allNodes(ln), activation+after, 2*time.Minute)
	from := activation - 5
	longest := ln.LongestBlockInterval(0, from, activation+after)
	// timeout_propose (1s) + timeout_commit (500ms): one round.
	const blockTime = 1500 * time.Millisecond
	t.Logf("KEYCHANGE-METRIC %d old-key batches admitted; longest block interval over heights %d..%d: %s",
		sent, from, activation+after, longest.Round(time.Millisecond))
	if longest > 10*blockTime {
		t.Fatalf("a block took %s around the key activation at %d (block time %s)", longest, activation, blockTime)
	}
	ln.RequireSameBlocks(allNodes(ln), from, activation+after)

	r, err := l.rollup(0)
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("new-key batch")
	newRoot := rootElement(9999)
	proof, err := newKey.Prove(protocol.BatchCommitment{
		ChainID: ln.ChainID, RollupID: faultRollupID, BatchIndex: r.NextBatchIndex,
		PrevStateRoot: r.StateRoot, NewStateRoot: newRoot, DAHash: protocol.DAHash(data),
		InboxBefore: r.ConsumedAcc, InboxAfter: r.ConsumedAcc, OutboxHash: protocol.OutboxHash(nil),
		Submitter: raw[1],
	})
	if err != nil {
		t.Fatal(err)
	}
	hash, err = ln.Broadcast(1, "rollups", "submit-batch", faultRollupID, "--index", itoa(int(r.NextBatchIndex)),
		"--new-root", rootHex(newRoot), "--data-file", write("new-data.bin", data), "--inbox-consumed", "0",
		"--proof-file", write("new-proof.bin", proof), "--gas", "400000", "--from", "node1")
	if err != nil {
		t.Fatalf("new-key batch: %v", err)
	}
	ln.waitTx(t, 1, hash)
}

// pendingActivationHeight is the activation height of the rollup's pending
// verifying key.
func pendingActivationHeight(t *testing.T, ln *Localnet) int64 {
	t.Helper()
	out, err := ln.Query(0, "rollups", "rollup", faultRollupID)
	if err != nil {
		t.Fatal(err)
	}
	v, ok := findKey(out, "activation_height")
	if !ok {
		t.Fatalf("no pending key in %v", out)
	}
	return jsonNumber(v)
}

// setLocalnetGenesis edits a node's genesis.json before it starts; every
// node must get the same edit.
func setLocalnetGenesis(t *testing.T, home string, edit func(g map[string]any)) {
	t.Helper()
	path := filepath.Join(home, "config", "genesis.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var g map[string]any
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	edit(g)
	if raw, err = json.MarshalIndent(g, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// requireBlockGasLimit checks that `testnet init-files` wrote a block gas
// limit (M1): without one a proposer can pack unbounded batch work.
func requireBlockGasLimit(t *testing.T, home string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g struct {
		Consensus struct {
			Params struct {
				Block struct {
					MaxGas string `json:"max_gas"`
				} `json:"block"`
			} `json:"params"`
		} `json:"consensus"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if gas, err := strconv.ParseInt(g.Consensus.Params.Block.MaxGas, 10, 64); err != nil || gas <= 0 {
		t.Fatalf("genesis has no block gas limit: max_gas %q", g.Consensus.Params.Block.MaxGas)
	}
}
