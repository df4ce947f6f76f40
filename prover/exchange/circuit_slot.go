package exchange

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/gadgets"
)

// kinds are a slot's one-hot selectors and the roles they give it.
type kinds struct {
	is                                 [numKinds]frontend.Variable
	value, signed, useAcc, isIn, isOut frontend.Variable
	swapLike                           frontend.Variable // swap or call swap
	sideDenom, otherDenom              frontend.Variable // denom digests of Side and of the other side
}

func (x *cctx) kinds(s *SlotWitness) kinds {
	api := x.api
	k := kinds{is: s.IsKind}
	var sum, value frontend.Variable = 0, 0
	for i, b := range s.IsKind {
		api.AssertIsBoolean(b)
		sum, value = api.Add(sum, b), api.Add(value, api.Mul(b, i))
	}
	api.AssertIsEqual(sum, 1)
	is := k.is
	k.value = value
	k.signed = api.Add(is[KindSwap], is[KindAdd], is[KindRemove], is[KindWithdraw])
	k.useAcc = api.Add(k.signed, is[KindCredit])
	k.isIn = api.Add(is[KindCredit], is[KindCallSwap], is[KindRefund], is[KindSkip])
	k.isOut = api.Add(is[KindWithdraw], is[KindCallSwap], is[KindRefund])
	k.swapLike = api.Add(is[KindSwap], is[KindCallSwap])
	api.AssertIsBoolean(s.Side)
	base, quote := gadgets.DenomDigestConstant(x.p.BaseDenom), gadgets.DenomDigestConstant(x.p.QuoteDenom)
	k.sideDenom, k.otherDenom = api.Select(s.Side, quote, base), api.Select(s.Side, base, quote)
	return k
}

// slot applies one slot: record, pool, account, entries, signature. Only a
// call-capable slot (cw not nil) may be a call swap. It returns the pool
// after it.
func (x *cctx) slot(s *SlotWitness, cw *CallWitness, pl pool, sub *gadgets.Subroots, in *gadgets.InboxConsumer, out *gadgets.OutboxBuilder) pool {
	k := x.kinds(s)
	bits := x.record(s, k)
	newPool, acc := x.amm(s, k, pl)
	pkHash := x.account(s, k, acc, bits, sub)
	addr := x.h.AddressDigest(x.rc, s.X, s.Y, gadgets.AddressSplit{XHi: s.AddrXHi, XLo: s.AddrXLo, YHi: s.AddrYHi, YLo: s.AddrYLo})
	call := decodedCall{0, 0, 0, 0}
	if cw != nil {
		call = x.decodeCall(s, cw, k)
	} else {
		x.api.AssertIsEqual(k.is[KindCallSwap], 0)
	}
	in.Consume(k.isIn, x.inboxEntry(s, k, addr, call))
	outHash := x.outboxEntry(s, k, addr, call)
	out.Append(k.isOut, outHash)
	x.signature(s, k, pkHash, outHash)
	return newPool
}

// record checks the posted bytes against the slot's fields, which must be
// zero where the kind does not use them, and returns the account's index
// bits.
func (x *cctx) record(s *SlotWitness, k kinds) []frontend.Variable {
	api, is := x.api, k.is
	for _, b := range s.Bytes {
		x.rc.Check(b, 8)
	}
	b := s.Bytes[:]
	for _, eq := range [][2]frontend.Variable{{b[0], k.value}, {b[1], s.Side}, {pack(api, b[2:5]), s.Account},
		{pack(api, b[5:21]), s.V1}, {pack(api, b[21:37]), s.V2}, {pack(api, b[37:53]), s.V3}} {
		api.AssertIsEqual(eq[0], eq[1])
	}
	zeros := [][2]frontend.Variable{
		{s.Side, api.Add(is[KindNoop], is[KindSkip], is[KindAdd], is[KindRemove], is[KindRefund])},
		{s.Account, api.Sub(1, k.useAcc)},
		{s.V1, api.Add(is[KindNoop], is[KindSkip])},
		{s.V2, api.Add(is[KindNoop], is[KindSkip], is[KindWithdraw], is[KindCredit], is[KindRefund])},
		{s.V3, api.Sub(1, api.Add(is[KindAdd], is[KindRemove]))},
	}
	for _, z := range zeros {
		api.AssertIsEqual(api.Mul(z[0], z[1]), 0)
	}
	return api.ToBinary(s.Account, x.p.Depth)
}

// accountAfter is the account's balances, shares and nonce after the slot.
type accountAfter struct{ base, quote, shares, nonce frontend.Variable }

// amm checks the pool rules (spec section 3): the record's outputs are the
// exact floors, at least their minimums, and returns the pool and the
// account after the slot.
func (x *cctx) amm(s *SlotWitness, k kinds, pl pool) (pool, accountAfter) {
	api, rc, is := x.api, x.rc, k.is
	rB, rQ, S := pl[0], pl[1], pl[2]
	add, remove := is[KindAdd], is[KindRemove]
	rIn := api.Select(s.Side, rQ, rB)
	rOut := api.Sub(api.Add(rB, rQ), rIn)
	api.AssertIsEqual(api.Mul(k.swapLike, api.IsZero(rIn)), 0)
	xf := api.Mul(s.V1, bps-x.p.FeeBps)
	first := api.IsZero(S)
	sOr1 := api.Select(first, 1, S)
	other := api.Sub(1, api.Add(k.swapLike, add, remove))
	// y1: swap out, add's base bound, remove's base out; y2: add's quote
	// bound, remove's quote out
	y1 := x.mulDiv(api.Add(api.Mul(k.swapLike, xf), api.Mul(api.Add(add, remove), s.V1)),
		api.Add(api.Mul(k.swapLike, rOut), api.Mul(add, sOr1), api.Mul(remove, rB)),
		api.Add(api.Mul(k.swapLike, api.Add(api.Mul(rIn, bps), xf)), api.Mul(add, api.Select(first, 1, rB)), api.Mul(remove, S), other))
	y2 := x.mulDiv(api.Add(api.Mul(add, api.Select(first, s.V1, s.V2)), api.Mul(remove, s.V1)),
		api.Add(api.Mul(add, sOr1), api.Mul(remove, rQ)),
		api.Add(api.Mul(add, api.Select(first, 1, rQ)), api.Mul(remove, S), api.Sub(1, api.Add(add, remove))))
	api.AssertIsEqual(api.Mul(api.Add(k.swapLike, remove), api.Sub(s.V2, y1)), 0)
	api.AssertIsEqual(api.Mul(remove, api.Sub(s.V3, y2)), 0)
	api.AssertIsBoolean(s.MinBit)
	minted := api.Select(s.MinBit, y2, y1)
	api.AssertIsEqual(api.Mul(add, api.Sub(s.V3, minted)), 0)
	rc.Check(api.Mul(add, api.Sub(api.Sub(api.Add(y1, y2), minted), minted)), mulDivBits) // minted is the smaller
	// minimums and non-zero amounts
	rc.Check(s.Min1, exchangev1.AmountBits)
	rc.Check(s.Min2, exchangev1.AmountBits)
	rc.Check(api.Add(api.Mul(api.Add(k.swapLike, remove), api.Sub(s.V2, s.Min1)), api.Mul(add, api.Sub(s.V3, s.Min1))), exchangev1.AmountBits)
	rc.Check(api.Mul(remove, api.Sub(s.V3, s.Min2)), exchangev1.AmountBits)
	api.AssertIsDifferent(api.Add(s.V1, is[KindNoop], is[KindSkip]), 0)
	api.AssertIsDifferent(api.Add(api.Mul(k.swapLike, s.V2), api.Mul(add, s.V3), api.Sub(1, api.Add(k.swapLike, add))), 0)
	api.AssertIsDifferent(api.Add(s.V2, api.Sub(1, add)), 0)
	return x.deltas(s, k, pl)
}

// deltas moves the record's amounts between the account and the pool.
func (x *cctx) deltas(s *SlotWitness, k kinds, pl pool) (pool, accountAfter) {
	api, rc, is := x.api, x.rc, k.is
	rB, rQ, S := pl[0], pl[1], pl[2]
	add, remove := is[KindAdd], is[KindRemove]
	dIn, dOut := api.Mul(k.swapLike, s.V1), api.Mul(k.swapLike, s.V2)
	np := pool{
		api.Add(rB, api.Select(s.Side, api.Neg(dOut), dIn), api.Mul(add, s.V1), api.Neg(api.Mul(remove, s.V2))),
		api.Add(rQ, api.Select(s.Side, dIn, api.Neg(dOut)), api.Mul(add, s.V2), api.Neg(api.Mul(remove, s.V3))),
		api.Add(S, api.Mul(add, s.V3), api.Neg(api.Mul(remove, s.V1))),
	}
	// account
	accIn := api.Mul(s.V1, api.Sub(is[KindCredit], api.Add(is[KindSwap], is[KindWithdraw])))
	accOut := api.Mul(is[KindSwap], s.V2)
	a := accountAfter{
		base:   api.Add(s.Base, api.Select(s.Side, accOut, accIn), api.Neg(api.Mul(add, s.V1)), api.Mul(remove, s.V2)),
		quote:  api.Add(s.Quote, api.Select(s.Side, accIn, accOut), api.Neg(api.Mul(add, s.V2)), api.Mul(remove, s.V3)),
		shares: api.Add(s.Shares, api.Mul(add, s.V3), api.Neg(api.Mul(remove, s.V1))),
		nonce:  api.Add(s.Nonce, k.signed),
	}
	for _, v := range []frontend.Variable{np[0], np[1], np[2], a.base, a.quote, a.shares} {
		rc.Check(v, exchangev1.AmountBits)
	}
	rc.Check(a.nonce, exchangev1.NonceBits)
	return np, a
}

// leaf is exchangev1.LeafHash given the key hash.
func (x *cctx) leaf(pkHash, base, quote, shares, nonce frontend.Variable) frontend.Variable {
	h := x.h
	return h.Compress(h.Compress(h.Compress(pkHash, x.api.Add(x.api.Mul(base, 1<<32), nonce)), quote), shares)
}

// account updates the slot's leaf (to itself for kinds that leave it
// alone). A credit may create it (Create = 1) over an empty leaf, with a
// key on the curve. It returns the key hash.
func (x *cctx) account(s *SlotWitness, k kinds, a accountAfter, bits []frontend.Variable, sub *gadgets.Subroots) frontend.Variable {
	api, h := x.api, x.h
	api.AssertIsBoolean(s.Create)
	api.AssertIsEqual(api.Mul(s.Create, api.Sub(1, k.is[KindCredit])), 0)
	api.AssertIsEqual(api.Mul(s.Create, api.Add(s.Base, s.Quote, s.Shares, s.Nonce)), 0) // non-negative: range-checked before
	gadgets.AssertOnCurve(api, x.curve, s.X, s.Y, k.is[KindCredit])
	pkHash := h.Compress(s.X, s.Y)
	oldLeaf := api.Select(s.Create, exchangev1.EmptyLeaf.BigInt(new(big.Int)), x.leaf(pkHash, s.Base, s.Quote, s.Shares, s.Nonce))
	newLeaf := x.leaf(pkHash, a.base, a.quote, a.shares, a.nonce)
	pd := len(s.Siblings)
	oldNode, newNode := h.MerkleUpdate(oldLeaf, newLeaf, bits[:pd], s.Siblings)
	sub.Update(1, bits[pd:], oldNode, newNode)
	return pkHash
}

// signature checks the slot's signature (spec section 4): by the account's
// key for signed kinds, by the public dummy key (the base point) otherwise.
func (x *cctx) signature(s *SlotWitness, k kinds, pkHash, outHash frontend.Variable) {
	api, add := x.api, k.is[KindAdd]
	header := api.Add(k.value, api.Mul(s.Side, 1<<8), api.Mul(s.Account, 1<<16), api.Mul(s.Nonce, new(big.Int).Lsh(big.NewInt(1), 48)))
	msg := []frontend.Variable{header, s.V1, api.Select(add, s.V2, s.Min1), api.Select(add, s.Min1, s.Min2), api.Mul(k.is[KindWithdraw], outHash)}
	pkX, pkY, keyHash := gadgets.SignerKey(api, x.curve, k.signed, s.X, s.Y, pkHash)
	x.h.AssertSignature(x.curve, x.rc, x.domain, gadgets.Signature{RX: s.SigRX, RY: s.SigRY, S: s.SigS}, pkX, pkY, keyHash, msg...)
}
