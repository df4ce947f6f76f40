package types

import errorsmod "cosmossdk.io/errors"

// Registered errors of x/crossrollup. Codes are never reused.
var (
	ErrInvalidParams      = errorsmod.Register(ModuleName, 2, "invalid params")
	ErrInvalidGenesis     = errorsmod.Register(ModuleName, 3, "invalid genesis")
	ErrUnauthorized       = errorsmod.Register(ModuleName, 4, "unauthorized")
	ErrDepositsDisabled   = errorsmod.Register(ModuleName, 5, "deposits are disabled")
	ErrInvalidDeposit     = errorsmod.Register(ModuleName, 6, "invalid deposit")
	ErrLedgerInsufficient = errorsmod.Register(ModuleName, 7, "rollup escrow ledger is insufficient")
	ErrInvalidWithdrawal  = errorsmod.Register(ModuleName, 8, "invalid withdrawal")
	ErrRoutingUnavailable = errorsmod.Register(ModuleName, 9, "cross-rollup routing is not available") // retired: routing exists
	ErrInvalidRequest     = errorsmod.Register(ModuleName, 10, "invalid request")
	ErrRollupPaused       = errorsmod.Register(ModuleName, 11, "the rollup's bridge is paused")
	ErrInvalidMessage     = errorsmod.Register(ModuleName, 12, "invalid message")
	ErrInvalidBundle      = errorsmod.Register(ModuleName, 13, "invalid bundle")
	ErrInvalidOutflowCap  = errorsmod.Register(ModuleName, 14, "invalid outflow cap")
	ErrNoRewardPool       = errorsmod.Register(ModuleName, 15, "a bridge fee is set but no reward pool is wired") // retired: the pool is a constructor argument
)

// Exodus errors (MsgExodusWithdraw: exodus_msgs.go, keeper/exodus.go).
var (
	ErrRollupNotFrozen  = errorsmod.Register(ModuleName, 16, "the rollup is not frozen")
	ErrNoExitLayout     = errorsmod.Register(ModuleName, 17, "the rollup registered no exit layout the chain can verify")
	ErrStaleExitRoot    = errorsmod.Register(ModuleName, 18, "the exit proof is not against the rollup's last verified state root")
	ErrInvalidExitProof = errorsmod.Register(ModuleName, 19, "invalid exit proof")
	ErrAlreadyExited    = errorsmod.Register(ModuleName, 20, "the account has already exited")
	ErrNothingToExit    = errorsmod.Register(ModuleName, 21, "nothing to exit")
)

// ErrNothingAccrued: MsgClaimAccrued by an account with nothing accrued
// (never a submitter paid by its own batches, or claiming twice).
var ErrNothingAccrued = errorsmod.Register(ModuleName, 22, "nothing accrued to claim")

// ErrTooManyBatches: a transaction carries more batches, lone or bundled,
// than the mempool admits in one transaction (max_bundle_batches).
var ErrTooManyBatches = errorsmod.Register(ModuleName, 23, "too many batches in one transaction")
