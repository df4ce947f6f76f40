package exchange

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	dbm "github.com/cosmos/cosmos-db"

	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/tree"
)

var (
	prefixTree, prefixAccount, prefixKey = []byte("t/"), []byte("a/"), []byte("k/")
	keyNextFree, keyPool                 = []byte("m/next"), []byte("p/pool")
	errCorrupt                           = errors.New("exchange: corrupt state record")
)

// State is the rollup's native state: the account tree, the accounts and
// the pool, in a cosmos-db database. BuildBatch advances it.
type State struct {
	p    Params
	db   dbm.DB
	tree *tree.Tree
}

// OpenState opens (or initialises) the state in db.
func OpenState(db dbm.DB, p Params) (*State, error) {
	p = p.WithDefaults()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	t, err := tree.New(db, prefixTree, p.Depth, exchangev1.EmptyLeaf)
	if err != nil {
		return nil, err
	}
	return &State{p: p, db: db, tree: t}, nil
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

func accountKey(index uint32) []byte {
	return binary.BigEndian.AppendUint32(bytes.Clone(prefixAccount), index)
}

// Account reads the account at index (the zero account if unused).
func (s *State) Account(index uint32) (exchangev1.Account, error) {
	a := exchangev1.Account{Base: new(big.Int), Quote: new(big.Int), Shares: new(big.Int)}
	bz, err := s.db.Get(accountKey(index))
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
func (s *State) IndexOf(pk PublicKey) (uint32, bool, error) {
	bz, err := s.db.Get(append(bytes.Clone(prefixKey), pk.Address()...))
	if err != nil || bz == nil {
		return 0, false, err
	}
	return binary.BigEndian.Uint32(bz), true, nil
}

func (s *State) nextFree() (uint32, error) {
	bz, err := s.db.Get(keyNextFree)
	if err != nil || bz == nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(bz), nil
}

// setAccount writes the account, its leaf, its key's index and the next
// free index.
func (s *State) setAccount(index uint32, a exchangev1.Account) error {
	next, err := s.nextFree()
	if err != nil {
		return err
	}
	if err := s.tree.Set(uint64(index), exchangev1.LeafHash(a)); err != nil {
		return err
	}
	bz := binary.BigEndian.AppendUint32(putAmounts(a.Key.Address(), a.Base, a.Quote, a.Shares), a.Nonce)
	b := s.db.NewBatch()
	defer b.Close()
	errs := []error{b.Set(accountKey(index), bz), b.Set(append(bytes.Clone(prefixKey), a.Key.Address()...), binary.BigEndian.AppendUint32(nil, index))}
	if index >= next {
		errs = append(errs, b.Set(keyNextFree, binary.BigEndian.AppendUint32(nil, index+1)))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return b.Write()
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
	if idx, err = s.nextFree(); err == nil && uint64(idx) >= s.tree.Capacity() {
		err = errors.New("exchange: the account tree is full")
	}
	return idx, true, pk, err
}

func exists(a exchangev1.Account) bool { return !a.Key.X.IsZero() || !a.Key.Y.IsZero() }
