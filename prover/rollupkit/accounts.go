package rollupkit

import (
	"bytes"
	"encoding/binary"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	dbm "github.com/cosmos/cosmos-db"

	"github.com/nativechain/nativechain/prover/tree"
)

var (
	prefixTree    = []byte("t/")
	prefixAccount = []byte("a/")
	prefixKey     = []byte("k/")
	keyNextFree   = []byte("m/next")
)

// AccountStore is a kind's account storage in a cosmos-db database: the
// account tree (prefix t/), each account's record in the kind's own
// encoding (a/ + index), the account index of each key's address (k/ +
// address) and the next free index (m/next). Payments and exchange keep
// their accounts in one.
type AccountStore struct {
	db   dbm.DB
	Tree *tree.Tree
}

// OpenAccountStore opens (or initialises) the store in db.
func OpenAccountStore(db dbm.DB, depth int, emptyLeaf fr.Element) (*AccountStore, error) {
	t, err := tree.New(db, prefixTree, depth, emptyLeaf)
	if err != nil {
		return nil, err
	}
	return &AccountStore{db: db, Tree: t}, nil
}

func accountKey(index uint32) []byte {
	return binary.BigEndian.AppendUint32(bytes.Clone(prefixAccount), index)
}

// Record reads the record at index (nil if the index is unused).
func (s *AccountStore) Record(index uint32) ([]byte, error) { return s.db.Get(accountKey(index)) }

// IndexOf finds the account of a key's address.
func (s *AccountStore) IndexOf(addr []byte) (uint32, bool, error) {
	bz, err := s.db.Get(append(bytes.Clone(prefixKey), addr...))
	if err != nil || bz == nil {
		return 0, false, err
	}
	return binary.BigEndian.Uint32(bz), true, nil
}

// NextFree is one past the highest index ever written: where a new
// account goes.
func (s *AccountStore) NextFree() (uint32, error) {
	bz, err := s.db.Get(keyNextFree)
	if err != nil || bz == nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(bz), nil
}

// Put sets the account's leaf and writes its record, its address's index
// and the next free index.
func (s *AccountStore) Put(index uint32, leaf fr.Element, addr, record []byte) error {
	if err := s.Tree.Set(uint64(index), leaf); err != nil {
		return err
	}
	b := s.db.NewBatch()
	defer b.Close()
	if err := b.Set(accountKey(index), record); err != nil {
		return err
	}
	if err := b.Set(append(bytes.Clone(prefixKey), addr...), binary.BigEndian.AppendUint32(nil, index)); err != nil {
		return err
	}
	next, err := s.NextFree()
	if err != nil {
		return err
	}
	if index >= next {
		if err := b.Set(keyNextFree, binary.BigEndian.AppendUint32(nil, index+1)); err != nil {
			return err
		}
	}
	return b.Write()
}

// Path is the leaf's siblings below height pathDepth, as a circuit
// witness (the levels above are the subroots').
func (s *AccountStore) Path(index uint32, pathDepth int) ([]frontend.Variable, error) {
	path, err := s.Tree.Siblings(uint64(index))
	if err != nil {
		return nil, err
	}
	out := make([]frontend.Variable, pathDepth)
	for i := range out {
		out[i] = path[i]
	}
	return out, nil
}

// Subroots are the tree's 2^(depth-pathDepth) nodes at height pathDepth,
// left to right (gadgets.Subroots): node j is the sibling at that height
// of the path of any leaf under node j^1.
func (s *AccountStore) Subroots(pathDepth int) ([]frontend.Variable, error) {
	out := make([]frontend.Variable, 1<<(s.Tree.Depth()-pathDepth))
	for j := range out {
		path, err := s.Tree.Siblings(uint64(j^1) << pathDepth)
		if err != nil {
			return nil, err
		}
		out[j] = path[pathDepth]
	}
	return out, nil
}
