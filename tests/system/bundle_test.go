//go:build system

package system

import (
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
)

// TestBridge_CLISendMessageAndTwoOperatorBundle drives, on the real binary:
// an L1 call into rollup dex (send-message), then one bundle in which a
// payments batch (operator alice) routes value and a call to dex, and dex's
// batch (operator bob) consumes both inbox entries in the same transaction.
// The bundle has two signers, so it is generated, signed by each operator
// in turn (amino JSON, which does not sign the other signers' infos) and
// broadcast. The escrow invariant holds at every step.
func TestBridge_CLISendMessageAndTwoOperatorBundle(t *testing.T) {
	p, err := batchprover.New()
	if err != nil {
		t.Fatalf("test circuit setup: %v", err)
	}
	chain := StartSingleNodeChain(t, "alice", "bob")
	node, alice, bob := chain.Node, chain.Accounts["alice"], chain.Accounts["bob"]
	files := rollupFiles{t: t, dir: t.TempDir()}
	vk := files.write("vk.bin", p.VerifyingKey())
	for id, key := range map[string]string{"payments": "alice", "dex": "bob"} {
		h := node.MustBroadcast(t, "rollups", "register", id, "--vk-file", vk,
			"--genesis-root", rootHex(rootElement(1)), "--bond", coin(rollupBond), "--from", key)
		node.WaitForTx(t, h, 30*time.Second)
	}
	h := node.MustBroadcast(t, "crossrollup", "deposit", "payments", "aa", coin(1_000_000), "--from", "bob")
	node.WaitForTx(t, h, 30*time.Second)
	requireInvariantHolds(t, node)

	// An L1 call into dex, with value.
	call := files.write("call.bin", []byte("open-position"))
	h = node.MustBroadcast(t, "crossrollup", "send-message", "dex", call, "--recipient", "c0ffee", "--amount", coin(5_000), "--from", "alice")
	node.WaitForTx(t, h, 30*time.Second)
	status := node.Query(t, "crossrollup", "message-status", "dex", "0")
	if status["consumed"] == true {
		t.Fatalf("a fresh L1 call is already consumed: %v", status)
	}
	requireInvariantHolds(t, node)

	// payments routes 1000unat and a payload to dex; dex consumes the call
	// and the routed message in the same bundle.
	sender := []byte{0xaa}
	routed := protocol.OutboxEntry{
		Kind: protocol.OutboxKindCrossRollupMessage, Sender: sender, Recipient: []byte{0xde, 0x0c},
		DestRollupID: "dex", Denom: Denom, Amount: protocol.NewUint128(1_000), Payload: []byte("swap"),
	}
	outbox, err := protocol.EncodeOutbox([]protocol.OutboxEntry{routed})
	if err != nil {
		t.Fatal(err)
	}
	payRollup, dexRollup := queryRollup(t, node, "payments"), queryRollup(t, node, "dex")
	dexInbox := node.Query(t, "rollups", "rollup", "dex")["rollup"].(map[string]any)
	dexAcc := elementFromB64(t, dexInbox["inbox_accumulator"].(string))
	next := protocol.InboxEntry{
		Sequence: 1, Kind: protocol.InboxKindCrossRollupMessage, Sender: routed.Sender, Recipient: routed.Recipient,
		SourceRollupID: "payments", Denom: Denom, Amount: routed.Amount, Payload: routed.Payload,
	}
	dexAfter := protocol.InboxAccumulate(dexAcc, next)

	payData, dexData := []byte("payments batch"), []byte("dex batch")
	payPrev, dexPrev := elementFromBytes(t, payRollup.StateRoot), elementFromBytes(t, dexRollup.StateRoot)
	payAcc := elementFromBytes(t, payRollup.ConsumedAccumulator)
	dexBefore := elementFromBytes(t, dexRollup.ConsumedAccumulator)
	payProof, err := p.Prove(protocol.BatchCommitment{
		ChainID: node.ChainID, RollupID: "payments", BatchIndex: 1, PrevStateRoot: payPrev, NewStateRoot: rootElement(2),
		DAHash: protocol.DAHash(payData), InboxBefore: payAcc, InboxAfter: payAcc,
		OutboxHash: protocol.OutboxHash([]protocol.OutboxEntry{routed}), Submitter: rawAddress(t, alice),
	})
	if err != nil {
		t.Fatal(err)
	}
	dexProof, err := p.Prove(protocol.BatchCommitment{
		ChainID: node.ChainID, RollupID: "dex", BatchIndex: 1, PrevStateRoot: dexPrev, NewStateRoot: rootElement(3),
		DAHash: protocol.DAHash(dexData), InboxBefore: dexBefore, InboxAfter: dexAfter,
		OutboxHash: protocol.OutboxHash(nil), Submitter: rawAddress(t, bob),
	})
	if err != nil {
		t.Fatal(err)
	}
	genBatch := func(id, key string, root fr.Element, data, outbox, proof []byte, consumed string) string {
		args := []string{"rollups", "submit-batch", id, "--index", "1", "--new-root", rootHex(root),
			"--data-file", files.write(id+"-data.bin", data), "--inbox-consumed", consumed,
			"--proof-file", files.write(id+"-proof.bin", proof), "--from", key, "--generate-only"}
		if len(outbox) > 0 {
			args = append(args, "--outbox-file", files.write(id+"-outbox.bin", outbox))
		}
		res := node.Tx(t, args...)
		if res.ExitCode != 0 {
			t.Fatalf("generate %s batch: %s", id, res.Output())
		}
		return files.write(id+"-tx.json", []byte(res.Stdout))
	}
	aTx := genBatch("payments", "alice", rootElement(2), payData, outbox, payProof, "0")
	bTx := genBatch("dex", "bob", rootElement(3), dexData, nil, dexProof, "2")

	res := node.Tx(t, "crossrollup", "submit-bundle", aTx, bTx, "--from", "alice", "--generate-only", "--gas", "900000")
	if res.ExitCode != 0 {
		t.Fatalf("generate bundle: %s", res.Output())
	}
	unsigned := files.write("bundle.json", []byte(res.Stdout))
	signed := unsigned
	for _, key := range []string{"alice", "bob"} {
		res = node.Exec(t, "tx", "sign", signed, "--from", key, "--overwrite=false", "--sign-mode", "amino-json",
			"--node", node.Ports.NodeRPC(), "--chain-id", node.ChainID, "--keyring-backend", "test", "-o", "json")
		if res.ExitCode != 0 {
			t.Fatalf("%s signs the bundle: %s", key, res.Output())
		}
		signed = filepath.Join(files.dir, "bundle-signed-"+key+".json")
		if err := os.WriteFile(signed, []byte(res.Stdout), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	res = node.Exec(t, "tx", "broadcast", signed, "--node", node.Ports.NodeRPC(), "--broadcast-mode", "sync", "-o", "json")
	resp := parseTxResponse(t, res)
	if resp.Code != 0 {
		t.Fatalf("bundle refused by CheckTx: code %d %s", resp.Code, resp.RawLog)
	}
	node.WaitForTx(t, resp.TxHash, 30*time.Second)

	if got := queryRollup(t, node, "dex").NextBatchIndex; got != "2" {
		t.Fatalf("dex next batch index %s; want 2", got)
	}
	if got := queryRollup(t, node, "payments").NextBatchIndex; got != "2" {
		t.Fatalf("payments next batch index %s; want 2", got)
	}
	status = node.Query(t, "crossrollup", "message-status", "dex", "1")
	if status["consumed"] != true {
		t.Fatalf("the routed message was not consumed in the bundle: %v", status)
	}
	requireLedgerAmount(t, node, "payments", "999000")
	requireLedgerAmount(t, node, "dex", "6000")
	requireInvariantHolds(t, node)
	_ = alice
	_ = bob
}

func requireInvariantHolds(t *testing.T, node *Node) {
	t.Helper()
	inv := node.Query(t, "crossrollup", "invariant")
	if inv["holds"] != true {
		t.Fatalf("bridge invariant broken: %v", inv)
	}
}

func requireLedgerAmount(t *testing.T, node *Node, id, want string) {
	t.Helper()
	escrow := node.Query(t, "crossrollup", "escrow", id)
	ledgers, _ := escrow["ledgers"].([]any)
	if len(ledgers) != 1 || ledgers[0].(map[string]any)["amount"] != want {
		t.Fatalf("escrow of %s: %v; want %s%s", id, escrow, want, Denom)
	}
}

func elementFromBytes(t *testing.T, bz []byte) fr.Element {
	t.Helper()
	e, err := protocol.ParseFieldElement(bz)
	if err != nil {
		t.Fatalf("field element %s: %v", hex.EncodeToString(bz), err)
	}
	return e
}

func elementFromB64(t *testing.T, s string) fr.Element {
	t.Helper()
	bz, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return elementFromBytes(t, bz)
}
