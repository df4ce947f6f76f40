package gadgets

import (
	"math/big"

	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
)

// PackBytes packs byte variables into the spec's 31-byte big-endian chunks,
// the last one right-padded with zeros: chunk i is
// sum_j b[31i+j] * 256^(30-j). It is a linear combination and costs no
// constraint; the caller must have range-checked every byte to 8 bits
// (otherwise distinct byte strings share chunks).
func PackBytes(api frontend.API, b []frontend.Variable) []frontend.Variable {
	n := (len(b) + protocol.ChunkBytes - 1) / protocol.ChunkBytes
	chunks := make([]frontend.Variable, n)
	for i := range n {
		var acc frontend.Variable = 0
		for j := range protocol.ChunkBytes {
			k := i*protocol.ChunkBytes + j
			if k >= len(b) {
				break
			}
			acc = api.Add(acc, api.Mul(b[k], pow256(protocol.ChunkBytes-1-j)))
		}
		chunks[i] = acc
	}
	return chunks
}

// BytesDigest is bytesDigest(tag, b) of the spec for a byte string of fixed
// length len(b): H(tag; len, chunk_1, ..., chunk_k). Cost 1 + ceil(len/31)
// compressions. Bytes must be range-checked by the caller.
func (h *Hasher) BytesDigest(tag string, b []frontend.Variable) frontend.Variable {
	state := h.Compress(TagConstant(tag), len(b))
	return h.Chain(state, PackBytes(h.api, b)...)
}

// BytesDigestPrefix is bytesDigest(tag, b[:length]) for a variable length,
// given nbChunks = ceil(length/31) (a witness this gadget checks). The
// caller must guarantee that every byte at a position >= length is zero
// (they fill the padding of the last chunk); bytes must be range-checked.
// Cost: 1 + ceil(len(b)/31) compressions plus a selection.
func (h *Hasher) BytesDigestPrefix(tag string, b []frontend.Variable, length, nbChunks frontend.Variable, rc frontend.Rangechecker) frontend.Variable {
	api := h.api
	chunks := PackBytes(api, b)
	// 0 <= 31*nbChunks - length < 31, so nbChunks = ceil(length/31); and
	// nbChunks <= len(chunks) through the selection below (no index matches
	// otherwise, the selected state would be 0 and nbChunks unconstrained).
	slack := api.Sub(api.Mul(nbChunks, protocol.ChunkBytes), length)
	rc.Check(slack, 5)
	api.AssertIsDifferent(api.Sub(slack, 31), 0) // 5 bits allow 31: exclude it
	state := h.Compress(TagConstant(tag), length)
	var out frontend.Variable = 0
	var matched frontend.Variable = 0
	for i := 0; i <= len(chunks); i++ {
		hit := api.IsZero(api.Sub(nbChunks, i))
		out = api.Add(out, api.Mul(hit, state))
		matched = api.Add(matched, hit)
		if i < len(chunks) {
			state = h.Compress(state, chunks[i])
		}
	}
	api.AssertIsEqual(matched, 1)
	return out
}

func pow256(k int) *big.Int {
	return new(big.Int).Lsh(big.NewInt(1), uint(8*k))
}

// Bool is the witness value of a boolean: 1 or 0.
func Bool(v bool) frontend.Variable {
	if v {
		return 1
	}
	return 0
}
