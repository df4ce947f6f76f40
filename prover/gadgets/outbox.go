package gadgets

import (
	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
)

// OutboxEntry is an outbox entry as the circuit sees it. The chain hashes
// the posted entries itself, so digests may be witnesses: the outbox hash in
// the commitment binds them to the posted bytes.
type OutboxEntry struct {
	Kind, Amount     frontend.Variable
	SenderDigest     frontend.Variable // protocol.AddressDigest(Sender), the L2 sender
	RecipientDigest  frontend.Variable // protocol.AddressDigest(Recipient)
	DestRollupDigest frontend.Variable // protocol.RollupIDDigest(DestRollupID)
	DenomDigest      frontend.Variable // protocol.DenomDigest(Denom)
	PayloadDigest    frontend.Variable // protocol.PayloadDigest(Payload)
}

// OutboxEntryHash is protocol.OutboxEntry.Hash (v2, with the sender): 6
// compressions. Kind and Amount must be range-checked (32 and 128 bits) or
// constants.
func (h *Hasher) OutboxEntryHash(e OutboxEntry) frontend.Variable {
	return h.Tagged(protocol.TagOutboxEntry,
		Header(h.api, 0, e.Kind, e.Amount),
		e.SenderDigest, e.RecipientDigest, e.DestRollupDigest, e.DenomDigest, e.PayloadDigest)
}

// OutboxBuilder computes protocol.OutboxHash = H(outbox; n, e_1, ..., e_n) over
// the entries a batch emits. The count comes first in the hash, so the
// builder takes the claimed count up front and Hash asserts it matches the
// number of appended entries.
type OutboxBuilder struct {
	h       *Hasher
	state   frontend.Variable
	claimed frontend.Variable
	count   frontend.Variable
}

// NewOutbox starts an outbox of n entries (a witness or a constant).
func (h *Hasher) NewOutbox(n frontend.Variable) *OutboxBuilder {
	return &OutboxBuilder{h: h, state: h.Compress(TagConstant(protocol.TagOutbox), n), claimed: n, count: 0}
}

// Append adds entryHash if emit is 1 (boolean); 1 compression either way.
func (o *OutboxBuilder) Append(emit, entryHash frontend.Variable) {
	o.AppendHashed(emit, o.h.Compress(o.state, entryHash))
}

// AppendJob is the chain (one compression) that appends entryHash, for a
// circuit that runs it on compressions it shares (see MerkleRootOrChains)
// and passes its result to AppendHashed.
func (o *OutboxBuilder) AppendJob(entryHash frontend.Variable) ChainJob {
	return ChainJob{Start: o.state, Xs: []frontend.Variable{entryHash}}
}

// AppendHashed is Append given next, the result of AppendJob's chain: the
// caller answers for computing it faithfully.
func (o *OutboxBuilder) AppendHashed(emit, next frontend.Variable) {
	api := o.h.api
	o.state = api.Select(emit, next, o.state)
	o.count = api.Add(o.count, emit)
}

// Hash asserts that the claimed count was appended and returns the outbox
// hash.
func (o *OutboxBuilder) Hash() frontend.Variable {
	o.h.api.AssertIsEqual(o.count, o.claimed)
	return o.state
}

// Count is the number of entries appended so far.
func (o *OutboxBuilder) Count() frontend.Variable { return o.count }

// OutboxEntryWitness is the assignment of an OutboxEntry for e.
func OutboxEntryWitness(e protocol.OutboxEntry) OutboxEntry {
	return OutboxEntry{Kind: uint32(e.Kind), Amount: e.Amount.BigInt(),
		SenderDigest: protocol.AddressDigest(e.Sender), RecipientDigest: protocol.AddressDigest(e.Recipient),
		DestRollupDigest: protocol.RollupIDDigest(e.DestRollupID), DenomDigest: protocol.DenomDigest(e.Denom),
		PayloadDigest: protocol.PayloadDigest(e.Payload)}
}
