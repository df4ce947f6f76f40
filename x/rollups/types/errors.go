package types

import errorsmod "cosmossdk.io/errors"

// Registered errors of x/rollups. Codes are never reused; 100-149 belong to
// the batch commitment encoding (errors_commitment.go).
var (
	ErrInvalidParams  = errorsmod.Register(ModuleName, 2, "invalid params")
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 3, "invalid genesis")
	ErrUnauthorized   = errorsmod.Register(ModuleName, 4, "unauthorized")
)
