package payments

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark/frontend"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
)

// bounceBatch is a batch of refused inbox entries: slots 0 and 1 bounce a
// deposit in a foreign denom back to its L1 sender, slots 2 and 3 a
// cross-rollup message in a foreign denom back to its source rollup, slot
// 4 skips a value-less L1 call.
func bounceBatch(t *testing.T) *Batch {
	r := newRollup(t, Params{Depth: partParams.Depth, Slots: 6})
	alice := testKey(2).Public.Address()
	r.inbox = append(r.inbox,
		protocol.InboxEntry{Sequence: 0, Kind: protocol.InboxKindDeposit, Sender: l1Addr(0x11), Recipient: alice,
			Denom: "uatom", Amount: protocol.NewUint128(40)},
		protocol.InboxEntry{Sequence: 1, Kind: protocol.InboxKindCrossRollupMessage, SourceRollupID: "dex", Sender: testKey(9).Public.Address(),
			Recipient: alice, Denom: "uatom", Amount: protocol.NewUint128(9), Payload: []byte("hi")},
		protocol.InboxEntry{Sequence: 2, Kind: protocol.InboxKindL1Call, Sender: l1Addr(0x12), Payload: []byte("call")})
	b := r.build()
	kinds := []RecordKind{KindBounce, KindBounceOut, KindBounce, KindBounceOut, KindSkip, KindNoop}
	for i, k := range kinds {
		require.Equal(t, k, b.Records[i].Kind, "slot %d", i)
	}
	return b
}

// entryHashCircuit wraps entryHash: an entry, its direction and its hash.
type entryHashCircuit struct {
	E          EntryWitness
	IsIn, Hash frontend.Variable
}

func (c *entryHashCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	api.AssertIsEqual(ctx.entryHash(&c.E, c.IsIn), c.Hash)
	return nil
}

func TestEntryHash_IsTheNativeEntryHash(t *testing.T) {
	b := partsBatch(t)
	deposit := protocol.InboxEntry{Sequence: 3, Kind: protocol.InboxKindDeposit, Sender: l1Addr(0x11),
		Recipient: testKey(3).Public.Address(), Denom: DefaultDenom, Amount: protocol.NewUint128(7)}
	valid := func() *entryHashCircuit {
		return &entryHashCircuit{E: b.Assignment.Slots[0].Entry, IsIn: 1, Hash: deposit.Hash()}
	}
	two128 := new(big.Int).Lsh(big.NewInt(1), 128)
	checkPart(t, &entryHashCircuit{}, valid, map[string]func(*entryHashCircuit){
		// the header packs sequence | kind | amount: a field that spills
		// into its neighbour gives the same hash to another entry
		"amount over 128 bits": func(c *entryHashCircuit) {
			c.E.Kind, c.E.Amount = bumped(c.E.Kind, -1), new(big.Int).Add(bigOf(c.E.Amount), two128)
		},
		"kind over 32 bits": func(c *entryHashCircuit) {
			c.E.Sequence, c.E.Kind = bumped(c.E.Sequence, -1), new(big.Int).Add(bigOf(c.E.Kind), new(big.Int).Lsh(big.NewInt(1), 32))
		},
		"hashed as an outbox entry": func(c *entryHashCircuit) { c.IsIn = 0 },
	}, &entryHashCircuit{E: b.Assignment.Slots[2].Entry, IsIn: 0, Hash: b.Outbox[0].Hash()})
}

// consumedEntryCircuit wraps assertConsumedEntry: the slot (kind, entry,
// ToL1), whether it skips a forced transaction and the slot's address.
type consumedEntryCircuit struct {
	S                  SlotWitness
	IsForcedSkip, Addr frontend.Variable
}

func (c *consumedEntryCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	ctx.assertConsumedEntry(&c.S, ctx.kindSelectors(c.S.IsKind), c.IsForcedSkip, c.Addr)
	return nil
}

func TestConsumedEntry_CreditsBouncesAndSkipsTakeOnlyTheirEntries(t *testing.T) {
	b, bounced := partsBatch(t), bounceBatch(t)
	bob := protocol.AddressDigest(testKey(3).Public.Address())
	of := func(b *Batch, i int) *consumedEntryCircuit {
		return &consumedEntryCircuit{S: cloneSlot(b.Assignment.Slots[i]), IsForcedSkip: 0, Addr: 0}
	}
	credit := func() *consumedEntryCircuit { c := of(b, 0); c.Addr = bob; return c }
	onSlot := func(b *Batch, i int, f func(c *consumedEntryCircuit)) func(*consumedEntryCircuit) {
		return func(c *consumedEntryCircuit) { *c = *of(b, i); f(c) }
	}
	checkPart(t, &consumedEntryCircuit{S: slotShape()}, credit, map[string]func(*consumedEntryCircuit){
		"credit to another key":        func(c *consumedEntryCircuit) { c.Addr = protocol.AddressDigest(testKey(2).Public.Address()) },
		"credit of another denom":      func(c *consumedEntryCircuit) { c.S.Entry.Denom = protocol.DenomDigest("uatom") },
		"credit of an L1 call":         func(c *consumedEntryCircuit) { c.S.Entry.Kind = uint32(protocol.InboxKindL1Call) },
		"credit of a forced tx":        func(c *consumedEntryCircuit) { c.S.Entry.Kind = uint32(protocol.InboxKindForcedTx) },
		"ToL1 on a credit":             func(c *consumedEntryCircuit) { c.S.ToL1 = 1 },
		"skip that drops value":        onSlot(bounced, 4, func(c *consumedEntryCircuit) { c.S.Entry.Amount = 1 }),
		"ordinary skip of a forced tx": onSlot(bounced, 4, func(c *consumedEntryCircuit) { c.S.Entry.Kind = uint32(protocol.InboxKindForcedTx) }),
		// a deposit's value goes back to L1, a message's to its rollup
		"deposit bounced to a rollup": onSlot(bounced, 0, func(c *consumedEntryCircuit) { c.S.ToL1 = 0 }),
		"message bounced to L1":       onSlot(bounced, 2, func(c *consumedEntryCircuit) { c.S.ToL1 = 1 }),
		"ToL1 that is not a bit":      onSlot(bounced, 0, func(c *consumedEntryCircuit) { c.S.ToL1 = 2 }),
	}, of(bounced, 0), of(bounced, 2), of(bounced, 4), of(b, 1))
}

// emittedEntryCircuit wraps assertEmittedEntry in an ordinary slot: the
// slot (kind, entry), the signed amount and the signer's address.
type emittedEntryCircuit struct {
	S            SlotWitness
	Amount, Addr frontend.Variable
}

func (c *emittedEntryCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	ctx.assertEmittedEntry(&c.S.Entry, ctx.kindSelectors(c.S.IsKind), nil, c.Amount, c.Addr)
	return nil
}

func TestEmittedEntry_IsTheSignedWithdrawalOrSend(t *testing.T) {
	b := partsBatch(t)
	alice, bob := protocol.AddressDigest(testKey(2).Public.Address()), protocol.AddressDigest(testKey(3).Public.Address())
	of := func(i int, addr frontend.Variable) *emittedEntryCircuit {
		s := cloneSlot(b.Assignment.Slots[i])
		return &emittedEntryCircuit{S: s, Amount: floatOf(s.AmountExp, s.AmountMant), Addr: addr}
	}
	withdrawal := func() *emittedEntryCircuit { return of(2, bob) }
	checkPart(t, &emittedEntryCircuit{S: slotShape()}, withdrawal, map[string]func(*emittedEntryCircuit){
		"more than was signed": func(c *emittedEntryCircuit) { c.S.Entry.Amount = bumped(c.S.Entry.Amount, 1) },
		"from another address": func(c *emittedEntryCircuit) { c.S.Entry.Sender = alice },
		"in another denom":     func(c *emittedEntryCircuit) { c.S.Entry.Denom = protocol.DenomDigest("uatom") },
		"as a message":         func(c *emittedEntryCircuit) { c.S.Entry.Kind = uint32(protocol.OutboxKindCrossRollupMessage) },
		"naming a rollup":      func(c *emittedEntryCircuit) { c.S.Entry.Rollup = protocol.RollupIDDigest("dex") },
		"carrying a payload":   func(c *emittedEntryCircuit) { c.S.Entry.Payload = protocol.PayloadDigest([]byte("x")) },
		"of nothing":           func(c *emittedEntryCircuit) { c.Amount, c.S.Entry.Amount, c.S.AmountMant = 0, 0, 0 },
		"send posing as withdrawal": func(c *emittedEntryCircuit) {
			*c = *of(3, alice)
			c.S.Entry.Kind = uint32(protocol.OutboxKindWithdrawal)
		},
	}, of(3, alice), of(1, alice), of(0, bob))
}

// bounceOutCircuit wraps assertBounceOut: the entry emitted, the previous
// slot's entry and where it goes back to.
type bounceOutCircuit struct {
	E, Prev               EntryWitness
	PrevToL1, IsBounceOut frontend.Variable
}

func (c *bounceOutCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	ctx.assertBounceOut(&c.E, &c.Prev, c.PrevToL1, c.IsBounceOut)
	return nil
}

func TestBounceOut_ReturnsTheBouncedEntryWhole(t *testing.T) {
	b := bounceBatch(t)
	of := func(i int) *bounceOutCircuit {
		s := b.Assignment.Slots
		return &bounceOutCircuit{E: s[i].Entry, Prev: s[i-1].Entry, PrevToL1: s[i-1].ToL1, IsBounceOut: 1}
	}
	toL1 := func() *bounceOutCircuit { return of(1) }
	checkPart(t, &bounceOutCircuit{}, toL1, map[string]func(*bounceOutCircuit){
		"keeps part of the value": func(c *bounceOutCircuit) { c.E.Amount = bumped(c.E.Amount, -1) },
		"pays someone else":       func(c *bounceOutCircuit) { c.E.Recipient = protocol.AddressDigest(l1Addr(0x66)) },
		"from another sender":     func(c *bounceOutCircuit) { c.E.Sender = protocol.AddressDigest(l1Addr(0x66)) },
		"as a message":            func(c *bounceOutCircuit) { c.E.Kind = uint32(protocol.OutboxKindCrossRollupMessage) },
		"in another denom":        func(c *bounceOutCircuit) { c.E.Denom = protocol.DenomDigest(DefaultDenom) },
		"message loses its payload": func(c *bounceOutCircuit) {
			*c = *of(3)
			c.E.Payload = noPayloadDigest
		},
		"message to another rollup": func(c *bounceOutCircuit) {
			*c = *of(3)
			c.E.Rollup = protocol.RollupIDDigest("other")
		},
	}, of(3), &bounceOutCircuit{E: b.Assignment.Slots[4].Entry, Prev: b.Assignment.Slots[3].Entry, PrevToL1: 0, IsBounceOut: 0})
}

// feeWithdrawalCircuit wraps feeWithdrawal: the fees, the submitter and the
// entry's hash.
type feeWithdrawalCircuit struct {
	Fees, Submitter, Hash frontend.Variable
}

func (c *feeWithdrawalCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	api.AssertIsEqual(ctx.feeWithdrawal(c.Fees, c.Submitter), c.Hash)
	return nil
}

func TestFeeWithdrawal_PaysTheSubmitter(t *testing.T) {
	b := partsBatch(t)
	fees := b.Outbox[len(b.Outbox)-1]
	require.Equal(t, l1Addr(0x88), fees.Recipient)
	valid := func() *feeWithdrawalCircuit {
		return &feeWithdrawalCircuit{Fees: fees.Amount.BigInt(), Submitter: protocol.AddressDigest(l1Addr(0x88)), Hash: fees.Hash()}
	}
	checkPart(t, &feeWithdrawalCircuit{}, valid, map[string]func(*feeWithdrawalCircuit){
		"to another account": func(c *feeWithdrawalCircuit) { c.Submitter = protocol.AddressDigest(l1Addr(0x66)) },
		"more than the fees": func(c *feeWithdrawalCircuit) { c.Fees = bumped(c.Fees, 1) },
	})
}
