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
	// VerifyExitPayout checks that claim's leaf (its account and values)
	// is in the state of root at LeafIndex and that Signature by the leaf's
	// key authorises Recipient, for chainID and rollupID, and returns what
	// the leaf is paid, in the layout's denoms: one amount in Denom for a
	// one-denom layout (payments-v1: the leaf's balance), amounts in Denom
	// and QuoteDenom for a two-denom layout (exchange-v1). A claim with
	// LeafIndex == protocol.ExitLeafNone proves no leaf: only the signature
	// by Account is checked and nothing is returned. On error the keeper
	// reports it as ErrInvalidExitProof; it refuses an amount in a denom
	// that is not the layout's, and pays nothing a ledger does not cover.
	VerifyExitPayout(ctx context.Context, chainID, rollupID string, layout protocol.ExitLayoutParams, root []byte, claim protocol.ExitClaim) ([]protocol.ExitAmount, error)
	// VerifyGas is the gas charged before VerifyExitPayout runs.
	VerifyGas(layout protocol.ExitLayoutParams) uint64
}
