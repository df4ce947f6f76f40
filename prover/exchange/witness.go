package exchange

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/gadgets"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

func boolVar(v bool) frontend.Variable {
	if v {
		return 1
	}
	return 0
}

// slot executes o on the state and records its witness.
func (b *builder) slot(o op) error {
	s, r := b.s, o.r
	r.V1, r.V2, r.V3 = nz(r.V1), nz(r.V2), nz(r.V3)
	w := SlotWitness{Side: r.Side, Account: r.Account, V1: r.V1, V2: r.V2, V3: r.V3, Min1: nz(o.min1), Min2: nz(o.min2),
		MinBit: boolVar(o.minBit), Create: boolVar(o.create), ToL1: boolVar(o.toL1)}
	for k := range w.IsKind {
		w.IsKind[k] = boolVar(Kind(k) == r.Kind)
	}
	bz := r.Bytes()
	if r.Kind == KindNoop {
		bz = [RecordBytes]byte{}
	}
	for i := range bz {
		w.Bytes[i] = bz[i]
	}
	// account before (the new key if the slot creates it)
	a, err := s.Account(r.Account)
	if err != nil {
		return err
	}
	path, err := s.tree.Siblings(uint64(r.Account))
	if err != nil {
		return err
	}
	w.Siblings = make([]frontend.Variable, s.p.PathDepth())
	for i := range w.Siblings {
		w.Siblings[i] = path[i]
	}
	key := a.Key
	if o.create {
		key = o.acc.Key
	}
	w.X, w.Y, w.Base, w.Quote, w.Shares, w.Nonce = key.X, key.Y, a.Base, a.Quote, a.Shares, a.Nonce
	x, y := key.X.BigInt(new(big.Int)), key.Y.BigInt(new(big.Int))
	w.AddrXHi, w.AddrXLo = new(big.Int).Rsh(x, 8), new(big.Int).And(x, big.NewInt(0xff))
	w.AddrYHi, w.AddrYLo = new(big.Int).Rsh(y, 16), new(big.Int).And(y, big.NewInt(0xffff))
	// entries
	w.In = gadgets.InboxEntry{Sequence: 0, Kind: 0, Amount: 0, SenderDigest: 0, RecipientDigest: 0, SourceRollupDigest: 0, DenomDigest: 0, PayloadDigest: 0}
	var payload []byte
	if e := o.in; e != nil {
		w.In = gadgets.InboxEntry{Sequence: e.Sequence, Kind: uint32(e.Kind), Amount: e.Amount.BigInt(),
			SenderDigest: protocol.AddressDigest(e.Sender), RecipientDigest: protocol.AddressDigest(e.Recipient),
			SourceRollupDigest: protocol.RollupIDDigest(e.SourceRollupID), DenomDigest: protocol.DenomDigest(e.Denom),
			PayloadDigest: protocol.PayloadDigest(e.Payload)}
		if r.Kind == KindCallSwap {
			payload = e.Payload
		}
	}
	w.Out = gadgets.OutboxEntry{Kind: 0, Amount: 0, SenderDigest: 0, RecipientDigest: 0, DestRollupDigest: 0, DenomDigest: 0, PayloadDigest: 0}
	var outHash fr.Element
	if e := o.out; e != nil {
		w.Out = gadgets.OutboxEntry{Kind: uint32(e.Kind), Amount: e.Amount.BigInt(),
			SenderDigest: protocol.AddressDigest(e.Sender), RecipientDigest: protocol.AddressDigest(e.Recipient),
			DestRollupDigest: protocol.RollupIDDigest(e.DestRollupID), DenomDigest: protocol.DenomDigest(e.Denom),
			PayloadDigest: protocol.PayloadDigest(e.Payload)}
		if r.Kind == KindWithdraw {
			outHash = e.Hash()
		}
		b.batch.Outbox = append(b.batch.Outbox, *e)
	}
	fillPayload(&w, payload)
	// signature (the dummy key's for unsigned slots)
	p2, p3 := w.Min1.(*big.Int), w.Min2.(*big.Int)
	if r.Kind == KindAdd {
		p2, p3 = r.V2, p2
	}
	sig := o.sig
	if sig == nil {
		d := dummySign(b.domain, slotMessage(r.Kind, r.Side, r.Account, a.Nonce, r.V1, p2, p3, outHash))
		sig = &d
	}
	w.SigRX, w.SigRY, w.SigS = sig.RX, sig.RY, new(big.Int).Set(&sig.S)
	// effects
	if o.acc != nil {
		if err := s.setAccount(r.Account, *o.acc); err != nil {
			return err
		}
	}
	if o.pool != nil {
		b.pool = *o.pool
		if err := s.setPool(b.pool); err != nil {
			return err
		}
	}
	b.slots = append(b.slots, w)
	b.records = append(b.records, r)
	return nil
}

// fillPayload sets a call swap's payload bytes and the lengths the circuit
// reads (all zero for other slots).
func fillPayload(w *SlotWitness, payload []byte) {
	var pl [exchangev1.CallBytes]byte
	copy(pl[:], payload)
	for i := range pl {
		w.Payload[i] = pl[i]
	}
	rl, al := int(pl[50]), int(pl[115])
	w.RollupChunks, w.AddrChunks = (rl+30)/31, (al+30)/31
	for i := range w.RollupMask {
		w.RollupMask[i], w.AddrMask[i] = boolVar(i >= rl), boolVar(i >= al)
	}
}

// subroots are the tree's nodes at height PathDepth, left to right.
func (s *State) subroots() ([]frontend.Variable, error) {
	height := s.p.PathDepth()
	out := make([]frontend.Variable, 1<<s.p.TopLevels())
	for j := range out {
		path, err := s.tree.Siblings(uint64(j^1) << height)
		if err != nil {
			return nil, err
		}
		out[j] = path[height]
	}
	return out, nil
}

// finish assembles the commitment and the assignment.
func (b *builder) finish() (*rollupkit.Batch, error) {
	s, ctx, batch := b.s, b.ctx, b.batch
	var err error
	if batch.NewRoot, err = s.Root(); err != nil {
		return nil, err
	}
	batch.Data = EncodeData(b.records)
	batch.Commitment = protocol.BatchCommitment{
		ChainID: ctx.ChainID, RollupID: ctx.RollupID, BatchIndex: ctx.BatchIndex,
		PrevStateRoot: batch.PrevRoot, NewStateRoot: batch.NewRoot,
		DAHash: protocol.DAHash(batch.Data), InboxBefore: ctx.InboxBefore, InboxAfter: b.inboxAfter,
		OutboxHash: protocol.OutboxHash(batch.Outbox), L2TxCount: uint64(len(batch.Data) / RecordBytes), Submitter: ctx.Submitter,
	}
	pi, err := batch.Commitment.PublicInputs()
	if err != nil {
		return nil, err
	}
	pool := b.pool0
	a := NewCircuit(s.p)
	a.Commitment, a.BatchIndex, a.InboxBefore = pi[0], ctx.BatchIndex, ctx.InboxBefore
	a.ChainIDDigest, a.RollupIDDigest = protocol.ChainIDDigest(ctx.ChainID), protocol.RollupIDDigest(ctx.RollupID)
	a.SubmitterDigest = protocol.AddressDigest(ctx.Submitter)
	a.PrevAccountsRoot, a.Subroots = b.accRoot, b.subroots
	a.PoolBase, a.PoolQuote, a.PoolShares = pool.ReserveBase, pool.ReserveQuote, pool.TotalShares
	a.OutboxCount = len(batch.Outbox)
	a.DAChunks = (len(batch.Data) + protocol.ChunkBytes - 1) / protocol.ChunkBytes
	a.Slots = b.slots
	batch.Assignment = a
	return batch, nil
}
