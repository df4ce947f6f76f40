package payments

import (
	"errors"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/prover/gadgets"
	"github.com/nativechain/nativechain/x/rollups/types"
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
}

// forcedDecoded is what the circuit derives from a ForcedWitness.
type forcedDecoded struct {
	isForced, wf        frontend.Variable // a forced entry; well-formed payload
	transfer, withdraw  frontend.Variable // decoded kind (garbage unless wf)
	word, nonce         frontend.Variable
	from, to            frontend.Variable // 24-bit fields
	fromLow, toLow      frontend.Variable // their low Depth bits
	amount, fee         frontend.Variable
	rx, ry, s, sTopZero frontend.Variable
	recipient           frontend.Variable // AddressDigest of the L1 recipient
	entryHash           frontend.Variable // the consumed inbox entry's hash
}

var (
	two88  = new(big.Int).Lsh(big.NewInt(1), 88)
	two112 = new(big.Int).Lsh(big.NewInt(1), 112)
	two104 = new(big.Int).Lsh(big.NewInt(1), 104)
	two144 = new(big.Int).Lsh(big.NewInt(1), 144)
	two240 = new(big.Int).Lsh(big.NewInt(1), 240)
	two243 = new(big.Int).Lsh(big.NewInt(1), 243)
	two128 = new(big.Int).Lsh(big.NewInt(1), 128)
)

// decodeForced recomputes the payload digest from the opening, decodes a
// canonical-length payload into its fields (range-checked, so the
// decomposition is unique) and decides whether it is well formed. It never
// asserts anything a user's payload could break: a payload that is not a
// forced transaction must leave the slot free to skip it.
func (ctx *circuitCtx) decodeForced(f *ForcedWitness) forcedDecoded {
	api, h, rc := ctx.api, ctx.h, ctx.rc
	api.AssertIsBoolean(f.IsForced)

	// the payload digest: monotone active steps, starting at the tag when
	// the first is inactive
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
	payloadDigest := state
	structural := api.Mul(f.IsForced, allActive, api.IsZero(api.Sub(f.Start, forcedPayloadStart.BigInt(new(big.Int)))))
	var x [ForcedTxChunks]frontend.Variable
	for i := range x {
		x[i] = api.Mul(structural, f.Chunks[i])
	}

	// chunk 0: version | word | nonce | RX, RY, S low bytes | padding
	kindBits := api.ToBinary(f.Kind, 3)
	fromBits := api.ToBinary(f.From, indexBits)
	toBits := api.ToBinary(f.To, indexBits)
	aExpBits := api.ToBinary(f.AmountExp, amountExpBits)
	fExpBits := api.ToBinary(f.FeeExp, feeExpBits)
	rc.Check(f.AmountMant, amountMantBits)
	rc.Check(f.FeeMant, feeMantBits)
	rc.Check(f.Version, 8)
	rc.Check(f.Nonce, NonceBits)
	rc.Check(f.RXLo, 8)
	rc.Check(f.RYLo, 8)
	rc.Check(f.SLo, 8)
	rc.Check(f.Pad0, 88)
	word := f.Kind
	for _, fl := range []struct {
		v    frontend.Variable
		bits int
	}{{f.From, indexBits}, {f.To, indexBits}, {f.AmountExp, amountExpBits}, {f.AmountMant, amountMantBits}, {f.FeeExp, feeExpBits}, {f.FeeMant, feeMantBits}} {
		word = api.Add(api.Mul(word, new(big.Int).Lsh(big.NewInt(1), uint(fl.bits))), fl.v)
	}
	api.AssertIsEqual(x[0], api.Add(api.Mul(f.Version, two240), api.Mul(word, two144), api.Mul(f.Nonce, two112),
		api.Mul(f.RXLo, two104), api.Mul(f.RYLo, two96), api.Mul(f.SLo, two88), f.Pad0))
	// chunk 1: the L1 recipient, left-aligned
	rc.Check(f.L1Recipient, 8*L1RecipientBytes)
	rc.Check(f.Pad1, 88)
	api.AssertIsEqual(x[1], api.Add(api.Mul(f.L1Recipient, two88), f.Pad1))
	// chunk 4: S's first 31 bytes; S < l < 2^251 needs STop = 0
	rc.Check(f.STop, 5)
	rc.Check(f.SLow, 243)
	api.AssertIsEqual(x[4], api.Add(api.Mul(f.STop, two243), f.SLow))

	d := forcedDecoded{isForced: f.IsForced, word: word, nonce: f.Nonce, from: f.From, to: f.To}
	d.fromLow = api.FromBinary(fromBits[:ctx.p.Depth]...)
	d.toLow = api.FromBinary(toBits[:ctx.p.Depth]...)
	d.transfer = api.Mul(kindBits[0], api.Sub(1, kindBits[1]), api.Sub(1, kindBits[2]))
	d.withdraw = api.Mul(api.Sub(1, kindBits[0]), kindBits[1], api.Sub(1, kindBits[2]))
	d.amount = api.Mul(f.AmountMant, pow10(api, aExpBits))
	d.fee = api.Mul(f.FeeMant, pow10(api, fExpBits))
	d.rx = api.Add(api.Mul(x[2], 256), f.RXLo)
	d.ry = api.Add(api.Mul(x[3], 256), f.RYLo)
	d.s = api.Add(api.Mul(x[4], 256), f.SLo)
	d.sTopZero = api.IsZero(f.STop)
	d.recipient = h.Compress(l1RecipientStart.BigInt(new(big.Int)), api.Mul(f.L1Recipient, two88))

	// well formed: the canonical length, version, zero padding, a transfer
	// (no recipient address) or a withdrawal (no L2 recipient, amount > 0),
	// indices inside the tree
	shape := api.Add(api.Mul(d.transfer, api.IsZero(f.L1Recipient)),
		api.Mul(d.withdraw, api.IsZero(f.To), api.Sub(1, api.IsZero(f.AmountMant))))
	d.wf = api.Mul(structural, api.IsZero(api.Sub(f.Version, ForcedTxVersion)), api.IsZero(f.Pad0), api.IsZero(f.Pad1),
		shape, api.IsZero(api.Sub(f.From, d.fromLow)), api.IsZero(api.Sub(f.To, d.toLow)))

	// the consumed entry: kind 4, no value
	rc.Check(f.Sequence, 64)
	header := gadgets.Header(api, f.Sequence, uint32(types.InboxKindForcedTx), 0)
	d.entryHash = h.Chain(gadgets.TagConstant(types.TagInboxEntry), header, f.Sender, f.Recipient, f.Rollup, f.Denom, payloadDigest)
	return d
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

func init() { solver.RegisterHint(lessOrEqualHint) }
