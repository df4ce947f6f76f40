package payments

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/gadgets"
)

// entryHash range-checks the slot's entry and hashes it as an inbox entry
// (isIn = 1, the sequence in the header) or as an outbox entry (isIn = 0):
// one hash per slot serves both.
func (ctx *circuitCtx) entryHash(e *EntryWitness, isIn frontend.Variable) frontend.Variable {
	job := ctx.entryChain(e, isIn)
	return ctx.h.Chain(job.Start, job.Xs...)
}

// entryChain range-checks the entry's header fields and returns the chain
// whose result is entryHash.
func (ctx *circuitCtx) entryChain(e *EntryWitness, isIn frontend.Variable) gadgets.ChainJob {
	api, rc := ctx.api, ctx.rc
	rc.Check(e.Amount, 128)
	rc.Check(e.Kind, 32)
	rc.Check(e.Sequence, 64)
	tag := api.Select(isIn, gadgets.TagConstant(protocol.TagInboxEntry), gadgets.TagConstant(protocol.TagOutboxEntry))
	header := api.Add(gadgets.Header(api, 0, e.Kind, e.Amount), api.Mul(isIn, e.Sequence, new(big.Int).Lsh(big.NewInt(1), 160)))
	return gadgets.ChainJob{Start: tag, Xs: []frontend.Variable{header, e.Sender, e.Recipient, e.Rollup, e.Denom, e.Payload}}
}

// assertConsumedEntry asserts what the slot may do with the inbox entry it
// consumes. Credits take deposits (1), cross-rollup messages (2) and
// refunds (5), in the rollup's denom, for the key at addr; bounces return
// kinds 1 and 3 to their L1 sender (ToL1 = 1) and kinds 2 and 5 to their
// source rollup (ToL1 = 0); an ordinary skip (not isForcedSkip) drops
// nothing of value and never a forced transaction.
func (ctx *circuitCtx) assertConsumedEntry(s *SlotWitness, k slotKinds, isForcedSkip, addr frontend.Variable) {
	api := ctx.api
	e := &s.Entry
	kind := e.Kind
	k25 := api.Mul(api.Sub(kind, 2), api.Sub(kind, 5))
	api.AssertIsEqual(api.Mul(k.credit, api.Sub(kind, 1), k25), 0)
	api.AssertIsBoolean(s.ToL1)
	api.AssertIsEqual(api.Mul(api.Sub(1, k.bounce), s.ToL1), 0)
	k13 := api.Mul(api.Sub(kind, 1), api.Sub(kind, 3))
	api.AssertIsEqual(api.Mul(k.bounce, api.Add(api.Mul(s.ToL1, k13), api.Mul(api.Sub(1, s.ToL1), k25))), 0)
	// credit: the rollup's denom, to the key the entry names
	api.AssertIsEqual(api.Mul(k.credit, api.Sub(e.Denom, ctx.denom)), 0)
	api.AssertIsEqual(api.Mul(k.credit, api.Sub(e.Recipient, addr)), 0)
	// skip: nothing of value is dropped, and a forced transaction is never
	// skipped by an ordinary skip
	isSkipReg := api.Sub(k.skip, isForcedSkip)
	api.AssertIsEqual(api.Mul(isSkipReg, e.Amount), 0)
	api.AssertIsEqual(api.Mul(isSkipReg, api.IsZero(api.Sub(e.Kind, uint32(protocol.InboxKindForcedTx)))), 0)
}

// assertEmittedEntry asserts the outbox entry of a withdrawal or send: the
// signed, non-zero amount in the rollup's denom from the signer's address
// addr, with the kind's shape (a withdrawal names no rollup and carries no
// payload). In a forced-capable slot (fs not nil), a skipped forced
// withdrawal or send computes the entry it would emit, for its signature,
// and the payload names the recipient. It returns the slot's outbox role:
// 1 if the entry is (or would be) a withdrawal or send.
func (ctx *circuitCtx) assertEmittedEntry(e *EntryWitness, k slotKinds, fs *forcedSlot, amount, addr frontend.Variable) frontend.Variable {
	api := ctx.api
	var forcedOutW, forcedOutS frontend.Variable = 0, 0
	if fs != nil {
		forcedOutW, forcedOutS = ctx.forcedOutRoles(fs)
	}
	outRole := api.Add(k.signedOut, forcedOutW, forcedOutS)
	outWithdraw := api.Add(k.withdraw, forcedOutW)
	outSend := api.Add(k.send, forcedOutS)
	outAmount := amount
	if fs != nil {
		outAmount = ctx.assertForcedPayee(fs, e, amount, forcedOutW, forcedOutS)
	}
	api.AssertIsEqual(api.Mul(outRole, api.Sub(e.Amount, outAmount)), 0)
	api.AssertIsEqual(api.Mul(outRole, api.Sub(e.Sender, addr)), 0)
	api.AssertIsEqual(api.Mul(outRole, api.Sub(e.Denom, ctx.denom)), 0)
	api.AssertIsEqual(api.Mul(k.signedOut, api.IsZero(amount)), 0)
	api.AssertIsEqual(api.Mul(outWithdraw, api.Sub(e.Kind, uint32(protocol.OutboxKindWithdrawal))), 0)
	api.AssertIsEqual(api.Mul(outSend, api.Sub(e.Kind, uint32(protocol.OutboxKindCrossRollupMessage))), 0)
	api.AssertIsEqual(api.Mul(outWithdraw, api.Sub(e.Rollup, noRollupDigest)), 0)
	api.AssertIsEqual(api.Mul(outWithdraw, api.Sub(e.Payload, noPayloadDigest)), 0)
	return outRole
}

// assertBounceOut asserts, when isBounceOut is 1, that e returns the
// previous slot's entry prev where it came from: a withdrawal to its L1
// sender (prevToL1 = 1) or a message to its sender on the source rollup,
// with value, denom (and payload for messages) unchanged.
func (ctx *circuitCtx) assertBounceOut(e, prev *EntryWitness, prevToL1, isBounceOut frontend.Variable) {
	api := ctx.api
	wantKind := api.Sub(2, prevToL1)
	wantRollup := api.Select(prevToL1, noRollupDigest, prev.Rollup)
	wantPayload := api.Select(prevToL1, noPayloadDigest, prev.Payload)
	for _, eq := range [][2]frontend.Variable{
		{e.Kind, wantKind}, {e.Amount, prev.Amount}, {e.Sender, prev.Recipient}, {e.Recipient, prev.Sender},
		{e.Rollup, wantRollup}, {e.Denom, prev.Denom}, {e.Payload, wantPayload},
	} {
		api.AssertIsEqual(api.Mul(isBounceOut, api.Sub(eq[0], eq[1])), 0)
	}
}

// noRollupDigest and noPayloadDigest are the digests of an absent rollup id
// and payload.
var (
	noRollupDigest  = gadgets.RollupIDDigestConstant("")
	noPayloadDigest = gadgets.PayloadDigestConstant(nil)
)
