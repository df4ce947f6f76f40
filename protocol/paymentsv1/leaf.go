package paymentsv1

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
)

// TagTx separates the payments rollup's signatures: the signing domain of
// every L2 transaction and exit authorisation starts from it.
const TagTx = "nativechain/payments-tx/v1"

// Range of the leaf fields: balances below 2^128 (the chain's Uint128),
// nonces below 2^32.
const (
	BalanceBits = 128
	NonceBits   = 32
)

// Domain binds signatures to one chain and rollup:
// H(TagTx; ChainIDDigest(chainID), RollupIDDigest(rollupID)).
func Domain(chainID, rollupID string) fr.Element {
	return protocol.Tagged(TagTx, protocol.ChainIDDigest(chainID), protocol.RollupIDDigest(rollupID))
}

// LeafHash is the state tree's leaf of an account:
// c(c(X, Y), balance*2^32 + nonce), two compressions. The caller keeps
// balance below 2^BalanceBits.
func LeafHash(key PublicKey, balance *big.Int, nonce uint32) fr.Element {
	v := new(big.Int).Lsh(balance, NonceBits)
	v.Add(v, new(big.Int).SetUint64(uint64(nonce)))
	var packed fr.Element
	packed.SetBigInt(v)
	return protocol.Compress(key.KeyHash(), packed)
}
