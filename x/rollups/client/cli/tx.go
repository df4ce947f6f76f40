// Package cli holds the hand-written x/rollups transaction commands. Every
// x/rollups message except MsgUpdateParams carries either bytes that only
// make sense as files (verifying keys, batch data, outboxes, proofs) or
// 32-byte state roots given in hex, which AutoCLI cannot read; the commands
// here read and check them, build the message, run its Validate with the
// chain's address codec and broadcast it. The module's AutoCLI options
// (x/rollups/autocli.go) enhance this command tree, so queries and any
// message added later are still generated.
package cli

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"cosmossdk.io/core/address"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// Flag names of the rollups tx commands.
const (
	FlagVKFile         = "vk-file"
	FlagGenesisRoot    = "genesis-root"
	FlagOperators      = "operators"
	FlagBond           = "bond"
	FlagMaxBatchBytes  = "max-batch-bytes"
	FlagIndex          = "index"
	FlagNewRoot        = "new-root"
	FlagDataFile       = "data-file"
	FlagInboxConsumed  = "inbox-consumed"
	FlagOutboxFile     = "outbox-file"
	FlagProofFile      = "proof-file"
	FlagL2TxCount      = "l2-tx-count"
	FlagExitLayout     = "exit-layout"
	FlagExitDepth      = "exit-depth"
	FlagExitDenom      = "exit-denom"
	FlagExitQuoteDenom = "exit-quote-denom"
)

// stateRootBytes is the length of a state root: one canonical BN254
// scalar-field element, big-endian.
const stateRootBytes = 32

// GetTxCmd returns `tx rollups` with the hand-written subcommands. ac is the
// chain's account address codec; messages are validated with it, never
// with the global bech32 config.
func GetTxCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Rollups transaction subcommands",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		NewRegisterCmd(ac),
		NewSubmitBatchCmd(ac),
		NewUpdateOperatorsCmd(ac),
		NewUpdateVerifyingKeyCmd(ac),
		NewDeregisterCmd(ac),
		NewForceIncludeCmd(ac),
	)
	return cmd
}

// NewRegisterCmd returns `register [rollup-id]`: MsgRegisterRollup.
func NewRegisterCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "register [rollup-id]",
		Short: "Register a rollup: verifying key, genesis state root, operators and bond",
		Long: `Register a rollup. The signer (--from) becomes its admin and pays the bond
and the registration fee, both escrowed by the module.

The verifying key is a Groth16 BN254 key in gnark's compressed encoding with
exactly one public input (the batch commitment). The genesis state root is
32 bytes in hex (a canonical BN254 scalar-field element). Operators default
to the signer.

--exit-layout names the rollup's state layout so that, if the chain ever
freezes it, its accounts can withdraw their last proven balances (exodus,
docs/spec/exodus.md); --exit-depth is its state-tree depth and --exit-denom
the denom balances are paid in. Without a layout, a frozen rollup's
unconsumed deposits are still refunded, but L2 balances cannot exit.`,
		Example: fmt.Sprintf(`nativechaind tx rollups register payments --vk-file vk.bin \
  --genesis-root %s --bond 10000000unat \
  --exit-layout payments-v1 --exit-depth 20 --exit-denom unat --from alice`, strings.Repeat("0", 63)+"1"),
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return broadcast(cmd, ac, func(signer string) (validatedMsg, error) {
				return registerMsg(cmd, signer, args[0])
			})
		},
	}
	cmd.Flags().String(FlagVKFile, "", "file with the Groth16 verifying key (gnark compressed encoding)")
	cmd.Flags().String(FlagGenesisRoot, "", "genesis state root, 32 bytes in hex")
	cmd.Flags().String(FlagOperators, "", "comma-separated operator addresses (default: the signer)")
	cmd.Flags().String(FlagBond, "", "operator bond to escrow, e.g. 10000000unat (at least the min_operator_bond param)")
	cmd.Flags().Uint64(FlagMaxBatchBytes, 0, "cap on one batch's data in bytes (0: the chain-wide cap)")
	cmd.Flags().String(FlagExitLayout, "", "state layout for exodus proofs, e.g. payments-v1 (default: none)")
	cmd.Flags().Uint32(FlagExitDepth, 0, "state-tree depth of the exit layout, 1-32")
	cmd.Flags().String(FlagExitDenom, "", "denom exodus pays L2 balances in (the base denom of a two-denom layout)")
	cmd.Flags().String(FlagExitQuoteDenom, "", "second denom of a two-denom exit layout (required by exchange-v1, refused by payments-v1)")
	mustMarkRequired(cmd, FlagVKFile, FlagGenesisRoot, FlagBond)
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

func registerMsg(cmd *cobra.Command, signer, rollupID string) (*types.MsgRegisterRollup, error) {
	vkPath, _ := cmd.Flags().GetString(FlagVKFile)
	vk, err := readFile(FlagVKFile, vkPath, int64(protocol.MaxVerifyingKeyBytes))
	if err != nil {
		return nil, err
	}
	rootHex, _ := cmd.Flags().GetString(FlagGenesisRoot)
	root, err := parseStateRoot(FlagGenesisRoot, rootHex)
	if err != nil {
		return nil, err
	}
	bondStr, _ := cmd.Flags().GetString(FlagBond)
	bond, err := sdk.ParseCoinNormalized(bondStr)
	if err != nil {
		return nil, fmt.Errorf("--%s %q: %w", FlagBond, bondStr, err)
	}
	operatorList, _ := cmd.Flags().GetString(FlagOperators)
	operators := splitList(operatorList)
	if len(operators) == 0 {
		operators = []string{signer}
	}
	maxBytes, _ := cmd.Flags().GetUint64(FlagMaxBatchBytes)
	layout, err := exitLayoutFlags(cmd)
	if err != nil {
		return nil, err
	}
	return &types.MsgRegisterRollup{
		Admin:             signer,
		RollupId:          rollupID,
		VerifyingKey:      vk,
		GenesisStateRoot:  root,
		Operators:         operators,
		Bond:              bond,
		MaxBatchDataBytes: maxBytes,
		ExitLayout:        layout,
	}, nil
}

// exitLayoutFlags reads --exit-layout, --exit-depth and --exit-denom: all
// three or none; --exit-quote-denom adds the second denom of a two-denom
// layout and needs the other three. The chain checks which layouts take it.
func exitLayoutFlags(cmd *cobra.Command) (*types.ExitLayout, error) {
	name, _ := cmd.Flags().GetString(FlagExitLayout)
	depth, _ := cmd.Flags().GetUint32(FlagExitDepth)
	denom, _ := cmd.Flags().GetString(FlagExitDenom)
	quote, _ := cmd.Flags().GetString(FlagExitQuoteDenom)
	if name == "" && depth == 0 && denom == "" {
		if quote != "" {
			return nil, fmt.Errorf("--%s needs --%s, --%s and --%s", FlagExitQuoteDenom, FlagExitLayout, FlagExitDepth, FlagExitDenom)
		}
		return nil, nil
	}
	if name == "" || depth == 0 || denom == "" {
		return nil, fmt.Errorf("--%s, --%s and --%s go together", FlagExitLayout, FlagExitDepth, FlagExitDenom)
	}
	return &types.ExitLayout{Name: name, Depth: depth, Denom: denom, QuoteDenom: quote}, nil
}

// NewSubmitBatchCmd returns `submit-batch [rollup-id]`: MsgSubmitBatch.
func NewSubmitBatchCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "submit-batch [rollup-id]",
		Short: "Submit a batch: new state root, posted data, outbox and validity proof",
		Long: `Submit the next batch of a rollup; the signer (--from) must be one of its
operators. The chain builds the batch commitment from its own state (chain
id, rollup id, index, previous root, inbox accumulators) and from what this
transaction posts (new root, data, outbox), and verifies the Groth16 proof
against it in CheckTx and again in the block.

The data file is posted as is (the chain hashes it for data availability);
the outbox file is the canonical outbox encoding (empty or absent: no
entries); the proof file is a gnark compressed Groth16 BN254 proof.`,
		Example: fmt.Sprintf(`nativechaind tx rollups submit-batch payments --index 1 --new-root %s \
  --data-file batch1.bin --inbox-consumed 0 --proof-file proof1.bin --from alice`, strings.Repeat("0", 63)+"2"),
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return broadcast(cmd, ac, func(signer string) (validatedMsg, error) {
				return submitBatchMsg(cmd, signer, args[0])
			})
		},
	}
	cmd.Flags().Uint64(FlagIndex, 0, "batch index: the rollup's next_batch_index (starts at 1)")
	cmd.Flags().String(FlagNewRoot, "", "state root after the batch, 32 bytes in hex")
	cmd.Flags().String(FlagDataFile, "", "file with the batch data to post (may be empty)")
	cmd.Flags().Uint64(FlagInboxConsumed, 0, "number of unconsumed inbox messages the batch processed")
	cmd.Flags().String(FlagOutboxFile, "", "file with the canonical outbox encoding (default: no outbox entries)")
	cmd.Flags().String(FlagProofFile, "", "file with the Groth16 proof (gnark compressed encoding)")
	cmd.Flags().Uint64(FlagL2TxCount, 0, "number of L2 transactions in the batch, as reported")
	mustMarkRequired(cmd, FlagIndex, FlagNewRoot, FlagDataFile, FlagInboxConsumed, FlagProofFile)
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

func submitBatchMsg(cmd *cobra.Command, signer, rollupID string) (*types.MsgSubmitBatch, error) {
	index, _ := cmd.Flags().GetUint64(FlagIndex)
	rootHex, _ := cmd.Flags().GetString(FlagNewRoot)
	root, err := parseStateRoot(FlagNewRoot, rootHex)
	if err != nil {
		return nil, err
	}
	dataPath, _ := cmd.Flags().GetString(FlagDataFile)
	data, err := readFile(FlagDataFile, dataPath, int64(types.MaxBatchDataBytesLimit))
	if err != nil {
		return nil, err
	}
	var outbox []byte
	if outboxPath, _ := cmd.Flags().GetString(FlagOutboxFile); outboxPath != "" {
		if outbox, err = readFile(FlagOutboxFile, outboxPath, protocol.MaxOutboxBytes); err != nil {
			return nil, err
		}
		// The outbox is hashed into the statement the proof attests to: a
		// malformed encoding can never verify, so say so before paying fees.
		if _, err := protocol.DecodeOutbox(outbox); err != nil {
			return nil, fmt.Errorf("--%s %s: %w", FlagOutboxFile, outboxPath, err)
		}
	}
	proofPath, _ := cmd.Flags().GetString(FlagProofFile)
	proof, err := readFile(FlagProofFile, proofPath, types.MaxProofBytes)
	if err != nil {
		return nil, err
	}
	inboxConsumed, _ := cmd.Flags().GetUint64(FlagInboxConsumed)
	l2TxCount, _ := cmd.Flags().GetUint64(FlagL2TxCount)
	return &types.MsgSubmitBatch{
		Submitter:     signer,
		RollupId:      rollupID,
		BatchIndex:    index,
		NewStateRoot:  root,
		Data:          data,
		InboxConsumed: inboxConsumed,
		Outbox:        outbox,
		Proof:         proof,
		L2TxCount:     l2TxCount,
	}, nil
}

// NewUpdateOperatorsCmd returns `update-operators [rollup-id] [a,b,...]`:
// MsgUpdateOperators.
func NewUpdateOperatorsCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "update-operators [rollup-id] [operator,...]",
		Short: "Schedule a new operator set for a rollup (admin only)",
		Long: `Schedule a new operator set for a rollup (admin only). Like a key change, it
takes effect after vk_update_delay_blocks (a module param), and later if
inbox messages appended before the change's exit window ends are not yet
due; until then the current operators submit. The response carries the
earliest activation height.`,
		Example: "nativechaind tx rollups update-operators payments native1...,native1... --from alice",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return broadcast(cmd, ac, func(signer string) (validatedMsg, error) {
				return &types.MsgUpdateOperators{Admin: signer, RollupId: args[0], Operators: splitList(args[1])}, nil
			})
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// NewUpdateVerifyingKeyCmd returns `update-vk [rollup-id]`:
// MsgUpdateVerifyingKey.
func NewUpdateVerifyingKeyCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "update-vk [rollup-id]",
		Short: "Schedule a new verifying key for a rollup (admin only)",
		Long: `Schedule a new verifying key for a rollup (admin only). Batches keep
verifying against the current key until vk_update_delay_blocks (a module
param) have passed, and longer while inbox messages appended in the first
vk_update_delay_blocks - inbox_deadline_blocks - 2 blocks after the change
are not yet due: users who object can force their exit and be served (or
see the rollup frozen) under the current key.`,
		Example: `nativechaind tx rollups update-vk payments --vk-file vk2.bin --from alice`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return broadcast(cmd, ac, func(signer string) (validatedMsg, error) {
				vkPath, _ := cmd.Flags().GetString(FlagVKFile)
				vk, err := readFile(FlagVKFile, vkPath, int64(protocol.MaxVerifyingKeyBytes))
				if err != nil {
					return nil, err
				}
				return &types.MsgUpdateVerifyingKey{Admin: signer, RollupId: args[0], VerifyingKey: vk}, nil
			})
		},
	}
	cmd.Flags().String(FlagVKFile, "", "file with the new Groth16 verifying key (gnark compressed encoding)")
	mustMarkRequired(cmd, FlagVKFile)
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// NewDeregisterCmd returns `deregister [rollup-id]`: MsgDeregisterRollup.
func NewDeregisterCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "deregister [rollup-id]",
		Short: "Close a rollup and return its bond (admin only)",
		Long: `Close a rollup and return its bond (admin only). With an empty bridge ledger
the rollup is deregistered at once. If users still hold funds, it winds
down instead: deposits and L1 calls are refused, batches and forced exits go
on for vk_update_delay_blocks, and then the chain freezes it without
slashing, returns the bond, and the remaining users exit by exodus. The
response carries the closing height (0: deregistered at once).`,
		Example: "nativechaind tx rollups deregister payments --from alice",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return broadcast(cmd, ac, func(signer string) (validatedMsg, error) {
				return &types.MsgDeregisterRollup{Admin: signer, RollupId: args[0]}, nil
			})
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// validatedMsg is a message with the stateless check its handler runs first.
type validatedMsg interface {
	sdk.Msg
	Validate(address.Codec) error
}

// broadcast builds a message signed by --from, runs the same stateless
// Validate as its handler, and generates or broadcasts the transaction.
func broadcast(cmd *cobra.Command, ac address.Codec, build func(signer string) (validatedMsg, error)) error {
	// Arguments and flags parsed: from here on an error is about their
	// content, and the usage text would only bury it.
	cmd.SilenceUsage = true
	clientCtx, err := client.GetClientTxContext(cmd)
	if err != nil {
		return err
	}
	from := clientCtx.GetFromAddress()
	if from.Empty() {
		return errors.New("no signer: pass --from KEY (or an address with --generate-only)")
	}
	signer, err := ac.BytesToString(from)
	if err != nil {
		return fmt.Errorf("signer address: %w", err)
	}
	msg, err := build(signer)
	if err != nil {
		return err
	}
	if err := msg.Validate(ac); err != nil {
		return invalidMsgError{typeURL: sdk.MsgTypeURL(msg), err: err}
	}
	return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
}

// invalidMsgError reports a failed Validate. It unwraps to the registered
// error (errors.Is still matches) but prints only the text: fmt's %w would
// format a cosmossdk.io/errors value with a source-file location.
type invalidMsgError struct {
	typeURL string
	err     error
}

func (e invalidMsgError) Error() string {
	return fmt.Sprintf("invalid %s: %s", e.typeURL, e.err.Error())
}

func (e invalidMsgError) Unwrap() error { return e.err }

// readFile reads a file a message carries. It refuses anything larger
// than limit, so a wrong path cannot pull a huge file into memory only for
// the message check to reject it.
func readFile(flagName, path string, limit int64) ([]byte, error) {
	if path == "" {
		return nil, fmt.Errorf("--%s is required", flagName)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flagName, err)
	}
	defer f.Close()
	bz, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("--%s: read %s: %w", flagName, path, err)
	}
	if int64(len(bz)) > limit {
		return nil, fmt.Errorf("--%s: %s is larger than %d bytes, the most the chain accepts", flagName, path, limit)
	}
	return bz, nil
}

// parseStateRoot decodes a state root given as 64 hex digits, with or
// without a 0x prefix. Canonicity (value below the field modulus) is left
// to the message's Validate, which applies the chain's own rule.
func parseStateRoot(flagName, s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if s == "" {
		return nil, fmt.Errorf("--%s is required", flagName)
	}
	bz, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("--%s %q is not hex: %w", flagName, s, err)
	}
	if len(bz) != stateRootBytes {
		return nil, fmt.Errorf("--%s: a state root is %d bytes (%d hex digits), got %d bytes",
			flagName, stateRootBytes, 2*stateRootBytes, len(bz))
	}
	return bz, nil
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

func mustMarkRequired(cmd *cobra.Command, names ...string) {
	for _, name := range names {
		if err := cmd.MarkFlagRequired(name); err != nil {
			panic(err) // a flag registered above: a programming error
		}
	}
}

// NewForceIncludeCmd returns `force-include [rollup-id] [signed-l2-tx-file]`.
func NewForceIncludeCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "force-include [rollup-id] [signed-l2-tx-file]",
		Short: "Force a signed L2 transaction (e.g. a withdrawal) into a rollup's inbox",
		Long: `Append a signed L2 transaction to a rollup's inbox (kind 4), bypassing its
operators. A batch must consume it within the inbox_deadline_blocks param,
or the chain freezes the rollup and its users exit with their last proven
balances. The deadline depends on the queue position (a long queue ahead
makes it later; the response and the event carry it), and the sender pays
the forced_inclusion_fee param (0.1 NAT by default) into the reward pool.
The file holds the rollup's own encoding of the transaction (for
the payments rollup, see docs/spec/payments-rollup.md).`,
		Example: "nativechaind tx rollups force-include payments withdraw.bin --from alice",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return broadcast(cmd, ac, func(signer string) (validatedMsg, error) {
				bz, err := readFile("signed-l2-tx-file", args[1], protocol.MaxPayloadLen)
				if err != nil {
					return nil, err
				}
				return &types.MsgForceInclude{Sender: signer, RollupId: args[0], L2Tx: bz}, nil
			})
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}
