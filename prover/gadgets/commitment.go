package gadgets

import (
	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
)

// BatchCommitment is the preimage of the batch commitment v2
// (protocol.BatchCommitment.Preimage), in the circuit. ChainIDDigest,
// RollupIDDigest and SubmitterDigest are digests: hard-code them with the
// *Constant helpers for a circuit bound to one chain and rollup, or take
// them as witnesses (the commitment binds them to the chain's values).
type BatchCommitment struct {
	ChainIDDigest   frontend.Variable
	RollupIDDigest  frontend.Variable
	BatchIndex      frontend.Variable
	PrevStateRoot   frontend.Variable
	NewStateRoot    frontend.Variable
	DAHash          frontend.Variable
	InboxBefore     frontend.Variable
	InboxAfter      frontend.Variable
	OutboxHash      frontend.Variable
	L2TxCount       frontend.Variable
	SubmitterDigest frontend.Variable // protocol.AddressDigest(submitter's raw L1 address)
}

// Preimage lists the elements in the order the chain absorbs them.
func (c BatchCommitment) Preimage() []frontend.Variable {
	return []frontend.Variable{
		c.ChainIDDigest, c.RollupIDDigest, c.BatchIndex,
		c.PrevStateRoot, c.NewStateRoot, c.DAHash,
		c.InboxBefore, c.InboxAfter, c.OutboxHash,
		c.L2TxCount, c.SubmitterDigest,
	}
}

// BatchCommitment is protocol.BatchCommitment.Commitment: 11 compressions.
// BatchIndex and L2TxCount must be below 2^64 (the chain's u64); a circuit
// that computes them from boolean counts satisfies that by construction.
func (h *Hasher) BatchCommitment(c BatchCommitment) frontend.Variable {
	pre := c.Preimage()
	if len(pre) != protocol.BatchCommitmentArity {
		panic("gadgets: batch commitment arity differs from protocol")
	}
	return h.Tagged(protocol.TagBatchCommitment, pre...)
}

// AssertBatchCommitment constrains public == the commitment of c: the one
// line every rollup circuit ends with.
func (h *Hasher) AssertBatchCommitment(public frontend.Variable, c BatchCommitment) {
	h.api.AssertIsEqual(public, h.BatchCommitment(c))
}
