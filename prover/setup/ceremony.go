package setup

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/groth16/bn254/mpcsetup"

	"github.com/nativechain/nativechain/prover/circuits"
)

// MinBeaconBytes is the shortest beacon accepted: a block hash or a drand
// round is 32 bytes.
const MinBeaconBytes = 16

// maxDomainLog2 bounds the domain size a ceremony file may claim, so that a
// hostile header cannot make a reader allocate without bound. 2^26
// constraints is far beyond anything a rollup batch circuit here needs.
const maxDomainLog2 = 26

// phase1ProofsLen is the three update proofs (G1 commitment + G2 proof of
// knowledge, compressed) that precede the SRS in a Phase1 body.
const phase1ProofsLen = 3 * (32 + 64)

// CeremonyFileName is the conventional name of a ceremony file.
func CeremonyFileName(kind Kind, index uint32) string {
	switch kind {
	case KindPhase1:
		return fmt.Sprintf("phase1_%04d.bin", index)
	case KindPhase2:
		return fmt.Sprintf("phase2_%04d.bin", index)
	case KindSRS:
		return "srs.bin"
	}
	return fmt.Sprintf("unknown_%04d.bin", index)
}

// ParseBeacon reads the beacon flag: hex, at least MinBeaconBytes.
func ParseBeacon(s string) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		return nil, fmt.Errorf("%w: not hex: %v", ErrBadBeacon, err)
	}
	if len(b) < MinBeaconBytes || len(b) > maxBeaconLen {
		return nil, fmt.Errorf("%w: %d bytes, want %d to %d", ErrBadBeacon, len(b), MinBeaconBytes, maxBeaconLen)
	}
	return b, nil
}

// CeremonyDomainSize is the phase-1 domain size for c: the next power of
// two at or above its constraint count.
func CeremonyDomainSize(c *circuits.Compiled) uint64 {
	return ecc.NextPowerOfTwo(uint64(c.CS.GetNbConstraints()))
}

// CeremonyInit writes the initial phase-1 state (index 0) for circuit c
// into dir and returns its path. Phase 1 depends only on the domain size:
// the circuit is recorded so that finalize knows what phase 2 is for.
func CeremonyInit(c *circuits.Compiled, dir string) (string, error) {
	n := CeremonyDomainSize(c)
	if err := checkDomain(n); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, CeremonyFileName(KindPhase1, 0))
	if _, err := os.Stat(path); err == nil {
		return "", fmt.Errorf("%s already exists: a ceremony has started in %s", path, dir)
	}
	h := Header{Kind: KindPhase1, Circuit: c.Name, Params: c.Params.Canonical(), CircuitHash: c.Hash, DomainSize: n}
	_, _, err := WriteFile(path, h, func(w io.Writer) error {
		_, err := mpcsetup.NewPhase1(n).WriteTo(w)
		return err
	})
	return path, err
}

func checkDomain(n uint64) error {
	if n < 2 || n > 1<<maxDomainLog2 || n&(n-1) != 0 {
		return fmt.Errorf("%w: domain size %d is not a power of two in [2, 2^%d]", ErrCorrupted, n, maxDomainLog2)
	}
	return nil
}

// ContributionResult is what a contributor publishes.
type ContributionResult struct {
	Path   string
	Header Header
	// Hash is the SHA-256 of the new state (the file body); the next
	// contribution commits to it as its challenge, and the final manifest
	// lists it. Contributors publish it so they can find their
	// contribution in the transcript.
	Hash string
}

// Contribute reads a phase-1 or phase-2 state, adds fresh randomness
// (gnark's Contribute: crypto/rand, with a proof of knowledge bound to
// the previous state's hash) and writes the next state to out. The
// randomness lives only in this process and is dropped when it returns.
func Contribute(in, out string, log io.Writer, interactive bool) (*ContributionResult, error) {
	hdr, err := ReadHeader(in)
	if err != nil {
		return nil, err
	}
	if hdr.Index == ^uint32(0) {
		return nil, fmt.Errorf("%w: index overflow", ErrCorrupted)
	}
	next := hdr
	next.Index++

	var body io.WriterTo
	switch hdr.Kind {
	case KindPhase1:
		p, err := loadPhase1(in)
		if err != nil {
			return nil, err
		}
		prog := startProgress(log, interactive, fmt.Sprintf("phase 1 contribution #%d (domain %d)", next.Index, hdr.DomainSize), 0)
		p.Contribute()
		prog.finish(nil)
		body = p
	case KindPhase2:
		p, err := loadPhase2(in, nil)
		if err != nil {
			return nil, err
		}
		prog := startProgress(log, interactive, fmt.Sprintf("phase 2 contribution #%d for %s", next.Index, hdr.CircuitLabel()), 0)
		p.Contribute()
		prog.finish(nil)
		body = p
	case KindSRS:
		return nil, fmt.Errorf("%w: %s is the sealed phase 1; contribute to phase2_0000.bin", ErrWrongKind, in)
	default:
		return nil, fmt.Errorf("%w: %s is a %s file", ErrWrongKind, in, hdr.Kind)
	}

	if out == "" {
		out = filepath.Join(filepath.Dir(in), CeremonyFileName(next.Kind, next.Index))
	}
	if _, err := os.Stat(out); err == nil {
		return nil, fmt.Errorf("%s already exists", out)
	}
	written, _, err := WriteFile(out, next, func(w io.Writer) error {
		_, err := body.WriteTo(w)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ContributionResult{Path: out, Header: written, Hash: hex.EncodeToString(written.BodySHA256[:])}, nil
}

func loadPhase1(path string) (*mpcsetup.Phase1, error) {
	vf, err := openVerified(path, KindPhase1)
	if err != nil {
		return nil, err
	}
	defer vf.Close()
	h := vf.Header
	if err := checkDomain(h.DomainSize); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// gnark's decoder allocates from the domain size inside the body:
	// check it against the header before decoding.
	var nField [8]byte
	if _, err := vf.f.ReadAt(nField[:], vf.bodyOff+phase1ProofsLen); err != nil {
		return nil, fmt.Errorf("%w: %s: body too short", ErrCorrupted, path)
	}
	if got := binary.BigEndian.Uint64(nField[:]); got != h.DomainSize {
		return nil, fmt.Errorf("%w: %s: body domain size %d, header %d", ErrCorrupted, path, got, h.DomainSize)
	}
	p := new(mpcsetup.Phase1)
	if err := vf.decodeBody(path, p.ReadFrom); err != nil {
		return nil, err
	}
	return p, nil
}

// loadPhase2 decodes a phase-2 state; with wantLen, the body length must
// match (a verifier knows it from the initial state it recomputed).
func loadPhase2(path string, wantLen func(index uint32) uint64) (*mpcsetup.Phase2, error) {
	vf, err := openVerified(path, KindPhase2)
	if err != nil {
		return nil, err
	}
	defer vf.Close()
	if wantLen != nil && vf.Header.BodyLen != wantLen(vf.Header.Index) {
		return nil, fmt.Errorf("%w: %s: body is %d bytes, the circuit's phase 2 state is %d",
			ErrCorrupted, path, vf.Header.BodyLen, wantLen(vf.Header.Index))
	}
	p := new(mpcsetup.Phase2)
	if err := vf.decodeBody(path, p.ReadFrom); err != nil {
		return nil, err
	}
	return p, nil
}

// Transcript is a ceremony's public record: the phase-1 chain, the sealed
// phase 1, the phase-2 chain. Each chain is sorted by index and may start
// at 0 (the initial state, which is recomputed and compared) or 1.
type Transcript struct {
	Phase1 []string
	SRS    string
	Phase2 []string

	headers map[string]Header
}

// LoadTranscript classifies ceremony files by their headers. A directory
// argument stands for every ceremony file in it; other files in it (key
// sets, notes) are ignored.
func LoadTranscript(paths ...string) (*Transcript, error) {
	t := &Transcript{headers: map[string]Header{}}
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
				full := filepath.Join(p, e.Name())
				if h, err := ReadHeader(full); err == nil && h.Kind != KindProvingKey {
					files = append(files, full)
				}
			}
		}
	}

	var first *Header
	for _, f := range files {
		h, err := ReadHeader(f)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = &h
		} else if h.CircuitHash != first.CircuitHash || h.DomainSize != first.DomainSize {
			return nil, fmt.Errorf("%w: %s is for %s (domain %d), %s for %s (domain %d)", ErrWrongCircuit,
				f, h.CircuitLabel(), h.DomainSize, files[0], first.CircuitLabel(), first.DomainSize)
		}
		t.headers[f] = h
		switch h.Kind {
		case KindPhase1:
			t.Phase1 = append(t.Phase1, f)
		case KindPhase2:
			t.Phase2 = append(t.Phase2, f)
		case KindSRS:
			if t.SRS != "" {
				return nil, fmt.Errorf("%w: two sealed phase-1 files, %s and %s", ErrIncompleteTranscript, t.SRS, f)
			}
			t.SRS = f
		default:
			return nil, fmt.Errorf("%w: %s is a %s file, not part of a ceremony", ErrWrongKind, f, h.Kind)
		}
	}
	for _, chain := range [][]string{t.Phase1, t.Phase2} {
		sort.Slice(chain, func(i, j int) bool { return t.headers[chain[i]].Index < t.headers[chain[j]].Index })
		for i, f := range chain {
			idx := t.headers[f].Index
			switch {
			case i == 0 && idx > 1:
				return nil, fmt.Errorf("%w: %s chain starts at contribution %d (%s); give every file from 0 or 1",
					ErrIncompleteTranscript, t.headers[f].Kind, idx, f)
			case i > 0 && idx == t.headers[chain[i-1]].Index:
				return nil, fmt.Errorf("%w: %s and %s both have index %d", ErrIncompleteTranscript, chain[i-1], f, idx)
			case i > 0 && idx != t.headers[chain[i-1]].Index+1:
				return nil, fmt.Errorf("%w: %s chain jumps from %d to %d", ErrIncompleteTranscript, t.headers[f].Kind, t.headers[chain[i-1]].Index, idx)
			}
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%w: no ceremony files", ErrIncompleteTranscript)
	}
	return t, nil
}

// ContributionRecord is one verified contribution.
type ContributionRecord struct {
	Phase int
	Index uint32
	File  string
	Hash  string // SHA-256 of the state after this contribution
}

// VerifyReport is what Verify checked.
type VerifyReport struct {
	Circuit     string
	Params      string
	CircuitHash circuits.CircuitHash
	DomainSize  uint64
	Phase1      []ContributionRecord
	// SRSHash and Phase1Beacon are set when the sealed phase 1 was checked.
	SRSHash      string
	Phase1Beacon []byte
	Phase2       []ContributionRecord

	// Kept for finalization.
	lastPhase1 *mpcsetup.Phase1
	commons    *mpcsetup.SrsCommons
	compiled   *circuits.Compiled
	evals      *mpcsetup.Phase2Evaluations
	lastPhase2 *mpcsetup.Phase2
}

// Verify checks the transcript from scratch; it trusts no file and needs
// no secret, so anyone can run it:
//
//   - every file's header and body SHA-256;
//   - phase 1: an index-0 file equals the canonical initial state for its
//     domain size, and each contribution carries a valid proof of
//     knowledge of its update, commits to the previous state's hash, and
//     keeps the powers of tau consistent (gnark's Phase1.Verify);
//   - the sealed phase 1 (srs.bin) names the last phase-1 contribution as
//     its parent and equals that contribution sealed with the beacon in its
//     header;
//   - phase 2: the circuit named in the headers compiles to the recorded
//     circuit hash; an index-0 file equals the initial state recomputed
//     from that circuit and the recomputed SRS; each contribution verifies
//     against its predecessor (gnark's Phase2.Verify).
func (t *Transcript) Verify(log io.Writer) (*VerifyReport, error) {
	if log == nil {
		log = io.Discard
	}
	r := &VerifyReport{}
	for _, f := range append(append(slicesOf(t.Phase1), t.SRS), t.Phase2...) {
		if f != "" {
			h := t.headers[f]
			r.Circuit, r.Params, r.CircuitHash, r.DomainSize = h.Circuit, h.Params, h.CircuitHash, h.DomainSize
			break
		}
	}
	if err := checkDomain(r.DomainSize); err != nil {
		return nil, err
	}
	// Cheap checks first: every file's length and SHA-256, so that a
	// damaged file fails in seconds rather than after phase 2's
	// initialisation.
	for f, h := range t.headers {
		vf, err := openVerified(f, h.Kind)
		if err != nil {
			return nil, err
		}
		vf.Close()
	}

	if len(t.Phase1) > 0 {
		prev := mpcsetup.NewPhase1(r.DomainSize)
		for _, f := range t.Phase1 {
			h := t.headers[f]
			if h.Index == 0 {
				if err := sameAsRecomputed(f, prev); err != nil {
					return nil, err
				}
				fmt.Fprintf(log, "phase 1 #0  %s  initial state (domain %d) ok\n", f, r.DomainSize)
				continue
			}
			next, err := loadPhase1(f)
			if err != nil {
				return nil, err
			}
			if err := prev.Verify(next); err != nil {
				return nil, fmt.Errorf("%w: phase 1 #%d (%s): %v", ErrContributionInvalid, h.Index, f, err)
			}
			hash := bodyHash(t.headers[f])
			r.Phase1 = append(r.Phase1, ContributionRecord{Phase: 1, Index: h.Index, File: f, Hash: hash})
			fmt.Fprintf(log, "phase 1 #%d  %s  %s ok\n", h.Index, f, hash)
			prev = next
		}
		r.lastPhase1 = prev
	}

	if t.SRS != "" {
		if len(r.Phase1) == 0 {
			return nil, fmt.Errorf("%w: %s needs the phase-1 contributions it seals", ErrIncompleteTranscript, t.SRS)
		}
		h := t.headers[t.SRS]
		last := r.Phase1[len(r.Phase1)-1]
		if hex.EncodeToString(h.Parent[:]) != last.Hash {
			return nil, fmt.Errorf("%w: %s seals state %x, the phase-1 chain ends at #%d %s",
				ErrIncompleteTranscript, t.SRS, h.Parent, last.Index, last.Hash)
		}
		if _, err := ParseBeacon(hex.EncodeToString(h.Beacon)); err != nil {
			return nil, fmt.Errorf("%s: %w", t.SRS, err)
		}
		vf, err := openVerified(t.SRS, KindSRS)
		if err != nil {
			return nil, err
		}
		vf.Close()
		commons := r.lastPhase1.Seal(h.Beacon) // modifies lastPhase1: it is not used again
		r.lastPhase1 = nil
		got, err := hashOf(&commons)
		if err != nil {
			return nil, err
		}
		if got != h.BodySHA256 {
			return nil, fmt.Errorf("%w: %s is not the phase-1 chain sealed with beacon %x", ErrContributionInvalid, t.SRS, h.Beacon)
		}
		r.commons, r.SRSHash, r.Phase1Beacon = &commons, hex.EncodeToString(got[:]), h.Beacon
		fmt.Fprintf(log, "srs         %s  %s ok (beacon %x)\n", t.SRS, r.SRSHash, h.Beacon)
	}

	if len(t.Phase2) > 0 {
		if r.commons == nil {
			return nil, fmt.Errorf("%w: phase 2 needs the phase-1 chain and srs.bin", ErrIncompleteTranscript)
		}
		h0 := t.headers[t.Phase2[0]]
		c, err := compileFor(h0)
		if err != nil {
			return nil, err
		}
		if CeremonyDomainSize(c) > r.DomainSize {
			return nil, fmt.Errorf("%w: %s needs domain %d, phase 1 has %d", ErrWrongCircuit, c, CeremonyDomainSize(c), r.DomainSize)
		}
		prev := new(mpcsetup.Phase2)
		evals := prev.Initialize(c.R1CS(), r.commons)
		initLen, err := lengthOf(prev)
		if err != nil {
			return nil, err
		}
		// A contribution adds the 32-byte challenge to the initial state.
		wantLen := func(index uint32) uint64 {
			if index == 0 {
				return initLen
			}
			return initLen + sha256.Size
		}
		for _, f := range t.Phase2 {
			h := t.headers[f]
			if hex.EncodeToString(h.Parent[:]) != r.SRSHash {
				return nil, fmt.Errorf("%w: %s continues srs %x, not %s", ErrIncompleteTranscript, f, h.Parent, r.SRSHash)
			}
			if h.Index == 0 {
				if err := sameAsRecomputed(f, prev); err != nil {
					return nil, err
				}
				fmt.Fprintf(log, "phase 2 #0  %s  initial state for %s ok\n", f, c)
				continue
			}
			next, err := loadPhase2(f, wantLen)
			if err != nil {
				return nil, err
			}
			if err := prev.Verify(next); err != nil {
				return nil, fmt.Errorf("%w: phase 2 #%d (%s): %v", ErrContributionInvalid, h.Index, f, err)
			}
			hash := bodyHash(h)
			r.Phase2 = append(r.Phase2, ContributionRecord{Phase: 2, Index: h.Index, File: f, Hash: hash})
			fmt.Fprintf(log, "phase 2 #%d  %s  %s ok\n", h.Index, f, hash)
			prev = next
		}
		r.compiled, r.evals, r.lastPhase2 = c, &evals, prev
	}
	return r, nil
}

func slicesOf(s []string) []string { return append([]string(nil), s...) }

func bodyHash(h Header) string { return hex.EncodeToString(h.BodySHA256[:]) }

func compileFor(h Header) (*circuits.Compiled, error) {
	params, err := circuits.ParseCanonical(h.Params)
	if err != nil {
		return nil, fmt.Errorf("%w: params %q: %v", ErrCorrupted, h.Params, err)
	}
	c, err := circuits.Compile(h.Circuit, params)
	if err != nil {
		return nil, err
	}
	if c.Hash != h.CircuitHash {
		return nil, fmt.Errorf("%w: %s compiles to circuit hash %s here, the ceremony is for %s (different code or gnark version)",
			ErrWrongCircuit, c, c.Hash, h.CircuitHash)
	}
	return c, nil
}

func hashOf(v io.WriterTo) ([sha256.Size]byte, error) {
	var out [sha256.Size]byte
	hw := sha256.New()
	if _, err := v.WriteTo(hw); err != nil {
		return out, err
	}
	copy(out[:], hw.Sum(nil))
	return out, nil
}

func lengthOf(v io.WriterTo) (uint64, error) {
	cw := &countingWriter{w: io.Discard}
	_, err := v.WriteTo(cw)
	return uint64(cw.n), err
}

// sameAsRecomputed checks that an index-0 file is exactly the initial
// state the verifier computed itself.
func sameAsRecomputed(path string, want io.WriterTo) error {
	h, err := ReadHeader(path)
	if err != nil {
		return err
	}
	vf, err := openVerified(path, h.Kind)
	if err != nil {
		return err
	}
	vf.Close()
	got, err := hashOf(want)
	if err != nil {
		return err
	}
	if got != h.BodySHA256 {
		return fmt.Errorf("%w: %s is not the canonical initial state", ErrContributionInvalid, path)
	}
	return nil
}

// FinalizePhase1 seals the verified phase-1 chain with the beacon and
// writes srs.bin and the initial phase-2 state (phase2_0000.bin) for the
// circuit named in the headers into outDir. It returns the two paths. The
// report must come from Verify on a transcript that ends in phase 1.
func (r *VerifyReport) FinalizePhase1(beacon []byte, outDir string, log io.Writer) (srsPath, phase2Path string, err error) {
	if log == nil {
		log = io.Discard
	}
	if r.SRSHash != "" || r.lastPhase1 == nil {
		return "", "", fmt.Errorf("%w: phase 1 is already sealed (srs %s)", ErrWrongKind, r.SRSHash)
	}
	if len(r.Phase1) == 0 {
		return "", "", fmt.Errorf("%w: phase 1 has no contributions; refusing to seal the initial state", ErrIncompleteTranscript)
	}
	c, err := compileFor(Header{Circuit: r.Circuit, Params: r.Params, CircuitHash: r.CircuitHash})
	if err != nil {
		return "", "", err
	}
	last := r.Phase1[len(r.Phase1)-1]
	var parent [sha256.Size]byte
	lastHash, _ := hex.DecodeString(last.Hash)
	copy(parent[:], lastHash)

	srsPath = filepath.Join(outDir, CeremonyFileName(KindSRS, 0))
	phase2Path = filepath.Join(outDir, CeremonyFileName(KindPhase2, 0))
	for _, p := range []string{srsPath, phase2Path} {
		if _, err := os.Stat(p); err == nil {
			return "", "", fmt.Errorf("%s already exists", p)
		}
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return "", "", err
	}
	commons := r.lastPhase1.Seal(beacon) // modifies lastPhase1: the report is spent
	r.lastPhase1 = nil
	srsHeader := Header{Kind: KindSRS, Circuit: r.Circuit, Params: r.Params, CircuitHash: r.CircuitHash,
		DomainSize: r.DomainSize, Index: last.Index, Parent: parent, Beacon: beacon}
	srsHeader, _, err = WriteFile(srsPath, srsHeader, func(w io.Writer) error {
		_, err := commons.WriteTo(w)
		return err
	})
	if err != nil {
		return "", "", err
	}
	fmt.Fprintf(log, "sealed phase 1 with beacon %x: %s %x\n", beacon, srsPath, srsHeader.BodySHA256)

	prog := startProgress(log, false, fmt.Sprintf("phase 2 initialisation for %s", c), 0)
	var p2 mpcsetup.Phase2
	p2.Initialize(c.R1CS(), &commons)
	prog.finish(nil)
	p2Header := Header{Kind: KindPhase2, Circuit: r.Circuit, Params: r.Params, CircuitHash: r.CircuitHash,
		DomainSize: r.DomainSize, Parent: srsHeader.BodySHA256}
	if _, _, err := WriteFile(phase2Path, p2Header, func(w io.Writer) error {
		_, err := p2.WriteTo(w)
		return err
	}); err != nil {
		return "", "", err
	}
	return srsPath, phase2Path, nil
}

// sealPhase2 derives the keys from the verified phase-2 chain and the
// beacon. gnark's Seal scales the state in place, so it works on a copy
// and the report can be sealed again (to check keys, or with a beacon).
func (r *VerifyReport) sealPhase2(beacon []byte) (groth16.ProvingKey, groth16.VerifyingKey, error) {
	if r.lastPhase2 == nil || len(r.Phase2) == 0 {
		return nil, nil, fmt.Errorf("%w: phase 2 has no contributions; refusing to seal the initial state", ErrIncompleteTranscript)
	}
	p := *r.lastPhase2
	p.Parameters.G1.Z = slices.Clone(p.Parameters.G1.Z)
	p.Parameters.G1.PKK = slices.Clone(p.Parameters.G1.PKK)
	p.Parameters.G1.SigmaCKK = make([][]curve.G1Affine, len(r.lastPhase2.Parameters.G1.SigmaCKK))
	for i, s := range r.lastPhase2.Parameters.G1.SigmaCKK {
		p.Parameters.G1.SigmaCKK[i] = slices.Clone(s)
	}
	p.Parameters.G2.Sigma = slices.Clone(p.Parameters.G2.Sigma)
	p.Sigmas = slices.Clone(p.Sigmas)
	pk, vk := p.Seal(r.commons, r.evals, beacon)
	return pk, vk, nil
}

// FinalizePhase2 seals the verified phase-2 chain with the beacon and
// writes the key set (pk.bin, vk.bin, keys.json with "unsafe_dev_setup":
// false and every contribution hash) to KeyDir(keysRoot, circuit hash),
// replacing a development set there but never another ceremony's.
func (r *VerifyReport) FinalizePhase2(beacon []byte, keysRoot string, log io.Writer) (*SetupResult, error) {
	if log == nil {
		log = io.Discard
	}
	start := time.Now()
	dir := KeyDir(keysRoot, r.CircuitHash)
	if m, err := readManifest(dir); err == nil && !m.UnsafeDevSetup {
		return nil, fmt.Errorf("%w in %s: remove them by hand to replace them", ErrCeremonyKeysPresent, dir)
	}
	pk, vk, err := r.sealPhase2(beacon)
	if err != nil {
		return nil, err
	}
	rec := &CeremonyRecord{
		DomainSize:   r.DomainSize,
		Phase1Beacon: hex.EncodeToString(r.Phase1Beacon),
		SRSSHA256:    r.SRSHash,
		Phase2Beacon: hex.EncodeToString(beacon),
	}
	for _, c := range r.Phase1 {
		rec.Phase1 = append(rec.Phase1, c.Hash)
	}
	for _, c := range r.Phase2 {
		rec.Phase2 = append(rec.Phase2, c.Hash)
	}
	m, err := writeKeySet(dir, keySet{circuit: r.compiled, pk: pk, vk: vk, elapsed: time.Since(start), ceremony: rec}, true)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "sealed phase 2 with beacon %x: keys in %s\n", beacon, dir)
	return &SetupResult{Dir: dir, Manifest: *m, Elapsed: time.Since(start)}, nil
}

// VerifyKeys re-derives the keys from the verified transcript and the
// phase-2 beacon recorded in dir's manifest, and checks that vk.bin and
// pk.bin are exactly those keys, and that the manifest lists this
// transcript's contributions: the link between a ceremony and the
// verifying key registered on chain.
func (r *VerifyReport) VerifyKeys(dir string, log io.Writer) error {
	if log == nil {
		log = io.Discard
	}
	m, err := CheckKeys(dir, r.CircuitHash)
	if err != nil {
		return err
	}
	if m.Ceremony == nil || m.UnsafeDevSetup {
		return fmt.Errorf("%w: %s holds development keys, not ceremony keys", ErrContributionInvalid, dir)
	}
	var p1, p2 []string
	for _, c := range r.Phase1 {
		p1 = append(p1, c.Hash)
	}
	for _, c := range r.Phase2 {
		p2 = append(p2, c.Hash)
	}
	if !slices.Equal(p1, m.Ceremony.Phase1) || !slices.Equal(p2, m.Ceremony.Phase2) || m.Ceremony.SRSSHA256 != r.SRSHash {
		return fmt.Errorf("%w: %s lists other contributions than this transcript", ErrContributionInvalid, ManifestFile)
	}
	beacon, err := ParseBeacon(m.Ceremony.Phase2Beacon)
	if err != nil {
		return err
	}
	pk, vk, err := r.sealPhase2(beacon)
	if err != nil {
		return err
	}

	var vkBuf bytes.Buffer
	if _, err := vk.WriteTo(&vkBuf); err != nil {
		return err
	}
	if got := sha256.Sum256(vkBuf.Bytes()); hex.EncodeToString(got[:]) != m.VerifyingKey.SHA256 {
		return fmt.Errorf("%w: %s is not the verifying key this transcript and beacon give", ErrContributionInvalid, VerifyingKeyFile)
	}
	pkHeader, err := ReadHeader(filepath.Join(dir, ProvingKeyFile))
	if err != nil {
		return err
	}
	rawPK := pk.(interface {
		WriteRawTo(io.Writer) (int64, error)
	})
	hw := sha256.New()
	if _, err := rawPK.WriteRawTo(hw); err != nil {
		return err
	}
	if !bytes.Equal(hw.Sum(nil), pkHeader.BodySHA256[:]) {
		return fmt.Errorf("%w: %s is not the proving key this transcript and beacon give", ErrContributionInvalid, ProvingKeyFile)
	}
	fmt.Fprintf(log, "keys        %s  vk %s ok (re-derived with beacon %x)\n", dir, m.VerifyingKey.SHA256, beacon)
	return nil
}
