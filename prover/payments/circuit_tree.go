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
	oldNode, newNode := ctx.h.MerkleUpdate(u.oldLeaf, u.newLeaf, u.pathBits(), u.siblings)
	subroots.Update(1, u.topBits(), oldNode, newNode)
}

// slotHashes are what an ordinary slot hashes besides its leaves: its
// entry's hash, its address digest, and the inbox accumulator and outbox
// state that consuming or emitting the entry would give.
type slotHashes struct {
	entry, address, inboxNext, outboxNext frontend.Variable
}

// updateLeaves applies the slot's leaf updates to the tree, A's and then
// B's (B's path is read after A's update), and computes the slot's hashes
// (entry, the chain of its hash; address, the address digest's) on a path
// the slot leaves idle: a kind that leaves an account alone would update
// its leaf to itself, so that side's passes compute the hashes instead
// (A's for a credit; B's for every kind but a transfer or a credit) and
// its subroot is left as it is. The old leaf's pass hashes the entry, the
// new leaf's pass, given the entry's hash, the address, the inbox
// accumulation and the outbox append. A transfer leaves no path idle and
// uses none of the hashes: they are garbage there, as they are wherever
// its kind's selectors zero them. Chains longer than the path finish on
// their own compressions.
func (ctx *circuitCtx) updateLeaves(b *batchState, k slotKinds, a, bu leafUpdate, entry, address gadgets.ChainJob) *slotHashes {
	api, h := ctx.api, ctx.h
	idleA := k.credit
	idleB := api.Sub(1, k.useB)
	// a chain's result: its state where the idle side's path left it,
	// finished on its own compressions (both paths have the same length)
	finish := func(restA, restB gadgets.ChainJob) frontend.Variable {
		return h.Chain(api.Select(idleA, restA.Start, restB.Start), restA.Xs...)
	}
	oldA, restA := h.MerkleRootOrChains(idleA, a.oldLeaf, a.pathBits(), a.siblings, []gadgets.ChainJob{entry})
	oldB, restB := h.MerkleRootOrChains(idleB, bu.oldLeaf, bu.pathBits(), bu.siblings, []gadgets.ChainJob{entry})
	out := &slotHashes{entry: finish(restA[0], restB[0])}
	jobs := []gadgets.ChainJob{address, b.inbox.AccumulateJob(out.entry), b.outbox.AppendJob(out.entry)}
	newA, restA := h.MerkleRootOrChains(idleA, a.newLeaf, a.pathBits(), a.siblings, jobs)
	newB, restB := h.MerkleRootOrChains(idleB, bu.newLeaf, bu.pathBits(), bu.siblings, jobs)
	b.subroots.Update(api.Sub(1, idleA), a.topBits(), oldA, newA)
	b.subroots.Update(api.Sub(1, idleB), bu.topBits(), oldB, newB)
	out.address, out.inboxNext, out.outboxNext = finish(restA[0], restB[0]), finish(restA[1], restB[1]), finish(restA[2], restB[2])
	return out
}

// pathBits are the index bits of the path below the subroots, topBits
// those that select the subroot.
func (u leafUpdate) pathBits() []frontend.Variable { return u.bits[:len(u.siblings)] }
func (u leafUpdate) topBits() []frontend.Variable  { return u.bits[len(u.siblings):] }
