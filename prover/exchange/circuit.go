package exchange

import (
	tedwards "github.com/consensys/gnark-crypto/ecc/twistededwards"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/algebra/native/twistededwards"
	"github.com/consensys/gnark/std/rangecheck"

	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/gadgets"
)

// SlotWitness is everything one slot needs.
type SlotWitness struct {
	IsKind                    [numKinds]frontend.Variable // one-hot Kind
	Side, Account, V1, V2, V3 frontend.Variable           // the record
	Min1, Min2                frontend.Variable           // signed (or the call's) minimums
	MinBit                    frontend.Variable           // add: 1 if the quote bound gave the shares
	Bytes                     [RecordBytes]frontend.Variable
	X, Y, Base, Quote, Shares frontend.Variable // account Account before (the new key if Create)
	Nonce, Create             frontend.Variable
	Siblings                  []frontend.Variable // up to the subroots
	AddrXHi, AddrXLo          frontend.Variable   // the key's 64-byte address split at
	AddrYHi, AddrYLo          frontend.Variable   // the 31-byte chunk boundaries
	In                        gadgets.InboxEntry
	Out                       gadgets.OutboxEntry
	ToL1                      frontend.Variable // refund: back to an L1 sender
	SigRX, SigRY, SigS        frontend.Variable
}

// CallWitness is a call-capable slot's payload (the first Params.CallSlots
// slots; all zero unless the slot is a call swap).
type CallWitness struct {
	Payload                  [exchangev1.CallBytes]frontend.Variable
	RollupChunks, AddrChunks frontend.Variable
	RollupMask, AddrMask     [exchangev1.CallMaxRollup]frontend.Variable // 1 at padding positions
}

// Circuit proves one batch of the exchange rollup; its only public input
// is the batch commitment v2.
type Circuit struct {
	params Params

	Commitment frontend.Variable `gnark:",public"`

	ChainIDDigest, RollupIDDigest, BatchIndex, SubmitterDigest frontend.Variable
	PrevAccountsRoot                                           frontend.Variable
	Subroots                                                   []frontend.Variable
	PoolBase, PoolQuote, PoolShares                            frontend.Variable // the pool before
	InboxBefore, OutboxCount, DAChunks                         frontend.Variable
	Slots                                                      []SlotWitness
	Calls                                                      []CallWitness // of the first CallSlots slots
}

// NewCircuit allocates the circuit's shape for p (for compiling).
func NewCircuit(p Params) *Circuit {
	p = p.WithDefaults()
	c := &Circuit{params: p, Slots: make([]SlotWitness, p.Slots), Calls: make([]CallWitness, p.CallSlots),
		Subroots: make([]frontend.Variable, 1<<p.TopLevels())}
	for i := range c.Slots {
		c.Slots[i].Siblings = make([]frontend.Variable, p.PathDepth())
	}
	return c
}

// cctx is what every slot's constraints share.
type cctx struct {
	api    frontend.API
	h      *gadgets.Hasher
	rc     frontend.Rangechecker
	curve  twistededwards.Curve
	p      Params
	domain frontend.Variable
}

type pool [3]frontend.Variable // reserve base, reserve quote, total shares

// Define lays out the batch: the slots in order, then the commitment.
func (c *Circuit) Define(api frontend.API) error {
	h, err := gadgets.NewHasher(api)
	if err != nil {
		return err
	}
	ed, err := twistededwards.NewEdCurve(api, tedwards.BN254)
	if err != nil {
		return err
	}
	x := &cctx{api: api, h: h, rc: rangecheck.New(api), curve: ed, p: c.params,
		domain: h.Tagged(exchangev1.TagTx, c.ChainIDDigest, c.RollupIDDigest)}
	pl := pool{c.PoolBase, c.PoolQuote, c.PoolShares}
	for _, v := range pl {
		x.rc.Check(v, exchangev1.AmountBits)
	}
	// the pool record commits the denoms (constants of these params)
	poolHash := func(pl pool) frontend.Variable {
		return h.Tagged(exchangev1.TagPool, append([]frontend.Variable{gadgets.DenomDigestConstant(c.params.BaseDenom),
			gadgets.DenomDigestConstant(c.params.QuoteDenom)}, pl[:]...)...)
	}
	prevRoot := h.Compress(c.PrevAccountsRoot, poolHash(pl))
	sub := h.OpenSubroots(c.PrevAccountsRoot, c.Subroots)
	in, out := h.NewInboxConsumer(c.InboxBefore), h.NewOutbox(c.OutboxCount)
	var count frontend.Variable = 0
	data := make([]frontend.Variable, 0, RecordBytes*len(c.Slots))
	for i := range c.Slots {
		s := &c.Slots[i]
		if i+1 < len(c.Slots) { // no-ops only at the end
			api.AssertIsEqual(api.Mul(s.IsKind[KindNoop], api.Sub(1, c.Slots[i+1].IsKind[KindNoop])), 0)
		}
		var call *CallWitness
		if i < len(c.Calls) {
			call = &c.Calls[i]
		}
		pl = x.slot(s, call, pl, sub, in, out)
		count = api.Add(count, api.Sub(1, s.IsKind[KindNoop]))
		data = append(data, s.Bytes[:]...)
	}
	newRoot := h.Compress(sub.Root(), poolHash(pl))
	h.AssertBatchCommitment(c.Commitment, gadgets.BatchCommitment{
		ChainIDDigest: c.ChainIDDigest, RollupIDDigest: c.RollupIDDigest, BatchIndex: c.BatchIndex,
		PrevStateRoot: prevRoot, NewStateRoot: newRoot,
		DAHash:      h.DAHashPrefix(data, api.Mul(count, RecordBytes), c.DAChunks, x.rc),
		InboxBefore: c.InboxBefore, InboxAfter: in.Accumulator(), OutboxHash: out.Hash(),
		L2TxCount: count, SubmitterDigest: c.SubmitterDigest,
	})
	return nil
}

// pack is the big-endian integer of bytes (range-checked by the caller).
func pack(api frontend.API, b []frontend.Variable) frontend.Variable {
	var acc frontend.Variable = 0
	for _, v := range b {
		acc = api.Add(api.Mul(acc, 256), v)
	}
	return acc
}
