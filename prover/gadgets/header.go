package gadgets

import (
	"math/big"

	"github.com/consensys/gnark/frontend"
)

var (
	two128 = new(big.Int).Lsh(big.NewInt(1), 128)
	two160 = new(big.Int).Lsh(big.NewInt(1), 160)
)

// Header packs (seq, kind, amount) into seq*2^160 + kind*2^128 + amount, as
// the spec's header(). Linear, no constraint. The packing is injective only
// if seq < 2^64, kind < 2^32 and amount < 2^128: AssertHeaderRanges (or
// constants) must ensure it, or a prover could move value between fields.
func Header(api frontend.API, seq, kind, amount frontend.Variable) frontend.Variable {
	return api.Add(api.Mul(seq, two160), api.Mul(kind, two128), amount)
}

// AssertHeaderRanges range-checks the three header fields. Skip a field
// only if it is a constant or already checked.
func AssertHeaderRanges(rc frontend.Rangechecker, seq, kind, amount frontend.Variable) {
	rc.Check(seq, 64)
	rc.Check(kind, 32)
	rc.Check(amount, 128)
}
