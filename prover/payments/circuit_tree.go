package payments

import (
	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/prover/gadgets"
)

// leafUpdate is an account side's change to the tree: its leaf before and
// after, at the index of bits (Depth bits), with the path up to the
// subroots.
type leafUpdate struct {
	oldLeaf, newLeaf frontend.Variable
	bits, siblings   []frontend.Variable
}

// updateLeaf asserts that u's old leaf is in the tree and replaces it by
// the new one: one pass up the path to the subroots for each leaf, over
// the same siblings, then the subroot at the index's top bits.
func (ctx *circuitCtx) updateLeaf(subroots *gadgets.Subroots, u leafUpdate) {
	oldNode, newNode := ctx.h.MerkleUpdate(u.oldLeaf, u.newLeaf, u.bits[:len(u.siblings)], u.siblings)
	subroots.Update(1, u.bits[len(u.siblings):], oldNode, newNode)
}

// updateLeaves applies the slot's leaf updates to the tree, A's and then
// B's (B's path is read after A's update), and computes the slot's entry
// hash and address digest (jobs, in that order) on a path the slot leaves
// idle: a kind that leaves an account alone would update its leaf to
// itself, so that side's two passes compute the jobs instead (A's for a
// credit; B's for every kind but a transfer or a credit) and its subroot
// is left as it is. A transfer leaves no path idle and uses neither job:
// its results are then garbage, as they are wherever its kind's selectors
// zero them. Jobs longer than the path finish on their own compressions.
func (ctx *circuitCtx) updateLeaves(subroots *gadgets.Subroots, k slotKinds, a, b leafUpdate, jobs [2]gadgets.ChainJob) (results [2]frontend.Variable) {
	api := ctx.api
	idleA := k.credit
	idleB := api.Sub(1, k.useB)
	restA := ctx.updateLeafOrLend(subroots, idleA, a, jobs)
	restB := ctx.updateLeafOrLend(subroots, idleB, b, jobs)
	for i := range jobs {
		results[i] = ctx.h.Chain(api.Select(idleA, restA[i].Start, restB[i].Start), restA[i].Xs...)
	}
	return results
}

// updateLeafOrLend is updateLeaf when idle is 0; when idle is 1 the old
// leaf's pass computes jobs[0] and the new leaf's jobs[1], as far as the
// path reaches, and the tree is left alone.
func (ctx *circuitCtx) updateLeafOrLend(subroots *gadgets.Subroots, idle frontend.Variable, u leafUpdate, jobs [2]gadgets.ChainJob) (rest [2]gadgets.ChainJob) {
	pathBits := u.bits[:len(u.siblings)]
	oldNode, rest0 := ctx.h.MerkleRootOrChain(idle, u.oldLeaf, pathBits, u.siblings, jobs[0])
	newNode, rest1 := ctx.h.MerkleRootOrChain(idle, u.newLeaf, pathBits, u.siblings, jobs[1])
	subroots.Update(ctx.api.Sub(1, idle), u.bits[len(u.siblings):], oldNode, newNode)
	return [2]gadgets.ChainJob{rest0, rest1}
}
