package payments

import (
	"encoding/hex"
	"fmt"
	"math/big"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

// Exodus for the payments-v1 layout (docs/spec/exodus.md, "payments-v1
// layout"): the owner of leaf i proves the leaf (key, balance, nonce)
// against the frozen rollup's last verified state root with its Poseidon2
// path, and authorises the L1 recipient with the leaf key's EdDSA signature
// over paymentsv1.ExitMessage. The chain checks such a claim with
// paymentsv1.ExitVerifier; this file builds them from the rollup's state.

// SignExit signs the exit of leafIndex to recipient for one chain and rollup.
func SignExit(k *PrivateKey, chainID, rollupID string, leafIndex uint64, recipient []byte) Signature {
	return k.Sign(paymentsv1.Domain(chainID, rollupID), paymentsv1.ExitMessage(leafIndex, recipient))
}

// BuildExitProof writes the exit proof of the account at index, owned by
// key, paying recipient (raw L1 address), against the state's current root.
// The proof file's recipient is bech32 under the process's account prefix.
func BuildExitProof(state *State, index uint32, key *PrivateKey, chainID, rollupID string, recipient []byte) (protocol.ExitProofFile, error) {
	if len(recipient) == 0 {
		return protocol.ExitProofFile{}, fmt.Errorf("payments: empty recipient")
	}
	if uint64(index) >= state.tree.Capacity() {
		return protocol.ExitProofFile{}, fmt.Errorf("payments: index %d out of range", index)
	}
	a, err := state.Account(index)
	if err != nil {
		return protocol.ExitProofFile{}, err
	}
	if !a.Exists() {
		return protocol.ExitProofFile{}, fmt.Errorf("payments: no account at index %d", index)
	}
	if !a.Key.X.Equal(&key.Public.X) || !a.Key.Y.Equal(&key.Public.Y) {
		return protocol.ExitProofFile{}, fmt.Errorf("payments: the account at index %d belongs to another key", index)
	}
	root, err := state.Root()
	if err != nil {
		return protocol.ExitProofFile{}, err
	}
	path, err := state.tree.Siblings(uint64(index))
	if err != nil {
		return protocol.ExitProofFile{}, err
	}
	siblings := make([]string, len(path))
	for i := range path {
		b := path[i].Bytes()
		siblings[i] = hex.EncodeToString(b[:])
	}
	rb := root.Bytes()
	sig := SignExit(key, chainID, rollupID, uint64(index), recipient)
	return protocol.ExitProofFile{
		RollupID:  rollupID,
		StateRoot: hex.EncodeToString(rb[:]),
		LeafIndex: uint64(index),
		Account:   hex.EncodeToString(key.Public.Address()),
		Balance:   a.Balance.String(),
		Nonce:     a.Nonce,
		Siblings:  siblings,
		Recipient: sdk.AccAddress(recipient).String(),
		Signature: hex.EncodeToString(sig.Bytes()),
	}, nil
}

// BuildCreditsExitProof writes a claim that proves no leaf: it collects the
// refund credits the chain owes key's address in the rollup whose current
// state root is root.
func BuildCreditsExitProof(root fr.Element, key *PrivateKey, chainID, rollupID string, recipient []byte) (protocol.ExitProofFile, error) {
	if len(recipient) == 0 {
		return protocol.ExitProofFile{}, fmt.Errorf("payments: empty recipient")
	}
	rb := root.Bytes()
	sig := SignExit(key, chainID, rollupID, protocol.ExitLeafNone, recipient)
	return protocol.ExitProofFile{
		RollupID:  rollupID,
		StateRoot: hex.EncodeToString(rb[:]),
		LeafIndex: protocol.ExitLeafNone,
		Account:   hex.EncodeToString(key.Public.Address()),
		Balance:   "0",
		Siblings:  []string{},
		Recipient: sdk.AccAddress(recipient).String(),
		Signature: hex.EncodeToString(sig.Bytes()),
	}, nil
}

// ParseExitProofFile decodes a proof file into the root and the claim the
// chain checks (bech32 recipient under the process's account prefix).
func ParseExitProofFile(f protocol.ExitProofFile) (root []byte, claim protocol.ExitClaim, err error) {
	dec := func(what, s string) ([]byte, error) {
		b, err := hex.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("payments: exit proof %s: %w", what, err)
		}
		return b, nil
	}
	if root, err = dec("state_root", f.StateRoot); err != nil {
		return nil, claim, err
	}
	claim.LeafIndex, claim.Nonce = f.LeafIndex, f.Nonce
	if claim.Account, err = dec("account", f.Account); err != nil {
		return nil, claim, err
	}
	if claim.Signature, err = dec("signature", f.Signature); err != nil {
		return nil, claim, err
	}
	bal, ok := new(big.Int).SetString(f.Balance, 10)
	if !ok || bal.Sign() < 0 || bal.BitLen() > BalanceBits {
		return nil, claim, fmt.Errorf("payments: exit proof balance %q: want a decimal integer in [0, 2^%d)", f.Balance, BalanceBits)
	}
	claim.Balance = bal
	claim.Siblings = make([][]byte, len(f.Siblings))
	for i, s := range f.Siblings {
		if claim.Siblings[i], err = dec(fmt.Sprintf("sibling %d", i), s); err != nil {
			return nil, claim, err
		}
	}
	addr, err := sdk.AccAddressFromBech32(f.Recipient)
	if err != nil {
		return nil, claim, fmt.Errorf("payments: exit proof recipient: %w", err)
	}
	claim.Recipient = addr
	return root, claim, nil
}
