// Package tree is the native sparse Merkle tree of a nativechain rollup:
// a binary tree of fixed depth whose parent is one Poseidon2 compression of
// its children, exactly what prover/gadgets.MerkleRoot recomputes in a
// circuit. Empty subtrees are precomputed, so only non-empty nodes are
// stored; nodes live in a cosmos-db database (goleveldb or pebble on disk,
// memdb in tests) and survive restarts.
package tree
