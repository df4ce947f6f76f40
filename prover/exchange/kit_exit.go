package exchange

import (
	"encoding/hex"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
)

// Exodus (protocol/exchangev1/exit.go): the exit proof file of an account
// of a frozen exchange rollup, from a state rebuilt from the chain
// (`nativechaind l2 exit-proof`).

// SignExit is key's signature authorising the exit of leafIndex to
// recipient (raw L1 address), in the exchange-v1 domain.
func SignExit(k *PrivateKey, chainID, rollupID string, leafIndex uint64, recipient []byte) Signature {
	return k.Sign(exchangev1.Domain(chainID, rollupID), exchangev1.ExitMessage(leafIndex, recipient))
}

// BuildExitProof writes the exit proof of the account at index, owned by
// key, paying recipient, against the state's current root: the leaf (base
// as balance, quote, shares, nonce), its path and the pool record. The
// file's recipient is bech32 under the process's account prefix.
func BuildExitProof(s *State, index uint32, key *PrivateKey, chainID, rollupID string, recipient []byte) (protocol.ExitProofFile, error) {
	if len(recipient) == 0 {
		return protocol.ExitProofFile{}, fmt.Errorf("exchange: empty recipient")
	}
	if uint64(index) >= s.tree.Capacity() {
		return protocol.ExitProofFile{}, fmt.Errorf("exchange: index %d out of range", index)
	}
	a, err := s.Account(index)
	if err != nil {
		return protocol.ExitProofFile{}, err
	}
	if !exists(a) {
		return protocol.ExitProofFile{}, fmt.Errorf("exchange: no account at index %d", index)
	}
	if !a.Key.X.Equal(&key.Public.X) || !a.Key.Y.Equal(&key.Public.Y) {
		return protocol.ExitProofFile{}, fmt.Errorf("exchange: the account at index %d belongs to another key", index)
	}
	root, err := s.Root()
	if err != nil {
		return protocol.ExitProofFile{}, err
	}
	pool, err := s.Pool()
	if err != nil {
		return protocol.ExitProofFile{}, err
	}
	path, err := s.tree.Siblings(uint64(index))
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
		RollupID: rollupID, StateRoot: hex.EncodeToString(rb[:]), LeafIndex: uint64(index),
		Account: hex.EncodeToString(key.Public.Address()), Balance: nz(a.Base).String(), Nonce: a.Nonce,
		Siblings: siblings, Recipient: sdk.AccAddress(recipient).String(), Signature: hex.EncodeToString(sig.Bytes()),
		QuoteBalance: nz(a.Quote).String(), Shares: nz(a.Shares).String(),
		PoolReserveBase: nz(pool.ReserveBase).String(), PoolReserveQuote: nz(pool.ReserveQuote).String(),
		PoolTotalShares: nz(pool.TotalShares).String(),
	}, nil
}

// BuildCreditsExitProof writes a claim that proves no leaf: it collects
// only the exit credits the chain owes key's address.
func BuildCreditsExitProof(root fr.Element, key *PrivateKey, chainID, rollupID string, recipient []byte) (protocol.ExitProofFile, error) {
	if len(recipient) == 0 {
		return protocol.ExitProofFile{}, fmt.Errorf("exchange: empty recipient")
	}
	rb := root.Bytes()
	sig := SignExit(key, chainID, rollupID, protocol.ExitLeafNone, recipient)
	return protocol.ExitProofFile{
		RollupID: rollupID, StateRoot: hex.EncodeToString(rb[:]), LeafIndex: protocol.ExitLeafNone,
		Account: hex.EncodeToString(key.Public.Address()), Balance: "0", Siblings: []string{},
		Recipient: sdk.AccAddress(recipient).String(), Signature: hex.EncodeToString(sig.Bytes()),
	}, nil
}
