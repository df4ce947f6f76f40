package gadgets

import (
	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
)

// InboxEntry is an inbox entry as the circuit sees it: the header fields and
// the digests of its variable-length fields. Digests can be witnesses: the
// accumulator binds them to the entry the chain stored (collision
// resistance), so a circuit hashes bytes only when it needs their content.
type InboxEntry struct {
	Sequence, Kind, Amount frontend.Variable
	SenderDigest           frontend.Variable // protocol.AddressDigest(Sender)
	RecipientDigest        frontend.Variable // protocol.AddressDigest(Recipient)
	SourceRollupDigest     frontend.Variable // protocol.RollupIDDigest(SourceRollupID)
	DenomDigest            frontend.Variable // protocol.DenomDigest(Denom)
	PayloadDigest          frontend.Variable // protocol.PayloadDigest(Payload)
}

// InboxEntryHash is protocol.InboxEntry.Hash: 6 compressions. The header
// fields must be range-checked (AssertHeaderRanges).
func (h *Hasher) InboxEntryHash(e InboxEntry) frontend.Variable {
	return h.Tagged(protocol.TagInboxEntry,
		Header(h.api, e.Sequence, e.Kind, e.Amount),
		e.SenderDigest, e.RecipientDigest, e.SourceRollupDigest, e.DenomDigest, e.PayloadDigest)
}

// InboxAccumulate is protocol.InboxAccumulate: acc' = H(inbox; acc, entryHash),
// 2 compressions.
func (h *Hasher) InboxAccumulate(acc, entryHash frontend.Variable) frontend.Variable {
	return h.Tagged(protocol.TagInbox, acc, entryHash)
}

// InboxConsumer consumes a prefix of a rollup's unconsumed inbox in order.
// Start it at the stored accumulator (the commitment's inbox_before), call
// Consume once per slot that may take an entry, and commit to Accumulator()
// as inbox_after. Entries are taken in order by construction; skipping one
// changes every later accumulator.
type InboxConsumer struct {
	h     *Hasher
	acc   frontend.Variable
	count frontend.Variable
}

// NewInboxConsumer starts at accumulator before.
func (h *Hasher) NewInboxConsumer(before frontend.Variable) *InboxConsumer {
	return &InboxConsumer{h: h, acc: before, count: 0}
}

// Consume extends the accumulator by entryHash if take is 1 and leaves it
// unchanged if take is 0 (take must be boolean). The hash is computed
// either way: a circuit has a fixed shape.
func (c *InboxConsumer) Consume(take, entryHash frontend.Variable) {
	job := c.AccumulateJob(entryHash)
	c.ConsumeAccumulated(take, c.h.Chain(job.Start, job.Xs...))
}

// AccumulateJob is the chain that computes InboxAccumulate(Accumulator(),
// entryHash), for a circuit that runs it on compressions it shares (see
// MerkleRootOrChains) and passes its result to ConsumeAccumulated.
func (c *InboxConsumer) AccumulateJob(entryHash frontend.Variable) ChainJob {
	return ChainJob{Start: TagConstant(protocol.TagInbox), Xs: []frontend.Variable{c.acc, entryHash}}
}

// ConsumeAccumulated is Consume given next, the result of AccumulateJob's
// chain: the caller answers for computing it faithfully.
func (c *InboxConsumer) ConsumeAccumulated(take, next frontend.Variable) {
	api := c.h.api
	c.acc = api.Select(take, next, c.acc)
	c.count = api.Add(c.count, take)
}

// Accumulator is the accumulator after the consumed entries (inbox_after).
func (c *InboxConsumer) Accumulator() frontend.Variable { return c.acc }

// Count is the number of entries consumed so far.
func (c *InboxConsumer) Count() frontend.Variable { return c.count }

// InboxEntryWitness is the assignment of an InboxEntry for e.
func InboxEntryWitness(e protocol.InboxEntry) InboxEntry {
	return InboxEntry{Sequence: e.Sequence, Kind: uint32(e.Kind), Amount: e.Amount.BigInt(),
		SenderDigest: protocol.AddressDigest(e.Sender), RecipientDigest: protocol.AddressDigest(e.Recipient),
		SourceRollupDigest: protocol.RollupIDDigest(e.SourceRollupID), DenomDigest: protocol.DenomDigest(e.Denom),
		PayloadDigest: protocol.PayloadDigest(e.Payload)}
}
