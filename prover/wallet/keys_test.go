package wallet

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var pass = []byte("correct horse")

func TestKeys_AddLoadListAndRefuseDuplicates(t *testing.T) {
	dir := t.TempDir()
	seed := SeedFromL1PrivateKey([]byte("an L1 private key"))
	k, err := AddKey(dir, "alice", seed, "alice", pass)
	require.NoError(t, err)
	loaded, err := LoadKey(dir, "alice", pass)
	require.NoError(t, err)
	require.Equal(t, k.File, loaded.File)
	require.Equal(t, k.Private.Public, loaded.Private.Public)
	require.False(t, loaded.Unencrypted())
	pk, err := ParseAddressHex(k.File.Address)
	require.NoError(t, err)
	require.Equal(t, k.Private.Public, pk)

	_, err = AddKey(dir, "alice", seed, "", pass)
	require.True(t, errors.Is(err, ErrKeyExists))
	_, err = AddKey(dir, "../escape", seed, "", pass)
	require.Error(t, err)
	_, err = LoadKey(dir, "nobody", pass)
	require.ErrorContains(t, err, "l2 keys add nobody")

	keys, err := ListKeys(dir)
	require.NoError(t, err)
	require.Len(t, keys, 1)
	require.Equal(t, hex.EncodeToString(k.Private.Public.Address()), keys[0].Address)
}

// L6: the seed is not on disk in clear, and only the passphrase opens it.
func TestKeys_SeedIsEncryptedAtRest(t *testing.T) {
	dir := t.TempDir()
	seed, err := NewSeed()
	require.NoError(t, err)
	_, err = AddKey(dir, "bob", seed, "", nil)
	require.ErrorIs(t, err, ErrNoPassphrase)
	k, err := AddKey(dir, "bob", seed, "", pass)
	require.NoError(t, err)

	raw, err := os.ReadFile(filepath.Join(dir, "bob.json"))
	require.NoError(t, err)
	require.NotContains(t, string(raw), hex.EncodeToString(seed[:]))
	fi, err := os.Stat(filepath.Join(dir, "bob.json"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	_, err = LoadKey(dir, "bob", []byte("wrong"))
	require.ErrorIs(t, err, ErrWrongPassphrase)
	_, err = LoadKey(dir, "bob", nil)
	require.ErrorIs(t, err, ErrWrongPassphrase)
	f, err := ReadKeyFile(dir, "bob") // the address needs no passphrase
	require.NoError(t, err)
	require.Equal(t, k.File.Address, f.Address)

	// a sealed seed moved into another key's file does not open there
	other, err := AddKey(dir, "carol", [32]byte{7}, "", pass)
	require.NoError(t, err)
	var cf KeyFile
	raw, err = os.ReadFile(filepath.Join(dir, "carol.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &cf))
	cf.Sealed = k.File.Sealed
	raw, err = json.Marshal(cf)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "carol.json"), raw, 0o600))
	_, err = LoadKey(dir, "carol", pass)
	require.ErrorIs(t, err, ErrWrongPassphrase, "sealed to %s", other.File.Address)
}

// Files written before encryption still load, and EncryptKey seals them.
func TestKeys_LegacyUnencryptedFileLoadsAndCanBeSealed(t *testing.T) {
	dir := t.TempDir()
	k, err := AddKey(dir, "dave", [32]byte{9}, "", pass)
	require.NoError(t, err)
	legacy := KeyFile{Name: "dave", Address: k.File.Address, Seed: strings.Repeat("09", 1) + strings.Repeat("00", 31)}
	raw, err := json.Marshal(legacy)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "dave.json"), raw, 0o600))

	loaded, err := LoadKey(dir, "dave", nil)
	require.NoError(t, err)
	require.True(t, loaded.Unencrypted())
	require.Equal(t, k.Private.Public, loaded.Private.Public)

	_, err = EncryptKey(dir, "dave", pass)
	require.NoError(t, err)
	raw, err = os.ReadFile(filepath.Join(dir, "dave.json"))
	require.NoError(t, err)
	require.NotContains(t, string(raw), legacy.Seed)
	sealed, err := LoadKey(dir, "dave", pass)
	require.NoError(t, err)
	require.False(t, sealed.Unencrypted())
	require.Equal(t, k.Private.Public, sealed.Private.Public)
}

// L6: the L1 derivation is domain-separated from signing. It reads the L1
// private key; v1 hashed a signature of the fixed public text
// "nativechain/l2-key/v1: derive my payments-rollup key", which any
// application could ask the user to sign.
func TestKeys_L1DerivationIsNotASignatureOfAPublicText(t *testing.T) {
	priv := []byte("an L1 private key")
	require.Equal(t, SeedFromL1PrivateKey(priv), SeedFromL1PrivateKey(priv), "deterministic: the L1 mnemonic recovers it")
	require.NotEqual(t, SeedFromL1PrivateKey(priv), SeedFromL1PrivateKey([]byte("another L1 private key")))
	// nothing in this package signs with an L1 key any more
	src, err := os.ReadFile("keys.go")
	require.NoError(t, err)
	require.NotContains(t, string(src), "SeedFromL1Signature")
	require.NotContains(t, string(src), "derive my payments-rollup key")
}
