package payments

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark/frontend"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/gadgets"
)

// forcedSlotFixture is the first slot of a batch that consumes the forced
// transaction mk makes on a funded rollup (alice 1, bob 2), its forced
// witness, the transaction and whether the batch executed it.
type forcedSlotFixture struct {
	S        SlotWitness
	F        ForcedWitness
	Tx       Tx
	Executed bool
	Outbox   []protocol.OutboxEntry
}

func forcedSlot0(t *testing.T, mk func(r *rollup, alice *PrivateKey) Tx) forcedSlotFixture {
	r, alice, _ := funded(t, testParams)
	tx := mk(r, alice)
	r.forceTx(tx)
	b := r.build()
	require.Len(t, b.Forced, 1)
	return forcedSlotFixture{S: cloneSlot(b.Assignment.Slots[0]), F: b.Assignment.Forced[0], Tx: tx,
		Executed: b.Forced[0].Executed, Outbox: b.Outbox}
}

// the forced transactions of the tests below
var (
	forcedWithdrawal = func(r *rollup, alice *PrivateKey) Tx { return r.withdraw(alice, 1, 250_000, 3, l1Addr(0x55)) }
	forcedStale      = func(r *rollup, alice *PrivateKey) Tx { return r.resign(alice, forcedWithdrawal(r, alice), 5) }
	forcedOverdraft  = func(r *rollup, alice *PrivateKey) Tx { return r.withdraw(alice, 1, 2_000_000, 0, l1Addr(0x55)) }
	forcedBadSig     = func(r *rollup, alice *PrivateKey) Tx {
		tx := forcedWithdrawal(r, alice)
		tx.Sig.S.Add(&tx.Sig.S, big.NewInt(1))
		return tx
	}
	forcedToNobody = func(r *rollup, alice *PrivateKey) Tx { return r.transfer(alice, 1, 5, 10, 0) }
	forcedToSelf   = func(r *rollup, alice *PrivateKey) Tx { return r.transfer(alice, 1, 1, 10, 0) }
	forcedSendDex  = func(r *rollup, alice *PrivateKey) Tx { return forcedSend(r, alice, 1, 4000, 1, "dex") }
)

// forcedRecordCircuit wraps forcedRecord: a forced-capable slot's record
// and forced witness, and the posted record, account indices and skip bit
// they must give.
type forcedRecordCircuit struct {
	S                          SlotWitness
	F                          ForcedWitness
	Posted, IdxA, IdxB, IsSkip frontend.Variable
}

func (c *forcedRecordCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	k := ctx.kindSelectors(c.S.IsKind)
	rec := ctx.slotRecord(&c.S, k)
	fs := ctx.forcedRecord(&c.S, &c.F, k, &rec)
	for _, eq := range [][2]frontend.Variable{{rec.posted, c.Posted}, {api.FromBinary(rec.fromBits...), c.IdxA},
		{api.FromBinary(rec.toBits...), c.IdxB}, {fs.isSkip, c.IsSkip}} {
		api.AssertIsEqual(eq[0], eq[1])
	}
	return nil
}

func forcedRecordOf(fx forcedSlotFixture) *forcedRecordCircuit {
	c := &forcedRecordCircuit{S: cloneSlot(fx.S), F: fx.F, Posted: forcedExecutedWord, IdxA: fx.Tx.From, IdxB: fx.Tx.To, IsSkip: 0}
	if !fx.Executed {
		c.Posted, c.IsSkip = Record{Kind: KindSkip}.word(), 1
	}
	return c
}

func TestForcedRecord_ExecutesThePayloadOrSkipsIt(t *testing.T) {
	executed := forcedSlot0(t, forcedWithdrawal)
	require.True(t, executed.Executed)
	skipped, skippedTransfer := forcedSlot0(t, forcedStale), forcedSlot0(t, forcedToNobody)
	require.False(t, skipped.Executed)
	require.False(t, skippedTransfer.Executed)
	b := partsBatch(t)
	none := &forcedRecordCircuit{S: cloneSlot(b.Assignment.Slots[0]), F: b.Assignment.Forced[0],
		Posted: b.Records[0].word(), IdxA: 0, IdxB: b.Records[0].To, IsSkip: 0}
	malformed := forcedOf(edited(mustForced(t, executed.Tx), func(b []byte) { b[0] = 2 }))
	checkPart(t, &forcedRecordCircuit{S: slotShape()}, func() *forcedRecordCircuit { return forcedRecordOf(executed) },
		map[string]func(*forcedRecordCircuit){
			// the slot executes exactly the payload's transaction
			"executes another amount":      func(c *forcedRecordCircuit) { c.S.AmountMant = bumped(c.S.AmountMant, 1) },
			"executes a malformed payload": func(c *forcedRecordCircuit) { c.F = malformed },
			// a forced entry is executed or skipped, never credited
			"consumed by a credit": func(c *forcedRecordCircuit) {
				setRecord(&c.S, Record{Kind: KindCredit})
				c.IdxA, c.IdxB = 0, 0
			},
			"posts the transaction, not the forced record": func(c *forcedRecordCircuit) { c.Posted = executed.Tx.record().word() },
		}, forcedRecordOf(skipped), forcedRecordOf(skippedTransfer), none)
}

// forcedValidityCircuit wraps forcedValidity: a forced witness, the
// accounts the slot reads and whether the transaction is valid against
// them.
type forcedValidityCircuit struct {
	F              ForcedWitness
	A, B           AccountWitness
	Valid, DebitOK frontend.Variable
}

func (c *forcedValidityCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	fs := &forcedSlot{fd: ctx.decodeForced(&c.F)}
	ctx.forcedValidity(fs, &c.A, &c.B)
	api.AssertIsEqual(fs.valid, c.Valid)
	api.AssertIsEqual(fs.debitOK, c.DebitOK)
	return nil
}

func TestForcedValidity_AgreesWithTheNativeState(t *testing.T) {
	of := func(mk func(r *rollup, alice *PrivateKey) Tx, debitOK bool) *forcedValidityCircuit {
		fx := forcedSlot0(t, mk)
		s := cloneSlot(fx.S)
		return &forcedValidityCircuit{F: fx.F, A: s.A, B: s.B, Valid: gadgets.Bool(fx.Executed), DebitOK: gadgets.Bool(debitOK)}
	}
	stale, overdraft, toNobody := of(forcedStale, true), of(forcedOverdraft, false), of(forcedToNobody, true)
	claimValid := func(v *forcedValidityCircuit) func(*forcedValidityCircuit) {
		return func(c *forcedValidityCircuit) { *c = *v; c.Valid = 1 }
	}
	checkPart(t, &forcedValidityCircuit{A: slotShape().A, B: slotShape().B}, func() *forcedValidityCircuit { return of(forcedWithdrawal, true) },
		map[string]func(*forcedValidityCircuit){
			// the operator could then skip it
			"valid withdrawal called invalid": func(c *forcedValidityCircuit) { c.Valid = 0 },
			// or execute what the state refuses
			"stale nonce called valid":        claimValid(stale),
			"overdraft called valid":          claimValid(overdraft),
			"transfer to nobody called valid": claimValid(toNobody),
			"overdraft called covered":        func(c *forcedValidityCircuit) { *c = *overdraft; c.DebitOK = 1 },
		}, stale, overdraft, toNobody, of(forcedToSelf, true), of(forcedSendDex, true))
}

// forcedPayeeCircuit wraps forcedOutRoles and assertForcedPayee: a forced
// witness, the slot's entry, whether it skips the transaction and the
// balance covers it, the slot's amount and the amount the entry carries.
type forcedPayeeCircuit struct {
	F                                  ForcedWitness
	E                                  EntryWitness
	IsSkip, DebitOK, Amount, OutAmount frontend.Variable
}

func (c *forcedPayeeCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	fd := ctx.decodeForced(&c.F)
	fs := &forcedSlot{fd: fd, isSkip: c.IsSkip, executed: api.Sub(fd.isForced, c.IsSkip), debitOK: c.DebitOK}
	w, s := ctx.forcedOutRoles(fs)
	api.AssertIsEqual(ctx.assertForcedPayee(fs, &c.E, c.Amount, w, s), c.OutAmount)
	return nil
}

func forcedPayeeOf(fx forcedSlotFixture) *forcedPayeeCircuit {
	c := &forcedPayeeCircuit{F: fx.F, E: fx.S.Entry, IsSkip: 1, DebitOK: 1, Amount: 0, OutAmount: fx.Tx.Amount.Value()}
	if fx.Executed {
		c.IsSkip, c.Amount = 0, fx.Tx.Amount.Value()
	}
	return c
}

func TestForcedPayee_PaysThePayloadsRecipient(t *testing.T) {
	withdrawal, send, stale := forcedSlot0(t, forcedWithdrawal), forcedSlot0(t, forcedSendDex), forcedSlot0(t, forcedStale)
	require.True(t, send.Executed)
	onSend := func(f func(c *forcedPayeeCircuit)) func(*forcedPayeeCircuit) {
		return func(c *forcedPayeeCircuit) { *c = *forcedPayeeOf(send); f(c) }
	}
	checkPart(t, &forcedPayeeCircuit{}, func() *forcedPayeeCircuit { return forcedPayeeOf(withdrawal) },
		map[string]func(*forcedPayeeCircuit){
			"withdrawal to another L1 account": func(c *forcedPayeeCircuit) { c.E.Recipient = protocol.AddressDigest(l1Addr(0x66)) },
			"skipped withdrawal to another L1 account": func(c *forcedPayeeCircuit) {
				*c = *forcedPayeeOf(stale)
				c.E.Recipient = protocol.AddressDigest(l1Addr(0x66))
			},
			"send to another recipient": onSend(func(c *forcedPayeeCircuit) { c.E.Recipient = protocol.AddressDigest(testKey(8).Public.Address()) }),
			"send to another rollup":    onSend(func(c *forcedPayeeCircuit) { c.E.Rollup = protocol.RollupIDDigest("other") }),
			"send with a payload":       onSend(func(c *forcedPayeeCircuit) { c.E.Payload = protocol.PayloadDigest([]byte("memo")) }),
		}, forcedPayeeOf(send), forcedPayeeOf(stale))
}

// forcedSignatureCircuit wraps assertForcedSignature: a forced-capable
// slot, its forced witness, what the earlier steps computed (skip bit,
// validity, record word, key hashes, outbox role, entry hash).
type forcedSignatureCircuit struct {
	S                      SlotWitness
	F                      ForcedWitness
	IsSkip, AExists, Valid frontend.Variable
	Word, PkHashA, PkHashB frontend.Variable
	OutRole, EntryHash     frontend.Variable
}

func (c *forcedSignatureCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	fd := ctx.decodeForced(&c.F)
	fs := &forcedSlot{fd: fd, isSkip: c.IsSkip, executed: api.Sub(fd.isForced, c.IsSkip), aExists: c.AExists, valid: c.Valid}
	ctx.assertForcedSignature(&c.S, ctx.kindSelectors(c.S.IsKind), fs, c.Word, c.PkHashA, c.PkHashB, c.OutRole, c.EntryHash)
	return nil
}

// forcedSignatureOf is the circuit of a slot that consumes fx's forced
// withdrawal; valid says the transaction is valid against the state.
func forcedSignatureOf(t *testing.T, fx forcedSlotFixture, valid bool) *forcedSignatureCircuit {
	s := cloneSlot(fx.S)
	alice := testKey(2).Public
	out, ok := fx.Tx.OutboxEntry(alice, DefaultDenom)
	require.True(t, ok)
	c := &forcedSignatureCircuit{S: s, F: fx.F, IsSkip: gadgets.Bool(!fx.Executed), AExists: 1, Valid: gadgets.Bool(valid),
		Word: fx.Tx.record().word(), PkHashA: keyHash(s.A.X, s.A.Y), PkHashB: keyHash(s.B.X, s.B.Y),
		OutRole: 1, EntryHash: out.Hash()}
	if !fx.Executed {
		c.Word = Record{Kind: KindSkip}.word()
	}
	return c
}

func TestForcedSignature_ValidForcedTxCannotBeSkipped(t *testing.T) {
	executed, stale, badSig := forcedSlot0(t, forcedWithdrawal), forcedSlot0(t, forcedStale), forcedSlot0(t, forcedBadSig)
	require.False(t, badSig.Executed)
	b := partsBatch(t)
	s := cloneSlot(b.Assignment.Slots[0])
	none := &forcedSignatureCircuit{S: s, F: b.Assignment.Forced[0], IsSkip: 0, AExists: 1, Valid: 0,
		Word: b.Records[0].word(), PkHashA: keyHash(s.A.X, s.A.Y), PkHashB: keyHash(s.B.X, s.B.Y), OutRole: 0, EntryHash: 0}
	checkPart(t, &forcedSignatureCircuit{S: slotShape()}, func() *forcedSignatureCircuit { return forcedSignatureOf(t, executed, true) },
		map[string]func(*forcedSignatureCircuit){
			// the censorship the forced inbox exists to prevent
			"valid forced tx skipped": func(c *forcedSignatureCircuit) {
				setRecord(&c.S, Record{Kind: KindSkip})
				c.IsSkip, c.Word = 1, Record{Kind: KindSkip}.word()
			},
			"executed with a bad signature": func(c *forcedSignatureCircuit) {
				*c = *forcedSignatureOf(t, badSig, true)
				setRecord(&c.S, badSig.Tx.record())
				c.IsSkip, c.Word = 0, badSig.Tx.record().word()
			},
			"signature not the payload's": func(c *forcedSignatureCircuit) { c.S.SigRX = bumped(c.S.SigRX, 1) },
			"executed at another nonce":   func(c *forcedSignatureCircuit) { c.S.A.Nonce = bumped(c.S.A.Nonce, 1) },
			"executed for another entry":  func(c *forcedSignatureCircuit) { c.EntryHash = bumped(c.EntryHash, 1) },
		}, forcedSignatureOf(t, stale, false), forcedSignatureOf(t, badSig, true), none)
}
