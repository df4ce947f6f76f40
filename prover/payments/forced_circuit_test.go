package payments

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/gadgets"
	"github.com/nativechain/nativechain/prover/tree"
)

// forcedPayloads are canonical payloads of alice (1) on a funded rollup: a
// withdrawal of 250,000 to 0x55.., a transfer of 1000 to bob (2) and a send
// of 4000 to testKey(9) on dex.
func forcedPayloads(t *testing.T) (withdrawal, transfer, send []byte, txs map[string]Tx) {
	r, alice, _ := funded(t, testParams)
	txs = map[string]Tx{
		"withdrawal": r.withdraw(alice, 1, 250_000, 3, l1Addr(0x55)),
		"transfer":   r.transfer(alice, 1, 2, 1000, 0),
		"send":       forcedSend(r, alice, 1, 4000, 1, "dex"),
	}
	enc := func(name string) []byte {
		tx := txs[name]
		p, err := EncodeForcedTx(&tx)
		require.NoError(t, err)
		return p
	}
	return enc("withdrawal"), enc("transfer"), enc("send"), txs
}

// forcedOf is the witness of a forced entry carrying payload.
func forcedOf(payload []byte) ForcedWitness {
	return forcedWitness(protocol.InboxEntry{Sequence: 3, Kind: protocol.InboxKindForcedTx, Sender: l1Addr(0x44), Payload: payload})
}

// edited is a copy of b changed by f.
func edited(b []byte, f func(b []byte)) []byte {
	b = bytes.Clone(b)
	f(b)
	return b
}

// openForcedPayloadCircuit wraps openForcedPayload: the opening and the
// digest, structural bit and chunks it must give.
type openForcedPayloadCircuit struct {
	F                  ForcedWitness
	Digest, Structural frontend.Variable
	X                  [ForcedTxChunks]frontend.Variable
}

func (c *openForcedPayloadCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	digest, structural, x := ctx.openForcedPayload(&c.F)
	api.AssertIsEqual(digest, c.Digest)
	api.AssertIsEqual(structural, c.Structural)
	for i := range x {
		api.AssertIsEqual(x[i], c.X[i])
	}
	return nil
}

func openingOf(payload []byte, structural bool) *openForcedPayloadCircuit {
	c := &openForcedPayloadCircuit{F: forcedOf(payload), Digest: protocol.PayloadDigest(payload), Structural: gadgets.Bool(structural)}
	for i := range c.X {
		c.X[i] = 0
		if structural {
			c.X[i] = c.F.Chunks[i]
		}
	}
	return c
}

func TestOpenForcedPayload_DigestsThePayloadAndTellsItsLength(t *testing.T) {
	withdrawal, _, _, _ := forcedPayloads(t)
	long := append(bytes.Clone(withdrawal), 7)
	none := &openForcedPayloadCircuit{F: zeroForcedWitness(), Digest: payloadTag, Structural: 0}
	for i := range none.X {
		none.X[i] = 0
	}
	checkPart(t, &openForcedPayloadCircuit{}, func() *openForcedPayloadCircuit { return openingOf(withdrawal, true) },
		map[string]func(*openForcedPayloadCircuit){
			// the chunks the slot decodes are the ones the entry hashes
			"tampered chunk":   func(c *openForcedPayloadCircuit) { c.F.Chunks[3] = bumped(c.F.Chunks[3], 1); c.X[3] = c.F.Chunks[3] },
			"a step left out":  func(c *openForcedPayloadCircuit) { c.F.Active[4] = 0 },
			"a step not a bit": func(c *openForcedPayloadCircuit) { c.F.Active[0] = 2 },
			"another start":    func(c *openForcedPayloadCircuit) { c.F.Start = bumped(c.F.Start, 1) },
			"longer payload read as a forced tx": func(c *openForcedPayloadCircuit) {
				*c = *openingOf(long, false)
				c.Structural = 1
				for i := range c.X {
					c.X[i] = c.F.Chunks[i]
				}
			},
		}, openingOf(withdrawal[:40], false), openingOf(long, false), none)
}

// decodeForcedTxCircuit wraps decodeForcedTx: the payload's fields, its
// chunks and what they must decode to.
type decodeForcedTxCircuit struct {
	F                                   ForcedWitness
	Word, Nonce, Amount, Fee            frontend.Variable
	Transfer, Withdraw, Send            frontend.Variable
	RX, RY, S, Recipient, From, FromLow frontend.Variable
}

func (c *decodeForcedTxCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	d := ctx.decodeForcedTx(&c.F, c.F.Chunks)
	for _, eq := range [][2]frontend.Variable{{d.word, c.Word}, {d.nonce, c.Nonce}, {d.amount, c.Amount}, {d.fee, c.Fee},
		{d.transfer, c.Transfer}, {d.withdraw, c.Withdraw}, {d.send, c.Send}, {d.rx, c.RX}, {d.ry, c.RY}, {d.s, c.S},
		{d.recipient, c.Recipient}, {d.from, c.From}, {d.fromLow, c.FromLow}} {
		api.AssertIsEqual(eq[0], eq[1])
	}
	return nil
}

func decodedOf(t *testing.T, payload []byte) *decodeForcedTxCircuit {
	tx, err := DecodeForcedTx(payload)
	require.NoError(t, err)
	recipient := tree.Compress(l1RecipientStart, fr.Element{})
	if tx.Kind == KindWithdraw {
		recipient = protocol.AddressDigest(tx.Recipient)
	}
	return &decodeForcedTxCircuit{F: forcedOf(payload), Word: tx.record().word(), Nonce: tx.Nonce,
		Amount: tx.Amount.Value(), Fee: tx.Fee.Value(),
		Transfer: gadgets.Bool(tx.Kind == KindTransfer), Withdraw: gadgets.Bool(tx.Kind == KindWithdraw), Send: gadgets.Bool(tx.Kind == KindSend),
		RX: tx.Sig.RX, RY: tx.Sig.RY, S: new(big.Int).Mod(&tx.Sig.S, fr.Modulus()), Recipient: recipient, From: tx.From, FromLow: tx.From}
}

func TestDecodeForcedTx_FieldsAreThePayloadsUniqueSplit(t *testing.T) {
	withdrawal, transfer, send, _ := forcedPayloads(t)
	checkPart(t, &decodeForcedTxCircuit{}, func() *decodeForcedTxCircuit { return decodedOf(t, withdrawal) },
		map[string]func(*decodeForcedTxCircuit){
			// the slot would execute fields the user did not put there
			"another nonce": func(c *decodeForcedTxCircuit) { c.F.Nonce, c.Nonce = bumped(c.F.Nonce, 1), bumped(c.Nonce, 1) },
			"another amount": func(c *decodeForcedTxCircuit) {
				c.F.AmountMant, c.Amount = bumped(c.F.AmountMant, 1), bumped(c.Amount, 1)
			},
			"another kind": func(c *decodeForcedTxCircuit) {
				c.F.Kind, c.Withdraw, c.Send = uint64(KindSend), 0, 1
			},
			// the same chunk split otherwise: fields out of their ranges
			"padding over 11 bytes": func(c *decodeForcedTxCircuit) {
				c.F.Pad0 = new(big.Int).Add(bigOf(c.F.Pad0), two88)
				c.F.SLo, c.S = bumped(c.F.SLo, -1), bumped(c.S, -1)
			},
			"recipient over 20 bytes": func(c *decodeForcedTxCircuit) {
				c.F.L1Recipient, c.F.Pad1 = bumped(c.F.L1Recipient, 1), new(big.Int).Sub(bigOf(c.F.Pad1), two88)
				c.Recipient = tree.Compress(l1RecipientStart, fe(new(big.Int).Mul(bigOf(c.F.L1Recipient), two88)))
			},
			"S split off its top bits": func(c *decodeForcedTxCircuit) {
				c.F.STop, c.F.SLow = bumped(c.F.STop, -1), new(big.Int).Add(bigOf(c.F.SLow), two243)
			},
		}, decodedOf(t, transfer), decodedOf(t, send))
}

// decodeForcedSendCircuit wraps decodeForcedSend: the payload's fields,
// its chunks and the send's destination they must give.
type decodeForcedSendCircuit struct {
	F                                 ForcedWitness
	IDOK, NoSend, Rollup, L2Recipient frontend.Variable
}

func (c *decodeForcedSendCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	var d forcedDecoded
	idOK, noSend := ctx.decodeForcedSend(&c.F, c.F.Chunks, &d)
	for _, eq := range [][2]frontend.Variable{{idOK, c.IDOK}, {noSend, c.NoSend}, {d.rollup, c.Rollup}, {d.l2Recipient, c.L2Recipient}} {
		api.AssertIsEqual(eq[0], eq[1])
	}
	return nil
}

func TestDecodeForcedSend_DestinationIsThePayloads(t *testing.T) {
	withdrawal, _, send, txs := forcedPayloads(t)
	// a send's rollup id digest as the chunk gives it, whether or not the
	// id is one the chain would route
	rawRollup := func(f ForcedWitness) fr.Element {
		return tree.Compress(tree.Compress(rollupIDTag, fe(f.IDLen)), fe(new(big.Int).Mul(bigOf(f.IDBody), big.NewInt(256))))
	}
	sendOf := func(payload []byte, idOK bool) *decodeForcedSendCircuit {
		c := &decodeForcedSendCircuit{F: forcedOf(payload), IDOK: gadgets.Bool(idOK), NoSend: 0,
			L2Recipient: protocol.AddressDigest(testKey(9).Public.Address())}
		c.Rollup = rawRollup(c.F)
		if tx, err := DecodeForcedTx(payload); err == nil {
			c.Rollup = protocol.RollupIDDigest(tx.DestRollupID)
		}
		return c
	}
	var zero fr.Element
	addrStart := fe(gadgets.AddressDigestStart)
	noDest := &decodeForcedSendCircuit{F: forcedOf(withdrawal), IDOK: 0, NoSend: 1,
		Rollup: tree.Compress(tree.Compress(rollupIDTag, zero), zero), L2Recipient: tree.Chain(addrStart, zero, zero, zero)}
	r, alice, _ := funded(t, testParams)
	longest := forcedSend(r, alice, 1, 4000, 1, "dex-rollup-with-a-30-byte-id!!")
	longestPayload, err := EncodeForcedTx(&longest)
	require.NoError(t, err)
	require.Equal(t, "dex", txs["send"].DestRollupID)
	checkPart(t, &decodeForcedSendCircuit{}, func() *decodeForcedSendCircuit { return sendOf(send, true) },
		map[string]func(*decodeForcedSendCircuit){
			"id length not the chunk's": func(c *decodeForcedSendCircuit) { c.F.IDLen = bumped(c.F.IDLen, 1) },
			"id split off its length byte": func(c *decodeForcedSendCircuit) {
				c.F.IDLen, c.F.IDBody = bumped(c.F.IDLen, -1), new(big.Int).Add(bigOf(c.F.IDBody), two240)
				c.IDOK, c.Rollup = 0, rawRollup(c.F)
			},
			"recipient not the chunk's": func(c *decodeForcedSendCircuit) { c.F.YLo = bumped(c.F.YLo, 1) },
			// ids the chain would not route: the slot must see them as such
			"padded id taken for an id": func(c *decodeForcedSendCircuit) {
				*c = *sendOf(edited(send, func(b []byte) { b[185] = 'x' }), true)
			},
			"31-byte id taken for an id": func(c *decodeForcedSendCircuit) {
				*c = *sendOf(edited(send, func(b []byte) { b[155] = 31 }), true)
			},
			"empty id taken for an id": func(c *decodeForcedSendCircuit) {
				*c = *sendOf(edited(send, func(b []byte) { b[155] = 0 }), true)
			},
		}, noDest, sendOf(longestPayload, true), sendOf(edited(send, func(b []byte) { b[185] = 'x' }), false),
		sendOf(edited(send, func(b []byte) { b[155] = 31 }), false))
}

// forcedWellFormedCircuit wraps forcedWellFormed, its inputs decoded by the
// three functions above: a payload and whether it is a forced transaction.
type forcedWellFormedCircuit struct {
	F  ForcedWitness
	WF frontend.Variable
}

func (c *forcedWellFormedCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	_, structural, x := ctx.openForcedPayload(&c.F)
	d := ctx.decodeForcedTx(&c.F, x)
	idOK, noSend := ctx.decodeForcedSend(&c.F, x, &d)
	api.AssertIsEqual(ctx.forcedWellFormed(&c.F, &d, structural, idOK, noSend), c.WF)
	return nil
}

func TestForcedWellFormed_AgreesWithTheNativeDecoder(t *testing.T) {
	withdrawal, transfer, send, _ := forcedPayloads(t)
	r, alice, _ := funded(t, testParams)
	outside := Tx{Kind: KindWithdraw, From: 1 << partParams.Depth, Amount: Float{Mantissa: 10}, Recipient: l1Addr(0x55)}
	outside.Sign(alice, r.domain, DefaultDenom)
	outsidePayload, err := EncodeForcedTx(&outside)
	require.NoError(t, err)
	edit := func(b []byte, f func(b []byte)) []byte { return edited(b, f) }
	malformed := map[string][]byte{
		"short":                   withdrawal[:ForcedTxBytes-1],
		"version":                 edit(withdrawal, func(b []byte) { b[0] = 2 }),
		"padding of chunk 0":      edit(withdrawal, func(b []byte) { b[30] = 1 }),
		"padding of chunk 1":      edit(withdrawal, func(b []byte) { b[61] = 1 }),
		"withdrawal with to":      edit(withdrawal, func(b []byte) { b[6] |= 1 }),
		"transfer with address":   edit(transfer, func(b []byte) { b[40] = 1 }),
		"send: id padding":        edit(send, func(b []byte) { b[185] = 'x' }),
		"send: L1 recipient":      edit(send, func(b []byte) { b[31] = 1 }),
		"withdrawal with L2":      edit(withdrawal, func(b []byte) { b[200] = 1 }),
		"sender outside the tree": outsidePayload,
	}
	attacks := map[string]func(*forcedWellFormedCircuit){
		// the operator could then skip a transaction it must execute
		"valid withdrawal called malformed": func(c *forcedWellFormedCircuit) { c.WF = 0 },
	}
	var more []*forcedWellFormedCircuit
	for name, p := range malformed {
		if _, err := DecodeForcedTx(p); err == nil && name != "sender outside the tree" {
			t.Fatalf("%s: the native decoder accepts it", name)
		}
		more = append(more, &forcedWellFormedCircuit{F: forcedOf(p), WF: 0})
		attacks[name+" called well formed"] = func(c *forcedWellFormedCircuit) { *c = forcedWellFormedCircuit{F: forcedOf(p), WF: 1} }
	}
	more = append(more, &forcedWellFormedCircuit{F: forcedOf(transfer), WF: 1}, &forcedWellFormedCircuit{F: forcedOf(send), WF: 1})
	checkPart(t, &forcedWellFormedCircuit{}, func() *forcedWellFormedCircuit { return &forcedWellFormedCircuit{F: forcedOf(withdrawal), WF: 1} },
		attacks, more...)
}
