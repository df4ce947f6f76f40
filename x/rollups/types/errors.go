package types

import errorsmod "cosmossdk.io/errors"

// Registered errors of x/rollups. Codes are never reused. 100-149 are
// retired here: the batch commitment encoding's errors moved, with the same
// numbers, to the "protocol" codespace (package protocol, errors.go).
var (
	ErrInvalidParams        = errorsmod.Register(ModuleName, 2, "invalid params")
	ErrInvalidGenesis       = errorsmod.Register(ModuleName, 3, "invalid genesis")
	ErrUnauthorized         = errorsmod.Register(ModuleName, 4, "unauthorized")
	ErrRollupExists         = errorsmod.Register(ModuleName, 5, "rollup already registered")
	ErrUnknownRollup        = errorsmod.Register(ModuleName, 6, "unknown rollup")
	ErrRollupNotActive      = errorsmod.Register(ModuleName, 7, "rollup is not active")
	ErrInvalidOperators     = errorsmod.Register(ModuleName, 8, "invalid operator set")
	ErrNotOperator          = errorsmod.Register(ModuleName, 9, "submitter is not an operator of the rollup")
	ErrNotAdmin             = errorsmod.Register(ModuleName, 10, "signer is not the rollup admin")
	ErrInsufficientBond     = errorsmod.Register(ModuleName, 11, "bond below the minimum")
	ErrInvalidVerifyingKey  = errorsmod.Register(ModuleName, 12, "invalid verifying key")
	ErrInvalidProof         = errorsmod.Register(ModuleName, 13, "invalid batch proof")
	ErrWrongBatchIndex      = errorsmod.Register(ModuleName, 14, "wrong batch index")
	ErrBatchDataTooLarge    = errorsmod.Register(ModuleName, 15, "batch data too large")
	ErrInboxOverconsumed    = errorsmod.Register(ModuleName, 16, "batch consumes more inbox messages than exist")
	ErrBridgeLedgerNotEmpty = errorsmod.Register(ModuleName, 17, "rollup still holds bridged funds")
	ErrUnknownBatch         = errorsmod.Register(ModuleName, 18, "unknown batch")
	ErrInvalidBatchLimit    = errorsmod.Register(ModuleName, 19, "invalid max batch data bytes")
	ErrInvalidRequest       = errorsmod.Register(ModuleName, 20, "invalid request")
	ErrInboxMessageNotFound = errorsmod.Register(ModuleName, 21, "inbox message not found")
	// ErrInvalidExitLayout: a registration declared a malformed exit layout.
	ErrInvalidExitLayout = errorsmod.Register(ModuleName, 22, "invalid exit layout")
	// ErrForcedInboxFull is retired (review 2026-12, H3): forced entries are
	// spaced and priced, never refused at a cap. The code stays reserved.
	ErrForcedInboxFull = errorsmod.Register(ModuleName, 23, "too many unconsumed forced transactions")
	// ErrRollupClosing: the rollup is winding down and takes no new value.
	ErrRollupClosing = errorsmod.Register(ModuleName, 30, "rollup is winding down")
	// ErrForcedInclusionFee: the sender cannot pay the forced-inclusion fee.
	ErrForcedInclusionFee = errorsmod.Register(ModuleName, 31, "cannot pay the forced inclusion fee")
	// ErrBatchPruned: the batch was verified but its record is past
	// batch_history_keep; its full record is in its event and block.
	ErrBatchPruned = errorsmod.Register(ModuleName, 32, "batch record pruned")
	// ErrNoInPlaceMigration: a store migration this version does not
	// provide (upgrade by genesis export and import instead).
	ErrNoInPlaceMigration = errorsmod.Register(ModuleName, 33, "no in-place store migration")
	// ErrDenomNotHeld: value in a denom other than the one the rollup's
	// exit layout declares (issue 18, two tokens on the bridge).
	ErrDenomNotHeld = errorsmod.Register(ModuleName, 34, "denom not held by the rollup")
)
