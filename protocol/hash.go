package protocol

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
)

// The hash every protocol encoding is built from: Poseidon2 over the BN254
// scalar field, used as a Merkle-Damgard chain whose initial state is a
// domain-separation tag. The chain computes it natively here; circuits
// recompute it with gnark std/permutation/poseidon2 (prover/gadgets). The
// normative description, with test vectors, is
// docs/spec/batch-commitment.md: change both together.

// Domain-separation tags. Each is an ASCII string of at most 31 bytes, read
// as a big-endian integer to give the initial state of a Merkle-Damgard
// chain (see Chain). Bumping the "/vN" suffix is how an encoding is
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
)

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
)

// TagElement returns the field element of a domain-separation tag: its
// bytes read as a big-endian integer. It panics on a tag longer than 31
// bytes, which is a programming error (tags are constants).
func TagElement(tag string) fr.Element {
	if len(tag) == 0 || len(tag) > ChunkBytes {
		panic("protocol: domain tag must be 1..31 bytes: " + tag)
	}
	var e fr.Element
	e.SetBytes([]byte(tag))
	return e
}

// Compress is the Poseidon2 2-to-1 compression function, identical to
// gnark-crypto's Permutation.Compress and gnark std's
// poseidon2.Permutation.Compress: with (s0, s1) = P(left, right), it returns
// s1 + right (feed-forward of the right input).
func Compress(left, right fr.Element) fr.Element {
	state := [Poseidon2Width]fr.Element{left, right}
	if err := poseidon2Perm.Permutation(state[:]); err != nil {
		// Only possible for a state of the wrong width, fixed above.
		panic(err)
	}
	out := state[1]
	out.Add(&out, &right)
	return out
}

// Chain is a Merkle-Damgard chain over Compress: for each x,
// state = Compress(state, x). Started from a tag element it is the tagged
// hash H(tag; xs...) of the spec, in a circuit gnark
// std/hash.NewMerkleDamgardHasher(api, perm, tag). Every use has either a
// fixed arity per tag or absorbs the length first, so the input encoding is
// prefix-free and no padding rule is needed.
func Chain(state fr.Element, xs ...fr.Element) fr.Element {
	for i := range xs {
		state = Compress(state, xs[i])
	}
	return state
}

// Tagged is H(tag; xs...): Chain started from TagElement(tag).
func Tagged(tag string, xs ...fr.Element) fr.Element {
	return Chain(TagElement(tag), xs...)
}

// bytesDigest hashes a byte string: Chain(tag, len, c_1, ..., c_k)
// where c_i is the big-endian integer of the i-th 31-byte chunk, the last
// chunk right-padded with zero bytes. Absorbing the length first makes the
// padding unambiguous. Cost: 1 + ceil(len/31) compressions.
func bytesDigest(tag fr.Element, b []byte) fr.Element {
	var length fr.Element
	length.SetUint64(uint64(len(b)))
	state := Compress(tag, length)
	var chunk [ChunkBytes]byte
	for len(b) > 0 {
		n := copy(chunk[:], b)
		clear(chunk[n:])
		b = b[n:]
		var c fr.Element
		c.SetBytes(chunk[:])
		state = Compress(state, c)
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
