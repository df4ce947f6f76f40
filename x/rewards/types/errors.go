package types

import errorsmod "cosmossdk.io/errors"

// Registered errors of x/rewards. Codes are never reused.
var (
	ErrInvalidParams  = errorsmod.Register(ModuleName, 2, "invalid params")
	ErrInvalidGenesis = errorsmod.Register(ModuleName, 3, "invalid genesis")
	ErrUnauthorized   = errorsmod.Register(ModuleName, 4, "unauthorized")
)
