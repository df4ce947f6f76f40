package exchange

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/gadgets"
)

// decodedCall is what a call swap's payload gives (garbage elsewhere).
type decodedCall struct {
	digest, rollup, recipient, toL1 frontend.Variable
}

// decodeCall checks a call swap's payload (spec section 6): version, op,
// the other denom's digest, the minimum (Min1), lengths in range and zero
// padding, and computes its digest and those of the rollup id and address.
func (x *cctx) decodeCall(s *SlotWitness, cw *CallWitness, k kinds) decodedCall {
	api, rc, isCall := x.api, x.rc, k.is[KindCallSwap]
	b := cw.Payload[:]
	for _, v := range b {
		rc.Check(v, 8)
	}
	hi, lo := pack(api, b[2:18]), pack(api, b[18:34])
	otherHi := api.Select(s.Side, denomHalf(x.p.BaseDenom, 0), denomHalf(x.p.QuoteDenom, 0))
	otherLo := api.Select(s.Side, denomHalf(x.p.BaseDenom, 1), denomHalf(x.p.QuoteDenom, 1))
	for _, eq := range [][2]frontend.Variable{{b[0], exchangev1.CallVersion}, {b[1], exchangev1.CallOpSwap},
		{hi, otherHi}, {lo, otherLo}, {pack(api, b[34:50]), s.Min1}} {
		api.AssertIsEqual(api.Mul(isCall, api.Sub(eq[0], eq[1])), 0)
	}
	rLen, aLen := b[50], b[115]
	api.AssertIsEqual(api.Mul(isCall, api.IsZero(aLen)), 0)
	x.assertPadding(b[51:115], cw.RollupMask[:], rLen)
	x.assertPadding(b[116:180], cw.AddrMask[:], aLen)
	return decodedCall{
		digest:    x.h.BytesDigest(protocol.TagPayload, b),
		rollup:    x.h.BytesDigestPrefix(protocol.TagRollupID, b[51:115], rLen, cw.RollupChunks, rc),
		recipient: x.h.BytesDigestPrefix(protocol.TagAddress, b[116:180], aLen, cw.AddrChunks, rc),
		toL1:      api.IsZero(rLen),
	}
}

// assertPadding asserts that field is length bytes then zeros: mask is 0
// then 1 (monotone) with len(field) - length ones, and zero under it.
func (x *cctx) assertPadding(field, mask []frontend.Variable, length frontend.Variable) {
	api := x.api
	var ones frontend.Variable = 0
	for i := range mask {
		api.AssertIsBoolean(mask[i])
		if i+1 < len(mask) {
			api.AssertIsEqual(api.Mul(mask[i], api.Sub(1, mask[i+1])), 0)
		}
		api.AssertIsEqual(api.Mul(mask[i], field[i]), 0)
		ones = api.Add(ones, mask[i])
	}
	api.AssertIsEqual(ones, api.Sub(len(mask), length))
}

// denomHalf is half i (0 high, 1 low) of a denom digest's 32 bytes.
func denomHalf(denom string, i int) *big.Int {
	d := exchangev1.DenomDigestBytes(denom)
	return new(big.Int).SetBytes(d[16*i : 16*i+16])
}

// inboxEntry hashes the consumed entry and checks what the slot does with
// it (spec section 5).
func (x *cctx) inboxEntry(s *SlotWitness, k kinds, addr frontend.Variable, call decodedCall) frontend.Variable {
	api, e, is := x.api, &s.In, k.is
	gadgets.AssertHeaderRanges(x.rc, e.Sequence, e.Kind, e.Amount)
	api.AssertIsEqual(api.Mul(k.isIn, api.Sub(e.Amount, s.V1)), 0)
	kind := e.Kind
	km := func(v int) frontend.Variable { return api.Sub(kind, v) }
	noPayload := gadgets.PayloadDigestConstant(nil)
	credit, isCall := is[KindCredit], is[KindCallSwap]
	for _, z := range []frontend.Variable{
		api.Mul(credit, km(1), km(2), km(5)),
		api.Mul(credit, km(1), km(5), api.Sub(e.PayloadDigest, noPayload)), // a message with a payload is a call
		api.Mul(credit, api.Sub(e.RecipientDigest, addr)),
		api.Mul(api.Add(credit, isCall), api.Sub(e.DenomDigest, k.sideDenom)),
		api.Mul(isCall, km(2), km(3)),
		api.Mul(isCall, api.Sub(e.PayloadDigest, call.digest)),
		api.Mul(api.Sub(1, is[KindRefund]), s.ToL1),
		api.Mul(s.ToL1, km(1), km(3)),
		api.Mul(api.Sub(is[KindRefund], s.ToL1), km(2), km(5)),
	} {
		api.AssertIsEqual(z, 0)
	}
	api.AssertIsBoolean(s.ToL1)
	return x.h.InboxEntryHash(*e)
}

// outboxEntry hashes the emitted entry and checks it: a withdraw's signed
// entry from the account, a call swap's output, or a refund of the
// consumed entry.
func (x *cctx) outboxEntry(s *SlotWitness, k kinds, addr frontend.Variable, call decodedCall) frontend.Variable {
	api, o, in, is := x.api, &s.Out, &s.In, k.is
	x.rc.Check(o.Kind, 32)
	x.rc.Check(o.Amount, 128)
	w, c, r := is[KindWithdraw], is[KindCallSwap], is[KindRefund]
	noRollup, noPayload := gadgets.RollupIDDigestConstant(""), gadgets.PayloadDigestConstant(nil)
	api.AssertIsEqual(api.Mul(w, api.Sub(o.Kind, 1), api.Sub(o.Kind, 2)), 0)
	api.AssertIsEqual(api.Mul(w, api.Sub(2, o.Kind), api.Sub(o.DestRollupDigest, noRollup)), 0)
	sum := func(vs ...frontend.Variable) frontend.Variable { return api.Add(vs[0], vs[1], vs[2:]...) }
	for _, f := range []struct{ field, want frontend.Variable }{
		{o.Kind, sum(api.Mul(w, o.Kind), api.Mul(c, api.Sub(2, call.toL1)), api.Mul(r, api.Sub(2, s.ToL1)))},
		{o.Amount, sum(api.Mul(w, s.V1), api.Mul(c, s.V2), api.Mul(r, in.Amount))},
		{o.SenderDigest, sum(api.Mul(w, addr), api.Mul(api.Add(c, r), in.RecipientDigest))},
		{o.RecipientDigest, sum(api.Mul(w, o.RecipientDigest), api.Mul(c, call.recipient), api.Mul(r, in.SenderDigest))},
		{o.DestRollupDigest, sum(api.Mul(w, o.DestRollupDigest), api.Mul(c, call.rollup), api.Mul(r, api.Select(s.ToL1, noRollup, in.SourceRollupDigest)))},
		{o.DenomDigest, sum(api.Mul(w, k.sideDenom), api.Mul(c, k.otherDenom), api.Mul(r, in.DenomDigest))},
		{o.PayloadDigest, sum(api.Mul(api.Add(w, c), noPayload), api.Mul(r, api.Select(s.ToL1, noPayload, in.PayloadDigest)))},
	} {
		api.AssertIsEqual(api.Mul(k.isOut, f.field), f.want)
	}
	return x.h.OutboxEntryHash(*o)
}
