package payments

import (
	"math/big"
	"slices"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/gadgets"
	"github.com/nativechain/nativechain/prover/tree"
)

// The sub-circuit tests wrap each named constraint function of the batch
// circuit alone in a small circuit, as gnark's examples/rollup tests its
// parts: the function's inputs are the small circuit's witness (derived
// values computed natively), its outputs are asserted against native
// values. Valid assignments come from batches the native builder made;
// each invalid one applies to a fresh valid one the attack the function
// prevents.

// partParams is the shape of the sub-circuits.
var partParams = testParams.WithDefaults()

// partCtx is the circuitCtx of a sub-circuit, on the test chain's domain.
func partCtx(api frontend.API) (*circuitCtx, error) {
	return newCircuitCtx(api, partParams, protocol.ChainIDDigest(testChainID), protocol.RollupIDDigest(testRollupID))
}

// checkPart asserts that the sub-circuit compiles (Groth16 on BN254) and
// that valid() and each of moreValid solve it, then that each attack, on a
// fresh valid(), makes it unsolvable.
func checkPart[C frontend.Circuit](t *testing.T, shape C, valid func() C, attacks map[string]func(C), moreValid ...C) {
	t.Helper()
	opts := []test.TestingOption{test.WithValidAssignment(valid()), test.WithCurves(ecc.BN254),
		test.WithBackends(backend.GROTH16), test.WithCompileOpts(frontend.IgnoreUnconstrainedInputs())}
	for _, v := range moreValid {
		opts = append(opts, test.WithValidAssignment(v))
	}
	test.NewAssert(t).CheckCircuit(shape, opts...)
	for name, attack := range attacks {
		t.Run(name, func(t *testing.T) {
			a := valid()
			attack(a)
			require.Error(t, test.IsSolved(shape, a, ecc.BN254.ScalarField()))
		})
	}
}

// slotShape is a SlotWitness with its Merkle paths allocated.
func slotShape() SlotWitness {
	var s SlotWitness
	s.A.Siblings = make([]frontend.Variable, partParams.PathDepth())
	s.B.Siblings = make([]frontend.Variable, partParams.PathDepth())
	return s
}

// cloneSlot copies a slot's witness, paths included, so that an attack
// leaves the batch it came from alone. A batch of more slots keeps fewer
// levels in its paths (Params.TopLevels): its paths are cut or padded with
// zeros to the sub-circuits' shape (only the account sub-circuits read
// them, from partsBatch's slots, whose paths have that shape).
func cloneSlot(s SlotWitness) SlotWitness {
	s.A.Siblings = pathShaped(s.A.Siblings)
	s.B.Siblings = pathShaped(s.B.Siblings)
	return s
}

func pathShaped(path []frontend.Variable) []frontend.Variable {
	out := make([]frontend.Variable, partParams.PathDepth())
	for i := range out {
		out[i] = 0
		if i < len(path) {
			out[i] = path[i]
		}
	}
	return out
}

// oneHot is the selectors of kind k.
func oneHot(k RecordKind) [8]frontend.Variable {
	var out [8]frontend.Variable
	for i := range out {
		out[i] = gadgets.Bool(RecordKind(i) == k)
	}
	return out
}

// setRecord makes s carry record r (selectors and fields).
func setRecord(s *SlotWitness, r Record) {
	s.IsKind = oneHot(r.Kind)
	s.From, s.To = r.From, r.To
	s.AmountExp, s.AmountMant, s.FeeExp, s.FeeMant = r.Amount.Exp, r.Amount.Mantissa, r.Fee.Exp, r.Fee.Mantissa
}

// fe is a witness value as a field element.
func fe(v frontend.Variable) fr.Element {
	var e fr.Element
	if _, err := e.SetInterface(v); err != nil {
		panic(err)
	}
	return e
}

// bigOf is a witness value as an integer in [0, p).
func bigOf(v frontend.Variable) *big.Int {
	e := fe(v)
	return e.BigInt(new(big.Int))
}

// leafOf is the leaf of key (x, y) holding balance and nonce, packed as the
// circuit packs them (so that out-of-range values wrap as they would).
func leafOf(x, y frontend.Variable, balance, nonce *big.Int) fr.Element {
	packed := new(big.Int).Add(new(big.Int).Lsh(balance, NonceBits), nonce)
	var p fr.Element
	p.SetBigInt(packed)
	return tree.Compress(tree.Compress(fe(x), fe(y)), p)
}

// subrootOf is the node that a's path (up to the subroots) opens from leaf
// at index.
func subrootOf(a AccountWitness, leaf fr.Element, index uint64) fr.Element {
	path := make([]fr.Element, len(a.Siblings))
	for i, s := range a.Siblings {
		path[i] = fe(s)
	}
	return protocol.RootFromPath(leaf, index, path)
}

// withSubroot is nodes with the subroot over index replaced by node.
func withSubroot(nodes []frontend.Variable, index uint64, node fr.Element) []frontend.Variable {
	out := slices.Clone(nodes)
	out[index>>uint(partParams.PathDepth())] = node
	return out
}

// rootOfSubroots hashes subroots up to the root.
func rootOfSubroots(nodes []frontend.Variable) fr.Element {
	level := make([]fr.Element, len(nodes))
	for i, n := range nodes {
		level[i] = fe(n)
	}
	for len(level) > 1 {
		up := make([]fr.Element, len(level)/2)
		for i := range up {
			up[i] = tree.Compress(level[2*i], level[2*i+1])
		}
		level = up
	}
	return level[0]
}

// keyHash is c(X, Y) of a witness key.
func keyHash(x, y frontend.Variable) fr.Element { return tree.Compress(fe(x), fe(y)) }

// floatOf is mantissa * 10^exp of witness fields.
func floatOf(exp, mant frontend.Variable) *big.Int {
	return Float{Exp: uint8(bigOf(exp).Uint64()), Mantissa: uint32(bigOf(mant).Uint64())}.Value()
}

// partsBatch is validBatch's batch, built natively only: slot 0 credits
// 7 to bob (2), slot 1 is alice's (1) transfer of 1000 to bob, slot 2
// bob's withdrawal of 200 to 0x55.., slot 3 alice's send of 3000 to dex.
func partsBatch(t *testing.T) *Batch {
	b, _ := validBatchUnsolved(t)
	return b
}

// partsSubroots are the subroots an account sub-circuit starts from (those
// of an empty tree; the one over the account is replaced by the node its
// path opens).
var partsSubroots = func() []frontend.Variable {
	empty := tree.EmptyHashes(partParams.PathDepth(), EmptyLeaf)[partParams.PathDepth()]
	nodes := make([]frontend.Variable, 1<<partParams.TopLevels())
	for i := range nodes {
		nodes[i] = empty
	}
	return nodes
}()

// subrootsShape allocates the subroots of a sub-circuit.
func subrootsShape() []frontend.Variable { return make([]frontend.Variable, 1<<partParams.TopLevels()) }
