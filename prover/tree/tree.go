package tree

import (
	"encoding/binary"
	"errors"
	"fmt"

	dbm "github.com/cosmos/cosmos-db"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
)

// MaxDepth bounds the depth: indices are uint64 and node keys encode them.
const MaxDepth = 62

// Tree is a sparse Merkle tree persisted in a cosmos-db database under a
// key prefix. Level 0 holds the leaves, level Depth the root. A node equal
// to its level's empty-subtree hash is not stored.
type Tree struct {
	db     dbm.DB
	prefix []byte
	depth  int
	empty  []fr.Element // empty[l] = hash of an empty subtree of height l
}

// New opens the tree stored under prefix in db (an empty database is the
// empty tree). emptyLeaf is the value of an unused leaf.
func New(db dbm.DB, prefix []byte, depth int, emptyLeaf fr.Element) (*Tree, error) {
	if depth < 1 || depth > MaxDepth {
		return nil, fmt.Errorf("tree: depth %d out of 1..%d", depth, MaxDepth)
	}
	if db == nil {
		return nil, errors.New("tree: nil database")
	}
	return &Tree{db: db, prefix: append([]byte(nil), prefix...), depth: depth, empty: EmptyHashes(depth, emptyLeaf)}, nil
}

// EmptyHashes returns empty[0..depth]: empty[0] = emptyLeaf,
// empty[l+1] = c(empty[l], empty[l]).
func EmptyHashes(depth int, emptyLeaf fr.Element) []fr.Element {
	e := make([]fr.Element, depth+1)
	e[0] = emptyLeaf
	for l := 0; l < depth; l++ {
		e[l+1] = Compress(e[l], e[l])
	}
	return e
}

// Depth is the number of levels between a leaf and the root.
func (t *Tree) Depth() int { return t.depth }

// Capacity is the number of leaves, 2^Depth.
func (t *Tree) Capacity() uint64 { return 1 << uint(t.depth) }

// Root is the current root.
func (t *Tree) Root() (fr.Element, error) { return t.node(t.depth, 0) }

// Leaf is the leaf at index.
func (t *Tree) Leaf(index uint64) (fr.Element, error) {
	if err := t.checkIndex(index); err != nil {
		return fr.Element{}, err
	}
	return t.node(0, index)
}

// Siblings returns the authentication path of index, from the leaf's
// sibling (level 0) up to the child of the root.
func (t *Tree) Siblings(index uint64) ([]fr.Element, error) {
	if err := t.checkIndex(index); err != nil {
		return nil, err
	}
	path := make([]fr.Element, t.depth)
	for l := 0; l < t.depth; l++ {
		s, err := t.node(l, (index>>uint(l))^1)
		if err != nil {
			return nil, err
		}
		path[l] = s
	}
	return path, nil
}

// Set writes leaf at index and rehashes its path, atomically.
func (t *Tree) Set(index uint64, leaf fr.Element) error {
	if err := t.checkIndex(index); err != nil {
		return err
	}
	path, err := t.Siblings(index)
	if err != nil {
		return err
	}
	batch := t.db.NewBatch()
	defer batch.Close()
	node := leaf
	for l := 0; l <= t.depth; l++ {
		idx := index >> uint(l)
		if err := t.put(batch, l, idx, node); err != nil {
			return err
		}
		if l == t.depth {
			break
		}
		if idx&1 == 0 {
			node = Compress(node, path[l])
		} else {
			node = Compress(path[l], node)
		}
	}
	return batch.Write()
}

func (t *Tree) checkIndex(index uint64) error {
	if index >= t.Capacity() {
		return fmt.Errorf("tree: index %d out of range (capacity %d)", index, t.Capacity())
	}
	return nil
}

func (t *Tree) key(level int, index uint64) []byte {
	k := make([]byte, len(t.prefix)+9)
	copy(k, t.prefix)
	k[len(t.prefix)] = byte(level)
	binary.BigEndian.PutUint64(k[len(t.prefix)+1:], index)
	return k
}

func (t *Tree) node(level int, index uint64) (fr.Element, error) {
	bz, err := t.db.Get(t.key(level, index))
	if err != nil {
		return fr.Element{}, err
	}
	if bz == nil {
		return t.empty[level], nil
	}
	var e fr.Element
	if err := e.SetBytesCanonical(bz); err != nil {
		return fr.Element{}, fmt.Errorf("tree: corrupt node at level %d index %d: %w", level, index, err)
	}
	return e, nil
}

func (t *Tree) put(b dbm.Batch, level int, index uint64, v fr.Element) error {
	if v.Equal(&t.empty[level]) {
		return b.Delete(t.key(level, index))
	}
	bz := v.Bytes()
	return b.Set(t.key(level, index), bz[:])
}
