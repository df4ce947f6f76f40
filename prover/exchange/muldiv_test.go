package exchange

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/rangecheck"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"
)

type mulDivCircuit struct{ A, B, D, Y frontend.Variable }

func (c *mulDivCircuit) Define(api frontend.API) error {
	x := &cctx{api: api, rc: rangecheck.New(api)}
	api.AssertIsEqual(x.mulDiv(c.A, c.B, c.D), c.Y)
	return nil
}

// The product of two full-range operands overflows the field; mulDiv is
// still the exact floor.
func TestMulDiv_ExactOverTheField(t *testing.T) {
	max128 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	max143 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 143), big.NewInt(1))
	cases := [][3]*big.Int{
		{max143, max128, max143},
		{max143, max128, new(big.Int).Lsh(big.NewInt(1), 127)},
		{new(big.Int).Mul(max128, big.NewInt(9970)), max128, new(big.Int).Add(new(big.Int).Mul(max128, big.NewInt(10000)), new(big.Int).Mul(max128, big.NewInt(9970)))},
		{big.NewInt(0), big.NewInt(0), big.NewInt(1)},
		{big.NewInt(7), big.NewInt(3), big.NewInt(2)},
	}
	for _, c := range cases {
		y := new(big.Int).Quo(new(big.Int).Mul(c[0], c[1]), c[2])
		a := &mulDivCircuit{A: c[0], B: c[1], D: c[2], Y: y}
		require.NoError(t, test.IsSolved(&mulDivCircuit{}, a, ecc.BN254.ScalarField()), "%v", c)
		a.Y = new(big.Int).Add(y, big.NewInt(1))
		require.Error(t, test.IsSolved(&mulDivCircuit{}, a, ecc.BN254.ScalarField()), "%v", c)
	}
	// a quotient of 2^144 or more is out of the gadget's range (the
	// native rules refuse what would need one)
	require.Error(t, test.IsSolved(&mulDivCircuit{}, &mulDivCircuit{A: max143, B: max128, D: 1 << 20, Y: new(big.Int).Quo(new(big.Int).Mul(max143, max128), big.NewInt(1<<20))}, ecc.BN254.ScalarField()))
	// d = 0 has no solution
	require.Error(t, test.IsSolved(&mulDivCircuit{}, &mulDivCircuit{A: 1, B: 1, D: 0, Y: 0}, ecc.BN254.ScalarField()))
}
