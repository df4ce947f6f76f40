package exchange

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

// PublicKey, Signature and PrivateKey are the payments-v1 key types: one
// wallet key signs on both kinds (under different domains).
type (
	PublicKey  = paymentsv1.PublicKey
	Signature  = paymentsv1.Signature
	PrivateKey = paymentsv1.PrivateKey
)

// NewPrivateKey derives a key from a 32-byte seed (paymentsv1.NewPrivateKey).
func NewPrivateKey(seed [32]byte) *PrivateKey { return paymentsv1.NewPrivateKey(seed) }

// ErrTx is returned for a transaction of the wrong shape.
var ErrTx = errors.New("exchange: bad transaction")

// Tx is a signed L2 transaction (spec section 4): a swap (Amount1 in on
// Side, Min1 the minimum out), an add (Amount1 base, Amount2 quote, Min1
// the minimum shares), a remove (Amount1 shares, Min1 and Min2 the minimum
// base and quote) or a withdraw (Amount1 of Side to Recipient, on
// DestRollup or L1 if empty).
type Tx struct {
	Kind       Kind
	Account    uint32
	Side       uint8
	Amount1    *big.Int
	Amount2    *big.Int
	Min1, Min2 *big.Int
	Nonce      uint32
	Recipient  []byte
	DestRollup string
	Sig        Signature
}

// OutboxEntry is the entry a withdraw emits, sent by key.
func (tx *Tx) OutboxEntry(sender PublicKey, p Params) protocol.OutboxEntry {
	e := protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Sender: sender.Address(), Recipient: tx.Recipient,
		Denom: p.WithDefaults().denom(tx.Side), DestRollupID: tx.DestRollup}
	if tx.DestRollup != "" {
		e.Kind = protocol.OutboxKindCrossRollupMessage
	}
	e.Amount, _ = protocol.Uint128FromBig(nz(tx.Amount1))
	return e
}

// slotMessage is the signed message of a slot (spec section 4), as the
// circuit computes it for every slot.
func slotMessage(kind Kind, side uint8, account, nonce uint32, p1, p2, p3 *big.Int, e fr.Element) []fr.Element {
	h := new(big.Int).SetUint64(uint64(nonce))
	h.Lsh(h, 32).Add(h, big.NewInt(int64(account)))
	h.Lsh(h, 8).Add(h, big.NewInt(int64(side)))
	h.Lsh(h, 8).Add(h, big.NewInt(int64(kind)))
	m := make([]fr.Element, 5)
	for i, v := range []*big.Int{h, nz(p1), nz(p2), nz(p3)} {
		m[i].SetBigInt(v)
	}
	m[4] = e
	return m
}

// Message is what the account signs.
func (tx *Tx) Message(sender PublicKey, p Params) []fr.Element {
	var e fr.Element
	p2, p3 := tx.Min1, tx.Min2
	switch tx.Kind {
	case KindAdd:
		p2, p3 = tx.Amount2, tx.Min1
	case KindWithdraw:
		out := tx.OutboxEntry(sender, p)
		e = out.Hash()
	}
	return slotMessage(tx.Kind, tx.Side, tx.Account, tx.Nonce, tx.Amount1, p2, p3, e)
}

// Sign fills tx.Sig for the rollup (exchangev1.Domain(chainID, rollupID)).
func (tx *Tx) Sign(k *PrivateKey, chainID, rollupID string, p Params) {
	tx.Sig = k.Sign(exchangev1.Domain(chainID, rollupID), tx.Message(k.Public, p)...)
}

// validateShape checks what needs no state.
func (tx *Tx) validateShape() error {
	switch tx.Kind {
	case KindSwap, KindAdd, KindRemove, KindWithdraw:
	default:
		return fmt.Errorf("%w: kind %d", ErrTx, tx.Kind)
	}
	for _, v := range []*big.Int{tx.Amount1, tx.Amount2, tx.Min1, tx.Min2} {
		if !fits(nz(v)) {
			return ErrOverflow
		}
	}
	if tx.Side > 1 || (tx.Side == 1 && (tx.Kind == KindAdd || tx.Kind == KindRemove)) || nz(tx.Amount1).Sign() == 0 {
		return fmt.Errorf("%w: side %d or zero amount", ErrTx, tx.Side)
	}
	if (tx.Kind != KindAdd && nz(tx.Amount2).Sign() != 0) || (tx.Kind != KindRemove && nz(tx.Min2).Sign() != 0) ||
		(tx.Kind == KindWithdraw && nz(tx.Min1).Sign() != 0) || (tx.Kind != KindWithdraw && (len(tx.Recipient) > 0 || tx.DestRollup != "")) {
		return fmt.Errorf("%w: field the kind does not use", ErrTx)
	}
	return nil
}

// wireTx is Tx's JSON form: amounts as decimal strings, bytes as hex, the
// signature as R.X || R.Y || S (96 bytes).
type wireTx struct {
	Kind       string    `json:"kind"` // swap, add, remove, withdraw
	Account    uint32    `json:"account"`
	Side       uint8     `json:"side,omitempty"` // 0 base, 1 quote
	Amounts    [4]string `json:"amounts"`        // amount1, amount2, min1, min2
	Nonce      uint32    `json:"nonce"`
	Recipient  string    `json:"recipient,omitempty"`
	DestRollup string    `json:"dest_rollup,omitempty"`
	Sig        string    `json:"sig"`
}

var kindNames = map[string]Kind{"swap": KindSwap, "add": KindAdd, "remove": KindRemove, "withdraw": KindWithdraw}

// MarshalJSON is the wire encoding.
func (tx Tx) MarshalJSON() ([]byte, error) {
	w := wireTx{Account: tx.Account, Side: tx.Side, Nonce: tx.Nonce, Recipient: hex.EncodeToString(tx.Recipient),
		DestRollup: tx.DestRollup, Sig: hex.EncodeToString(tx.Sig.Bytes())}
	for name, k := range kindNames {
		if k == tx.Kind {
			w.Kind = name
		}
	}
	for i, v := range []*big.Int{tx.Amount1, tx.Amount2, tx.Min1, tx.Min2} {
		w.Amounts[i] = nz(v).String()
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes and shape-checks the wire encoding.
func (tx *Tx) UnmarshalJSON(b []byte) error {
	var w wireTx
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("%w: %v", ErrTx, err)
	}
	t := Tx{Kind: kindNames[w.Kind], Account: w.Account, Side: w.Side, Nonce: w.Nonce, DestRollup: w.DestRollup}
	for i, dst := range []**big.Int{&t.Amount1, &t.Amount2, &t.Min1, &t.Min2} {
		var ok bool
		if *dst, ok = new(big.Int).SetString(w.Amounts[i], 10); !ok {
			return fmt.Errorf("%w: amount %q", ErrTx, w.Amounts[i])
		}
	}
	r, err1 := hex.DecodeString(w.Recipient)
	sig, err2 := hex.DecodeString(w.Sig)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("%w: %v", ErrTx, err)
	}
	if len(r) > 0 {
		t.Recipient = r
	}
	if t.Sig, err1 = paymentsv1.ParseSignature(sig); err1 != nil {
		return err1
	}
	if err := t.validateShape(); err != nil {
		return err
	}
	*tx = t
	return nil
}
