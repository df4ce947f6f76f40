package cli

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/codec"

	"github.com/nativechain/nativechain/x/crossrollup/client/proof"
)

// Flags of the proven queries.
const (
	FlagTrustHeight    = "trust-height"
	FlagTrustHash      = "trust-hash"
	FlagTrustingPeriod = "trusting-period"
	FlagWitness        = "witness"
	FlagTrustNode      = "trust-node"

	// DefaultTrustingPeriod is two weeks: below the default 21-day
	// unbonding period, with time left to punish a fork.
	DefaultTrustingPeriod = 14 * 24 * time.Hour
)

// ProofCommands returns the query commands whose answers are checked with
// a Merkle proof against a header the validators signed, instead of being
// trusted from the RPC server. They belong under `query crossrollup`.
func ProofCommands() []*cobra.Command {
	return []*cobra.Command{provenInboxCmd(), provenLedgerCmd(), provenStatusCmd()}
}

func provenInboxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "proven-inbox [rollup-id] [seq]",
		Short: "Show a rollup's inbox entry with a proof against the signed app hash",
		Long: `Reads inbox entry [seq] of a rollup from the node together with a Merkle proof,
and checks the proof against the app hash of a header verified by the light client
(or, with --trust-node, by the node itself). An absent entry is proven absent.`,
		Example: "nativechaind q crossrollup proven-inbox payments 0 --trust-height 2 --trust-hash 5E1A...",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			seq, err := strconv.ParseUint(args[1], 10, 64)
			if err != nil {
				return fmt.Errorf("seq %q: %w", args[1], err)
			}
			return runProven(cmd, func(ctx context.Context, p proof.Prover, height int64) (proof.Proven, map[string]any, error) {
				msg, pr, err := p.InboxMessage(ctx, args[0], seq, height)
				if err != nil {
					return pr, nil, err
				}
				out := map[string]any{"rollup_id": args[0], "sequence": strconv.FormatUint(seq, 10)}
				if msg != nil {
					if out["value"], err = protoJSON(msg); err != nil {
						return pr, nil, err
					}
				}
				return pr, out, nil
			})
		},
	}
	addProofFlags(cmd)
	return cmd
}

func provenLedgerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "proven-ledger [rollup-id] [denom]",
		Short: "Show what a rollup holds in the bridge escrow for a denom, with a proof against the signed app hash",
		Long: `Reads a rollup's escrow ledger for one denom from the node together with a Merkle proof,
and checks the proof against the app hash of a header verified by the light client
(or, with --trust-node, by the node itself). An emptied ledger is removed from state,
so a proof of absence proves a zero balance.`,
		Example: "nativechaind q crossrollup proven-ledger payments unat --trust-height 2 --trust-hash 5E1A...",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runProven(cmd, func(ctx context.Context, p proof.Prover, height int64) (proof.Proven, map[string]any, error) {
				amt, pr, err := p.Ledger(ctx, args[0], args[1], height)
				if err != nil {
					return pr, nil, err
				}
				return pr, map[string]any{"rollup_id": args[0], "denom": args[1], "amount": amt.String()}, nil
			})
		},
	}
	addProofFlags(cmd)
	return cmd
}

func provenStatusCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "proven-status [rollup-id] [seq]",
		Short: "Show whether inbox message [seq] is consumed, pending or not appended, with a proof",
		Long: `Proves the rollup record and reads its inbox counters: a message is consumed iff
seq < inbox_consumed, pending iff seq < inbox_size, otherwise not appended yet.
An unregistered rollup is proven absent ("unknown-rollup").`,
		Example: "nativechaind q crossrollup proven-status payments 0 --trust-height 2 --trust-hash 5E1A...",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			seq, err := strconv.ParseUint(args[1], 10, 64)
			if err != nil {
				return fmt.Errorf("seq %q: %w", args[1], err)
			}
			return runProven(cmd, func(ctx context.Context, p proof.Prover, height int64) (proof.Proven, map[string]any, error) {
				status, r, pr, err := p.MessageStatus(ctx, args[0], seq, height)
				if err != nil {
					return pr, nil, err
				}
				out := map[string]any{"rollup_id": args[0], "sequence": strconv.FormatUint(seq, 10), "status": string(status)}
				if r != nil {
					out["inbox_size"] = strconv.FormatUint(r.InboxSize, 10)
					out["inbox_consumed"] = strconv.FormatUint(r.InboxConsumed, 10)
				}
				return pr, out, nil
			})
		},
	}
	addProofFlags(cmd)
	return cmd
}

func addProofFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.Int64(FlagTrustHeight, 0, "height of the header you trust (obtained out of band, e.g. from a validator)")
	f.String(FlagTrustHash, "", "hex hash of the header at --trust-height")
	f.Duration(FlagTrustingPeriod, DefaultTrustingPeriod, "how long the trusted header may serve; keep it below the unbonding period")
	f.StringSlice(FlagWitness, nil, "other RPC servers of the chain to cross-check headers with (default: the --node itself)")
	f.Bool(FlagTrustNode, false, "WEAKER: take the app hash from the --node's own commit instead of the light client; "+
		"this trusts that server, proofs then only guard against corruption in transit")
	flags.AddQueryFlagsToCmd(cmd)
}

// proveFunc proves one thing and returns what to print about it.
type proveFunc func(ctx context.Context, p proof.Prover, height int64) (proof.Proven, map[string]any, error)

func runProven(cmd *cobra.Command, prove proveFunc) error {
	clientCtx, err := client.GetClientQueryContext(cmd)
	if err != nil {
		return err
	}
	node, err := clientCtx.GetNode()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	roots, trust, err := appHashSource(ctx, cmd, clientCtx, node)
	if err != nil {
		return err
	}
	pr, out, err := prove(ctx, proof.Prover{Node: node, Roots: roots}, clientCtx.Height)
	if err != nil {
		return err
	}
	out["store"] = pr.StoreName
	out["key"] = strings.ToUpper(hex.EncodeToString(pr.Key))
	out["height"] = strconv.FormatInt(pr.Height, 10)
	out["app_hash"] = strings.ToUpper(hex.EncodeToString(pr.AppHash))
	out["app_hash_header"] = strconv.FormatInt(pr.Height+1, 10)
	out["trust"] = trust
	out["absent"] = pr.Absent()
	out["verified"] = true
	bz, err := json.Marshal(out)
	if err != nil {
		return err
	}
	return clientCtx.PrintRaw(bz)
}

// appHashSource builds the light client from the trust flags, or the
// weaker node-commit source with --trust-node, and describes it.
func appHashSource(ctx context.Context, cmd *cobra.Command, clientCtx client.Context, node proof.Node) (proof.AppHashSource, string, error) {
	f := cmd.Flags()
	trustNode, _ := f.GetBool(FlagTrustNode)
	trustHeight, _ := f.GetInt64(FlagTrustHeight)
	trustHashHex, _ := f.GetString(FlagTrustHash)
	period, _ := f.GetDuration(FlagTrustingPeriod)
	witnesses, _ := f.GetStringSlice(FlagWitness)

	if clientCtx.NodeURI == "" {
		return nil, "", errors.New("no RPC server: set --node")
	}
	chainID := clientCtx.ChainID
	if chainID == "" {
		// The trusted header pins the chain id: a server that lies about it
		// fails the light client's check of that header.
		st, err := node.Status(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("read chain id from %s: %w", clientCtx.NodeURI, err)
		}
		chainID = st.NodeInfo.Network
	}

	if trustNode {
		if trustHeight != 0 || trustHashHex != "" {
			return nil, "", fmt.Errorf("--%s excludes --%s and --%s", FlagTrustNode, FlagTrustHeight, FlagTrustHash)
		}
		src, err := proof.NewNodeCommit(chainID, clientCtx.NodeURI)
		if err != nil {
			return nil, "", err
		}
		return src, fmt.Sprintf("node commit of %s (weaker: that server is trusted)", clientCtx.NodeURI), nil
	}

	if trustHeight <= 0 || trustHashHex == "" {
		return nil, "", fmt.Errorf("set --%s and --%s to a header you trust (or, weaker, --%s)",
			FlagTrustHeight, FlagTrustHash, FlagTrustNode)
	}
	trustHash, err := hex.DecodeString(trustHashHex)
	if err != nil {
		return nil, "", fmt.Errorf("--%s: %w", FlagTrustHash, err)
	}
	src, err := proof.NewLightClient(ctx, chainID, clientCtx.NodeURI, witnesses,
		proof.TrustOptions{Height: trustHeight, Hash: trustHash, Period: period})
	if err != nil {
		return nil, "", err
	}
	return src, fmt.Sprintf("light client from header %d %X", trustHeight, trustHash), nil
}

func protoJSON(msg proto.Message) (json.RawMessage, error) {
	bz, err := codec.ProtoMarshalJSON(msg, nil)
	return json.RawMessage(bz), err
}
