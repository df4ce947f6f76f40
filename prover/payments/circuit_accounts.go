package payments

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/prover/gadgets"
)

// packLeaf is the leaf's second half, balance * 2^32 + nonce.
func packLeaf(api frontend.API, balance, nonce frontend.Variable) frontend.Variable {
	return api.Add(api.Mul(balance, two32), nonce)
}

// debitAccount applies account A's side of the slot when useA is 1: A pays
// amount + fee and its nonce goes up by one, neither leaving its range (no
// overdraft, no nonce wrap). It returns A's key hash and the change to A's
// leaf at fromBits, for updateLeaves.
func (ctx *circuitCtx) debitAccount(a *AccountWitness, useA, amount, fee frontend.Variable, fromBits []frontend.Variable) (pkHash frontend.Variable, u leafUpdate) {
	api, h, rc := ctx.api, ctx.h, ctx.rc
	pkHash = h.Compress(a.X, a.Y)
	newBal := api.Sub(a.Balance, api.Mul(useA, api.Add(amount, fee)))
	newNonce := api.Add(a.Nonce, useA)
	rc.Check(newBal, BalanceBits)
	rc.Check(newNonce, NonceBits)
	return pkHash, leafUpdate{
		oldLeaf: h.Compress(pkHash, packLeaf(api, a.Balance, a.Nonce)),
		newLeaf: h.Compress(pkHash, packLeaf(api, newBal, newNonce)),
		bits:    fromBits, siblings: a.Siblings}
}

// creditAccount applies account B's side of the slot: a transfer's amount
// or a credit's entry value goes to B, whose key must be on the curve and
// whose balance stays in range. A credit may create B (Create = 1) only
// over an empty leaf, with the key of the entry's recipient. It returns
// B's key hash and the change to B's leaf at toBits, for updateLeaves
// (which reads B's path after A's update).
func (ctx *circuitCtx) creditAccount(s *SlotWitness, k slotKinds, amount frontend.Variable, toBits []frontend.Variable) (pkHash frontend.Variable, u leafUpdate) {
	api, h := ctx.api, ctx.h
	b := &s.B
	api.AssertIsBoolean(s.Create)
	api.AssertIsEqual(api.Mul(s.Create, api.Sub(1, k.credit)), 0)
	api.AssertIsEqual(api.Mul(s.Create, b.Balance), 0)
	api.AssertIsEqual(api.Mul(s.Create, b.Nonce), 0)
	gadgets.AssertOnCurve(api, ctx.curve, b.X, b.Y, k.useB)
	credit := api.Add(api.Mul(k.transfer, amount), api.Mul(k.credit, s.Entry.Amount))
	newBal := api.Add(b.Balance, credit)
	ctx.rc.Check(newBal, BalanceBits)
	pkHash = h.Compress(b.X, b.Y)
	oldLeaf := api.Select(s.Create, EmptyLeaf.BigInt(new(big.Int)), h.Compress(pkHash, packLeaf(api, b.Balance, b.Nonce)))
	return pkHash, leafUpdate{oldLeaf: oldLeaf, newLeaf: h.Compress(pkHash, packLeaf(api, newBal, b.Nonce)),
		bits: toBits, siblings: b.Siblings}
}

// addressDigest is protocol.AddressDigest(X || Y) of a key
// (gadgets.AddressDigest) with the slot's split of it.
func (ctx *circuitCtx) addressDigest(s *SlotWitness, x, y frontend.Variable) frontend.Variable {
	return ctx.h.AddressDigest(ctx.rc, x, y, addressSplit(s))
}

// addressChain is the chain whose result is addressDigest (gadgets.AddressChain).
func (ctx *circuitCtx) addressChain(s *SlotWitness, x, y frontend.Variable) gadgets.ChainJob {
	return gadgets.AddressChain(ctx.api, ctx.rc, x, y, addressSplit(s))
}

func addressSplit(s *SlotWitness) gadgets.AddressSplit {
	return gadgets.AddressSplit{XHi: s.AddrXHi, XLo: s.AddrXLo, YHi: s.AddrYHi, YLo: s.AddrYLo}
}
