package proof

import errorsmod "cosmossdk.io/errors"

// Codespace is the codespace of this package's errors. The package runs in
// clients only, so these codes never appear in a transaction result.
const Codespace = "crossrollup-proof"

var (
	// ErrMalformedProof: the proof is missing, truncated, or has operations
	// of a kind or in an order the multistore never produces.
	ErrMalformedProof = errorsmod.Register(Codespace, 2, "malformed proof")
	// ErrKeyMismatch: the proof is for another key or another store.
	ErrKeyMismatch = errorsmod.Register(Codespace, 3, "proof is for another key or store")
	// ErrValueMismatch: the proof does not prove this value (or, for an
	// absent value, does not prove absence).
	ErrValueMismatch = errorsmod.Register(Codespace, 4, "proof does not prove the value")
	// ErrAppHashMismatch: the proof is consistent but leads to another root
	// than the trusted app hash.
	ErrAppHashMismatch = errorsmod.Register(Codespace, 5, "proof does not lead to the trusted app hash")
	// ErrQuery: the node refused or failed the store query.
	ErrQuery = errorsmod.Register(Codespace, 6, "store query failed")
	// ErrTrust: no trusted app hash could be obtained for the height.
	ErrTrust = errorsmod.Register(Codespace, 7, "no trusted app hash")
	// ErrInvalidKey: a key part cannot be encoded (e.g. an empty rollup id).
	ErrInvalidKey = errorsmod.Register(Codespace, 8, "invalid key")
)
