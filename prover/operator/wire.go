package operator

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/nativechain/nativechain/prover/rollupkit"
)

// txID is the hex SHA-256 of a transaction's canonical wire form.
func txID(wire []byte) string {
	h := sha256.Sum256(wire)
	return hex.EncodeToString(h[:])
}

// Error codes of the HTTP API (docs/operator-api.md): rollupkit's, which
// the kinds' admission returns too.
const (
	CodeInvalidRequest      = rollupkit.CodeInvalidRequest
	CodeInvalidTx           = rollupkit.CodeInvalidTx
	CodeNotRepresentable    = rollupkit.CodeNotRepresentable
	CodeUnknownAccount      = rollupkit.CodeUnknownAccount
	CodeUnknownRecipient    = rollupkit.CodeUnknownRecipient
	CodeBadNonce            = rollupkit.CodeBadNonce
	CodeBadSignature        = rollupkit.CodeBadSignature
	CodeInsufficientBalance = rollupkit.CodeInsufficientBalance
	CodeFeeTooLow           = rollupkit.CodeFeeTooLow
	CodeBlockedRecipient    = rollupkit.CodeBlockedRecipient
	CodePayloadTooLarge     = rollupkit.CodePayloadTooLarge
	CodeUnknownRollup       = rollupkit.CodeUnknownRollup
	CodeTooManyPending      = rollupkit.CodeTooManyPending
	CodeMempoolFull         = rollupkit.CodeMempoolFull
	CodeNotFound            = rollupkit.CodeNotFound
	CodeHalted              = rollupkit.CodeHalted
	CodeInternal            = rollupkit.CodeInternal
)

// Error codes of the synchronous-call endpoints (sync_api.go).
const (
	CodeNotLeader      = "not_leader"      // 503: this operator does not lead rounds
	CodeNoRound        = "no_round"        // 404: no such round
	CodeRoundClosed    = "round_closed"    // 409: the round takes no more offers (or signatures)
	CodeOfferMalformed = "offer_malformed" // 422: the offer does not decode
	CodeOfferMismatch  = "offer_mismatch"  // 422: the offer does not describe its batch, or not the predicted inbox
	CodeOfferStale     = "offer_stale"     // 409: expired, another chain, or a batch the chain is past
	CodeNotOperator    = "not_operator"    // 422: the signer is not an operator of the rollup
	CodeWouldBounce    = "would_bounce"    // 409: a message of the batch would bounce
	CodeSlotsFull      = "slots_full"      // 409: the round's exchange batch has no slot left
	CodeProbation      = "probation"       // 409: the rollup failed a recent round
	CodeEquivocation   = "equivocation"    // 409: another offer for the same batch slot was signed
	CodeNoSync         = "sync_off"        // 503: this operator does not take part in rounds
)

// APIError is an error with a stable code, returned by the API as
// {"error": {"code": ..., "message": ...}}.
type APIError = rollupkit.APIError

func apiErr(code, format string, args ...any) *APIError {
	return rollupkit.NewAPIError(code, format, args...)
}

// SubmitResult is the answer to POST /v1/tx.
type SubmitResult struct {
	ID     string `json:"id"`
	Seq    uint64 `json:"seq"`
	Status string `json:"status"`
}

// TxStatus is GET /v1/tx/{id}.
type TxStatus struct {
	ID     string `json:"id"`
	Status string `json:"status"` // pending, built, proven, submitted, verified, rejected
	Batch  uint64 `json:"batch,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Sync is the transaction's batch's part in a synchronous-call round
	// (docs/spec/sync-calls.md); absent for an ordinary batch.
	Sync *SyncTxStatus `json:"sync,omitempty"`
}

// Status is GET /v1/status.
type Status struct {
	ChainID         string `json:"chain_id"`
	RollupID        string `json:"rollup_id"`
	Kind            string `json:"kind,omitempty"` // the rollup kind (rollupkit registry name)
	Denom           string `json:"denom"`
	Depth           int    `json:"depth"`
	Slots           int    `json:"slots"`
	Submitter       string `json:"submitter"`
	ChainHeight     int64  `json:"chain_height"`
	ChainNextBatch  uint64 `json:"chain_next_batch"`
	LastVerified    uint64 `json:"last_verified"`
	LastBuilt       uint64 `json:"last_built"`
	LastProven      uint64 `json:"last_proven"`
	LastSubmitted   uint64 `json:"last_submitted"`
	MempoolPending  int    `json:"mempool_pending"`
	InFlightTxs     int    `json:"in_flight_txs"`
	InboxPending    uint64 `json:"inbox_pending"`
	BatchesProven   uint64 `json:"batches_proven"`
	BatchesVerified uint64 `json:"batches_verified"`
	LastProveMillis int64  `json:"last_prove_ms"`
	LagBlocks       int64  `json:"lag_blocks"`
	// Role is "primary", "standby" or "standby-active" (a standby that took
	// over); BatchesFollowed counts batches other operators built that this
	// one applied, RacesLost the indices it had a batch for that another
	// operator's batch took.
	Role            string `json:"role"`
	BatchesFollowed uint64 `json:"batches_followed"`
	RacesLost       uint64 `json:"races_lost"`
	StateRoot       string `json:"state_root"` // verified
	HeadRoot        string `json:"head_root"`
	Halted          string `json:"halted,omitempty"`
	ChainError      string `json:"chain_error,omitempty"`
	// MinFee is the smallest fee the API accepts, in Denom; a wallet
	// defaults to it.
	MinFee string `json:"min_fee"`
	// Accrued is the fees accrued to the submitter address on the chain,
	// not claimed yet, as last seen (empty: not asked yet);
	// ClaimAccruedMin the amount of a denom at which the daemon claims
	// them ("0": never).
	Accrued         string `json:"accrued,omitempty"`
	ClaimAccruedMin string `json:"claim_accrued_min"`
	// Proving is the proving pipeline: jobs in flight, the rate, and for
	// a prover fleet its queue and workers.
	Proving ProvingStatus `json:"proving"`
}

// ProvingStatus is the proving part of a Status.
type ProvingStatus struct {
	// Prover is "inline" (this process) or "fleet <queue URL>"; KeyHash,
	// for a fleet, the key hash its jobs name (SHA-256 of vk.bin: what
	// `operator prover --key-hash` selects).
	Prover  string `json:"prover"`
	KeyHash string `json:"key_hash,omitempty"`
	// InFlight are the batches being proven, lowest index first.
	InFlight []ProvingJobStatus `json:"in_flight,omitempty"`
	// TransfersPerSecond is the L2 transactions of the batches proven in
	// the last minute (or since the first proof), per second.
	TransfersPerSecond float64 `json:"transfers_per_second"`
	// The rest is a fleet's: jobs in its queue (waiting or being proven;
	// -1: unknown or no queue), jobs delivered more than once, results
	// refused by the operator's check, and its workers.
	QueueDepth   int64                 `json:"queue_depth"`
	Redeliveries uint64                `json:"redeliveries"`
	BadProofs    uint64                `json:"bad_proofs"`
	Workers      []ProvingWorkerStatus `json:"workers,omitempty"`
}

// ProvingJobStatus is one batch being proven.
type ProvingJobStatus struct {
	Index         uint64 `json:"index"`
	StartedAt     int64  `json:"started_at_ms"` // when proving asked for its proof (unix ms)
	ElapsedMillis int64  `json:"elapsed_ms"`
	// Worker is the fleet worker proving it now ("" while it waits in the
	// queue), since WorkerStartedAt (unix ms); Attempt counts the proofs
	// refused before; Delivered the deliveries of this attempt.
	Worker          string `json:"worker,omitempty"`
	WorkerStartedAt int64  `json:"worker_started_at_ms,omitempty"`
	Attempt         uint32 `json:"attempt,omitempty"`
	Delivered       uint64 `json:"delivered,omitempty"`
}

// ProvingWorkerStatus is one fleet worker, from its last stats message.
type ProvingWorkerStatus struct {
	Name        string  `json:"name"`
	ProofsDone  uint64  `json:"proofs_done"`
	MeanSeconds float64 `json:"mean_seconds"` // per proof
	Redelivered uint64  `json:"redelivered"`  // jobs it took that were delivered before
	Failures    uint64  `json:"failures"`
	// Busy is the batch it proves ("rollup/index"), "" when idle.
	Busy       string `json:"busy,omitempty"`
	LastSeenMs int64  `json:"last_seen_ms"` // unix ms of its last stats
}
