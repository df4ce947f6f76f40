package types

import (
	"context"

	"github.com/nativechain/nativechain/protocol"
)

// Exodus: once x/rollups freezes a rollup, each of its accounts withdraws
// its last proven balance to L1, once, with a proof against the rollup's
// last verified state root (docs/spec/exodus.md).
//
// The chain knows no rollup's state layout by itself. A rollup declares one
// at registration (the rollup record's exit layout), and the app wires one
// ExitVerifier per layout name into the keeper. The claim and layout types
// and the payments-v1 verifier are in the protocol package
// (protocol/exit.go, protocol/paymentsv1); the keeper converts the message
// into a protocol.ExitClaim at this seam. Verifiers are pure, deterministic
// functions of their arguments: they read no store, no clock and no
// randomness.

// ExitVerifier checks exit claims of one state layout.
type ExitVerifier interface {
	// VerifyExit checks that claim's leaf (account, balance, nonce) is in
	// the tree of root at LeafIndex and that Signature by the leaf's key
	// authorises Recipient, for chainID and rollupID. A claim with
	// LeafIndex == protocol.ExitLeafNone proves no leaf: only the signature
	// by Account is checked. It returns nil or an error saying why; the
	// keeper reports any error as ErrInvalidExitProof.
	VerifyExit(ctx context.Context, chainID, rollupID string, layout protocol.ExitLayoutParams, root []byte, claim protocol.ExitClaim) error
	// VerifyGas is the gas charged before VerifyExit runs.
	VerifyGas(layout protocol.ExitLayoutParams) uint64
}
