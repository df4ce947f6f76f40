//go:build system

package system

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/cosmos/cosmos-sdk/types/bech32"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// rollupBond is the bond the tests escrow: the default min_operator_bond.
const rollupBond int64 = 10_000_000

// TestRollups_CLIRegistersAndAdvancesRollupAndChainRejectsBadBatches drives
// x/rollups end to end through the real binary: register a rollup with the
// test circuit's key, submit a proven batch, query it, then check that the
// running chain (not the CLI) refuses every kind of bad batch at CheckTx
// while a valid one still goes through.
func TestRollups_CLIRegistersAndAdvancesRollupAndChainRejectsBadBatches(t *testing.T) {
	// ARRANGE: the test-circuit keys (set up while the chain starts), a
	// chain where alice administers and operates the rollup and bob is a
	// funded stranger, and a folder for the files the CLI reads.
	type proverResult struct {
		p   *batchprover.Prover
		err error
	}
	proverCh := make(chan proverResult, 1)
	go func() {
		p, err := batchprover.New()
		proverCh <- proverResult{p, err}
	}()
	chain := StartSingleNodeChain(t, "alice", "bob")
	node, alice, bob := chain.Node, chain.Accounts["alice"], chain.Accounts["bob"]
	pr := <-proverCh
	if pr.err != nil {
		t.Fatalf("test circuit setup: %v", pr.err)
	}
	files := rollupFiles{t: t, dir: t.TempDir()}
	const rollupID = "payments"
	r := provenBatches{t: t, prover: pr.p, files: files, chainID: node.ChainID, rollupID: rollupID,
		submitter: rawAddress(t, alice)}
	root0, root1, root2 := rootElement(0x10), rootElement(0x11), rootElement(0x12)

	// ACT 1: register through the CLI.
	vkPath := files.write("vk.bin", pr.p.VerifyingKey())
	hash := node.MustBroadcast(t, "rollups", "register", rollupID,
		"--vk-file", vkPath, "--genesis-root", rootHex(root0), "--bond", coin(rollupBond), "--from", "alice")
	node.WaitForTx(t, hash, 30*time.Second)

	// ASSERT 1: the rollup is registered with alice as admin and operator.
	rollup := queryRollup(t, node, rollupID)
	if rollup.Admin != alice || len(rollup.Operators) != 1 || rollup.Operators[0] != alice {
		t.Fatalf("rollup admin %s, operators %v; want alice (%s) for both", rollup.Admin, rollup.Operators, alice)
	}
	requireRollupAt(t, rollup, 1, root0)
	if !bytes.Equal(rollup.VerifyingKey, pr.p.VerifyingKey()) {
		t.Fatalf("stored verifying key differs from the registered vk.bin")
	}
	genesisAcc := protocol.FieldElementBytes(protocol.InboxAccumulatorGenesis())
	if !bytes.Equal(rollup.ConsumedAccumulator, genesisAcc) {
		t.Fatalf("consumed accumulator %x, want the empty inbox's %x", rollup.ConsumedAccumulator, genesisAcc)
	}

	// ACT 2: submit batch 1 with a valid proof.
	batch1 := r.prove(1, root0, root1, []byte("batch 1: alice pays bob 5"))
	hash = node.MustBroadcast(t, batch1.submitArgs("alice")...)
	tx1 := node.WaitForTx(t, hash, 30*time.Second)

	// ASSERT 2: batch 1 is stored and the rollup's root advanced. The state
	// keeps a compact record (the query derives the previous root); the
	// submitter and sizes are in the batch's event (issue 17).
	got := queryBatch(t, node, "batch", rollupID, "1")
	if got.Index != "1" || !bytes.Equal(got.PrevStateRoot, rootBytes(root0)) ||
		!bytes.Equal(got.NewStateRoot, rootBytes(root1)) {
		t.Fatalf("batch 1 = %+v; want index 1, %x -> %x", got, rootBytes(root0), rootBytes(root1))
	}
	ev := txEventAttrs(t, tx1, "nativechain.rollups.v1.Batch")
	if ev["submitter"] != alice || ev["index"] != "1" || ev["data_bytes"] != itoa(len(batch1.data)) {
		t.Fatalf("batch 1 event = %v; want index 1, submitted by %s, data_bytes %d", ev, alice, len(batch1.data))
	}
	if latest := queryBatch(t, node, "latest-batch", rollupID); latest.Index != "1" || !bytes.Equal(latest.NewStateRoot, rootBytes(root1)) {
		t.Fatalf("latest batch = %+v, want batch 1", latest)
	}
	requireRollupAt(t, queryRollup(t, node, rollupID), 2, root1)

	// ACT 3 / ASSERT 3: the chain refuses each bad batch in CheckTx. batch2
	// is a valid proof of batch 2 (it is accepted at the end), so each case
	// differs from an acceptable batch in one way only.
	batch2 := r.prove(2, root1, root2, []byte("batch 2: bob pays carol 2"))
	aliceSeq, aliceBal := node.Sequence(t, alice), node.Balance(t, alice, Denom)
	bobSeq, bobBal := node.Sequence(t, bob), node.Balance(t, bob, Denom)
	garbage := batch2
	garbage.proofPath = files.write("garbage.bin", bytes.Repeat([]byte{0xab}, len(batch2.proof)))
	otherRoot := batch2
	otherRoot.newRoot = rootElement(0x99)
	ghost := batch2
	ghost.rollupID = "ghost"
	skipped := r.prove(3, root1, root2, []byte("batch 3 before batch 2"))
	otherChain := provenBatches{t: t, prover: pr.p, files: rollupFiles{t: t, dir: t.TempDir()}, chainID: "another-chain-1", rollupID: rollupID, submitter: rawAddress(t, alice)}.
		prove(2, root1, root2, []byte("batch 2 proven for another chain"))
	overconsume := batch2.submitArgs("alice")
	for i := range overconsume {
		if overconsume[i] == "--inbox-consumed" {
			overconsume[i+1] = "5" // the inbox is empty
		}
	}

	cases := []struct {
		name      string
		args      []string
		codespace string
		code      uint32 // 0: any code of the codespace
	}{
		// Which parse check garbage trips first is the verifier's business.
		{"garbage proof", garbage.submitArgs("alice"), verifier.Codespace, 0},
		{"replayed index", batch1.submitArgs("alice"), types.ModuleName, types.ErrWrongBatchIndex.ABCICode()},
		{"new root differs from the proven one", otherRoot.submitArgs("alice"), verifier.Codespace, verifier.ErrProofInvalid.ABCICode()},
		{"submitter is not an operator", batch2.submitArgs("bob"), types.ModuleName, types.ErrNotOperator.ABCICode()},
		{"unknown rollup", ghost.submitArgs("alice"), types.ModuleName, types.ErrUnknownRollup.ABCICode()},
		{"skipped index", skipped.submitArgs("alice"), types.ModuleName, types.ErrWrongBatchIndex.ABCICode()},
		{"proof for another chain id", otherChain.submitArgs("alice"), verifier.Codespace, verifier.ErrProofInvalid.ABCICode()},
		{"consumes more inbox messages than exist", overconsume, types.ModuleName, types.ErrInboxOverconsumed.ABCICode()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := mustBeRejectedAtCheckTx(t, node, tc.args)
			if resp.Codespace != tc.codespace || (tc.code != 0 && resp.Code != tc.code) {
				t.Fatalf("rejected with %s/%d (%s), want %s/%d", resp.Codespace, resp.Code, resp.RawLog, tc.codespace, tc.code)
			}
			t.Logf("rejected: %s", resp.RawLog)
		})
	}
	assertNothingBroadcast(t, node, alice, aliceSeq, aliceBal)
	assertNothingBroadcast(t, node, bob, bobSeq, bobBal)
	requireRollupAt(t, queryRollup(t, node, rollupID), 2, root1)

	// The untouched batch 2 is accepted: the rejections were for their own
	// reasons, and they left the rollup able to advance.
	hash = node.MustBroadcast(t, batch2.submitArgs("alice")...)
	node.WaitForTx(t, hash, 30*time.Second)
	if latest := queryBatch(t, node, "latest-batch", rollupID); latest.Index != "2" || !bytes.Equal(latest.NewStateRoot, rootBytes(root2)) {
		t.Fatalf("latest batch = %+v, want batch 2", latest)
	}
	requireRollupAt(t, queryRollup(t, node, rollupID), 3, root2)
}

// TestRollups_CLIRefusesUnreadableFilesAndBadRoots checks the checks the CLI
// itself makes before signing: nothing reaches the chain.
func TestRollups_CLIRefusesUnreadableFilesAndBadRoots(t *testing.T) {
	chain := StartSingleNodeChain(t, "alice")
	node, alice := chain.Node, chain.Accounts["alice"]
	files := rollupFiles{t: t, dir: t.TempDir()}
	data := files.write("data.bin", []byte("data"))
	proof := files.write("proof.bin", bytes.Repeat([]byte{1}, 164))
	seq, bal := node.Sequence(t, alice), node.Balance(t, alice, Denom)
	root := rootHex(rootElement(1))

	cases := map[string]struct {
		args []string
		want string
	}{
		"missing proof file": {[]string{"--new-root", root, "--data-file", data, "--proof-file", filepath.Join(files.dir, "nope.bin")}, "no such file"},
		"root not hex":       {[]string{"--new-root", "0xnothex", "--data-file", data, "--proof-file", proof}, "not hex"},
		"root too short":     {[]string{"--new-root", root[:62], "--data-file", data, "--proof-file", proof}, "32 bytes"},
		"root above modulus": {[]string{"--new-root", strings.Repeat("ff", 32), "--data-file", data, "--proof-file", proof}, "canonical"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			args := append([]string{"rollups", "submit-batch", "payments", "--index", "1", "--inbox-consumed", "0", "--from", "alice"}, tc.args...)
			res := node.Tx(t, args...)
			if res.ExitCode == 0 {
				t.Fatalf("exit 0, want a CLI error:\n%s", res.Output())
			}
			if !strings.Contains(res.Output(), tc.want) {
				t.Fatalf("error does not say %q:\n%s", tc.want, res.Output())
			}
		})
	}
	assertNothingBroadcast(t, node, alice, seq, bal)
}

// ---------------------------------------------------------------------------
// Helpers

// rollupFiles writes the files the rollups CLI reads.
type rollupFiles struct {
	t   *testing.T
	dir string
}

func (f rollupFiles) write(name string, content []byte) string {
	f.t.Helper()
	path := filepath.Join(f.dir, name)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		f.t.Fatalf("write %s: %v", path, err)
	}
	return path
}

// provenBatches proves batches of one rollup with the test circuit. No
// batch consumes inbox messages or has outbox entries.
type provenBatches struct {
	t        *testing.T
	prover   *batchprover.Prover
	files    rollupFiles
	chainID  string
	rollupID string
	// submitter is the raw address of the account that will submit: a
	// proof is bound to its submitter.
	submitter []byte
}

// provenBatch is a batch and the files `tx rollups submit-batch` reads.
type provenBatch struct {
	rollupID  string
	index     uint64
	newRoot   fr.Element
	data      []byte
	proof     []byte
	dataPath  string
	proofPath string
}

func (b provenBatches) prove(index uint64, prevRoot, newRoot fr.Element, data []byte) provenBatch {
	b.t.Helper()
	acc := protocol.InboxAccumulatorGenesis()
	proof, err := b.prover.Prove(protocol.BatchCommitment{
		ChainID:       b.chainID,
		RollupID:      b.rollupID,
		BatchIndex:    index,
		PrevStateRoot: prevRoot,
		NewStateRoot:  newRoot,
		DAHash:        protocol.DAHash(data),
		InboxBefore:   acc,
		InboxAfter:    acc,
		OutboxHash:    protocol.OutboxHash(nil),
		Submitter:     b.submitter,
	})
	if err != nil {
		b.t.Fatalf("prove batch %d: %v", index, err)
	}
	return provenBatch{
		rollupID:  b.rollupID,
		index:     index,
		newRoot:   newRoot,
		data:      data,
		proof:     proof,
		dataPath:  b.files.write(itoa(int(index))+"-data.bin", data),
		proofPath: b.files.write(itoa(int(index))+"-proof.bin", proof),
	}
}

// submitArgs are the `tx` arguments that submit b signed by key.
func (b provenBatch) submitArgs(key string) []string {
	return []string{"rollups", "submit-batch", b.rollupID,
		"--index", itoa(int(b.index)), "--new-root", rootHex(b.newRoot),
		"--data-file", b.dataPath, "--inbox-consumed", "0", "--proof-file", b.proofPath,
		"--from", key}
}

// checkTxResponse is a broadcast result, with the codespace the harness's
// TxResponse leaves out.
type checkTxResponse struct {
	TxHash    string `json:"txhash"`
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace"`
	RawLog    string `json:"raw_log"`
}

// mustBeRejectedAtCheckTx broadcasts and requires that the CLI sent the
// transaction (exit 0, a tx hash) and the node refused it (non-zero code).
func mustBeRejectedAtCheckTx(t *testing.T, node *Node, args []string) checkTxResponse {
	t.Helper()
	res := node.Tx(t, args...)
	if res.ExitCode != 0 {
		t.Fatalf("the CLI refused the tx itself (exit %d), so the chain never saw it:\n%s", res.ExitCode, res.Output())
	}
	var resp checkTxResponse
	if err := json.Unmarshal([]byte(jsonObjectIn(res.Stdout)), &resp); err != nil {
		t.Fatalf("decode broadcast result: %v\n%s", err, res.Output())
	}
	if resp.TxHash == "" {
		t.Fatalf("no tx hash in the broadcast result:\n%s", res.Stdout)
	}
	if resp.Code == 0 {
		t.Fatalf("CheckTx accepted tx %s", resp.TxHash)
	}
	return resp
}

// rollupView and batchView are the fields of `q rollups` JSON the tests
// read. Byte fields are base64, 64-bit integers strings, zero values absent.
type rollupView struct {
	ID                  string   `json:"id"`
	Admin               string   `json:"admin"`
	Operators           []string `json:"operators"`
	VerifyingKey        []byte   `json:"verifying_key"`
	StateRoot           []byte   `json:"state_root"`
	NextBatchIndex      string   `json:"next_batch_index"`
	ConsumedAccumulator []byte   `json:"consumed_accumulator"`
	Status              string   `json:"status"`
}

type batchView struct {
	Index         string `json:"index"`
	PrevStateRoot []byte `json:"prev_state_root"`
	NewStateRoot  []byte `json:"new_state_root"`
}

func queryRollup(t *testing.T, node *Node, id string) rollupView {
	t.Helper()
	var out struct {
		Rollup rollupView `json:"rollup"`
	}
	reDecode(t, node.Query(t, "rollups", "rollup", id), &out)
	if out.Rollup.ID != id {
		t.Fatalf("q rollups rollup %s returned rollup %q", id, out.Rollup.ID)
	}
	return out.Rollup
}

// txEventAttrs returns the attributes of the first event of type typ in a
// transaction's `query tx` JSON, with the JSON quotes of typed events
// removed.
func txEventAttrs(t *testing.T, tx map[string]any, typ string) map[string]string {
	t.Helper()
	var out struct {
		Events []struct {
			Type       string `json:"type"`
			Attributes []struct {
				Key   string `json:"key"`
				Value string `json:"value"`
			} `json:"attributes"`
		} `json:"events"`
	}
	reDecode(t, tx, &out)
	for _, ev := range out.Events {
		if ev.Type != typ {
			continue
		}
		attrs := map[string]string{}
		for _, a := range ev.Attributes {
			attrs[a.Key] = strings.Trim(a.Value, `"`)
		}
		return attrs
	}
	t.Fatalf("no %s event in the transaction", typ)
	return nil
}

func queryBatch(t *testing.T, node *Node, args ...string) batchView {
	t.Helper()
	var out struct {
		Batch batchView `json:"batch"`
	}
	reDecode(t, node.Query(t, append([]string{"rollups"}, args...)...), &out)
	return out.Batch
}

// reDecode turns the harness's generic JSON into a typed view
// (encoding/json decodes base64 strings into []byte fields).
func reDecode(t *testing.T, in map[string]any, out any) {
	t.Helper()
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
}

func requireRollupAt(t *testing.T, r rollupView, nextIndex int, root fr.Element) {
	t.Helper()
	if r.Status != "ROLLUP_STATUS_ACTIVE" {
		t.Fatalf("rollup %s status %s, want active", r.ID, r.Status)
	}
	if r.NextBatchIndex != itoa(nextIndex) {
		t.Fatalf("rollup %s next_batch_index %s, want %d", r.ID, r.NextBatchIndex, nextIndex)
	}
	if !bytes.Equal(r.StateRoot, rootBytes(root)) {
		t.Fatalf("rollup %s state root %s, want %x", r.ID, base64.StdEncoding.EncodeToString(r.StateRoot), rootBytes(root))
	}
}

func rootElement(v uint64) fr.Element {
	var e fr.Element
	e.SetUint64(v)
	return e
}

func rootBytes(e fr.Element) []byte { return protocol.StateRootBytes(e) }

func rootHex(e fr.Element) string { return hex.EncodeToString(rootBytes(e)) }

// rawAddress is the account bytes of a bech32 address.
func rawAddress(t *testing.T, bech string) []byte {
	t.Helper()
	_, bz, err := bech32.DecodeAndConvert(bech)
	if err != nil {
		t.Fatalf("decode address %q: %v", bech, err)
	}
	return bz
}
