package types

import errorsmod "cosmossdk.io/errors"

// Registered errors of x/rewards. Codes are never reused.
var (
	ErrInvalidParams    = errorsmod.Register(ModuleName, 2, "invalid params")
	ErrInvalidGenesis   = errorsmod.Register(ModuleName, 3, "invalid genesis")
	ErrUnauthorized     = errorsmod.Register(ModuleName, 4, "unauthorized")
	ErrUnknownSource    = errorsmod.Register(ModuleName, 5, "unknown inflow source")
	ErrInvalidInflow    = errorsmod.Register(ModuleName, 6, "invalid inflow")
	ErrBatchFeeUnpaid   = errorsmod.Register(ModuleName, 7, "batch fee could not be paid")
	ErrNoPendingRewards = errorsmod.Register(ModuleName, 8, "no pending rewards")
	ErrInvalidAddress   = errorsmod.Register(ModuleName, 9, "invalid address")
	ErrPoolInvariant    = errorsmod.Register(ModuleName, 10, "reward pool accounting broken")
	ErrInvalidRequest   = errorsmod.Register(ModuleName, 11, "invalid request")
	ErrInvalidApproval  = errorsmod.Register(ModuleName, 12, "invalid rollup key approval")
	ErrUnknownApproval  = errorsmod.Register(ModuleName, 13, "rollup key not approved")
)
