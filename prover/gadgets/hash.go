package gadgets

import (
	"math/big"

	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/hash"
	"github.com/consensys/gnark/std/permutation/poseidon2"

	"github.com/nativechain/nativechain/protocol"
)

// Hasher wraps the chain's Poseidon2 permutation (BN254, t=2, rF=6, rP=50)
// for one circuit. Create one per Define and pass it to every gadget.
type Hasher struct {
	api  frontend.API
	perm *poseidon2.Permutation
}

// NewHasher builds the permutation with the parameters pinned by
// package protocol, never the library defaults.
func NewHasher(api frontend.API) (*Hasher, error) {
	perm, err := poseidon2.NewPoseidon2FromParameters(api,
		protocol.Poseidon2Width, protocol.Poseidon2FullRounds, protocol.Poseidon2PartialRounds)
	if err != nil {
		return nil, err
	}
	return &Hasher{api: api, perm: perm}, nil
}

// API is the frontend the hasher was built for.
func (h *Hasher) API() frontend.API { return h.api }

// Compress is c(l, r) = P(l, r)[1] + r, about 186 R1CS constraints.
func (h *Hasher) Compress(l, r frontend.Variable) frontend.Variable {
	return h.perm.Compress(l, r)
}

// Chain absorbs xs into state: state = c(state, x) for each x.
func (h *Hasher) Chain(state frontend.Variable, xs ...frontend.Variable) frontend.Variable {
	for _, x := range xs {
		state = h.Compress(state, x)
	}
	return state
}

// Tagged is H(tag; xs...) of the spec: a Merkle-Damgard chain whose initial
// state is the tag's element. Cost: len(xs) compressions.
func (h *Hasher) Tagged(tag string, xs ...frontend.Variable) frontend.Variable {
	return h.Chain(TagConstant(tag), xs...)
}

// FieldHasher is a Merkle-Damgard hasher over the same compression with
// initial state iv, for gadgets that take a gnark hash.FieldHasher (EdDSA).
// With iv = 0 it equals gnark-crypto's poseidon2.NewMerkleDamgardHasher.
func (h *Hasher) FieldHasher(iv frontend.Variable) hash.FieldHasher {
	return hash.NewMerkleDamgardHasher(h.api, h.perm, iv)
}

// TagConstant is the element of a domain-separation tag (at most 31 bytes)
// as a circuit constant.
func TagConstant(tag string) *big.Int {
	e := protocol.TagElement(tag)
	return e.BigInt(new(big.Int))
}
