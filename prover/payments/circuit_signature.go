package payments

import (
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/algebra/algopts"
	"github.com/consensys/gnark/std/algebra/native/twistededwards"

	"github.com/nativechain/nativechain/prover/gadgets"
)

// assertSlotSignature asserts the signature of an ordinary slot: by From's
// key over (record word + nonce, E), where E is the outbox entry of a
// withdrawal or send, or the key hash of the leaf a transfer credits, so
// the signer, not whoever told it the index, chooses the recipient.
// Unsigned slots check a signature by the public dummy key over E = 0.
func (ctx *circuitCtx) assertSlotSignature(s *SlotWitness, k slotKinds, word, pkHashA, pkHashB, entryHash frontend.Variable) {
	api := ctx.api
	a := &s.A
	msg := api.Add(word, api.Mul(a.Nonce, two96))
	pkX, pkY, pkHash := gadgets.SignerKey(api, ctx.curve, k.useA, a.X, a.Y, pkHashA)
	ctx.verifySignature(s, pkX, pkY, pkHash, msg, ctx.signedSecond(k.signedOut, entryHash, k.transfer, pkHashB))
}

// signedSecond is the second element of the signed message (Tx.Message):
// the outbox entry's hash for a withdrawal or send, the recipient's key
// hash for a transfer, 0 otherwise. The roles are exclusive.
func (ctx *circuitCtx) signedSecond(outRole, entryHash, transferRole, recipientKeyHash frontend.Variable) frontend.Variable {
	api := ctx.api
	return api.Add(api.Mul(outRole, entryHash), api.Mul(transferRole, recipientKeyHash))
}

// verifySignature is gadgets.AssertSignature by key (pkX, pkY) under the
// rollup's transaction domain.
func (ctx *circuitCtx) verifySignature(s *SlotWitness, pkX, pkY, keyHash frontend.Variable, msg ...frontend.Variable) {
	ctx.h.AssertSignature(ctx.curve, ctx.rc, ctx.txDomain, gadgets.Signature{RX: s.SigRX, RY: s.SigRY, S: s.SigS}, pkX, pkY, keyHash, msg...)
}

// signatureValid is verifySignature as a boolean, for forced-capable
// slots: S in [1, l) (sTopZero says S's encoding is below 2^251) and
// [S]B - [h]A == R. An S out of range is replaced by 1 before the scalar
// multiplication, whose preconditions it would break.
func (ctx *circuitCtx) signatureValid(s *SlotWitness, sTopZero, pkX, pkY, keyHash frontend.Variable, msg ...frontend.Variable) frontend.Variable {
	api := ctx.api
	sChk := api.Mul(sTopZero, s.SigS)
	sOK := api.Mul(sTopZero, api.Sub(1, api.IsZero(sChk)), ctx.lessOrEqual(sChk, orderMinus1, order.BitLen()))
	sEff := api.Select(sOK, s.SigS, 1)
	api.AssertIsDifferent(pkX, 0)
	c := ctx.h.Chain(ctx.txDomain, append([]frontend.Variable{s.SigRX, s.SigRY, keyHash}, msg...)...)
	base := ctx.curve.Params().Base
	q := ctx.curve.DoubleBaseScalarMul(
		twistededwards.Point{X: base[0], Y: base[1]},
		ctx.curve.Neg(twistededwards.Point{X: pkX, Y: pkY}),
		sEff, c, algopts.WithIncompleteArithmetic())
	return api.Mul(sOK, api.IsZero(api.Sub(q.X, s.SigRX)), api.IsZero(api.Sub(q.Y, s.SigRY)))
}
