package payments

import (
	"math/big"
	"slices"
	"testing"

	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/gadgets"
	"github.com/nativechain/nativechain/prover/tree"
)

// debitAccountCircuit wraps debitAccount and updateLeaf: account A, what
// it pays, where it sits and the tree's subroots and root before and
// after.
type debitAccountCircuit struct {
	A                                AccountWitness
	UseA, Amount, Fee, Index, PkHash frontend.Variable
	Subroots                         []frontend.Variable
	Root, NewRoot                    frontend.Variable
}

func (c *debitAccountCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	subroots := ctx.h.OpenSubroots(c.Root, c.Subroots)
	pkHash, u := ctx.debitAccount(&c.A, c.UseA, c.Amount, c.Fee, api.ToBinary(c.Index, partParams.Depth))
	ctx.updateLeaf(subroots, u)
	api.AssertIsEqual(pkHash, c.PkHash)
	api.AssertIsEqual(subroots.Root(), c.NewRoot)
	return nil
}

// expectRoots sets the subroots and roots natively from A, the debit and
// the index: the parts batch's subroots, with the one over A's leaf the
// node A's path opens.
func (c *debitAccountCircuit) expectRoots() {
	a, index := c.A, bigOf(c.Index).Uint64()
	bal, nonce := bigOf(a.Balance), bigOf(a.Nonce)
	c.PkHash = keyHash(a.X, a.Y)
	c.Subroots = withSubroot(partsSubroots, index, subrootOf(a, leafOf(a.X, a.Y, bal, nonce), index))
	c.Root = rootOfSubroots(c.Subroots)
	if bigOf(c.UseA).Sign() != 0 {
		bal = new(big.Int).Sub(bal, new(big.Int).Add(bigOf(c.Amount), bigOf(c.Fee)))
		nonce = new(big.Int).Add(nonce, big.NewInt(1))
	}
	c.NewRoot = rootOfSubroots(withSubroot(c.Subroots, index, subrootOf(a, leafOf(a.X, a.Y, bal, nonce), index)))
}

func TestDebitAccount_PaysFromTheLeafInTheTree(t *testing.T) {
	b := partsBatch(t)
	slot := func(i int) *debitAccountCircuit {
		s := cloneSlot(b.Assignment.Slots[i])
		c := &debitAccountCircuit{A: s.A, UseA: 1, Amount: floatOf(s.AmountExp, s.AmountMant), Fee: floatOf(s.FeeExp, s.FeeMant), Index: s.From}
		if b.Records[i].Kind == KindCredit {
			c.UseA = 0
		}
		c.expectRoots()
		return c
	}
	consistent := func(f func(c *debitAccountCircuit)) func(*debitAccountCircuit) {
		return func(c *debitAccountCircuit) { f(c); c.expectRoots() }
	}
	checkPart(t, &debitAccountCircuit{A: slotShape().A, Subroots: subrootsShape()}, func() *debitAccountCircuit { return slot(1) },
		map[string]func(*debitAccountCircuit){
			// the balance would wrap to p - x
			"overdraft": consistent(func(c *debitAccountCircuit) {
				c.Amount = new(big.Int).Add(bigOf(c.A.Balance), big.NewInt(1))
			}),
			// nonce 2^32 - 1 + 1 carries into the balance: a free coin
			"nonce wraps": consistent(func(c *debitAccountCircuit) { c.A.Nonce = uint64(1)<<NonceBits - 1 }),
			// the roots below are from the leaf as it is: a witness that
			// claims more, another path or index opens another root
			"balance the leaf does not hold": func(c *debitAccountCircuit) { c.A.Balance = new(big.Int).Add(bigOf(c.A.Balance), big.NewInt(1000)) },
			"nonce the leaf does not hold":   func(c *debitAccountCircuit) { c.A.Nonce = bumped(c.A.Nonce, 1) },
			"wrong Merkle path": func(c *debitAccountCircuit) {
				c.A.Siblings = slices.Clone(c.A.Siblings)
				c.A.Siblings[3] = bumped(c.A.Siblings[3], 1)
			},
			"another index": func(c *debitAccountCircuit) { c.Index = 2 },
			// the path's node is right, but not where the index puts it
			"another subroot": func(c *debitAccountCircuit) { c.Index = bumped(c.Index, 1<<partParams.PathDepth()) },
			"subroots that are not the root's": func(c *debitAccountCircuit) {
				c.Subroots = slices.Clone(c.Subroots)
				c.Subroots[len(c.Subroots)-1] = bumped(c.Subroots[len(c.Subroots)-1], 1)
			},
			"another key": func(c *debitAccountCircuit) {
				k := testKey(3).Public
				c.A.X, c.A.Y, c.PkHash = k.X, k.Y, keyHash(k.X, k.Y)
			},
		}, slot(0), slot(2), slot(3))
}

// creditAccountCircuit wraps creditAccount and updateLeaf: the slot (its
// kind, account B, Create and entry), the transfer amount, B's index and
// the tree's subroots and root before and after.
type creditAccountCircuit struct {
	S                     SlotWitness
	Amount, Index, PkHash frontend.Variable
	Subroots              []frontend.Variable
	Root, NewRoot         frontend.Variable
}

func (c *creditAccountCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	subroots := ctx.h.OpenSubroots(c.Root, c.Subroots)
	pkHash, u := ctx.creditAccount(&c.S, ctx.kindSelectors(c.S.IsKind), c.Amount, api.ToBinary(c.Index, partParams.Depth))
	ctx.updateLeaf(subroots, u)
	api.AssertIsEqual(pkHash, c.PkHash)
	api.AssertIsEqual(subroots.Root(), c.NewRoot)
	return nil
}

// expectRoots sets the subroots and roots natively from B and the credit.
func (c *creditAccountCircuit) expectRoots() {
	s, index := &c.S, bigOf(c.Index).Uint64()
	b := s.B
	bal, nonce := bigOf(b.Balance), bigOf(b.Nonce)
	c.PkHash = keyHash(b.X, b.Y)
	oldLeaf := leafOf(b.X, b.Y, bal, nonce)
	if bigOf(s.Create).Sign() != 0 {
		oldLeaf = EmptyLeaf
	}
	c.Subroots = withSubroot(partsSubroots, index, subrootOf(b, oldLeaf, index))
	c.Root = rootOfSubroots(c.Subroots)
	credit := new(big.Int)
	if bigOf(s.IsKind[KindTransfer]).Sign() != 0 {
		credit = bigOf(c.Amount)
	} else if bigOf(s.IsKind[KindCredit]).Sign() != 0 {
		credit = bigOf(s.Entry.Amount)
	}
	c.NewRoot = rootOfSubroots(withSubroot(c.Subroots, index, subrootOf(b, leafOf(b.X, b.Y, new(big.Int).Add(bal, credit), nonce), index)))
}

func TestCreditAccount_CreditsAnAccountOnTheCurve(t *testing.T) {
	b := partsBatch(t)
	slotOf := func(b *Batch, i int) *creditAccountCircuit {
		s := cloneSlot(b.Assignment.Slots[i])
		c := &creditAccountCircuit{S: s, Amount: floatOf(s.AmountExp, s.AmountMant), Index: s.To}
		c.expectRoots()
		return c
	}
	// the first batch of deposits creates the accounts
	r := newRollup(t, testParams)
	r.deposit(testKey(1).Public, 1)
	r.deposit(testKey(2).Public, 10)
	created := r.build()
	consistent := func(f func(c *creditAccountCircuit)) func(*creditAccountCircuit) {
		return func(c *creditAccountCircuit) { f(c); c.expectRoots() }
	}
	checkPart(t, &creditAccountCircuit{S: slotShape(), Subroots: subrootsShape()}, func() *creditAccountCircuit { return slotOf(b, 0) },
		map[string]func(*creditAccountCircuit){
			// the balance would pass 2^128 and spill into the leaf's nonce
			"balance overflow": consistent(func(c *creditAccountCircuit) {
				c.S.B.Balance = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), BalanceBits), big.NewInt(1))
			}),
			// Create opens an empty leaf: over bob's, it would replace him
			"create over an existing account": func(c *creditAccountCircuit) {
				c.S.Create, c.S.B.Balance, c.S.B.Nonce = 1, big.NewInt(0), 0
				c.NewRoot = rootOfSubroots(withSubroot(c.Subroots, 2, subrootOf(c.S.B, leafOf(c.S.B.X, c.S.B.Y, big.NewInt(7), big.NewInt(0)), 2)))
			},
			"create with a balance": consistent(func(c *creditAccountCircuit) { c.S.Create = 1 }),
			"create on a transfer": consistent(func(c *creditAccountCircuit) {
				*c = *slotOf(b, 1)
				c.S.Create = 1
			}),
			"create that is not a bit": consistent(func(c *creditAccountCircuit) { c.S.Create = 2 }),
			// a key off the curve has no discrete log: the coins would be stuck
			"key off the curve": consistent(func(c *creditAccountCircuit) { c.S.B.X = bumped(c.S.B.X, 1) }),
			"wrong Merkle path": func(c *creditAccountCircuit) {
				c.S.B.Siblings[0] = bumped(c.S.B.Siblings[0], 1)
			},
			"credit more than the entry": func(c *creditAccountCircuit) {
				c.S.Entry.Amount = new(big.Int).Add(bigOf(c.S.Entry.Amount), big.NewInt(1))
			},
		}, slotOf(b, 1), slotOf(b, 2), slotOf(created, 0), slotOf(created, 1))
}

// addressDigestCircuit wraps addressDigest: a key, the split of its
// address and its digest.
type addressDigestCircuit struct {
	S            SlotWitness
	X, Y, Digest frontend.Variable
}

func (c *addressDigestCircuit) Define(api frontend.API) error {
	ctx, err := partCtx(api)
	if err != nil {
		return err
	}
	api.AssertIsEqual(ctx.addressDigest(&c.S, c.X, c.Y), c.Digest)
	return nil
}

func TestAddressDigest_IsTheKeysAddressDigest(t *testing.T) {
	b := partsBatch(t)
	alice, bob := testKey(2).Public, testKey(3).Public
	valid := func() *addressDigestCircuit {
		return &addressDigestCircuit{S: cloneSlot(b.Assignment.Slots[1]), X: alice.X, Y: alice.Y,
			Digest: protocol.AddressDigest(alice.Address())}
	}
	// the digest of the chunks a split gives, canonical or not
	chunked := func(c *addressDigestCircuit) {
		s := &c.S
		c1 := new(big.Int).Add(new(big.Int).Lsh(bigOf(s.AddrXLo), 240), bigOf(s.AddrYHi))
		c2 := new(big.Int).Lsh(bigOf(s.AddrYLo), 232)
		c.Digest = tree.Chain(fe(gadgets.AddressDigestStart), fe(s.AddrXHi), fe(c1), fe(c2))
	}
	checkPart(t, &addressDigestCircuit{S: slotShape()}, valid, map[string]func(*addressDigestCircuit){
		// the same key, but chunks that hash as another address
		"X split off its byte boundary": func(c *addressDigestCircuit) {
			c.S.AddrXHi, c.S.AddrXLo = bumped(c.S.AddrXHi, -1), bumped(c.S.AddrXLo, 256)
			chunked(c)
		},
		"Y split off its byte boundary": func(c *addressDigestCircuit) {
			c.S.AddrYHi, c.S.AddrYLo = bumped(c.S.AddrYHi, -1), bumped(c.S.AddrYLo, 1<<16)
			chunked(c)
		},
		"another key's address": func(c *addressDigestCircuit) {
			c.S.AddrXHi, c.S.AddrXLo, c.S.AddrYHi, c.S.AddrYLo = gadgets.SplitAddress(bob)
			c.Digest = protocol.AddressDigest(bob.Address())
		},
	})
}
