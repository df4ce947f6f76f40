package cmd

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/exchange"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/wallet"
	rolluptypes "github.com/nativechain/nativechain/x/rollups/types"
)

const (
	flagVia        = "via"
	flagExOperator = "exchange-operator"
	flagOutput     = "output"
	defaultSlipBps = 50
)

// The refusals of 'l2 swap' before anything is signed (docs/spec/sync-calls.md
// section 11.1).
var (
	// ErrSwapAmount: the amount does not parse or is zero.
	ErrSwapAmount = errors.New("swap: amount")
	// ErrSwapNotExchange: --via names no active exchange rollup.
	ErrSwapNotExchange = errors.New("swap: --via is not an active exchange rollup")
	// ErrSwapDenom: the source's denom or the output denom is not the
	// pool's.
	ErrSwapDenom = errors.New("swap: denom not in the exchange's pool")
	// ErrSwapDestination: the output's rollup is unknown, not active, or
	// cannot hold the output denom.
	ErrSwapDestination = errors.New("swap: destination rollup")
	// ErrSwapNoMinOut: no --min-out and no chain-checked pool to quote.
	ErrSwapNoMinOut = errors.New("swap: no --min-out and no verified pool to quote from")
)

// swapRequest is what the command line asks for, parsed.
type swapRequest struct {
	ChainID      string
	SourceRollup string
	SourceDenom  string
	Amount       *big.Int
	Exchange     string
	DestRollup   string // "": withdraw to the L1 address Recipient
	Recipient    []byte
	MinOut       *big.Int // nil: the quote less SlippageBps
	MinOutDenom  string   // the denom --min-out named, if any
	SlippageBps  uint32
	FeeBps       uint32
}

// swapPlan is the call to sign and what it was derived from.
type swapPlan struct {
	Call     exchangev1.SwapCall
	Payload  []byte
	OutDenom string
	Quote    *big.Int // nil when --min-out was given
	Exchange wallet.ExchangeDomain
}

// swapPreflight is what the command reads before signing: rollup records
// from the chain and the exchange's pool at its last verified batch,
// checked against the chain's state root (R7-1).
type swapPreflight interface {
	Rollup(ctx context.Context, id string) (rolluptypes.Rollup, error)
	VerifiedPool(ctx context.Context, dom wallet.ExchangeDomain) (*wallet.ExchangePool, error)
}

// swapChain is everything 'l2 swap' reads from the chain (and, for a
// quote, from the exchange operator).
type swapChain interface {
	swapPreflight
	swapChainReader
}

// newSwapChain is the node behind the command (a variable: the command's
// tests stand in for the chain).
var newSwapChain = func(cmd *cobra.Command, exchange *wallet.Client, me payments.PublicKey) swapChain {
	return &cometSwapChain{cmd: cmd, exchange: exchange, me: me}
}

// planSwap checks a request against the chain and builds its call; every
// refusal is one of the ErrSwap errors and happens before signing.
func planSwap(ctx context.Context, q swapPreflight, r swapRequest) (swapPlan, error) {
	var p swapPlan
	if r.Amount == nil || r.Amount.Sign() <= 0 {
		return p, fmt.Errorf("%w: swap a positive amount", ErrSwapAmount)
	}
	if r.Amount.BitLen() > exchangev1.AmountBits {
		return p, fmt.Errorf("%w: %s is over 2^128", ErrSwapAmount, r.Amount)
	}
	if r.Exchange == "" || r.Exchange == r.SourceRollup {
		return p, fmt.Errorf("%w: --%s %q", ErrSwapNotExchange, flagVia, r.Exchange)
	}
	ex, err := q.Rollup(ctx, r.Exchange)
	if err != nil {
		return p, fmt.Errorf("%w: %q on the chain: %v", ErrSwapNotExchange, r.Exchange, err)
	}
	l := ex.ExitLayout
	if l == nil || l.Name != protocol.ExitLayoutExchangeV1 {
		return p, fmt.Errorf("%w: %q has no %s exit layout", ErrSwapNotExchange, r.Exchange, protocol.ExitLayoutExchangeV1)
	}
	if ex.Status != rolluptypes.ROLLUP_STATUS_ACTIVE {
		return p, fmt.Errorf("%w: %q is %s", ErrSwapNotExchange, r.Exchange, ex.Status)
	}
	p.Exchange = wallet.ExchangeDomain{ChainID: r.ChainID, RollupID: r.Exchange, Base: l.Denom, Quote: l.QuoteDenom}
	var side uint8
	switch r.SourceDenom {
	case l.Denom:
		side, p.OutDenom = 0, l.QuoteDenom
	case l.QuoteDenom:
		side, p.OutDenom = 1, l.Denom
	default:
		return p, fmt.Errorf("%w: %s pays in %s, the pool of %s trades %s/%s", ErrSwapDenom, r.SourceRollup, r.SourceDenom, r.Exchange, l.Denom, l.QuoteDenom)
	}
	if r.MinOutDenom != "" && r.MinOutDenom != p.OutDenom {
		return p, fmt.Errorf("%w: --%s in %s, but %s swaps into %s", ErrSwapDenom, flagMinOut, r.MinOutDenom, r.SourceDenom, p.OutDenom)
	}
	if err := checkSwapDestination(ctx, q, r, p.OutDenom); err != nil {
		return p, err
	}
	minOut := r.MinOut
	if minOut == nil {
		vp, err := q.VerifiedPool(ctx, p.Exchange)
		if err != nil {
			return p, fmt.Errorf("%w: %w", ErrSwapNoMinOut, err)
		}
		if p.Quote, err = wallet.QuoteSwap(vp, side, r.Amount, r.FeeBps); err != nil {
			return p, fmt.Errorf("%w: %w", ErrSwapNoMinOut, err)
		}
		if minOut = lessSlippage(p.Quote, r.SlippageBps); minOut.Sign() == 0 {
			return p, fmt.Errorf("%w: the quote %s%s is too small to swap", ErrSwapNoMinOut, p.Quote, p.OutDenom)
		}
	}
	p.Call = exchangev1.NewSwapCall(p.OutDenom, minOut, r.DestRollup, r.Recipient)
	if p.Payload, err = p.Call.Encode(); err != nil {
		return p, fmt.Errorf("%w: %v", ErrExchangeArgs, err)
	}
	return p, nil
}

// checkSwapDestination refuses an output rollup the chain would not route
// the output to: unknown, not active, the exchange itself, or one whose
// one-denom layout is another denom (the output would bounce).
func checkSwapDestination(ctx context.Context, q swapPreflight, r swapRequest, outDenom string) error {
	if r.DestRollup == "" {
		return nil // a withdrawal to L1
	}
	if r.DestRollup == r.Exchange {
		return fmt.Errorf("%w: %q is the exchange itself: use 'l2 exchange swap'", ErrSwapDestination, r.DestRollup)
	}
	d, err := q.Rollup(ctx, r.DestRollup)
	if err != nil {
		return fmt.Errorf("%w: %q is unknown to the chain: %v", ErrSwapDestination, r.DestRollup, err)
	}
	if d.Status != rolluptypes.ROLLUP_STATUS_ACTIVE {
		return fmt.Errorf("%w: %q is %s, not active", ErrSwapDestination, r.DestRollup, d.Status)
	}
	if l := d.ExitLayout; l != nil && l.QuoteDenom == "" && l.Denom != "" && l.Denom != outDenom {
		return fmt.Errorf("%w: %q holds %s, the output is %s", ErrSwapDestination, r.DestRollup, l.Denom, outDenom)
	}
	return nil
}

// parseMinOut reads --min-out: "990" or "990uusdc".
func parseMinOut(s string) (*big.Int, string, error) {
	if s == "" {
		return nil, "", nil
	}
	num, denom := s, ""
	if i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		num, denom = s[:i], s[i:]
	}
	v, ok := new(big.Int).SetString(num, 10)
	if !ok || v.Sign() < 0 || v.BitLen() > exchangev1.AmountBits {
		return nil, "", fmt.Errorf("%w: --%s %q: want a non-negative integer below 2^128, optionally with its denom", ErrExchangeArgs, flagMinOut, s)
	}
	return v, denom, nil
}

// l2SwapCmd is `l2 swap`: one payments send into an exchange rollup that
// swaps and delivers the output to another rollup (or L1).
func l2SwapCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "swap FROM_KEY AMOUNT --via EXCHANGE_ROLLUP --to ROLLUP:ADDRESS [--min-out AMOUNT_DENOM]",
		Short: "Swap across rollups: one send into an exchange rollup, the output delivered to ROLLUP:ADDRESS",
		Long: `Signs one payments send on --rollup-id to the exchange rollup --via, to your
own L2 address there (the same key: the output's sender, and the account
credited if the output bounces), carrying an exchange swap call: swap into
the pool's other denom and deliver at least --min-out to --to
(ROLLUP:ADDRESS, an L2 address or key name; or a bare L1 address, paid as a
withdrawal). Without --min-out the minimum is the quote at the exchange's
pool of its last verified batch, checked against the chain's state root
(read through --exchange-operator), less --slippage-bps.

It refuses before signing: a zero amount, an exchange that is not an active
exchange-v1 rollup, a source denom or --min-out denom not in its pool, a
destination unknown, inactive or of another denom, no --min-out and no
pool to quote from.

With --wait it follows the call on the chain (the batches' EventMessageRouted
and message status) and ends with one of (docs/spec/sync-calls.md 11.1):
  sync              debit, swap and credit at one height          exit 0
  async             credited some blocks after the debit          exit 0
  refunded          the exchange refused; input credited back     exit 2
  held_on_exchange  the output bounced; on your exchange account  exit 2
  pending           --timeout reached; where the value is         exit 1
  rejected          the operator refused the send                 exit 1`,
		Example: `nativechaind l2 swap alice 1000unat --via exchange --to payments-usdc:alice --min-out 990uusdc \
  --rollup-id payments-a --wait --output json`,
		Args: cobra.ExactArgs(2),
		RunE: runL2Swap,
	}
	addSendFlags(cmd)
	cmd.Flags().String(flagVia, "", "the exchange rollup that swaps")
	cmd.Flags().String(flagTo, "", "where the output goes: ROLLUP:ADDRESS (L2 address or key name) or an L1 address (bare or :native1...)")
	cmd.Flags().Lookup(flagWait).Usage = "follow the call on the chain to its outcome (sync, async, refunded, held_on_exchange) or --timeout"
	cmd.Flags().String(flagMinOut, "", "the least output accepted, e.g. 990uusdc (default: the chain-checked quote less --slippage-bps)")
	cmd.Flags().Uint32(flagSlippage, defaultSlipBps, "without --min-out: basis points below the chain-checked quote")
	cmd.Flags().Uint32("fee-bps", exchange.DefaultFeeBps, "the exchange's swap fee in basis points (for the quote only)")
	cmd.Flags().String(flagExOperator, "", "the exchange operator's API URL (for the quote without --min-out)")
	cmd.Flags().String(flagOutput, "text", "text or json")
	_ = cmd.MarkFlagRequired(flagVia)
	_ = cmd.MarkFlagRequired(flagTo)
	return cmd
}

func runL2Swap(cmd *cobra.Command, args []string) error {
	via, _ := cmd.Flags().GetString(flagVia)
	to, _ := cmd.Flags().GetString(flagTo)
	minStr, _ := cmd.Flags().GetString(flagMinOut)
	exURL, _ := cmd.Flags().GetString(flagExOperator)
	fee, _ := cmd.Flags().GetUint32("fee-bps")
	format, _ := cmd.Flags().GetString(flagOutput)
	if asJSON, _ := cmd.Flags().GetBool(flagJSON); asJSON {
		format = "json"
	}
	if format != "text" && format != "json" {
		return fmt.Errorf("%w: --%s %q: text or json", ErrExchangeArgs, flagOutput, format)
	}
	slip, err := slippageFlag(cmd)
	if err != nil {
		return err
	}
	destRollup, recipient, err := parseCallRecipient(cmd, to)
	if err != nil {
		return err
	}
	minOut, minDenom, err := parseMinOut(minStr)
	if err != nil {
		return err
	}
	// The send's recipient on the exchange is the sender's own address:
	// read from the key file, no passphrase needed yet.
	me, err := resolveL2(cmd, args[0])
	if err != nil {
		return err
	}
	var exCl *wallet.Client
	if exURL != "" {
		exCl = wallet.NewClient(exURL)
	}
	chain := newSwapChain(cmd, exCl, me)
	var plan swapPlan
	var req swapRequest
	p, err := signAndPost(cmd, args[0], func(dom wallet.SigningDomain) (wallet.Draft, error) {
		amount, err := parseL2Amount(args[1], dom.Denom)
		if err != nil {
			return wallet.Draft{}, fmt.Errorf("%w: %v", ErrSwapAmount, err)
		}
		req = swapRequest{ChainID: dom.ChainID, SourceRollup: dom.RollupID, SourceDenom: dom.Denom, Amount: amount,
			Exchange: via, DestRollup: destRollup, Recipient: recipient, MinOut: minOut, MinOutDenom: minDenom,
			SlippageBps: slip, FeeBps: fee}
		ctx, cancel := context.WithTimeout(cmd.Context(), 15*time.Second)
		defer cancel()
		if plan, err = planSwap(ctx, chain, req); err != nil {
			return wallet.Draft{}, err
		}
		if plan.Quote != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "quote     %s%s at the pool of the last verified batch (checked against the chain); minimum %s (-%d bps)\n",
				plan.Quote, plan.OutDenom, plan.Call.MinOut, slip)
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "call      swap %s%s into %s via %s, at least %s%s to %s\n",
			amount, dom.Denom, plan.OutDenom, via, plan.Call.MinOut, plan.OutDenom, swapDestString(destRollup, recipient))
		return wallet.Draft{Kind: payments.KindSend, Amount: amount, Recipient: me.Address(), DestRollup: via, Payload: plan.Payload}, nil
	})
	res := SwapResult{Source: req.SourceRollup, Exchange: via, Dest: destRollup, Recipient: swapRecipientString(destRollup, recipient),
		AmountIn: amountDenom(req.Amount, req.SourceDenom), OutDenom: plan.OutDenom}
	if plan.Call.MinOut != nil {
		res.MinOut = amountDenom(plan.Call.MinOut, plan.OutDenom)
	}
	var ae *operator.APIError
	if err != nil && !isSwapRefusal(err) && errors.As(err, &ae) && req.Amount != nil {
		// The operator refused the send (admission): nothing was debited.
		res.Outcome, res.Reason, res.ExitCode = SwapRejected, ae.Error(), 1
		return printSwapResult(cmd, format, res)
	}
	if err != nil {
		return err
	}
	res.TxID = p.res.ID
	if wait, _ := cmd.Flags().GetBool(flagWait); !wait {
		res.Outcome = SwapAccepted
		return printSwapResult(cmd, format, res)
	}
	timeout, _ := cmd.Flags().GetDuration(flagTimeout)
	wctx, cancel := context.WithTimeout(cmd.Context(), timeout)
	defer cancel()
	tr := swapTracker{chain: chain, op: httpSwapOperator{cl: p.cl}, every: 500 * time.Millisecond}
	res = tr.follow(wctx, res, swapWatch{TxID: p.res.ID, Source: p.dom.RollupID, Exchange: via, Dest: destRollup,
		Me: me.Address(), Recipient: recipient})
	return printSwapResult(cmd, format, res)
}

// isSwapRefusal says whether err is one of the command's own refusals
// (which may wrap an operator's answer, e.g. the exchange's to a quote).
func isSwapRefusal(err error) bool {
	for _, e := range []error{ErrSwapAmount, ErrSwapNotExchange, ErrSwapDenom, ErrSwapDestination, ErrSwapNoMinOut, ErrExchangeArgs} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

func amountDenom(v *big.Int, denom string) string {
	if v == nil {
		return ""
	}
	return v.String() + denom
}
