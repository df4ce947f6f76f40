package circuits

import "errors"

// Errors of the circuit registry. Callers test them with errors.Is.
var (
	// ErrUnknownCircuit is returned for a name nobody registered.
	ErrUnknownCircuit = errors.New("unknown circuit")
	// ErrInvalidParams is returned for undeclared, malformed or rejected
	// parameters.
	ErrInvalidParams = errors.New("invalid circuit parameters")
	// ErrAlreadyRegistered is returned when a name is registered twice.
	ErrAlreadyRegistered = errors.New("circuit already registered")
)
