package payments

import (
	"crypto/sha256"
	"encoding/hex"
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

// The verifying keys (and the setup's key directories, named by the
// circuit hash) derive from the compiled constraint system: a change to it,
// even a reordering of the same constraints, is a new circuit and needs new
// keys. Small shape: a forced-capable slot and an ordinary one. At the
// registry's default (depth 24, 16 slots) the hash was 784450cf...db9cff,
// 378,691 constraints, when this was written (5c6875ce...745820 and
// 456,615 before the subroots and idle paths of issue 16).
func TestCircuit_ConstraintSystemIsPinned(t *testing.T) {
	cs, err := Compile(Params{Depth: 2, Slots: 2})
	require.NoError(t, err)
	h := sha256.New()
	_, err = cs.WriteTo(h)
	require.NoError(t, err)
	require.Equal(t, 30344, cs.GetNbConstraints())
	require.Equal(t, 2, cs.GetNbPublicVariables(), "the one and the commitment")
	require.Equal(t, "2e569f69091f38dbb69f936d4e2849972b449ec12ac90696229f713b6d798d0b", hex.EncodeToString(h.Sum(nil)),
		"the constraint system changed: the circuit needs new keys (update this only on purpose)")
}
