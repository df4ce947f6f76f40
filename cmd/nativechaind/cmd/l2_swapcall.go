package cmd

import (
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"strings"

	"github.com/spf13/cobra"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol/exchangev1"
)

const (
	flagOutDenom = "out-denom"
	flagTo       = "to"
)

// l2SwapCallCmd encodes an exchange swap call (exchangev1.SwapCall): the
// payload of a payments send (l2 send --payload) or an L1 call
// (tx crossrollup send-message) that carries value into an exchange rollup
// and asks it to swap.
func l2SwapCallCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "swap-call --out-denom DENOM --min-out AMOUNT --to [ROLLUP:]ADDRESS",
		Short: "Print the hex payload that asks an exchange rollup to swap the value it comes with",
		Long: `Encodes an exchange-v1 swap call (180 bytes, docs/spec/exchange-rollup.md
section 6). Value sent to an exchange rollup with this payload is swapped
into --out-denom (the pool's other denom) and at least --min-out of it is
delivered to --to: ROLLUP:ADDRESS, an L2 address (or key name) on ROLLUP,
sent as a cross-rollup message; or a bare L1 address (native1...), paid as
a withdrawal. Below --min-out, or on any other failure, the exchange
refunds the value to where it came from.

Pass the hex to 'l2 send ... --payload', or --out FILE writes the raw bytes
for 'tx crossrollup send-message ROLLUP FILE --amount ...'.`,
		Example: `nativechaind l2 send alice exchange alice 100000 --rollup-id payments-a --wait \
  --payload $(nativechaind l2 swap-call --out-denom uusdc --min-out 190000 --to payments-usdc:alice)`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			denom, _ := cmd.Flags().GetString(flagOutDenom)
			minStr, _ := cmd.Flags().GetString(flagMinOut)
			to, _ := cmd.Flags().GetString(flagTo)
			if denom == "" || minStr == "" || to == "" {
				return fmt.Errorf("%w: --%s, --%s and --%s are required", ErrExchangeArgs, flagOutDenom, flagMinOut, flagTo)
			}
			if err := sdk.ValidateDenom(denom); err != nil {
				return fmt.Errorf("%w: --%s %q: %v", ErrExchangeArgs, flagOutDenom, denom, err)
			}
			minOut, ok := new(big.Int).SetString(minStr, 10)
			if !ok || minOut.Sign() < 0 || minOut.BitLen() > exchangev1.AmountBits {
				return fmt.Errorf("%w: --%s %q: want a non-negative integer below 2^128", ErrExchangeArgs, flagMinOut, minStr)
			}
			rollup, recipient, err := parseCallRecipient(cmd, to)
			if err != nil {
				return err
			}
			payload, err := exchangev1.NewSwapCall(denom, minOut, rollup, recipient).Encode()
			if err != nil {
				return fmt.Errorf("%w: %v", ErrExchangeArgs, err)
			}
			if out, _ := cmd.Flags().GetString(flagOut); out != "" {
				return os.WriteFile(out, payload, 0o644)
			}
			fmt.Fprintln(cmd.OutOrStdout(), hex.EncodeToString(payload))
			return nil
		},
	}
	cmd.Flags().String(flagOutDenom, "", "the denom to swap into (the pool's other denom)")
	cmd.Flags().String(flagMinOut, "", "the least output accepted; below it the value is refunded")
	cmd.Flags().String(flagTo, "", "where the output goes: ROLLUP:ADDRESS (L2 address or key name on ROLLUP) or an L1 address (bare or :native1...)")
	cmd.Flags().String(flagOut, "", "write the raw payload bytes to this file instead of printing hex")
	return cmd
}

// parseCallRecipient reads ROLLUP:ADDRESS (an L2 address or key name) or an
// L1 bech32 address, bare or after an empty rollup (":native1...": a
// withdrawal).
func parseCallRecipient(cmd *cobra.Command, to string) (string, []byte, error) {
	rollup, addr, found := strings.Cut(to, ":")
	if found && rollup == "" {
		a, err := sdk.AccAddressFromBech32(addr)
		if err != nil {
			return "", nil, fmt.Errorf("%w: --%s %q: an empty rollup id means a withdrawal to an L1 address: %v", ErrExchangeArgs, flagTo, to, err)
		}
		return "", a, nil
	}
	if !found {
		a, err := sdk.AccAddressFromBech32(to)
		if err != nil {
			return "", nil, fmt.Errorf("%w: --%s %q: want ROLLUP:ADDRESS or an L1 address: %v", ErrExchangeArgs, flagTo, to, err)
		}
		return "", a, nil
	}
	if len(rollup) > exchangev1.CallMaxRollup {
		return "", nil, fmt.Errorf("%w: --%s %q: the rollup id must have 1..%d bytes", ErrExchangeArgs, flagTo, to, exchangev1.CallMaxRollup)
	}
	pk, err := resolveL2(cmd, addr)
	if err != nil {
		return "", nil, fmt.Errorf("%w: --%s: %v", ErrExchangeArgs, flagTo, err)
	}
	return rollup, pk.Address(), nil
}
