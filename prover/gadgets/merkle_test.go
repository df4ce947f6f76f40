package gadgets

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/tree"
)

const subrootsTreeDepth = 5

// subrootsCircuit opens the subroots of Root at height Height, replaces the
// leaves of Updates one after the other (each walks its path up to the
// subroots) and asserts the root that results.
type subrootsCircuit struct {
	height   int
	Root     frontend.Variable
	Subroots []frontend.Variable
	Updates  []leafUpdate
	NewRoot  frontend.Variable
}

type leafUpdate struct {
	Index            frontend.Variable
	OldLeaf, NewLeaf frontend.Variable
	Siblings         []frontend.Variable
}

func (c *subrootsCircuit) Define(api frontend.API) error {
	h, err := NewHasher(api)
	if err != nil {
		return err
	}
	s := h.OpenSubroots(c.Root, c.Subroots)
	for _, u := range c.Updates {
		bits := api.ToBinary(u.Index, subrootsTreeDepth)
		oldNode, newNode := h.MerkleUpdate(u.OldLeaf, u.NewLeaf, bits[:c.height], u.Siblings)
		s.Update(1, bits[c.height:], oldNode, newNode)
	}
	api.AssertIsEqual(s.Root(), c.NewRoot)
	return nil
}

func shapeSubroots(height, updates int) *subrootsCircuit {
	c := &subrootsCircuit{height: height, Subroots: make([]frontend.Variable, 1<<(subrootsTreeDepth-height)),
		Updates: make([]leafUpdate, updates)}
	for i := range c.Updates {
		c.Updates[i].Siblings = make([]frontend.Variable, height)
	}
	return c
}

// nativeSubroots sets leaves in a native tree, then updates indices one
// after the other and records the witness the circuit needs: the
// subroots before, each update's path below them, the root after.
func nativeSubroots(t *testing.T, height int, indices []uint64) *subrootsCircuit {
	tr, err := tree.New(dbm.NewMemDB(), []byte("t/"), subrootsTreeDepth, fr.NewElement(0))
	require.NoError(t, err)
	for i := uint64(0); i < 1<<subrootsTreeDepth; i += 3 {
		require.NoError(t, tr.Set(i, fr.NewElement(1000+i)))
	}
	c := &subrootsCircuit{Subroots: make([]frontend.Variable, 1<<(subrootsTreeDepth-height))}
	root, err := tr.Root()
	require.NoError(t, err)
	c.Root = root
	for j := range c.Subroots {
		if height == subrootsTreeDepth {
			c.Subroots[j] = root
			continue
		}
		path, err := tr.Siblings(uint64(j^1) << height)
		require.NoError(t, err)
		c.Subroots[j] = path[height]
	}
	for n, index := range indices {
		old, err := tr.Leaf(index)
		require.NoError(t, err)
		path, err := tr.Siblings(index)
		require.NoError(t, err)
		u := leafUpdate{Index: index, OldLeaf: old, NewLeaf: fr.NewElement(uint64(77 + n)), Siblings: make([]frontend.Variable, height)}
		for i := range u.Siblings {
			u.Siblings[i] = path[i]
		}
		require.NoError(t, tr.Set(index, u.NewLeaf.(fr.Element)))
		c.Updates = append(c.Updates, u)
	}
	c.NewRoot, err = tr.Root()
	require.NoError(t, err)
	return c
}

// The subroots give the native tree's roots at every height, for updates
// in one subtree, in neighbouring ones and twice at one leaf.
func TestSubroots_MatchTheNativeTree(t *testing.T) {
	indices := []uint64{0, 1, 31, 17, 17, 16}
	for height := 0; height <= subrootsTreeDepth; height++ {
		require.NoError(t, test.IsSolved(shapeSubroots(height, len(indices)), nativeSubroots(t, height, indices), ecc.BN254.ScalarField()), "height %d", height)
	}
}

func TestSubroots_RejectTampering(t *testing.T) {
	const height = 2
	indices := []uint64{5, 30, 6}
	cases := map[string]func(c *subrootsCircuit){
		// a subroot the root does not open
		"subroot changed": func(c *subrootsCircuit) { c.Subroots[7] = fr.NewElement(1) },
		"subroots swapped": func(c *subrootsCircuit) {
			c.Subroots[1], c.Subroots[2] = c.Subroots[2], c.Subroots[1]
		},
		// an update that reads a leaf the tree does not hold
		"old leaf changed": func(c *subrootsCircuit) { c.Updates[1].OldLeaf = fr.NewElement(5) },
		// the same path under another subroot: 30 and 26 share it
		"update under another subroot": func(c *subrootsCircuit) { c.Updates[1].Index = 26 },
		// a write that ignores an earlier one: the third update reads the
		// subroot the first one wrote
		"stale read": func(c *subrootsCircuit) {
			fresh := nativeSubroots(t, height, indices[2:])
			c.Updates[2] = fresh.Updates[0]
		},
		"new root claims no update": func(c *subrootsCircuit) { c.NewRoot = c.Root },
	}
	require.NoError(t, test.IsSolved(shapeSubroots(height, len(indices)), nativeSubroots(t, height, indices), ecc.BN254.ScalarField()))
	for name, attack := range cases {
		t.Run(name, func(t *testing.T) {
			c := nativeSubroots(t, height, indices)
			attack(c)
			require.Error(t, test.IsSolved(shapeSubroots(height, len(indices)), c, ecc.BN254.ScalarField()))
		})
	}
}

// merkleOrChainCircuit runs one path as a Merkle path or, when Idle is 1,
// as two chains, Start, Xs... and Start + 1, Xs[0]: Out is the root (idle
// 0) or the first chain's result and Out2 the second's, each finished on
// its own compressions where the path is too short.
type merkleOrChainCircuit struct {
	Idle, Leaf, Index frontend.Variable
	Siblings          []frontend.Variable
	Start             frontend.Variable
	Xs                []frontend.Variable
	Out, Out2         frontend.Variable
}

func (c *merkleOrChainCircuit) Define(api frontend.API) error {
	h, err := NewHasher(api)
	if err != nil {
		return err
	}
	// two jobs: Xs, then its first input again from Start + 1
	jobs := []ChainJob{{Start: c.Start, Xs: c.Xs}, {Start: api.Add(c.Start, 1), Xs: c.Xs[:min(1, len(c.Xs))]}}
	root, rest := h.MerkleRootOrChains(c.Idle, c.Leaf, api.ToBinary(c.Index, len(c.Siblings)), c.Siblings, jobs)
	api.AssertIsEqual(api.Select(c.Idle, h.Chain(rest[0].Start, rest[0].Xs...), root), c.Out)
	api.AssertIsEqual(api.Mul(c.Idle, api.Sub(h.Chain(rest[1].Start, rest[1].Xs...), c.Out2)), 0)
	return nil
}

func elems(from uint64, n int) []frontend.Variable {
	out := make([]frontend.Variable, n)
	for i := range out {
		out[i] = fr.NewElement(from + uint64(i))
	}
	return out
}

// A path and chains of every relative length, at indices whose bits are
// not all zero: the chains' inputs take the siblings' places whatever the
// bits say.
func TestMerkleRootOrChains_IsTheRootOrTheChains(t *testing.T) {
	const depth = 4
	siblings := elems(100, depth)
	path := make([]fr.Element, depth)
	for i := range path {
		path[i] = siblings[i].(fr.Element)
	}
	for _, index := range []uint64{0, 5, 15} {
		for n := 0; n <= depth+2; n++ {
			shape := &merkleOrChainCircuit{Siblings: make([]frontend.Variable, depth), Xs: make([]frontend.Variable, n)}
			xs := elems(200, n)
			chain := fr.NewElement(7)
			for _, x := range xs {
				chain = tree.Compress(chain, x.(fr.Element))
			}
			chain2 := fr.NewElement(8)
			if n > 0 {
				chain2 = tree.Compress(chain2, xs[0].(fr.Element))
			}
			asRoot := &merkleOrChainCircuit{Idle: 0, Leaf: fr.NewElement(9), Index: index, Siblings: siblings, Start: fr.NewElement(7), Xs: xs,
				Out: protocol.RootFromPath(fr.NewElement(9), index, path), Out2: chain2}
			require.NoError(t, test.IsSolved(shape, asRoot, ecc.BN254.ScalarField()), "index %d, %d inputs", index, n)
			asChain := *asRoot
			asChain.Idle, asChain.Out = 1, chain
			require.NoError(t, test.IsSolved(shape, &asChain, ecc.BN254.ScalarField()), "index %d, %d inputs", index, n)
			// the other reading of the same path is not accepted
			asRoot.Out, asChain.Out = chain, asRoot.Out
			require.Error(t, test.IsSolved(shape, asRoot, ecc.BN254.ScalarField()))
			require.Error(t, test.IsSolved(shape, &asChain, ecc.BN254.ScalarField()))
			asChain.Out, asChain.Out2 = chain, bumped(chain2)
			require.Error(t, test.IsSolved(shape, &asChain, ecc.BN254.ScalarField()))
		}
	}
}

func bumped(e fr.Element) fr.Element {
	one := fr.One()
	e.Add(&e, &one)
	return e
}

// The cost model picks about log2(2 * slots) levels for two leaves a slot
// (payments at 16 and 32 slots) and one level less for one leaf.
func TestSubrootLevels_MatchesTheCostModel(t *testing.T) {
	require.Equal(t, 5, SubrootLevels(24, 16, 2))
	require.Equal(t, 6, SubrootLevels(24, 32, 2))
	require.Equal(t, 1, SubrootLevels(2, 16, 2), "at most depth - 1")
	require.Less(t, SubrootLevels(24, 16, 1), SubrootLevels(24, 16, 2))
}
