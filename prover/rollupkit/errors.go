package rollupkit

import (
	"errors"
	"fmt"
)

// Errors of the kind registry and of kinds. Callers test them with
// errors.Is.
var (
	// ErrUnknownKind is returned for a kind nobody registered.
	ErrUnknownKind = errors.New("unknown rollup kind")
	// ErrInvalidKind is a kind Register refuses.
	ErrInvalidKind = errors.New("invalid rollup kind")
	// ErrKindRegistered is returned when a name is registered twice.
	ErrKindRegistered = errors.New("rollup kind already registered")
	// ErrForcedTxUnsupported is DecodeForcedTx of a kind without forced
	// transactions.
	ErrForcedTxUnsupported = errors.New("rollup kind has no forced transactions")
)

// Error codes of the operator's HTTP API (docs/operator-api.md), shared by
// the operator and the kinds' admission.
const (
	CodeInvalidRequest      = "invalid_request"
	CodeInvalidTx           = "invalid_tx"
	CodeNotRepresentable    = "amount_not_representable"
	CodeUnknownAccount      = "unknown_account"
	CodeUnknownRecipient    = "unknown_recipient"
	CodeBadNonce            = "bad_nonce"
	CodeBadSignature        = "bad_signature"
	CodeInsufficientBalance = "insufficient_balance"
	CodeFeeTooLow           = "fee_too_low"
	CodeBlockedRecipient    = "blocked_recipient"
	CodePayloadTooLarge     = "payload_too_large"
	CodeUnknownRollup       = "unknown_rollup"
	CodeTooManyPending      = "too_many_pending"
	CodeMempoolFull         = "mempool_full"
	CodeNotFound            = "not_found"
	CodeHalted              = "halted"
	CodeInternal            = "internal"
)

// APIError is an error with a stable code, returned by the API as
// {"error": {"code": ..., "message": ...}}.
type APIError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// NewAPIError is an APIError with a formatted message.
func NewAPIError(code, format string, args ...any) *APIError {
	return &APIError{Code: code, Message: fmt.Sprintf(format, args...)}
}
