package setup

import (
	"crypto/sha256"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/circuits"
)

func TestWriteFile_HeaderRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.bin")
	body := []byte("the body of a setup file")
	in := Header{
		Kind: KindSRS, Circuit: "payments", Params: "depth=24,slots=8",
		CircuitHash: circuits.CircuitHash{1, 2, 3}, DomainSize: 1 << 20, Index: 42,
		Parent: [32]byte{9, 9}, Beacon: []byte("0123456789abcdef"),
	}
	written, fileHash, err := WriteFile(path, in, func(w io.Writer) error { _, err := w.Write(body); return err })
	require.NoError(t, err)
	require.Equal(t, uint64(len(body)), written.BodyLen)
	require.Equal(t, sha256.Sum256(body), written.BodySHA256)

	got, err := ReadHeader(path)
	require.NoError(t, err)
	require.Equal(t, written, got)

	vf, err := openVerified(path, KindSRS)
	require.NoError(t, err)
	defer vf.Close()
	require.Equal(t, written, vf.Header)
	whole, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, sha256.Sum256(whole), fileHash)
	require.Equal(t, fileHash, vf.FileHash)
	rest, err := io.ReadAll(vf.f)
	require.NoError(t, err)
	require.Equal(t, body, rest, "the file is positioned at the body")

	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")
}

func TestOpenVerified_Corruptions(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.bin")
	h, _, err := WriteFile(good, Header{Kind: KindPhase1, Circuit: "test", DomainSize: 8}, func(w io.Writer) error {
		_, err := w.Write(make([]byte, 100))
		return err
	})
	require.NoError(t, err)
	hdrLen := 8 + 2 + 1 + 2 + len("test") + 2 + 32 + 8 + 4 + 32 + 2 + 8 + 32
	require.Equal(t, uint64(100), h.BodyLen)

	for _, tc := range []struct {
		name string
		edit func([]byte) []byte
		kind Kind
		want error
	}{
		{"bad magic", func(b []byte) []byte { b[0] = 'X'; return b }, KindPhase1, ErrNotSetupFile},
		{"empty file", func([]byte) []byte { return nil }, KindPhase1, ErrNotSetupFile},
		{"future version", func(b []byte) []byte { binary.BigEndian.PutUint16(b[8:], 2); return b }, KindPhase1, ErrUnsupportedVersion},
		{"unknown kind", func(b []byte) []byte { b[10] = 99; return b }, KindPhase1, ErrCorrupted},
		{"wrong kind", func(b []byte) []byte { return b }, KindProvingKey, ErrWrongKind},
		{"name length beyond bound", func(b []byte) []byte { binary.BigEndian.PutUint16(b[11:], 65); return b }, KindPhase1, ErrCorrupted},
		{"header truncated", func(b []byte) []byte { return b[:hdrLen-1] }, KindPhase1, ErrCorrupted},
		{"body truncated", func(b []byte) []byte { return b[:len(b)-1] }, KindPhase1, ErrCorrupted},
		{"trailing byte", func(b []byte) []byte { return append(b, 0) }, KindPhase1, ErrCorrupted},
		{"body byte flipped", func(b []byte) []byte { b[hdrLen+50] ^= 1; return b }, KindPhase1, ErrCorrupted},
		{"body hash flipped", func(b []byte) []byte { b[hdrLen-1] ^= 1; return b }, KindPhase1, ErrCorrupted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name+".bin")
			bz, err := os.ReadFile(good)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(path, tc.edit(bz), 0o644))
			_, err = openVerified(path, tc.kind)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestParseBeacon(t *testing.T) {
	b, err := ParseBeacon("0x" + "00112233445566778899aabbccddeeff")
	require.NoError(t, err)
	require.Len(t, b, 16)
	for _, bad := range []string{"", "zz", "0011", "0x00112233445566778899aabbccddee"} {
		_, err := ParseBeacon(bad)
		require.ErrorIs(t, err, ErrBadBeacon, bad)
	}
}
