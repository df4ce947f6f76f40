package paymentsv1

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"
)

func TestPrivateKey_SignsWhatVerifyAccepts(t *testing.T) {
	k := NewPrivateKey([32]byte{7})
	domain, msg := fr.NewElement(1), []fr.Element{fr.NewElement(2), fr.NewElement(3)}
	sig := k.Sign(domain, msg...)
	require.True(t, k.Public.Verify(sig, domain, msg...))
	require.Equal(t, sig, k.Sign(domain, msg...), "deterministic")
	require.False(t, k.Public.Verify(sig, fr.NewElement(9), msg...), "another domain")
	require.Equal(t, k.Public, NewPrivateKey([32]byte{7}).Public)
}

// The dummy key is the base point with the public scalar 1: its
// signatures verify, so the circuits can check one in every slot.
func TestDummyKey_IsTheBasePoint(t *testing.T) {
	require.Equal(t, curve.Base.X, DummyKey.Public.X)
	require.Equal(t, curve.Base.Y, DummyKey.Public.Y)
	sig := DummyKey.Sign(fr.NewElement(1), fr.NewElement(5))
	require.True(t, DummyKey.Public.Verify(sig, fr.NewElement(1), fr.NewElement(5)))
}
