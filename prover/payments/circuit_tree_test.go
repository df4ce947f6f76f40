package payments

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/gadgets"
	"github.com/nativechain/nativechain/prover/tree"
)

// updateLeavesCircuit wraps updateLeaves: the slot's kind, the two leaf
// updates, the two chains (the entry hash's and the address digest's
// inputs), the tree's subroots and root before and after, the inbox
// accumulator and outbox count before, and the slot's hashes (not asserted
// for a transfer, which uses none).
type updateLeavesCircuit struct {
	IsKind                 [8]frontend.Variable
	A, B                   leafUpdateWitness
	EntryStart             frontend.Variable
	EntryXs                [6]frontend.Variable
	AddrStart              frontend.Variable
	AddrXs                 [3]frontend.Variable
	Subroots               []frontend.Variable
	Root, NewRoot          frontend.Variable
	InboxBefore, OutboxLen frontend.Variable
	EntryHash, Address     frontend.Variable
	InboxNext, OutboxNext  frontend.Variable
}

type leafUpdateWitness struct {
	OldLeaf, NewLeaf, Index frontend.Variable
	Siblings                []frontend.Variable
}

func (c *updateLeavesCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	k := ctx.kindSelectors(c.IsKind)
	update := func(w leafUpdateWitness) leafUpdate {
		return leafUpdate{oldLeaf: w.OldLeaf, newLeaf: w.NewLeaf, bits: api.ToBinary(w.Index, partParams.Depth), siblings: w.Siblings}
	}
	b := &batchState{subroots: ctx.h.OpenSubroots(c.Root, c.Subroots),
		inbox: ctx.h.NewInboxConsumer(c.InboxBefore), outbox: ctx.h.NewOutbox(c.OutboxLen)}
	res := ctx.updateLeaves(b, k, update(c.A), update(c.B),
		gadgets.ChainJob{Start: c.EntryStart, Xs: c.EntryXs[:]}, gadgets.ChainJob{Start: c.AddrStart, Xs: c.AddrXs[:]})
	api.AssertIsEqual(b.subroots.Root(), c.NewRoot)
	for _, eq := range [][2]frontend.Variable{{res.entry, c.EntryHash}, {res.address, c.Address}, {res.inboxNext, c.InboxNext}, {res.outboxNext, c.OutboxNext}} {
		api.AssertIsEqual(api.Mul(api.Sub(1, k.transfer), api.Sub(eq[0], eq[1])), 0)
	}
	return nil
}

func updateLeavesShape() *updateLeavesCircuit {
	c := &updateLeavesCircuit{Subroots: subrootsShape()}
	c.A.Siblings = make([]frontend.Variable, partParams.PathDepth())
	c.B.Siblings = make([]frontend.Variable, partParams.PathDepth())
	return c
}

// leafChange is one account's leaf change in a native tree: applied says
// whether the tree takes it (the kind uses the account); unchanged makes
// the new leaf the old one (a kind that leaves the account alone).
type leafChange struct {
	index     uint64
	newLeaf   uint64
	applied   bool
	unchanged bool
}

// nativeUpdateLeaves builds the witness natively on a tree of a few
// leaves: A's change, then B's (B's path read after A's), each taken by the
// tree only if applied; the chains hash small constants.
func nativeUpdateLeaves(t *testing.T, kind RecordKind, a, b leafChange) *updateLeavesCircuit {
	tr, err := tree.New(dbm.NewMemDB(), []byte("t/"), partParams.Depth, EmptyLeaf)
	require.NoError(t, err)
	for i := uint64(0); i < 1<<partParams.Depth; i += 37 {
		require.NoError(t, tr.Set(i, fr.NewElement(5000+i)))
	}
	c := &updateLeavesCircuit{IsKind: oneHot(kind)}
	c.Root, err = tr.Root()
	require.NoError(t, err)
	c.Subroots = make([]frontend.Variable, 1<<partParams.TopLevels())
	for j := range c.Subroots {
		path, err := tr.Siblings(uint64(j^1) << partParams.PathDepth())
		require.NoError(t, err)
		c.Subroots[j] = path[partParams.PathDepth()]
	}
	change := func(ch leafChange) leafUpdateWitness {
		old, err := tr.Leaf(ch.index)
		require.NoError(t, err)
		path, err := tr.Siblings(ch.index)
		require.NoError(t, err)
		newLeaf := fr.NewElement(ch.newLeaf)
		if ch.unchanged {
			newLeaf = old
		}
		w := leafUpdateWitness{OldLeaf: old, NewLeaf: newLeaf, Index: ch.index, Siblings: make([]frontend.Variable, partParams.PathDepth())}
		for i := range w.Siblings {
			w.Siblings[i] = path[i]
		}
		if ch.applied {
			require.NoError(t, tr.Set(ch.index, newLeaf))
		}
		return w
	}
	c.A = change(a)
	c.B = change(b)
	c.NewRoot, err = tr.Root()
	require.NoError(t, err)
	c.EntryStart, c.AddrStart = fr.NewElement(11), fr.NewElement(22)
	var entry, addr []fr.Element
	for i := range c.EntryXs {
		c.EntryXs[i] = fr.NewElement(uint64(30 + i))
		entry = append(entry, fr.NewElement(uint64(30+i)))
	}
	for i := range c.AddrXs {
		c.AddrXs[i] = fr.NewElement(uint64(40 + i))
		addr = append(addr, fr.NewElement(uint64(40+i)))
	}
	c.EntryHash = tree.Chain(fr.NewElement(11), entry...)
	c.Address = tree.Chain(fr.NewElement(22), addr...)
	c.InboxBefore, c.OutboxLen = protocol.InboxAccumulatorGenesis(), 3
	c.InboxNext = tree.Tagged(protocol.TagInbox, c.InboxBefore.(fr.Element), c.EntryHash.(fr.Element))
	c.OutboxNext = tree.Chain(protocol.TagElement(protocol.TagOutbox), fr.NewElement(3), c.EntryHash.(fr.Element))
	return c
}

// Each kind updates the leaves it uses and hashes the slot's chains on a
// path it leaves idle: A's for a credit, B's for the others but a
// transfer, which uses both paths and neither chain.
func TestUpdateLeaves_IdlePathsHashTheSlotsChains(t *testing.T) {
	const alice, bob = 37, 74 // under different subroots (partParams: 32 leaves each)
	use := func(index, leaf uint64) leafChange { return leafChange{index: index, newLeaf: leaf, applied: true} }
	idle := func(index uint64) leafChange { return leafChange{index: index} }
	// an account the kind leaves alone, on a path that is not idle
	same := func(index uint64) leafChange { return leafChange{index: index, unchanged: true, applied: true} }
	transfer := func() *updateLeavesCircuit {
		return nativeUpdateLeaves(t, KindTransfer, use(alice, 1), use(bob, 2))
	}
	withdrawal := func() *updateLeavesCircuit { return nativeUpdateLeaves(t, KindWithdraw, use(alice, 1), idle(0)) }
	credit := func() *updateLeavesCircuit { return nativeUpdateLeaves(t, KindCredit, idle(0), use(bob, 2)) }
	checkPart(t, updateLeavesShape(), withdrawal, map[string]func(*updateLeavesCircuit){
		// the idle side's path is the chains', never the tree's: a change
		// to its leaf does not reach the root
		"withdrawal that also changes B": func(c *updateLeavesCircuit) {
			c.NewRoot = nativeUpdateLeaves(t, KindWithdraw, use(alice, 1), use(0, 9)).NewRoot
		},
		"withdrawal that leaves A alone": func(c *updateLeavesCircuit) {
			c.NewRoot = nativeUpdateLeaves(t, KindWithdraw, idle(alice), idle(0)).NewRoot
		},
		"another entry hash":        func(c *updateLeavesCircuit) { c.EntryHash = bumped(c.EntryHash, 1) },
		"another inbox accumulator": func(c *updateLeavesCircuit) { c.InboxNext = bumped(c.InboxNext, 1) },
		"another outbox state":      func(c *updateLeavesCircuit) { c.OutboxNext = bumped(c.OutboxNext, 1) },
		// the accumulation is of the entry the slot hashed, after the
		// accumulator before
		"inbox accumulated from another accumulator": func(c *updateLeavesCircuit) {
			c.InboxBefore = bumped(c.InboxBefore, 1)
		},
		"outbox appended at another count": func(c *updateLeavesCircuit) { c.OutboxLen = 4 },
		"another address":                  func(c *updateLeavesCircuit) { c.Address = bumped(c.Address, 1) },
		"entry input changed":              func(c *updateLeavesCircuit) { c.EntryXs[5] = bumped(c.EntryXs[5], 1) },
		"address input changed":            func(c *updateLeavesCircuit) { c.AddrXs[2] = bumped(c.AddrXs[2], 1) },
		// the kind decides which side is idle
		"withdrawal read as a credit": func(c *updateLeavesCircuit) { c.IsKind = oneHot(KindCredit) },
		"credit that also changes A": func(c *updateLeavesCircuit) {
			*c = *credit()
			c.NewRoot = nativeUpdateLeaves(t, KindCredit, use(0, 9), use(bob, 2)).NewRoot
		},
		"credit that leaves B alone": func(c *updateLeavesCircuit) {
			*c = *credit()
			c.NewRoot = nativeUpdateLeaves(t, KindCredit, idle(0), idle(bob)).NewRoot
		},
		"transfer that leaves B alone": func(c *updateLeavesCircuit) {
			*c = *transfer()
			c.NewRoot = nativeUpdateLeaves(t, KindTransfer, use(alice, 1), idle(bob)).NewRoot
		},
		// B's path is read after A's update
		"transfer whose B path predates A's update": func(c *updateLeavesCircuit) {
			*c = *nativeUpdateLeaves(t, KindTransfer, use(alice, 1), use(alice+1, 2))
			stale := nativeUpdateLeaves(t, KindTransfer, idle(alice), use(alice+1, 2))
			c.B.Siblings = stale.B.Siblings
		},
	}, credit(), transfer(),
		nativeUpdateLeaves(t, KindTransfer, use(alice, 1), use(alice+1, 2)),
		nativeUpdateLeaves(t, KindSkip, same(0), idle(0)),
		nativeUpdateLeaves(t, KindBounceOut, same(0), idle(0)),
		nativeUpdateLeaves(t, KindNoop, same(0), idle(0)))
}
