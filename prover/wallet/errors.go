package wallet

import "errors"

// ErrUnreachable wraps transport failures.
var ErrUnreachable = errors.New("operator unreachable")

// ErrOperatorMismatch is returned when the operator's /v1/status names
// another chain, rollup or denom than the wallet's signing domain.
var ErrOperatorMismatch = errors.New("the operator does not serve the rollup this wallet signs for")

var (
	// ErrKeyExists is returned when adding a name already in use.
	ErrKeyExists = errors.New("an L2 key with this name exists")
	// ErrWrongPassphrase is returned when a sealed seed does not open.
	ErrWrongPassphrase = errors.New("wrong passphrase for the L2 key (or a corrupt key file)")
	// ErrNoPassphrase is returned when sealing with an empty passphrase.
	ErrNoPassphrase = errors.New("an L2 key needs a non-empty passphrase")
)
