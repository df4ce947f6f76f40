package payments

import (
	"math/big"

	tedwards "github.com/consensys/gnark-crypto/ecc/twistededwards"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/algebra/algopts"
	"github.com/consensys/gnark/std/algebra/native/twistededwards"
	"github.com/consensys/gnark/std/rangecheck"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/gadgets"
	"github.com/nativechain/nativechain/prover/tree"
)

// AccountWitness is one account leaf and its authentication path.
type AccountWitness struct {
	X, Y     frontend.Variable // public key
	Balance  frontend.Variable
	Nonce    frontend.Variable
	Siblings []frontend.Variable
}

// EntryWitness is the inbox entry a slot consumes or the outbox entry it
// emits (one hash per slot serves both).
type EntryWitness struct {
	Sequence, Kind, Amount                    frontend.Variable
	Sender, Recipient, Rollup, Denom, Payload frontend.Variable // digests
}

// SlotWitness is everything one slot needs.
type SlotWitness struct {
	IsKind     [8]frontend.Variable // one-hot RecordKind
	From, To   frontend.Variable
	AmountExp  frontend.Variable
	AmountMant frontend.Variable
	FeeExp     frontend.Variable
	FeeMant    frontend.Variable
	Bytes      [RecordBytes]frontend.Variable // the record as posted
	A          AccountWitness                 // debited account (From)
	B          AccountWitness                 // credited account (To), key after the slot
	Create     frontend.Variable              // 1 if a credit creates account To
	ToL1       frontend.Variable              // bounce: 1 returns the value to an L1 sender (kinds 1, 3)
	Entry      EntryWitness
	SigRX      frontend.Variable
	SigRY      frontend.Variable
	SigS       frontend.Variable
	AddrXHi    frontend.Variable // the 64-byte address of the slot's key, split
	AddrXLo    frontend.Variable // at the 31-byte chunk boundaries
	AddrYHi    frontend.Variable
	AddrYLo    frontend.Variable
}

// Circuit proves one batch of the payments rollup. Its only public input is
// the batch commitment v2.
type Circuit struct {
	params Params

	Commitment frontend.Variable `gnark:",public"`

	ChainIDDigest   frontend.Variable
	RollupIDDigest  frontend.Variable
	BatchIndex      frontend.Variable
	SubmitterDigest frontend.Variable
	PrevRoot        frontend.Variable
	InboxBefore     frontend.Variable
	OutboxCount     frontend.Variable
	DAChunks        frontend.Variable // ceil(len(data)/31)

	Slots  []SlotWitness
	Forced []ForcedWitness // of the first Params.ForcedSlots slots
}

// NewCircuit allocates the circuit's shape for params (for compiling).
func NewCircuit(p Params) *Circuit {
	p = p.WithDefaults()
	c := &Circuit{params: p, Slots: make([]SlotWitness, p.Slots), Forced: make([]ForcedWitness, p.ForcedSlots)}
	for i := range c.Slots {
		c.Slots[i].A.Siblings = make([]frontend.Variable, p.Depth)
		c.Slots[i].B.Siblings = make([]frontend.Variable, p.Depth)
	}
	return c
}

var (
	two32       = new(big.Int).Lsh(big.NewInt(1), 32)
	two96       = new(big.Int).Lsh(big.NewInt(1), 96)
	orderMinus1 = new(big.Int).Sub(order, big.NewInt(1))
)

// circuitCtx carries what every slot's constraints need.
type circuitCtx struct {
	api      frontend.API
	h        *gadgets.Hasher
	rc       frontend.Rangechecker
	curve    twistededwards.Curve
	p        Params
	denom    *big.Int
	txDomain frontend.Variable
}

// Define lays out the batch: slots in order, then the fee withdrawal to the
// submitter, then the commitment.
func (c *Circuit) Define(api frontend.API) error {
	p := c.params.WithDefaults()
	h, err := gadgets.NewHasher(api)
	if err != nil {
		return err
	}
	ed, err := twistededwards.NewEdCurve(api, tedwards.BN254)
	if err != nil {
		return err
	}
	ctx := &circuitCtx{api: api, h: h, rc: rangecheck.New(api), curve: ed, p: p,
		denom: gadgets.DenomDigestConstant(p.Denom)}
	ctx.txDomain = h.Tagged(paymentsv1.TagTx, c.ChainIDDigest, c.RollupIDDigest)

	root := c.PrevRoot
	inbox := h.NewInboxConsumer(c.InboxBefore)
	outbox := h.NewOutbox(c.OutboxCount)
	var fees, txCount frontend.Variable = 0, 0
	data := make([]frontend.Variable, 0, p.MaxDataBytes())

	for i := range c.Slots {
		s := &c.Slots[i]
		var prev, next *SlotWitness
		if i > 0 {
			prev = &c.Slots[i-1]
		}
		if i+1 < len(c.Slots) {
			next = &c.Slots[i+1]
		}
		var forced *ForcedWitness
		if i < len(c.Forced) {
			forced = &c.Forced[i]
		}
		res := ctx.slot(s, prev, next, forced, root)
		root = res.root
		fees = api.Add(fees, res.fee)
		txCount = api.Add(txCount, api.Sub(1, s.IsKind[KindNoop]))
		inbox.Consume(res.isIn, res.inHash)
		outbox.Append(res.isOut, res.outHash)
		data = append(data, s.Bytes[:]...)
	}

	// fees: one withdrawal of their sum to the submitter's L1 account, the
	// last outbox entry, if any fee was paid (a zero withdrawal is invalid)
	feeEntry := h.OutboxEntryHash(gadgets.OutboxEntry{
		Kind: uint32(protocol.OutboxKindWithdrawal), Amount: fees,
		SenderDigest: gadgets.AddressDigestConstant(nil), RecipientDigest: c.SubmitterDigest,
		DestRollupDigest: gadgets.RollupIDDigestConstant(""), DenomDigest: ctx.denom,
		PayloadDigest: gadgets.PayloadDigestConstant(nil),
	})
	outbox.Append(api.Sub(1, api.IsZero(fees)), feeEntry)

	length := api.Mul(txCount, RecordBytes)
	h.AssertBatchCommitment(c.Commitment, gadgets.BatchCommitment{
		ChainIDDigest:   c.ChainIDDigest,
		RollupIDDigest:  c.RollupIDDigest,
		BatchIndex:      c.BatchIndex,
		PrevStateRoot:   c.PrevRoot,
		NewStateRoot:    root,
		DAHash:          h.DAHashPrefix(data, length, c.DAChunks, ctx.rc),
		InboxBefore:     c.InboxBefore,
		InboxAfter:      inbox.Accumulator(),
		OutboxHash:      outbox.Hash(),
		L2TxCount:       txCount,
		SubmitterDigest: c.SubmitterDigest,
	})
	return nil
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

func packLeaf(api frontend.API, balance, nonce frontend.Variable) frontend.Variable {
	return api.Add(api.Mul(balance, two32), nonce)
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

type slotResult struct {
	root, fee, isIn, isOut, inHash, outHash frontend.Variable
}

// slot applies one slot to root. Every slot runs the same constraints; the
// kind selectors decide which take effect. A forced-capable slot (f not
// nil) may also consume a forced transaction: it executes it (the slot's
// kind is then the transaction's, and it posts a forced skip record) or,
// only if the transaction is not valid against the state, skips it.
func (ctx *circuitCtx) slot(s, prev, next *SlotWitness, f *ForcedWitness, root frontend.Variable) slotResult {
	api, h, rc := ctx.api, ctx.h, ctx.rc

	// kind selectors
	var sum, kindVal frontend.Variable = 0, 0
	for k, b := range s.IsKind {
		api.AssertIsBoolean(b)
		sum = api.Add(sum, b)
		kindVal = api.Add(kindVal, api.Mul(b, k))
	}
	api.AssertIsEqual(sum, 1)
	isTransfer, isWithdraw, isSend := s.IsKind[KindTransfer], s.IsKind[KindWithdraw], s.IsKind[KindSend]
	isCredit, isSkip, isBounce, isBounceOut := s.IsKind[KindCredit], s.IsKind[KindSkip], s.IsKind[KindBounce], s.IsKind[KindBounceOut]
	useA := api.Add(isTransfer, isWithdraw, isSend) // signed, debits From
	useB := api.Add(isTransfer, isCredit)           // credits To
	signedOut := api.Add(isWithdraw, isSend)
	isIn := api.Add(isCredit, isSkip, isBounce)
	isOut := api.Add(signedOut, isBounceOut)

	// ordering: no-ops only at the end; a bounce is followed by its bounce-out
	if next != nil {
		api.AssertIsEqual(api.Mul(s.IsKind[KindNoop], api.Sub(1, next.IsKind[KindNoop])), 0)
		api.AssertIsEqual(isBounce, next.IsKind[KindBounceOut])
	} else {
		api.AssertIsEqual(isBounce, 0)
	}
	if prev == nil {
		api.AssertIsEqual(isBounceOut, 0)
	}

	// the record: fields, canonical zeros, posted bytes
	fromBits := api.ToBinary(s.From, ctx.p.Depth)
	toBits := api.ToBinary(s.To, ctx.p.Depth)
	rc.Check(s.AmountMant, amountMantBits)
	rc.Check(s.FeeMant, feeMantBits)
	aExpBits := api.ToBinary(s.AmountExp, amountExpBits)
	fExpBits := api.ToBinary(s.FeeExp, feeExpBits)
	api.AssertIsEqual(api.Mul(api.Sub(1, useA), api.Add(s.From, s.AmountExp, s.AmountMant, s.FeeExp, s.FeeMant)), 0)
	api.AssertIsEqual(api.Mul(api.Sub(1, useB), s.To), 0)
	word := kindVal
	for _, f := range []struct {
		v    frontend.Variable
		bits int
	}{{s.From, indexBits}, {s.To, indexBits}, {s.AmountExp, amountExpBits}, {s.AmountMant, amountMantBits}, {s.FeeExp, feeExpBits}, {s.FeeMant, feeMantBits}} {
		word = api.Add(api.Mul(word, new(big.Int).Lsh(big.NewInt(1), uint(f.bits))), f.v)
	}
	amount := api.Mul(s.AmountMant, pow10(api, aExpBits))
	fee := api.Mul(s.FeeMant, pow10(api, fExpBits))

	// a forced transaction: executed (the slot's record is the payload's)
	// or skipped (a skip record); the accounts the validity check reads are
	// at the payload's indices
	var fd forcedDecoded
	var isForcedSkip, executed frontend.Variable = 0, 0
	idxA, idxB, posted := s.From, s.To, word
	if f != nil {
		fd = ctx.decodeForced(f)
		isForcedSkip = api.Mul(fd.isForced, isSkip)
		executed = api.Sub(fd.isForced, isForcedSkip)
		api.AssertIsEqual(api.Mul(fd.isForced, api.Sub(1, api.Add(isSkip, isTransfer, isWithdraw, isSend))), 0)
		api.AssertIsEqual(api.Mul(executed, api.Sub(1, fd.wf)), 0)
		api.AssertIsEqual(api.Mul(executed, api.Sub(word, fd.word)), 0)
		idxA = api.Add(s.From, api.Mul(isForcedSkip, fd.fromLow))
		idxB = api.Add(s.To, api.Mul(isForcedSkip, fd.transfer, fd.toLow))
		posted = api.Select(executed, forcedExecutedWord, word)
		fromBits = api.ToBinary(idxA, ctx.p.Depth)
		toBits = api.ToBinary(idxB, ctx.p.Depth)
	}
	ctx.bytesOf(s.Bytes[:], posted)

	// account A: debit amount + fee, bump the nonce
	a := &s.A
	pkHashA := h.Compress(a.X, a.Y)
	newBalA := api.Sub(a.Balance, api.Mul(useA, api.Add(amount, fee)))
	newNonceA := api.Add(a.Nonce, useA)
	rc.Check(newBalA, BalanceBits)
	rc.Check(newNonceA, NonceBits)
	oldRoot, midRoot := h.MerkleUpdate(
		h.Compress(pkHashA, packLeaf(api, a.Balance, a.Nonce)),
		h.Compress(pkHashA, packLeaf(api, newBalA, newNonceA)),
		fromBits, a.Siblings)
	api.AssertIsEqual(oldRoot, root)

	// account B: credit, possibly creating it with the inbox entry's key
	b := &s.B
	api.AssertIsBoolean(s.Create)
	api.AssertIsEqual(api.Mul(s.Create, api.Sub(1, isCredit)), 0)
	api.AssertIsEqual(api.Mul(s.Create, b.Balance), 0)
	api.AssertIsEqual(api.Mul(s.Create, b.Nonce), 0)
	ctx.assertOnCurve(b.X, b.Y, useB)
	credit := api.Add(api.Mul(isTransfer, amount), api.Mul(isCredit, s.Entry.Amount))
	newBalB := api.Add(b.Balance, credit)
	rc.Check(newBalB, BalanceBits)
	pkHashB := h.Compress(b.X, b.Y)
	oldLeafB := api.Select(s.Create, EmptyLeaf.BigInt(new(big.Int)), h.Compress(pkHashB, packLeaf(api, b.Balance, b.Nonce)))
	midRootB, newRoot := h.MerkleUpdate(oldLeafB, h.Compress(pkHashB, packLeaf(api, newBalB, b.Nonce)), toBits, b.Siblings)
	api.AssertIsEqual(midRootB, midRoot)

	// the slot's L2 address: To's key for credits, From's otherwise
	addrX := api.Select(isCredit, b.X, a.X)
	addrY := api.Select(isCredit, b.Y, a.Y)
	addr := ctx.addressDigest(s, addrX, addrY)

	// validity of a forced transaction against the state (computed, not
	// asserted: an invalid one is skipped)
	var aExists, debitOK frontend.Variable = 0, 0
	var validForced frontend.Variable = 0
	if f != nil {
		aExists = api.Sub(1, api.IsZero(a.X))
		debitOK = ctx.lessOrEqual(api.Add(fd.amount, fd.fee), a.Balance, BalanceBits+4)
		isSelf := api.IsZero(api.Sub(fd.from, fd.to))
		noOverflow := ctx.lessOrEqual(api.Add(b.Balance, fd.amount), new(big.Int).Sub(two128, big.NewInt(1)), BalanceBits+4)
		transferOK := api.Mul(api.Sub(1, api.IsZero(b.X)), api.Add(isSelf, api.Mul(api.Sub(1, isSelf), noOverflow)))
		kindOK := api.Add(fd.withdraw, fd.send, api.Mul(fd.transfer, transferOK))
		nonceOK := api.Mul(api.IsZero(api.Sub(fd.nonce, a.Nonce)), api.Sub(1, api.IsZero(api.Sub(a.Nonce, 1<<NonceBits-1))))
		validForced = api.Mul(fd.wf, aExists, debitOK, nonceOK, kindOK)
	}

	// the entry: consumed from the inbox or emitted to the outbox (in a
	// forced-capable slot, the forced entry has its own hash and this one
	// is the withdrawal the payload would emit)
	e := &s.Entry
	isInReg := api.Sub(isIn, isForcedSkip)
	rc.Check(e.Amount, 128)
	rc.Check(e.Kind, 32)
	rc.Check(e.Sequence, 64)
	tag := api.Select(isInReg, gadgets.TagConstant(protocol.TagInboxEntry), gadgets.TagConstant(protocol.TagOutboxEntry))
	header := api.Add(gadgets.Header(api, 0, e.Kind, e.Amount), api.Mul(isInReg, e.Sequence, new(big.Int).Lsh(big.NewInt(1), 160)))
	entryHash := h.Chain(tag, header, e.Sender, e.Recipient, e.Rollup, e.Denom, e.Payload)

	// credits take deposits (1), cross-rollup messages (2) and refunds (5);
	// bounces return kinds 1 and 3 to their L1 sender (ToL1 = 1) and kinds
	// 2 and 5 to their source rollup (ToL1 = 0)
	k := e.Kind
	k25 := api.Mul(api.Sub(k, 2), api.Sub(k, 5))
	api.AssertIsEqual(api.Mul(isCredit, api.Sub(k, 1), k25), 0)
	api.AssertIsBoolean(s.ToL1)
	api.AssertIsEqual(api.Mul(api.Sub(1, isBounce), s.ToL1), 0)
	k13 := api.Mul(api.Sub(k, 1), api.Sub(k, 3))
	api.AssertIsEqual(api.Mul(isBounce, api.Add(api.Mul(s.ToL1, k13), api.Mul(api.Sub(1, s.ToL1), k25))), 0)
	// credit: the rollup's denom, to the key the entry names
	api.AssertIsEqual(api.Mul(isCredit, api.Sub(e.Denom, ctx.denom)), 0)
	api.AssertIsEqual(api.Mul(isCredit, api.Sub(e.Recipient, addr)), 0)
	// skip: nothing of value is dropped, and a forced transaction is never
	// skipped by an ordinary skip
	isSkipReg := api.Sub(isSkip, isForcedSkip)
	api.AssertIsEqual(api.Mul(isSkipReg, e.Amount), 0)
	api.AssertIsEqual(api.Mul(isSkipReg, api.IsZero(api.Sub(e.Kind, uint32(protocol.InboxKindForcedTx)))), 0)
	// withdrawal and send: the signed amount from the signer's address; a
	// skipped forced withdrawal or send computes the entry it would emit,
	// for its signature (only if the balance covers it, so the amount is in
	// range)
	var forcedOutW, forcedOutS frontend.Variable = 0, 0
	if f != nil {
		forcedOut := api.Mul(isForcedSkip, fd.wf, debitOK)
		forcedOutW, forcedOutS = api.Mul(forcedOut, fd.withdraw), api.Mul(forcedOut, fd.send)
	}
	outRole := api.Add(signedOut, forcedOutW, forcedOutS)
	outWithdraw := api.Add(isWithdraw, forcedOutW)
	outSend := api.Add(isSend, forcedOutS)
	outAmount := amount
	if f != nil {
		outAmount = api.Add(amount, api.Mul(isForcedSkip, fd.amount))
		// the withdrawal or send (executed or not) pays the payload's
		// recipient; a forced send has no payload
		withdrawRole := api.Add(api.Mul(executed, fd.withdraw), forcedOutW)
		api.AssertIsEqual(api.Mul(withdrawRole, api.Sub(e.Recipient, fd.recipient)), 0)
		sendRole := api.Add(api.Mul(executed, fd.send), forcedOutS)
		api.AssertIsEqual(api.Mul(sendRole, api.Sub(e.Recipient, fd.l2Recipient)), 0)
		api.AssertIsEqual(api.Mul(sendRole, api.Sub(e.Rollup, fd.rollup)), 0)
		api.AssertIsEqual(api.Mul(sendRole, api.Sub(e.Payload, gadgets.PayloadDigestConstant(nil))), 0)
	}
	api.AssertIsEqual(api.Mul(outRole, api.Sub(e.Amount, outAmount)), 0)
	api.AssertIsEqual(api.Mul(outRole, api.Sub(e.Sender, addr)), 0)
	api.AssertIsEqual(api.Mul(outRole, api.Sub(e.Denom, ctx.denom)), 0)
	api.AssertIsEqual(api.Mul(signedOut, api.IsZero(amount)), 0)
	api.AssertIsEqual(api.Mul(outWithdraw, api.Sub(e.Kind, uint32(protocol.OutboxKindWithdrawal))), 0)
	api.AssertIsEqual(api.Mul(outSend, api.Sub(e.Kind, uint32(protocol.OutboxKindCrossRollupMessage))), 0)
	noRollup, noPayload := gadgets.RollupIDDigestConstant(""), gadgets.PayloadDigestConstant(nil)
	api.AssertIsEqual(api.Mul(outWithdraw, api.Sub(e.Rollup, noRollup)), 0)
	api.AssertIsEqual(api.Mul(outWithdraw, api.Sub(e.Payload, noPayload)), 0)
	// bounce-out: the previous slot's entry goes back where it came from,
	// as a withdrawal to its L1 sender or a message to its sender on the
	// source rollup; value, denom (and payload for messages) unchanged
	if prev != nil {
		pe := &prev.Entry
		isDep := prev.ToL1
		wantKind := api.Sub(2, isDep)
		wantRollup := api.Select(isDep, noRollup, pe.Rollup)
		wantPayload := api.Select(isDep, noPayload, pe.Payload)
		for _, eq := range [][2]frontend.Variable{
			{e.Kind, wantKind}, {e.Amount, pe.Amount}, {e.Sender, pe.Recipient}, {e.Recipient, pe.Sender},
			{e.Rollup, wantRollup}, {e.Denom, pe.Denom}, {e.Payload, wantPayload},
		} {
			api.AssertIsEqual(api.Mul(isBounceOut, api.Sub(eq[0], eq[1])), 0)
		}
	}

	// signature by From's key over (record word + nonce, E): E is the
	// outbox entry of a withdrawal or send, or the key hash of the leaf a
	// transfer credits, so the signer, not whoever told it the index,
	// chooses the recipient; unsigned slots check a signature by the
	// public dummy key over E = 0
	base := ctx.curve.Params().Base
	msg := api.Add(word, api.Mul(a.Nonce, two96))
	if f == nil {
		pkX := api.Select(useA, a.X, base[0])
		pkY := api.Select(useA, a.Y, base[1])
		pkHash := api.Select(useA, pkHashA, baseKeyHash)
		ctx.verifySignature(s, pkX, pkY, pkHash, msg, ctx.signedSecond(signedOut, entryHash, isTransfer, pkHashB))
		return slotResult{root: newRoot, fee: api.Mul(useA, fee), isIn: isIn, isOut: isOut, inHash: entryHash, outHash: entryHash}
	}
	// forced-capable: the payload's signature over the payload's message;
	// it must hold unless the slot skips a forced transaction, and a valid
	// forced transaction cannot be skipped
	for _, eq := range [][2]frontend.Variable{{s.SigRX, fd.rx}, {s.SigRY, fd.ry}, {s.SigS, fd.s}} {
		api.AssertIsEqual(api.Mul(fd.isForced, api.Sub(eq[0], eq[1])), 0)
	}
	api.AssertIsEqual(api.Mul(executed, api.Sub(a.Nonce, fd.nonce)), 0)
	msg = api.Select(fd.isForced, api.Add(fd.word, api.Mul(fd.nonce, two96)), msg)
	pkUse := api.Add(useA, api.Mul(isForcedSkip, fd.wf, aExists))
	pkX := api.Select(pkUse, a.X, base[0])
	pkY := api.Select(pkUse, a.Y, base[1])
	pkHash := api.Select(pkUse, pkHashA, baseKeyHash)
	// a skipped forced transfer reads the leaf at the payload's index: its
	// key is what the signature must cover for the transfer to be valid
	transferRole := api.Add(isTransfer, api.Mul(isForcedSkip, fd.transfer))
	sigOK := ctx.signatureValid(s, fd.sTopZero, pkX, pkY, pkHash, msg, ctx.signedSecond(outRole, entryHash, transferRole, pkHashB))
	api.AssertIsEqual(api.Mul(api.Sub(1, isForcedSkip), api.Sub(1, sigOK)), 0)
	api.AssertIsEqual(api.Mul(isForcedSkip, validForced, sigOK), 0)

	return slotResult{root: newRoot, fee: api.Mul(useA, fee), isIn: api.Add(isInReg, fd.isForced), isOut: isOut,
		inHash: api.Select(fd.isForced, fd.entryHash, entryHash), outHash: entryHash}
}

// signedSecond is the second element of the signed message (Tx.Message):
// the outbox entry's hash for a withdrawal or send, the recipient's key
// hash for a transfer, 0 otherwise. The roles are exclusive.
func (ctx *circuitCtx) signedSecond(outRole, entryHash, transferRole, recipientKeyHash frontend.Variable) frontend.Variable {
	api := ctx.api
	return api.Add(api.Mul(outRole, entryHash), api.Mul(transferRole, recipientKeyHash))
}

// addressDigest is protocol.AddressDigest(X || Y) of a key: the 64 bytes split
// into 31-byte chunks (X>>8, (X&0xff)<<240 | Y>>16, (Y&0xffff)<<232), the
// first compression over the constant length precomputed.
func (ctx *circuitCtx) addressDigest(s *SlotWitness, x, y frontend.Variable) frontend.Variable {
	api, rc := ctx.api, ctx.rc
	rc.Check(s.AddrXLo, 8)
	rc.Check(s.AddrXHi, 248)
	rc.Check(s.AddrYLo, 16)
	rc.Check(s.AddrYHi, 240)
	api.AssertIsEqual(api.Add(api.Mul(s.AddrXHi, 1<<8), s.AddrXLo), x)
	api.AssertIsEqual(api.Add(api.Mul(s.AddrYHi, 1<<16), s.AddrYLo), y)
	c1 := api.Add(api.Mul(s.AddrXLo, new(big.Int).Lsh(big.NewInt(1), 240)), s.AddrYHi)
	c2 := api.Mul(s.AddrYLo, new(big.Int).Lsh(big.NewInt(1), 232))
	return ctx.h.Chain(addressStart, s.AddrXHi, c1, c2)
}

// verifySignature checks [S]B - [h]A == R with S in [1, l) and
// h = H(domain; R.X, R.Y, keyHash, msg...): the native PublicKey.Verify.
// The key is a subgroup point (accounts are created only from keys the
// operator validated; the dummy key is B).
func (ctx *circuitCtx) verifySignature(s *SlotWitness, pkX, pkY, keyHash frontend.Variable, msg ...frontend.Variable) {
	api := ctx.api
	api.AssertIsDifferent(s.SigS, 0)
	ctx.rc.Check(s.SigS, order.BitLen())
	ctx.rc.Check(api.Sub(orderMinus1, s.SigS), order.BitLen())
	api.AssertIsDifferent(pkX, 0)
	c := ctx.h.Chain(ctx.txDomain, append([]frontend.Variable{s.SigRX, s.SigRY, keyHash}, msg...)...)
	base := ctx.curve.Params().Base
	q := ctx.curve.DoubleBaseScalarMul(
		twistededwards.Point{X: base[0], Y: base[1]},
		ctx.curve.Neg(twistededwards.Point{X: pkX, Y: pkY}),
		s.SigS, c, algopts.WithIncompleteArithmetic())
	api.AssertIsEqual(q.X, s.SigRX)
	api.AssertIsEqual(q.Y, s.SigRY)
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

// baseKeyHash is the dummy key's hash c(B.X, B.Y).
var baseKeyHash = func() *big.Int {
	e := dummyKey.Public.KeyHash()
	return e.BigInt(new(big.Int))
}()

// addressStart is c(tag(address), 64), the constant first step of every
// 64-byte address digest.
var addressStart = func() *big.Int {
	var n = frFromUint64(paymentsv1.AddressBytes)
	e := tree.Compress(protocol.TagElement(protocol.TagAddress), n)
	return e.BigInt(new(big.Int))
}()
