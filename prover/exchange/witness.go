package exchange

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/gadgets"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// slot executes o on the state and records its witness.
func (b *builder) slot(o op) error {
	s, r := b.s, o.r
	r.V1, r.V2, r.V3 = nz(r.V1), nz(r.V2), nz(r.V3)
	w := SlotWitness{Side: r.Side, Account: r.Account, V1: r.V1, V2: r.V2, V3: r.V3, Min1: nz(o.min1), Min2: nz(o.min2),
		MinBit: gadgets.Bool(o.minBit), Create: gadgets.Bool(o.create), ToL1: gadgets.Bool(o.toL1)}
	for k := range w.IsKind {
		w.IsKind[k] = gadgets.Bool(Kind(k) == r.Kind)
	}
	bz := r.Bytes()
	for i := range bz {
		w.Bytes[i] = bz[i]
	}
	// account before (the new key if the slot creates it)
	a, err := s.Account(r.Account)
	if err != nil {
		return err
	}
	if w.Siblings, err = s.acc.Path(r.Account, s.p.PathDepth()); err != nil {
		return err
	}
	key := a.Key
	if o.create {
		key = o.acc.Key
	}
	w.X, w.Y, w.Base, w.Quote, w.Shares, w.Nonce = key.X, key.Y, a.Base, a.Quote, a.Shares, a.Nonce
	w.AddrXHi, w.AddrXLo, w.AddrYHi, w.AddrYLo = gadgets.SplitAddress(key)
	// entries (an empty one's digests where the slot has none)
	in, out := o.in, o.out
	if in == nil {
		in = &protocol.InboxEntry{}
	}
	if out == nil {
		out = &protocol.OutboxEntry{}
	} else {
		b.batch.Outbox = append(b.batch.Outbox, *out)
	}
	w.In, w.Out = gadgets.InboxEntryWitness(*in), gadgets.OutboxEntryWitness(*out)
	var payload []byte
	if r.Kind == KindCallSwap {
		payload = in.Payload
	}
	var outHash fr.Element
	if r.Kind == KindWithdraw {
		outHash = out.Hash()
	}
	if len(b.slots) < s.p.CallSlots {
		b.calls = append(b.calls, callWitness(payload))
	}
	// signature (the dummy key's for unsigned slots)
	p2, p3 := w.Min1.(*big.Int), w.Min2.(*big.Int)
	if r.Kind == KindAdd {
		p2, p3 = r.V2, p2
	}
	sig := o.sig
	if sig == nil {
		d := paymentsv1.DummyKey.Sign(b.domain, slotMessage(r.Kind, r.Side, r.Account, a.Nonce, r.V1, p2, p3, outHash)...)
		sig = &d
	}
	w.SigRX, w.SigRY, w.SigS = sig.RX, sig.RY, new(big.Int).Set(&sig.S)
	// effects
	if o.acc != nil {
		err = s.setAccount(r.Account, *o.acc)
	}
	if o.pool != nil && err == nil {
		b.pool = *o.pool
		err = s.setPool(b.pool)
	}
	b.slots = append(b.slots, w)
	b.records = append(b.records, r)
	return err
}

// callWitness is a call swap's payload and the lengths the circuit reads
// (all zero for other slots).
func callWitness(payload []byte) (w CallWitness) {
	var pl [exchangev1.CallBytes]byte
	copy(pl[:], payload)
	for i := range pl {
		w.Payload[i] = pl[i]
	}
	rl, al := int(pl[50]), int(pl[115])
	w.RollupChunks, w.AddrChunks = (rl+30)/31, (al+30)/31
	for i := range w.RollupMask {
		w.RollupMask[i], w.AddrMask[i] = gadgets.Bool(i >= rl), gadgets.Bool(i >= al)
	}
	return w
}

// finish assembles the commitment and the assignment.
func (b *builder) finish() (*rollupkit.Batch, error) {
	s, ctx, batch := b.s, b.ctx, b.batch
	var err error
	if batch.NewRoot, err = s.Root(); err != nil {
		return nil, err
	}
	batch.Data = EncodeData(b.records)
	batch.Commitment = ctx.Commitment(batch.PrevRoot, batch.NewRoot, batch.Data, b.inboxAfter, batch.Outbox, uint64(len(batch.Data)/RecordBytes))
	w, err := ctx.CommitmentWitness(batch.Commitment, len(batch.Outbox), len(batch.Data))
	if err != nil {
		return nil, err
	}
	pool, a := b.pool0, NewCircuit(s.p)
	a.Commitment, a.ChainIDDigest, a.RollupIDDigest, a.BatchIndex, a.SubmitterDigest = w.Commitment, w.ChainIDDigest, w.RollupIDDigest, w.BatchIndex, w.SubmitterDigest
	a.PrevAccountsRoot, a.Subroots = b.accRoot, b.subroots
	a.PoolBase, a.PoolQuote, a.PoolShares = pool.ReserveBase, pool.ReserveQuote, pool.TotalShares
	a.InboxBefore, a.OutboxCount, a.DAChunks = w.InboxBefore, w.OutboxCount, w.DAChunks
	a.Slots, a.Calls = b.slots, b.calls
	batch.Assignment = a
	return batch, nil
}
