// Package exchangev1test builds small exchange-v1 states natively and signs
// exit claims against them, for the tests of the exchange-v1 exit verifier,
// of x/crossrollup's exodus and of the app. It is test support only: its
// signer uses a fixed nonce and a small public scalar, never safe for keys
// that hold value.
package exchangev1test

import (
	"math/big"
	"sort"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	tw "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

// Signer is an EdDSA key of the payments-v1 type with a known scalar.
type Signer struct {
	scalar big.Int
	Public exchangev1.PublicKey
}

// NewSigner is the key of scalar k (k >= 1).
func NewSigner(k int64) Signer {
	var s Signer
	s.scalar.SetInt64(k)
	var a tw.PointAffine
	a.ScalarMultiplicationBase(&s.scalar)
	s.Public = exchangev1.PublicKey{X: a.X, Y: a.Y}
	return s
}

// Sign signs msg under domain with a fixed nonce.
func (s Signer) Sign(domain fr.Element, msg ...fr.Element) paymentsv1.Signature {
	r := big.NewInt(987654321)
	var R tw.PointAffine
	R.ScalarMultiplicationBase(r)
	c := paymentsv1.Challenge(domain, R.X, R.Y, s.Public, msg)
	S := new(big.Int).Mul(c, &s.scalar)
	S.Add(S, r).Mod(S, paymentsv1.SubgroupOrder())
	return paymentsv1.Signature{RX: R.X, RY: R.Y, S: *S}
}

// SignExit is the exit authorisation of leafIndex to recipient on one
// chain and rollup.
func (s Signer) SignExit(chainID, rollupID string, leafIndex uint64, recipient []byte) []byte {
	return s.Sign(exchangev1.Domain(chainID, rollupID), exchangev1.ExitMessage(leafIndex, recipient)).Bytes()
}

// State is an exchange-v1 state: accounts at leaf indices of a tree of
// Depth levels (the others empty) and the pool.
type State struct {
	Depth    uint32
	Pair     exchangev1.Pair // the layout's denoms; NewState: unat, uusdc
	Accounts map[uint64]exchangev1.Account
	Pool     exchangev1.Pool
}

// NewState is an empty state of the given depth with the given pool.
func NewState(depth uint32, pool exchangev1.Pool) *State {
	return &State{Depth: depth, Pair: exchangev1.Pair{Base: "unat", Quote: "uusdc"}, Accounts: map[uint64]exchangev1.Account{}, Pool: pool}
}

// levels returns every level's non-empty nodes, leaves first, and the
// empty node of each level.
func (s *State) levels() ([]map[uint64]fr.Element, []fr.Element) {
	empty := make([]fr.Element, s.Depth+1)
	empty[0] = exchangev1.EmptyLeaf
	for l := uint32(1); l <= s.Depth; l++ {
		empty[l] = protocol.Compress(empty[l-1], empty[l-1])
	}
	levels := make([]map[uint64]fr.Element, s.Depth+1)
	levels[0] = map[uint64]fr.Element{}
	for i, a := range s.Accounts { // determinism:ok fills a map by key; order does not matter
		levels[0][i] = exchangev1.LeafHash(a)
	}
	for l := uint32(0); l < s.Depth; l++ {
		parents := map[uint64]bool{}
		for i := range levels[l] { // determinism:ok collects keys into a set
			parents[i>>1] = true
		}
		ids := make([]uint64, 0, len(parents))
		for p := range parents { // determinism:ok sorted right below
			ids = append(ids, p)
		}
		sort.Slice(ids, func(a, b int) bool { return ids[a] < ids[b] })
		levels[l+1] = map[uint64]fr.Element{}
		for _, p := range ids {
			left, ok := levels[l][2*p]
			if !ok {
				left = empty[l]
			}
			right, ok := levels[l][2*p+1]
			if !ok {
				right = empty[l]
			}
			levels[l+1][p] = protocol.Compress(left, right)
		}
	}
	return levels, empty
}

// AccountsRoot is the root of the account tree.
func (s *State) AccountsRoot() fr.Element {
	levels, empty := s.levels()
	if r, ok := levels[s.Depth][0]; ok {
		return r
	}
	return empty[s.Depth]
}

// Root is the state root, c(accountsRoot, PoolHash(pair, pool)), as 32 bytes.
func (s *State) Root() []byte {
	r := exchangev1.StateRoot(s.AccountsRoot(), s.Pair, s.Pool)
	b := r.Bytes()
	return b[:]
}

// Siblings is the Merkle path of leaf index, from the leaf up, 32 bytes
// each.
func (s *State) Siblings(index uint64) [][]byte {
	levels, empty := s.levels()
	out := make([][]byte, s.Depth)
	for l := uint32(0); l < s.Depth; l++ {
		sib, ok := levels[l][(index>>l)^1]
		if !ok {
			sib = empty[l]
		}
		b := sib.Bytes()
		out[l] = b[:]
	}
	return out
}

func copyInt(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return new(big.Int).Set(v)
}

// Claim is the exit claim of the account at index, signed by signer (the
// account's key) for recipient (raw L1 address).
func (s *State) Claim(index uint64, signer Signer, chainID, rollupID string, recipient []byte) protocol.ExitClaim {
	a := s.Accounts[index]
	return protocol.ExitClaim{
		LeafIndex: index, Account: a.Key.Address(), Balance: copyInt(a.Base), Nonce: a.Nonce,
		Siblings: s.Siblings(index), Recipient: recipient, Signature: signer.SignExit(chainID, rollupID, index, recipient),
		Quote: copyInt(a.Quote), Shares: copyInt(a.Shares),
		PoolReserveBase: copyInt(s.Pool.ReserveBase), PoolReserveQuote: copyInt(s.Pool.ReserveQuote), PoolTotalShares: copyInt(s.Pool.TotalShares),
	}
}
