package exchangev1

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

// Name is the exit layout's name, as a rollup registers it.
const Name = protocol.ExitLayoutExchangeV1

// Tags of the exchange rollup. TagTx starts the signing domain of every L2
// transaction and exit authorisation; TagPool separates the pool record.
const (
	TagTx   = "nativechain/exchange-tx/v1"
	TagPool = "nativechain/exchange-pool/v1"
)

// Field ranges: balances, reserves and shares below 2^128, nonces below
// 2^32.
const (
	AmountBits = 128
	NonceBits  = 32
)

// MaxAmount is 2^AmountBits - 1.
var MaxAmount = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), AmountBits), big.NewInt(1))

// PublicKey is an account key: the payments-v1 key (an EdDSA point on
// BN254's twisted Edwards curve, 64-byte address X||Y).
type PublicKey = paymentsv1.PublicKey

// Domain binds signatures to one chain and rollup:
// H(TagTx; ChainIDDigest(chainID), RollupIDDigest(rollupID)).
func Domain(chainID, rollupID string) fr.Element {
	return protocol.Tagged(TagTx, protocol.ChainIDDigest(chainID), protocol.RollupIDDigest(rollupID))
}

// Account is an account leaf's content.
type Account struct {
	Key    PublicKey
	Base   *big.Int // balance in the base denom
	Quote  *big.Int // balance in the quote denom
	Shares *big.Int // liquidity-provider shares of the pool
	Nonce  uint32
}

func elem(v *big.Int) fr.Element {
	var e fr.Element
	if v != nil {
		e.SetBigInt(v)
	}
	return e
}

// LeafHash is c(c(c(KeyHash(key), base*2^32 + nonce), quote), shares).
// The caller keeps every amount below 2^AmountBits.
func LeafHash(a Account) fr.Element {
	packed := new(big.Int)
	if a.Base != nil {
		packed.Lsh(a.Base, NonceBits)
	}
	packed.Add(packed, new(big.Int).SetUint64(uint64(a.Nonce)))
	return protocol.Compress(protocol.Compress(protocol.Compress(a.Key.KeyHash(), elem(packed)), elem(a.Quote)), elem(a.Shares))
}

// EmptyLeaf is the leaf of an unused index: the zero key, zero fields.
var EmptyLeaf = LeafHash(Account{})

// Pool is the pool's content.
type Pool struct {
	ReserveBase  *big.Int
	ReserveQuote *big.Int
	TotalShares  *big.Int
}

// Pair is the pool's two denoms, as the rollup's circuit and its exit
// layout name them (layout denom = base, quote denom = quote).
type Pair struct {
	Base, Quote string
}

// PoolHash is H(TagPool; DenomDigest(base), DenomDigest(quote),
// reserveBase, reserveQuote, totalShares). The denoms are in the hash so
// that the state root binds them: an exit layout that names the denoms in
// another order, or other denoms, than the circuit that made the root
// cannot verify a single claim, and a registration whose genesis root is
// not EmptyRoot of its layout is refused (red team 6, R6-2).
func PoolHash(pair Pair, p Pool) fr.Element {
	return protocol.Tagged(TagPool, protocol.DenomDigest(pair.Base), protocol.DenomDigest(pair.Quote),
		elem(p.ReserveBase), elem(p.ReserveQuote), elem(p.TotalShares))
}

// StateRoot is c(accountsRoot, PoolHash(pair, pool)).
func StateRoot(accountsRoot fr.Element, pair Pair, pool Pool) fr.Element {
	return protocol.Compress(accountsRoot, PoolHash(pair, pool))
}

// EmptyRoot is the state root of a new exchange rollup: every leaf
// EmptyLeaf in a tree of depth, an empty pool. x/rollups requires it as
// the genesis root of an exchange-v1 registration.
func EmptyRoot(depth uint32, pair Pair) fr.Element {
	node := EmptyLeaf
	for range depth {
		node = protocol.Compress(node, node)
	}
	return StateRoot(node, pair, Pool{})
}

// ExitPayout is what an account is paid at exodus from a frozen state: its
// balances plus its shares' part of the reserves, rounded down,
// base + floor(shares*reserveBase/totalShares) and likewise in quote. The
// sum over all accounts never exceeds the balances plus the reserves.
func ExitPayout(a Account, p Pool) (base, quote *big.Int) {
	base, quote = new(big.Int), new(big.Int)
	if a.Base != nil {
		base.Set(a.Base)
	}
	if a.Quote != nil {
		quote.Set(a.Quote)
	}
	if a.Shares != nil && a.Shares.Sign() > 0 && p.TotalShares != nil && p.TotalShares.Sign() > 0 {
		base.Add(base, new(big.Int).Quo(new(big.Int).Mul(a.Shares, orZero(p.ReserveBase)), p.TotalShares))
		quote.Add(quote, new(big.Int).Quo(new(big.Int).Mul(a.Shares, orZero(p.ReserveQuote)), p.TotalShares))
	}
	return base, quote
}

func orZero(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}
