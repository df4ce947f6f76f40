package types_test

import (
	"bytes"
	"math/big"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
)

var ac = addresscodec.NewBech32Codec("native")

func account(t *testing.T, seed byte) string {
	t.Helper()
	s, err := ac.BytesToString(bytes.Repeat([]byte{seed}, 20))
	require.NoError(t, err)
	return s
}

func accounts(t *testing.T, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		s, err := ac.BytesToString(big.NewInt(int64(i + 1)).FillBytes(make([]byte, 20)))
		require.NoError(t, err)
		out[i] = s
	}
	return out
}

// rootBytes is the canonical encoding of a BN254 scalar: v, or r - 1 for
// v < 0.
func rootBytes(v int64) []byte {
	x := big.NewInt(v)
	if v < 0 {
		x.Add(fr.Modulus(), x)
	}
	return x.FillBytes(make([]byte, 32))
}

func modulus() []byte { return fr.Modulus().FillBytes(make([]byte, 32)) }

func TestValidateRollupName(t *testing.T) {
	tests := []struct {
		id    string
		valid bool
	}{
		{"abc", true},
		{"payments", true},
		{"rollup-2", true},
		{"a-b-c", true},
		{"z99", true},
		{strings.Repeat("a", types.MaxRollupIDName), true},

		{"", false},
		{"ab", false},
		{"a0", false},
		{strings.Repeat("a", types.MaxRollupIDName+1), false},
		{"Payments", false},
		{"payMents", false},
		{"1payments", false},
		{"-payments", false},
		{"payments-", false},
		{"pay ments", false},
		{"pay_ments", false},
		{"pay.ments", false},
		{"pay/ments", false},
		{"paymënts", false},
		{"payments\x00", false},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			err := types.ValidateRollupName(tc.id)
			if tc.valid {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, protocol.ErrInvalidRollupID)
		})
	}
}

func validSubmitBatch(t *testing.T) types.MsgSubmitBatch {
	t.Helper()
	return types.MsgSubmitBatch{
		Submitter:    account(t, 0x0b),
		RollupId:     "payments",
		BatchIndex:   1,
		NewStateRoot: rootBytes(7),
		Data:         []byte("txs"),
		Proof:        make([]byte, 164),
	}
}

func TestMsgSubmitBatch_Validate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(m *types.MsgSubmitBatch)
		wantErr error // nil: valid
	}{
		{"valid", func(*types.MsgSubmitBatch) {}, nil},
		{"largest canonical root", func(m *types.MsgSubmitBatch) { m.NewStateRoot = rootBytes(-1) }, nil},
		{"zero root", func(m *types.MsgSubmitBatch) { m.NewStateRoot = make([]byte, 32) }, nil},
		{"no data", func(m *types.MsgSubmitBatch) { m.Data = nil }, nil},
		{"data at the hard limit", func(m *types.MsgSubmitBatch) { m.Data = make([]byte, types.MaxBatchDataBytesLimit) }, nil},
		{"proof with a commitment", func(m *types.MsgSubmitBatch) { m.Proof = make([]byte, types.MaxProofBytes) }, nil},
		{"consumes inbox and posts outbox", func(m *types.MsgSubmitBatch) { m.InboxConsumed, m.Outbox = 5, []byte{1} }, nil},

		{"empty submitter", func(m *types.MsgSubmitBatch) { m.Submitter = "" }, types.ErrUnauthorized},
		{"malformed submitter", func(m *types.MsgSubmitBatch) { m.Submitter = "native1xyz" }, types.ErrUnauthorized},
		{"submitter of another chain", func(m *types.MsgSubmitBatch) {
			m.Submitter = sdk.MustBech32ifyAddressBytes("cosmos", bytes.Repeat([]byte{0x0b}, 20))
		}, types.ErrUnauthorized},
		{"invalid rollup id", func(m *types.MsgSubmitBatch) { m.RollupId = "Payments" }, protocol.ErrInvalidRollupID},
		{"empty rollup id", func(m *types.MsgSubmitBatch) { m.RollupId = "" }, protocol.ErrInvalidRollupID},
		{"index zero", func(m *types.MsgSubmitBatch) { m.BatchIndex = 0 }, types.ErrWrongBatchIndex},
		{"root of 31 bytes", func(m *types.MsgSubmitBatch) { m.NewStateRoot = rootBytes(7)[1:] }, protocol.ErrStateRootLength},
		{"root of 33 bytes", func(m *types.MsgSubmitBatch) { m.NewStateRoot = append(rootBytes(7), 0) }, protocol.ErrStateRootLength},
		{"no root", func(m *types.MsgSubmitBatch) { m.NewStateRoot = nil }, protocol.ErrStateRootLength},
		{"root equal to the modulus", func(m *types.MsgSubmitBatch) { m.NewStateRoot = modulus() }, protocol.ErrStateRootNonCanonical},
		{"root all ones", func(m *types.MsgSubmitBatch) { m.NewStateRoot = bytes.Repeat([]byte{0xff}, 32) }, protocol.ErrStateRootNonCanonical},
		{"data over the hard limit", func(m *types.MsgSubmitBatch) { m.Data = make([]byte, types.MaxBatchDataBytesLimit+1) }, types.ErrBatchDataTooLarge},
		{"no proof", func(m *types.MsgSubmitBatch) { m.Proof = nil }, types.ErrInvalidProof},
		{"proof over the limit", func(m *types.MsgSubmitBatch) { m.Proof = make([]byte, types.MaxProofBytes+1) }, types.ErrInvalidProof},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := validSubmitBatch(t)
			tc.mutate(&msg)
			err := msg.Validate(ac)
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
}

func validRegisterRollup(t *testing.T) types.MsgRegisterRollup {
	t.Helper()
	return types.MsgRegisterRollup{
		Admin:            account(t, 0xa1),
		RollupId:         "payments",
		VerifyingKey:     []byte{1}, // parsed by the keeper, under the params cap
		GenesisStateRoot: rootBytes(1),
		Operators:        []string{account(t, 0x0b)},
		Bond:             sdk.NewInt64Coin("unat", 10_000_000),
	}
}

func TestMsgRegisterRollup_Validate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(t *testing.T, m *types.MsgRegisterRollup)
		wantErr error // nil: valid
	}{
		{"valid", func(*testing.T, *types.MsgRegisterRollup) {}, nil},
		{"zero bond (the keeper checks the minimum)", func(_ *testing.T, m *types.MsgRegisterRollup) { m.Bond = sdk.NewInt64Coin("unat", 0) }, nil},
		{"largest canonical genesis root", func(_ *testing.T, m *types.MsgRegisterRollup) { m.GenesisStateRoot = rootBytes(-1) }, nil},
		{"batch limit at the hard limit", func(_ *testing.T, m *types.MsgRegisterRollup) { m.MaxBatchDataBytes = types.MaxBatchDataBytesLimit }, nil},
		{"operators at the hard limit", func(t *testing.T, m *types.MsgRegisterRollup) {
			m.Operators = accounts(t, int(types.MaxOperatorsLimit))
		}, nil},
		{"admin is also an operator", func(_ *testing.T, m *types.MsgRegisterRollup) { m.Operators = []string{m.Admin} }, nil},

		{"malformed admin", func(_ *testing.T, m *types.MsgRegisterRollup) { m.Admin = "native1bad" }, types.ErrUnauthorized},
		{"empty admin", func(_ *testing.T, m *types.MsgRegisterRollup) { m.Admin = "" }, types.ErrUnauthorized},
		{"invalid rollup id", func(_ *testing.T, m *types.MsgRegisterRollup) { m.RollupId = "x" }, protocol.ErrInvalidRollupID},
		{"empty verifying key", func(_ *testing.T, m *types.MsgRegisterRollup) { m.VerifyingKey = nil }, types.ErrInvalidVerifyingKey},
		{"genesis root equal to the modulus", func(_ *testing.T, m *types.MsgRegisterRollup) { m.GenesisStateRoot = modulus() }, protocol.ErrStateRootNonCanonical},
		{"genesis root of 31 bytes", func(_ *testing.T, m *types.MsgRegisterRollup) { m.GenesisStateRoot = rootBytes(1)[1:] }, protocol.ErrStateRootLength},
		{"no operator", func(_ *testing.T, m *types.MsgRegisterRollup) { m.Operators = nil }, types.ErrInvalidOperators},
		{"duplicate operator", func(_ *testing.T, m *types.MsgRegisterRollup) { m.Operators = append(m.Operators, m.Operators[0]) }, types.ErrInvalidOperators},
		{"malformed operator", func(_ *testing.T, m *types.MsgRegisterRollup) { m.Operators = []string{"native1bad"} }, types.ErrInvalidOperators},
		{"operators over the hard limit", func(t *testing.T, m *types.MsgRegisterRollup) {
			m.Operators = accounts(t, int(types.MaxOperatorsLimit)+1)
		}, types.ErrInvalidOperators},
		{"negative bond", func(_ *testing.T, m *types.MsgRegisterRollup) {
			m.Bond = sdk.Coin{Denom: "unat", Amount: sdkmath.NewInt(-1)}
		}, types.ErrInsufficientBond},
		{"bond with an invalid denom", func(_ *testing.T, m *types.MsgRegisterRollup) {
			m.Bond = sdk.Coin{Denom: "1unat", Amount: sdkmath.NewInt(10)}
		}, types.ErrInsufficientBond},
		{"unset bond", func(_ *testing.T, m *types.MsgRegisterRollup) { m.Bond = sdk.Coin{} }, types.ErrInsufficientBond},
		{"batch limit over the hard limit", func(_ *testing.T, m *types.MsgRegisterRollup) {
			m.MaxBatchDataBytes = types.MaxBatchDataBytesLimit + 1
		}, types.ErrInvalidBatchLimit},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			msg := validRegisterRollup(t)
			tc.mutate(t, &msg)
			err := msg.Validate(ac)
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
}

// The admin messages share their checks: a valid admin address, a valid
// rollup id, and their own payload.
func TestAdminMsgs_Validate(t *testing.T) {
	admin, op := account(t, 0xa1), account(t, 0x0b)
	cases := []struct {
		name     string
		validate func() error
		wantErr  error
	}{
		{"update operators", func() error {
			return (&types.MsgUpdateOperators{Admin: admin, RollupId: "payments", Operators: []string{op}}).Validate(ac)
		}, nil},
		{"update operators by a malformed admin", func() error {
			return (&types.MsgUpdateOperators{Admin: "bad", RollupId: "payments", Operators: []string{op}}).Validate(ac)
		}, types.ErrUnauthorized},
		{"update operators of an invalid id", func() error {
			return (&types.MsgUpdateOperators{Admin: admin, RollupId: "P", Operators: []string{op}}).Validate(ac)
		}, protocol.ErrInvalidRollupID},
		{"update operators to none", func() error {
			return (&types.MsgUpdateOperators{Admin: admin, RollupId: "payments"}).Validate(ac)
		}, types.ErrInvalidOperators},
		{"update operators with a duplicate", func() error {
			return (&types.MsgUpdateOperators{Admin: admin, RollupId: "payments", Operators: []string{op, op}}).Validate(ac)
		}, types.ErrInvalidOperators},
		{"update verifying key", func() error {
			return (&types.MsgUpdateVerifyingKey{Admin: admin, RollupId: "payments", VerifyingKey: []byte{1}}).Validate(ac)
		}, nil},
		{"update to an empty verifying key", func() error {
			return (&types.MsgUpdateVerifyingKey{Admin: admin, RollupId: "payments"}).Validate(ac)
		}, types.ErrInvalidVerifyingKey},
		{"update verifying key by a malformed admin", func() error {
			return (&types.MsgUpdateVerifyingKey{Admin: "", RollupId: "payments", VerifyingKey: []byte{1}}).Validate(ac)
		}, types.ErrUnauthorized},
		{"update verifying key of an invalid id", func() error {
			return (&types.MsgUpdateVerifyingKey{Admin: admin, RollupId: "ab", VerifyingKey: []byte{1}}).Validate(ac)
		}, protocol.ErrInvalidRollupID},
		{"deregister", func() error {
			return (&types.MsgDeregisterRollup{Admin: admin, RollupId: "payments"}).Validate(ac)
		}, nil},
		{"deregister by a malformed admin", func() error {
			return (&types.MsgDeregisterRollup{Admin: "native1", RollupId: "payments"}).Validate(ac)
		}, types.ErrUnauthorized},
		{"deregister an invalid id", func() error {
			return (&types.MsgDeregisterRollup{Admin: admin, RollupId: "pay ments"}).Validate(ac)
		}, protocol.ErrInvalidRollupID},
		{"update params", func() error {
			return (&types.MsgUpdateParams{Authority: admin, Params: types.DefaultParams()}).Validate(ac)
		}, nil},
		{"update params by a malformed authority", func() error {
			return (&types.MsgUpdateParams{Authority: "gov", Params: types.DefaultParams()}).Validate(ac)
		}, types.ErrUnauthorized},
		{"update to invalid params", func() error {
			p := types.DefaultParams()
			p.MaxOperators = 0
			return (&types.MsgUpdateParams{Authority: admin, Params: p}).Validate(ac)
		}, types.ErrInvalidParams},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.validate()
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
}
