// Package refcircuit is the reference circuit the proving benchmarks
// measure our provers against (make bench: the provepath and exchange
// steps): a bare circuit of exactly N R1CS constraints, proven by nothing
// but gnark, so "ours / bare" compares equal constraint counts.
package refcircuit

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// Chain is a chain of multiplications v <- v*(v+i) from the secret X, then
// one equality with the public output Y: n constraints for length n.
type Chain struct {
	X frontend.Variable
	Y frontend.Variable `gnark:",public"`
	n int
}

func (c *Chain) Define(api frontend.API) error {
	v := c.X
	for i := 0; i < c.n-1; i++ {
		v = api.Mul(v, api.Add(v, i))
	}
	api.AssertIsEqual(v, c.Y)
	return nil
}

// Assignment is the chain's witness of length n for X = 3.
func Assignment(n int) *Chain {
	var v, k fr.Element
	v.SetUint64(3)
	for i := 0; i < n-1; i++ {
		k.SetUint64(uint64(i))
		k.Add(&k, &v)
		v.Mul(&v, &k)
	}
	return &Chain{X: 3, Y: v.String()}
}

// Compile compiles a chain of exactly nb constraints and returns it with
// its length (what Assignment takes).
func Compile(nb int) (constraint.ConstraintSystem, int, error) {
	n := nb
	for range 3 {
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &Chain{n: n})
		if err != nil {
			return nil, 0, err
		}
		if got := cs.GetNbConstraints(); got != nb {
			n += nb - got
			continue
		}
		return cs, n, nil
	}
	return nil, 0, fmt.Errorf("refcircuit: no chain of %d constraints", nb)
}
