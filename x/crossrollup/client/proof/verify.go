package proof

import (
	"bytes"

	"github.com/cometbft/cometbft/crypto/merkle"
	"github.com/cometbft/cometbft/proto/tendermint/crypto"

	"github.com/cosmos/cosmos-sdk/store/v2/rootmulti"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
)

// proofRuntime decodes the two ics23 operations the multistore returns: an
// IAVL proof of the key in its module store, then a simple Merkle proof of
// that store's root in the multistore's commit info, whose root is the app
// hash. It is only read after construction, so sharing it is safe.
var proofRuntime = rootmulti.DefaultProofRuntime()

// KeyPath is the key path a multistore proof is checked along: the store
// name, then the raw key (hex, as keys are binary).
func KeyPath(storeName string, key []byte) string {
	return merkle.KeyPath{}.
		AppendKey([]byte(storeName), merkle.KeyEncodingURL).
		AppendKey(key, merkle.KeyEncodingHex).
		String()
}

// Verify checks that proofOps proves key -> value in store storeName of the
// state whose app hash is appHash. An empty value asks for a proof of
// absence: the key is not in the store (collections never store an empty
// value, so an empty value cannot be confused with a present one).
//
// appHash must come from a trusted header: for state at height H it is the
// AppHash of the header at H+1 (see AppHashSource).
func Verify(appHash []byte, storeName string, key, value []byte, proofOps *crypto.ProofOps) error {
	if len(appHash) == 0 {
		return ErrTrust.Wrap("empty app hash")
	}
	if len(key) == 0 || storeName == "" {
		return ErrInvalidKey.Wrap("store name and key are required")
	}
	if proofOps == nil || len(proofOps.Ops) != 2 {
		n := 0
		if proofOps != nil {
			n = len(proofOps.Ops)
		}
		return ErrMalformedProof.Wrapf("want 2 operations (store tree, multistore), got %d", n)
	}
	storeOp, multiOp := proofOps.Ops[0], proofOps.Ops[1]
	if storeOp.Type != storetypes.ProofOpIAVLCommitment || multiOp.Type != storetypes.ProofOpSimpleMerkleCommitment {
		return ErrMalformedProof.Wrapf("operations %q, %q; want %q, %q",
			storeOp.Type, multiOp.Type, storetypes.ProofOpIAVLCommitment, storetypes.ProofOpSimpleMerkleCommitment)
	}
	if !bytes.Equal(storeOp.Key, key) {
		return ErrKeyMismatch.Wrapf("proof is for key %X, want %X", storeOp.Key, key)
	}
	if string(multiOp.Key) != storeName {
		return ErrKeyMismatch.Wrapf("proof is for store %q, want %q", multiOp.Key, storeName)
	}
	ops, err := proofRuntime.DecodeProof(proofOps)
	if err != nil {
		return ErrMalformedProof.Wrap(err.Error())
	}

	var args [][]byte // none: absence
	if len(value) > 0 {
		args = [][]byte{value}
	}
	err = ops.Verify(appHash, KeyPath(storeName, key), args)
	if err == nil {
		return nil
	}
	// The runtime said no; say why in a way callers can test for: either
	// the proof does not prove this value, or it proves it in another state.
	root, runErr := rootOf(ops, args)
	if runErr != nil {
		if len(value) == 0 {
			return ErrValueMismatch.Wrapf("absence of key %X not proven: %v", key, runErr)
		}
		return ErrValueMismatch.Wrapf("key %X: %v", key, runErr)
	}
	if !bytes.Equal(root, appHash) {
		return ErrAppHashMismatch.Wrapf("proof root %X, trusted app hash %X", root, appHash)
	}
	return ErrMalformedProof.Wrap(err.Error())
}

// rootOf runs the decoded operations on args and returns the root they
// compute, only to classify a failure that the runtime already reported.
func rootOf(ops merkle.ProofOperators, args [][]byte) ([]byte, error) {
	var err error
	for _, op := range ops {
		if args, err = op.Run(args); err != nil {
			return nil, err
		}
	}
	if len(args) != 1 {
		return nil, ErrMalformedProof.Wrapf("proof computes %d roots", len(args))
	}
	return args[0], nil
}
