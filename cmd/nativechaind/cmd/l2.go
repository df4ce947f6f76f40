package cmd

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
)

const (
	flagL2Home     = "l2-home"
	flagFromL1     = "from-l1"
	flagFee        = "fee"
	flagWait       = "wait"
	flagPayload    = "payload"
	flagTimeout    = "timeout"
	flagToIndex    = "to-index"
	defaultOpURL   = "http://127.0.0.1:8480"
	l2KeysSubdir   = "l2keys"
	envOperatorURL = "NATIVECHAIN_OPERATOR"
)

// L2Cmd is the payments-rollup wallet: EdDSA keys, balances and signed
// transactions sent to an operator's API.
func L2Cmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "l2",
		Short: "Payments-rollup wallet: L2 keys, balances, transfers, withdrawals, cross-rollup sends",
		Long: `L2 keys are EdDSA keys (BN254 twisted Edwards) kept in <home>/l2keys, sealed
with a passphrase ($` + envL2Passphrase + `, asked otherwise; with the test
keyring backend, the fixed passphrase "` + wallet.TestPassphrase + `").
Transactions are signed locally for the chain (client.toml or the node), the
rollup (--rollup-id) and its denom (from the chain), shown on stderr, and
sent to a rollup operator's API (--operator, default $` + envOperatorURL + ` or
` + defaultOpURL + `), which must serve that rollup.
Deposits into a rollup are L1 transactions: nativechaind tx crossrollup deposit.
See docs/user-guide.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.PersistentFlags().String(flagL2Home, "", "directory of L2 key files (default <home>/l2keys)")
	cmd.PersistentFlags().String(flags.FlagKeyringBackend, "", "L1 keyring backend (default: client.toml); \"test\" also means the L2 test passphrase")
	cmd.AddCommand(l2KeysCmd(), l2BalanceCmd(), l2TransferCmd(), l2WithdrawCmd(), l2SendCmd(), l2TxCmd())
	cmd.AddCommand(l2ExitProofCmd(), l2ExchangeCmd(), l2SwapCallCmd(), l2SwapCmd())
	cmd.AddCommand(l2ForceWithdrawCmd(), l2ForceTransferCmd(), l2ForceSendCmd())
	silenceUsage(cmd)
	return cmd
}

// silenceUsage keeps a failing command from printing its usage after the
// error: the error says what went wrong.
func silenceUsage(cmd *cobra.Command) {
	cmd.SilenceUsage = true
	for _, c := range cmd.Commands() {
		silenceUsage(c)
	}
}

func l2KeyDir(cmd *cobra.Command) string {
	if d, _ := cmd.Flags().GetString(flagL2Home); d != "" {
		return d
	}
	home := client.GetClientContextFromCmd(cmd).HomeDir
	if h, _ := cmd.Flags().GetString(flags.FlagHome); h != "" {
		home = h
	}
	return filepath.Join(home, l2KeysSubdir)
}

func addOperatorURLFlag(cmd *cobra.Command) {
	def := os.Getenv(envOperatorURL)
	if def == "" {
		def = defaultOpURL
	}
	cmd.Flags().String(flagOperatorURL, def, "operator API URL (env "+envOperatorURL+")")
}

func operatorClient(cmd *cobra.Command) *wallet.Client {
	url, _ := cmd.Flags().GetString(flagOperatorURL)
	return wallet.NewClient(url)
}

func l2KeysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Manage L2 keys: add, show, list, encrypt",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	add := &cobra.Command{
		Use:   "add NAME",
		Short: "Create an L2 key (random, or derived from an L1 keyring key with --from-l1)",
		Long: `Creates <home>/l2keys/NAME.json, its seed sealed with the L2 passphrase. With
--from-l1 KEY the seed is a tagged hash of KEY's private key (a local
keyring key): deterministic, so the L1 mnemonic recovers the L2 key too,
and no signature KEY makes, of anything, reveals it. Without it the seed is
random: back the file up (and remember the passphrase).`,
		Example: `nativechaind l2 keys add alice --from-l1 alice --home .devnet`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := l2KeyDir(cmd)
			from, _ := cmd.Flags().GetString(flagFromL1)
			var seed [32]byte
			var err error
			if from != "" {
				clientCtx, err := client.GetClientQueryContext(cmd)
				if err != nil {
					return err
				}
				if clientCtx.Keyring == nil {
					return errors.New("no keyring: pass --keyring-backend (or set it in client.toml)")
				}
				if seed, err = seedFromL1Key(clientCtx.Keyring, from); err != nil {
					return fmt.Errorf("L1 key %q (derivation needs a local keyring key; otherwise add a random L2 key): %w", from, err)
				}
			} else if seed, err = wallet.NewSeed(); err != nil {
				return err
			}
			pass, err := l2Passphrase(cmd, true)
			if err != nil {
				return err
			}
			k, err := wallet.AddKey(dir, args[0], seed, from, pass)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "name     %s\naddress  %s\nfile     %s\n", k.File.Name, k.File.Address, filepath.Join(dir, args[0]+".json"))
			if from != "" {
				fmt.Fprintf(out, "derived from the L1 key %q\n", from)
			}
			return nil
		},
	}
	add.Flags().String(flagFromL1, "", "derive the key from this L1 keyring key")
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Print an L2 key's address (the recipient for deposits and sends)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := wallet.ReadKeyFile(l2KeyDir(cmd), args[0])
			if err != nil {
				return err
			}
			if addrOnly, _ := cmd.Flags().GetBool("address"); addrOnly {
				fmt.Fprintln(cmd.OutOrStdout(), f.Address)
				return nil
			}
			fmt.Fprintf(cmd.OutOrStdout(), "name     %s\naddress  %s\n", f.Name, f.Address)
			if f.DerivedFrom != "" {
				fmt.Fprintf(cmd.OutOrStdout(), "derived from the L1 key %q\n", f.DerivedFrom)
			}
			if f.Sealed == nil {
				fmt.Fprintln(cmd.OutOrStdout(), "UNENCRYPTED: seal it with 'nativechaind l2 keys encrypt "+f.Name+"'")
			}
			return nil
		},
	}
	show.Flags().BoolP("address", "a", false, "print only the address")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the L2 keys",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			keys, err := wallet.ListKeys(l2KeyDir(cmd))
			if err != nil {
				return err
			}
			for _, k := range keys {
				fmt.Fprintf(cmd.OutOrStdout(), "%-12s %s\n", k.Name, k.Address)
			}
			return nil
		},
	}
	encrypt := &cobra.Command{
		Use:   "encrypt NAME",
		Short: "Seal a key file written unencrypted by an older version with the L2 passphrase",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pass, err := l2Passphrase(cmd, true)
			if err != nil {
				return err
			}
			k, err := wallet.EncryptKey(l2KeyDir(cmd), args[0], pass)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "sealed   %s (%s)\n", k.File.Name, k.File.Address)
			return nil
		},
	}
	cmd.AddCommand(add, show, list, encrypt)
	return cmd
}

// resolveL2 accepts a key name or a 64-byte hex address.
func resolveL2(cmd *cobra.Command, s string) (payments.PublicKey, error) {
	if len(strings.TrimPrefix(s, "0x")) == 2*paymentsv1.AddressBytes {
		if pk, err := wallet.ParseAddressHex(s); err == nil {
			return pk, nil
		}
	}
	f, err := wallet.ReadKeyFile(l2KeyDir(cmd), s)
	if err == nil {
		var pk payments.PublicKey
		if pk, err = wallet.ParseAddressHex(f.Address); err == nil {
			return pk, nil
		}
	}
	return payments.PublicKey{}, fmt.Errorf("%q is neither an L2 address (128 hex digits) nor a usable key name: %w", s, err)
}

func cmdContext(cmd *cobra.Command) (context.Context, context.CancelFunc) {
	d, _ := cmd.Flags().GetDuration(flagTimeout)
	if d <= 0 {
		d = 15 * time.Second
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	return context.WithTimeout(ctx, d)
}

func l2BalanceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "balance NAME|ADDRESS",
		Short: "Show an L2 account's balance and nonce (verified on L1, in built batches, and pending)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pk, err := resolveL2(cmd, args[0])
			if err != nil {
				return err
			}
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			cl := operatorClient(cmd)
			st, err := cl.Status(ctx)
			if err != nil {
				return err
			}
			if st.Kind == wallet.ExchangeKind {
				return fmt.Errorf("%w: it runs the exchange rollup %s: use 'l2 exchange account'", wallet.ErrOperatorMismatch, st.RollupID)
			}
			a, err := cl.Account(ctx, pk)
			var ae *operator.APIError
			if errors.As(err, &ae) && ae.Code == operator.CodeUnknownAccount {
				return fmt.Errorf("no account on rollup %s for %s yet: deposit to it with 'nativechaind tx crossrollup deposit %s %x <amount>%s'",
					st.RollupID, args[0], st.RollupID, pk.Address(), st.Denom)
			}
			if err != nil {
				return err
			}
			if asJSON, _ := cmd.Flags().GetBool(flagJSON); asJSON {
				return printJSON(cmd.OutOrStdout(), a)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "rollup    %s (account index %d)\n", st.RollupID, a.Index)
			fmt.Fprintf(out, "balance   %s%s (final on L1: %s%s; with accepted transactions: %s%s)\n",
				a.Balance, st.Denom, a.VerifiedBalance, st.Denom, a.PendingBalance, st.Denom)
			fmt.Fprintf(out, "nonce     %d (next to sign: %d)\n", a.Nonce, a.PendingNonce)
			return nil
		},
	}
	addOperatorURLFlag(cmd)
	cmd.Flags().Bool(flagJSON, false, "print JSON")
	cmd.Flags().Duration(flagTimeout, 15*time.Second, "give up after this long")
	return cmd
}

// parseL2Amount accepts "123" or "123unat" (the rollup's denom).
func parseL2Amount(s, denom string) (*big.Int, error) {
	num := strings.TrimSuffix(s, denom)
	v, ok := new(big.Int).SetString(num, 10)
	if !ok || v.Sign() < 0 {
		return nil, fmt.Errorf("amount %q: want a non-negative integer, optionally followed by %s", s, denom)
	}
	return v, nil
}

func addSendFlags(cmd *cobra.Command) {
	addOperatorURLFlag(cmd)
	addDomainFlags(cmd, true)
	cmd.Flags().String(flagFee, "0", "fee paid to the operator, in the rollup's denom")
	cmd.Flags().Bool(flagWait, false, "wait until the batch with the transaction is verified on L1")
	cmd.Flags().Duration(flagTimeout, 2*time.Minute, "with --wait: give up after this long")
	cmd.Flags().Bool(flagJSON, false, "print JSON")
	cmd.Flags().BoolP(flags.FlagSkipConfirmation, "y", false, "sign without asking (what is signed is still printed to stderr)")
}

// posted is a signed payments transaction the operator accepted.
type posted struct {
	cl  *wallet.Client
	dom wallet.SigningDomain
	tx  payments.WireTx
	res operator.SubmitResult
}

// signAndSubmit prepares d for the key named from, shows what will be
// signed, signs, submits it and optionally waits for finality. The signing
// domain comes from the chain and the command line; the operator must
// serve it.
func signAndSubmit(cmd *cobra.Command, from string, d func(dom wallet.SigningDomain) (wallet.Draft, error)) error {
	p, err := signAndPost(cmd, from, d)
	if err != nil {
		return err
	}
	return reportSubmitted(cmd, p.cl, p.res, fmt.Sprintf("%s %s%s from account %d (nonce %d)", p.tx.Kind, p.tx.Amount, p.dom.Denom, p.tx.From, p.tx.Nonce))
}

// reportSubmitted prints the submission and, with --wait, waits for it:
// the final status (as JSON with --output json) and an error when the
// operator dropped it.
func reportSubmitted(cmd *cobra.Command, cl *wallet.Client, res operator.SubmitResult, what string) error {
	out := cmd.OutOrStdout()
	asJSON, _ := cmd.Flags().GetBool(flagJSON)
	if wait, _ := cmd.Flags().GetBool(flagWait); !wait {
		if asJSON {
			return printJSON(out, res)
		}
		fmt.Fprintf(out, "accepted  %s\ntx        %s\n", what, res.ID)
		return nil
	}
	timeout, _ := cmd.Flags().GetDuration(flagTimeout)
	wctx, wcancel := context.WithTimeout(cmd.Context(), timeout)
	defer wcancel()
	final, err := cl.WaitFinal(wctx, res.ID)
	if err != nil {
		return err
	}
	if asJSON {
		if err := printJSON(out, final); err != nil {
			return err
		}
	}
	if final.Status == "rejected" {
		return fmt.Errorf("transaction %s was dropped by the operator: %s", res.ID, final.Reason)
	}
	if !asJSON {
		fmt.Fprintf(out, "final     %s, in batch %d verified on L1\ntx        %s\n", what, final.Batch, res.ID)
	}
	return nil
}

// signAndPost is signAndSubmit up to the operator's answer: the domain,
// the draft d, the summary shown, the signature and POST /v1/tx.
func signAndPost(cmd *cobra.Command, from string, d func(dom wallet.SigningDomain) (wallet.Draft, error)) (*posted, error) {
	k, err := loadL2Key(cmd, from)
	if err != nil {
		return nil, err
	}
	cl := operatorClient(cmd)
	ctx, cancel := context.WithTimeout(cmd.Context(), 15*time.Second)
	defer cancel()
	dom, err := signingDomain(ctx, cmd)
	if err != nil {
		return nil, err
	}
	draft, err := d(dom)
	if err != nil {
		return nil, err
	}
	feeStr, _ := cmd.Flags().GetString(flagFee)
	if draft.Fee, err = parseL2Amount(feeStr, dom.Denom); err != nil {
		return nil, fmt.Errorf("--fee: %w", err)
	}
	u, err := cl.Prepare(ctx, k.Private.Public, dom, draft)
	var ae *operator.APIError
	if errors.As(err, &ae) && ae.Code == operator.CodeUnknownAccount {
		return nil, fmt.Errorf("%w (the sender has no account on rollup %s until a deposit to it is built into a batch)", err, dom.RollupID)
	}
	if err != nil {
		return nil, err
	}
	if err := confirmSigning(cmd, u.Summary()); err != nil {
		return nil, err
	}
	w, err := u.Sign(k.Private)
	if err != nil {
		return nil, err
	}
	res, err := cl.Submit(ctx, w)
	if err != nil {
		return nil, err
	}
	return &posted{cl: cl, dom: dom, tx: w, res: res}, nil
}

func l2TransferCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "transfer FROM_KEY TO AMOUNT --rollup-id ROLLUP",
		Short: "Transfer on the rollup to another L2 account (TO: key name or L2 address, which the signature covers)",
		Long: `Signs a transfer to TO's key: the recipient's account index comes from the
operator (or --to-index), but the signature covers the key, so a wrong
index makes the transfer invalid rather than paying someone else.`,
		Example: `nativechaind l2 transfer alice bob 1000unat --rollup-id payments-a --fee 1 --wait`,
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			return signAndSubmit(cmd, args[0], func(dom wallet.SigningDomain) (wallet.Draft, error) {
				amount, err := parseL2Amount(args[2], dom.Denom)
				if err != nil {
					return wallet.Draft{}, err
				}
				d := wallet.Draft{Kind: payments.KindTransfer, Amount: amount}
				if d.To, err = resolveL2(cmd, args[1]); err != nil {
					return d, err
				}
				if idx, _ := cmd.Flags().GetInt64(flagToIndex); idx >= 0 {
					if idx > 1<<32-1 {
						return d, fmt.Errorf("--%s %d: out of range", flagToIndex, idx)
					}
					i := uint32(idx)
					d.ToIndex = &i
				}
				return d, nil
			})
		},
	}
	addSendFlags(cmd)
	cmd.Flags().Int64(flagToIndex, -1, "the recipient's account index (default: looked up at the operator)")
	return cmd
}

func l2WithdrawCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "withdraw FROM_KEY L1_ADDRESS AMOUNT",
		Short:   "Withdraw from the rollup to an L1 account (paid in the block that verifies the batch)",
		Example: `nativechaind l2 withdraw alice native1... 500unat --rollup-id payments-a --fee 1 --wait`,
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			return signAndSubmit(cmd, args[0], func(dom wallet.SigningDomain) (wallet.Draft, error) {
				amount, err := parseL2Amount(args[2], dom.Denom)
				if err != nil {
					return wallet.Draft{}, err
				}
				addr, err := sdk.AccAddressFromBech32(args[1])
				if err != nil {
					return wallet.Draft{}, fmt.Errorf("L1 address %q: %w", args[1], err)
				}
				return wallet.Draft{Kind: payments.KindWithdraw, Amount: amount, Recipient: addr}, nil
			})
		},
	}
	addSendFlags(cmd)
	return cmd
}

func l2SendCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "send FROM_KEY DEST_ROLLUP TO AMOUNT",
		Short: "Send to an account on another rollup (TO: key name or L2 address; routed by the chain in the block of the batch)",
		Long: `The value leaves this rollup in the batch's outbox and lands in DEST_ROLLUP's
inbox in the same block; DEST_ROLLUP's operator credits TO in its next batch.
If DEST_ROLLUP cannot take it, the chain bounces the value back.`,
		Example: `nativechaind l2 send alice payments-b bob 100unat --rollup-id payments-a --fee 1 --wait`,
		Args:    cobra.ExactArgs(4),
		RunE: func(cmd *cobra.Command, args []string) error {
			return signAndSubmit(cmd, args[0], func(dom wallet.SigningDomain) (wallet.Draft, error) {
				amount, err := parseL2Amount(args[3], dom.Denom)
				if err != nil {
					return wallet.Draft{}, err
				}
				if args[1] == dom.RollupID {
					return wallet.Draft{}, fmt.Errorf("%s is this operator's own rollup: use 'l2 transfer'", args[1])
				}
				to, err := resolveL2(cmd, args[2])
				if err != nil {
					return wallet.Draft{}, err
				}
				d := wallet.Draft{Kind: payments.KindSend, Amount: amount, Recipient: to.Address(), DestRollup: args[1]}
				if p, _ := cmd.Flags().GetString(flagPayload); p != "" {
					if d.Payload, err = hex.DecodeString(p); err != nil {
						return d, fmt.Errorf("--payload: want hex")
					}
				}
				return d, nil
			})
		},
	}
	addSendFlags(cmd)
	cmd.Flags().String(flagPayload, "", "optional message for the destination, hex")
	return cmd
}

func l2TxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tx ID",
		Short: "Show where an L2 transaction is: pending, built, proven, submitted, verified or rejected",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := cmdContext(cmd)
			defer cancel()
			st, err := operatorClient(cmd).Tx(ctx, args[0])
			if err != nil {
				return err
			}
			return printJSON(cmd.OutOrStdout(), st)
		},
	}
	addOperatorURLFlag(cmd)
	cmd.Flags().Duration(flagTimeout, 15*time.Second, "give up after this long")
	return cmd
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
