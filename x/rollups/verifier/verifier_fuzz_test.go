package verifier

import (
	"bytes"
	"testing"

	errorsmod "cosmossdk.io/errors"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"
)

// The fuzz targets below take untrusted bytes exactly as a transaction
// delivers them. Each must return a registered verifier error or a value
// whose canonical encoding is the input; none may panic. Plain `go test`
// runs the f.Add seeds and the committed corpus in testdata/fuzz/.

// requireVerifierError fails unless err is one of this package's
// registered errors (so it reaches the user as a typed ABCI code).
func requireVerifierError(t *testing.T, err error) {
	t.Helper()
	codespace, code, _ := errorsmod.ABCIInfo(err, false)
	require.Equal(t, Codespace, codespace, "untyped error: %v", err)
	require.Greater(t, code, uint32(1), "untyped error: %v", err)
}

func FuzzValidateVerifyingKey(f *testing.F) {
	fx := loadFixtures(f)
	for _, raw := range [][]byte{fx.vkRaw, fx.vkCommitRaw} {
		f.Add(raw, uint8(nbPublic))
		f.Add(raw[:len(raw)-1], uint8(nbPublic))
		f.Add(append(bytes.Clone(raw), 0), uint8(nbPublic))
		f.Add(raw, uint8(2))
		f.Add(withByte(raw, vkFixedSize+3, 0xff), uint8(nbPublic)) // K count
	}
	f.Add([]byte{}, uint8(1))
	f.Add(make([]byte, vkFixedSize+4), uint8(0))

	f.Fuzz(func(t *testing.T, bz []byte, wantPublic uint8) {
		vk, err := ValidateVerifyingKey(bz, maxVKBytes, int(wantPublic))
		if err != nil {
			require.Nil(t, vk)
			requireVerifierError(t, err)
			return
		}
		// Accepted: the key is exactly its canonical encoding, gnark's
		// encoder agrees, and validating it again gives the same key.
		require.Equal(t, bz, vk.Bytes())
		require.Equal(t, int(wantPublic), vk.NbPublic())
		var buf bytes.Buffer
		_, err = vk.vk.WriteTo(&buf)
		require.NoError(t, err)
		require.Equal(t, bz, buf.Bytes(), "gnark re-encodes an accepted key to the same bytes")
		again, err := ValidateVerifyingKey(vk.Bytes(), maxVKBytes, int(wantPublic))
		require.NoError(t, err)
		require.Equal(t, vk.Hash(), again.Hash())
	})
}

func FuzzParseProof(f *testing.F) {
	fx := loadFixtures(f)
	for _, p := range fx.proofs {
		f.Add(p.raw)
		f.Add(p.raw[:len(p.raw)-1])
		f.Add(withByte(p.raw, 0, p.raw[0]^0x01))      // Ar moved, usually off the curve
		f.Add(withByte(p.raw, offProofCount+3, 0x02)) // commitment count
	}
	f.Add([]byte{})
	f.Add(make([]byte, ProofSize))
	f.Add(make([]byte, MaxProofSize))

	f.Fuzz(func(t *testing.T, bz []byte) {
		p, err := ParseProof(bz)
		if err != nil {
			require.Nil(t, p)
			requireVerifierError(t, err)
			return
		}
		require.Equal(t, bz, p.Bytes())
		var buf bytes.Buffer
		_, err = p.p.WriteTo(&buf)
		require.NoError(t, err)
		require.Equal(t, bz, buf.Bytes(), "gnark re-encodes an accepted proof to the same bytes")
	})
}

// FuzzVerify checks a parsed proof against the fixture keys with a fuzzed
// public input: whatever the bytes, the answer is nil or a typed error, and
// a fixture proof with its own inputs always verifies.
func FuzzVerify(f *testing.F) {
	fx := loadFixtures(f)
	for _, p := range fx.proofs {
		in := p.pub[0].Bytes()
		f.Add(p.raw, in[:], p.vk == fx.vkCommit)
		f.Add(p.raw, make([]byte, fr.Bytes), p.vk == fx.vkCommit)
		f.Add(p.raw, in[:], p.vk != fx.vkCommit) // the other key
	}

	f.Fuzz(func(t *testing.T, proofBz, input []byte, commitKey bool) {
		proof, err := ParseProof(proofBz)
		if err != nil {
			requireVerifierError(t, err)
			return
		}
		vk := fx.vk
		if commitKey {
			vk = fx.vkCommit
		}
		var x fr.Element
		x.SetBytes(input) // reduces: any bytes give a field element
		err = Verify(vk, proof, []fr.Element{x})
		if err != nil {
			requireVerifierError(t, err)
		}
		for _, p := range fx.proofs {
			if bytes.Equal(p.raw, proofBz) && p.vk == vk && p.pub[0].Equal(&x) {
				require.NoError(t, err, "a fixture proof with its own statement verifies")
			}
		}
	})
}
