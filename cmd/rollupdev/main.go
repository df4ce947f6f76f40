// Command rollupdev makes Groth16 keys and batch proofs for trying x/rollups
// on a development chain, with the TEST circuit of
// x/rollups/testutil/batchprover.
//
// That circuit only proves knowledge of the batch commitment's preimage: it
// accepts any new state root, any data and any outbox. It says nothing about
// a state transition, and its keys come from an insecure single-party
// setup. rollupdev is a dev/demo tool for devnets, never a rollup prover,
// and it is not part of nativechaind.
//
//	go run ./cmd/rollupdev setup      --out DIR
//	go run ./cmd/rollupdev prove      --keys DIR --chain-id C --rollup R --index N --prev-root HEX \
//	                                  --new-root HEX --data-file F --inbox-before HEX --inbox-after HEX \
//	                                  [--outbox-file F] --out proof.bin
//	go run ./cmd/rollupdev prove-next --keys DIR --node tcp://127.0.0.1:26657 --rollup R \
//	                                  --new-root HEX --data-file F [--outbox-file F] --out proof.bin
//
// See docs/rollups-cli.md for a walkthrough.
package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/logger"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/cosmos/cosmos-sdk/types/bech32"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

const (
	vkFile = "vk.bin"
	pkFile = "pk.bin"

	rpcTimeout = 10 * time.Second
)

const usage = `rollupdev: Groth16 keys and batch proofs from the x/rollups TEST circuit.

The test circuit proves only knowledge of the batch commitment's preimage, not
a state transition, and its setup is insecure: a dev/demo tool, never a rollup
circuit.

Commands:
  setup       --out DIR                      write DIR/vk.bin and DIR/pk.bin (kept if present)
  prove       --keys DIR --chain-id C --rollup R --index N --prev-root HEX --new-root HEX
              --data-file F --inbox-before HEX --inbox-after HEX [--outbox-file F] --out FILE
                                             prove a batch statement given in full
  prove-next  --keys DIR --node URL --rollup R --new-root HEX --data-file F
              [--outbox-file F] --out FILE   prove the rollup's next batch, reading chain id,
                                             index, previous root and inbox position from
                                             the node (consumes no inbox messages)

Run 'rollupdev COMMAND -h' for the flags of a command.
`

func main() {
	logger.Disable() // gnark's compile and setup logs would drown the output
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cmds := map[string]func([]string) error{
		"setup":      runSetup,
		"prove":      runProve,
		"prove-next": runProveNext,
	}
	name := os.Args[1]
	if name == "-h" || name == "--help" || name == "help" {
		fmt.Print(usage)
		return
	}
	run, ok := cmds[name]
	if !ok {
		fmt.Fprintf(os.Stderr, "rollupdev: unknown command %q\n\n%s", name, usage)
		os.Exit(2)
	}
	if err := run(os.Args[2:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		fmt.Fprintf(os.Stderr, "rollupdev %s: %s\n", name, err.Error())
		os.Exit(1)
	}
}

// ---------------------------------------------------------------------------
// setup

func runSetup(args []string) error {
	fs := flag.NewFlagSet("setup", flag.ContinueOnError)
	out := fs.String("out", "", "directory for vk.bin and pk.bin (created if missing)")
	if err := parse(fs, args, "out"); err != nil {
		return err
	}
	vkPath, pkPath := filepath.Join(*out, vkFile), filepath.Join(*out, pkFile)
	if fileExists(vkPath) && fileExists(pkPath) {
		p, err := loadProver(*out)
		if err != nil {
			return fmt.Errorf("cached keys in %s are unusable (delete them to start over): %s", *out, err)
		}
		fmt.Printf("using cached keys in %s\n", *out)
		return printKeys(p, vkPath, pkPath)
	}
	p, err := batchprover.New()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(pkPath, p.ProvingKey(), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(vkPath, p.VerifyingKey(), 0o644); err != nil {
		return err
	}
	fmt.Printf("new TEST-circuit keys (insecure setup, for devnets only) in %s\n", *out)
	return printKeys(p, vkPath, pkPath)
}

func printKeys(p *batchprover.Prover, vkPath, pkPath string) error {
	// Parse the key exactly as the chain will at registration, and show the
	// hash it will store as the rollup's vk_hash.
	vk, err := verifier.ValidateVerifyingKey(p.VerifyingKey(), int(protocol.MaxVerifyingKeyBytes), protocol.BatchPublicInputs)
	if err != nil {
		return fmt.Errorf("the chain would reject this verifying key: %s", err)
	}
	h := vk.Hash()
	printField("verifying key", fmt.Sprintf("%s (%d bytes)", vkPath, len(p.VerifyingKey())))
	printField("vk hash", hex.EncodeToString(h[:]))
	printField("proving key", fmt.Sprintf("%s (%d bytes)", pkPath, len(p.ProvingKey())))
	return nil
}

// ---------------------------------------------------------------------------
// prove

func runProve(args []string) error {
	fs := flag.NewFlagSet("prove", flag.ContinueOnError)
	keys := fs.String("keys", "", "directory written by 'rollupdev setup'")
	chainID := fs.String("chain-id", "", "chain id of the base chain")
	rollupID := fs.String("rollup", "", "rollup id")
	index := fs.Uint64("index", 0, "batch index (the rollup's next_batch_index)")
	prevRoot := fs.String("prev-root", "", "state root before the batch, 32 bytes hex")
	newRoot := fs.String("new-root", "", "state root after the batch, 32 bytes hex")
	dataFile := fs.String("data-file", "", "batch data file, as it will be posted")
	inboxBefore := fs.String("inbox-before", "", "inbox accumulator before the batch (the rollup's consumed_accumulator), hex")
	inboxAfter := fs.String("inbox-after", "", "inbox accumulator after the consumed messages, hex")
	outboxFile := fs.String("outbox-file", "", "canonical outbox encoding (default: no entries)")
	submitter := fs.String("submitter", "", "bech32 address of the account that will submit the batch (the proof is bound to it)")
	l2TxCount := fs.Uint64("l2-tx-count", 0, "L2 transactions in the batch (proven; pass the same to submit-batch)")
	out := fs.String("out", "", "file to write the proof to")
	if err := parse(fs, args, "keys", "chain-id", "rollup", "index", "prev-root", "new-root",
		"data-file", "inbox-before", "inbox-after", "submitter", "out"); err != nil {
		return err
	}
	c := protocol.BatchCommitment{ChainID: *chainID, RollupID: *rollupID, BatchIndex: *index, L2TxCount: *l2TxCount}
	var err error
	if c.Submitter, err = parseAddress(*submitter); err != nil {
		return err
	}
	if c.PrevStateRoot, err = parseElement("--prev-root", *prevRoot); err != nil {
		return err
	}
	if c.InboxBefore, err = parseElement("--inbox-before", *inboxBefore); err != nil {
		return err
	}
	if c.InboxAfter, err = parseElement("--inbox-after", *inboxAfter); err != nil {
		return err
	}
	return prove(*keys, c, *newRoot, *dataFile, *outboxFile, *out)
}

// ---------------------------------------------------------------------------
// prove-next

func runProveNext(args []string) error {
	fs := flag.NewFlagSet("prove-next", flag.ContinueOnError)
	keys := fs.String("keys", "", "directory written by 'rollupdev setup'")
	node := fs.String("node", "tcp://127.0.0.1:26657", "CometBFT RPC of a nativechain node")
	rollupID := fs.String("rollup", "", "rollup id")
	newRoot := fs.String("new-root", "", "state root after the batch, 32 bytes hex")
	dataFile := fs.String("data-file", "", "batch data file, as it will be posted")
	outboxFile := fs.String("outbox-file", "", "canonical outbox encoding (default: no entries)")
	submitter := fs.String("submitter", "", "bech32 address of the account that will submit the batch (the proof is bound to it)")
	l2TxCount := fs.Uint64("l2-tx-count", 0, "L2 transactions in the batch (proven; pass the same to submit-batch)")
	out := fs.String("out", "", "file to write the proof to")
	if err := parse(fs, args, "keys", "rollup", "new-root", "data-file", "submitter", "out"); err != nil {
		return err
	}
	submitterBytes, err := parseAddress(*submitter)
	if err != nil {
		return err
	}

	chainID, r, err := queryRollup(*node, *rollupID)
	if err != nil {
		return err
	}
	if r.Status != types.ROLLUP_STATUS_ACTIVE {
		return fmt.Errorf("rollup %q is %s: it accepts no batches", r.Id, r.Status)
	}
	if pending := r.InboxSize - r.InboxConsumed; pending > 0 {
		fmt.Fprintf(os.Stderr, "note: %d inbox message(s) are waiting; this batch consumes none (--inbox-consumed 0)\n", pending)
	}
	c := protocol.BatchCommitment{ChainID: chainID, RollupID: r.Id, BatchIndex: r.NextBatchIndex,
		L2TxCount: *l2TxCount, Submitter: submitterBytes}
	if c.PrevStateRoot, err = protocol.ParseStateRoot(r.StateRoot); err != nil {
		return fmt.Errorf("state root from the node: %s", err)
	}
	// Consuming nothing leaves the accumulator where the last batch left it.
	if c.InboxBefore, err = protocol.ParseFieldElement(r.ConsumedAccumulator); err != nil {
		return fmt.Errorf("consumed accumulator from the node: %s", err)
	}
	c.InboxAfter = c.InboxBefore
	return prove(*keys, c, *newRoot, *dataFile, *outboxFile, *out)
}

// queryRollup reads the chain id from the node's status and the rollup
// through an ABCI query of the gRPC Query/Rollup method.
func queryRollup(node, rollupID string) (string, types.Rollup, error) {
	client, err := rpchttp.New(node, "/websocket")
	if err != nil {
		return "", types.Rollup{}, fmt.Errorf("node %s: %s", node, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), rpcTimeout)
	defer cancel()
	status, err := client.Status(ctx)
	if err != nil {
		return "", types.Rollup{}, fmt.Errorf("status of %s: %s", node, err)
	}
	req, err := (&types.QueryRollupRequest{RollupId: rollupID}).Marshal()
	if err != nil {
		return "", types.Rollup{}, err
	}
	res, err := client.ABCIQuery(ctx, "/nativechain.rollups.v1.Query/Rollup", req)
	if err != nil {
		return "", types.Rollup{}, fmt.Errorf("query rollup %q: %s", rollupID, err)
	}
	if res.Response.Code != 0 {
		return "", types.Rollup{}, fmt.Errorf("query rollup %q: %s", rollupID, res.Response.Log)
	}
	var resp types.QueryRollupResponse
	if err := resp.Unmarshal(res.Response.Value); err != nil {
		return "", types.Rollup{}, fmt.Errorf("decode rollup %q: %s", rollupID, err)
	}
	return status.NodeInfo.Network, resp.Rollup, nil
}

// ---------------------------------------------------------------------------
// proving

// prove completes c with the new root and the hashes of the posted data and
// outbox, proves it, checks the proof with the chain's verifier and writes
// it to out.
func prove(keysDir string, c protocol.BatchCommitment, newRootHex, dataFile, outboxFile, out string) error {
	var err error
	if c.NewStateRoot, err = parseElement("--new-root", newRootHex); err != nil {
		return err
	}
	data, err := readLimited(dataFile, int64(types.MaxBatchDataBytesLimit))
	if err != nil {
		return fmt.Errorf("--data-file: %s", err)
	}
	c.DAHash = protocol.DAHash(data)
	var outbox []protocol.OutboxEntry
	if outboxFile != "" {
		bz, err := readLimited(outboxFile, protocol.MaxOutboxBytes)
		if err != nil {
			return fmt.Errorf("--outbox-file: %s", err)
		}
		if outbox, err = protocol.DecodeOutbox(bz); err != nil {
			return fmt.Errorf("--outbox-file %s: %s", outboxFile, err)
		}
	}
	c.OutboxHash = protocol.OutboxHash(outbox)
	if c.BatchIndex == 0 {
		return errors.New("--index: batch indices start at 1")
	}
	commitment, err := c.Commitment() // also validates the chain and rollup ids
	if err != nil {
		return err
	}

	p, err := loadProver(keysDir)
	if err != nil {
		return err
	}
	proof, err := p.Prove(c)
	if err != nil {
		return fmt.Errorf("prove: %s", err)
	}
	if err := selfVerify(p, c, proof); err != nil {
		return err
	}
	if err := os.WriteFile(out, proof, 0o644); err != nil {
		return err
	}

	printField("chain id", c.ChainID)
	printField("rollup", c.RollupID)
	printField("index", fmt.Sprint(c.BatchIndex))
	printField("prev root", elementHex(c.PrevStateRoot))
	printField("new root", elementHex(c.NewStateRoot))
	printField("da hash", fmt.Sprintf("%s (%d bytes of data)", elementHex(c.DAHash), len(data)))
	printField("inbox before", elementHex(c.InboxBefore))
	printField("inbox after", elementHex(c.InboxAfter))
	printField("outbox hash", fmt.Sprintf("%s (%d entries)", elementHex(c.OutboxHash), len(outbox)))
	printField("commitment", elementHex(commitment))
	printField("proof", fmt.Sprintf("%s (%d bytes)", out, len(proof)))

	// Equal accumulators mean no inbox message was consumed; otherwise only
	// the caller knows how many were.
	consumed := "K"
	if c.InboxBefore.Equal(&c.InboxAfter) {
		consumed = "0"
	}
	submit := []string{"nativechaind tx rollups submit-batch", c.RollupID,
		"--index", fmt.Sprint(c.BatchIndex), "--new-root", elementHex(c.NewStateRoot),
		"--data-file", dataFile, "--inbox-consumed", consumed, "--proof-file", out}
	if outboxFile != "" {
		submit = append(submit, "--outbox-file", outboxFile)
	}
	if c.L2TxCount != 0 {
		submit = append(submit, "--l2-tx-count", fmt.Sprint(c.L2TxCount))
	}
	fmt.Printf("\nsubmit it with (signed by the --submitter account):\n  %s --from KEY\n", strings.Join(submit, " "))
	return nil
}

// selfVerify checks the proof as the chain will, so a key mismatch shows up
// here rather than as a rejected transaction.
func selfVerify(p *batchprover.Prover, c protocol.BatchCommitment, proof []byte) error {
	vk, err := verifier.ValidateVerifyingKey(p.VerifyingKey(), int(protocol.MaxVerifyingKeyBytes), protocol.BatchPublicInputs)
	if err != nil {
		return fmt.Errorf("verifying key: %s", err)
	}
	parsed, err := verifier.ParseProof(proof)
	if err != nil {
		return fmt.Errorf("proof: %s", err)
	}
	inputs, err := c.PublicInputs()
	if err != nil {
		return err
	}
	if err := verifier.Verify(vk, parsed, inputs); err != nil {
		return fmt.Errorf("the new proof does not verify against %s (pk.bin and vk.bin from different setups?): %s", vkFile, err)
	}
	return nil
}

func loadProver(dir string) (*batchprover.Prover, error) {
	pk, err := os.ReadFile(filepath.Join(dir, pkFile))
	if err != nil {
		return nil, fmt.Errorf("no proving key (run 'rollupdev setup --out %s' first): %s", dir, err)
	}
	vk, err := os.ReadFile(filepath.Join(dir, vkFile))
	if err != nil {
		return nil, fmt.Errorf("no verifying key (run 'rollupdev setup --out %s' first): %s", dir, err)
	}
	return batchprover.Load(pk, vk)
}

// ---------------------------------------------------------------------------
// helpers

// parse parses flags and checks that every flag in required was given.
func parse(fs *flag.FlagSet, args []string, required ...string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var missing []string
	for _, name := range required {
		if !set[name] {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing %s (see 'rollupdev %s -h')", strings.Join(missing, ", "), fs.Name())
	}
	return nil
}

// parseElement decodes 32 bytes of hex (optional 0x) as a canonical field
// element: state roots and inbox accumulators.
func parseElement(flagName, s string) (fr.Element, error) {
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0x"), "0X")
	bz, err := hex.DecodeString(s)
	if err != nil {
		return fr.Element{}, fmt.Errorf("%s %q is not hex: %s", flagName, s, err)
	}
	e, err := protocol.ParseFieldElement(bz)
	if err != nil {
		return fr.Element{}, fmt.Errorf("%s: want 32 bytes (64 hex digits) below the BN254 scalar modulus: %s", flagName, err)
	}
	return e, nil
}

func elementHex(e fr.Element) string { return hex.EncodeToString(protocol.FieldElementBytes(e)) }

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bz, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(bz)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes, the most the chain accepts", path, limit)
	}
	return bz, nil
}

func fileExists(path string) bool {
	info, err := os.Stat(path)
	return err == nil && !info.IsDir()
}

func printField(name, value string) { fmt.Printf("%-14s %s\n", name, value) }

// parseAddress decodes the bech32 address a proof is bound to.
func parseAddress(bech string) ([]byte, error) {
	_, bz, err := bech32.DecodeAndConvert(bech)
	if err != nil {
		return nil, fmt.Errorf("--submitter %q: %s", bech, err)
	}
	return bz, nil
}
