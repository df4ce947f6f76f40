package types

import (
	"encoding/binary"
	"math/big"
	"strings"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
)

// This file defines the batch commitment: the single BN254 scalar-field
// element that is the one public input of every batch proof. The chain
// computes it from its own state; the prover recomputes it in-circuit with
// gnark std/permutation/poseidon2. The normative description, with test
// vectors, is docs/spec/batch-commitment.md: change both together.

// Domain-separation tags. Each is an ASCII string of at most 31 bytes, read
// as a big-endian integer to give the initial state of a Merkle-Damgard
// chain (see hashTagged). Bumping the "/vN" suffix is how an encoding is
// versioned: v2 of the batch commitment added the L2 transaction count and
// the submitter, v2 of the outbox entry added the L2 sender.
const (
	TagBatchCommitment = "nativechain/batch-commitment/v2"
	TagChainID         = "nativechain/chain-id/v1"
	TagRollupID        = "nativechain/rollup-id/v1"
	TagAddress         = "nativechain/address/v1"
	TagDenom           = "nativechain/denom/v1"
	TagPayload         = "nativechain/payload/v1"
	TagDA              = "nativechain/da/v1"
	TagInboxGenesis    = "nativechain/inbox-genesis/v1"
	TagInbox           = "nativechain/inbox/v1"
	TagInboxEntry      = "nativechain/inbox-entry/v1"
	TagOutbox          = "nativechain/outbox/v1"
	TagOutboxEntry     = "nativechain/outbox-entry/v2"
)

// Poseidon2 parameters: BN254 scalar field, state width t=2, 6 full rounds
// (3 before, 3 after the partial rounds), 50 partial rounds, S-box x^5.
// These equal gnark-crypto's poseidon2.GetDefaultParameters() and gnark
// std/permutation/poseidon2.NewPoseidon2 for BN254; they are pinned here so
// that a change of library defaults cannot silently change consensus.
const (
	Poseidon2Width         = 2
	Poseidon2FullRounds    = 6
	Poseidon2PartialRounds = 50
	ChunkBytes             = 31 // bytes packed into one field element
	fieldBytes             = fr.Bytes
)

// Bounds on the values the commitment absorbs. They are hard limits of the
// encoding; module params may be tighter.
const (
	MaxChainIDLen  = 50 // CometBFT's MaxChainIDLen
	MaxRollupIDLen = 64
	MaxAddressLen  = 64
	MaxDenomLen    = 128
	MaxPayloadLen  = 4096
)

// BatchCommitmentArity is the number of field elements absorbed after the
// tag by the batch commitment hash (see BatchCommitment.Preimage).
const BatchCommitmentArity = 11

var (
	poseidon2Perm = poseidon2.NewPermutation(Poseidon2Width, Poseidon2FullRounds, Poseidon2PartialRounds)

	tagBatchCommitment = TagElement(TagBatchCommitment)
	tagChainID         = TagElement(TagChainID)
	tagRollupID        = TagElement(TagRollupID)
	tagAddress         = TagElement(TagAddress)
	tagDenom           = TagElement(TagDenom)
	tagPayload         = TagElement(TagPayload)
	tagDA              = TagElement(TagDA)
	tagInboxGenesis    = TagElement(TagInboxGenesis)
	tagInbox           = TagElement(TagInbox)
	tagInboxEntry      = TagElement(TagInboxEntry)
	tagOutbox          = TagElement(TagOutbox)
	tagOutboxEntry     = TagElement(TagOutboxEntry)

	frModulusLimbs = modulusLimbs()
)

// TagElement returns the field element of a domain-separation tag: its
// bytes read as a big-endian integer. It panics on a tag longer than 31
// bytes, which is a programming error (tags are constants).
func TagElement(tag string) fr.Element {
	if len(tag) == 0 || len(tag) > ChunkBytes {
		panic("rollups: domain tag must be 1..31 bytes: " + tag)
	}
	var e fr.Element
	e.SetBytes([]byte(tag))
	return e
}

// compress is the Poseidon2 2-to-1 compression function, identical to
// gnark-crypto's Permutation.Compress and gnark std's
// poseidon2.Permutation.Compress: with (s0, s1) = P(left, right), it returns
// s1 + right (feed-forward of the right input).
func compress(left, right fr.Element) fr.Element {
	state := [Poseidon2Width]fr.Element{left, right}
	if err := poseidon2Perm.Permutation(state[:]); err != nil {
		// Only possible for a state of the wrong width, fixed above.
		panic(err)
	}
	out := state[1]
	out.Add(&out, &right)
	return out
}

// hashTagged is a Merkle-Damgard chain over compress whose initial state is
// the tag: h = tag; for each x: h = compress(h, x). In a circuit this is
// gnark std/hash.NewMerkleDamgardHasher(api, perm, tag). Every use has
// either a fixed arity per tag or absorbs the length first, so the input
// encoding is prefix-free and no padding rule is needed.
func hashTagged(tag fr.Element, xs ...fr.Element) fr.Element {
	state := tag
	for i := range xs {
		state = compress(state, xs[i])
	}
	return state
}

// bytesDigest hashes a byte string: hashTagged(tag, len, c_1, ..., c_k)
// where c_i is the big-endian integer of the i-th 31-byte chunk, the last
// chunk right-padded with zero bytes. Absorbing the length first makes the
// padding unambiguous. Cost: 1 + ceil(len/31) compressions.
func bytesDigest(tag fr.Element, b []byte) fr.Element {
	var length fr.Element
	length.SetUint64(uint64(len(b)))
	state := compress(tag, length)
	var chunk [ChunkBytes]byte
	for len(b) > 0 {
		n := copy(chunk[:], b)
		clear(chunk[n:])
		b = b[n:]
		var c fr.Element
		c.SetBytes(chunk[:])
		state = compress(state, c)
	}
	return state
}

// ChainIDDigest is the field element the commitment absorbs for a chain id.
func ChainIDDigest(chainID string) fr.Element { return bytesDigest(tagChainID, []byte(chainID)) }

// RollupIDDigest is the field element absorbed for a rollup id (in the batch
// commitment and in cross-rollup inbox/outbox entries).
func RollupIDDigest(rollupID string) fr.Element { return bytesDigest(tagRollupID, []byte(rollupID)) }

// AddressDigest is the field element absorbed for L1 or L2 address bytes.
func AddressDigest(addr []byte) fr.Element { return bytesDigest(tagAddress, addr) }

// DenomDigest is the field element absorbed for a denom.
func DenomDigest(denom string) fr.Element { return bytesDigest(tagDenom, []byte(denom)) }

// PayloadDigest is the field element absorbed for a message payload.
func PayloadDigest(payload []byte) fr.Element { return bytesDigest(tagPayload, payload) }

// ---------------------------------------------------------------------------
// Field elements and state roots

// ParseFieldElement decodes a 32-byte big-endian canonical BN254 scalar
// field element. Values >= the modulus are rejected, never reduced, so that
// every element has exactly one encoding.
func ParseFieldElement(bz []byte) (fr.Element, error) {
	var e fr.Element
	if len(bz) != fieldBytes {
		return e, ErrFieldElementLength.Wrapf("got %d bytes", len(bz))
	}
	if err := e.SetBytesCanonical(bz); err != nil {
		return fr.Element{}, ErrFieldElementNonCanonical.Wrap(err.Error())
	}
	return e, nil
}

// FieldElementBytes is the canonical 32-byte big-endian encoding of e.
func FieldElementBytes(e fr.Element) []byte {
	b := e.Bytes()
	return b[:]
}

// ParseStateRoot decodes a rollup state root: a canonical BN254 scalar
// field element, 32 bytes big-endian.
func ParseStateRoot(bz []byte) (fr.Element, error) {
	if len(bz) != fieldBytes {
		return fr.Element{}, ErrStateRootLength.Wrapf("got %d bytes", len(bz))
	}
	e, err := ParseFieldElement(bz)
	if err != nil {
		return fr.Element{}, ErrStateRootNonCanonical.Wrap(err.Error())
	}
	return e, nil
}

// StateRootBytes is the canonical 32-byte encoding of a state root.
func StateRootBytes(root fr.Element) []byte { return FieldElementBytes(root) }

// IsReducedElement reports whether e's internal limbs are below the
// modulus. Elements produced by fr arithmetic or the parsers above always
// are; a hand-built fr.Element{...} literal may not be.
func IsReducedElement(e *fr.Element) bool {
	for i := fr.Limbs - 1; i >= 0; i-- {
		if e[i] != frModulusLimbs[i] {
			return e[i] < frModulusLimbs[i]
		}
	}
	return false // equal to the modulus
}

func modulusLimbs() [fr.Limbs]uint64 {
	var buf [fieldBytes]byte
	fr.Modulus().FillBytes(buf[:])
	var limbs [fr.Limbs]uint64
	for i := range fr.Limbs {
		limbs[i] = binary.BigEndian.Uint64(buf[fieldBytes-8*(i+1) : fieldBytes-8*i])
	}
	return limbs
}

// ---------------------------------------------------------------------------
// Amounts

// Uint128 is an unsigned 128-bit amount. Bridged amounts are bounded to 128
// bits so that they fit in one field element next to a kind and a sequence
// number, and so that in-circuit balance arithmetic needs one range check.
type Uint128 struct {
	Hi, Lo uint64
}

var maxUint128 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))

// NewUint128 returns the amount v.
func NewUint128(v uint64) Uint128 { return Uint128{Lo: v} }

// Uint128FromBig converts a non-negative big.Int of at most 128 bits.
func Uint128FromBig(v *big.Int) (Uint128, error) {
	if v == nil {
		return Uint128{}, ErrInvalidAmount.Wrap("nil amount")
	}
	if v.Sign() < 0 {
		return Uint128{}, ErrInvalidAmount.Wrapf("negative amount %s", v)
	}
	if v.Cmp(maxUint128) > 0 {
		return Uint128{}, ErrAmountOverflow.Wrapf("%s", v)
	}
	var buf [16]byte
	v.FillBytes(buf[:])
	return Uint128{Hi: binary.BigEndian.Uint64(buf[:8]), Lo: binary.BigEndian.Uint64(buf[8:])}, nil
}

// ParseUint128 parses a canonical decimal amount: ASCII digits only, no
// sign, no leading zeros (except "0" itself), at most 2^128-1.
func ParseUint128(s string) (Uint128, error) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return Uint128{}, ErrInvalidAmount.Wrapf("%q is not a decimal integer", s)
	}
	if len(s) > 1 && s[0] == '0' {
		return Uint128{}, ErrInvalidAmount.Wrapf("%q has leading zeros", s)
	}
	if len(s) > 39 { // 2^128-1 has 39 digits
		return Uint128{}, ErrAmountOverflow.Wrapf("%q", s)
	}
	v, _ := new(big.Int).SetString(s, 10) // digits only: cannot fail
	return Uint128FromBig(v)
}

// BigInt returns the amount as a new big.Int.
func (a Uint128) BigInt() *big.Int {
	var buf [16]byte
	a.putBytes(&buf)
	return new(big.Int).SetBytes(buf[:])
}

// String is the canonical decimal form.
func (a Uint128) String() string { return a.BigInt().String() }

// IsZero reports whether the amount is zero.
func (a Uint128) IsZero() bool { return a.Hi == 0 && a.Lo == 0 }

func (a Uint128) putBytes(buf *[16]byte) {
	binary.BigEndian.PutUint64(buf[:8], a.Hi)
	binary.BigEndian.PutUint64(buf[8:], a.Lo)
}

// packHeader builds the field element hi*2^160 + mid*2^128 + amount, used to
// absorb (sequence, kind, amount) or (kind, amount) in one element. The
// result is below 2^224 < r, so it is never reduced.
func packHeader(hi uint64, mid uint32, amount Uint128) fr.Element {
	var buf [fieldBytes]byte // big-endian: [4 zero][8 hi][4 mid][16 amount]
	binary.BigEndian.PutUint64(buf[4:12], hi)
	binary.BigEndian.PutUint32(buf[12:16], mid)
	var amt [16]byte
	amount.putBytes(&amt)
	copy(buf[16:], amt[:])
	var e fr.Element
	e.SetBytes(buf[:])
	return e
}

// ---------------------------------------------------------------------------
// The batch commitment

// BatchCommitment lists everything a batch proof attests to. The keeper fills
// every field from chain state or from values it computed itself (DAHash,
// OutboxHash, the stored inbox accumulators), never from the message.
type BatchCommitment struct {
	ChainID       string
	RollupID      string
	BatchIndex    uint64
	PrevStateRoot fr.Element
	NewStateRoot  fr.Element
	DAHash        fr.Element
	InboxBefore   fr.Element // inbox accumulator before the consumed range
	InboxAfter    fr.Element // inbox accumulator after the consumed range
	OutboxHash    fr.Element
	// L2TxCount is the number of L2 transactions the batch executed, as
	// the rollup's circuit counts them. Being proven, it can be paid for.
	L2TxCount uint64
	// Submitter is the raw L1 account address of the batch submitter. Binding
	// it into the statement means a proof seen in the mempool cannot be
	// resubmitted by anyone else (front-running a reward).
	Submitter []byte
}

// Validate checks the bounds of every field.
func (c BatchCommitment) Validate() error {
	if len(c.ChainID) == 0 || len(c.ChainID) > MaxChainIDLen {
		return ErrInvalidChainID.Wrapf("length %d, want 1..%d", len(c.ChainID), MaxChainIDLen)
	}
	if err := ValidateRollupID(c.RollupID); err != nil {
		return err
	}
	if err := validateAddress("submitter", c.Submitter, true); err != nil {
		return err
	}
	named := []struct {
		name string
		e    *fr.Element
	}{
		{"prev state root", &c.PrevStateRoot},
		{"new state root", &c.NewStateRoot},
		{"da hash", &c.DAHash},
		{"inbox before", &c.InboxBefore},
		{"inbox after", &c.InboxAfter},
		{"outbox hash", &c.OutboxHash},
	}
	for _, f := range named {
		if !IsReducedElement(f.e) {
			return ErrCommitmentInputNotReduced.Wrap(f.name)
		}
	}
	return nil
}

// Preimage returns the BatchCommitmentArity field elements the commitment
// hash absorbs, in order. The prover's witness for the commitment gadget.
func (c BatchCommitment) Preimage() ([]fr.Element, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var index, txCount fr.Element
	index.SetUint64(c.BatchIndex)
	txCount.SetUint64(c.L2TxCount)
	return []fr.Element{
		ChainIDDigest(c.ChainID),
		RollupIDDigest(c.RollupID),
		index,
		c.PrevStateRoot,
		c.NewStateRoot,
		c.DAHash,
		c.InboxBefore,
		c.InboxAfter,
		c.OutboxHash,
		txCount,
		AddressDigest(c.Submitter),
	}, nil
}

// Commitment is H(TagBatchCommitment; Preimage()).
func (c BatchCommitment) Commitment() (fr.Element, error) {
	pre, err := c.Preimage()
	if err != nil {
		return fr.Element{}, err
	}
	return hashTagged(tagBatchCommitment, pre...), nil
}

// PublicInputs is the Groth16 public witness of a batch proof, excluding the
// constant ONE wire: exactly one element, the commitment. One input keeps the
// verifying key and the verifier's multi-scalar multiplication minimal, while
// the in-circuit cost of the fold (11 compressions plus the digests, about 2.5k
// constraints) is
// small beside a single transfer.
func (c BatchCommitment) PublicInputs() ([]fr.Element, error) {
	cm, err := c.Commitment()
	if err != nil {
		return nil, err
	}
	return []fr.Element{cm}, nil
}

// ValidateRollupID checks the rollup id bounds of the encoding.
func ValidateRollupID(id string) error {
	if len(id) == 0 || len(id) > MaxRollupIDLen {
		return ErrInvalidRollupID.Wrapf("length %d, want 1..%d", len(id), MaxRollupIDLen)
	}
	return nil
}

// validateDenom follows the SDK's default denom rule,
// [a-zA-Z][a-zA-Z0-9/:._-]{2,127}, without a regexp.
func validateDenom(denom string) error {
	if len(denom) < 3 || len(denom) > MaxDenomLen {
		return ErrInvalidDenom.Wrapf("%q: length must be 3..%d", denom, MaxDenomLen)
	}
	for i := 0; i < len(denom); i++ {
		ch := denom[i]
		letter := (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
		if i == 0 && !letter {
			return ErrInvalidDenom.Wrapf("%q: must start with a letter", denom)
		}
		if !letter && !(ch >= '0' && ch <= '9') && !strings.ContainsRune("/:._-", rune(ch)) {
			return ErrInvalidDenom.Wrapf("%q: invalid character %q", denom, ch)
		}
	}
	return nil
}

// validateValue checks an (amount, denom) pair: a zero amount carries no
// denom, a non-zero amount a valid one.
func validateValue(amount Uint128, denom string) error {
	if amount.IsZero() {
		if denom != "" {
			return ErrInvalidDenom.Wrap("denom set on a zero amount")
		}
		return nil
	}
	return validateDenom(denom)
}

func validateAddress(what string, addr []byte, required bool) error {
	if len(addr) > MaxAddressLen {
		return ErrInvalidAddress.Wrapf("%s: %d bytes, max %d", what, len(addr), MaxAddressLen)
	}
	if required && len(addr) == 0 {
		return ErrInvalidAddress.Wrapf("%s: empty", what)
	}
	return nil
}

func validatePayload(payload []byte) error {
	if len(payload) > MaxPayloadLen {
		return ErrPayloadTooLarge.Wrapf("%d bytes, max %d", len(payload), MaxPayloadLen)
	}
	return nil
}
