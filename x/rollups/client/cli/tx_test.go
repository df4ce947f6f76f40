package cli_test

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/core/address"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectestutil "github.com/cosmos/cosmos-sdk/codec/testutil"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/std"
	clitestutil "github.com/cosmos/cosmos-sdk/testutil/cli"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/client/cli"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// A canonical root (1) and a 32-byte value above the BN254 scalar modulus.
var (
	rootOne      = strings.Repeat("00", 31) + "01"
	rootTwo      = strings.Repeat("00", 31) + "02"
	rootTooLarge = strings.Repeat("ff", 32)
)

// fixture is an offline client: an in-memory keyring with alice and bob,
// the chain's "native" address codec, and --generate-only so each command
// prints the transaction it would broadcast.
type fixture struct {
	t         *testing.T
	ac        address.Codec
	clientCtx client.Context
	txConfig  client.TxConfig
	alice     string
	bob       string
	dir       string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ir := codectestutil.CodecOptions{AccAddressPrefix: "native", ValAddressPrefix: "nativevaloper"}.NewInterfaceRegistry()
	std.RegisterInterfaces(ir)
	types.RegisterInterfaces(ir)
	cdc := codec.NewProtoCodec(ir)
	txConfig := authtx.NewTxConfig(cdc, authtx.DefaultSignModes)
	ac := addresscodec.NewBech32Codec("native")

	kr := keyring.NewInMemory(cdc)
	f := &fixture{t: t, ac: ac, txConfig: txConfig, dir: t.TempDir()}
	for _, name := range []string{"alice", "bob"} {
		rec, _, err := kr.NewMnemonic(name, keyring.English, sdk.FullFundraiserPath, keyring.DefaultBIP39Passphrase, hd.Secp256k1)
		require.NoError(t, err)
		addr, err := rec.GetAddress()
		require.NoError(t, err)
		s, err := ac.BytesToString(addr)
		require.NoError(t, err)
		if name == "alice" {
			f.alice = s
		} else {
			f.bob = s
		}
	}
	f.clientCtx = client.Context{}.
		WithCodec(cdc).
		WithInterfaceRegistry(ir).
		WithTxConfig(txConfig).
		WithKeyring(kr).
		WithChainID("nativechain-test-1")
	return f
}

// file writes content to a fresh file and returns its path.
func (f *fixture) file(name string, content []byte) string {
	f.t.Helper()
	path := filepath.Join(f.dir, name)
	require.NoError(f.t, os.WriteFile(path, content, 0o600))
	return path
}

// run executes cmd signed by alice with --generate-only and returns the
// single message of the printed transaction.
func (f *fixture) run(cmd *cobra.Command, args ...string) (sdk.Msg, error) {
	f.t.Helper()
	out, err := clitestutil.ExecTestCLICmd(f.clientCtx, cmd, append(args, "--from", "alice", "--generate-only"))
	if err != nil {
		return nil, err
	}
	tx, err := f.txConfig.TxJSONDecoder()(out.Bytes())
	require.NoError(f.t, err, "printed tx: %s", out.String())
	msgs := tx.GetMsgs()
	require.Len(f.t, msgs, 1)
	return msgs[0], nil
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	bz, err := hex.DecodeString(s)
	require.NoError(t, err)
	return bz
}

func TestGetTxCmd_HasEveryMessageCommand(t *testing.T) {
	cmd := cli.GetTxCmd(addresscodec.NewBech32Codec("native"))
	var names []string
	for _, sub := range cmd.Commands() {
		names = append(names, sub.Name())
	}
	require.ElementsMatch(t, []string{"register", "submit-batch", "update-operators", "update-vk", "deregister", "force-include"}, names)
}

func TestRegisterCmd_ReadsKeyAndRootAndDefaultsOperatorsToSigner(t *testing.T) {
	// ARRANGE
	f := newFixture(t)
	vk := []byte("verifying key bytes")
	vkPath := f.file("vk.bin", vk)

	// ACT
	msg, err := f.run(cli.NewRegisterCmd(f.ac), "payments",
		"--vk-file", vkPath, "--genesis-root", "0x"+rootOne, "--bond", "10000000unat", "--max-batch-bytes", "4096")

	// ASSERT
	require.NoError(t, err)
	require.Equal(t, &types.MsgRegisterRollup{
		Admin:             f.alice,
		RollupId:          "payments",
		VerifyingKey:      vk,
		GenesisStateRoot:  mustHex(t, rootOne),
		Operators:         []string{f.alice},
		Bond:              sdk.NewCoin("unat", sdkmath.NewInt(10_000_000)),
		MaxBatchDataBytes: 4096,
	}, msg)
}

func TestRegisterCmd_TakesCommaSeparatedOperators(t *testing.T) {
	f := newFixture(t)
	msg, err := f.run(cli.NewRegisterCmd(f.ac), "payments",
		"--vk-file", f.file("vk.bin", []byte{1}), "--genesis-root", rootOne, "--bond", "1unat",
		"--operators", f.bob+", "+f.alice)
	require.NoError(t, err)
	require.Equal(t, []string{f.bob, f.alice}, msg.(*types.MsgRegisterRollup).Operators)
}

func TestRegisterCmd_RejectsBadInputBeforeBroadcasting(t *testing.T) {
	f := newFixture(t)
	vkPath := f.file("vk.bin", []byte("vk"))
	cases := []struct {
		name    string
		args    []string
		wantErr string
		wantIs  error
	}{
		{"missing vk file", []string{"payments", "--vk-file", filepath.Join(f.dir, "nope.bin"), "--genesis-root", rootOne, "--bond", "1unat"}, "no such file", nil},
		{"vk path is a directory", []string{"payments", "--vk-file", f.dir, "--genesis-root", rootOne, "--bond", "1unat"}, "--vk-file", nil},
		{"empty vk file", []string{"payments", "--vk-file", f.file("empty.bin", nil), "--genesis-root", rootOne, "--bond", "1unat"}, "", types.ErrInvalidVerifyingKey},
		{"root not hex", []string{"payments", "--vk-file", vkPath, "--genesis-root", "xyz", "--bond", "1unat"}, "not hex", nil},
		{"root too short", []string{"payments", "--vk-file", vkPath, "--genesis-root", "0102", "--bond", "1unat"}, "a state root is 32 bytes", nil},
		{"root above the modulus", []string{"payments", "--vk-file", vkPath, "--genesis-root", rootTooLarge, "--bond", "1unat"}, "", protocol.ErrStateRootNonCanonical},
		{"bond not a coin", []string{"payments", "--vk-file", vkPath, "--genesis-root", rootOne, "--bond", "lots"}, "--bond", nil},
		{"bad operator", []string{"payments", "--vk-file", vkPath, "--genesis-root", rootOne, "--bond", "1unat", "--operators", "cosmos1xyz"}, "", types.ErrInvalidOperators},
		{"duplicate operator", []string{"payments", "--vk-file", vkPath, "--genesis-root", rootOne, "--bond", "1unat", "--operators", f.bob + "," + f.bob}, "", types.ErrInvalidOperators},
		{"bad rollup id", []string{"Payments!", "--vk-file", vkPath, "--genesis-root", rootOne, "--bond", "1unat"}, "", protocol.ErrInvalidRollupID},
		{"batch cap above the hard limit", []string{"payments", "--vk-file", vkPath, "--genesis-root", rootOne, "--bond", "1unat", "--max-batch-bytes", "999999999"}, "", types.ErrInvalidBatchLimit},
		{"no genesis root", []string{"payments", "--vk-file", vkPath, "--bond", "1unat"}, `"genesis-root" not set`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.run(cli.NewRegisterCmd(f.ac), tc.args...)
			require.Error(t, err)
			if tc.wantIs != nil {
				require.ErrorIs(t, err, tc.wantIs)
			}
			require.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

func TestSubmitBatchCmd_ReadsDataOutboxAndProofFiles(t *testing.T) {
	// ARRANGE
	f := newFixture(t)
	data := []byte("compressed l2 transactions")
	outbox, err := protocol.EncodeOutbox([]protocol.OutboxEntry{{
		Kind: protocol.OutboxKindWithdrawal, Recipient: []byte("l1-recipient"), Denom: "unat", Amount: protocol.NewUint128(5),
	}})
	require.NoError(t, err)
	proof := bytes.Repeat([]byte{7}, 164)

	// ACT
	msg, err := f.run(cli.NewSubmitBatchCmd(f.ac), "payments",
		"--index", "3", "--new-root", rootTwo, "--inbox-consumed", "2", "--l2-tx-count", "40",
		"--data-file", f.file("data.bin", data), "--outbox-file", f.file("outbox.bin", outbox),
		"--proof-file", f.file("proof.bin", proof))

	// ASSERT
	require.NoError(t, err)
	require.Equal(t, &types.MsgSubmitBatch{
		Submitter:     f.alice,
		RollupId:      "payments",
		BatchIndex:    3,
		NewStateRoot:  mustHex(t, rootTwo),
		Data:          data,
		InboxConsumed: 2,
		Outbox:        outbox,
		Proof:         proof,
		L2TxCount:     40,
	}, msg)
}

func TestSubmitBatchCmd_AcceptsEmptyDataAndNoOutbox(t *testing.T) {
	f := newFixture(t)
	msg, err := f.run(cli.NewSubmitBatchCmd(f.ac), "payments",
		"--index", "1", "--new-root", rootOne, "--inbox-consumed", "0",
		"--data-file", f.file("data.bin", nil), "--proof-file", f.file("proof.bin", []byte{1}))
	require.NoError(t, err)
	batch := msg.(*types.MsgSubmitBatch)
	require.Empty(t, batch.Data)
	require.Empty(t, batch.Outbox)
}

func TestSubmitBatchCmd_RejectsBadInputBeforeBroadcasting(t *testing.T) {
	f := newFixture(t)
	data := f.file("data.bin", []byte("data"))
	proof := f.file("proof.bin", bytes.Repeat([]byte{1}, 164))
	// base returns valid submit-batch args with flag/value overrides; the
	// value "-" drops the flag.
	base := func(overrides ...string) []string {
		set := map[string]string{
			"--index": "1", "--new-root": rootOne, "--inbox-consumed": "0", "--data-file": data, "--proof-file": proof,
		}
		for i := 0; i+1 < len(overrides); i += 2 {
			set[overrides[i]] = overrides[i+1]
		}
		args := []string{"payments"}
		for k, v := range set {
			if v != "-" {
				args = append(args, k, v)
			}
		}
		return args
	}
	cases := []struct {
		name    string
		args    []string
		wantErr string
		wantIs  error
	}{
		{"missing data file", base("--data-file", filepath.Join(f.dir, "nope")), "--data-file", nil},
		{"missing proof file", base("--proof-file", filepath.Join(f.dir, "nope")), "--proof-file", nil},
		{"proof file too large", base("--proof-file", f.file("big.bin", make([]byte, types.MaxProofBytes+1))), "larger than 196 bytes", nil},
		{"empty proof file", base("--proof-file", f.file("empty.bin", nil)), "", types.ErrInvalidProof},
		{"root not hex", base("--new-root", "0x12zz"), "not hex", nil},
		{"root 31 bytes", base("--new-root", rootOne[2:]), "got 31 bytes", nil},
		{"root above the modulus", base("--new-root", rootTooLarge), "", protocol.ErrStateRootNonCanonical},
		{"index zero", base("--index", "0"), "", types.ErrWrongBatchIndex},
		{"malformed outbox", append(base(), "--outbox-file", f.file("outbox.bin", []byte{0xff, 0xff})), "--outbox-file", nil},
		{"bad rollup id", append([]string{"x"}, base()[1:]...), "", protocol.ErrInvalidRollupID},
		{"no proof flag", base("--proof-file", "-"), `"proof-file" not set`, nil},
		{"no inbox-consumed flag", base("--inbox-consumed", "-"), `"inbox-consumed" not set`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.run(cli.NewSubmitBatchCmd(f.ac), tc.args...)
			require.Error(t, err)
			if tc.wantIs != nil {
				require.ErrorIs(t, err, tc.wantIs)
			}
			require.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

func TestUpdateOperatorsCmd_SplitsTheList(t *testing.T) {
	f := newFixture(t)
	msg, err := f.run(cli.NewUpdateOperatorsCmd(f.ac), "payments", f.alice+","+f.bob)
	require.NoError(t, err)
	require.Equal(t, &types.MsgUpdateOperators{Admin: f.alice, RollupId: "payments", Operators: []string{f.alice, f.bob}}, msg)

	_, err = f.run(cli.NewUpdateOperatorsCmd(f.ac), "payments", " , ")
	require.ErrorIs(t, err, types.ErrInvalidOperators)
}

func TestUpdateVerifyingKeyCmd_ReadsTheKeyFile(t *testing.T) {
	f := newFixture(t)
	vk := []byte("new key")
	msg, err := f.run(cli.NewUpdateVerifyingKeyCmd(f.ac), "payments", "--vk-file", f.file("vk2.bin", vk))
	require.NoError(t, err)
	require.Equal(t, &types.MsgUpdateVerifyingKey{Admin: f.alice, RollupId: "payments", VerifyingKey: vk}, msg)

	_, err = f.run(cli.NewUpdateVerifyingKeyCmd(f.ac), "payments", "--vk-file", filepath.Join(f.dir, "nope"))
	require.ErrorContains(t, err, "--vk-file")
}

func TestDeregisterCmd_SignsAsAdmin(t *testing.T) {
	f := newFixture(t)
	msg, err := f.run(cli.NewDeregisterCmd(f.ac), "payments")
	require.NoError(t, err)
	require.Equal(t, &types.MsgDeregisterRollup{Admin: f.alice, RollupId: "payments"}, msg)

	_, err = f.run(cli.NewDeregisterCmd(f.ac), "no")
	require.ErrorIs(t, err, protocol.ErrInvalidRollupID)
}

func TestCommands_RequireASigner(t *testing.T) {
	f := newFixture(t)
	_, err := clitestutil.ExecTestCLICmd(f.clientCtx, cli.NewDeregisterCmd(f.ac), []string{"payments", "--generate-only"})
	require.ErrorContains(t, err, "--from")
}
