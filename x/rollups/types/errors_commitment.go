package types

import errorsmod "cosmossdk.io/errors"

// Errors of the batch commitment encoding (commitment.go, inbox.go,
// outbox.go, da.go). Codes 100-149 of the x/rollups codespace are reserved
// for them; never reuse a code.
var (
	ErrFieldElementLength        = errorsmod.Register(ModuleName, 100, "field element must be exactly 32 bytes")
	ErrFieldElementNonCanonical  = errorsmod.Register(ModuleName, 101, "field element is not canonical (>= BN254 scalar field modulus)")
	ErrStateRootLength           = errorsmod.Register(ModuleName, 102, "state root must be exactly 32 bytes")
	ErrStateRootNonCanonical     = errorsmod.Register(ModuleName, 103, "state root is not a canonical BN254 scalar field element")
	ErrInvalidChainID            = errorsmod.Register(ModuleName, 104, "invalid chain id")
	ErrInvalidRollupID           = errorsmod.Register(ModuleName, 105, "invalid rollup id")
	ErrAmountOverflow            = errorsmod.Register(ModuleName, 106, "amount does not fit in 128 bits")
	ErrInvalidAmount             = errorsmod.Register(ModuleName, 107, "invalid amount")
	ErrInvalidDenom              = errorsmod.Register(ModuleName, 108, "invalid denom")
	ErrInvalidAddress            = errorsmod.Register(ModuleName, 109, "invalid address bytes")
	ErrPayloadTooLarge           = errorsmod.Register(ModuleName, 110, "payload too large")
	ErrInvalidInboxEntry         = errorsmod.Register(ModuleName, 111, "invalid inbox entry")
	ErrUnknownInboxKind          = errorsmod.Register(ModuleName, 112, "unknown inbox entry kind")
	ErrUnknownOutboxKind         = errorsmod.Register(ModuleName, 113, "unknown outbox entry kind")
	ErrInvalidOutboxEntry        = errorsmod.Register(ModuleName, 114, "invalid outbox entry")
	ErrOutboxTooLarge            = errorsmod.Register(ModuleName, 115, "encoded outbox too large")
	ErrOutboxTooManyEntries      = errorsmod.Register(ModuleName, 116, "too many outbox entries")
	ErrOutboxTruncated           = errorsmod.Register(ModuleName, 117, "encoded outbox truncated")
	ErrOutboxTrailingBytes       = errorsmod.Register(ModuleName, 118, "trailing bytes after encoded outbox")
	ErrOutboxNonCanonical        = errorsmod.Register(ModuleName, 119, "non-canonical outbox encoding")
	ErrCommitmentInputNotReduced = errorsmod.Register(ModuleName, 120, "batch commitment input is not a reduced field element")
)
