package types

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"
)

// Exodus: once x/rollups freezes a rollup, each of its accounts withdraws
// its last proven balance to L1, once, with a proof against the rollup's
// last verified state root (docs/spec/exodus.md).
//
// The chain knows no rollup's state layout by itself. A rollup declares one
// at registration (the rollup record's exit layout), and the app wires one
// ExitVerifier per layout name into the keeper. Verifiers are pure,
// deterministic functions of their arguments: they read no store, no clock
// and no randomness.

// ExitLayoutPaymentsV1 is the state layout of the reference payments rollup
// (docs/spec/payments-rollup.md): a Poseidon2 sparse Merkle tree whose leaf
// i is account i, owned by an EdDSA key on BN254's twisted Edwards curve.
const ExitLayoutPaymentsV1 = "payments-v1"

// TagExit separates the exit authorisation an account's L2 key signs.
const TagExit = "exodus/v1"

// ExitLeafNone is the leaf index of a claim that proves no leaf: it only
// collects refund credits owed to an L2 address (docs/spec/exodus.md).
const ExitLeafNone = ^uint64(0)

// ExitClaim is an account's claim on a frozen rollup, as the verifier sees
// it. Account is the L2 address of the leaf's key (64 bytes X||Y for
// payments-v1); Recipient is the raw 20-byte L1 address paid.
type ExitClaim struct {
	LeafIndex uint64
	Account   []byte
	Balance   sdkmath.Int
	Nonce     uint32
	// Siblings are the Merkle path from the leaf up, Depth entries of 32
	// bytes (big-endian field elements).
	Siblings  [][]byte
	Recipient []byte
	// Signature authorises paying Recipient: the L2 key's signature over
	// the exit message of the layout.
	Signature []byte
}

// ExitLayoutParams are the layout parameters a rollup registered.
type ExitLayoutParams struct {
	Name  string
	Depth uint32
	Denom string
}

// ExitVerifier checks exit claims of one state layout.
type ExitVerifier interface {
	// VerifyExit checks that claim's leaf (account, balance, nonce) is in
	// the tree of root at LeafIndex and that Signature by the leaf's key
	// authorises Recipient, for chainID and rollupID. A claim with
	// LeafIndex == ExitLeafNone proves no leaf: only the signature by
	// Account is checked. It returns nil or an error wrapping
	// ErrInvalidExitProof.
	VerifyExit(ctx context.Context, chainID, rollupID string, layout ExitLayoutParams, root []byte, claim ExitClaim) error
	// VerifyGas is the gas charged before VerifyExit runs.
	VerifyGas(layout ExitLayoutParams) uint64
}

// ExitProofFile is the JSON file `nativechaind l2 exit-proof` writes and
// `tx crossrollup exodus-withdraw --proof-file` reads. Byte fields are
// lower-case hex; Balance is a decimal integer.
type ExitProofFile struct {
	RollupID  string   `json:"rollup_id"`
	StateRoot string   `json:"state_root"`
	LeafIndex uint64   `json:"leaf_index"`
	Account   string   `json:"account"`
	Balance   string   `json:"balance"`
	Nonce     uint32   `json:"nonce"`
	Siblings  []string `json:"siblings"`
	Recipient string   `json:"recipient"` // bech32
	Signature string   `json:"signature"`
}

// Exodus errors.
var (
	ErrRollupNotFrozen  = errorsmod.Register(ModuleName, 16, "the rollup is not frozen")
	ErrNoExitLayout     = errorsmod.Register(ModuleName, 17, "the rollup registered no exit layout the chain can verify")
	ErrStaleExitRoot    = errorsmod.Register(ModuleName, 18, "the exit proof is not against the rollup's last verified state root")
	ErrInvalidExitProof = errorsmod.Register(ModuleName, 19, "invalid exit proof")
	ErrAlreadyExited    = errorsmod.Register(ModuleName, 20, "the account has already exited")
	ErrNothingToExit    = errorsmod.Register(ModuleName, 21, "nothing to exit")
)
