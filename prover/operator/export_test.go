package operator

import (
	"testing"

	"github.com/nativechain/nativechain/prover/payments"
)

// What the external tests (package operator_test: the prover fleet wired
// into the operator, which imports this package) use of the internal
// test helpers.

// NewRealProofChain is the fake chain taking real proofs.
func NewRealProofChain(rollupID string, p payments.Params) *fakeChain {
	c := newFakeChain(rollupID, p)
	c.realProofs = true
	return c
}

// Deposit queues a deposit to key to in the chain's inbox.
func (c *fakeChain) Deposit(to payments.PublicKey, amount uint64) { c.deposit(to, amount, "unat") }

// Applied is how many times the chain applied batch index.
func (c *fakeChain) Applied(index uint64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.applied[index]
}

// OptionsForTest are the internal tests' options for params p.
func OptionsForTest(p payments.Params) Options {
	o := testOptions()
	o.Rollup = testRollup(p)
	return o
}

// KeyForTest is a deterministic L2 key.
func KeyForTest(t *testing.T, b byte) *payments.PrivateKey { return testKey(t, b) }

// Transfer signs a transfer for op.
func Transfer(t *testing.T, op *Operator, k *payments.PrivateKey, from, to uint32, amount, fee int64, nonce uint32) WireTx {
	return transfer(t, op, k, from, to, amount, fee, nonce)
}
