package gadgets

import (
	"math/big"

	"github.com/nativechain/nativechain/protocol"
)

// Constant digests: a circuit with a fixed denom, rollup id or an absent
// field hard-codes the native digest instead of hashing bytes.

// AddressDigestConstant is protocol.AddressDigest(b) as a circuit constant.
func AddressDigestConstant(b []byte) *big.Int {
	e := protocol.AddressDigest(b)
	return e.BigInt(new(big.Int))
}

// RollupIDDigestConstant is protocol.RollupIDDigest(id) as a circuit constant.
func RollupIDDigestConstant(id string) *big.Int {
	e := protocol.RollupIDDigest(id)
	return e.BigInt(new(big.Int))
}

// DenomDigestConstant is protocol.DenomDigest(denom) as a circuit constant.
func DenomDigestConstant(denom string) *big.Int {
	e := protocol.DenomDigest(denom)
	return e.BigInt(new(big.Int))
}

// PayloadDigestConstant is protocol.PayloadDigest(p) as a circuit constant.
func PayloadDigestConstant(p []byte) *big.Int {
	e := protocol.PayloadDigest(p)
	return e.BigInt(new(big.Int))
}

// ChainIDDigestConstant is protocol.ChainIDDigest(id) as a circuit constant.
func ChainIDDigestConstant(id string) *big.Int {
	e := protocol.ChainIDDigest(id)
	return e.BigInt(new(big.Int))
}
