package payments

import "errors"

// ErrAccountOutOfRange is an account ApplyAccounts cannot store: an index
// beyond the tree or a balance outside [0, 2^BalanceBits).
var ErrAccountOutOfRange = errors.New("payments: account out of range")

// ErrMalformedForcedTx is returned for a payload that is not the canonical
// encoding of a transfer or withdrawal; the rollup consumes such an entry
// without effect.
var ErrMalformedForcedTx = errors.New("payments: malformed forced transaction")
