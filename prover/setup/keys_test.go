package setup

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/circuits"
)

func TestDevSetup_WritesCheckedKeysThatProveForTheChain(t *testing.T) {
	c := compiledTestCircuit(t)
	dir := sharedDevKeys(t)

	keys, err := LoadKeys(dir, c.Hash)
	require.NoError(t, err)
	m := keys.Manifest
	require.True(t, m.UnsafeDevSetup)
	require.Contains(t, m.Warning, "UNSAFE")
	require.Equal(t, c.Hash.String(), m.CircuitHash)
	require.Equal(t, "test", m.Circuit)
	require.Equal(t, "commitment=false", m.Params)
	require.Equal(t, c.CS.GetNbConstraints(), m.NbConstraints)
	require.Equal(t, 1, m.NbPublicInputs)
	require.Nil(t, m.Ceremony)

	// vk.bin is the bare compressed key the chain stores, and the manifest
	// records the same hash the chain will print.
	vkBytes, err := os.ReadFile(filepath.Join(dir, VerifyingKeyFile))
	require.NoError(t, err)
	require.Equal(t, keys.VKBytes, vkBytes)
	chainHash := keys.ChainVK.Hash()
	require.Equal(t, hex.EncodeToString(chainHash[:]), m.VerifyingKey.SHA256)
	require.Equal(t, int64(len(vkBytes)), m.VerifyingKey.Bytes)

	proveAndVerifyOnChain(t, c, keys)
}

func TestDevSetup_SecondRunReusesTheCache(t *testing.T) {
	c := compiledTestCircuit(t)
	root := t.TempDir()

	before := devSetupRuns.Load()
	first, err := DevSetup(c, DevSetupOptions{KeysRoot: root})
	require.NoError(t, err)
	require.False(t, first.Reused)
	require.Equal(t, before+1, devSetupRuns.Load())
	require.Equal(t, KeyDir(root, c.Hash), first.Dir)
	pkInfo, err := os.Stat(filepath.Join(first.Dir, ProvingKeyFile))
	require.NoError(t, err)

	var log bytes.Buffer
	second, err := DevSetup(c, DevSetupOptions{KeysRoot: root, Log: &log})
	require.NoError(t, err)
	require.True(t, second.Reused)
	require.Equal(t, before+1, devSetupRuns.Load(), "a cache hit runs no setup")
	require.Empty(t, log.String())
	require.Equal(t, first.Manifest, second.Manifest)
	again, err := os.Stat(filepath.Join(first.Dir, ProvingKeyFile))
	require.NoError(t, err)
	require.Equal(t, pkInfo.ModTime(), again.ModTime(), "the cached proving key is not rewritten")

	forced, err := DevSetup(c, DevSetupOptions{KeysRoot: root, Force: true, Log: &log})
	require.NoError(t, err)
	require.False(t, forced.Reused)
	require.Equal(t, before+2, devSetupRuns.Load())
	require.NotEqual(t, first.Manifest.VerifyingKey.SHA256, forced.Manifest.VerifyingKey.SHA256, "a fresh setup has fresh randomness")
	require.Contains(t, log.String(), "UNSAFE dev setup")
	require.Contains(t, log.String(), "done in")

	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary or old directories are left behind")
}

func TestDevSetup_DamagedCacheIsAnErrorUntilForced(t *testing.T) {
	c := compiledTestCircuit(t)
	root := t.TempDir()
	dir := KeyDir(root, c.Hash)
	require.NoError(t, os.MkdirAll(root, 0o755))
	require.NoError(t, os.CopyFS(dir, os.DirFS(sharedDevKeys(t))))
	editFile(t, filepath.Join(dir, VerifyingKeyFile), func(b []byte) []byte { b[len(b)-1] ^= 1; return b })

	runs := devSetupRuns.Load()
	_, err := DevSetup(c, DevSetupOptions{KeysRoot: root})
	require.ErrorIs(t, err, ErrCorrupted)
	require.Equal(t, runs, devSetupRuns.Load())

	res, err := DevSetup(c, DevSetupOptions{KeysRoot: root, Force: true})
	require.NoError(t, err)
	_, err = CheckKeys(res.Dir, c.Hash)
	require.NoError(t, err)
}

func TestDevSetup_NeverReplacesCeremonyKeys(t *testing.T) {
	c := compiledTestCircuit(t)
	root := t.TempDir()
	dir := KeyDir(root, c.Hash)
	require.NoError(t, os.MkdirAll(root, 0o755))
	require.NoError(t, os.CopyFS(dir, os.DirFS(sharedDevKeys(t))))
	editManifest(t, dir, func(m *Manifest) { m.UnsafeDevSetup = false; m.Ceremony = &CeremonyRecord{} })

	res, err := DevSetup(c, DevSetupOptions{KeysRoot: root})
	require.NoError(t, err)
	require.True(t, res.Reused, "ceremony keys satisfy a dev setup request")

	_, err = DevSetup(c, DevSetupOptions{KeysRoot: root, Force: true})
	require.ErrorIs(t, err, ErrCeremonyKeysPresent)

	editFile(t, filepath.Join(dir, ProvingKeyFile), func(b []byte) []byte { return b[:len(b)-1] })
	_, err = DevSetup(c, DevSetupOptions{KeysRoot: root, Force: true})
	require.ErrorIs(t, err, ErrCeremonyKeysPresent, "not even when they are damaged")
}

// pkHeaderLen is the header length of the test circuit's pk.bin.
func pkHeaderLen(t testing.TB, dir string) int {
	h, err := ReadHeader(filepath.Join(dir, ProvingKeyFile))
	require.NoError(t, err)
	return 8 + 2 + 1 + 2 + len(h.Circuit) + 2 + len(h.Params) + 32 + 8 + 4 + 32 + 2 + len(h.Beacon) + 8 + 32
}

// rehashPK rewrites pk.bin's header body hash (as a careful forger would)
// and returns the file.
func rehashPK(t testing.TB, dir string, edit func(body []byte)) {
	path := filepath.Join(dir, ProvingKeyFile)
	n := pkHeaderLen(t, dir)
	editFile(t, path, func(b []byte) []byte {
		edit(b[n:])
		sum := sha256.Sum256(b[n:])
		copy(b[n-32:n], sum[:])
		return b
	})
}

func TestLoadKeys_RejectsEveryCorruption(t *testing.T) {
	c := compiledTestCircuit(t)
	src := sharedDevKeys(t)
	otherHash := c.Hash
	otherHash[0] ^= 0xff

	other := t.TempDir()
	otherSet, err := DevSetup(c, DevSetupOptions{KeysRoot: other})
	require.NoError(t, err)

	pk := func(dir string) string { return filepath.Join(dir, ProvingKeyFile) }
	vk := func(dir string) string { return filepath.Join(dir, VerifyingKeyFile) }

	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   circuits.CircuitHash
		err    error
	}{
		{"expected another circuit", func(*testing.T, string) {}, otherHash, ErrWrongCircuit},
		{"no manifest", func(t *testing.T, d string) { require.NoError(t, os.Remove(filepath.Join(d, ManifestFile))) }, c.Hash, ErrKeysNotFound},
		{"manifest not json", func(t *testing.T, d string) {
			require.NoError(t, os.WriteFile(filepath.Join(d, ManifestFile), []byte("{"), 0o644))
		}, c.Hash, ErrCorrupted},
		{"manifest from the future", func(t *testing.T, d string) { editManifest(t, d, func(m *Manifest) { m.Format = 2 }) }, c.Hash, ErrUnsupportedVersion},
		{"manifest points outside", func(t *testing.T, d string) {
			editManifestJSON(t, d, func(m map[string]any) { m["proving_key"].(map[string]any)["file"] = "../pk.bin" })
		}, c.Hash, ErrCorrupted},
		{"manifest for another circuit", func(t *testing.T, d string) {
			editManifest(t, d, func(m *Manifest) { m.CircuitHash = otherHash.String() })
		}, c.Hash, ErrWrongCircuit},
		{"vk missing", func(t *testing.T, d string) { require.NoError(t, os.Remove(vk(d))) }, c.Hash, ErrKeysNotFound},
		{"vk byte flipped", func(t *testing.T, d string) { editFile(t, vk(d), func(b []byte) []byte { b[40] ^= 1; return b }) }, c.Hash, ErrCorrupted},
		{"vk the chain rejects", func(t *testing.T, d string) {
			bad := []byte("not a verifying key")
			require.NoError(t, os.WriteFile(vk(d), bad, 0o644))
			sum := sha256.Sum256(bad)
			editManifest(t, d, func(m *Manifest) { m.VerifyingKey.SHA256 = hex.EncodeToString(sum[:]) })
		}, c.Hash, ErrVerifyingKeyRejected},
		{"vk from another setup", func(t *testing.T, d string) {
			bz, err := os.ReadFile(vk(otherSet.Dir))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(vk(d), bz, 0o644))
			editManifest(t, d, func(m *Manifest) { m.VerifyingKey = otherSet.Manifest.VerifyingKey })
		}, c.Hash, ErrCorrupted},
		{"pk missing", func(t *testing.T, d string) { require.NoError(t, os.Remove(pk(d))) }, c.Hash, ErrKeysNotFound},
		{"pk bad magic", func(t *testing.T, d string) { editFile(t, pk(d), func(b []byte) []byte { b[1] = 'X'; return b }) }, c.Hash, ErrNotSetupFile},
		{"pk future version", func(t *testing.T, d string) {
			editFile(t, pk(d), func(b []byte) []byte { binary.BigEndian.PutUint16(b[8:], 9); return b })
		}, c.Hash, ErrUnsupportedVersion},
		{"pk is another kind", func(t *testing.T, d string) {
			editFile(t, pk(d), func(b []byte) []byte { b[10] = byte(KindPhase2); return b })
		}, c.Hash, ErrWrongKind},
		{"pk header for another circuit", func(t *testing.T, d string) {
			off := 8 + 2 + 1 + 2 + len("test") + 2 + len("commitment=false")
			editFile(t, pk(d), func(b []byte) []byte { b[off] ^= 0xff; return b })
		}, c.Hash, ErrWrongCircuit},
		{"pk truncated", func(t *testing.T, d string) { editFile(t, pk(d), func(b []byte) []byte { return b[:len(b)-7] }) }, c.Hash, ErrCorrupted},
		{"pk trailing bytes", func(t *testing.T, d string) { editFile(t, pk(d), func(b []byte) []byte { return append(b, 1, 2) }) }, c.Hash, ErrCorrupted},
		{"pk body byte flipped", func(t *testing.T, d string) {
			editFile(t, pk(d), func(b []byte) []byte { b[len(b)/2] ^= 1; return b })
		}, c.Hash, ErrCorrupted},
		{"pk body changed, header rehashed", func(t *testing.T, d string) {
			rehashPK(t, d, func(body []byte) { body[len(body)/2] ^= 1 })
		}, c.Hash, ErrCorrupted},
		{"pk from another setup", func(t *testing.T, d string) {
			bz, err := os.ReadFile(pk(otherSet.Dir))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(pk(d), bz, 0o644))
			editManifest(t, d, func(m *Manifest) { m.ProvingKey = otherSet.Manifest.ProvingKey })
		}, c.Hash, ErrCorrupted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, src)
			tc.damage(t, dir)
			_, err := LoadKeys(dir, tc.want)
			require.ErrorIs(t, err, tc.err)
		})
	}
}

func TestLoadKeys_RawProvingKeyDecodesToTheSameKey(t *testing.T) {
	c := compiledTestCircuit(t)
	keys, err := LoadKeys(sharedDevKeys(t), c.Hash)
	require.NoError(t, err)

	var viaCompressed, viaRaw bytes.Buffer
	_, err = keys.PK.WriteTo(&viaCompressed)
	require.NoError(t, err)
	raw := keys.PK.(interface {
		WriteRawTo(io.Writer) (int64, error)
	})
	_, err = raw.WriteRawTo(&viaRaw)
	require.NoError(t, err)

	h, err := ReadHeader(filepath.Join(keys.Dir, ProvingKeyFile))
	require.NoError(t, err)
	require.Equal(t, sha256.Sum256(viaRaw.Bytes()), h.BodySHA256, "re-encoding the loaded key gives the file's body")
	require.Less(t, viaCompressed.Len(), viaRaw.Len())
}
