package cmd

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/exchange"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
	"github.com/nativechain/nativechain/x/rollups/types"
)

const (
	flagBaseDenom  = "base-denom"
	flagQuoteDenom = "quote-denom"
	flagMinOut     = "min-out"
	flagSlippage   = "slippage-bps"
	flagMinShares  = "min-shares"
	flagMinBase    = "min-base"
	flagMinQuote   = "min-quote"
)

// ErrExchangeArgs is returned for exchange command arguments that do not
// parse or do not fit the pool.
var ErrExchangeArgs = errors.New("exchange command")

// l2ExchangeCmd is `l2 exchange`: the exchange rollup's wallet commands,
// signed with the same L2 keys as payments (under the exchange's domain).
func l2ExchangeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "exchange",
		Aliases: []string{"ex"},
		Short:   "Exchange-rollup wallet: swap, add and remove liquidity, withdraw, send, account and pool",
		Long: `An exchange rollup holds one constant-product pool between two denoms (base
and quote, from the rollup's exit layout on the chain) and accounts with a
balance of each and liquidity shares. The same L2 keys as payments sign
(under the exchange's own domain: a signature for one rollup is worthless
on another). Fund an account with deposits of either denom
(nativechaind tx crossrollup deposit ROLLUP ADDRESS AMOUNT) or a send from
another rollup. There is no operator fee in exchange-v1.
See docs/user-guide.md, "The exchange rollup".`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(exSwapCmd(), exAddCmd(), exRemoveCmd(), exWithdrawCmd(), exSendCmd(), exAccountCmd(), exPoolCmd())
	return cmd
}

func addExchangeDomainFlags(cmd *cobra.Command) {
	cmd.Flags().String(flagRollupID, "", "the exchange rollup to sign for (the signature is valid there only)")
	cmd.Flags().String(flags.FlagChainID, "", "the chain id (default: client.toml, else the node's)")
	cmd.Flags().String(flagBaseDenom, "", "the pool's base denom (default: the rollup's exit layout on the chain)")
	cmd.Flags().String(flagQuoteDenom, "", "the pool's quote denom (default: the rollup's exit layout on the chain)")
	cmd.Flags().String(flags.FlagNode, "", "CometBFT RPC of a node of the chain (default: client.toml)")
	_ = cmd.MarkFlagRequired(flagRollupID)
}

func addExchangeSendFlags(cmd *cobra.Command) {
	addOperatorURLFlag(cmd)
	addExchangeDomainFlags(cmd)
	cmd.Flags().Bool(flagWait, false, "wait until the batch with the transaction is verified on L1")
	cmd.Flags().Duration(flagTimeout, 2*time.Minute, "with --wait: give up after this long")
	cmd.Flags().Bool(flagJSON, false, "print JSON")
	cmd.Flags().BoolP(flags.FlagSkipConfirmation, "y", false, "sign without asking (what is signed is still printed to stderr)")
}

// exchangeDomain resolves the chain id as signingDomain does, the rollup id
// from --rollup-id and the denoms from the flags or the rollup's exit
// layout on the chain (which must be exchange-v1).
func exchangeDomain(ctx context.Context, cmd *cobra.Command) (wallet.ExchangeDomain, error) {
	var d wallet.ExchangeDomain
	d.RollupID, _ = cmd.Flags().GetString(flagRollupID)
	d.ChainID, _ = cmd.Flags().GetString(flags.FlagChainID)
	d.Base, _ = cmd.Flags().GetString(flagBaseDenom)
	d.Quote, _ = cmd.Flags().GetString(flagQuoteDenom)
	if d.RollupID == "" {
		return d, fmt.Errorf("%w: --rollup-id: name the exchange rollup to sign for (the operator's word is not taken for it)", ErrExchangeArgs)
	}
	if d.ChainID != "" && d.Base != "" && d.Quote != "" {
		return d, d.Validate()
	}
	clientCtx, err := client.GetClientQueryContext(cmd)
	if err != nil {
		return d, err
	}
	if d.ChainID == "" {
		d.ChainID = clientCtx.ChainID
	}
	if d.ChainID == "" {
		if node, err := clientCtx.GetNode(); err == nil {
			if res, err := node.Status(ctx); err == nil {
				d.ChainID = res.NodeInfo.Network
			}
		}
		if d.ChainID == "" {
			return d, errors.New("chain id: none in client.toml and the node did not say: pass --chain-id")
		}
	}
	if d.Base == "" || d.Quote == "" {
		if clientCtx.Client == nil {
			return d, errors.New("denoms: no node to read the rollup's record from: pass --node or --base-denom and --quote-denom")
		}
		res, err := types.NewQueryClient(clientCtx).Rollup(ctx, &types.QueryRollupRequest{RollupId: d.RollupID})
		if err != nil {
			return d, fmt.Errorf("rollup %q on the chain: %w (or pass --base-denom and --quote-denom)", d.RollupID, err)
		}
		l := res.Rollup.ExitLayout
		if l == nil || l.Name != protocol.ExitLayoutExchangeV1 {
			name := "none"
			if l != nil {
				name = l.Name
			}
			return d, fmt.Errorf("rollup %q has exit layout %s, not %s: not an exchange rollup (payments: 'l2 transfer', 'l2 withdraw')",
				d.RollupID, name, protocol.ExitLayoutExchangeV1)
		}
		if d.Base == "" {
			d.Base = l.Denom
		}
		if d.Quote == "" {
			d.Quote = l.QuoteDenom
		}
	}
	return d, d.Validate()
}

// parseExAmount reads a positive integer below 2^128, "123" or "123D"
// with D one of the pool's denoms; it returns D's side and whether D was
// named (needDenom: it must be).
func parseExAmount(what, s string, dom wallet.ExchangeDomain, needDenom bool) (v *big.Int, side uint8, named bool, err error) {
	num := s
	if i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		if side, err = dom.Side(s[i:]); err != nil {
			return nil, 0, false, fmt.Errorf("%w: %s %q: %v", ErrExchangeArgs, what, s, err)
		}
		num, named = s[:i], true
	} else if needDenom {
		return nil, 0, false, fmt.Errorf("%w: %s %q: name the denom, e.g. %s%s or %s%s", ErrExchangeArgs, what, s, s, dom.Base, s, dom.Quote)
	}
	v, ok := new(big.Int).SetString(num, 10)
	if !ok || v.Sign() <= 0 || v.BitLen() > 128 {
		return nil, 0, false, fmt.Errorf("%w: %s %q: want a positive integer below 2^128", ErrExchangeArgs, what, s)
	}
	return v, side, named, nil
}

// optionalAmount reads a non-negative integer flag ("" is nil).
func optionalAmount(cmd *cobra.Command, name string) (*big.Int, error) {
	s, _ := cmd.Flags().GetString(name)
	if s == "" {
		return nil, nil
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok || v.Sign() < 0 || v.BitLen() > 128 {
		return nil, fmt.Errorf("%w: --%s %q: want a non-negative integer below 2^128", ErrExchangeArgs, name, s)
	}
	return v, nil
}

// signAndSubmitExchange is signAndSubmit for the exchange: the draft
// function may read the sender's account (and the pool) the operator
// reported, e.g. to quote a swap.
func signAndSubmitExchange(cmd *cobra.Command, from string, draft func(dom wallet.ExchangeDomain) (wallet.ExchangeDraft, error),
	finish func(u *wallet.ExchangeUnsigned, a *wallet.ExchangeAccount, verified func() (*wallet.ExchangePool, error)) error) error {
	k, err := loadL2Key(cmd, from)
	if err != nil {
		return err
	}
	cl := operatorClient(cmd)
	ctx, cancel := context.WithTimeout(cmd.Context(), 15*time.Second)
	defer cancel()
	dom, err := exchangeDomain(ctx, cmd)
	if err != nil {
		return err
	}
	d, err := draft(dom)
	if err != nil {
		return err
	}
	u, a, err := cl.PrepareExchange(ctx, k.Private.Public, dom, d)
	var ae *operator.APIError
	if errors.As(err, &ae) && ae.Code == operator.CodeUnknownAccount {
		return fmt.Errorf("%w (the sender has no account on rollup %s until a deposit to it is built into a batch)", err, dom.RollupID)
	}
	if err != nil {
		return err
	}
	if finish != nil {
		verified := func() (*wallet.ExchangePool, error) {
			return checkedExchangePool(ctx, cmd, cl, k.Private.Public, dom, a)
		}
		if err := finish(u, a, verified); err != nil {
			return err
		}
	}
	if err := confirmSigning(cmd, u.Summary()); err != nil {
		return err
	}
	tx, err := u.Sign(k.Private)
	if err != nil {
		return err
	}
	res, err := cl.SubmitExchange(ctx, tx)
	if err != nil {
		return err
	}
	return reportSubmitted(cmd, cl, res, fmt.Sprintf("%s from account %d (nonce %d)", exKindName(tx.Kind), tx.Account, tx.Nonce))
}

func exKindName(k exchange.Kind) string {
	return map[exchange.Kind]string{exchange.KindSwap: "swap", exchange.KindAdd: "add-liquidity",
		exchange.KindRemove: "remove-liquidity", exchange.KindWithdraw: "withdraw"}[k]
}

func exSwapCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "swap FROM_KEY AMOUNT_IN --rollup-id ROLLUP",
		Short: "Swap AMOUNT_IN (e.g. 1000unat) for the pool's other denom",
		Long: `Swaps AMOUNT_IN, which names its denom, for the other denom of the pool:
out = floor(in·(10000−fee)·rOut / (rIn·10000 + in·(10000−fee))), fee in basis
points (the rollup's fee_bps). The swap is refused below --min-out; without
it the minimum is the quote at the pool of the last verified batch, which
the wallet checks against the rollup's state root on the chain, less
--slippage-bps (shown before signing).`,
		Example: `nativechaind l2 exchange swap alice 100000unat --min-out 99000 --rollup-id exchange --wait`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			var minOut *big.Int
			return signAndSubmitExchange(cmd, args[0], func(dom wallet.ExchangeDomain) (wallet.ExchangeDraft, error) {
				in, side, _, err := parseExAmount("AMOUNT_IN", args[1], dom, true)
				if err != nil {
					return wallet.ExchangeDraft{}, err
				}
				if minOut, err = optionalAmount(cmd, flagMinOut); err != nil {
					return wallet.ExchangeDraft{}, err
				}
				return wallet.ExchangeDraft{Kind: exchange.KindSwap, Side: side, Amount1: in, Min1: minOut}, nil
			}, func(u *wallet.ExchangeUnsigned, a *wallet.ExchangeAccount, verified func() (*wallet.ExchangePool, error)) error {
				if minOut != nil {
					return nil
				}
				slip, err := slippageFlag(cmd)
				if err != nil {
					return err
				}
				fee, _ := cmd.Flags().GetUint32("fee-bps")
				// The minimum comes from the pool at the last verified
				// batch, checked against the chain's state root, never from
				// the operator's pending pool alone (red team 7, R7-1).
				vp, err := verified()
				if err != nil {
					return fmt.Errorf("%w: no --%s, and the pool could not be checked against the chain: %w", ErrExchangeArgs, flagMinOut, err)
				}
				q, err := wallet.QuoteSwap(vp, u.Tx.Side, u.Tx.Amount1, fee)
				if err != nil {
					return fmt.Errorf("%w: no --min-out and no quote: %v", ErrExchangeArgs, err)
				}
				u.Tx.Min1 = lessSlippage(q, slip)
				if u.Tx.Min1.Sign() == 0 {
					return fmt.Errorf("%w: the quote %s is too small to swap", ErrExchangeArgs, q)
				}
				out := u.Domain.Denom(1 - u.Tx.Side)
				fmt.Fprintf(cmd.ErrOrStderr(), "quote     %s%s at the pool of the last verified batch (checked against the chain); minimum %s (-%d bps)\n",
					q, out, u.Tx.Min1, slip)
				if pq, err := wallet.QuoteSwap(a.PendingPool, u.Tx.Side, u.Tx.Amount1, fee); err == nil && pq.Cmp(u.Tx.Min1) < 0 {
					fmt.Fprintf(cmd.ErrOrStderr(), "warning   the operator's pending pool gives %s%s, below the minimum: the swap may be refused; pass --%s to choose\n",
						pq, out, flagMinOut)
				}
				return nil
			})
		},
	}
	addExchangeSendFlags(cmd)
	cmd.Flags().String(flagMinOut, "", "refuse the swap below this output (default: the quote less --slippage-bps)")
	cmd.Flags().Uint32(flagSlippage, 100, "without --min-out: the minimum is the quote at the chain-checked pool less this many basis points")
	cmd.Flags().Uint32("fee-bps", exchange.DefaultFeeBps, "the rollup's swap fee in basis points (for the quote only)")
	return cmd
}

func exAddCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add-liquidity FROM_KEY BASE_AMOUNT QUOTE_AMOUNT --rollup-id ROLLUP",
		Short: "Add liquidity: pay BASE_AMOUNT and QUOTE_AMOUNT into the pool for shares",
		Long: `Pays all of both amounts into the pool. The first provider sets the price and
gets BASE_AMOUNT shares; later ones get min(base·S/rBase, quote·S/rQuote),
so send the amounts in the pool's ratio. Refused below --min-shares (at
least 1).`,
		Example: `nativechaind l2 exchange add-liquidity alice 1000000unat 2000000uusdc --rollup-id exchange --wait`,
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			return signAndSubmitExchange(cmd, args[0], func(dom wallet.ExchangeDomain) (wallet.ExchangeDraft, error) {
				b, bs, bNamed, err := parseExAmount("BASE_AMOUNT", args[1], dom, false)
				if err != nil {
					return wallet.ExchangeDraft{}, err
				}
				q, qs, qNamed, err := parseExAmount("QUOTE_AMOUNT", args[2], dom, false)
				if err != nil {
					return wallet.ExchangeDraft{}, err
				}
				if (bNamed && bs != 0) || (qNamed && qs != 1) {
					return wallet.ExchangeDraft{}, fmt.Errorf("%w: the amounts are base (%s) then quote (%s)", ErrExchangeArgs, dom.Base, dom.Quote)
				}
				minShares, err := optionalAmount(cmd, flagMinShares)
				if err != nil {
					return wallet.ExchangeDraft{}, err
				}
				return wallet.ExchangeDraft{Kind: exchange.KindAdd, Amount1: b, Amount2: q, Min1: minShares}, nil
			}, func(u *wallet.ExchangeUnsigned, _ *wallet.ExchangeAccount, verified func() (*wallet.ExchangePool, error)) error {
				if u.Tx.Min1 != nil && u.Tx.Min1.Sign() > 0 {
					return nil
				}
				// Without --min-shares: the shares the chain-checked pool
				// would mint, less the slippage (R7-1); the first provider
				// (an empty pool) gets its base amount exactly.
				slip, err := slippageFlag(cmd)
				if err != nil {
					return err
				}
				vp, err := verified()
				if err != nil {
					return fmt.Errorf("%w: no --%s, and the pool could not be checked against the chain: %w", ErrExchangeArgs, flagMinShares, err)
				}
				rb, rq, s := poolInts(vp)
				if s.Sign() == 0 {
					u.Tx.Min1 = new(big.Int).Set(u.Tx.Amount1)
				} else {
					byBase := new(big.Int).Quo(new(big.Int).Mul(u.Tx.Amount1, s), rb)
					byQuote := new(big.Int).Quo(new(big.Int).Mul(u.Tx.Amount2, s), rq)
					if byQuote.Cmp(byBase) < 0 {
						byBase = byQuote
					}
					u.Tx.Min1 = lessSlippage(byBase, slip)
				}
				if u.Tx.Min1.Sign() == 0 {
					return fmt.Errorf("%w: these amounts mint no share at the pool's price", ErrExchangeArgs)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "minimum   %s shares (the chain-checked pool, -%d bps)\n", u.Tx.Min1, slip)
				return nil
			})
		},
	}
	addExchangeSendFlags(cmd)
	cmd.Flags().String(flagMinShares, "", "refuse fewer minted shares than this (default: what the chain-checked pool mints less --slippage-bps)")
	cmd.Flags().Uint32(flagSlippage, 100, "without --min-shares: basis points below what the chain-checked pool mints")
	return cmd
}

func exRemoveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "remove-liquidity FROM_KEY SHARES --rollup-id ROLLUP",
		Short:   "Remove liquidity: burn SHARES for their part of both reserves",
		Example: `nativechaind l2 exchange remove-liquidity alice 500000 --min-base 1 --min-quote 1 --rollup-id exchange --wait`,
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return signAndSubmitExchange(cmd, args[0], func(dom wallet.ExchangeDomain) (wallet.ExchangeDraft, error) {
				s, ok := new(big.Int).SetString(args[1], 10)
				if !ok || s.Sign() <= 0 || s.BitLen() > 128 {
					return wallet.ExchangeDraft{}, fmt.Errorf("%w: SHARES %q: want a positive integer below 2^128", ErrExchangeArgs, args[1])
				}
				minB, err1 := optionalAmount(cmd, flagMinBase)
				minQ, err2 := optionalAmount(cmd, flagMinQuote)
				if err := errors.Join(err1, err2); err != nil {
					return wallet.ExchangeDraft{}, err
				}
				return wallet.ExchangeDraft{Kind: exchange.KindRemove, Amount1: s, Min1: minB, Min2: minQ}, nil
			}, func(u *wallet.ExchangeUnsigned, _ *wallet.ExchangeAccount, verified func() (*wallet.ExchangePool, error)) error {
				if u.Tx.Min1 != nil && u.Tx.Min1.Sign() > 0 && u.Tx.Min2 != nil && u.Tx.Min2.Sign() > 0 {
					return nil
				}
				// A minimum left out: the shares' part of the chain-checked
				// pool, less the slippage (R7-1).
				slip, err := slippageFlag(cmd)
				if err != nil {
					return err
				}
				vp, err := verified()
				if err != nil {
					return fmt.Errorf("%w: no --%s/--%s, and the pool could not be checked against the chain: %w", ErrExchangeArgs, flagMinBase, flagMinQuote, err)
				}
				rb, rq, total := poolInts(vp)
				if total.Sign() == 0 {
					return fmt.Errorf("%w: the pool is empty", ErrExchangeArgs)
				}
				if u.Tx.Min1 == nil || u.Tx.Min1.Sign() == 0 {
					u.Tx.Min1 = lessSlippage(new(big.Int).Quo(new(big.Int).Mul(u.Tx.Amount1, rb), total), slip)
				}
				if u.Tx.Min2 == nil || u.Tx.Min2.Sign() == 0 {
					u.Tx.Min2 = lessSlippage(new(big.Int).Quo(new(big.Int).Mul(u.Tx.Amount1, rq), total), slip)
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "minimum   %s%s and %s%s out (the chain-checked pool, -%d bps)\n",
					u.Tx.Min1, u.Domain.Base, u.Tx.Min2, u.Domain.Quote, slip)
				return nil
			})
		},
	}
	addExchangeSendFlags(cmd)
	cmd.Flags().String(flagMinBase, "", "refuse less base out than this (default: the chain-checked pool's part less --slippage-bps)")
	cmd.Flags().String(flagMinQuote, "", "refuse less quote out than this (default: the chain-checked pool's part less --slippage-bps)")
	cmd.Flags().Uint32(flagSlippage, 100, "for a minimum left out: basis points below the chain-checked pool's part")
	return cmd
}

func exWithdrawCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "withdraw FROM_KEY L1_ADDRESS AMOUNT --rollup-id ROLLUP",
		Short:   "Withdraw AMOUNT (e.g. 500uusdc) from the exchange rollup to an L1 account",
		Example: `nativechaind l2 exchange withdraw alice native1... 500uusdc --rollup-id exchange --wait`,
		Args:    cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			return signAndSubmitExchange(cmd, args[0], func(dom wallet.ExchangeDomain) (wallet.ExchangeDraft, error) {
				v, side, _, err := parseExAmount("AMOUNT", args[2], dom, true)
				if err != nil {
					return wallet.ExchangeDraft{}, err
				}
				addr, err := sdk.AccAddressFromBech32(args[1])
				if err != nil {
					return wallet.ExchangeDraft{}, fmt.Errorf("%w: L1 address %q: %v", ErrExchangeArgs, args[1], err)
				}
				return wallet.ExchangeDraft{Kind: exchange.KindWithdraw, Side: side, Amount1: v, Recipient: addr}, nil
			}, nil)
		},
	}
	addExchangeSendFlags(cmd)
	return cmd
}

func exSendCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "send FROM_KEY DEST_ROLLUP TO AMOUNT --rollup-id ROLLUP",
		Short: "Send AMOUNT (e.g. 500uusdc) to an account on another rollup (TO: key name or L2 address)",
		Long: `A withdraw of the exchange rollup to another rollup: the value leaves in the
batch's outbox as a cross-rollup message (no payload) and DEST_ROLLUP's
operator credits TO; if DEST_ROLLUP cannot take it (e.g. not its denom) the
chain bounces it back.`,
		Example: `nativechaind l2 exchange send alice payments-usdc alice 500uusdc --rollup-id exchange --wait`,
		Args:    cobra.ExactArgs(4),
		RunE: func(cmd *cobra.Command, args []string) error {
			return signAndSubmitExchange(cmd, args[0], func(dom wallet.ExchangeDomain) (wallet.ExchangeDraft, error) {
				v, side, _, err := parseExAmount("AMOUNT", args[3], dom, true)
				if err != nil {
					return wallet.ExchangeDraft{}, err
				}
				if args[1] == dom.RollupID {
					return wallet.ExchangeDraft{}, fmt.Errorf("%w: %s is the exchange rollup itself", ErrExchangeArgs, args[1])
				}
				to, err := resolveL2(cmd, args[2])
				if err != nil {
					return wallet.ExchangeDraft{}, err
				}
				return wallet.ExchangeDraft{Kind: exchange.KindWithdraw, Side: side, Amount1: v, Recipient: to.Address(), DestRollup: args[1]}, nil
			}, nil)
		},
	}
	addExchangeSendFlags(cmd)
	return cmd
}

// exchangeStatus reads the operator's status and refuses one that does not
// run an exchange rollup (display only: nothing is signed).
func exchangeStatus(ctx context.Context, cl *wallet.Client) (operator.Status, error) {
	st, err := cl.Status(ctx)
	if err == nil && st.Kind != wallet.ExchangeKind {
		err = fmt.Errorf("%w: it runs a %q rollup (%s), not an exchange: use 'l2 balance'", wallet.ErrOperatorMismatch, st.Kind, st.RollupID)
	}
	return st, err
}

// exchangeAccountOf is the exchange operator's status and its view of the
// account of nameOrAddr (a key name or an address), for 'l2 exchange
// account' and 'pool'.
func exchangeAccountOf(cmd *cobra.Command, nameOrAddr string) (operator.Status, wallet.ExchangeAccount, error) {
	pk, err := resolveL2(cmd, nameOrAddr)
	if err != nil {
		return operator.Status{}, wallet.ExchangeAccount{}, err
	}
	ctx, cancel := cmdContext(cmd)
	defer cancel()
	cl := operatorClient(cmd)
	st, err := exchangeStatus(ctx, cl)
	if err != nil {
		return st, wallet.ExchangeAccount{}, err
	}
	a, err := cl.ExchangeAccount(ctx, pk)
	var ae *operator.APIError
	if errors.As(err, &ae) && ae.Code == operator.CodeUnknownAccount {
		return st, a, fmt.Errorf("no account on rollup %s for %s yet: deposit to it with 'nativechaind tx crossrollup deposit %s %x <amount><denom>'",
			st.RollupID, nameOrAddr, st.RollupID, pk.Address())
	}
	return st, a, err
}

func exAccountCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "account NAME|ADDRESS",
		Short: "Show an exchange account: balances of both denoms, shares and nonce (verified on L1, in built batches, and pending)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, a, err := exchangeAccountOf(cmd, args[0])
			if err != nil {
				return err
			}
			if asJSON, _ := cmd.Flags().GetBool(flagJSON); asJSON {
				return printJSON(cmd.OutOrStdout(), a)
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "rollup    %s (exchange %s, account index %d)\n", st.RollupID, st.Denom, a.Index)
			fmt.Fprintf(out, "%-9s %-20s %-20s %-20s %s\n", "", "base", "quote", "shares", "nonce")
			for _, row := range []struct {
				name string
				b    wallet.ExchangeBalances
			}{{"verified", a.Verified}, {"built", a.ExchangeBalances}, {"pending", a.Pending}} {
				fmt.Fprintf(out, "%-9s %-20s %-20s %-20s %d\n", row.name, row.b.Base, row.b.Quote, row.b.Shares, row.b.Nonce)
			}
			return nil
		},
	}
	addOperatorURLFlag(cmd)
	cmd.Flags().Bool(flagJSON, false, "print JSON")
	cmd.Flags().Duration(flagTimeout, 15*time.Second, "give up after this long")
	return cmd
}

func exPoolCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pool NAME|ADDRESS",
		Short: "Show the pool's reserves, total shares and price, as the operator reports them with an account",
		Long: `The operator reports the pool with an account (GET /v1/accounts/{address}):
name any key or address with an account on the rollup. The reserves at the
head (built batches) and with the accepted transactions; the price is
quote per base at the head.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, a, err := exchangeAccountOf(cmd, args[0])
			if err != nil {
				return err
			}
			if a.Pool == nil || a.PendingPool == nil {
				return fmt.Errorf("%w: the operator of %s does not report the pool with an account", wallet.ErrOperatorMismatch, st.RollupID)
			}
			if asJSON, _ := cmd.Flags().GetBool(flagJSON); asJSON {
				return printJSON(cmd.OutOrStdout(), map[string]*wallet.ExchangePool{"pool": a.Pool, "pending_pool": a.PendingPool})
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "rollup    %s (exchange %s)\n", st.RollupID, st.Denom)
			fmt.Fprintf(out, "%-9s %-20s %-20s %s\n", "", "reserve base", "reserve quote", "total shares")
			for _, row := range []struct {
				name string
				p    *wallet.ExchangePool
			}{{"built", a.Pool}, {"pending", a.PendingPool}} {
				fmt.Fprintf(out, "%-9s %-20s %-20s %s\n", row.name, row.p.ReserveBase, row.p.ReserveQuote, row.p.TotalShares)
			}
			if price, ok := wallet.PoolPrice(a.Pool); ok {
				fmt.Fprintf(out, "price     %s quote per base\n", price)
			}
			return nil
		},
	}
	addOperatorURLFlag(cmd)
	cmd.Flags().Bool(flagJSON, false, "print JSON")
	cmd.Flags().Duration(flagTimeout, 15*time.Second, "give up after this long")
	return cmd
}

// checkedExchangePool is the pool at the exchange rollup's last verified
// batch, as the operator reports it, checked against the rollup's state
// root on the chain (wallet.ExchangeAccount.VerifiedPoolAgainst). A batch
// verified between the two reads makes them differ for a moment: both are
// read again, three times at most.
func checkedExchangePool(ctx context.Context, cmd *cobra.Command, cl *wallet.Client, pk payments.PublicKey,
	dom wallet.ExchangeDomain, a *wallet.ExchangeAccount) (*wallet.ExchangePool, error) {
	acct := *a
	var lastErr error
	for try := 0; try < 3; try++ {
		if try > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Second):
			}
			var err error
			if acct, err = cl.ExchangeAccount(ctx, pk); err != nil {
				return nil, err
			}
		}
		root, err := exchangeChainStateRoot(ctx, cmd, dom.RollupID)
		if err != nil {
			return nil, err
		}
		p, err := acct.VerifiedPoolAgainst(dom, root)
		if err == nil {
			return p, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// exchangeChainStateRoot reads the rollup's state root from the node (a
// variable: the wallet's tests stand in for the chain).
var exchangeChainStateRoot = func(ctx context.Context, cmd *cobra.Command, rollupID string) ([]byte, error) {
	clientCtx, err := client.GetClientQueryContext(cmd)
	if err != nil {
		return nil, err
	}
	if clientCtx.Client == nil {
		return nil, errors.New("no node to read the rollup's state root from: pass --node")
	}
	res, err := types.NewQueryClient(clientCtx).Rollup(ctx, &types.QueryRollupRequest{RollupId: rollupID})
	if err != nil {
		return nil, fmt.Errorf("rollup %q on the chain: %w", rollupID, err)
	}
	return res.Rollup.StateRoot, nil
}

// slippageFlag reads --slippage-bps (below 10000).
func slippageFlag(cmd *cobra.Command) (uint32, error) {
	slip, _ := cmd.Flags().GetUint32(flagSlippage)
	if slip >= 10000 {
		return 0, fmt.Errorf("%w: --%s %d: below 10000", ErrExchangeArgs, flagSlippage, slip)
	}
	return slip, nil
}

// lessSlippage is floor(v·(10000−slip)/10000).
func lessSlippage(v *big.Int, slip uint32) *big.Int {
	return new(big.Int).Quo(new(big.Int).Mul(v, big.NewInt(int64(10000-slip))), big.NewInt(10000))
}

// poolInts reads a checked pool's reserves and total shares.
func poolInts(p *wallet.ExchangePool) (rb, rq, s *big.Int) {
	rb, _ = new(big.Int).SetString(p.ReserveBase, 10)
	rq, _ = new(big.Int).SetString(p.ReserveQuote, 10)
	s, _ = new(big.Int).SetString(p.TotalShares, 10)
	return rb, rq, s
}
