package cmd

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/input"
	sdkcrypto "github.com/cosmos/cosmos-sdk/crypto"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"

	"github.com/nativechain/nativechain/prover/wallet"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// What a wallet command signs for comes from the chain and the user, never
// from the operator (review 2026-12, H6), and L2 keys are sealed with a
// passphrase (L6).
const (
	flagRollupID    = "rollup-id"
	flagDenom       = "denom"
	envL2Passphrase = "NATIVECHAIN_L2_PASSPHRASE"
)

// addDomainFlags adds the flags that name the signing domain.
func addDomainFlags(cmd *cobra.Command, rollupRequired bool) {
	cmd.Flags().String(flagRollupID, "", "the rollup to sign for (the signature is valid there only)")
	cmd.Flags().String(flags.FlagChainID, "", "the chain id (default: client.toml, else the node's)")
	cmd.Flags().String(flagDenom, "", "the rollup's denom (default: the rollup's record on the chain)")
	cmd.Flags().String(flags.FlagNode, "", "CometBFT RPC of a node of the chain (default: client.toml)")
	if rollupRequired {
		_ = cmd.MarkFlagRequired(flagRollupID)
	}
}

// signingDomain resolves the chain id (--chain-id, client.toml, the node),
// the rollup id (--rollup-id) and the denom (--denom, or the rollup's exit
// layout on the chain). None comes from the operator.
func signingDomain(ctx context.Context, cmd *cobra.Command) (wallet.SigningDomain, error) {
	var d wallet.SigningDomain
	d.RollupID, _ = cmd.Flags().GetString(flagRollupID)
	d.ChainID, _ = cmd.Flags().GetString(flags.FlagChainID)
	d.Denom, _ = cmd.Flags().GetString(flagDenom)
	if d.RollupID == "" {
		return d, errors.New("--rollup-id: name the rollup to sign for (the operator's word is not taken for it)")
	}
	if d.ChainID != "" && d.Denom != "" {
		return d, nil
	}
	clientCtx, err := client.GetClientQueryContext(cmd)
	if err != nil {
		return d, err
	}
	if d.ChainID == "" {
		d.ChainID = clientCtx.ChainID
	}
	if d.ChainID == "" {
		node, err := clientCtx.GetNode()
		if err == nil {
			res, serr := node.Status(ctx)
			if serr != nil {
				err = serr
			} else {
				d.ChainID = res.NodeInfo.Network
			}
		}
		if d.ChainID == "" {
			return d, fmt.Errorf("chain id: none in client.toml and the node did not say (%v): pass --chain-id", err)
		}
	}
	if d.Denom == "" {
		if clientCtx.Client == nil {
			return d, errors.New("denom: no node to read the rollup's record from: pass --node or --denom")
		}
		res, err := types.NewQueryClient(clientCtx).Rollup(ctx, &types.QueryRollupRequest{RollupId: d.RollupID})
		if err != nil {
			return d, fmt.Errorf("rollup %q on the chain: %w (or pass --denom)", d.RollupID, err)
		}
		if res.Rollup.ExitLayout == nil || res.Rollup.ExitLayout.Denom == "" {
			return d, fmt.Errorf("rollup %q records no denom (no exit layout): pass --denom", d.RollupID)
		}
		d.Denom = res.Rollup.ExitLayout.Denom
	}
	return d, nil
}

// l2KeyringBackend is --keyring-backend, else client.toml's.
func l2KeyringBackend(cmd *cobra.Command) string {
	if b, _ := cmd.Flags().GetString(flags.FlagKeyringBackend); b != "" {
		return b
	}
	if kr := client.GetClientContextFromCmd(cmd).Keyring; kr != nil {
		return kr.Backend()
	}
	return ""
}

func stdinIsTerminal() bool {
	return isatty.IsTerminal(os.Stdin.Fd()) || isatty.IsCygwinTerminal(os.Stdin.Fd())
}

// l2Passphrase is the passphrase of the L2 key files: $NATIVECHAIN_L2_PASSPHRASE,
// else wallet.TestPassphrase with the test keyring backend (devnets and
// tests, as the SDK's test keyring), else asked (a line of stdin when it is
// not a terminal).
func l2Passphrase(cmd *cobra.Command, confirm bool) ([]byte, error) {
	if p := os.Getenv(envL2Passphrase); p != "" {
		return []byte(p), nil
	}
	if l2KeyringBackend(cmd) == keyring.BackendTest {
		return []byte(wallet.TestPassphrase), nil
	}
	buf := bufio.NewReader(cmd.InOrStdin())
	p, err := input.GetPassword("L2 key passphrase:", buf)
	if err != nil {
		return nil, fmt.Errorf("L2 key passphrase: %w (set $%s for scripts; --keyring-backend test uses the fixed passphrase %q)", err, envL2Passphrase, wallet.TestPassphrase)
	}
	if confirm && stdinIsTerminal() {
		again, err := input.GetPassword("repeat the passphrase:", buf)
		if err != nil {
			return nil, err
		}
		if again != p {
			return nil, errors.New("the passphrases differ")
		}
	}
	return []byte(p), nil
}

// loadL2Key opens an L2 key file, warning about a legacy unencrypted one.
func loadL2Key(cmd *cobra.Command, name string) (*wallet.Key, error) {
	dir := l2KeyDir(cmd)
	f, err := wallet.ReadKeyFile(dir, name)
	if err != nil {
		return nil, err
	}
	var pass []byte
	if f.Sealed != nil {
		if pass, err = l2Passphrase(cmd, false); err != nil {
			return nil, err
		}
	}
	k, err := wallet.LoadKey(dir, name, pass)
	if err != nil {
		return nil, err
	}
	if k.Unencrypted() {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: L2 key %q is stored unencrypted: seal it with 'nativechaind l2 keys encrypt %s'\n", name, name)
	}
	return k, nil
}

// confirmSigning prints what is about to be signed to stderr and, at a
// terminal without --yes, asks before signing.
func confirmSigning(cmd *cobra.Command, summary string) error {
	fmt.Fprint(cmd.ErrOrStderr(), summary)
	if yes, _ := cmd.Flags().GetBool(flags.FlagSkipConfirmation); yes || !stdinIsTerminal() {
		return nil
	}
	ok, err := input.GetConfirmation("sign and send?", bufio.NewReader(cmd.InOrStdin()), cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("not signed")
	}
	return nil
}

// seedFromL1Key derives an L2 seed from a local L1 keyring key's private
// key (wallet.SeedFromL1PrivateKey). A ledger or offline key cannot derive:
// use a random L2 key.
func seedFromL1Key(kr keyring.Keyring, name string) ([32]byte, error) {
	var priv cryptotypes.PrivKey
	if ex, ok := kr.(interface {
		ExportPrivateKeyObject(uid string) (cryptotypes.PrivKey, error)
	}); ok {
		p, err := ex.ExportPrivateKeyObject(name)
		if err != nil {
			return [32]byte{}, err
		}
		priv = p
	} else {
		var one [16]byte
		if _, err := rand.Read(one[:]); err != nil {
			return [32]byte{}, err
		}
		armor, err := kr.ExportPrivKeyArmor(name, hex.EncodeToString(one[:]))
		if err != nil {
			return [32]byte{}, err
		}
		if priv, _, err = sdkcrypto.UnarmorDecryptPrivKey(armor, hex.EncodeToString(one[:])); err != nil {
			return [32]byte{}, err
		}
	}
	return wallet.SeedFromL1PrivateKey(priv.Bytes()), nil
}
