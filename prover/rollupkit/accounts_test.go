package rollupkit

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"
)

func TestAccountStore_IndexesKeysAndNextFree(t *testing.T) {
	s, err := OpenAccountStore(dbm.NewMemDB(), 3, fr.NewElement(0))
	require.NoError(t, err)
	next, err := s.NextFree()
	require.NoError(t, err)
	require.Zero(t, next)

	require.NoError(t, s.Put(2, fr.NewElement(7), []byte("alice"), []byte{1, 2}))
	require.NoError(t, s.Put(0, fr.NewElement(8), []byte("bob"), []byte{3}))

	idx, ok, err := s.IndexOf([]byte("alice"))
	require.NoError(t, err)
	require.True(t, ok)
	require.EqualValues(t, 2, idx)
	_, ok, err = s.IndexOf([]byte("carol"))
	require.NoError(t, err)
	require.False(t, ok)
	next, err = s.NextFree()
	require.NoError(t, err)
	require.EqualValues(t, 3, next, "one past the highest index written, not the count")
	rec, err := s.Record(2)
	require.NoError(t, err)
	require.Equal(t, []byte{1, 2}, rec)
	rec, err = s.Record(1)
	require.NoError(t, err)
	require.Nil(t, rec)
	leaf, err := s.Tree.Leaf(2)
	require.NoError(t, err)
	require.Equal(t, fr.NewElement(7), leaf)
}

// Subroots and Path split a leaf's siblings at pathDepth: the path below,
// the subroots' level above.
func TestAccountStore_SubrootsAndPath(t *testing.T) {
	s, err := OpenAccountStore(dbm.NewMemDB(), 3, fr.NewElement(0))
	require.NoError(t, err)
	require.NoError(t, s.Put(5, fr.NewElement(9), []byte("k"), []byte{0}))
	sub, err := s.Subroots(1)
	require.NoError(t, err)
	require.Len(t, sub, 4)
	full, err := s.Tree.Siblings(5)
	require.NoError(t, err)
	path, err := s.Path(5, 1)
	require.NoError(t, err)
	require.Equal(t, []frontend.Variable{full[0]}, path)
	require.Equal(t, full[1], sub[5>>1^1], "the sibling at height 1 is the neighbouring subroot")
}
