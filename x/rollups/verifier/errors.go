package verifier

import errorsmod "cosmossdk.io/errors"

// Codespace of the verifier's registered errors.
const Codespace = "rollups-verifier"

var (
	ErrVKTooLarge            = errorsmod.Register(Codespace, 2, "verifying key too large")
	ErrVKTruncated           = errorsmod.Register(Codespace, 3, "verifying key truncated")
	ErrVKTrailingBytes       = errorsmod.Register(Codespace, 4, "trailing bytes after verifying key")
	ErrVKPublicInputCount    = errorsmod.Register(Codespace, 5, "verifying key has the wrong number of public inputs")
	ErrVKCommitmentCount     = errorsmod.Register(Codespace, 6, "verifying key has an unsupported number of commitments")
	ErrVKEncoding            = errorsmod.Register(Codespace, 7, "malformed verifying key encoding")
	ErrVKDegenerate          = errorsmod.Register(Codespace, 8, "verifying key contains the point at infinity")
	ErrProofLength           = errorsmod.Register(Codespace, 9, "proof has the wrong length")
	ErrProofEncoding         = errorsmod.Register(Codespace, 10, "malformed proof encoding")
	ErrProofCommitmentCount  = errorsmod.Register(Codespace, 11, "proof has the wrong number of commitments")
	ErrPublicInputCount      = errorsmod.Register(Codespace, 12, "wrong number of public inputs")
	ErrPublicInputNotReduced = errorsmod.Register(Codespace, 13, "public input is not a reduced field element")
	ErrProofInvalid          = errorsmod.Register(Codespace, 14, "proof does not verify")
	ErrNilInput              = errorsmod.Register(Codespace, 15, "nil verifying key or proof")
	ErrBatchInconsistent     = errorsmod.Register(Codespace, 16, "batch check failed but every proof verifies alone")
)
