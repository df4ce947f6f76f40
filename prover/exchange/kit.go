package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	dbm "github.com/cosmos/cosmos-db"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// KindName is the exchange rollup's name in the rollupkit registry.
const KindName = "exchange"

func init() { rollupkit.MustRegister(KitKind{}) }

// KitKind is the exchange rollup as a rollupkit.Kind: the generic operator
// runs it through kit.go (params, state, transactions, batches),
// kit_admission.go (the API's checks and account view) and kit_follow.go
// (following other operators' batches). (Kind is the slot kind's name.)
type KitKind struct{}

var _ rollupkit.Kind = KitKind{}

func (KitKind) Name() string    { return KindName }
func (KitKind) Circuit() string { return CircuitName }

// Configure reads the exchange circuit's params (defaults filled in).
func (KitKind) Configure(cp circuits.Params) (rollupkit.Rollup, error) {
	p, err := ParamsFromRegistry(cp)
	if err != nil {
		return nil, err
	}
	return NewRollup(p)
}

// Rollup is the exchange kind bound to its params.
type Rollup struct {
	p     Params
	empty fr.Element
}

var _ rollupkit.Rollup = (*Rollup)(nil)

// NewRollup binds the exchange kind to p (defaults filled in).
func NewRollup(p Params) (*Rollup, error) {
	p = p.WithDefaults()
	st, err := OpenState(dbm.NewMemDB(), p) // validates p
	if err != nil {
		return nil, err
	}
	empty, err := st.Root()
	return &Rollup{p: p, empty: empty}, err
}

func (*Rollup) Kind() rollupkit.Kind { return KitKind{} }

// ExchangeParams are the native params.
func (r *Rollup) ExchangeParams() Params { return r.p }

// Params are the circuit params (call_slots as the registry's default 0
// when every slot takes calls, so that key caches resolve alike).
func (r *Rollup) Params() circuits.Params {
	calls := r.p.CallSlots
	if calls == r.p.Slots {
		calls = 0
	}
	return circuits.Params{"depth": strconv.Itoa(r.p.Depth), "slots": strconv.Itoa(r.p.Slots), "base": r.p.BaseDenom,
		"quote": r.p.QuoteDenom, "fee_bps": strconv.FormatUint(uint64(r.p.FeeBps), 10), "call_slots": strconv.Itoa(calls)}
}

func (r *Rollup) Summary() rollupkit.Summary {
	return rollupkit.Summary{Denom: r.p.BaseDenom + "/" + r.p.QuoteDenom, Depth: r.p.Depth, Slots: r.p.Slots,
		MaxDataBytes: r.p.Slots * RecordBytes,
		StoreTag: fmt.Sprintf("exchange depth=%d slots=%d base=%s quote=%s fee_bps=%d call_slots=%d",
			r.p.Depth, r.p.Slots, r.p.BaseDenom, r.p.QuoteDenom, r.p.FeeBps, r.p.CallSlots)}
}

func (r *Rollup) EmptyRoot() fr.Element { return r.empty }

// ExitLayout is exchange-v1: the account tree's depth and both denoms.
func (r *Rollup) ExitLayout() (protocol.ExitLayoutParams, bool) {
	return protocol.ExitLayoutParams{Name: protocol.ExitLayoutExchangeV1, Depth: uint32(r.p.Depth),
		Denom: r.p.BaseDenom, QuoteDenom: r.p.QuoteDenom}, true
}

func (r *Rollup) Open(db dbm.DB) (rollupkit.State, error) {
	st, err := OpenState(db, r.p)
	if err != nil {
		return nil, err
	}
	return kitState{st}, nil
}

// DecodeTx reads the Tx JSON (unknown fields refused) and checks its
// shape.
func (r *Rollup) DecodeTx(wire []byte) (rollupkit.Tx, error) {
	var w wireTx
	dec := json.NewDecoder(bytes.NewReader(wire))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, rollupkit.NewAPIError(rollupkit.CodeInvalidRequest, "body is not an exchange transaction: %v", err)
	}
	if dec.More() {
		return nil, rollupkit.NewAPIError(rollupkit.CodeInvalidRequest, "body holds more than one transaction")
	}
	if _, ok := kindNames[w.Kind]; !ok {
		return nil, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "kind %q: want swap, add, remove or withdraw", w.Kind)
	}
	var tx Tx
	if err := tx.UnmarshalJSON(wire); err != nil {
		if errors.Is(err, ErrOverflow) {
			return nil, rollupkit.NewAPIError(rollupkit.CodeNotRepresentable, "an amount is not below 2^128")
		}
		return nil, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "%v", err)
	}
	if tx.Kind == KindWithdraw {
		// the entry the chain would get, its sender aside (the account's key)
		if err := tx.OutboxEntry(PublicKey{}, r.p).Validate(); err != nil {
			return nil, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "withdrawal: %v", err)
		}
	}
	return NewKitTx(tx, r.p), nil
}

// DecodeForcedTx: the exchange has no forced transactions in v1 (an
// inbox forced transaction is consumed and ignored).
func (r *Rollup) DecodeForcedTx([]byte) (rollupkit.Tx, error) {
	return nil, rollupkit.ErrForcedTxUnsupported
}

// KitTx is an exchange transaction as a rollupkit.Tx.
type KitTx struct {
	Tx   Tx
	p    Params
	wire json.RawMessage
}

var _ rollupkit.Tx = (*KitTx)(nil)

// NewKitTx wraps tx (its params give a withdrawal's denom).
func NewKitTx(tx Tx, p Params) *KitTx {
	bz, _ := json.Marshal(tx)
	return &KitTx{Tx: tx, p: p.WithDefaults(), wire: bz}
}

func (t *KitTx) Wire() json.RawMessage { return t.wire }

// senderKey is an account index as a rollupkit sender.
func senderKey(i uint32) string { return strconv.FormatUint(uint64(i), 10) }

func (t *KitTx) Sender() string { return senderKey(t.Tx.Account) }
func (t *KitTx) Nonce() uint64  { return uint64(t.Tx.Nonce) }

// Fee is 0: v1 transactions pay no operator fee (the LP fee stays in the
// pool).
func (t *KitTx) Fee() *big.Int { return new(big.Int) }

// Credits: no transaction credits another account (a withdrawal to
// another rollup leaves through the outbox).
func (t *KitTx) Credits() []string { return nil }

// Outgoing is a withdrawal's outbox entry (to L1, or a cross-rollup
// message to DestRollup); its sender, the account's key, is left out.
func (t *KitTx) Outgoing() []protocol.OutboxEntry {
	if t.Tx.Kind != KindWithdraw {
		return nil
	}
	return []protocol.OutboxEntry{t.Tx.OutboxEntry(PublicKey{}, t.p)}
}

// kitState is a State as a rollupkit.State.
type kitState struct{ *State }

// ExchangeState is the native state of a rollupkit.State the exchange
// kind opened.
func ExchangeState(s rollupkit.State) (*State, bool) {
	k, ok := s.(kitState)
	return k.State, ok
}

func (s kitState) BuildBatch(ctx rollupkit.BatchContext, inbox []protocol.InboxEntry, txs []rollupkit.Tx) (*rollupkit.Batch, error) {
	native := make([]Tx, len(txs))
	for i, t := range txs {
		kt, ok := t.(*KitTx)
		if !ok {
			return nil, fmt.Errorf("exchange: transaction %d is a %T, not an exchange transaction", i, t)
		}
		native[i] = kt.Tx
	}
	return s.State.BuildBatch(ctx, inbox, native)
}
