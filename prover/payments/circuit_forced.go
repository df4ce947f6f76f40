package payments

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/prover/gadgets"
)

// forcedSlot is what a forced-capable slot knows about the forced
// transaction it may consume.
type forcedSlot struct {
	fd       forcedDecoded
	isSkip   frontend.Variable // the slot consumes a forced transaction and skips it
	executed frontend.Variable // the slot consumes a forced transaction and executes it
	// forcedValidity: the transaction against the state
	aExists, debitOK, valid frontend.Variable
}

// forcedRecord decodes f and ties it to the slot's record: a forced
// transaction is executed (the slot's record is the payload's, a
// well-formed transfer, withdrawal or send, and the batch posts a forced
// skip record instead) or skipped (a skip record). A skipped one reads the
// accounts the payload names, so rec's indices move to them.
func (ctx *circuitCtx) forcedRecord(s *SlotWitness, f *ForcedWitness, k slotKinds, rec *slotRecord) *forcedSlot {
	api := ctx.api
	fd := ctx.decodeForced(f)
	isSkip := api.Mul(fd.isForced, k.skip)
	executed := api.Sub(fd.isForced, isSkip)
	api.AssertIsEqual(api.Mul(fd.isForced, api.Sub(1, api.Add(k.skip, k.transfer, k.withdraw, k.send))), 0)
	api.AssertIsEqual(api.Mul(executed, api.Sub(1, fd.wf)), 0)
	api.AssertIsEqual(api.Mul(executed, api.Sub(rec.word, fd.word)), 0)
	idxA := api.Add(s.From, api.Mul(isSkip, fd.fromLow))
	idxB := api.Add(s.To, api.Mul(isSkip, fd.transfer, fd.toLow))
	rec.posted = api.Select(executed, forcedExecutedWord, rec.word)
	rec.fromBits = api.ToBinary(idxA, ctx.p.Depth)
	rec.toBits = api.ToBinary(idxB, ctx.p.Depth)
	return &forcedSlot{fd: fd, isSkip: isSkip, executed: executed}
}

// forcedValidity computes, without asserting it (an invalid transaction is
// skipped), whether the forced transaction is valid against accounts a and
// b: well formed, from an existing account whose balance covers amount +
// fee, at the account's nonce (not the last one), and for a transfer to an
// existing account whose balance does not overflow.
func (ctx *circuitCtx) forcedValidity(fs *forcedSlot, a, b *AccountWitness) {
	api, fd := ctx.api, &fs.fd
	fs.aExists = api.Sub(1, api.IsZero(a.X))
	fs.debitOK = ctx.lessOrEqual(api.Add(fd.amount, fd.fee), a.Balance, BalanceBits+4)
	isSelf := api.IsZero(api.Sub(fd.from, fd.to))
	noOverflow := ctx.lessOrEqual(api.Add(b.Balance, fd.amount), new(big.Int).Sub(two128, big.NewInt(1)), BalanceBits+4)
	transferOK := api.Mul(api.Sub(1, api.IsZero(b.X)), api.Add(isSelf, api.Mul(api.Sub(1, isSelf), noOverflow)))
	kindOK := api.Add(fd.withdraw, fd.send, api.Mul(fd.transfer, transferOK))
	nonceOK := api.Mul(api.IsZero(api.Sub(fd.nonce, a.Nonce)), api.Sub(1, api.IsZero(api.Sub(a.Nonce, 1<<NonceBits-1))))
	fs.valid = api.Mul(fd.wf, fs.aExists, fs.debitOK, nonceOK, kindOK)
}

// forcedOutRoles are the outbox roles of a skipped forced withdrawal or
// send: only one the balance covers (so that its amount is in range)
// computes the entry it would emit.
func (ctx *circuitCtx) forcedOutRoles(fs *forcedSlot) (withdraw, send frontend.Variable) {
	api := ctx.api
	forcedOut := api.Mul(fs.isSkip, fs.fd.wf, fs.debitOK)
	return api.Mul(forcedOut, fs.fd.withdraw), api.Mul(forcedOut, fs.fd.send)
}

// assertForcedPayee asserts that the withdrawal or send of a forced
// transaction, executed or not, pays the payload's recipient (a forced
// send has no payload), and returns the amount the outbox entry carries:
// the slot's own, or the payload's when the slot skips it.
func (ctx *circuitCtx) assertForcedPayee(fs *forcedSlot, e *EntryWitness, amount, forcedOutW, forcedOutS frontend.Variable) frontend.Variable {
	api, fd := ctx.api, &fs.fd
	outAmount := api.Add(amount, api.Mul(fs.isSkip, fd.amount))
	withdrawRole := api.Add(api.Mul(fs.executed, fd.withdraw), forcedOutW)
	api.AssertIsEqual(api.Mul(withdrawRole, api.Sub(e.Recipient, fd.recipient)), 0)
	sendRole := api.Add(api.Mul(fs.executed, fd.send), forcedOutS)
	api.AssertIsEqual(api.Mul(sendRole, api.Sub(e.Recipient, fd.l2Recipient)), 0)
	api.AssertIsEqual(api.Mul(sendRole, api.Sub(e.Rollup, fd.rollup)), 0)
	api.AssertIsEqual(api.Mul(sendRole, api.Sub(e.Payload, noPayloadDigest)), 0)
	return outAmount
}

// assertForcedSignature is the signature of a forced-capable slot: a
// consumed forced transaction brings the payload's signature over the
// payload's message. The signature must hold unless the slot skips a
// forced transaction, and a valid forced transaction cannot be skipped.
func (ctx *circuitCtx) assertForcedSignature(s *SlotWitness, k slotKinds, fs *forcedSlot, word, pkHashA, pkHashB, outRole, entryHash frontend.Variable) {
	api, fd, a := ctx.api, &fs.fd, &s.A
	msg := api.Add(word, api.Mul(a.Nonce, two96))
	for _, eq := range [][2]frontend.Variable{{s.SigRX, fd.rx}, {s.SigRY, fd.ry}, {s.SigS, fd.s}} {
		api.AssertIsEqual(api.Mul(fd.isForced, api.Sub(eq[0], eq[1])), 0)
	}
	api.AssertIsEqual(api.Mul(fs.executed, api.Sub(a.Nonce, fd.nonce)), 0)
	msg = api.Select(fd.isForced, api.Add(fd.word, api.Mul(fd.nonce, two96)), msg)
	pkUse := api.Add(k.useA, api.Mul(fs.isSkip, fd.wf, fs.aExists))
	pkX, pkY, pkHash := gadgets.SignerKey(api, ctx.curve, pkUse, a.X, a.Y, pkHashA)
	// a skipped forced transfer reads the leaf at the payload's index: its
	// key is what the signature must cover for the transfer to be valid
	transferRole := api.Add(k.transfer, api.Mul(fs.isSkip, fd.transfer))
	sigOK := ctx.signatureValid(s, fd.sTopZero, pkX, pkY, pkHash, msg, ctx.signedSecond(outRole, entryHash, transferRole, pkHashB))
	api.AssertIsEqual(api.Mul(api.Sub(1, fs.isSkip), api.Sub(1, sigOK)), 0)
	api.AssertIsEqual(api.Mul(fs.isSkip, fs.valid, sigOK), 0)
}
