package exchange

import (
	"errors"
	"math/big"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/frontend"
)

// mulDivBits bounds the operands and results of mulDiv: a, d, y, r below
// 2^144, b below 2^128 (the slot's values are at most 2^143).
const (
	mulDivBits = 144
	lowBits    = 40
)

var two40 = new(big.Int).Lsh(big.NewInt(1), lowBits)

// mulDiv returns y = floor(a·b/d) for d > 0, with b < 2^128 and a, d, y
// below 2^144: y·d + r = a·b with 0 <= r < d, checked in the field and on
// the low 40 bits. The integers are below 2^289, so they differ by k·p with
// |k| < 2^36 if equal in the field; p is odd, so k is a multiple of 2^40
// when the low bits agree too, and 0.
func (x *cctx) mulDiv(a, b, d frontend.Variable) frontend.Variable {
	api, rc := x.api, x.rc
	out, err := api.Compiler().NewHint(mulDivHint, 2, a, b, d)
	if err != nil {
		panic(err)
	}
	y, r := out[0], out[1]
	api.AssertIsEqual(api.Add(api.Mul(y, d), r), api.Mul(a, b))
	rc.Check(api.Sub(api.Sub(d, r), 1), mulDivBits)
	al, bl, dl := x.low(a, mulDivBits), x.low(b, 128), x.low(d, mulDivBits)
	yl, rl := x.low(y, mulDivBits), x.low(r, mulDivBits)
	// yl·dl + rl − al·bl + 2^81 is a multiple of 2^40 in [0, 2^83)
	t := api.Add(api.Sub(api.Add(api.Mul(yl, dl), rl), api.Mul(al, bl)), new(big.Int).Lsh(big.NewInt(1), 81))
	q, err := api.Compiler().NewHint(shiftHint, 1, t)
	if err != nil {
		panic(err)
	}
	rc.Check(q[0], 83-lowBits)
	api.AssertIsEqual(api.Mul(q[0], two40), t)
	return y
}

// low range-checks v below 2^bits and returns its low 40 bits.
func (x *cctx) low(v frontend.Variable, bits int) frontend.Variable {
	out, err := x.api.Compiler().NewHint(splitHint, 2, v)
	if err != nil {
		panic(err)
	}
	x.rc.Check(out[0], bits-lowBits)
	x.rc.Check(out[1], lowBits)
	x.api.AssertIsEqual(x.api.Add(x.api.Mul(out[0], two40), out[1]), v)
	return out[1]
}

var errHint = errors.New("exchange: hint input")

func mulDivHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) != 3 || len(out) != 2 || in[2].Sign() == 0 {
		return errHint
	}
	out[0].QuoRem(new(big.Int).Mul(in[0], in[1]), in[2], out[1])
	return nil
}

func splitHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) != 1 || len(out) != 2 {
		return errHint
	}
	out[0].Rsh(in[0], lowBits)
	out[1].And(in[0], new(big.Int).Sub(two40, big.NewInt(1)))
	return nil
}

func shiftHint(_ *big.Int, in, out []*big.Int) error {
	if len(in) != 1 || len(out) != 1 {
		return errHint
	}
	out[0].Rsh(in[0], lowBits)
	return nil
}

func init() { solver.RegisterHint(mulDivHint, splitHint, shiftHint) }
