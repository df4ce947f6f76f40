package payments

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
)

// Tx is a signed L2 transaction: a transfer, a withdrawal or a send.
type Tx struct {
	Kind RecordKind // KindTransfer, KindWithdraw or KindSend
	From uint32
	To   uint32 // transfers only: the recipient's index (posted)
	// ToKey is a transfer's recipient key, signed: the circuit checks that
	// the leaf at To holds it, so whoever told the signer the index cannot
	// redirect the payment. It is not posted (the data stays index-based).
	ToKey  PublicKey
	Amount Float
	Fee    Float
	Nonce  uint32 // must equal the sender's nonce
	// Recipient is the L1 address of a withdrawal or the L2 recipient of a
	// send on DestRollupID; Payload is an optional message of a send.
	Recipient    []byte
	DestRollupID string
	Payload      []byte
	Sig          Signature
}

func (tx *Tx) record() Record {
	r := Record{Kind: tx.Kind, From: tx.From, Amount: tx.Amount, Fee: tx.Fee}
	if tx.Kind == KindTransfer {
		r.To = tx.To
	}
	return r
}

// OutboxEntry is the entry a withdrawal or send emits, sent by key.
func (tx *Tx) OutboxEntry(sender PublicKey, denom string) (protocol.OutboxEntry, bool) {
	e := protocol.OutboxEntry{Sender: sender.Address(), Recipient: tx.Recipient, Denom: denom}
	amt, err := protocol.Uint128FromBig(tx.Amount.Value())
	if err != nil {
		return e, false
	}
	e.Amount = amt
	switch tx.Kind {
	case KindWithdraw:
		e.Kind = protocol.OutboxKindWithdrawal
	case KindSend:
		e.Kind, e.DestRollupID, e.Payload = protocol.OutboxKindCrossRollupMessage, tx.DestRollupID, tx.Payload
	default:
		return e, false
	}
	return e, true
}

// Message is what the sender signs (under Domain): the record word plus
// nonce*2^96, and the hash of the outbox entry a withdrawal or send emits,
// or for a transfer the recipient's key hash c(ToKey.X, ToKey.Y), the value
// the circuit already computes for the recipient's leaf.
func (tx *Tx) Message(sender PublicKey, denom string) [2]fr.Element {
	w := new(big.Int).Lsh(new(big.Int).SetUint64(uint64(tx.Nonce)), 96)
	w.Add(w, tx.record().word())
	var m [2]fr.Element
	m[0].SetBigInt(w)
	if tx.Kind == KindTransfer {
		m[1] = tx.ToKey.KeyHash()
	} else if e, ok := tx.OutboxEntry(sender, denom); ok {
		m[1] = e.Hash()
	}
	return m
}

// Sign fills tx.Sig with k's signature for the rollup's domain.
func (tx *Tx) Sign(k *PrivateKey, domain fr.Element, denom string) {
	m := tx.Message(k.Public, denom)
	tx.Sig = k.Sign(domain, m[:]...)
}

// Verify checks tx.Sig by sender.
func (tx *Tx) Verify(sender PublicKey, domain fr.Element, denom string) bool {
	m := tx.Message(sender, denom)
	return sender.Verify(tx.Sig, domain, m[:]...)
}

func (tx *Tx) validateShape() error {
	switch tx.Kind {
	case KindTransfer:
	case KindWithdraw, KindSend:
		if tx.Amount.Value().Sign() == 0 {
			return fmt.Errorf("payments: %d-kind tx of zero", tx.Kind)
		}
	default:
		return fmt.Errorf("payments: kind %d is not a user transaction", tx.Kind)
	}
	if tx.Amount.Exp >= 1<<amountExpBits || tx.Amount.Mantissa >= 1<<amountMantBits ||
		tx.Fee.Exp >= 1<<feeExpBits || tx.Fee.Mantissa >= 1<<feeMantBits {
		return errNotRepresentable
	}
	return nil
}
