package payments

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/gadgets"
	"github.com/nativechain/nativechain/prover/tree"
)

// A forced transaction is a signed transfer, withdrawal or send that a user
// puts in the rollup's inbox on the base chain (tx rollups force-include,
// inbox kind 4) when the operator ignores it. Its payload has one
// fixed-size encoding, laid out on the 31-byte chunks of
// protocol.PayloadDigest so that the circuit recomputes the digest from the
// fields it executes with nine compressions and no byte decomposition:
//
//	chunk 0  version(1) = 1 | word(12) | nonce(4) | RX[31] | RY[31] | S[31] | zero(11)
//	chunk 1  withdrawal: L1 recipient(20) | zero(11)
//	chunk 2  RX[0:31]
//	chunk 3  RY[0:31]
//	chunk 4  S[0:31]
//	chunk 5  send: destination rollup id length(1), 1..30 | the id, zero-padded(30)
//	chunk 6  send: L2 recipient[0:31]
//	chunk 7  send: L2 recipient[31:62]
//	chunk 8  send: L2 recipient[62:64] | zero(29)
//
// word is the transaction's 96-bit record (the same 12 bytes a batch would
// post), nonce big-endian, RX, RY and S the signature's 32-byte big-endian
// encodings split into their first 31 bytes and their last byte. Chunks a
// kind does not use are zero; a forced send carries no payload. The L1
// recipient, the rollup id and the 64-byte L2 recipient sit where their own
// digests (AddressDigest, RollupIDDigest) chunk them, so the circuit hashes
// the payload's chunks directly. The signature is the one Tx.Sign makes:
// forced and ordinary transactions are the same transactions. See
// docs/spec/payments-rollup.md, section 6.
const (
	ForcedTxBytes    = ForcedTxChunks * protocol.ChunkBytes
	ForcedTxChunks   = 9
	ForcedTxVersion  = 1
	L1RecipientBytes = 20 // a forced withdrawal pays a 20-byte L1 account
	// MaxForcedRollupIDLen bounds a forced send's destination rollup id.
	MaxForcedRollupIDLen = 30
)

// EncodeForcedTx is the canonical forced-transaction payload of a signed
// transfer, withdrawal (to a 20-byte L1 account) or send (to a 64-byte L2
// address on a rollup whose id has at most 30 bytes, without payload).
func EncodeForcedTx(tx *Tx) ([]byte, error) {
	if err := tx.validateShape(); err != nil {
		return nil, err
	}
	switch tx.Kind {
	case KindTransfer:
		if len(tx.Recipient) != 0 || tx.DestRollupID != "" || len(tx.Payload) != 0 {
			return nil, fmt.Errorf("%w: a transfer carries no recipient, rollup or payload", ErrMalformedForcedTx)
		}
	case KindWithdraw:
		if len(tx.Recipient) != L1RecipientBytes || tx.DestRollupID != "" || len(tx.Payload) != 0 {
			return nil, fmt.Errorf("%w: a forced withdrawal pays a %d-byte L1 address", ErrMalformedForcedTx, L1RecipientBytes)
		}
	case KindSend:
		if len(tx.Recipient) != paymentsv1.AddressBytes || len(tx.DestRollupID) == 0 || len(tx.DestRollupID) > MaxForcedRollupIDLen || len(tx.Payload) != 0 {
			return nil, fmt.Errorf("%w: a forced send pays a %d-byte L2 address on a rollup id of 1..%d bytes, without payload",
				ErrMalformedForcedTx, paymentsv1.AddressBytes, MaxForcedRollupIDLen)
		}
	default:
		return nil, fmt.Errorf("%w: kind %d", ErrMalformedForcedTx, tx.Kind)
	}
	if tx.Sig.S.Sign() < 0 || tx.Sig.S.BitLen() > 256 {
		return nil, fmt.Errorf("%w: signature scalar out of range", ErrMalformedForcedTx)
	}
	out := make([]byte, ForcedTxBytes)
	out[0] = ForcedTxVersion
	word := tx.record().Bytes()
	copy(out[1:13], word[:])
	binary.BigEndian.PutUint32(out[13:17], tx.Nonce)
	rx, ry := tx.Sig.RX.Bytes(), tx.Sig.RY.Bytes()
	var s [32]byte
	tx.Sig.S.FillBytes(s[:])
	out[17], out[18], out[19] = rx[31], ry[31], s[31]
	copy(out[62:93], rx[:31])
	copy(out[93:124], ry[:31])
	copy(out[124:155], s[:31])
	switch tx.Kind {
	case KindWithdraw:
		copy(out[31:51], tx.Recipient)
	case KindSend:
		out[155] = byte(len(tx.DestRollupID))
		copy(out[156:186], tx.DestRollupID)
		copy(out[186:250], tx.Recipient)
	}
	return out, nil
}

// DecodeForcedTx parses a forced-transaction payload strictly: the exact
// length and version, zero padding, a transfer or withdrawal record with
// its unused fields zero, a withdrawal of a non-zero amount. It does not
// check the signature, nonce or balances: that is the state's business.
// Signature coordinates are taken modulo the field, as the circuit does.
func DecodeForcedTx(b []byte) (Tx, error) {
	if len(b) != ForcedTxBytes {
		return Tx{}, fmt.Errorf("%w: %d bytes, want %d", ErrMalformedForcedTx, len(b), ForcedTxBytes)
	}
	if b[0] != ForcedTxVersion {
		return Tx{}, fmt.Errorf("%w: version %d", ErrMalformedForcedTx, b[0])
	}
	if !allZero(b[20:31]) || !allZero(b[51:62]) || !allZero(b[250:279]) {
		return Tx{}, fmt.Errorf("%w: non-zero padding", ErrMalformedForcedTx)
	}
	r, err := DecodeRecord(b[1:13])
	if err != nil {
		return Tx{}, fmt.Errorf("%w: %v", ErrMalformedForcedTx, err)
	}
	tx := Tx{Kind: r.Kind, From: r.From, To: r.To, Amount: r.Amount, Fee: r.Fee, Nonce: binary.BigEndian.Uint32(b[13:17])}
	l1, send := b[31:51], b[155:250]
	switch r.Kind {
	case KindTransfer:
		if !allZero(l1) || !allZero(send) {
			return Tx{}, fmt.Errorf("%w: a transfer with a recipient address or rollup", ErrMalformedForcedTx)
		}
	case KindWithdraw, KindSend:
		if r.To != 0 {
			return Tx{}, fmt.Errorf("%w: a %d-kind transaction with an L2 index", ErrMalformedForcedTx, r.Kind)
		}
		if r.Amount.Value().Sign() == 0 {
			return Tx{}, fmt.Errorf("%w: a %d-kind transaction of zero", ErrMalformedForcedTx, r.Kind)
		}
		if r.Kind == KindWithdraw {
			if !allZero(send) {
				return Tx{}, fmt.Errorf("%w: a withdrawal with a rollup or L2 recipient", ErrMalformedForcedTx)
			}
			tx.Recipient = bytes.Clone(l1)
			break
		}
		n := int(b[155])
		if !allZero(l1) || n == 0 || n > MaxForcedRollupIDLen || !allZero(b[156+n:186]) {
			return Tx{}, fmt.Errorf("%w: a send needs a rollup id of 1..%d bytes, zero-padded, and no L1 recipient", ErrMalformedForcedTx, MaxForcedRollupIDLen)
		}
		tx.DestRollupID = string(b[156 : 156+n])
		tx.Recipient = bytes.Clone(b[186:250])
	default:
		return Tx{}, fmt.Errorf("%w: kind %d", ErrMalformedForcedTx, r.Kind)
	}
	joined := func(hi []byte, lo byte) *big.Int { return new(big.Int).SetBytes(append(bytes.Clone(hi), lo)) }
	tx.Sig.RX.SetBigInt(joined(b[62:93], b[17]))
	tx.Sig.RY.SetBigInt(joined(b[93:124], b[18]))
	tx.Sig.S.Set(joined(b[124:155], b[19]))
	return tx, nil
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// payloadOpening is how a forced slot recomputes PayloadDigest(payload):
// the last ForcedTxChunks steps of the digest's compression chain, from
// Start. A canonical-length payload opens as Start = c(tag, ForcedTxBytes)
// and its ForcedTxChunks chunks. A longer one opens from an intermediate state of its
// chain, which differs from that constant; a shorter one has fewer steps
// (Active[i] = 0 for the missing first ones) and starts at the tag itself.
// Either way a payload of the canonical length cannot be opened as another
// without a Poseidon2 collision, so the circuit can tell the two apart.
type payloadOpening struct {
	Start  fr.Element
	Active [ForcedTxChunks]bool
	Inputs [ForcedTxChunks]fr.Element
}

var (
	payloadTag = protocol.TagElement(protocol.TagPayload)
	// forcedPayloadStart is c(tag(payload), ForcedTxBytes).
	forcedPayloadStart = tree.Compress(payloadTag, frFromUint64(ForcedTxBytes))
	// l1RecipientStart is c(tag(address), 20): the first step of the
	// AddressDigest of a forced withdrawal's recipient.
	l1RecipientStart = tree.Compress(protocol.TagElement(protocol.TagAddress), frFromUint64(L1RecipientBytes))
	rollupIDTag      = protocol.TagElement(protocol.TagRollupID)
)

func openPayload(payload []byte) payloadOpening {
	// the chain's inputs: the length, then the 31-byte chunks
	inputs := []fr.Element{frFromUint64(uint64(len(payload)))}
	for off := 0; off < len(payload); off += protocol.ChunkBytes {
		var chunk [protocol.ChunkBytes]byte
		copy(chunk[:], payload[off:])
		var c fr.Element
		c.SetBytes(chunk[:])
		inputs = append(inputs, c)
	}
	var o payloadOpening
	if skip := len(inputs) - ForcedTxChunks; skip >= 0 {
		// absorb the leading inputs into Start
		state := payloadTag
		for _, x := range inputs[:skip] {
			state = tree.Compress(state, x)
		}
		o.Start = state
		for j := range o.Inputs {
			o.Active[j], o.Inputs[j] = true, inputs[skip+j]
		}
	} else {
		o.Start = payloadTag
		for j, x := range inputs {
			o.Active[j-skip], o.Inputs[j-skip] = true, x
		}
	}
	return o
}

// structural reports whether the opening is that of a canonical-length
// payload.
func (o payloadOpening) structural() bool {
	for _, a := range o.Active {
		if !a {
			return false
		}
	}
	return o.Start.Equal(&forcedPayloadStart)
}

// digest recomputes PayloadDigest from the opening (for tests).
func (o payloadOpening) digest() fr.Element {
	state := o.Start
	if !o.Active[0] {
		state = payloadTag
	}
	for i := range o.Inputs {
		if o.Active[i] {
			state = tree.Compress(state, o.Inputs[i])
		}
	}
	return state
}

// rawForced is a canonical-length payload cut into the circuit's fields,
// whatever their values.
type rawForced struct {
	version, kind, from, to, amountExp, amountMant, feeExp, feeMant, nonce uint64
	rxLo, ryLo, sLo                                                        uint64
	pad0, recipient, pad1, sTop, sLow                                      *big.Int
	idLen                                                                  uint64
	idBody, yLo, pad2                                                      *big.Int
	sig                                                                    Signature // as the circuit reads it
}

func rawForcedFields(b []byte) rawForced {
	w := new(big.Int).SetBytes(b[1:13])
	take := func(bits uint) uint64 {
		v := new(big.Int).And(w, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), bits), big.NewInt(1))).Uint64()
		w.Rsh(w, bits)
		return v
	}
	r := rawForced{version: uint64(b[0])}
	r.feeMant, r.feeExp = take(feeMantBits), take(feeExpBits)
	r.amountMant, r.amountExp = take(amountMantBits), take(amountExpBits)
	r.to, r.from, r.kind = take(indexBits), take(indexBits), take(3)
	r.nonce = uint64(binary.BigEndian.Uint32(b[13:17]))
	r.rxLo, r.ryLo, r.sLo = uint64(b[17]), uint64(b[18]), uint64(b[19])
	r.pad0 = new(big.Int).SetBytes(b[20:31])
	r.recipient = new(big.Int).SetBytes(b[31:51])
	r.pad1 = new(big.Int).SetBytes(b[51:62])
	s4 := new(big.Int).SetBytes(b[124:155])
	r.sTop = new(big.Int).Rsh(s4, 243)
	r.sLow = new(big.Int).And(s4, new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 243), big.NewInt(1)))
	r.idLen, r.idBody = uint64(b[155]), new(big.Int).SetBytes(b[156:186])
	r.yLo, r.pad2 = new(big.Int).SetBytes(b[248:250]), new(big.Int).SetBytes(b[250:279])
	joined := func(hi []byte, lo byte) *big.Int { return new(big.Int).SetBytes(append(bytes.Clone(hi), lo)) }
	r.sig.RX.SetBigInt(joined(b[62:93], b[17]))
	r.sig.RY.SetBigInt(joined(b[93:124], b[18]))
	r.sig.S.Mod(joined(b[124:155], b[19]), fr.Modulus())
	return r
}

// forcedWitness is the ForcedWitness of a slot consuming entry e.
func forcedWitness(e protocol.InboxEntry) ForcedWitness {
	fw := zeroForcedWitness()
	fw.IsForced, fw.Sequence = 1, e.Sequence
	fw.Sender, fw.Recipient = protocol.AddressDigest(e.Sender), protocol.AddressDigest(e.Recipient)
	fw.Rollup, fw.Denom = protocol.RollupIDDigest(e.SourceRollupID), protocol.DenomDigest(e.Denom)
	o := openPayload(e.Payload)
	fw.Start = o.Start
	for i := range o.Inputs {
		fw.Active[i], fw.Chunks[i] = gadgets.Bool(o.Active[i]), o.Inputs[i]
	}
	if len(e.Payload) != ForcedTxBytes {
		return fw
	}
	r := rawForcedFields(e.Payload)
	fw.Version, fw.Kind, fw.From, fw.To = r.version, r.kind, r.from, r.to
	fw.AmountExp, fw.AmountMant, fw.FeeExp, fw.FeeMant = r.amountExp, r.amountMant, r.feeExp, r.feeMant
	fw.Nonce, fw.RXLo, fw.RYLo, fw.SLo, fw.Pad0 = r.nonce, r.rxLo, r.ryLo, r.sLo, r.pad0
	fw.L1Recipient, fw.Pad1, fw.STop, fw.SLow = r.recipient, r.pad1, r.sTop, r.sLow
	fw.IDLen, fw.IDBody, fw.YLo, fw.Pad2 = r.idLen, r.idBody, r.yLo, r.pad2
	return fw
}

// zeroForcedWitness is the witness of a forced-capable slot that consumes
// no forced transaction.
func zeroForcedWitness() ForcedWitness {
	fw := ForcedWitness{IsForced: 0, Sequence: 0, Sender: 0, Recipient: 0, Rollup: 0, Denom: 0, Start: 0,
		Version: 0, Kind: 0, From: 0, To: 0, AmountExp: 0, AmountMant: 0, FeeExp: 0, FeeMant: 0,
		Nonce: 0, RXLo: 0, RYLo: 0, SLo: 0, Pad0: 0, L1Recipient: 0, Pad1: 0, STop: 0, SLow: 0,
		IDLen: 0, IDBody: 0, YLo: 0, Pad2: 0}
	for i := range fw.Active {
		fw.Active[i], fw.Chunks[i] = 0, 0
	}
	return fw
}
