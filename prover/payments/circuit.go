package payments

import (
	"math/big"

	tedwards "github.com/consensys/gnark-crypto/ecc/twistededwards"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/algebra/native/twistededwards"
	"github.com/consensys/gnark/std/rangecheck"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/gadgets"
)

// AccountWitness is one account leaf and its authentication path up to
// the subroots (Params.PathDepth siblings, the leaf's first).
type AccountWitness struct {
	X, Y     frontend.Variable // public key
	Balance  frontend.Variable
	Nonce    frontend.Variable
	Siblings []frontend.Variable
}

// EntryWitness is the inbox entry a slot consumes or the outbox entry it
// emits (one hash per slot serves both).
type EntryWitness struct {
	Sequence, Kind, Amount                    frontend.Variable
	Sender, Recipient, Rollup, Denom, Payload frontend.Variable // digests
}

// SlotWitness is everything one slot needs.
type SlotWitness struct {
	IsKind     [8]frontend.Variable // one-hot RecordKind
	From, To   frontend.Variable
	AmountExp  frontend.Variable
	AmountMant frontend.Variable
	FeeExp     frontend.Variable
	FeeMant    frontend.Variable
	Bytes      [RecordBytes]frontend.Variable // the record as posted
	A          AccountWitness                 // debited account (From)
	B          AccountWitness                 // credited account (To), key after the slot
	Create     frontend.Variable              // 1 if a credit creates account To
	ToL1       frontend.Variable              // bounce: 1 returns the value to an L1 sender (kinds 1, 3)
	Entry      EntryWitness
	SigRX      frontend.Variable
	SigRY      frontend.Variable
	SigS       frontend.Variable
	AddrXHi    frontend.Variable // the 64-byte address of the slot's key, split
	AddrXLo    frontend.Variable // at the 31-byte chunk boundaries
	AddrYHi    frontend.Variable
	AddrYLo    frontend.Variable
}

// Circuit proves one batch of the payments rollup. Its only public input is
// the batch commitment v2.
type Circuit struct {
	params Params

	Commitment frontend.Variable `gnark:",public"`

	ChainIDDigest   frontend.Variable
	RollupIDDigest  frontend.Variable
	BatchIndex      frontend.Variable
	SubmitterDigest frontend.Variable
	PrevRoot        frontend.Variable
	Subroots        []frontend.Variable // PrevRoot's nodes at height PathDepth, 2^TopLevels of them
	InboxBefore     frontend.Variable
	OutboxCount     frontend.Variable
	DAChunks        frontend.Variable // ceil(len(data)/31)

	Slots  []SlotWitness
	Forced []ForcedWitness // of the first Params.ForcedSlots slots
}

// NewCircuit allocates the circuit's shape for params (for compiling).
func NewCircuit(p Params) *Circuit {
	p = p.WithDefaults()
	c := &Circuit{params: p, Slots: make([]SlotWitness, p.Slots), Forced: make([]ForcedWitness, p.ForcedSlots),
		Subroots: make([]frontend.Variable, 1<<p.TopLevels())}
	for i := range c.Slots {
		c.Slots[i].A.Siblings = make([]frontend.Variable, p.PathDepth())
		c.Slots[i].B.Siblings = make([]frontend.Variable, p.PathDepth())
	}
	return c
}

var (
	two32       = new(big.Int).Lsh(big.NewInt(1), 32)
	two96       = new(big.Int).Lsh(big.NewInt(1), 96)
	orderMinus1 = new(big.Int).Sub(order, big.NewInt(1))
)

// circuitCtx carries what every slot's constraints need.
type circuitCtx struct {
	api      frontend.API
	h        *gadgets.Hasher
	rc       frontend.Rangechecker
	curve    twistededwards.Curve
	p        Params
	denom    *big.Int
	txDomain frontend.Variable
}

// newCircuitCtx sets up the gadgets every slot shares and the domain of
// the signed messages, H(tag; chain id digest, rollup id digest).
func newCircuitCtx(api frontend.API, p Params, chainIDDigest, rollupIDDigest frontend.Variable) (*circuitCtx, error) {
	h, err := gadgets.NewHasher(api)
	if err != nil {
		return nil, err
	}
	ed, err := twistededwards.NewEdCurve(api, tedwards.BN254)
	if err != nil {
		return nil, err
	}
	ctx := &circuitCtx{api: api, h: h, rc: rangecheck.New(api), curve: ed, p: p,
		denom: gadgets.DenomDigestConstant(p.Denom)}
	ctx.txDomain = h.Tagged(paymentsv1.TagTx, chainIDDigest, rollupIDDigest)
	return ctx, nil
}

// Define lays out the batch: slots in order, then the fee withdrawal to the
// submitter, then the commitment.
func (c *Circuit) Define(api frontend.API) error {
	p := c.params.WithDefaults()
	ctx, err := newCircuitCtx(api, p, c.ChainIDDigest, c.RollupIDDigest)
	if err != nil {
		return err
	}
	h := ctx.h

	b := &batchState{subroots: h.OpenSubroots(c.PrevRoot, c.Subroots),
		inbox: h.NewInboxConsumer(c.InboxBefore), outbox: h.NewOutbox(c.OutboxCount)}
	var fees, txCount frontend.Variable = 0, 0
	data := make([]frontend.Variable, 0, p.MaxDataBytes())

	for i := range c.Slots {
		s := &c.Slots[i]
		var prev, next *SlotWitness
		if i > 0 {
			prev = &c.Slots[i-1]
		}
		if i+1 < len(c.Slots) {
			next = &c.Slots[i+1]
		}
		var forced *ForcedWitness
		if i < len(c.Forced) {
			forced = &c.Forced[i]
		}
		fees = api.Add(fees, ctx.slot(s, prev, next, forced, b))
		txCount = api.Add(txCount, api.Sub(1, s.IsKind[KindNoop]))
		data = append(data, s.Bytes[:]...)
	}

	// fees: the last outbox entry, if any fee was paid (a zero withdrawal
	// is invalid)
	feeEntry := ctx.feeWithdrawal(fees, c.SubmitterDigest)
	b.outbox.Append(api.Sub(1, api.IsZero(fees)), feeEntry)

	length := api.Mul(txCount, RecordBytes)
	h.AssertBatchCommitment(c.Commitment, gadgets.BatchCommitment{
		ChainIDDigest:   c.ChainIDDigest,
		RollupIDDigest:  c.RollupIDDigest,
		BatchIndex:      c.BatchIndex,
		PrevStateRoot:   c.PrevRoot,
		NewStateRoot:    b.subroots.Root(),
		DAHash:          h.DAHashPrefix(data, length, c.DAChunks, ctx.rc),
		InboxBefore:     c.InboxBefore,
		InboxAfter:      b.inbox.Accumulator(),
		OutboxHash:      b.outbox.Hash(),
		L2TxCount:       txCount,
		SubmitterDigest: c.SubmitterDigest,
	})
	return nil
}

// feeWithdrawal is the hash of the batch's fee withdrawal: the sum of the
// fees to the submitter's L1 account, in the rollup's denom, from no one.
func (ctx *circuitCtx) feeWithdrawal(fees, submitterDigest frontend.Variable) frontend.Variable {
	return ctx.h.OutboxEntryHash(gadgets.OutboxEntry{
		Kind: uint32(protocol.OutboxKindWithdrawal), Amount: fees,
		SenderDigest: gadgets.AddressDigestConstant(nil), RecipientDigest: submitterDigest,
		DestRollupDigest: gadgets.RollupIDDigestConstant(""), DenomDigest: ctx.denom,
		PayloadDigest: gadgets.PayloadDigestConstant(nil),
	})
}

// batchState is what the slots change in turn: the account tree (as its
// subroots), the consumed inbox and the emitted outbox.
type batchState struct {
	subroots *gadgets.Subroots
	inbox    *gadgets.InboxConsumer
	outbox   *gadgets.OutboxBuilder
}

// slot applies one slot to the batch state and returns the fee it pays.
// Every slot runs the same constraints; the
// kind selectors decide which take effect. A forced-capable slot (f not
// nil) may also consume a forced transaction: it executes it (the slot's
// kind is then the transaction's, and it posts a forced skip record) or,
// only if the transaction is not valid against the state, skips it. The
// steps run in a fixed order: the compiled constraint system, and so the
// verifying key, depend on it.
func (ctx *circuitCtx) slot(s, prev, next *SlotWitness, f *ForcedWitness, b *batchState) (fee frontend.Variable) {
	api := ctx.api
	k := ctx.kindSelectors(s.IsKind)
	var nextKinds *[8]frontend.Variable
	if next != nil {
		nextKinds = &next.IsKind
	}
	ctx.assertSlotOrder(&s.IsKind, nextKinds, prev == nil)
	rec := ctx.slotRecord(s, k)
	var fs *forcedSlot
	var isForcedSkip frontend.Variable = 0
	if f != nil {
		fs = ctx.forcedRecord(s, f, k, &rec)
		isForcedSkip = fs.isSkip
	}
	ctx.bytesOf(s.Bytes[:], rec.posted)
	pkHashA, updA := ctx.debitAccount(&s.A, k.useA, rec.amount, rec.fee, rec.fromBits)
	pkHashB, updB := ctx.creditAccount(s, k, rec.amount, rec.toBits)
	// the slot's L2 address: To's key for credits, From's otherwise
	addrX := api.Select(k.credit, s.B.X, s.A.X)
	addrY := api.Select(k.credit, s.B.Y, s.A.Y)
	// one entry per slot: consumed from the inbox or emitted to the outbox
	// (in a forced-capable slot, the forced entry has its own hash and this
	// one is the withdrawal the payload would emit)
	isInReg := api.Sub(k.isIn, isForcedSkip)
	var entryHash, addr frontend.Variable
	var hashed *slotHashes
	if fs == nil {
		hashed = ctx.updateLeaves(b, k, updA, updB, ctx.entryChain(&s.Entry, isInReg), ctx.addressChain(s, addrX, addrY))
		entryHash, addr = hashed.entry, hashed.address
	} else {
		// a forced-capable slot reads both accounts, whatever its kind
		ctx.updateLeaf(b.subroots, updA)
		ctx.updateLeaf(b.subroots, updB)
		addr = ctx.addressDigest(s, addrX, addrY)
		ctx.forcedValidity(fs, &s.A, &s.B)
		entryHash = ctx.entryHash(&s.Entry, isInReg)
	}
	ctx.assertConsumedEntry(s, k, isForcedSkip, addr)
	outRole := ctx.assertEmittedEntry(&s.Entry, k, fs, rec.amount, addr)
	if prev != nil {
		ctx.assertBounceOut(&s.Entry, &prev.Entry, prev.ToL1, k.bounceOut)
	}
	if fs == nil {
		ctx.assertSlotSignature(s, k, rec.word, pkHashA, pkHashB, entryHash)
		b.inbox.ConsumeAccumulated(k.isIn, hashed.inboxNext)
		b.outbox.AppendHashed(k.isOut, hashed.outboxNext)
		return api.Mul(k.useA, rec.fee)
	}
	ctx.assertForcedSignature(s, k, fs, rec.word, pkHashA, pkHashB, outRole, entryHash)
	b.inbox.Consume(api.Add(isInReg, fs.fd.isForced), api.Select(fs.fd.isForced, fs.fd.entryHash, entryHash))
	b.outbox.Append(k.isOut, entryHash)
	return api.Mul(k.useA, rec.fee)
}
