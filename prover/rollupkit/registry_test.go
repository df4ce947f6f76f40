package rollupkit

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/circuits"
)

// fakeKind is a kind of a name, configured with nothing.
type fakeKind struct{ name string }

func (k fakeKind) Name() string                            { return k.name }
func (fakeKind) Circuit() string                           { return "test" }
func (fakeKind) Configure(circuits.Params) (Rollup, error) { return nil, nil }

func TestRegistry_LookupListsTheRegisteredKinds(t *testing.T) {
	require.NoError(t, Register(fakeKind{"fake-b"}))
	require.NoError(t, Register(fakeKind{"fake-a"}))
	k, err := Lookup("fake-a")
	require.NoError(t, err)
	require.Equal(t, "fake-a", k.Name())
	require.Subset(t, Names(), []string{"fake-a", "fake-b"})
	require.IsIncreasing(t, Names())

	_, err = Lookup("exchange-v0")
	require.ErrorIs(t, err, ErrUnknownKind)
	require.ErrorContains(t, err, "fake-a, fake-b")

	require.ErrorIs(t, Register(fakeKind{"fake-a"}), ErrKindRegistered)
	require.ErrorIs(t, Register(fakeKind{"bad name"}), ErrInvalidKind)
	require.ErrorIs(t, Register(fakeKind{""}), ErrInvalidKind)
	require.ErrorIs(t, Register(nil), ErrInvalidKind)
}

func TestAPIError_CodeAndMessage(t *testing.T) {
	e := NewAPIError(CodeBadNonce, "nonce %d", 3)
	require.Equal(t, "bad_nonce: nonce 3", e.Error())
}
