package tree

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"

	"github.com/nativechain/nativechain/x/rollups/types"
)

var perm = poseidon2.NewPermutation(types.Poseidon2Width, types.Poseidon2FullRounds, types.Poseidon2PartialRounds)

// Compress is the chain's Poseidon2 compression c(l, r) = P(l, r)[1] + r,
// the native twin of gadgets.Hasher.Compress.
func Compress(l, r fr.Element) fr.Element {
	s := [2]fr.Element{l, r}
	if err := perm.Permutation(s[:]); err != nil {
		panic(err) // width is fixed at 2
	}
	out := s[1]
	out.Add(&out, &r)
	return out
}

// Chain absorbs xs: state = c(state, x) for each x.
func Chain(state fr.Element, xs ...fr.Element) fr.Element {
	for i := range xs {
		state = Compress(state, xs[i])
	}
	return state
}

// Tagged is H(tag; xs...) of docs/spec/batch-commitment.md.
func Tagged(tag string, xs ...fr.Element) fr.Element {
	return Chain(types.TagElement(tag), xs...)
}
