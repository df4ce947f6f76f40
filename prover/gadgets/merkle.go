package gadgets

import "github.com/consensys/gnark/frontend"

// Merkle paths over a binary tree hashed with one Poseidon2 compression per
// level: parent = c(left, right). indexBits[0] is the leaf's lowest index
// bit (1 = the node is a right child); siblings[0] is the leaf's sibling.
// Both slices have the tree's depth. Index bits must be boolean (ToBinary
// gives that).

// MerkleRoot recomputes the root from a leaf and its path: depth
// compressions.
func (h *Hasher) MerkleRoot(leaf frontend.Variable, indexBits, siblings []frontend.Variable) frontend.Variable {
	if len(indexBits) != len(siblings) {
		panic("gadgets: path and index lengths differ")
	}
	node := leaf
	for i := range siblings {
		node = h.merkleParent(node, siblings[i], indexBits[i])
	}
	return node
}

// MerkleUpdate returns the roots before and after replacing oldLeaf by
// newLeaf at the same position: the sibling path is shared, 2*depth
// compressions. The caller asserts oldRoot against the known root.
func (h *Hasher) MerkleUpdate(oldLeaf, newLeaf frontend.Variable, indexBits, siblings []frontend.Variable) (oldRoot, newRoot frontend.Variable) {
	return h.MerkleRoot(oldLeaf, indexBits, siblings), h.MerkleRoot(newLeaf, indexBits, siblings)
}

// merkleParent orders (node, sibling) by the bit with one multiplication.
func (h *Hasher) merkleParent(node, sibling, isRight frontend.Variable) frontend.Variable {
	return h.Compress(h.merkleOrder(node, sibling, isRight))
}

func (h *Hasher) merkleOrder(node, sibling, isRight frontend.Variable) (left, right frontend.Variable) {
	api := h.api
	left = api.Add(node, api.Mul(isRight, api.Sub(sibling, node)))
	right = api.Sub(api.Add(node, sibling), left)
	return left, right
}

// ChainJob is the chain Chain(Start, Xs...) still to compute.
type ChainJob struct {
	Start frontend.Variable
	Xs    []frontend.Variable
}

// MerkleRootOrChains is MerkleRoot when idle is 0. When idle is 1
// (boolean) the path's compressions compute jobs instead, one after the
// other, as far as the path reaches, for a circuit that has no leaf to
// hash on this path: rest[j] is what is left of jobs[j] (Start its state
// after the steps the path took, Xs the inputs left; the whole job if the
// path took none), and root is garbage the caller must not use. Either
// way, rest is garbage when idle is 0. A job's inputs must not depend on
// the path (nor on an earlier job of the same call). Cost: MerkleRoot's,
// plus two selections per step the path takes.
func (h *Hasher) MerkleRootOrChains(idle, leaf frontend.Variable, indexBits, siblings []frontend.Variable, jobs []ChainJob) (root frontend.Variable, rest []ChainJob) {
	if len(indexBits) != len(siblings) {
		panic("gadgets: path and index lengths differ")
	}
	api := h.api
	rest = append([]ChainJob(nil), jobs...)
	node := leaf
	j, step := 0, 0 // the job and step the next level takes
	for i := range siblings {
		for j < len(jobs) && step == len(jobs[j].Xs) {
			j, step = j+1, 0
		}
		left, right := h.merkleOrder(node, siblings[i], indexBits[i])
		if j < len(jobs) {
			// the chain's state takes the node's place and its input the
			// sibling's, whatever the index bit says
			state := node
			if step == 0 {
				state = jobs[j].Start
			}
			left, right = api.Select(idle, state, left), api.Select(idle, jobs[j].Xs[step], right)
		}
		node = h.Compress(left, right)
		if j < len(jobs) {
			step++
			rest[j] = ChainJob{Start: node, Xs: jobs[j].Xs[step:]}
		}
	}
	return node, rest
}

// Subroots are the 2^k nodes of a tree at height depth-k, for a circuit
// that updates many leaves of one tree: an update walks its leaf's path up
// to that height only and replaces the subroot it reaches, selected by the
// index's top k bits, and the root is hashed from the subroots once per
// circuit. The top k levels then cost 2(2^k - 1) compressions in all
// instead of k per path (two paths per updated leaf). The tree, its root
// and its paths are unchanged.
type Subroots struct {
	h     *Hasher
	nodes []frontend.Variable
}

// OpenSubroots asserts that nodes, left to right (a power of two of them),
// are the nodes of root's tree at their height, and returns them for
// updating.
func (h *Hasher) OpenSubroots(root frontend.Variable, nodes []frontend.Variable) *Subroots {
	if len(nodes) == 0 || len(nodes)&(len(nodes)-1) != 0 {
		panic("gadgets: subroots must be a power of two")
	}
	s := &Subroots{h: h, nodes: append([]frontend.Variable(nil), nodes...)}
	h.api.AssertIsEqual(s.Root(), root)
	return s
}

// Update replaces the subroot at position topBits (topBits[0] the lowest,
// boolean, len = k) by newNode, asserting that it is oldNode: the leaf's
// path below the subroots opened oldNode and hashed newNode. If enabled is
// 0 (boolean) it does neither, for a path that computed something else
// (MerkleRootOrChain). Cost: about 3 * 2^k constraints (the position's
// one-hot selectors, the read and the write).
func (s *Subroots) Update(enabled frontend.Variable, topBits []frontend.Variable, oldNode, newNode frontend.Variable) {
	api := s.h.api
	if 1<<len(topBits) != len(s.nodes) {
		panic("gadgets: subroot position and count differ")
	}
	// one-hot selectors of the position, highest bit first:
	// sel[j] = prod_i (topBits[i] if bit i of j else 1 - topBits[i])
	sel := []frontend.Variable{1}
	for i := len(topBits) - 1; i >= 0; i-- {
		next := make([]frontend.Variable, 0, 2*len(sel))
		for _, e := range sel {
			hi := api.Mul(e, topBits[i])
			next = append(next, api.Sub(e, hi), hi)
		}
		sel = next
	}
	var read frontend.Variable = 0
	for j, node := range s.nodes {
		read = api.Add(read, api.Mul(sel[j], node))
	}
	api.AssertIsEqual(api.Mul(enabled, api.Sub(read, oldNode)), 0)
	delta := api.Mul(enabled, api.Sub(newNode, oldNode))
	for j := range s.nodes {
		s.nodes[j] = api.Add(s.nodes[j], api.Mul(sel[j], delta))
	}
}

// Root hashes the current subroots up to the root: 2^k - 1 compressions.
func (s *Subroots) Root() frontend.Variable {
	level := s.nodes
	for len(level) > 1 {
		up := make([]frontend.Variable, len(level)/2)
		for i := range up {
			up[i] = s.h.Compress(level[2*i], level[2*i+1])
		}
		level = up
	}
	return level[0]
}

// SubrootLevels is how many top levels of a depth-deep tree a circuit with
// slots slots, each updating leavesPerSlot leaves (two passes each: old and
// new), should keep as Subroots: the k in [1, depth-1] that costs the
// fewest constraints, where k levels save 2 * leavesPerSlot * k * 187 per
// slot, the slot's subroot updates cost leavesPerSlot * (3 * 2^k - 2) and
// opening and closing the 2^k subroots cost 2 * (2^k - 1) compressions of
// 186 once per batch. About log2(2 * slots) for two leaves a slot.
func SubrootLevels(depth, slots, leavesPerSlot int) int {
	best, bestCost := 1, 0
	for k := 1; k < depth; k++ {
		cost := slots*leavesPerSlot*(3<<k-2-2*k*187) + 2*((1<<k)-1)*186
		if k == 1 || cost < bestCost {
			best, bestCost = k, cost
		}
	}
	return best
}
