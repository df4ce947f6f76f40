package cmd

import (
	"errors"
	"fmt"
	"math/big"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
)

const (
	flagForcedOut   = "out"
	flagForcedNonce = "nonce"
	flagForcedIndex = "index"
)

// l2ForceWithdrawCmd writes a signed withdrawal as a forced-transaction
// payload, for 'tx rollups force-include' when the operator ignores it.
func l2ForceWithdrawCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "force-withdraw FROM_KEY L1_ADDRESS AMOUNT --out FILE",
		Short: "Write a signed withdrawal to force through the L1 inbox (tx rollups force-include)",
		Long: `Signs a withdrawal of AMOUNT to L1_ADDRESS and writes it as a forced-transaction
payload (docs/spec/payments-rollup.md, section 6). Put it in the rollup's
inbox with 'nativechaind tx rollups force-include ROLLUP FILE': the next
batches must execute it if it is valid against the rollup's state then
(nonce, balance), or the chain freezes the rollup at the deadline.

The rollup is --rollup-id; the chain id comes from --chain-id, client.toml or
the node, the denom from --denom or the rollup's record on the chain: never
from the operator, whose API is unauthenticated. Your account index and
nonce come from the operator unless given with --index and --nonce (with
--chain-id and --denom too, no operator or node is needed). The nonce must
be the account's nonce when the entry is consumed: the operator's head
nonce by default, which does not count transactions still in its mempool.
What is signed is printed to stderr first.`,
		Example: `nativechaind l2 force-withdraw alice native1... 500unat --rollup-id payments --out withdraw.forced
nativechaind tx rollups force-include payments withdraw.forced --from alice-l1`,
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeForced(cmd, args[0], func(f forcedContext) (payments.Tx, error) {
				addr, err := sdk.AccAddressFromBech32(args[1])
				if err != nil {
					return payments.Tx{}, fmt.Errorf("L1 address %q: %w", args[1], err)
				}
				if len(addr) != payments.L1RecipientBytes {
					return payments.Tx{}, fmt.Errorf("L1 address %q: a forced withdrawal pays a %d-byte account, not %d bytes",
						args[1], payments.L1RecipientBytes, len(addr))
				}
				return payments.Tx{Kind: payments.KindWithdraw, Recipient: addr}, nil
			}, args[2])
		},
	}
	addForcedFlags(cmd)
	return cmd
}

// l2ForceTransferCmd is force-withdraw's sibling for an L2 transfer.
func l2ForceTransferCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "force-transfer FROM_KEY TO AMOUNT --out FILE",
		Short: "Write a signed transfer to force through the L1 inbox (TO: key name or L2 address, signed; its index from --to-index or the operator)",
		Example: `nativechaind l2 force-transfer alice bob 500unat --to-index 7 --rollup-id payments --out pay.forced
nativechaind tx rollups force-include payments pay.forced --from alice-l1`,
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeForced(cmd, args[0], func(f forcedContext) (payments.Tx, error) {
				tx := payments.Tx{Kind: payments.KindTransfer}
				to, err := resolveL2(cmd, args[1])
				if err != nil {
					return tx, err
				}
				// the key is signed: a wrong index makes the transfer
				// invalid (skipped), it cannot pay another account
				tx.ToKey = to
				if idx, _ := cmd.Flags().GetInt64(flagToIndex); idx >= 0 {
					if idx > 1<<32-1 {
						return tx, fmt.Errorf("--%s %d: out of range", flagToIndex, idx)
					}
					tx.To = uint32(idx)
					return tx, nil
				}
				ctx, cancel := cmdContext(cmd)
				defer cancel()
				a, err := operatorClient(cmd).Account(ctx, to)
				if err != nil {
					return tx, fmt.Errorf("recipient (give --%s to sign without an operator): %w", flagToIndex, err)
				}
				tx.To = a.Index
				return tx, nil
			}, args[2])
		},
	}
	addForcedFlags(cmd)
	cmd.Flags().Int64(flagToIndex, -1, "the recipient's account index (default: looked up at the operator)")
	return cmd
}

// l2ForceSendCmd is force-withdraw's sibling for a cross-rollup send
// (without payload, to a rollup id of at most 30 bytes).
func l2ForceSendCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "force-send FROM_KEY DEST_ROLLUP TO AMOUNT --out FILE",
		Short:   "Write a signed cross-rollup send to force through the L1 inbox (TO: key name or L2 address)",
		Example: `nativechaind l2 force-send alice payments-b bob 100unat --out send.forced`,
		Args:    cobra.ExactArgs(4),
		RunE: func(cmd *cobra.Command, args []string) error {
			return writeForced(cmd, args[0], func(f forcedContext) (payments.Tx, error) {
				if len(args[1]) > payments.MaxForcedRollupIDLen {
					return payments.Tx{}, fmt.Errorf("rollup id %q: a forced send reaches rollup ids of at most %d bytes", args[1], payments.MaxForcedRollupIDLen)
				}
				to, err := resolveL2(cmd, args[2])
				if err != nil {
					return payments.Tx{}, err
				}
				return payments.Tx{Kind: payments.KindSend, DestRollupID: args[1], Recipient: to.Address()}, nil
			}, args[3])
		},
	}
	addForcedFlags(cmd)
	return cmd
}

func addForcedFlags(cmd *cobra.Command) {
	addOperatorURLFlag(cmd)
	cmd.Flags().String(flagForcedOut, "", "file to write the payload to (required)")
	cmd.Flags().String(flagFee, "0", "fee paid to the operator that executes it, in the rollup's denom")
	cmd.Flags().Int64(flagForcedNonce, -1, "the sender's nonce (default: the operator's head nonce)")
	cmd.Flags().Int64(flagForcedIndex, -1, "the sender's account index (default: looked up at the operator)")
	addDomainFlags(cmd, true)
	cmd.Flags().BoolP(flags.FlagSkipConfirmation, "y", false, "sign without asking (what is signed is still printed to stderr)")
	cmd.Flags().Duration(flagTimeout, 15*time.Second, "give up on the operator or node after this long")
}

// forcedContext is what signing a forced transaction needs.
type forcedContext struct {
	dom          wallet.SigningDomain
	index, nonce uint32
}

// writeForced resolves the signing domain (flags and the chain, never the
// operator) and the sender's index and nonce (flags, else the operator),
// shows and signs the transaction draft returns, and writes its payload.
func writeForced(cmd *cobra.Command, from string, draft func(forcedContext) (payments.Tx, error), amountArg string) error {
	out, _ := cmd.Flags().GetString(flagForcedOut)
	if out == "" {
		return errors.New("--out: say where to write the forced transaction")
	}
	k, err := loadL2Key(cmd, from)
	if err != nil {
		return err
	}
	var f forcedContext
	ctx, cancel := cmdContext(cmd)
	defer cancel()
	if f.dom, err = signingDomain(ctx, cmd); err != nil {
		return err
	}
	index, _ := cmd.Flags().GetInt64(flagForcedIndex)
	nonce, _ := cmd.Flags().GetInt64(flagForcedNonce)
	for name, v := range map[string]int64{flagForcedIndex: index, flagForcedNonce: nonce} {
		if v < -1 || v > 1<<32-1 {
			return fmt.Errorf("--%s %d: out of range", name, v)
		}
	}
	if index < 0 || nonce < 0 {
		a, err := operatorClient(cmd).Account(ctx, k.Private.Public)
		if err != nil {
			return fmt.Errorf("sender: %w (or give --index and --nonce to sign without an operator)", err)
		}
		if index < 0 {
			index = int64(a.Index)
		}
		if nonce < 0 {
			nonce = int64(a.Nonce)
		}
	}
	f.index, f.nonce = uint32(index), uint32(nonce)

	tx, err := draft(f)
	if err != nil {
		return err
	}
	tx.From, tx.Nonce = f.index, f.nonce
	amount, err := parseL2Amount(amountArg, f.dom.Denom)
	if err != nil {
		return err
	}
	if tx.Amount, err = payments.EncodeAmount(amount); err != nil {
		return fmt.Errorf("amount %s: not representable (at most 9 significant digits: mantissa < 2^28 times a power of ten)", amount)
	}
	feeStr, _ := cmd.Flags().GetString(flagFee)
	fee, err := parseL2Amount(feeStr, f.dom.Denom)
	if err != nil {
		return fmt.Errorf("--fee: %w", err)
	}
	if tx.Fee, err = payments.EncodeFee(fee); err != nil {
		return fmt.Errorf("fee %s: not representable (a mantissa below 256 times a power of ten)", fee)
	}
	u := &wallet.Unsigned{Tx: tx, Domain: f.dom, Sender: k.Private.Public}
	if _, err := payments.EncodeForcedTx(&u.Tx); err != nil { // refuse before asking
		return err
	}
	if err := confirmSigning(cmd, u.Summary()); err != nil {
		return err
	}
	if _, err := u.Sign(k.Private); err != nil {
		return err
	}
	payload, err := payments.EncodeForcedTx(&u.Tx)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, payload, 0o644); err != nil {
		return err
	}
	total := new(big.Int).Add(amount, fee)
	fmt.Fprintf(cmd.OutOrStdout(), "wrote     %s (%d bytes): forced %s of %s%s (fee %s%s, debits %s%s) from account %d at nonce %d\n",
		out, len(payload), forcedKindName(tx.Kind), amount, f.dom.Denom, fee, f.dom.Denom, total, f.dom.Denom, f.index, f.nonce)
	fmt.Fprintf(cmd.OutOrStdout(), "next      nativechaind tx rollups force-include %s %s --from <L1 key>\n", f.dom.RollupID, out)
	return nil
}

func forcedKindName(k payments.RecordKind) string {
	switch k {
	case payments.KindWithdraw:
		return "withdrawal"
	case payments.KindSend:
		return "send"
	}
	return "transfer"
}
