package tree

import (
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
)

// The tree hashes with the chain's Poseidon2 (package protocol): these are
// the names the prover's code uses for it.

// Compress is the chain's Poseidon2 compression c(l, r) = P(l, r)[1] + r,
// the native twin of gadgets.Hasher.Compress.
func Compress(l, r fr.Element) fr.Element { return protocol.Compress(l, r) }

// Chain absorbs xs: state = c(state, x) for each x.
func Chain(state fr.Element, xs ...fr.Element) fr.Element { return protocol.Chain(state, xs...) }

// Tagged is H(tag; xs...) of docs/spec/batch-commitment.md.
func Tagged(tag string, xs ...fr.Element) fr.Element { return protocol.Tagged(tag, xs...) }
