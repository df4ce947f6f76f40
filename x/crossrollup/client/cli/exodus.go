package cli

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"cosmossdk.io/core/address"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
)

// FlagProofFile names the exit proof file of exodus-withdraw.
const FlagProofFile = "proof-file"

// maxExitProofFileBytes bounds an exit proof file: 32 siblings of 64 hex
// digits and a few short fields fit in a few KiB.
const maxExitProofFileBytes = 64 << 10

// NewExodusWithdrawCmd returns `exodus-withdraw [rollup-id] --proof-file F`.
func NewExodusWithdrawCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exodus-withdraw [rollup-id]",
		Short: "Withdraw an account's last proven balance (and its exit credits) from a frozen rollup",
		Long: `Claim an account's balance from a rollup the chain froze (exodus, see
docs/spec/exodus.md). The proof file is the JSON that "nativechaind l2
exit-proof" writes: the rollup's last verified state root, the account's
leaf (index, L2 address, balance, nonce), its Merkle siblings, the L1
recipient, and the L2 key's signature authorising that recipient. A leaf
exits once. A leaf_index of 18446744073709551615 claims only the exit
credits refunds left the address. Any account may submit the claim (--from
pays the fees); the recipient is the one the L2 key signed.

For a two-denom layout (exchange-v1) the file also carries quote_balance,
shares and the pool record (pool_reserve_base, pool_reserve_quote,
pool_total_shares), and the claim is paid in both denoms: the balances plus
the shares' part of the reserves.`,
		Example: "nativechaind tx crossrollup exodus-withdraw payments --proof-file exit.json --from alice",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SilenceUsage = true
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			sender, err := signer(clientCtx, ac)
			if err != nil {
				return err
			}
			path, _ := cmd.Flags().GetString(FlagProofFile)
			if path == "" {
				return fmt.Errorf("--%s is required", FlagProofFile)
			}
			bz, err := readLimited(path, maxExitProofFileBytes)
			if err != nil {
				return fmt.Errorf("--%s: %w", FlagProofFile, err)
			}
			msg, err := ExodusMsgFromProofFile(bz, args[0], sender)
			if err != nil {
				return fmt.Errorf("--%s %s: %w", FlagProofFile, path, err)
			}
			if err := msg.Validate(ac); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().String(FlagProofFile, "", "exit proof JSON (nativechaind l2 exit-proof)")
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// ExodusMsgFromProofFile builds the message from an ExitProofFile. Unknown
// fields are refused (a typo must not silently drop a field); the file's
// rollup_id, if set, must match rollupID.
func ExodusMsgFromProofFile(bz []byte, rollupID, sender string) (*types.MsgExodusWithdraw, error) {
	var f protocol.ExitProofFile
	dec := json.NewDecoder(bytes.NewReader(bz))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("not an exit proof file: %w", err)
	}
	if f.RollupID != "" && f.RollupID != rollupID {
		return nil, fmt.Errorf("the proof is for rollup %q, not %q", f.RollupID, rollupID)
	}
	msg := &types.MsgExodusWithdraw{
		Sender: sender, RollupId: rollupID, LeafIndex: f.LeafIndex, Balance: f.Balance,
		Nonce: f.Nonce, Recipient: f.Recipient,
		// The two-denom (exchange-v1) values; absent from a payments-v1 file.
		QuoteBalance: f.QuoteBalance, Shares: f.Shares, PoolReserveBase: f.PoolReserveBase,
		PoolReserveQuote: f.PoolReserveQuote, PoolTotalShares: f.PoolTotalShares,
	}
	var err error
	if msg.StateRoot, err = hexField("state_root", f.StateRoot); err != nil {
		return nil, err
	}
	if msg.Account, err = hexField("account", f.Account); err != nil {
		return nil, err
	}
	if msg.Signature, err = hexField("signature", f.Signature); err != nil {
		return nil, err
	}
	for i, s := range f.Siblings {
		b, err := hexField(fmt.Sprintf("siblings[%d]", i), s)
		if err != nil {
			return nil, err
		}
		msg.Siblings = append(msg.Siblings, b)
	}
	return msg, nil
}

func hexField(name, s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("%s: not hex: %w", name, err)
	}
	return b, nil
}
