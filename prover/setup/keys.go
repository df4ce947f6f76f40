package setup

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// DefaultKeysRoot is $HOME/.nativechain/keys.
func DefaultKeysRoot() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".nativechain", "keys"), nil
}

// KeyDir is where the key set of circuit h lives under root.
func KeyDir(root string, h circuits.CircuitHash) string {
	return filepath.Join(root, h.String())
}

// Keys is a loaded, checked key set.
type Keys struct {
	Dir      string
	Manifest Manifest
	PK       groth16.ProvingKey
	VK       groth16.VerifyingKey
	// VKBytes is vk.bin: the compressed encoding the chain stores.
	VKBytes []byte
	// ChainVK is VKBytes as the chain's verifier parsed it.
	ChainVK *verifier.VerifyingKey
}

// CheckKeys verifies a key set without decoding the proving key: the
// manifest is for circuit want, both files match their SHA-256 in the
// manifest, pk.bin's header and body hash are consistent, and vk.bin is
// accepted by the chain's verifier. It is what a cache hit runs.
func CheckKeys(dir string, want circuits.CircuitHash) (*Manifest, error) {
	m, _, _, err := checkKeys(dir, want)
	if err != nil {
		return nil, err
	}
	return m, nil
}

func checkKeys(dir string, want circuits.CircuitHash) (*Manifest, []byte, *verifier.VerifyingKey, error) {
	m, err := readManifest(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	if m.CircuitHash != want.String() {
		return nil, nil, nil, fmt.Errorf("%w: %s holds keys for %s (circuit hash %s), want circuit hash %s",
			ErrWrongCircuit, dir, circuits.Describe(m.Circuit, m.Params), m.CircuitHash, want)
	}

	vkPath := filepath.Join(dir, VerifyingKeyFile)
	vkBytes, err := os.ReadFile(vkPath)
	if os.IsNotExist(err) {
		return nil, nil, nil, fmt.Errorf("%w: %s missing", ErrKeysNotFound, vkPath)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	if got := sha256.Sum256(vkBytes); hex.EncodeToString(got[:]) != m.VerifyingKey.SHA256 {
		return nil, nil, nil, fmt.Errorf("%w: %s SHA-256 %x, manifest says %s", ErrCorrupted, vkPath, got, m.VerifyingKey.SHA256)
	}
	chainVK, err := verifier.ValidateVerifyingKey(vkBytes, int(protocol.MaxVerifyingKeyBytes), protocol.BatchPublicInputs)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%w: %s: %v", ErrVerifyingKeyRejected, vkPath, err)
	}
	return m, vkBytes, chainVK, nil
}

// LoadKeys is the operator's start-up check and load: CheckKeys, then the
// proving key is decoded from its raw encoding without subgroup checks
// (its integrity was just checked against two hashes, and it never came
// from anyone else).
func LoadKeys(dir string, want circuits.CircuitHash) (*Keys, error) {
	m, vkBytes, chainVK, err := checkKeys(dir, want)
	if err != nil {
		return nil, err
	}
	pkPath := filepath.Join(dir, ProvingKeyFile)
	pk, err := readProvingKey(pkPath, m, want)
	if err != nil {
		return nil, err
	}
	vk := new(groth16bn254.VerifyingKey)
	if _, err := vk.ReadFrom(bytes.NewReader(vkBytes)); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupted, VerifyingKeyFile, err)
	}
	// Both files can be intact and still come from two different setups
	// (a copy mistake): the shared points must agree.
	if !pk.G1.Alpha.Equal(&vk.G1.Alpha) || !pk.G1.Beta.Equal(&vk.G1.Beta) || !pk.G1.Delta.Equal(&vk.G1.Delta) ||
		!pk.G2.Beta.Equal(&vk.G2.Beta) || !pk.G2.Delta.Equal(&vk.G2.Delta) {
		return nil, fmt.Errorf("%w: %s and %s come from different setups", ErrCorrupted, ProvingKeyFile, VerifyingKeyFile)
	}
	return &Keys{Dir: dir, Manifest: *m, PK: pk, VK: vk, VKBytes: vkBytes, ChainVK: chainVK}, nil
}

func readProvingKey(path string, m *Manifest, want circuits.CircuitHash) (*groth16bn254.ProvingKey, error) {
	vf, err := openVerified(path, KindProvingKey)
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("%w: %s missing", ErrKeysNotFound, path)
	}
	if err != nil {
		return nil, err
	}
	defer vf.Close()
	if vf.Header.CircuitHash != want {
		return nil, fmt.Errorf("%w: %s is for circuit hash %s, want %s", ErrWrongCircuit, path, vf.Header.CircuitHash, want)
	}
	if hex.EncodeToString(vf.FileHash[:]) != m.ProvingKey.SHA256 {
		return nil, fmt.Errorf("%w: %s SHA-256 %x, manifest says %s", ErrCorrupted, path, vf.FileHash, m.ProvingKey.SHA256)
	}
	pk := new(groth16bn254.ProvingKey)
	if err := vf.decodeBody(path, pk.UnsafeReadFrom); err != nil {
		return nil, err
	}
	return pk, nil
}

// keySet is what writeKeySet needs besides the keys.
type keySet struct {
	circuit  *circuits.Compiled
	pk       groth16.ProvingKey
	vk       groth16.VerifyingKey
	unsafe   bool
	elapsed  time.Duration
	ceremony *CeremonyRecord
}

// writeKeySet writes pk.bin, vk.bin and keys.json into a fresh directory
// next to dir and renames it into place, so that a reader never sees a
// half-written set. With replace, an existing dir is swapped out.
func writeKeySet(dir string, ks keySet, replace bool) (*Manifest, error) {
	var vkBuf bytes.Buffer
	if _, err := ks.vk.WriteTo(&vkBuf); err != nil { // compressed: what the chain takes
		return nil, err
	}
	vkBytes := vkBuf.Bytes()
	chainVK, err := verifier.ValidateVerifyingKey(vkBytes, int(protocol.MaxVerifyingKeyBytes), protocol.BatchPublicInputs)
	if err != nil {
		return nil, fmt.Errorf("%w: %v (the chain takes %d public input(s) and at most %d commitment)",
			ErrVerifyingKeyRejected, err, protocol.BatchPublicInputs, verifier.MaxCommitments)
	}

	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, err
	}
	tmp := dir + ".tmp-" + randomSuffix()
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp) // no-op after the rename

	c := ks.circuit
	pkHeader := Header{Kind: KindProvingKey, Circuit: c.Name, Params: c.Params.Canonical(), CircuitHash: c.Hash}
	rawPK, ok := ks.pk.(interface {
		WriteRawTo(io.Writer) (int64, error)
	})
	if !ok {
		return nil, fmt.Errorf("proving key %T has no raw encoding", ks.pk)
	}
	_, pkFileHash, err := WriteFile(filepath.Join(tmp, ProvingKeyFile), pkHeader, func(w io.Writer) error {
		_, err := rawPK.WriteRawTo(w)
		return err
	})
	if err != nil {
		return nil, err
	}
	pkInfo, err := os.Stat(filepath.Join(tmp, ProvingKeyFile))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(tmp, VerifyingKeyFile), vkBytes, 0o644); err != nil {
		return nil, err
	}
	vkHash := chainVK.Hash()

	m := &Manifest{
		Format:         FormatVersion,
		Circuit:        c.Name,
		Params:         c.Params.Canonical(),
		CircuitHash:    c.Hash.String(),
		NbConstraints:  c.CS.GetNbConstraints(),
		NbPublicInputs: chainVK.NbPublic(),
		NbCommitments:  chainVK.NbCommitments(),
		UnsafeDevSetup: ks.unsafe,
		ProvingKey: KeyFileRef{
			File: ProvingKeyFile, Encoding: "nativechain header + gnark groth16 bn254 raw (uncompressed)",
			Bytes: pkInfo.Size(), SHA256: hex.EncodeToString(pkFileHash[:]),
		},
		VerifyingKey: KeyFileRef{
			File: VerifyingKeyFile, Encoding: "gnark groth16 bn254 compressed (tx rollups register --vk-file)",
			Bytes: int64(len(vkBytes)), SHA256: hex.EncodeToString(vkHash[:]),
		},
		SetupSeconds: ks.elapsed.Seconds(),
		CreatedAt:    time.Now().UTC().Format(time.RFC3339),
		Gnark:        gnarkVersion(),
		Ceremony:     ks.ceremony,
	}
	if ks.unsafe {
		m.Warning = devWarning
	}
	if err := writeManifest(tmp, m); err != nil {
		return nil, err
	}

	if _, err := os.Stat(dir); err == nil {
		if !replace {
			return nil, fmt.Errorf("%s already exists", dir)
		}
		old := dir + ".old-" + randomSuffix()
		if err := os.Rename(dir, old); err != nil {
			return nil, err
		}
		defer os.RemoveAll(old)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, err
	}
	return m, nil
}

func randomSuffix() string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b[:])
}

// isNotFound reports whether err means "no key set here yet".
func isNotFound(err error) bool { return errors.Is(err, ErrKeysNotFound) }
