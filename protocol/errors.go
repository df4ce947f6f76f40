package protocol

import "fmt"

// Codespace is the ABCI codespace of every protocol error.
const Codespace = "protocol"

// Error is a sentinel error of the protocol encodings, with a code that is
// stable across releases. It has the two methods cosmossdk.io/errors'
// ABCIInfo looks for (ABCICode, Codespace) and its wrappers have the Cause
// method ABCIInfo walks, so a transaction that fails with a protocol error,
// wrapped here or with errorsmod.Wrap, reports codespace "protocol" and the
// error's code, without this package importing the SDK.
type Error struct {
	code uint32
	desc string
}

// registered guards against two errors sharing a code. It is written only
// by the package's var initialisers.
var registered = map[uint32]string{}

// register declares the error of code, which must be unique and above 1
// (code 1 is the SDK's "internal error").
func register(code uint32, desc string) *Error {
	if code <= 1 {
		panic(fmt.Sprintf("protocol: error code %d is reserved", code))
	}
	if prev, ok := registered[code]; ok {
		panic(fmt.Sprintf("protocol: error code %d used twice (%q, %q)", code, prev, desc))
	}
	registered[code] = desc
	return &Error{code: code, desc: desc}
}

// Error is the description.
func (e *Error) Error() string { return e.desc }

// ABCICode is the error's code in the protocol codespace.
func (e *Error) ABCICode() uint32 { return e.code }

// Codespace is Codespace.
func (e *Error) Codespace() string { return Codespace }

// Wrap adds context: the message reads "desc: <error>", and errors.Is and
// the SDK's ABCIInfo still find e.
func (e *Error) Wrap(desc string) error { return &wrappedError{msg: desc, cause: e} }

// Wrapf is Wrap with a format.
func (e *Error) Wrapf(format string, args ...any) error {
	return e.Wrap(fmt.Sprintf(format, args...))
}

// wrapf wraps any error (typically one of ours, already wrapped) with more
// context, keeping its code.
func wrapf(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &wrappedError{msg: fmt.Sprintf(format, args...), cause: err}
}

// wrappedError is an error with context. Its message has the form of
// cosmossdk.io/errors' wrapped errors ("context: cause").
type wrappedError struct {
	msg   string
	cause error
}

func (w *wrappedError) Error() string { return w.msg + ": " + w.cause.Error() }

// Cause is what cosmossdk.io/errors' ABCIInfo walks to find the code.
func (w *wrappedError) Cause() error { return w.cause }

// Unwrap is what errors.Is and errors.As walk.
func (w *wrappedError) Unwrap() error { return w.cause }

// Errors of the protocol encodings. Codes 100-120 keep the numbers these
// errors had in the x/rollups codespace before the encodings moved here, so
// a failed transaction's result code (which CometBFT hashes into
// LastResultsHash) did not change with the move. Never reuse a code.
var (
	ErrFieldElementLength        = register(100, "field element must be exactly 32 bytes")
	ErrFieldElementNonCanonical  = register(101, "field element is not canonical (>= BN254 scalar field modulus)")
	ErrStateRootLength           = register(102, "state root must be exactly 32 bytes")
	ErrStateRootNonCanonical     = register(103, "state root is not a canonical BN254 scalar field element")
	ErrInvalidChainID            = register(104, "invalid chain id")
	ErrInvalidRollupID           = register(105, "invalid rollup id")
	ErrAmountOverflow            = register(106, "amount does not fit in 128 bits")
	ErrInvalidAmount             = register(107, "invalid amount")
	ErrInvalidDenom              = register(108, "invalid denom")
	ErrInvalidAddress            = register(109, "invalid address bytes")
	ErrPayloadTooLarge           = register(110, "payload too large")
	ErrInvalidInboxEntry         = register(111, "invalid inbox entry")
	ErrUnknownInboxKind          = register(112, "unknown inbox entry kind")
	ErrUnknownOutboxKind         = register(113, "unknown outbox entry kind")
	ErrInvalidOutboxEntry        = register(114, "invalid outbox entry")
	ErrOutboxTooLarge            = register(115, "encoded outbox too large")
	ErrOutboxTooManyEntries      = register(116, "too many outbox entries")
	ErrOutboxTruncated           = register(117, "encoded outbox truncated")
	ErrOutboxTrailingBytes       = register(118, "trailing bytes after encoded outbox")
	ErrOutboxNonCanonical        = register(119, "non-canonical outbox encoding")
	ErrCommitmentInputNotReduced = register(120, "batch commitment input is not a reduced field element")

	// Errors of exit claims (exit.go, paymentsv1). x/crossrollup reports a
	// rejected claim under its own ErrInvalidExitProof.
	ErrInvalidExitClaim = register(121, "invalid exit claim")
	ErrInvalidL2Key     = register(122, "invalid L2 public key")
	ErrInvalidSignature = register(123, "invalid signature encoding")
)
