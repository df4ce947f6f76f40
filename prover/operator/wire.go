package operator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/payments"
)

// WireTx is a signed payments transaction as the HTTP API carries it
// (docs/operator-api.md). Amounts are decimal strings in the rollup's denom;
// byte fields are hex.
type WireTx struct {
	Kind       string  `json:"kind"` // "transfer", "withdraw" or "send"
	From       uint32  `json:"from"`
	To         uint32  `json:"to,omitempty"`
	ToAddress  string  `json:"to_address,omitempty"` // transfer: the recipient's L2 address, signed (the account at 'to' must hold it)
	Amount     string  `json:"amount"`
	Fee        string  `json:"fee"`
	Nonce      uint32  `json:"nonce"`
	Recipient  string  `json:"recipient,omitempty"`   // withdraw: L1 address bytes; send: L2 address on dest_rollup
	DestRollup string  `json:"dest_rollup,omitempty"` // send only
	Payload    string  `json:"payload,omitempty"`     // send only
	Sig        WireSig `json:"sig"`
}

// WireSig is an EdDSA signature (R, S), each coordinate 32 bytes big-endian hex.
type WireSig struct {
	RX string `json:"rx"`
	RY string `json:"ry"`
	S  string `json:"s"`
}

var kindNames = map[payments.RecordKind]string{
	payments.KindTransfer: "transfer",
	payments.KindWithdraw: "withdraw",
	payments.KindSend:     "send",
}

// ToWire encodes a payments transaction.
func ToWire(tx payments.Tx) WireTx {
	rx, ry := tx.Sig.RX.Bytes(), tx.Sig.RY.Bytes()
	var s [32]byte
	tx.Sig.S.FillBytes(s[:])
	w := WireTx{
		Kind: kindNames[tx.Kind], From: tx.From, To: tx.To,
		Amount: tx.Amount.Value().String(), Fee: tx.Fee.Value().String(), Nonce: tx.Nonce,
		DestRollup: tx.DestRollupID,
		Sig:        WireSig{RX: hex.EncodeToString(rx[:]), RY: hex.EncodeToString(ry[:]), S: hex.EncodeToString(s[:])},
	}
	if tx.Kind == payments.KindTransfer {
		w.ToAddress = hex.EncodeToString(tx.ToKey.Address())
	}
	if len(tx.Recipient) > 0 {
		w.Recipient = hex.EncodeToString(tx.Recipient)
	}
	if len(tx.Payload) > 0 {
		w.Payload = hex.EncodeToString(tx.Payload)
	}
	return w
}

// FromWire decodes and shape-checks a wire transaction (no state checks).
func FromWire(w WireTx) (payments.Tx, error) {
	var tx payments.Tx
	switch strings.ToLower(w.Kind) {
	case "transfer":
		tx.Kind = payments.KindTransfer
	case "withdraw", "withdrawal":
		tx.Kind = payments.KindWithdraw
	case "send":
		tx.Kind = payments.KindSend
	default:
		return tx, apiErr(CodeInvalidTx, "kind %q: want transfer, withdraw or send", w.Kind)
	}
	tx.From, tx.To, tx.Nonce = w.From, w.To, w.Nonce
	amount, ok := new(big.Int).SetString(w.Amount, 10)
	if !ok || amount.Sign() < 0 {
		return tx, apiErr(CodeInvalidTx, "amount %q is not a non-negative integer", w.Amount)
	}
	if tx.Amount, ok = encode(payments.EncodeAmount, amount); !ok {
		return tx, apiErr(CodeNotRepresentable, "amount %s has no exact compact encoding (a mantissa below 2^28 times a power of ten)", amount)
	}
	fee := big.NewInt(0)
	if w.Fee != "" {
		if fee, ok = new(big.Int).SetString(w.Fee, 10); !ok || fee.Sign() < 0 {
			return tx, apiErr(CodeInvalidTx, "fee %q is not a non-negative integer", w.Fee)
		}
	}
	if tx.Fee, ok = encode(payments.EncodeFee, fee); !ok {
		return tx, apiErr(CodeNotRepresentable, "fee %s has no exact compact encoding (a mantissa below 256 times a power of ten)", fee)
	}
	var err error
	if tx.Kind != payments.KindTransfer {
		if tx.To != 0 {
			return tx, apiErr(CodeInvalidTx, "%s: 'to' must be 0 (the recipient goes in 'recipient')", w.Kind)
		}
		if amount.Sign() == 0 {
			return tx, apiErr(CodeInvalidTx, "a %s of zero", w.Kind)
		}
		if tx.Recipient, err = hex.DecodeString(w.Recipient); err != nil || len(tx.Recipient) == 0 {
			return tx, apiErr(CodeInvalidTx, "recipient: want hex bytes")
		}
	} else if w.Recipient != "" || w.DestRollup != "" || w.Payload != "" {
		return tx, apiErr(CodeInvalidTx, "a transfer has no recipient, dest_rollup or payload")
	}
	if tx.Kind == payments.KindTransfer {
		b, err := hex.DecodeString(w.ToAddress)
		if err == nil {
			tx.ToKey, err = paymentsv1.ParseAddress(b)
		}
		if err != nil {
			return tx, apiErr(CodeInvalidTx, "to_address: want the recipient's 64-byte L2 address in hex (the signature covers it)")
		}
	} else if w.ToAddress != "" {
		return tx, apiErr(CodeInvalidTx, "only a transfer has to_address")
	}
	if tx.Kind == payments.KindSend {
		if w.DestRollup == "" {
			return tx, apiErr(CodeInvalidTx, "send: dest_rollup is required")
		}
		tx.DestRollupID = w.DestRollup
		if w.Payload != "" {
			if tx.Payload, err = hex.DecodeString(w.Payload); err != nil {
				return tx, apiErr(CodeInvalidTx, "payload: want hex")
			}
		}
	} else if w.DestRollup != "" || w.Payload != "" {
		return tx, apiErr(CodeInvalidTx, "only a send has dest_rollup and payload")
	}
	if err := decodeElement(w.Sig.RX, &tx.Sig.RX); err != nil {
		return tx, apiErr(CodeBadSignature, "sig.rx: %v", err)
	}
	if err := decodeElement(w.Sig.RY, &tx.Sig.RY); err != nil {
		return tx, apiErr(CodeBadSignature, "sig.ry: %v", err)
	}
	sb, err := hex.DecodeString(w.Sig.S)
	if err != nil || len(sb) != 32 {
		return tx, apiErr(CodeBadSignature, "sig.s: want 32 bytes of hex")
	}
	tx.Sig.S.SetBytes(sb)
	return tx, nil
}

func encode(f func(*big.Int) (payments.Float, error), v *big.Int) (payments.Float, bool) {
	x, err := f(v)
	return x, err == nil
}

func decodeElement(s string, e *fr.Element) error {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return fmt.Errorf("want 32 bytes of hex")
	}
	return e.SetBytesCanonical(b)
}

// TxID is the hex SHA-256 of the transaction's canonical JSON encoding.
func TxID(w WireTx) string {
	bz, _ := json.Marshal(w)
	h := sha256.Sum256(bz)
	return hex.EncodeToString(h[:])
}

// Error codes of the HTTP API (docs/operator-api.md).
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

func apiErr(code, format string, args ...any) *APIError {
	return &APIError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// AccountView is GET /v1/accounts/{address}.
type AccountView struct {
	Address string `json:"address"`
	Index   uint32 `json:"index"`
	Balance string `json:"balance"` // at the head (built batches included)
	Nonce   uint32 `json:"nonce"`
	// Pending values include accepted transactions not yet in a batch.
	PendingBalance string `json:"pending_balance"`
	PendingNonce   uint32 `json:"pending_nonce"`
	// Verified values are at the last batch the chain verified.
	VerifiedBalance string `json:"verified_balance"`
	VerifiedNonce   uint32 `json:"verified_nonce"`
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
}

// Status is GET /v1/status.
type Status struct {
	ChainID         string `json:"chain_id"`
	RollupID        string `json:"rollup_id"`
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
