package exchange

import (
	"encoding/binary"
	"errors"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	dbm "github.com/cosmos/cosmos-db"

	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/rollupkit"
	"github.com/nativechain/nativechain/prover/tree"
)

var (
	keyPool    = []byte("p/pool")
	errCorrupt = errors.New("exchange: corrupt state record")
)

// State is the rollup's native state: the accounts (rollupkit.AccountStore)
// and the pool, in a cosmos-db database. BuildBatch advances it.
type State struct {
	p    Params
	db   dbm.DB
	acc  *rollupkit.AccountStore
	tree *tree.Tree // acc.Tree
}

// OpenState opens (or initialises) the state in db.
func OpenState(db dbm.DB, p Params) (*State, error) {
	p = p.WithDefaults()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	acc, err := rollupkit.OpenAccountStore(db, p.Depth, exchangev1.EmptyLeaf)
	if err != nil {
		return nil, err
	}
	return &State{p: p, db: db, acc: acc, tree: acc.Tree}, nil
}

// Params are the state's parameters.
func (s *State) Params() Params { return s.p }

// Root is exchangev1.StateRoot(accounts root, denoms, pool).
func (s *State) Root() (fr.Element, error) {
	r, err := s.tree.Root()
	if err != nil {
		return r, err
	}
	p, err := s.Pool()
	return exchangev1.StateRoot(r, s.p.pair(), p), err
}

func putAmounts(bz []byte, vs ...*big.Int) []byte {
	for _, v := range vs {
		var b [16]byte
		nz(v).FillBytes(b[:])
		bz = append(bz, b[:]...)
	}
	return bz
}

func getAmount(bz []byte, i int) *big.Int { return new(big.Int).SetBytes(bz[16*i : 16*i+16]) }

// AccountsRoot is the account tree's root (the left half of the state root).
func (s *State) AccountsRoot() (fr.Element, error) { return s.tree.Root() }

// Pool reads the pool (zero if none yet).
func (s *State) Pool() (exchangev1.Pool, error) {
	bz, err := s.db.Get(keyPool)
	if err != nil || bz == nil {
		return exchangev1.Pool{ReserveBase: new(big.Int), ReserveQuote: new(big.Int), TotalShares: new(big.Int)}, err
	}
	if len(bz) != 48 {
		return exchangev1.Pool{}, errCorrupt
	}
	return exchangev1.Pool{ReserveBase: getAmount(bz, 0), ReserveQuote: getAmount(bz, 1), TotalShares: getAmount(bz, 2)}, nil
}

func (s *State) setPool(p exchangev1.Pool) error {
	return s.db.Set(keyPool, putAmounts(nil, p.ReserveBase, p.ReserveQuote, p.TotalShares))
}

// Account reads the account at index (the zero account if unused).
func (s *State) Account(index uint32) (exchangev1.Account, error) {
	a := exchangev1.Account{Base: new(big.Int), Quote: new(big.Int), Shares: new(big.Int)}
	bz, err := s.acc.Record(index)
	if err != nil || bz == nil {
		return a, err
	}
	if len(bz) != 64+48+4 {
		return a, errCorrupt
	}
	a.Key.X.SetBytes(bz[:32])
	a.Key.Y.SetBytes(bz[32:64])
	a.Base, a.Quote, a.Shares = getAmount(bz[64:], 0), getAmount(bz[64:], 1), getAmount(bz[64:], 2)
	a.Nonce = binary.BigEndian.Uint32(bz[112:])
	return a, nil
}

// IndexOf finds the account of a key.
func (s *State) IndexOf(pk PublicKey) (uint32, bool, error) { return s.acc.IndexOf(pk.Address()) }

// setAccount writes the account and its leaf.
func (s *State) setAccount(index uint32, a exchangev1.Account) error {
	bz := binary.BigEndian.AppendUint32(putAmounts(a.Key.Address(), a.Base, a.Quote, a.Shares), a.Nonce)
	return s.acc.Put(index, exchangev1.LeafHash(a), a.Key.Address(), bz)
}

// recipientIndex is where a credit to addr goes: its account, or the next
// free index (create) if the key is new and the tree has room.
func (s *State) recipientIndex(addr []byte) (idx uint32, create bool, pk PublicKey, err error) {
	if pk, err = paymentsv1.ParseAddress(addr); err != nil {
		return 0, false, pk, err
	}
	idx, ok, err := s.IndexOf(pk)
	if err != nil || ok {
		return idx, false, pk, err
	}
	if idx, err = s.acc.NextFree(); err == nil && uint64(idx) >= s.tree.Capacity() {
		err = errors.New("exchange: the account tree is full")
	}
	return idx, true, pk, err
}

func exists(a exchangev1.Account) bool { return !a.Key.X.IsZero() || !a.Key.Y.IsZero() }
