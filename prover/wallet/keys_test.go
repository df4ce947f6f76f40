package wallet

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestKeys_AddLoadListAndRefuseDuplicates(t *testing.T) {
	dir := t.TempDir()
	seed := SeedFromL1Signature([]byte("a deterministic L1 signature"))
	k, err := AddKey(dir, "alice", seed, "alice")
	require.NoError(t, err)
	loaded, err := LoadKey(dir, "alice")
	require.NoError(t, err)
	require.Equal(t, k.File, loaded.File)
	require.Equal(t, k.Private.Public, loaded.Private.Public)
	pk, err := ParseAddressHex(k.File.Address)
	require.NoError(t, err)
	require.Equal(t, k.Private.Public, pk)

	_, err = AddKey(dir, "alice", seed, "")
	require.True(t, errors.Is(err, ErrKeyExists))
	_, err = AddKey(dir, "../escape", seed, "")
	require.Error(t, err)
	_, err = LoadKey(dir, "nobody")
	require.ErrorContains(t, err, "l2 keys add nobody")

	keys, err := ListKeys(dir)
	require.NoError(t, err)
	require.Len(t, keys, 1)
	require.Equal(t, hex.EncodeToString(k.Private.Public.Address()), keys[0].Address)
}
