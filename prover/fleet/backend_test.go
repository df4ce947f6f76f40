package fleet

import (
	"errors"
	"testing"

	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
	"github.com/stretchr/testify/require"
)

func TestNewBackend_DefaultIsTheCPUAndUnknownNamesAreRefused(t *testing.T) {
	b, err := NewBackend("")
	require.NoError(t, err)
	require.Equal(t, BackendCPU, b.Name())
	b, err = NewBackend(BackendCPU)
	require.NoError(t, err)
	require.Equal(t, BackendCPU, b.Name())
	require.Contains(t, Backends(), BackendCPU)

	_, err = NewBackend("fpga")
	require.ErrorContains(t, err, `unknown backend "fpga"`)
	if _, built := backends[BackendICICLE]; !built {
		_, err = NewBackend(BackendICICLE)
		require.ErrorContains(t, err, "-tags icicle", "a binary without the accelerator says how to get it")
	}
}

// lyingBackend proves another statement than the one it is given: an
// accelerator with a fault.
type lyingBackend struct {
	other      witness.Witness
	prepareErr error
}

func (lyingBackend) Name() string         { return "lying" }
func (b lyingBackend) Prepare(*Key) error { return b.prepareErr }
func (b lyingBackend) Prove(k *Key, _ witness.Witness) (groth16.Proof, error) {
	return groth16.Prove(k.CS, k.PK, b.other)
}

func TestProveWith_ABackendsWrongProofIsNeverReturned(t *testing.T) {
	_, plain, _ := testKeys(t)
	w := testWitness(t, 1, false)
	bz, err := w.MarshalBinary()
	require.NoError(t, err)

	proof, err := proveWith(cpuBackend{}, plain, bz)
	require.NoError(t, err)
	require.NotEmpty(t, proof)

	_, err = proveWith(lyingBackend{other: testWitness(t, 2, false)}, plain, bz)
	require.ErrorContains(t, err, "own proof does not verify")
}

func TestNewWorker_PreparesEveryKeyOnItsBackend(t *testing.T) {
	_, plain, committed := testKeys(t)
	_, err := NewWorker(nil, []*Key{plain, committed}, WorkerOptions{Backend: lyingBackend{prepareErr: errors.New("no device")}, Logger: quietLog()})
	require.ErrorContains(t, err, "backend lying: no device")

	w, err := NewWorker(nil, []*Key{plain}, WorkerOptions{Logger: quietLog()})
	require.NoError(t, err)
	require.Equal(t, BackendCPU, w.opts.Backend.Name())
}
