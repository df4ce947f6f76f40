package wallet

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/nativechain/nativechain/prover/payments"
)

// KeyFile is an L2 key as stored on disk, unencrypted (0600): the 32-byte
// seed payments.NewPrivateKey derives the EdDSA key from.
type KeyFile struct {
	Name    string `json:"name"`
	Seed    string `json:"seed"`
	Address string `json:"address"`
	// DerivedFrom names the L1 key the seed was derived from, if any.
	DerivedFrom string `json:"derived_from,omitempty"`
}

// Key is a loaded L2 key.
type Key struct {
	File    KeyFile
	Private *payments.PrivateKey
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// ErrKeyExists is returned when adding a name already in use.
var ErrKeyExists = errors.New("an L2 key with this name exists")

// L1DerivationMessage is what an L1 key signs to derive an L2 seed. A
// secp256k1 signature by the SDK's keyring is deterministic (RFC 6979), so
// the same L1 key always yields the same L2 key.
const L1DerivationMessage = "nativechain/l2-key/v1: derive my payments-rollup key"

// SeedFromL1Signature hashes a signature of L1DerivationMessage into a seed.
func SeedFromL1Signature(sig []byte) [32]byte {
	return sha256.Sum256(append([]byte("nativechain/l2-seed/v1"), sig...))
}

// NewSeed is 32 random bytes.
func NewSeed() ([32]byte, error) {
	var s [32]byte
	_, err := rand.Read(s[:])
	return s, err
}

// AddKey writes dir/name.json.
func AddKey(dir, name string, seed [32]byte, derivedFrom string) (*Key, error) {
	if !nameRE.MatchString(name) {
		return nil, fmt.Errorf("key name %q: use 1-64 of [A-Za-z0-9_.-]", name)
	}
	path := filepath.Join(dir, name+".json")
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%w: %s", ErrKeyExists, path)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	k := payments.NewPrivateKey(seed)
	f := KeyFile{Name: name, Seed: hex.EncodeToString(seed[:]), Address: hex.EncodeToString(k.Public.Address()), DerivedFrom: derivedFrom}
	bz, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, append(bz, '\n'), 0o600); err != nil {
		return nil, err
	}
	return &Key{File: f, Private: k}, nil
}

// LoadKey reads dir/name.json.
func LoadKey(dir, name string) (*Key, error) {
	if !nameRE.MatchString(name) {
		return nil, fmt.Errorf("key name %q: use 1-64 of [A-Za-z0-9_.-]", name)
	}
	bz, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("no L2 key %q in %s (create it with 'nativechaind l2 keys add %s')", name, dir, name)
	}
	if err != nil {
		return nil, err
	}
	var f KeyFile
	if err := json.Unmarshal(bz, &f); err != nil {
		return nil, fmt.Errorf("L2 key %q: %w", name, err)
	}
	sb, err := hex.DecodeString(f.Seed)
	if err != nil || len(sb) != 32 {
		return nil, fmt.Errorf("L2 key %q: corrupt seed", name)
	}
	k := payments.NewPrivateKey([32]byte(sb))
	if hex.EncodeToString(k.Public.Address()) != strings.ToLower(f.Address) {
		return nil, fmt.Errorf("L2 key %q: the address does not match the seed", name)
	}
	return &Key{File: f, Private: k}, nil
}

// ListKeys returns the keys in dir by name.
func ListKeys(dir string) ([]KeyFile, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []KeyFile
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok || e.IsDir() {
			continue
		}
		k, err := LoadKey(dir, name)
		if err != nil {
			return nil, err
		}
		out = append(out, k.File)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out, nil
}

// ParseAddressHex decodes a 64-byte L2 address.
func ParseAddressHex(s string) (payments.PublicKey, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		return payments.PublicKey{}, fmt.Errorf("L2 address %q: not hex", s)
	}
	return payments.ParseAddress(b)
}
