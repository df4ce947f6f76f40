package payments

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark/frontend"
)

// kindSelectorsCircuit wraps kindSelectors: the selectors and the roles
// they must give.
type kindSelectorsCircuit struct {
	IsKind                                   [8]frontend.Variable
	Kind, UseA, UseB, SignedOut, IsIn, IsOut frontend.Variable
}

func (c *kindSelectorsCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	k := ctx.kindSelectors(c.IsKind)
	for _, eq := range [][2]frontend.Variable{{k.value, c.Kind}, {k.useA, c.UseA}, {k.useB, c.UseB},
		{k.signedOut, c.SignedOut}, {k.isIn, c.IsIn}, {k.isOut, c.IsOut}} {
		api.AssertIsEqual(eq[0], eq[1])
	}
	return nil
}

func kindSelectorsOf(k RecordKind) *kindSelectorsCircuit {
	in := func(ks ...RecordKind) frontend.Variable {
		for _, x := range ks {
			if x == k {
				return 1
			}
		}
		return 0
	}
	return &kindSelectorsCircuit{IsKind: oneHot(k), Kind: uint8(k),
		UseA: in(KindTransfer, KindWithdraw, KindSend), UseB: in(KindTransfer, KindCredit),
		SignedOut: in(KindWithdraw, KindSend), IsIn: in(KindCredit, KindSkip, KindBounce), IsOut: in(KindWithdraw, KindSend, KindBounceOut)}
}

func TestKindSelectors_AcceptOneKindAndRejectMixtures(t *testing.T) {
	var all []*kindSelectorsCircuit
	for k := KindNoop; k <= KindBounceOut; k++ {
		all = append(all, kindSelectorsOf(k))
	}
	checkPart(t, &kindSelectorsCircuit{}, func() *kindSelectorsCircuit { return kindSelectorsOf(KindTransfer) },
		map[string]func(*kindSelectorsCircuit){
			// a transfer that also credits: debits From and credits To twice over
			"two kinds at once": func(c *kindSelectorsCircuit) { c.IsKind[KindCredit], c.UseB = 1, 2 },
			"no kind":           func(c *kindSelectorsCircuit) { c.IsKind[KindTransfer], c.Kind, c.UseA, c.UseB = 0, 0, 0, 0 },
			// sums to one, yet weighs the kinds: a "half withdrawal"
			"a selector that is not a bit": func(c *kindSelectorsCircuit) {
				c.IsKind[KindTransfer], c.IsKind[KindNoop], c.Kind, c.UseA, c.UseB = 2, -1, 2, 2, 2
			},
		}, all...)
}

// slotOrderCircuit wraps assertSlotOrder over four slots.
type slotOrderCircuit struct {
	Kinds [4][8]frontend.Variable
}

func (c *slotOrderCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	for i := range c.Kinds {
		var next *[8]frontend.Variable
		if i+1 < len(c.Kinds) {
			next = &c.Kinds[i+1]
		}
		ctx.assertSlotOrder(&c.Kinds[i], next, i == 0)
	}
	return nil
}

func slotOrderOf(ks ...RecordKind) *slotOrderCircuit {
	var c slotOrderCircuit
	for i, k := range ks {
		c.Kinds[i] = oneHot(k)
	}
	return &c
}

func TestSlotOrder_NoOpsLastAndBouncesPaired(t *testing.T) {
	checkPart(t, &slotOrderCircuit{}, func() *slotOrderCircuit {
		return slotOrderOf(KindCredit, KindBounce, KindBounceOut, KindNoop)
	}, map[string]func(*slotOrderCircuit){
		// data past a no-op is not posted: the transaction would run unseen
		"no-op before a transaction": func(c *slotOrderCircuit) { *c = *slotOrderOf(KindNoop, KindTransfer, KindNoop, KindNoop) },
		// a refused deposit whose value is never returned
		"bounce without its bounce-out": func(c *slotOrderCircuit) { c.Kinds[2] = oneHot(KindTransfer) },
		"bounce in the last slot":       func(c *slotOrderCircuit) { c.Kinds[3] = oneHot(KindBounce) },
		// an outbox entry of value that came from no bounced entry
		"bounce-out without a bounce":  func(c *slotOrderCircuit) { c.Kinds[1] = oneHot(KindTransfer) },
		"bounce-out in the first slot": func(c *slotOrderCircuit) { c.Kinds[0] = oneHot(KindBounceOut) },
	}, slotOrderOf(KindTransfer, KindTransfer, KindNoop, KindNoop), slotOrderOf(KindNoop, KindNoop, KindNoop, KindNoop))
}

// slotRecordCircuit wraps slotRecord: a slot's record fields and the word,
// amount, fee and indices they must give.
type slotRecordCircuit struct {
	S                             SlotWitness
	Word, Amount, Fee, IdxA, IdxB frontend.Variable
}

func (c *slotRecordCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	rec := ctx.slotRecord(&c.S, ctx.kindSelectors(c.S.IsKind))
	for _, eq := range [][2]frontend.Variable{{rec.word, c.Word}, {rec.posted, c.Word}, {rec.amount, c.Amount}, {rec.fee, c.Fee},
		{api.FromBinary(rec.fromBits...), c.IdxA}, {api.FromBinary(rec.toBits...), c.IdxB}} {
		api.AssertIsEqual(eq[0], eq[1])
	}
	return nil
}

// expectRecord sets the outputs natively from the slot's fields, packed
// by arithmetic (not bit masks) as the circuit packs them, so that an
// attack with out-of-range fields fails only on the range it breaks.
func (c *slotRecordCircuit) expectRecord() {
	s := &c.S
	word := new(big.Int)
	for k := range s.IsKind {
		if bigOf(s.IsKind[k]).Sign() != 0 {
			word.SetInt64(int64(k))
		}
	}
	for _, f := range []struct {
		v    frontend.Variable
		bits uint
	}{{s.From, indexBits}, {s.To, indexBits}, {s.AmountExp, amountExpBits}, {s.AmountMant, amountMantBits}, {s.FeeExp, feeExpBits}, {s.FeeMant, feeMantBits}} {
		word.Lsh(word, f.bits).Add(word, bigOf(f.v))
	}
	pow := func(e frontend.Variable) *big.Int { return new(big.Int).Exp(big.NewInt(10), bigOf(e), nil) }
	c.Word, c.IdxA, c.IdxB = word, s.From, s.To
	c.Amount = new(big.Int).Mul(bigOf(s.AmountMant), pow(s.AmountExp))
	c.Fee = new(big.Int).Mul(bigOf(s.FeeMant), pow(s.FeeExp))
}

func TestSlotRecord_FieldsInRangeAndUnusedFieldsZero(t *testing.T) {
	b := partsBatch(t)
	slot := func(i int) *slotRecordCircuit {
		c := &slotRecordCircuit{S: cloneSlot(b.Assignment.Slots[i])}
		c.expectRecord()
		return c
	}
	attack := func(f func(s *SlotWitness)) func(*slotRecordCircuit) {
		return func(c *slotRecordCircuit) { f(&c.S); c.expectRecord() }
	}
	checkPart(t, &slotRecordCircuit{S: slotShape()}, func() *slotRecordCircuit { return slot(1) },
		map[string]func(*slotRecordCircuit){
			// each out-of-range field carries into its neighbour: the same
			// word would read as another record
			"amount mantissa over 28 bits": attack(func(s *SlotWitness) { s.AmountMant = 1 << amountMantBits }),
			"amount exponent over 5 bits":  attack(func(s *SlotWitness) { s.AmountExp = 1 << amountExpBits }),
			"fee mantissa over 8 bits":     attack(func(s *SlotWitness) { s.FeeMant = 1 << feeMantBits }),
			"fee exponent over 4 bits":     attack(func(s *SlotWitness) { s.FeeExp = 1 << feeExpBits }),
			"sender outside the tree":      attack(func(s *SlotWitness) { s.From = 1<<partParams.Depth + 1 }),
			"recipient outside the tree":   attack(func(s *SlotWitness) { s.To = 1<<partParams.Depth + 2 }),
			// fields a kind does not use are zero, so its record is canonical
			"credit that posts an amount": attack(func(s *SlotWitness) { *s = cloneSlot(b.Assignment.Slots[0]); s.AmountMant = 5 }),
			"credit that posts a sender":  attack(func(s *SlotWitness) { *s = cloneSlot(b.Assignment.Slots[0]); s.From = 1 }),
			"withdrawal to an index":      attack(func(s *SlotWitness) { *s = cloneSlot(b.Assignment.Slots[2]); s.To = 1 }),
		}, slot(0), slot(2), slot(3))
}

// bytesOfCircuit wraps bytesOf: 12 posted bytes and the word they encode.
type bytesOfCircuit struct {
	Bytes [RecordBytes]frontend.Variable
	Word  frontend.Variable
}

func (c *bytesOfCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	ctx.bytesOf(c.Bytes[:], c.Word)
	return nil
}

func TestBytesOf_PostedBytesAreTheRecord(t *testing.T) {
	b := partsBatch(t)
	valid := func() *bytesOfCircuit {
		c := &bytesOfCircuit{Bytes: b.Assignment.Slots[1].Bytes, Word: b.Records[1].word()}
		return c
	}
	checkPart(t, &bytesOfCircuit{}, valid, map[string]func(*bytesOfCircuit){
		"tampered byte": func(c *bytesOfCircuit) { c.Bytes[5] = bumped(c.Bytes[5], 1) },
		// the same value, but the data on the chain would say otherwise
		"a byte over 255": func(c *bytesOfCircuit) {
			c.Bytes[11], c.Bytes[10] = bumped(c.Bytes[11], 256), bumped(c.Bytes[10], -1)
		},
	})
}
