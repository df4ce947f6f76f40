package devcircuit

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr/poseidon2"
	"github.com/consensys/gnark/test"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
)

func exampleCommitment() protocol.BatchCommitment {
	var one, two fr.Element
	one.SetUint64(1)
	two.SetUint64(2)
	return protocol.BatchCommitment{
		ChainID:       "nativechain-1",
		RollupID:      "payments",
		BatchIndex:    7,
		PrevStateRoot: one,
		NewStateRoot:  two,
		DAHash:        protocol.DAHash([]byte("abc")),
		InboxBefore:   protocol.InboxAccumulatorGenesis(),
		InboxAfter:    protocol.InboxAccumulatorGenesis(),
		OutboxHash:    protocol.OutboxHash(nil),
		L2TxCount:     3,
		Submitter:     []byte{0x5b, 0x5b, 0x5b, 0x5b},
	}
}

// The in-circuit gadget must agree with the native commitment.
func TestCircuit_AcceptsNativeCommitment(t *testing.T) {
	a, err := Assignment(exampleCommitment())
	require.NoError(t, err)
	require.NoError(t, test.IsSolved(&Circuit{}, a, ecc.BN254.ScalarField()))
	require.NoError(t, test.IsSolved(&CommittedCircuit{}, &CommittedCircuit{Circuit: *a}, ecc.BN254.ScalarField()))
}

func TestCircuit_RejectsAnyChangedPreimageElement(t *testing.T) {
	for i := range protocol.BatchCommitmentArity {
		a, err := Assignment(exampleCommitment())
		require.NoError(t, err)
		e := a.Preimage[i].(fr.Element)
		var one fr.Element
		one.SetOne()
		e.Add(&e, &one)
		a.Preimage[i] = e
		require.Error(t, test.IsSolved(&Circuit{}, a, ecc.BN254.ScalarField()), "element %d", i)
	}
}

// nativeFold recomputes the commitment hash over an arbitrary preimage with
// gnark-crypto's Poseidon2, to build witnesses the native API refuses.
func nativeFold(t *testing.T, pre []fr.Element) fr.Element {
	perm := poseidon2.NewPermutation(protocol.Poseidon2Width, protocol.Poseidon2FullRounds, protocol.Poseidon2PartialRounds)
	tag := protocol.TagElement(protocol.TagBatchCommitment)
	state := tag.Bytes()
	out := state[:]
	for i := range pre {
		b := pre[i].Bytes()
		var err error
		out, err = perm.Compress(out, b[:])
		require.NoError(t, err)
	}
	var e fr.Element
	require.NoError(t, e.SetBytesCanonical(out))
	return e
}

func TestCommittedCircuit_RejectsBatchIndexOver64Bits(t *testing.T) {
	pre, err := exampleCommitment().Preimage()
	require.NoError(t, err)
	pre[2].SetString("18446744073709551616") // 2^64
	a := &CommittedCircuit{}
	a.Commitment = nativeFold(t, pre)
	for i := range pre {
		a.Preimage[i] = pre[i]
	}
	// The hash alone is satisfied...
	require.NoError(t, test.IsSolved(&Circuit{}, &a.Circuit, ecc.BN254.ScalarField()))
	// ...the range check is not.
	require.Error(t, test.IsSolved(&CommittedCircuit{}, a, ecc.BN254.ScalarField()))
}
