package payments

import (
	"math/big"

	"github.com/consensys/gnark/frontend"
)

// slotKinds are a slot's one-hot kind selectors and the roles they give it.
type slotKinds struct {
	value                           frontend.Variable // the kind as a number
	noop, transfer, withdraw, send  frontend.Variable
	credit, skip, bounce, bounceOut frontend.Variable
	useA, useB                      frontend.Variable // signed, debits From; credits To
	signedOut                       frontend.Variable // signed, emits an outbox entry
	isIn, isOut                     frontend.Variable // consumes an inbox entry; emits an outbox entry
}

// kindSelectors asserts that isKind is one-hot and derives the slot's
// roles from it.
func (ctx *circuitCtx) kindSelectors(isKind [8]frontend.Variable) slotKinds {
	api := ctx.api
	var sum, value frontend.Variable = 0, 0
	for k, b := range isKind {
		api.AssertIsBoolean(b)
		sum = api.Add(sum, b)
		value = api.Add(value, api.Mul(b, k))
	}
	api.AssertIsEqual(sum, 1)
	k := slotKinds{value: value, noop: isKind[KindNoop],
		transfer: isKind[KindTransfer], withdraw: isKind[KindWithdraw], send: isKind[KindSend],
		credit: isKind[KindCredit], skip: isKind[KindSkip], bounce: isKind[KindBounce], bounceOut: isKind[KindBounceOut]}
	k.useA = api.Add(k.transfer, k.withdraw, k.send)
	k.useB = api.Add(k.transfer, k.credit)
	k.signedOut = api.Add(k.withdraw, k.send)
	k.isIn = api.Add(k.credit, k.skip, k.bounce)
	k.isOut = api.Add(k.signedOut, k.bounceOut)
	return k
}

// assertSlotOrder asserts that no-ops come only at the end and that a
// bounce is followed by its bounce-out: next is the following slot's
// selectors (nil for the last slot), first is true for the first slot.
func (ctx *circuitCtx) assertSlotOrder(kinds, next *[8]frontend.Variable, first bool) {
	api := ctx.api
	if next != nil {
		api.AssertIsEqual(api.Mul(kinds[KindNoop], api.Sub(1, next[KindNoop])), 0)
		api.AssertIsEqual(kinds[KindBounce], next[KindBounceOut])
	} else {
		api.AssertIsEqual(kinds[KindBounce], 0)
	}
	if first {
		api.AssertIsEqual(kinds[KindBounceOut], 0)
	}
}

// slotRecord is a slot's record as the rest of the slot reads it.
type slotRecord struct {
	word             frontend.Variable   // the 96-bit record the signature covers
	posted           frontend.Variable   // the record the batch data carries
	amount, fee      frontend.Variable   // mantissa * 10^exp
	fromBits, toBits []frontend.Variable // the tree indices of accounts A and B
}

// slotRecord range-checks the record's fields (the indices to the tree's
// depth), asserts that fields the kind does not use are zero, so that the
// posted record is canonical, and packs them into the record's word.
func (ctx *circuitCtx) slotRecord(s *SlotWitness, k slotKinds) slotRecord {
	api, rc := ctx.api, ctx.rc
	fromBits := api.ToBinary(s.From, ctx.p.Depth)
	toBits := api.ToBinary(s.To, ctx.p.Depth)
	rc.Check(s.AmountMant, amountMantBits)
	rc.Check(s.FeeMant, feeMantBits)
	aExpBits := api.ToBinary(s.AmountExp, amountExpBits)
	fExpBits := api.ToBinary(s.FeeExp, feeExpBits)
	api.AssertIsEqual(api.Mul(api.Sub(1, k.useA), api.Add(s.From, s.AmountExp, s.AmountMant, s.FeeExp, s.FeeMant)), 0)
	api.AssertIsEqual(api.Mul(api.Sub(1, k.useB), s.To), 0)
	word := recordWord(api, k.value, s.From, s.To, s.AmountExp, s.AmountMant, s.FeeExp, s.FeeMant)
	amount := api.Mul(s.AmountMant, pow10(api, aExpBits))
	fee := api.Mul(s.FeeMant, pow10(api, fExpBits))
	return slotRecord{word: word, posted: word, amount: amount, fee: fee, fromBits: fromBits, toBits: toBits}
}

// recordWord packs a record's fields (range-checked by the caller) into its
// 96-bit word: kind:3 | from:24 | to:24 | amountExp:5 | amountMant:28 |
// feeExp:4 | feeMant:8.
func recordWord(api frontend.API, kind, from, to, amountExp, amountMant, feeExp, feeMant frontend.Variable) frontend.Variable {
	word := kind
	for _, f := range []struct {
		v    frontend.Variable
		bits int
	}{{from, indexBits}, {to, indexBits}, {amountExp, amountExpBits}, {amountMant, amountMantBits}, {feeExp, feeExpBits}, {feeMant, feeMantBits}} {
		word = api.Add(api.Mul(word, new(big.Int).Lsh(big.NewInt(1), uint(f.bits))), f.v)
	}
	return word
}

// pow10 is 10^e for e given by its bits, as a product of selected powers.
func pow10(api frontend.API, bits []frontend.Variable) frontend.Variable {
	var acc frontend.Variable = 1
	for i, b := range bits {
		f := new(big.Int).Exp(big.NewInt(10), new(big.Int).Lsh(big.NewInt(1), uint(i)), nil)
		f.Sub(f, big.NewInt(1))
		acc = api.Mul(acc, api.Add(1, api.Mul(b, f)))
	}
	return acc
}

// bytesOf range-checks big-endian bytes and asserts they encode v.
func (ctx *circuitCtx) bytesOf(bytes []frontend.Variable, v frontend.Variable) []frontend.Variable {
	api := ctx.api
	var acc frontend.Variable = 0
	for _, b := range bytes {
		ctx.rc.Check(b, 8)
		acc = api.Add(api.Mul(acc, 256), b)
	}
	api.AssertIsEqual(acc, v)
	return bytes
}
