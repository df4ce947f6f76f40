package setup

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/devcircuit"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

var testCircuit = sync.OnceValues(func() (*circuits.Compiled, error) {
	return circuits.Compile(devcircuit.Name, nil)
})

func compiledTestCircuit(t testing.TB) *circuits.Compiled {
	t.Helper()
	c, err := testCircuit()
	require.NoError(t, err)
	return c
}

// devKeys is one development key set shared by the tests that only read
// it; tests that damage keys copy it first.
var devKeys = sync.OnceValues(func() (string, error) {
	c, err := testCircuit()
	if err != nil {
		return "", err
	}
	root, err := os.MkdirTemp("", "setup-test-keys")
	if err != nil {
		return "", err
	}
	res, err := DevSetup(c, DevSetupOptions{KeysRoot: root})
	if err != nil {
		return "", err
	}
	return res.Dir, nil
})

func sharedDevKeys(t testing.TB) string {
	t.Helper()
	dir, err := devKeys()
	require.NoError(t, err)
	return dir
}

func copyDir(t testing.TB, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	require.NoError(t, os.MkdirAll(dst, 0o755))
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, e := range entries {
		bz, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dst, e.Name()), bz, 0o644))
	}
	return dst
}

func editFile(t testing.TB, path string, edit func([]byte) []byte) {
	t.Helper()
	bz, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, edit(bytes.Clone(bz)), 0o644))
}

func editManifest(t testing.TB, dir string, edit func(*Manifest)) {
	t.Helper()
	m, err := readManifest(dir)
	require.NoError(t, err)
	edit(m)
	require.NoError(t, writeManifest(dir, m))
}

func editManifestJSON(t testing.TB, dir string, edit func(map[string]any)) {
	t.Helper()
	editFile(t, filepath.Join(dir, ManifestFile), func(bz []byte) []byte {
		var m map[string]any
		require.NoError(t, json.Unmarshal(bz, &m))
		edit(m)
		out, err := json.Marshal(m)
		require.NoError(t, err)
		return out
	})
}

// sampleCommitment is a batch statement for the test circuit.
func sampleCommitment(index uint64) protocol.BatchCommitment {
	acc := protocol.InboxAccumulatorGenesis()
	return protocol.BatchCommitment{
		ChainID:       "nativechain-test-1",
		RollupID:      "payments",
		BatchIndex:    index,
		PrevStateRoot: protocol.DAHash([]byte("root before")),
		NewStateRoot:  protocol.DAHash([]byte("root after")),
		DAHash:        protocol.DAHash([]byte("batch data")),
		InboxBefore:   acc,
		InboxAfter:    acc,
		OutboxHash:    protocol.OutboxHash(nil),
		L2TxCount:     3,
		Submitter:     bytes.Repeat([]byte{0x5a}, 20),
	}
}

// proveAndVerifyOnChain proves a statement with the loaded keys and checks
// the proof with the chain's own verifier (x/rollups/verifier).
func proveAndVerifyOnChain(t testing.TB, c *circuits.Compiled, keys *Keys) {
	t.Helper()
	stmt := sampleCommitment(7)
	assignment, err := devcircuit.Assignment(stmt)
	require.NoError(t, err)
	w, err := frontend.NewWitness(assignment, ecc.BN254.ScalarField())
	require.NoError(t, err)
	proof, err := groth16.Prove(c.CS, keys.PK, w)
	require.NoError(t, err)

	var buf bytes.Buffer
	_, err = proof.WriteTo(&buf)
	require.NoError(t, err)
	parsed, err := verifier.ParseProof(buf.Bytes())
	require.NoError(t, err)
	pub, err := stmt.PublicInputs()
	require.NoError(t, err)
	require.NoError(t, verifier.Verify(keys.ChainVK, parsed, pub))

	// And the same proof does not verify another statement.
	other, err := sampleCommitment(8).PublicInputs()
	require.NoError(t, err)
	require.ErrorIs(t, verifier.Verify(keys.ChainVK, parsed, other), verifier.ErrProofInvalid)
}
