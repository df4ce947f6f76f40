package setup

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
)

// File names inside a key directory.
const (
	ManifestFile     = "keys.json"
	ProvingKeyFile   = "pk.bin"
	VerifyingKeyFile = "vk.bin"
)

// Manifest is keys.json: what the keys are for, where they came from, and
// the SHA-256 of both key files. The operator checks it at start-up
// (LoadKeys).
type Manifest struct {
	Format         int    `json:"format"`
	Circuit        string `json:"circuit"`
	Params         string `json:"params"`
	CircuitHash    string `json:"circuit_hash"`
	NbConstraints  int    `json:"nb_constraints"`
	NbPublicInputs int    `json:"nb_public_inputs"`
	NbCommitments  int    `json:"nb_commitments"`

	// UnsafeDevSetup is true for keys from a single-party setup: whoever
	// ran it could have kept the toxic waste and can forge proofs.
	UnsafeDevSetup bool   `json:"unsafe_dev_setup"`
	Warning        string `json:"warning,omitempty"`

	ProvingKey   KeyFileRef `json:"proving_key"`
	VerifyingKey KeyFileRef `json:"verifying_key"`

	SetupSeconds float64         `json:"setup_seconds"`
	CreatedAt    string          `json:"created_at"`
	Gnark        string          `json:"gnark,omitempty"`
	Ceremony     *CeremonyRecord `json:"ceremony,omitempty"`
}

// KeyFileRef names a key file and pins its content.
type KeyFileRef struct {
	File     string `json:"file"`
	Encoding string `json:"encoding"`
	Bytes    int64  `json:"bytes"`
	SHA256   string `json:"sha256"` // of the whole file
}

// CeremonyRecord is the provenance of ceremony keys: enough, with the
// published contribution files, for anyone to re-derive the keys.
type CeremonyRecord struct {
	DomainSize   uint64   `json:"domain_size"`
	Phase1       []string `json:"phase1_contributions"` // body SHA-256 of each contribution, in order
	Phase1Beacon string   `json:"phase1_beacon"`
	SRSSHA256    string   `json:"srs_sha256"`
	Phase2       []string `json:"phase2_contributions"`
	Phase2Beacon string   `json:"phase2_beacon"`
}

const devWarning = "UNSAFE: single-party development setup. Whoever ran it may know the toxic waste and forge proofs. Never register these keys for a rollup that holds value."

func readManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, ManifestFile)
	bz, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("%w: no %s in %s", ErrKeysNotFound, ManifestFile, dir)
	}
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(bz, &m); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupted, path, err)
	}
	if m.Format != FormatVersion {
		return nil, fmt.Errorf("%w: %s format %d (this build reads %d)", ErrUnsupportedVersion, path, m.Format, FormatVersion)
	}
	if m.ProvingKey.File != ProvingKeyFile || m.VerifyingKey.File != VerifyingKeyFile {
		// Names are fixed so that a manifest cannot point outside its directory.
		return nil, fmt.Errorf("%w: %s names unexpected key files", ErrCorrupted, path)
	}
	return &m, nil
}

func writeManifest(dir string, m *Manifest) error {
	bz, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ManifestFile), append(bz, '\n'), 0o644)
}

// gnarkVersion is the gnark module version this binary was built with.
func gnarkVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range info.Deps {
		if d.Path == "github.com/consensys/gnark" {
			return d.Version
		}
	}
	return ""
}

// ReadManifest reads dir/keys.json: what a key set is for (circuit, params,
// circuit hash) before its keys are loaded with LoadKeys.
func ReadManifest(dir string) (*Manifest, error) { return readManifest(dir) }
