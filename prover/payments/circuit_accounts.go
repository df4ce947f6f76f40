package payments

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/gadgets"
	"github.com/nativechain/nativechain/prover/tree"
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
	ctx.assertOnCurve(b.X, b.Y, k.useB)
	credit := api.Add(api.Mul(k.transfer, amount), api.Mul(k.credit, s.Entry.Amount))
	newBal := api.Add(b.Balance, credit)
	ctx.rc.Check(newBal, BalanceBits)
	pkHash = h.Compress(b.X, b.Y)
	oldLeaf := api.Select(s.Create, EmptyLeaf.BigInt(new(big.Int)), h.Compress(pkHash, packLeaf(api, b.Balance, b.Nonce)))
	return pkHash, leafUpdate{oldLeaf: oldLeaf, newLeaf: h.Compress(pkHash, packLeaf(api, newBal, b.Nonce)),
		bits: toBits, siblings: b.Siblings}
}

// assertOnCurve asserts a*x^2 + y^2 = 1 + d*x^2*y^2 when cond is 1.
func (ctx *circuitCtx) assertOnCurve(x, y, cond frontend.Variable) {
	api := ctx.api
	params := ctx.curve.Params()
	x2 := api.Mul(x, x)
	y2 := api.Mul(y, y)
	lhs := api.Add(api.Mul(params.A, x2), y2)
	rhs := api.Add(1, api.Mul(params.D, x2, y2))
	api.AssertIsEqual(api.Mul(cond, api.Sub(lhs, rhs)), 0)
}

// addressDigest is protocol.AddressDigest(X || Y) of a key: the 64 bytes split
// into 31-byte chunks (X>>8, (X&0xff)<<240 | Y>>16, (Y&0xffff)<<232), the
// first compression over the constant length precomputed.
func (ctx *circuitCtx) addressDigest(s *SlotWitness, x, y frontend.Variable) frontend.Variable {
	job := ctx.addressChain(s, x, y)
	return ctx.h.Chain(job.Start, job.Xs...)
}

// addressChain checks the split of the key's address and returns the chain
// whose result is addressDigest.
func (ctx *circuitCtx) addressChain(s *SlotWitness, x, y frontend.Variable) gadgets.ChainJob {
	api, rc := ctx.api, ctx.rc
	rc.Check(s.AddrXLo, 8)
	rc.Check(s.AddrXHi, 248)
	rc.Check(s.AddrYLo, 16)
	rc.Check(s.AddrYHi, 240)
	api.AssertIsEqual(api.Add(api.Mul(s.AddrXHi, 1<<8), s.AddrXLo), x)
	api.AssertIsEqual(api.Add(api.Mul(s.AddrYHi, 1<<16), s.AddrYLo), y)
	c1 := api.Add(api.Mul(s.AddrXLo, new(big.Int).Lsh(big.NewInt(1), 240)), s.AddrYHi)
	c2 := api.Mul(s.AddrYLo, new(big.Int).Lsh(big.NewInt(1), 232))
	return gadgets.ChainJob{Start: addressStart, Xs: []frontend.Variable{s.AddrXHi, c1, c2}}
}

// addressStart is c(tag(address), 64), the constant first step of every
// 64-byte address digest.
var addressStart = func() *big.Int {
	var n = frFromUint64(paymentsv1.AddressBytes)
	e := tree.Compress(protocol.TagElement(protocol.TagAddress), n)
	return e.BigInt(new(big.Int))
}()
