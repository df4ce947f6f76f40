package payments

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strconv"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	dbm "github.com/cosmos/cosmos-db"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// KindName is the payments rollup's name in the rollupkit registry.
const KindName = "payments"

func init() { rollupkit.MustRegister(Kind{}) }

// Kind is the payments rollup as a rollupkit.Kind: the generic operator
// runs it through kit.go (state, transactions, batches), kit_admission.go
// (the API's checks and account view) and kit_follow.go (following other
// operators' batches).
type Kind struct{}

var _ rollupkit.Kind = Kind{}

func (Kind) Name() string    { return KindName }
func (Kind) Circuit() string { return CircuitName }

// Configure reads the payments circuit's params.
func (Kind) Configure(cp circuits.Params) (rollupkit.Rollup, error) {
	p, err := ParamsFromRegistry(cp)
	if err != nil {
		return nil, err
	}
	return NewRollup(p), nil
}

// Rollup is the payments kind bound to its params.
type Rollup struct{ p Params }

var _ rollupkit.Rollup = (*Rollup)(nil)

// NewRollup binds the payments kind to p (defaults filled in).
func NewRollup(p Params) *Rollup { return &Rollup{p: p.WithDefaults()} }

func (*Rollup) Kind() rollupkit.Kind { return Kind{} }

// PaymentsParams are the native params.
func (r *Rollup) PaymentsParams() Params { return r.p }

func (r *Rollup) Params() circuits.Params {
	return circuits.Params{"depth": strconv.Itoa(r.p.Depth), "slots": strconv.Itoa(r.p.Slots), "denom": r.p.Denom}
}

func (r *Rollup) Summary() rollupkit.Summary {
	return rollupkit.Summary{Denom: r.p.Denom, Depth: r.p.Depth, Slots: r.p.Slots, MaxDataBytes: r.p.MaxDataBytes(),
		StoreTag: fmt.Sprintf("depth=%d slots=%d denom=%s", r.p.Depth, r.p.Slots, r.p.Denom)}
}

func (r *Rollup) EmptyRoot() fr.Element { return r.p.EmptyRoot() }

func (r *Rollup) ExitLayout() (protocol.ExitLayoutParams, bool) {
	return protocol.ExitLayoutParams{Name: protocol.ExitLayoutPaymentsV1, Depth: uint32(r.p.Depth), Denom: r.p.Denom}, true
}

func (r *Rollup) Open(db dbm.DB) (rollupkit.State, error) {
	st, err := OpenState(db, r.p)
	if err != nil {
		return nil, err
	}
	return kitState{st}, nil
}

// DecodeTx reads a WireTx (unknown fields refused) and checks its shape.
func (r *Rollup) DecodeTx(wire []byte) (rollupkit.Tx, error) {
	var w WireTx
	dec := json.NewDecoder(bytes.NewReader(wire))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return nil, rollupkit.NewAPIError(rollupkit.CodeInvalidRequest, "body is not a transaction: %v", err)
	}
	tx, err := FromWire(w)
	if err != nil {
		return nil, err
	}
	return NewKitTx(tx), nil
}

// DecodeForcedTx reads a forced transaction's payload.
func (r *Rollup) DecodeForcedTx(payload []byte) (rollupkit.Tx, error) {
	tx, err := DecodeForcedTx(payload)
	if err != nil {
		return nil, err
	}
	return &KitTx{Tx: tx}, nil
}

// KitTx is a payments transaction as a rollupkit.Tx.
type KitTx struct {
	Tx   Tx
	wire json.RawMessage
}

var _ rollupkit.Tx = (*KitTx)(nil)

// NewKitTx wraps tx with its canonical wire form.
func NewKitTx(tx Tx) *KitTx {
	bz, _ := json.Marshal(ToWire(tx))
	return &KitTx{Tx: tx, wire: bz}
}

func (t *KitTx) Wire() json.RawMessage {
	if t.wire == nil {
		t.wire, _ = json.Marshal(ToWire(t.Tx))
	}
	return t.wire
}

// senderKey is an account index as a rollupkit sender.
func senderKey(i uint32) string { return strconv.FormatUint(uint64(i), 10) }

func (t *KitTx) Sender() string { return senderKey(t.Tx.From) }
func (t *KitTx) Nonce() uint64  { return uint64(t.Tx.Nonce) }
func (t *KitTx) Fee() *big.Int  { return t.Tx.Fee.Value() }

func (t *KitTx) Credits() []string {
	if t.Tx.Kind == KindTransfer {
		return []string{senderKey(t.Tx.To)}
	}
	return nil
}

func (t *KitTx) Outgoing() []protocol.OutboxEntry {
	switch t.Tx.Kind {
	case KindWithdraw:
		return []protocol.OutboxEntry{{Kind: protocol.OutboxKindWithdrawal, Recipient: t.Tx.Recipient}}
	case KindSend:
		return []protocol.OutboxEntry{{Kind: protocol.OutboxKindCrossRollupMessage, Recipient: t.Tx.Recipient,
			DestRollupID: t.Tx.DestRollupID, Payload: t.Tx.Payload}}
	}
	return nil
}

// kitState is a State as a rollupkit.State.
type kitState struct{ *State }

// PaymentsState is the native state of a rollupkit.State the payments
// kind opened.
func PaymentsState(s rollupkit.State) (*State, bool) {
	k, ok := s.(kitState)
	return k.State, ok
}

func (s kitState) BuildBatch(ctx rollupkit.BatchContext, inbox []protocol.InboxEntry, txs []rollupkit.Tx) (*rollupkit.Batch, error) {
	native := make([]Tx, len(txs))
	for i, t := range txs {
		kt, ok := t.(*KitTx)
		if !ok {
			return nil, fmt.Errorf("payments: transaction %d is a %T, not a payments transaction", i, t)
		}
		native[i] = kt.Tx
	}
	b, err := s.State.BuildBatch(ctx, inbox, native)
	if err != nil {
		return nil, err
	}
	return b.Kit(), nil
}

// Kit is the batch as the generic operator sees it.
func (b *Batch) Kit() *rollupkit.Batch {
	return &rollupkit.Batch{Data: b.Data, Outbox: b.Outbox, InboxConsumed: b.InboxConsumed, PrevRoot: b.PrevRoot,
		NewRoot: b.NewRoot, Commitment: b.Commitment, Assignment: b.Assignment, Included: b.Included, Rejected: b.Rejected,
		Forced: slices.Clone(b.Forced)}
}
