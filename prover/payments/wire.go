package payments

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// The payments transactions and accounts as the operator's HTTP API
// carries them (docs/operator-api.md): the payments kind's wire form.

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

var kindNames = map[RecordKind]string{
	KindTransfer: "transfer",
	KindWithdraw: "withdraw",
	KindSend:     "send",
}

// ToWire encodes a payments transaction.
func ToWire(tx Tx) WireTx {
	rx, ry := tx.Sig.RX.Bytes(), tx.Sig.RY.Bytes()
	var s [32]byte
	tx.Sig.S.FillBytes(s[:])
	w := WireTx{
		Kind: kindNames[tx.Kind], From: tx.From, To: tx.To,
		Amount: tx.Amount.Value().String(), Fee: tx.Fee.Value().String(), Nonce: tx.Nonce,
		DestRollup: tx.DestRollupID,
		Sig:        WireSig{RX: hex.EncodeToString(rx[:]), RY: hex.EncodeToString(ry[:]), S: hex.EncodeToString(s[:])},
	}
	if tx.Kind == KindTransfer {
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
func FromWire(w WireTx) (Tx, error) {
	var tx Tx
	switch strings.ToLower(w.Kind) {
	case "transfer":
		tx.Kind = KindTransfer
	case "withdraw", "withdrawal":
		tx.Kind = KindWithdraw
	case "send":
		tx.Kind = KindSend
	default:
		return tx, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "kind %q: want transfer, withdraw or send", w.Kind)
	}
	tx.From, tx.To, tx.Nonce = w.From, w.To, w.Nonce
	amount, ok := new(big.Int).SetString(w.Amount, 10)
	if !ok || amount.Sign() < 0 {
		return tx, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "amount %q is not a non-negative integer", w.Amount)
	}
	if tx.Amount, ok = encodeWire(EncodeAmount, amount); !ok {
		return tx, rollupkit.NewAPIError(rollupkit.CodeNotRepresentable, "amount %s has no exact compact encoding (a mantissa below 2^28 times a power of ten)", amount)
	}
	fee := big.NewInt(0)
	if w.Fee != "" {
		if fee, ok = new(big.Int).SetString(w.Fee, 10); !ok || fee.Sign() < 0 {
			return tx, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "fee %q is not a non-negative integer", w.Fee)
		}
	}
	if tx.Fee, ok = encodeWire(EncodeFee, fee); !ok {
		return tx, rollupkit.NewAPIError(rollupkit.CodeNotRepresentable, "fee %s has no exact compact encoding (a mantissa below 256 times a power of ten)", fee)
	}
	var err error
	if tx.Kind != KindTransfer {
		if tx.To != 0 {
			return tx, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "%s: 'to' must be 0 (the recipient goes in 'recipient')", w.Kind)
		}
		if amount.Sign() == 0 {
			return tx, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "a %s of zero", w.Kind)
		}
		if tx.Recipient, err = hex.DecodeString(w.Recipient); err != nil || len(tx.Recipient) == 0 {
			return tx, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "recipient: want hex bytes")
		}
	} else if w.Recipient != "" || w.DestRollup != "" || w.Payload != "" {
		return tx, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "a transfer has no recipient, dest_rollup or payload")
	}
	if tx.Kind == KindTransfer {
		b, err := hex.DecodeString(w.ToAddress)
		if err == nil {
			tx.ToKey, err = paymentsv1.ParseAddress(b)
		}
		if err != nil {
			return tx, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "to_address: want the recipient's 64-byte L2 address in hex (the signature covers it)")
		}
	} else if w.ToAddress != "" {
		return tx, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "only a transfer has to_address")
	}
	if tx.Kind == KindSend {
		if w.DestRollup == "" {
			return tx, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "send: dest_rollup is required")
		}
		tx.DestRollupID = w.DestRollup
		if w.Payload != "" {
			if tx.Payload, err = hex.DecodeString(w.Payload); err != nil {
				return tx, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "payload: want hex")
			}
		}
	} else if w.DestRollup != "" || w.Payload != "" {
		return tx, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "only a send has dest_rollup and payload")
	}
	if err := decodeElement(w.Sig.RX, &tx.Sig.RX); err != nil {
		return tx, rollupkit.NewAPIError(rollupkit.CodeBadSignature, "sig.rx: %v", err)
	}
	if err := decodeElement(w.Sig.RY, &tx.Sig.RY); err != nil {
		return tx, rollupkit.NewAPIError(rollupkit.CodeBadSignature, "sig.ry: %v", err)
	}
	sb, err := hex.DecodeString(w.Sig.S)
	if err != nil || len(sb) != 32 {
		return tx, rollupkit.NewAPIError(rollupkit.CodeBadSignature, "sig.s: want 32 bytes of hex")
	}
	tx.Sig.S.SetBytes(sb)
	return tx, nil
}

func encodeWire(f func(*big.Int) (Float, error), v *big.Int) (Float, bool) {
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
