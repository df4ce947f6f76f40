// Package rollupkit is the rollup SDK: what a rollup kind implements (its
// state, transactions, circuit and exit layout) and the types the generic
// operator (prover/operator) shares with every kind. The payments rollup
// (prover/payments) and the exchange rollup (prover/exchange) are two kinds.
package rollupkit

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
)

// BatchContext is what the chain will put in the batch commitment besides
// what the batch computes.
type BatchContext struct {
	ChainID     string
	RollupID    string
	BatchIndex  uint64
	Submitter   []byte     // raw L1 address of the submitting operator
	InboxBefore fr.Element // the rollup's stored inbox accumulator
}

// Batch is a built batch, whatever the kind: what to post, what to prove.
type Batch struct {
	Data          []byte                 // the DA data posted with the batch
	Outbox        []protocol.OutboxEntry // the messages it emits
	InboxConsumed uint64                 // inbox entries consumed, from the rollup's position
	PrevRoot      fr.Element
	NewRoot       fr.Element
	Commitment    protocol.BatchCommitment
	// Assignment is the full witness of the kind's circuit.
	Assignment frontend.Circuit
	Included   []int         // indices of the transactions executed, in order
	Rejected   map[int]error // transactions refused by the kind's rules
	Forced     []ForcedOutcome
}

// ForcedOutcome is what a batch did with a consumed forced transaction.
type ForcedOutcome struct {
	Sequence uint64 // the inbox entry
	Executed bool
	Reason   error // why it was skipped (nil if executed)
}

// EncodedOutbox is protocol.EncodeOutbox of the batch's outbox.
func (b *Batch) EncodedOutbox() ([]byte, error) { return protocol.EncodeOutbox(b.Outbox) }

// Commitment is the commitment of a batch built in ctx: from prev to next,
// posting data, consuming the inbox up to inboxAfter, emitting outbox,
// with txCount L2 transactions.
func (ctx BatchContext) Commitment(prev, next fr.Element, data []byte, inboxAfter fr.Element, outbox []protocol.OutboxEntry, txCount uint64) protocol.BatchCommitment {
	return protocol.BatchCommitment{
		ChainID: ctx.ChainID, RollupID: ctx.RollupID, BatchIndex: ctx.BatchIndex,
		PrevStateRoot: prev, NewStateRoot: next, DAHash: protocol.DAHash(data),
		InboxBefore: ctx.InboxBefore, InboxAfter: inboxAfter,
		OutboxHash: protocol.OutboxHash(outbox), L2TxCount: txCount, Submitter: ctx.Submitter,
	}
}

// CommitmentWitness is the assignment of the commitment inputs every
// kind's circuit takes as witnesses (gadgets.BatchCommitment): the public
// commitment, the context's digests and the counts the circuit bounds.
type CommitmentWitness struct {
	Commitment, ChainIDDigest, RollupIDDigest, SubmitterDigest, InboxBefore fr.Element
	BatchIndex                                                              uint64
	OutboxCount, DAChunks                                                   int
}

// CommitmentWitness is the witness of c, a commitment built in ctx with
// outboxCount entries and dataLen bytes of data.
func (ctx BatchContext) CommitmentWitness(c protocol.BatchCommitment, outboxCount, dataLen int) (CommitmentWitness, error) {
	pi, err := c.PublicInputs()
	if err != nil {
		return CommitmentWitness{}, err
	}
	return CommitmentWitness{Commitment: pi[0], ChainIDDigest: protocol.ChainIDDigest(ctx.ChainID),
		RollupIDDigest: protocol.RollupIDDigest(ctx.RollupID), SubmitterDigest: protocol.AddressDigest(ctx.Submitter),
		InboxBefore: ctx.InboxBefore, BatchIndex: ctx.BatchIndex, OutboxCount: outboxCount,
		DAChunks: (dataLen + protocol.ChunkBytes - 1) / protocol.ChunkBytes}, nil
}
