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
	api := h.api
	left := api.Add(node, api.Mul(isRight, api.Sub(sibling, node)))
	right := api.Sub(api.Add(node, sibling), left)
	return h.Compress(left, right)
}
