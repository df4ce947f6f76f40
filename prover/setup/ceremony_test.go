package setup

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"
	"github.com/stretchr/testify/require"
)

var (
	beacon1 = []byte("phase one beacon: block 1000 hash")
	beacon2 = []byte("phase two beacon: block 2000 hash")
)

// TestCeremony_FullRunGivesKeysTheChainAccepts runs a whole ceremony on
// the test circuit: two contributions per phase, verification by a third
// party after each phase, finalization, then a proof with the extracted
// proving key checked by x/rollups/verifier.
func TestCeremony_FullRunGivesKeysTheChainAccepts(t *testing.T) {
	if testing.Short() {
		t.Skip("three phase-2 initialisations: tens of seconds on 2 cores")
	}
	c := compiledTestCircuit(t)
	dir := t.TempDir()
	keysRoot := t.TempDir()

	// Coordinator: initial phase-1 state.
	init1, err := CeremonyInit(c, dir)
	require.NoError(t, err)
	h, err := ReadHeader(init1)
	require.NoError(t, err)
	require.Equal(t, CeremonyDomainSize(c), h.DomainSize)
	require.Equal(t, uint32(0), h.Index)
	_, err = CeremonyInit(c, dir)
	require.Error(t, err, "init refuses to restart a ceremony")

	// Two phase-1 contributors; the default output name is the next index.
	p1a, err := Contribute(init1, "", nil, false)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(dir, "phase1_0001.bin"), p1a.Path)
	p1b, err := Contribute(p1a.Path, "", nil, false)
	require.NoError(t, err)
	require.Equal(t, uint32(2), p1b.Header.Index)

	// Anyone: verify phase 1 from the directory.
	tr, err := LoadTranscript(dir)
	require.NoError(t, err)
	var log bytes.Buffer
	rep, err := tr.Verify(&log)
	require.NoError(t, err)
	require.Len(t, rep.Phase1, 2)
	require.Equal(t, p1a.Hash, rep.Phase1[0].Hash)
	require.Equal(t, p1b.Hash, rep.Phase1[1].Hash)

	// Coordinator: seal phase 1, initialise phase 2.
	srs, init2, err := rep.FinalizePhase1(beacon1, dir, &log)
	require.NoError(t, err)
	require.FileExists(t, srs)
	require.Equal(t, filepath.Join(dir, "phase2_0000.bin"), init2)

	// Two phase-2 contributors.
	p2a, err := Contribute(init2, "", nil, false)
	require.NoError(t, err)
	p2b, err := Contribute(p2a.Path, "", nil, false)
	require.NoError(t, err)

	// Anyone: verify the whole transcript, from explicit files this time.
	tr, err = LoadTranscript(init1, p1a.Path, p1b.Path, srs, init2, p2a.Path, p2b.Path)
	require.NoError(t, err)
	rep, err = tr.Verify(&log)
	require.NoError(t, err)
	require.Len(t, rep.Phase2, 2)
	require.Equal(t, beacon1, rep.Phase1Beacon)

	// Coordinator: seal phase 2 and extract the keys.
	res, err := rep.FinalizePhase2(beacon2, keysRoot, &log)
	require.NoError(t, err)
	m := res.Manifest
	require.False(t, m.UnsafeDevSetup)
	require.Empty(t, m.Warning)
	require.NotNil(t, m.Ceremony)
	require.Equal(t, []string{p1a.Hash, p1b.Hash}, m.Ceremony.Phase1)
	require.Equal(t, []string{p2a.Hash, p2b.Hash}, m.Ceremony.Phase2)
	require.Equal(t, rep.SRSHash, m.Ceremony.SRSSHA256)

	keys, err := LoadKeys(res.Dir, c.Hash)
	require.NoError(t, err)
	proveAndVerifyOnChain(t, c, keys)

	// Anyone: the keys are exactly what the transcript and beacon give.
	require.NoError(t, rep.VerifyKeys(res.Dir, &log))

	// A dev setup will neither replace nor shadow the ceremony's keys.
	runs := devSetupRuns.Load()
	dev, err := DevSetup(c, DevSetupOptions{KeysRoot: keysRoot})
	require.NoError(t, err)
	require.True(t, dev.Reused)
	require.False(t, dev.Manifest.UnsafeDevSetup)
	require.Equal(t, runs, devSetupRuns.Load())

	// Keys from another beacon are not the transcript's.
	other := t.TempDir()
	otherRes, err := rep.FinalizePhase2([]byte("a different beacon, chosen later"), other, io.Discard)
	require.NoError(t, err)
	require.NotEqual(t, m.VerifyingKey.SHA256, otherRes.Manifest.VerifyingKey.SHA256)
	editManifest(t, otherRes.Dir, func(mm *Manifest) { mm.Ceremony.Phase2Beacon = m.Ceremony.Phase2Beacon })
	require.ErrorIs(t, rep.VerifyKeys(otherRes.Dir, io.Discard), ErrContributionInvalid)
	require.ErrorIs(t, rep.VerifyKeys(sharedDevKeys(t), io.Discard), ErrContributionInvalid, "dev keys are no ceremony's")

	t.Run("tampered contributions fail verify", func(t *testing.T) {
		testTamperedTranscripts(t, dir)
	})
}

// rewriteBody replaces a ceremony file's body and fixes up its header,
// as someone forging a contribution (rather than corrupting one) would.
func rewriteBody(t *testing.T, path string, body io.WriterTo) {
	h, err := ReadHeader(path)
	require.NoError(t, err)
	_, _, err = WriteFile(path, h, func(w io.Writer) error { _, err := body.WriteTo(w); return err })
	require.NoError(t, err)
}

func testTamperedTranscripts(t *testing.T, src string) {
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, dir string)
		want   error
	}{
		{"phase 1 byte flipped", func(t *testing.T, d string) {
			editFile(t, filepath.Join(d, "phase1_0001.bin"), func(b []byte) []byte { b[len(b)-40] ^= 1; return b })
		}, ErrCorrupted},
		{"phase 1 contribution skips its predecessor", func(t *testing.T, d string) {
			// #2 replaced by a fresh contribution on top of #0, relabelled #2.
			p, err := loadPhase1(filepath.Join(d, "phase1_0000.bin"))
			require.NoError(t, err)
			p.Contribute()
			rewriteBody(t, filepath.Join(d, "phase1_0002.bin"), p)
		}, ErrContributionInvalid},
		{"phase 1 initial state not canonical", func(t *testing.T, d string) {
			p, err := loadPhase1(filepath.Join(d, "phase1_0001.bin"))
			require.NoError(t, err)
			rewriteBody(t, filepath.Join(d, "phase1_0000.bin"), p)
		}, ErrContributionInvalid},
		{"phase 1 missing contribution", func(t *testing.T, d string) {
			require.NoError(t, os.Remove(filepath.Join(d, "phase1_0001.bin")))
		}, ErrIncompleteTranscript},
		{"srs sealed with another beacon", func(t *testing.T, d string) {
			p, err := loadPhase1(filepath.Join(d, "phase1_0002.bin"))
			require.NoError(t, err)
			commons := p.Seal([]byte("some other beacon value"))
			rewriteBody(t, filepath.Join(d, "srs.bin"), &commons)
		}, ErrContributionInvalid},
		{"phase 2 delta replaced", func(t *testing.T, d string) {
			path := filepath.Join(d, "phase2_0002.bin")
			p, err := loadPhase2(path, nil)
			require.NoError(t, err)
			p.Parameters.G1.Delta.Double(&p.Parameters.G1.Delta)
			rewriteBody(t, path, p)
		}, ErrContributionInvalid},
		{"phase 2 byte flipped", func(t *testing.T, d string) {
			editFile(t, filepath.Join(d, "phase2_0001.bin"), func(b []byte) []byte { b[len(b)-100] ^= 1; return b })
		}, ErrCorrupted},
		{"phase 2 without phase 1", func(t *testing.T, d string) {
			for _, f := range []string{"phase1_0000.bin", "phase1_0001.bin", "phase1_0002.bin"} {
				require.NoError(t, os.Remove(filepath.Join(d, f)))
			}
		}, ErrIncompleteTranscript},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyDir(t, src)
			tc.tamper(t, dir)
			tr, err := LoadTranscript(dir)
			if err == nil {
				_, err = tr.Verify(io.Discard)
			}
			require.ErrorIs(t, err, tc.want)
		})
	}
}

func TestCeremony_Phase1BodyLayoutMatchesGnark(t *testing.T) {
	// loadPhase1 reads the domain size at a fixed offset of gnark's Phase1
	// encoding before letting gnark allocate from it.
	var buf bytes.Buffer
	_, err := mpcsetup.NewPhase1(8).WriteTo(&buf)
	require.NoError(t, err)
	require.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, 8}, buf.Bytes()[phase1ProofsLen:phase1ProofsLen+8])

	dir := t.TempDir()
	path := filepath.Join(dir, "phase1_0000.bin")
	_, _, err = WriteFile(path, Header{Kind: KindPhase1, Circuit: "test", DomainSize: 16}, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
	require.NoError(t, err)
	_, err = loadPhase1(path)
	require.ErrorIs(t, err, ErrCorrupted, "header and body disagree on the domain size")
}

func TestCeremony_RefusesToSealWithoutContributions(t *testing.T) {
	c := compiledTestCircuit(t)
	dir := t.TempDir()
	_, err := CeremonyInit(c, dir)
	require.NoError(t, err)
	tr, err := LoadTranscript(dir)
	require.NoError(t, err)
	rep, err := tr.Verify(io.Discard)
	require.NoError(t, err)
	_, _, err = rep.FinalizePhase1(beacon1, dir, io.Discard)
	require.ErrorIs(t, err, ErrIncompleteTranscript)
}

func TestContribute_RefusesSealedPhase1AndKeys(t *testing.T) {
	dir := t.TempDir()
	srs := filepath.Join(dir, "srs.bin")
	_, _, err := WriteFile(srs, Header{Kind: KindSRS, DomainSize: 8}, func(w io.Writer) error { return nil })
	require.NoError(t, err)
	_, err = Contribute(srs, "", nil, false)
	require.ErrorIs(t, err, ErrWrongKind)

	_, err = Contribute(filepath.Join(sharedDevKeys(t), ProvingKeyFile), filepath.Join(dir, "x"), nil, false)
	require.ErrorIs(t, err, ErrWrongKind)
}
