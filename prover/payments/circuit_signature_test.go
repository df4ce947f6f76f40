package payments

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
)

// slotSignatureCircuit wraps assertSlotSignature: the slot (kind, account
// A, signature), its record word, the key hashes of A and B and the
// slot's entry hash.
type slotSignatureCircuit struct {
	S                                 SlotWitness
	Word, PkHashA, PkHashB, EntryHash frontend.Variable
}

func (c *slotSignatureCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	ctx.assertSlotSignature(&c.S, ctx.kindSelectors(c.S.IsKind), c.Word, c.PkHashA, c.PkHashB, c.EntryHash)
	return nil
}

func TestSlotSignature_CoversTheRecordNonceAndRecipient(t *testing.T) {
	b := partsBatch(t)
	alice, bob := testKey(2).Public, testKey(3).Public
	of := func(i int, entryHash frontend.Variable) *slotSignatureCircuit {
		s := cloneSlot(b.Assignment.Slots[i])
		return &slotSignatureCircuit{S: s, Word: b.Records[i].word(), PkHashA: keyHash(s.A.X, s.A.Y),
			PkHashB: keyHash(s.B.X, s.B.Y), EntryHash: entryHash}
	}
	transfer := func() *slotSignatureCircuit { return of(1, 0) }
	checkPart(t, &slotSignatureCircuit{S: slotShape()}, transfer, map[string]func(*slotSignatureCircuit){
		"bad signature":   func(c *slotSignatureCircuit) { c.S.SigS = bumped(c.S.SigS, 1) },
		"S of zero":       func(c *slotSignatureCircuit) { c.S.SigS = 0 },
		"bad R":           func(c *slotSignatureCircuit) { c.S.SigRX = bumped(c.S.SigRX, 1) },
		"malleated S + l": func(c *slotSignatureCircuit) { c.S.SigS = new(big.Int).Add(bigOf(c.S.SigS), order) },
		// the record and nonce the signer did not sign
		"another amount": func(c *slotSignatureCircuit) { c.Word = bumped(c.Word, 1<<feeMantBits) },
		"replayed nonce": func(c *slotSignatureCircuit) { c.S.A.Nonce = bumped(c.S.A.Nonce, 1) },
		// the operator points the index at another account: the key hash
		// signed is not the one the leaf holds
		"another recipient key": func(c *slotSignatureCircuit) { c.PkHashB = alice.KeyHash() },
		"signed by another key": func(c *slotSignatureCircuit) {
			c.S.A.X, c.S.A.Y, c.PkHashA = bob.X, bob.Y, bob.KeyHash()
		},
		// a withdrawal's signature covers its outbox entry
		"withdrawal to another entry": func(c *slotSignatureCircuit) {
			*c = *of(2, b.Outbox[0].Hash())
			c.EntryHash = bumped(c.EntryHash, 1)
		},
		// unsigned slots carry the dummy key's signature, not a user's
		"credit signed by a user": func(c *slotSignatureCircuit) {
			*c = *of(0, 0)
			c.S.SigRX, c.S.SigRY, c.S.SigS = b.Assignment.Slots[1].SigRX, b.Assignment.Slots[1].SigRY, b.Assignment.Slots[1].SigS
		},
	}, of(2, b.Outbox[0].Hash()), of(3, b.Outbox[1].Hash()), of(0, protocol.InboxEntry{}.Hash()))
}
