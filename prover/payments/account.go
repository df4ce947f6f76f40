package payments

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

// Range of the leaf fields, as the chain checks them at exit: balances
// below 2^128 (the chain's Uint128), nonces below 2^32. The circuit
// range-checks against the same bounds.
const (
	BalanceBits = paymentsv1.BalanceBits
	NonceBits   = paymentsv1.NonceBits
)

// Account is a leaf of the state tree.
type Account struct {
	Key     PublicKey
	Balance big.Int // < 2^BalanceBits
	Nonce   uint32
}

// Exists reports whether the leaf holds an account (a zero key is empty).
func (a *Account) Exists() bool { return !a.Key.X.IsZero() || !a.Key.Y.IsZero() }

// Leaf is the account's leaf hash in the state tree (paymentsv1.LeafHash).
func (a Account) Leaf() fr.Element { return paymentsv1.LeafHash(a.Key, &a.Balance, a.Nonce) }

func frFromUint64(v uint64) fr.Element {
	var e fr.Element
	e.SetUint64(v)
	return e
}
