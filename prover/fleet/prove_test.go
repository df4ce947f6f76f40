package fleet

import (
	"math/big"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/lookup/logderivlookup"
	"github.com/stretchr/testify/require"
)

// lookupCircuit looks up a table computed from the witness, many levels
// deep: gnark's lookup blueprint keeps the table of the solve in progress
// inside the constraint system.
type lookupCircuit struct {
	Seed [64]frontend.Variable
	Idx  [64]frontend.Variable
	Sum  frontend.Variable `gnark:",public"`
}

const lookupRounds = 40

func (c *lookupCircuit) Define(api frontend.API) error {
	t := logderivlookup.New(api)
	for _, v := range c.Seed {
		for range lookupRounds {
			v = api.Add(api.Mul(v, v), 1)
		}
		t.Insert(v)
	}
	var sum frontend.Variable = 0
	for _, r := range t.Lookup(c.Idx[:]...) {
		sum = api.Add(sum, r)
	}
	api.AssertIsEqual(sum, c.Sum)
	return nil
}

func lookupWitness(t *testing.T, seed int64) []byte {
	t.Helper()
	var a lookupCircuit
	mod := ecc.BN254.ScalarField()
	entries := make([]*big.Int, len(a.Seed))
	for i := range a.Seed {
		v := big.NewInt(seed*1000 + int64(i))
		a.Seed[i] = new(big.Int).Set(v)
		for range lookupRounds {
			v.Mul(v, v).Add(v, big.NewInt(1)).Mod(v, mod)
		}
		entries[i] = v
	}
	sum := new(big.Int)
	for i := range a.Idx {
		idx := (int(seed) + 7*i) % len(a.Seed)
		a.Idx[i] = idx
		sum.Add(sum, entries[idx])
	}
	a.Sum = sum.Mod(sum, mod)
	w, err := frontend.NewWitness(&a, mod)
	require.NoError(t, err)
	bz, err := w.MarshalBinary()
	require.NoError(t, err)
	return bz
}

// Workers sharing one Key prove one at a time, and a Clone proves beside
// the original: concurrent solves on one gnark constraint system with a
// lookup table can corrupt each other (see Key.solving).
func TestKey_ConcurrentProofsOnALookupCircuit(t *testing.T) {
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &lookupCircuit{})
	require.NoError(t, err)
	pk, vk, err := groth16.Setup(cs)
	require.NoError(t, err)
	shared := &Key{Hash: "lookup", Circuit: "lookup", CS: cs, PK: pk, VK: vk}
	clone, err := shared.Clone()
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for g, k := range []*Key{shared, shared, clone, clone} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				if _, err := proveWitness(k, lookupWitness(t, int64(g*100+i+1))); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
