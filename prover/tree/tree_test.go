package tree

import (
	"math/rand"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
)

func el(v uint64) fr.Element {
	var e fr.Element
	e.SetUint64(v)
	return e
}

// naiveRoot hashes a full tree level by level.
func naiveRoot(depth int, leaves map[uint64]fr.Element, emptyLeaf fr.Element) fr.Element {
	level := make([]fr.Element, 1<<uint(depth))
	for i := range level {
		level[i] = emptyLeaf
	}
	for i, v := range leaves {
		level[i] = v
	}
	for len(level) > 1 {
		next := make([]fr.Element, len(level)/2)
		for i := range next {
			next[i] = Compress(level[2*i], level[2*i+1])
		}
		level = next
	}
	return level[0]
}

func TestTree_MatchesNaiveRootAndPaths(t *testing.T) {
	const depth = 6
	empty := el(7)
	tr, err := New(dbm.NewMemDB(), []byte("t/"), depth, empty)
	require.NoError(t, err)
	root, err := tr.Root()
	require.NoError(t, err)
	require.Equal(t, naiveRoot(depth, nil, empty), root)

	rng := rand.New(rand.NewSource(1))
	leaves := map[uint64]fr.Element{}
	for i := 0; i < 40; i++ {
		idx := uint64(rng.Intn(1 << depth))
		v := el(rng.Uint64())
		if i%7 == 0 {
			v = empty // clearing a leaf deletes nodes
		}
		require.NoError(t, tr.Set(idx, v))
		leaves[idx] = v
		root, err := tr.Root()
		require.NoError(t, err)
		require.Equal(t, naiveRoot(depth, leaves, empty), root)
		path, err := tr.Siblings(idx)
		require.NoError(t, err)
		require.Equal(t, root, protocol.RootFromPath(v, idx, path))
	}
	_, err = tr.Leaf(1 << depth)
	require.Error(t, err)
}

func TestTree_PersistsAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	db, err := dbm.NewGoLevelDB("state", dir, nil)
	require.NoError(t, err)
	tr, err := New(db, nil, 24, el(0))
	require.NoError(t, err)
	require.NoError(t, tr.Set(12345, el(99)))
	want, err := tr.Root()
	require.NoError(t, err)
	require.NoError(t, db.Close())

	db, err = dbm.NewGoLevelDB("state", dir, nil)
	require.NoError(t, err)
	defer db.Close()
	tr, err = New(db, nil, 24, el(0))
	require.NoError(t, err)
	got, err := tr.Root()
	require.NoError(t, err)
	require.Equal(t, want, got)
	leaf, err := tr.Leaf(12345)
	require.NoError(t, err)
	require.Equal(t, el(99), leaf)
}
