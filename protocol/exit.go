package protocol

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// Exodus: once the chain freezes a rollup, each of its accounts withdraws
// its last proven balance to L1, once, with a proof against the rollup's
// last verified state root (docs/spec/exodus.md).
//
// The chain knows no rollup's state layout by itself. A rollup declares one
// at registration (its exit layout: a name, a tree depth, a denom), and the
// chain checks claims with the verifier of that name. This file holds what
// every layout shares; paymentsv1 is the layout of the reference payments
// rollup.

// ExitLayoutPaymentsV1 is the state layout of the reference payments rollup
// (docs/spec/payments-rollup.md): a Poseidon2 sparse Merkle tree whose leaf
// i is account i, owned by an EdDSA key on BN254's twisted Edwards curve.
const ExitLayoutPaymentsV1 = "payments-v1"

// ExitLayoutExchangeV1 is the state layout of the exchange rollup
// (protocol/exchangev1): an account tree and an AMM pool between two
// denoms, so its exit layout holds two (ExitLayoutParams.QuoteDenom).
const ExitLayoutExchangeV1 = "exchange-v1"

// TagExit separates the exit authorisation an account's L2 key signs.
const TagExit = "exodus/v1"

// ExitLeafNone is the leaf index of a claim that proves no leaf: it only
// collects refund credits owed to an L2 address (docs/spec/exodus.md).
const ExitLeafNone = ^uint64(0)

// Exit layout bounds (docs/spec/exodus.md).
const (
	MaxExitLayoutNameLen = 32
	MaxExitDepth         = 32
)

// ExitLayoutParams are the layout parameters a rollup registered.
type ExitLayoutParams struct {
	Name  string
	Depth uint32
	Denom string
	// QuoteDenom is the second denom of a two-denom layout (exchange-v1);
	// empty for a one-denom layout.
	QuoteDenom string
}

// ExitAmount is what a verified claim is paid in one of its layout's
// denoms. A verifier returns the amounts; the keeper checks each denom is
// the layout's and each amount is covered by the rollup's ledger.
type ExitAmount struct {
	Denom  string
	Amount *big.Int
}

// ExitClaim is an account's claim on a frozen rollup, as a layout's
// verifier sees it. Account is the L2 address of the leaf's key (64 bytes
// X||Y for payments-v1); Recipient is the raw L1 address paid.
type ExitClaim struct {
	LeafIndex uint64
	Account   []byte
	// Balance is the leaf's balance; nil or zero on a claim that proves no
	// leaf (LeafIndex == ExitLeafNone).
	Balance *big.Int
	Nonce   uint32
	// Siblings are the Merkle path from the leaf up, Depth entries of 32
	// bytes (big-endian field elements).
	Siblings  [][]byte
	Recipient []byte
	// Signature authorises paying Recipient: the L2 key's signature over
	// the exit message of the layout.
	Signature []byte

	// The fields below belong to a two-denom layout (exchange-v1) and are
	// nil on any other: a one-denom verifier refuses a claim that sets one.
	// Balance above is then the leaf's base balance.
	Quote            *big.Int // the leaf's quote balance
	Shares           *big.Int // the leaf's liquidity-provider shares
	PoolReserveBase  *big.Int // the pool record the state root commits
	PoolReserveQuote *big.Int
	PoolTotalShares  *big.Int
}

// HasPairFields reports whether the claim sets any field of a two-denom
// layout.
func (c ExitClaim) HasPairFields() bool {
	return c.Quote != nil || c.Shares != nil || c.PoolReserveBase != nil || c.PoolReserveQuote != nil || c.PoolTotalShares != nil
}

// ExitProofFile is the JSON file `nativechaind l2 exit-proof` writes and
// `tx crossrollup exodus-withdraw --proof-file` reads. Byte fields are
// lower-case hex; Balance and the two-denom amounts are decimal integers.
// The two-denom fields are omitted from a payments-v1 file, which reads
// exactly as before.
type ExitProofFile struct {
	RollupID  string   `json:"rollup_id"`
	StateRoot string   `json:"state_root"`
	LeafIndex uint64   `json:"leaf_index"`
	Account   string   `json:"account"`
	Balance   string   `json:"balance"`
	Nonce     uint32   `json:"nonce"`
	Siblings  []string `json:"siblings"`
	Recipient string   `json:"recipient"` // bech32
	Signature string   `json:"signature"`

	QuoteBalance     string `json:"quote_balance,omitempty"`
	Shares           string `json:"shares,omitempty"`
	PoolReserveBase  string `json:"pool_reserve_base,omitempty"`
	PoolReserveQuote string `json:"pool_reserve_quote,omitempty"`
	PoolTotalShares  string `json:"pool_total_shares,omitempty"`
}

// RootFromPath recomputes a binary Poseidon2 Merkle root from a leaf, its
// index and its siblings from the leaf up: at level l the node is
// Compress(node, sibling) if bit l of index is 0, Compress(sibling, node)
// otherwise. It is the native twin of gadgets.Hasher.MerkleRoot.
func RootFromPath(leaf fr.Element, index uint64, siblings []fr.Element) fr.Element {
	node := leaf
	for l := range siblings {
		if (index>>uint(l))&1 == 0 {
			node = Compress(node, siblings[l])
		} else {
			node = Compress(siblings[l], node)
		}
	}
	return node
}
