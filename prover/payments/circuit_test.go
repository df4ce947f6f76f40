package payments

import (
	"testing"

	"github.com/consensys/gnark/constraint"

	"github.com/stretchr/testify/require"
)

func TestCircuit_AcceptsDepositsTransfersWithdrawalsAndSends(t *testing.T) {
	r := newRollup(t, testParams)
	op, alice, bob := testKey(1), testKey(2), testKey(3)
	r.deposit(op.Public, 1)
	r.deposit(alice.Public, 1_000_000)
	r.deposit(bob.Public, 500)
	b := r.build()
	require.Equal(t, uint64(3), b.InboxConsumed)
	require.NoError(t, solved(t, testParams, b))

	b = r.build(
		r.transfer(alice, 1, 2, 1000, 10),
		r.withdraw(bob, 2, 200, 1, l1Addr(0x55)),
	)
	require.Empty(t, b.Rejected)
	require.Len(t, b.Outbox, 2, "the withdrawal and the fees to the submitter")
	require.NoError(t, solved(t, testParams, b))

	b = r.build(r.send(alice, 1, 5000, 3, "dex", testKey(9).Public.Address()))
	require.Empty(t, b.Rejected)
	require.NoError(t, solved(t, testParams, b))
}

// The chain's verifier accepts at most one BSB22 commitment: the range
// checks and the scalar multiplication's lookups must share it.
func TestCircuit_HasOneCommitment(t *testing.T) {
	cs, err := Compile(testParams)
	require.NoError(t, err)
	require.Len(t, cs.GetCommitments().(constraint.Groth16Commitments), 1)
}
