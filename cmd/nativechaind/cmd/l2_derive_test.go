package cmd

import (
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	cryptocodec "github.com/cosmos/cosmos-sdk/crypto/codec"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"

	"github.com/nativechain/nativechain/prover/wallet"
)

// keyringOnly hides the keystore's ExportPrivateKeyObject, so that
// seedFromL1Key takes its armored-export path.
type keyringOnly struct{ keyring.Keyring }

// L6: --from-l1 derives from the L1 private key, the same way through
// either export path, and not from a signature of the v1 public text.
func TestL2KeysFromL1_DerivesFromThePrivateKeyNotASignature(t *testing.T) {
	reg := codectypes.NewInterfaceRegistry()
	cryptocodec.RegisterInterfaces(reg)
	kr := keyring.NewInMemory(codec.NewProtoCodec(reg))
	_, _, err := kr.NewMnemonic("alice", keyring.English, sdk.FullFundraiserPath, keyring.DefaultBIP39Passphrase, hd.Secp256k1)
	require.NoError(t, err)

	seed, err := seedFromL1Key(kr, "alice")
	require.NoError(t, err)
	viaArmor, err := seedFromL1Key(keyringOnly{kr}, "alice")
	require.NoError(t, err)
	require.Equal(t, seed, viaArmor)
	priv, err := kr.(interface {
		ExportPrivateKeyObject(string) (cryptotypes.PrivKey, error)
	}).ExportPrivateKeyObject("alice")
	require.NoError(t, err)
	require.Equal(t, wallet.SeedFromL1PrivateKey(priv.Bytes()), seed)

	// v1: SHA-256("nativechain/l2-seed/v1" || signature of the public text)
	sig, _, err := kr.Sign("alice", []byte("nativechain/l2-key/v1: derive my payments-rollup key"), signing.SignMode_SIGN_MODE_DIRECT)
	require.NoError(t, err)
	require.NotEqual(t, [32]byte(sha256.Sum256(append([]byte("nativechain/l2-seed/v1"), sig...))), seed)
}
