package payments

import (
	"errors"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/gadgets"
)

// ForcedWitness is the extra witness of a forced-capable slot (the first
// Params.ForcedSlots slots): the forced-transaction inbox entry it may
// consume, the opening of the entry's payload digest and the payload's
// fields. All zero when the slot consumes no forced transaction.
type ForcedWitness struct {
	IsForced frontend.Variable // 1 if the slot consumes an inbox entry of kind 4
	// the entry: sequence and digests (a forced entry carries no value)
	Sequence, Sender, Recipient, Rollup, Denom frontend.Variable
	// the last ForcedTxChunks steps of PayloadDigest(payload), see payloadOpening
	Start  frontend.Variable
	Active [ForcedTxChunks]frontend.Variable
	Chunks [ForcedTxChunks]frontend.Variable
	// the fields of a canonical-length payload (zero otherwise)
	Version, Kind, From, To                   frontend.Variable
	AmountExp, AmountMant, FeeExp, FeeMant    frontend.Variable
	Nonce, RXLo, RYLo, SLo, Pad0, L1Recipient frontend.Variable
	Pad1, STop, SLow                          frontend.Variable
	IDLen, IDBody, YLo, Pad2                  frontend.Variable
}

// forcedDecoded is what the circuit derives from a ForcedWitness.
type forcedDecoded struct {
	isForced, wf             frontend.Variable // a forced entry; well-formed payload
	transfer, withdraw, send frontend.Variable // decoded kind (garbage unless wf)
	word, nonce              frontend.Variable
	from, to                 frontend.Variable // 24-bit fields
	fromLow, toLow           frontend.Variable // their low Depth bits
	amount, fee              frontend.Variable
	rx, ry, s, sTopZero      frontend.Variable
	recipient                frontend.Variable // AddressDigest of the L1 recipient
	l2Recipient, rollup      frontend.Variable // a send's AddressDigest and RollupIDDigest
	entryHash                frontend.Variable // the consumed inbox entry's hash
}

var (
	two88  = new(big.Int).Lsh(big.NewInt(1), 88)
	two112 = new(big.Int).Lsh(big.NewInt(1), 112)
	two104 = new(big.Int).Lsh(big.NewInt(1), 104)
	two144 = new(big.Int).Lsh(big.NewInt(1), 144)
	two240 = new(big.Int).Lsh(big.NewInt(1), 240)
	two243 = new(big.Int).Lsh(big.NewInt(1), 243)
	two128 = new(big.Int).Lsh(big.NewInt(1), 128)
	two232 = new(big.Int).Lsh(big.NewInt(1), 232)
)

// decodeForced recomputes the payload digest from the opening, decodes a
// canonical-length payload into its fields (range-checked, so the
// decomposition is unique) and decides whether it is well formed. It never
// asserts anything a user's payload could break: a payload that is not a
// forced transaction must leave the slot free to skip it.
func (ctx *circuitCtx) decodeForced(f *ForcedWitness) forcedDecoded {
	api := ctx.api
	api.AssertIsBoolean(f.IsForced)
	payloadDigest, structural, x := ctx.openForcedPayload(f)
	d := ctx.decodeForcedTx(f, x)
	idOK, noSend := ctx.decodeForcedSend(f, x, &d)
	d.wf = ctx.forcedWellFormed(f, &d, structural, idOK, noSend)
	// the consumed entry: kind 4, no value
	ctx.rc.Check(f.Sequence, 64)
	header := gadgets.Header(api, f.Sequence, uint32(protocol.InboxKindForcedTx), 0)
	d.entryHash = ctx.h.Chain(gadgets.TagConstant(protocol.TagInboxEntry), header, f.Sender, f.Recipient, f.Rollup, f.Denom, payloadDigest)
	return d
}

// openForcedPayload recomputes the payload digest from its opening
// (monotone active steps, starting at the tag when the first is inactive)
// and says whether the opening is structural: a forced entry whose payload
// has the canonical length. x is the chunks, zeroed unless structural.
func (ctx *circuitCtx) openForcedPayload(f *ForcedWitness) (digest, structural frontend.Variable, x [ForcedTxChunks]frontend.Variable) {
	api, h := ctx.api, ctx.h
	allActive := frontend.Variable(1)
	for i, a := range f.Active {
		api.AssertIsBoolean(a)
		if i > 0 {
			api.AssertIsEqual(api.Mul(f.Active[i-1], api.Sub(1, a)), 0)
		}
		allActive = api.Mul(allActive, a)
	}
	state := api.Select(f.Active[0], f.Start, payloadTag.BigInt(new(big.Int)))
	for i, a := range f.Active {
		state = api.Select(a, h.Compress(state, f.Chunks[i]), state)
	}
	structural = api.Mul(f.IsForced, allActive, api.IsZero(api.Sub(f.Start, forcedPayloadStart.BigInt(new(big.Int)))))
	for i := range x {
		x[i] = api.Mul(structural, f.Chunks[i])
	}
	return state, structural, x
}

// decodeForcedTx decodes the transaction of chunks 0 (version | word |
// nonce | RX, RY, S low bytes | padding), 1 (the L1 recipient,
// left-aligned) and 4 (S's first 31 bytes), asserting that f's fields are
// their unique range-checked decomposition, and derives what the slot
// executes: kind, indices, amount, fee, signature, recipient digest.
func (ctx *circuitCtx) decodeForcedTx(f *ForcedWitness, x [ForcedTxChunks]frontend.Variable) forcedDecoded {
	api, rc := ctx.api, ctx.rc
	kindBits := api.ToBinary(f.Kind, 3)
	fromBits := api.ToBinary(f.From, indexBits)
	toBits := api.ToBinary(f.To, indexBits)
	aExpBits := api.ToBinary(f.AmountExp, amountExpBits)
	fExpBits := api.ToBinary(f.FeeExp, feeExpBits)
	for _, c := range []struct {
		v    frontend.Variable
		bits int
	}{{f.AmountMant, amountMantBits}, {f.FeeMant, feeMantBits}, {f.Version, 8}, {f.Nonce, NonceBits}, {f.RXLo, 8}, {f.RYLo, 8}, {f.SLo, 8}, {f.Pad0, 88}} {
		rc.Check(c.v, c.bits)
	}
	word := recordWord(api, f.Kind, f.From, f.To, f.AmountExp, f.AmountMant, f.FeeExp, f.FeeMant)
	api.AssertIsEqual(x[0], api.Add(api.Mul(f.Version, two240), api.Mul(word, two144), api.Mul(f.Nonce, two112),
		api.Mul(f.RXLo, two104), api.Mul(f.RYLo, two96), api.Mul(f.SLo, two88), f.Pad0))
	rc.Check(f.L1Recipient, 8*L1RecipientBytes)
	rc.Check(f.Pad1, 88)
	api.AssertIsEqual(x[1], api.Add(api.Mul(f.L1Recipient, two88), f.Pad1))
	// S < l < 2^251 needs STop = 0
	rc.Check(f.STop, 5)
	rc.Check(f.SLow, 243)
	api.AssertIsEqual(x[4], api.Add(api.Mul(f.STop, two243), f.SLow))

	d := forcedDecoded{isForced: f.IsForced, word: word, nonce: f.Nonce, from: f.From, to: f.To}
	d.fromLow = api.FromBinary(fromBits[:ctx.p.Depth]...)
	d.toLow = api.FromBinary(toBits[:ctx.p.Depth]...)
	d.transfer = api.Mul(kindBits[0], api.Sub(1, kindBits[1]), api.Sub(1, kindBits[2]))
	d.withdraw = api.Mul(api.Sub(1, kindBits[0]), kindBits[1], api.Sub(1, kindBits[2]))
	d.send = api.Mul(kindBits[0], kindBits[1], api.Sub(1, kindBits[2]))
	d.amount = api.Mul(f.AmountMant, pow10(api, aExpBits))
	d.fee = api.Mul(f.FeeMant, pow10(api, fExpBits))
	d.rx = api.Add(api.Mul(x[2], 256), f.RXLo)
	d.ry = api.Add(api.Mul(x[3], 256), f.RYLo)
	d.s = api.Add(api.Mul(x[4], 256), f.SLo)
	d.sTopZero = api.IsZero(f.STop)
	d.recipient = ctx.h.Compress(l1RecipientStart.BigInt(new(big.Int)), api.Mul(f.L1Recipient, two88))
	return d
}

// decodeForcedSend decodes chunks 5 to 8, a send's destination: the rollup
// id (length and left-aligned bytes, as RollupIDDigest chunks it) into
// d.rollup and the 64-byte L2 recipient (as AddressDigest chunks it) into
// d.l2Recipient. idOK says the id has 1..30 bytes and zero padding; noSend
// that the four chunks are zero.
func (ctx *circuitCtx) decodeForcedSend(f *ForcedWitness, x [ForcedTxChunks]frontend.Variable, d *forcedDecoded) (idOK, noSend frontend.Variable) {
	api, h, rc := ctx.api, ctx.h, ctx.rc
	rc.Check(f.IDLen, 8)
	rc.Check(f.IDBody, 240)
	api.AssertIsEqual(x[5], api.Add(api.Mul(f.IDLen, two240), f.IDBody))
	rc.Check(f.YLo, 16)
	rc.Check(f.Pad2, 232)
	api.AssertIsEqual(x[8], api.Add(api.Mul(f.YLo, two232), f.Pad2))
	d.rollup = h.Compress(h.Compress(rollupIDTag.BigInt(new(big.Int)), f.IDLen), api.Mul(f.IDBody, 256))
	d.l2Recipient = h.Chain(gadgets.AddressDigestStart, x[6], x[7], api.Mul(f.YLo, two232))
	idOK = api.Mul(api.Sub(1, api.IsZero(f.IDLen)), ctx.lessOrEqual(f.IDLen, MaxForcedRollupIDLen, 8))
	idOK = api.Mul(idOK, ctx.idPaddingZero(f.IDBody, api.Select(idOK, api.Sub(MaxForcedRollupIDLen, f.IDLen), 0)))
	noSend = api.Mul(api.IsZero(x[5]), api.IsZero(x[6]), api.IsZero(x[7]), api.IsZero(x[8]))
	return idOK, noSend
}

// forcedWellFormed is 1 if the decoded payload is a forced transaction:
// structural, the version, zero padding, a transfer (no recipient address
// or rollup), a withdrawal (no L2 index, rollup or L2 recipient, amount >
// 0) or a send (no L2 index or L1 recipient, amount > 0, a rollup id of
// 1..30 bytes), indices inside the tree.
func (ctx *circuitCtx) forcedWellFormed(f *ForcedWitness, d *forcedDecoded, structural, idOK, noSend frontend.Variable) frontend.Variable {
	api := ctx.api
	amountNonZero := api.Sub(1, api.IsZero(f.AmountMant))
	noL1 := api.IsZero(f.L1Recipient)
	shape := api.Add(api.Mul(d.transfer, noL1, noSend),
		api.Mul(d.withdraw, api.IsZero(f.To), amountNonZero, noSend),
		api.Mul(d.send, api.IsZero(f.To), amountNonZero, noL1, idOK, api.IsZero(f.Pad2)))
	return api.Mul(structural, api.IsZero(api.Sub(f.Version, ForcedTxVersion)), api.IsZero(f.Pad0), api.IsZero(f.Pad1),
		shape, api.IsZero(api.Sub(f.From, d.fromLow)), api.IsZero(api.Sub(f.To, d.toLow)))
}

// idPaddingZero is 1 if the last pad bytes of the 30-byte body are zero
// (pad <= 30): body = q*2^(8*pad) + r with r < 2^(8*pad), hinted, and r = 0.
func (ctx *circuitCtx) idPaddingZero(body, pad frontend.Variable) frontend.Variable {
	api := ctx.api
	padBits := api.ToBinary(pad, 5)
	keepBits := api.ToBinary(api.Sub(MaxForcedRollupIDLen, pad), 5)
	pow256 := func(bits []frontend.Variable) frontend.Variable {
		var acc frontend.Variable = 1
		for i, b := range bits {
			f := new(big.Int).Lsh(big.NewInt(1), uint(8<<i))
			acc = api.Mul(acc, api.Add(1, api.Mul(b, new(big.Int).Sub(f, big.NewInt(1)))))
		}
		return acc
	}
	div, keep := pow256(padBits), pow256(keepBits) // div*keep = 2^240
	out, err := api.Compiler().NewHint(divModHint, 2, body, div)
	if err != nil {
		panic(err)
	}
	q, r := out[0], out[1]
	api.AssertIsEqual(body, api.Add(api.Mul(q, div), r))
	ctx.rc.Check(q, 240)
	ctx.rc.Check(api.Mul(r, keep), 240)
	return api.IsZero(r)
}

// divModHint returns inputs[0] / inputs[1] and inputs[0] % inputs[1].
func divModHint(_ *big.Int, inputs, outputs []*big.Int) error {
	if len(inputs) != 2 || len(outputs) != 2 || inputs[1].Sign() == 0 {
		return errors.New("payments: divModHint takes a dividend and a non-zero divisor")
	}
	outputs[0].QuoRem(inputs[0], inputs[1], outputs[1])
	return nil
}

// lessOrEqual is 1 if a <= b and 0 otherwise, for a and b below 2^bits:
// a hinted bit, proved by range-checking b - a or a - b - 1.
func (ctx *circuitCtx) lessOrEqual(a, b frontend.Variable, bits int) frontend.Variable {
	api := ctx.api
	out, err := api.Compiler().NewHint(lessOrEqualHint, 1, a, b)
	if err != nil {
		panic(err)
	}
	le := out[0]
	api.AssertIsBoolean(le)
	ctx.rc.Check(api.Select(le, api.Sub(b, a), api.Sub(a, b, 1)), bits)
	return le
}

// lessOrEqualHint returns 1 if inputs[0] <= inputs[1] as integers.
func lessOrEqualHint(_ *big.Int, inputs, outputs []*big.Int) error {
	if len(inputs) != 2 || len(outputs) != 1 {
		return errors.New("payments: lessOrEqualHint takes two inputs")
	}
	outputs[0].SetUint64(0)
	if inputs[0].Cmp(inputs[1]) <= 0 {
		outputs[0].SetUint64(1)
	}
	return nil
}

func init() { solver.RegisterHint(lessOrEqualHint, divModHint) }
