package wallet

import (
	"crypto/aes"
	"crypto/cipher"
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

	"golang.org/x/crypto/scrypt"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/payments"
)

// KeyFile is an L2 key as stored on disk (0600): the address in clear, the
// 32-byte seed payments.NewPrivateKey derives the EdDSA key from sealed
// with a passphrase (Sealed). Files written before the seed was encrypted
// hold it in Seed instead; they still load, and 'l2 keys encrypt' seals
// them.
type KeyFile struct {
	Name    string  `json:"name"`
	Address string  `json:"address"`
	Sealed  *Sealed `json:"sealed,omitempty"`
	// Seed is the unencrypted seed of a legacy file, hex.
	Seed string `json:"seed,omitempty"`
	// DerivedFrom names the L1 key the seed was derived from, if any.
	DerivedFrom string `json:"derived_from,omitempty"`
}

// Sealed is a seed encrypted with AES-256-GCM under a key scrypt derives
// from the passphrase; the address is the additional data, so a sealed
// seed moved to another key's file does not open.
type Sealed struct {
	KDF        string `json:"kdf"` // "scrypt"
	N          int    `json:"n"`
	R          int    `json:"r"`
	P          int    `json:"p"`
	Salt       string `json:"salt"`
	Cipher     string `json:"cipher"` // "aes-256-gcm"
	Nonce      string `json:"nonce"`
	Ciphertext string `json:"ciphertext"`
}

// Key is a loaded L2 key.
type Key struct {
	File    KeyFile
	Private *payments.PrivateKey
}

// Unencrypted reports whether the key's file holds its seed in clear.
func (k *Key) Unencrypted() bool { return k.File.Sealed == nil }

// TestPassphrase is the passphrase of throwaway keys, used when the L1
// keyring backend is "test" (devnets, tests), as the SDK's test keyring
// does with its fixed password.
const TestPassphrase = "test"

// scrypt cost: about 100 ms and 32 MiB per load. Files may ask for at most
// maxScryptN, so that a crafted file cannot make a load take minutes.
const (
	scryptN    = 1 << 15
	scryptR    = 8
	scryptP    = 1
	maxScryptN = 1 << 20
)

var nameRE = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// l1SeedTag separates the derivation of an L2 seed from an L1 key.
const l1SeedTag = "nativechain/l2-seed/v2: payments-rollup key from the L1 secp256k1 private key"

// SeedFromL1PrivateKey derives an L2 seed from the raw bytes of an L1
// private key: SHA-256(tag || key). Only the holder of the L1 key can compute
// it; no signature the L1 key makes (of a transaction, of an arbitrary
// message an application asks for) reveals it, unlike the v1 derivation
// from a signature of a fixed public text. The L1 mnemonic still recovers
// the L2 key.
func SeedFromL1PrivateKey(priv []byte) [32]byte {
	return sha256.Sum256(append([]byte(l1SeedTag), priv...))
}

// NewSeed is 32 random bytes.
func NewSeed() ([32]byte, error) {
	var s [32]byte
	_, err := rand.Read(s[:])
	return s, err
}

func keyPath(dir, name string) (string, error) {
	if !nameRE.MatchString(name) {
		return "", fmt.Errorf("key name %q: use 1-64 of [A-Za-z0-9_.-]", name)
	}
	return filepath.Join(dir, name+".json"), nil
}

// AddKey writes dir/name.json with the seed sealed under passphrase.
func AddKey(dir, name string, seed [32]byte, derivedFrom string, passphrase []byte) (*Key, error) {
	path, err := keyPath(dir, name)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%w: %s", ErrKeyExists, path)
	}
	k := payments.NewPrivateKey(seed)
	f := KeyFile{Name: name, Address: hex.EncodeToString(k.Public.Address()), DerivedFrom: derivedFrom}
	if f.Sealed, err = seal(seed, passphrase, k.Public.Address()); err != nil {
		return nil, err
	}
	if err := writeKeyFile(dir, path, f, false); err != nil {
		return nil, err
	}
	return &Key{File: f, Private: k}, nil
}

// EncryptKey seals the seed of a legacy unencrypted key file in place.
func EncryptKey(dir, name string, passphrase []byte) (*Key, error) {
	k, err := LoadKey(dir, name, nil)
	if err != nil {
		return nil, err
	}
	if !k.Unencrypted() {
		return k, nil
	}
	seed, err := hex.DecodeString(k.File.Seed)
	if err != nil || len(seed) != 32 {
		return nil, fmt.Errorf("L2 key %q: corrupt seed", name)
	}
	f := k.File
	if f.Sealed, err = seal([32]byte(seed), passphrase, k.Private.Public.Address()); err != nil {
		return nil, err
	}
	f.Seed = ""
	path, _ := keyPath(dir, name)
	if err := writeKeyFile(dir, path, f, true); err != nil {
		return nil, err
	}
	k.File = f
	return k, nil
}

func writeKeyFile(dir, path string, f KeyFile, replace bool) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	bz, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if !replace {
		return os.WriteFile(path, append(bz, '\n'), 0o600)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(bz, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ReadKeyFile reads dir/name.json without opening the seed: enough for the
// address.
func ReadKeyFile(dir, name string) (KeyFile, error) {
	path, err := keyPath(dir, name)
	if err != nil {
		return KeyFile{}, err
	}
	bz, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return KeyFile{}, fmt.Errorf("no L2 key %q in %s (create it with 'nativechaind l2 keys add %s')", name, dir, name)
	}
	if err != nil {
		return KeyFile{}, err
	}
	var f KeyFile
	if err := json.Unmarshal(bz, &f); err != nil {
		return KeyFile{}, fmt.Errorf("L2 key %q: %w", name, err)
	}
	if _, err := ParseAddressHex(f.Address); err != nil {
		return KeyFile{}, fmt.Errorf("L2 key %q: %w", name, err)
	}
	if (f.Sealed == nil) == (f.Seed == "") {
		return KeyFile{}, fmt.Errorf("L2 key %q: want exactly one of a sealed or a legacy seed", name)
	}
	return f, nil
}

// LoadKey reads dir/name.json and opens its seed with passphrase (unused
// for a legacy unencrypted file).
func LoadKey(dir, name string, passphrase []byte) (*Key, error) {
	f, err := ReadKeyFile(dir, name)
	if err != nil {
		return nil, err
	}
	addr, err := hex.DecodeString(f.Address)
	if err != nil {
		return nil, fmt.Errorf("L2 key %q: corrupt address", name)
	}
	var seed [32]byte
	if f.Sealed != nil {
		if seed, err = open(f.Sealed, passphrase, addr); err != nil {
			return nil, fmt.Errorf("L2 key %q: %w", name, err)
		}
	} else {
		sb, err := hex.DecodeString(f.Seed)
		if err != nil || len(sb) != 32 {
			return nil, fmt.Errorf("L2 key %q: corrupt seed", name)
		}
		seed = [32]byte(sb)
	}
	k := payments.NewPrivateKey(seed)
	if hex.EncodeToString(k.Public.Address()) != strings.ToLower(f.Address) {
		return nil, fmt.Errorf("L2 key %q: the address does not match the seed", name)
	}
	return &Key{File: f, Private: k}, nil
}

// ListKeys returns the key files in dir by name (seeds unopened).
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
		f, err := ReadKeyFile(dir, name)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
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
	return paymentsv1.ParseAddress(b)
}

func seal(seed [32]byte, passphrase, address []byte) (*Sealed, error) {
	if len(passphrase) == 0 {
		return nil, ErrNoPassphrase
	}
	var salt [16]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return nil, err
	}
	aead, err := sealKey(passphrase, salt[:], scryptN, scryptR, scryptP)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	ct := aead.Seal(nil, nonce, seed[:], address)
	return &Sealed{KDF: "scrypt", N: scryptN, R: scryptR, P: scryptP, Salt: hex.EncodeToString(salt[:]),
		Cipher: "aes-256-gcm", Nonce: hex.EncodeToString(nonce), Ciphertext: hex.EncodeToString(ct)}, nil
}

func open(s *Sealed, passphrase, address []byte) ([32]byte, error) {
	var seed [32]byte
	if s.KDF != "scrypt" || s.Cipher != "aes-256-gcm" {
		return seed, fmt.Errorf("unsupported key encryption %s/%s", s.KDF, s.Cipher)
	}
	if s.N < 2 || s.N > maxScryptN || s.R < 1 || s.R > 32 || s.P < 1 || s.P > 16 {
		return seed, fmt.Errorf("scrypt parameters out of bounds (N %d, r %d, p %d)", s.N, s.R, s.P)
	}
	salt, err1 := hex.DecodeString(s.Salt)
	nonce, err2 := hex.DecodeString(s.Nonce)
	ct, err3 := hex.DecodeString(s.Ciphertext)
	if err := errors.Join(err1, err2, err3); err != nil {
		return seed, fmt.Errorf("corrupt sealed seed: %w", err)
	}
	aead, err := sealKey(passphrase, salt, s.N, s.R, s.P)
	if err != nil {
		return seed, err
	}
	if len(nonce) != aead.NonceSize() {
		return seed, errors.New("corrupt sealed seed: nonce length")
	}
	pt, err := aead.Open(nil, nonce, ct, address)
	if err != nil || len(pt) != 32 {
		return seed, ErrWrongPassphrase
	}
	return [32]byte(pt), nil
}

func sealKey(passphrase, salt []byte, n, r, p int) (cipher.AEAD, error) {
	key, err := scrypt.Key(passphrase, salt, n, r, p, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
