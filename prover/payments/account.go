package payments

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/prover/tree"
)

// Range of the leaf fields: balances below 2^128 (the chain's Uint128),
// nonces below 2^32.
const (
	BalanceBits = 128
	NonceBits   = 32
)

// Account is a leaf of the state tree.
type Account struct {
	Key     PublicKey
	Balance big.Int // < 2^BalanceBits
	Nonce   uint32
}

// Exists reports whether the leaf holds an account (a zero key is empty).
func (a *Account) Exists() bool { return !a.Key.X.IsZero() || !a.Key.Y.IsZero() }

// packed is Balance*2^32 + Nonce, one field element.
func (a *Account) packed() fr.Element {
	v := new(big.Int).Lsh(&a.Balance, NonceBits)
	v.Add(v, new(big.Int).SetUint64(uint64(a.Nonce)))
	var e fr.Element
	e.SetBigInt(v)
	return e
}

// LeafHash is c(c(X, Y), Balance*2^32 + Nonce): two compressions.
func LeafHash(a Account) fr.Element {
	return tree.Compress(tree.Compress(a.Key.X, a.Key.Y), a.packed())
}

func frFromUint64(v uint64) fr.Element {
	var e fr.Element
	e.SetUint64(v)
	return e
}
