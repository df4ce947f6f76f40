package gadgets

import (
	"os"
	"regexp"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
)

// specVector reads one value of the test-vector table of
// docs/spec/batch-commitment.md.
func specVector(t *testing.T, name string) fr.Element {
	t.Helper()
	spec, err := os.ReadFile("../../docs/spec/batch-commitment.md")
	require.NoError(t, err)
	re := regexp.MustCompile("(?m)^\\| `" + regexp.QuoteMeta(name) + "` \\| `([0-9a-f]{64})` \\|$")
	m := re.FindSubmatch(spec)
	require.NotNil(t, m, "vector %q not in the spec", name)
	var e fr.Element
	_, err = e.SetString("0x" + string(m[1]))
	require.NoError(t, err)
	return e
}

type vectorCircuit struct {
	Out    [2]OutboxEntry
	Pre    [protocol.BatchCommitmentArity]frontend.Variable
	W, S   frontend.Variable `gnark:",public"`
	OutH   frontend.Variable `gnark:",public"`
	Public frontend.Variable `gnark:",public"`
}

func (c *vectorCircuit) Define(api frontend.API) error {
	h, err := NewHasher(api)
	if err != nil {
		return err
	}
	w, s := h.OutboxEntryHash(c.Out[0]), h.OutboxEntryHash(c.Out[1])
	api.AssertIsEqual(w, c.W)
	api.AssertIsEqual(s, c.S)
	o := h.NewOutbox(2)
	o.Append(1, w)
	o.Append(1, s)
	api.AssertIsEqual(o.Hash(), c.OutH)
	p := c.Pre
	h.AssertBatchCommitment(c.Public, BatchCommitment{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10]})
	return nil
}

// The gadgets reproduce the spec's v2 vectors directly, not only the
// native functions.
func TestGadgets_ReproduceSpecVectors(t *testing.T) {
	out := nativeOutbox()
	pre, err := exampleCommitment().Preimage()
	require.NoError(t, err)
	a := &vectorCircuit{
		Out: [2]OutboxEntry{outboxVars(out[0]), outboxVars(out[1])},
		W:   specVector(t, "withdrawal.Hash()"), S: specVector(t, "send.Hash()"),
		OutH:   specVector(t, "OutboxHash([withdrawal, send])"),
		Public: specVector(t, "example commitment: PublicInputs()[0]"),
	}
	for i := range pre {
		a.Pre[i] = pre[i]
	}
	require.NoError(t, test.IsSolved(&vectorCircuit{}, a, ecc.BN254.ScalarField()))
}
