package rollupkit

import (
	"encoding/json"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	dbm "github.com/cosmos/cosmos-db"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/circuits"
)

// Kind is a rollup kind: what the generic operator (prover/operator) needs
// to run a rollup of it. A kind registers itself by name from its package
// init (Register); the operator's config names it ("kind": "payments") and
// the daemon binary links the kinds it offers by blank imports.
type Kind interface {
	// Name is what operator.json's "kind" and `operator init --kind` say.
	Name() string
	// Circuit is the kind's circuit in the prover/circuits registry: the
	// operator's params are that circuit's, and proving keys are resolved
	// by it.
	Circuit() string
	// Configure checks complete circuit params (the registry's defaults
	// filled in) and returns the kind bound to them.
	Configure(p circuits.Params) (Rollup, error)
}

// Place is a rollup's place on the chain: what a kind's signatures bind
// to (a replay on another chain or rollup fails).
type Place struct {
	ChainID  string
	RollupID string
}

// Summary is what /v1/status shows of a rollup's shape.
type Summary struct {
	Denom string // the kind's denom(s), for display
	Depth int    // state tree depth
	Slots int    // slots per batch
	// MaxDataBytes is the largest DA data of a batch (what `operator
	// register` asks the chain to accept).
	MaxDataBytes int
	// StoreTag pins the database to these params: an operator database
	// created for other params refuses to open.
	StoreTag string
}

// Rollup is a kind bound to its circuit params.
type Rollup interface {
	Kind() Kind
	// Params are the complete circuit params.
	Params() circuits.Params
	Summary() Summary
	// EmptyRoot is the state root of a new rollup (the chain's genesis root).
	EmptyRoot() fr.Element
	// ExitLayout is the exit layout `operator register` registers so that
	// users can exit a frozen rollup; ok false: the kind has none.
	ExitLayout() (layout protocol.ExitLayoutParams, ok bool)

	// Open opens the kind's state kept in db (a prefix of the operator's
	// database, or an overlay of it that buffers a batch's writes so they
	// land in one atomic write). db offers point reads and writes and
	// write batches, not iteration: the operator's overlay refuses it.
	Open(db dbm.DB) (State, error)

	// DecodeTx reads a transaction from the JSON the HTTP API carries
	// (unknown fields refused) and checks its shape, not its state. Errors
	// are *APIError.
	DecodeTx(wire []byte) (Tx, error)
	// DecodeForcedTx reads the transaction of a forced-transaction inbox
	// payload; ErrForcedTxUnsupported for a kind without forced txs.
	DecodeForcedTx(payload []byte) (Tx, error)

	// NewView starts an admission view on the head state: the operator
	// applies the accepted transactions to it, then checks each new one.
	NewView(head State, place Place) View
	// Account answers GET /v1/accounts/{address}: the account at the head,
	// with the pending transactions (pending) and at the last verified
	// batch. Errors are *APIError. The answer is marshalled as JSON.
	Account(addr []byte, head State, pending View, verified State) (any, error)

	// Follow applies a batch another operator built, which the chain
	// verified, from what the chain keeps (its posted data and consumed
	// inbox), to work: verified is the state before the batch, read only,
	// work a buffered copy of it that Follow changes. The operator then
	// checks work's root against the chain's. A batch that cannot be
	// applied is a *Divergence; other errors are the operator's own.
	Follow(verified, work State, b ForeignBatch) (Followed, error)
}

// State is a kind's rollup state in a database.
type State interface {
	Root() (fr.Element, error)
	// BuildBatch applies as many of the inbox entries as fit, then the
	// transactions (in order, refusing those that break the kind's rules),
	// to at most the rollup's slots, and returns the batch with its
	// circuit assignment; the state advances.
	BuildBatch(ctx BatchContext, inbox []protocol.InboxEntry, txs []Tx) (*Batch, error)
}

// Tx is a decoded, shape-checked L2 transaction of a kind. The operator
// needs only what orders, prices and identifies it; the kind's own type
// carries the rest.
type Tx interface {
	// Wire is the canonical JSON form: what the mempool stores and the API
	// returns; the transaction's id is its SHA-256.
	Wire() json.RawMessage
	// Sender identifies the account whose nonce the transaction takes: one
	// sender's transactions execute in nonce order.
	Sender() string
	Nonce() uint64
	// Fee is what the transaction pays the operator (the mempool's price).
	Fee() *big.Int
	// Credits are the senders whose balance the transaction credits: a
	// later transaction of theirs may spend it, so it never goes first.
	Credits() []string
	// Outgoing are the outbox entries the transaction emits, as far as the
	// chain's rules look at them (kind, recipient, destination, payload):
	// the operator refuses an entry that would fail the whole batch.
	Outgoing() []protocol.OutboxEntry
}

// View is the head state plus the accepted transactions, for admission.
type View interface {
	// Admit checks tx against the view: what BuildBatch will check, with
	// clear *APIError errors, and the operator's policy.
	Admit(tx Tx, pol Policy) error
	// Apply adds the effect of an accepted transaction.
	Apply(tx Tx)
}

// Policy is the operator's side of admission.
type Policy struct {
	// MinFee is the smallest fee accepted.
	MinFee *big.Int
	// MaxPendingPerSender caps a sender's accepted transactions not yet
	// verified; Unverified counts them.
	MaxPendingPerSender int
	Unverified          func(sender string) int
	// ChainRules says why the chain would refuse the outbox entries of tx
	// (a *APIError), nil if it would not.
	ChainRules func(tx Tx) error
}

// ForeignBatch is a batch another operator built, as the chain keeps it.
type ForeignBatch struct {
	Data  []byte                // the posted data (its hash checked)
	Inbox []protocol.InboxEntry // the inbox entries it consumed
	// Outbox is the posted outbox the chain verified; OutboxErr says why it
	// could not be read (the state follows from the data alone; the outbox
	// only tells which pending transactions the batch executed).
	Outbox    []protocol.OutboxEntry
	OutboxErr error
}

// Followed is a followed batch, for sorting this operator's mempool.
type Followed interface {
	// Spend says whether the batch used tx's nonce and whether it did so
	// with tx itself.
	Spend(tx Tx) (Spend, error)
}

// Spend is what a followed batch did with a pending transaction's nonce.
type Spend struct {
	Taken    bool // the batch used the nonce
	Included bool // ... with this very transaction
	// Nonce names the nonce for a rejection reason ("nonce 3 of account
	// 5"); By says by what, when not by this transaction (": by a forced
	// transaction").
	Nonce string
	By    string
}

// Divergence is a batch the chain verified that does not apply to this
// operator's verified state: the operator cannot continue. Reason follows
// "batch N (submitter S)" in the halt message.
type Divergence struct{ Reason string }

func (d *Divergence) Error() string { return "rollupkit: divergence:" + d.Reason }
