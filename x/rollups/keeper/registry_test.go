package keeper_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fp"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// Offsets in the compressed encoding of the test circuit's verifying key
// (one public input, no commitment; see verifier.ValidateVerifyingKey).
const (
	vkOffNbK    = 288          // u32 number of K points, after [α]1 [β]1 [β]2 [γ]2 [δ]1 [δ]2
	vkOffK      = vkOffNbK + 4 // K points, 32 bytes each
	vkOffLists  = vkOffK + 2*32
	vkOffNbComm = vkOffLists + 4
	vkSize      = vkOffNbComm + 4 // 364
)

func withU32(bz []byte, off int, v uint32) []byte {
	out := slices.Clone(bz)
	binary.BigEndian.PutUint32(out[off:], v)
	return out
}

func withBytes(bz []byte, off int, b []byte) []byte {
	out := slices.Clone(bz)
	copy(out[off:], b)
	return out
}

// modulusBytes is r, the BN254 scalar-field modulus: the smallest
// non-canonical 32-byte element.
func modulusBytes() []byte {
	var b [32]byte
	fr.Modulus().FillBytes(b[:])
	return b[:]
}

// offCurveG1 is a compressed G1 encoding whose x has no point on the
// curve: x^3 + 3 is not a square.
func offCurveG1() []byte {
	var x, rhs, three fp.Element
	three.SetUint64(3)
	for v := uint64(1); ; v++ {
		x.SetUint64(v)
		rhs.Square(&x).Mul(&rhs, &x).Add(&rhs, &three)
		if rhs.Legendre() == -1 {
			b := x.Bytes()
			b[0] |= 0b10 << 6 // compressed flag
			return b[:]
		}
	}
}

// operators returns n distinct valid operator addresses.
func (f fixture) operators(t *testing.T, n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		a := make([]byte, 20)
		binary.BigEndian.PutUint32(a[16:], uint32(0x4000+i)) // distinct for any n
		s, err := f.ac.BytesToString(a)
		require.NoError(t, err)
		out[i] = s
	}
	return out
}

// registrySnapshot is everything a registration may change.
type registrySnapshot struct {
	rollup      []byte // nil if absent
	admin       sdk.Coins
	module      sdk.Coins
	pool        sdk.Coins
	outsider    sdk.Coins
	rollupCount int
}

func (f fixture) snapshot(t *testing.T, id string) registrySnapshot {
	t.Helper()
	s := registrySnapshot{
		admin:    f.bank.balance(f.accAddr(t, f.admin)),
		module:   f.bank.moduleBalance(types.ModuleName),
		pool:     f.bank.moduleBalance("rewards"),
		outsider: f.bank.balance(f.accAddr(t, f.outsider)),
	}
	if r, err := f.keeper.GetRollup(f.ctx, id); err == nil {
		s.rollup, err = r.Marshal()
		require.NoError(t, err)
	}
	require.NoError(t, f.keeper.RollupInfos.Walk(f.ctx, nil, func(string, types.Rollup) (bool, error) {
		s.rollupCount++
		return false, nil
	}))
	return s
}

func TestRegisterRollup_EscrowsBondPaysFeeAndStoresActiveRollup(t *testing.T) {
	f := newFixture(t)
	params := f.params(t)
	msg := f.registerMsg(t, rollupID)
	msg.Bond = msg.Bond.AddAmount(sdkmath.NewInt(5)) // more than the minimum is fine
	adminBefore := f.bank.balance(f.accAddr(t, f.admin))

	_, err := f.msgServer.RegisterRollup(f.ctx, msg)
	require.NoError(t, err)

	paid := sdk.NewCoins(msg.Bond).Add(params.RegistrationFee)
	require.Equal(t, sdk.NewCoins(msg.Bond).String(), f.bank.moduleBalance(types.ModuleName).String(), "the bond is escrowed")
	require.Equal(t, sdk.NewCoins(params.RegistrationFee).String(), f.bank.moduleBalance("rewards").String(), "the fee is the pool's")
	require.Equal(t, adminBefore.Sub(paid...).String(), f.bank.balance(f.accAddr(t, f.admin)).String())

	r := f.rollup(t, rollupID)
	vkHash := sha256.Sum256(msg.VerifyingKey)
	acc0 := protocol.FieldElementBytes(protocol.InboxAccumulatorGenesis())
	require.Equal(t, types.ROLLUP_STATUS_ACTIVE, r.Status)
	require.Equal(t, uint64(1), r.NextBatchIndex)
	require.Equal(t, msg.GenesisStateRoot, r.GenesisStateRoot)
	require.Equal(t, msg.GenesisStateRoot, r.StateRoot)
	require.Equal(t, f.admin, r.Admin)
	require.Equal(t, msg.Operators, r.Operators)
	require.Equal(t, msg.VerifyingKey, r.VerifyingKey)
	require.Equal(t, vkHash[:], r.VkHash)
	require.Equal(t, msg.Bond.String(), r.Bond.String())
	require.Equal(t, params.RegistrationFee.String(), r.RegistrationFee.String())
	require.Equal(t, params.MaxBatchDataBytes, r.MaxBatchDataBytes, "0 means the chain's cap")
	require.Equal(t, acc0, r.InboxAccumulator)
	require.Equal(t, acc0, r.ConsumedAccumulator)
	require.Zero(t, r.InboxSize)
	require.Zero(t, r.InboxConsumed)
	require.Nil(t, r.PendingVerifyingKey)
	require.Equal(t, testHeight, r.RegisteredHeight)

	events := typedEvents[*types.EventRollupRegistered](t, f.ctx)
	require.Len(t, events, 1)
	require.Equal(t, rollupID, events[0].RollupId)
	require.Equal(t, msg.Bond.String(), events[0].Bond)
}

func TestRegisterRollup_PaysTheFeeIntoTheRewardPool(t *testing.T) {
	f := newFixture(t)
	params := f.params(t)
	require.True(t, params.RegistrationFee.IsPositive())
	msg := f.registerMsg(t, rollupID)

	_, err := f.msgServer.RegisterRollup(f.ctx, msg)
	require.NoError(t, err)

	require.Equal(t, sdk.NewCoins(msg.Bond).String(), f.bank.moduleBalance(types.ModuleName).String(), "only the bond stays escrowed")
	require.Equal(t, sdk.NewCoins(params.RegistrationFee).String(), f.bank.moduleBalance("rewards").String())
	require.Equal(t, []string{types.RewardSourceRegistrationFee + ":" + params.RegistrationFee.String()}, f.pool.inflows)
}

func TestRegisterRollup_RefusedWhenThePoolRefusesTheFee(t *testing.T) {
	f := newFixture(t)
	f.pool.err = errors.New("pool unavailable")

	_, err := f.msgServer.RegisterRollup(f.ctx, f.registerMsg(t, rollupID))
	require.ErrorContains(t, err, "pool unavailable")
	// In the app the whole tx reverts; here the store write never happened.
	for _, part := range []collections.Map[string, types.Rollup]{f.keeper.Rollups, f.keeper.RollupInfos} {
		has, err := part.Has(f.ctx, rollupID)
		require.NoError(t, err)
		require.False(t, has)
	}
}

func TestRegisterRollup_AcceptsKeyWithOneCommitmentAndOwnBatchLimit(t *testing.T) {
	f := newFixture(t)
	vk, err := os.ReadFile("../testdata/vk_commit.bin")
	require.NoError(t, err)
	msg := f.registerMsg(t, rollupID)
	msg.VerifyingKey = vk
	msg.MaxBatchDataBytes = 4096

	_, err = f.msgServer.RegisterRollup(f.ctx, msg)
	require.NoError(t, err)
	r := f.rollup(t, rollupID)
	require.Equal(t, vk, r.VerifyingKey)
	require.Equal(t, uint64(4096), r.MaxBatchDataBytes)
}

func TestRegisterRollup_RefusesInvalidRegistrationsWithoutSideEffects(t *testing.T) {
	vk := testProver(t).VerifyingKey()
	require.Len(t, vk, vkSize, "the offsets below assume the test circuit's key layout")
	kPoint := vk[vkOffK+32 : vkOffK+64]
	infinityG1 := append([]byte{0x40}, make([]byte, 31)...)
	uncompressedG1 := withBytes(vk[:32], 0, []byte{vk[0] &^ 0xc0})

	tests := []struct {
		name    string
		setup   func(t *testing.T, f fixture)
		mutate  func(t *testing.T, f fixture, m *types.MsgRegisterRollup)
		wantErr error
	}{
		{name: "id already registered", setup: func(t *testing.T, f fixture) { f.register(t, rollupID) },
			wantErr: types.ErrRollupExists},

		// Rollup ids.
		{name: "empty id", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) { m.RollupId = "" }, wantErr: protocol.ErrInvalidRollupID},
		{name: "id too short", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) { m.RollupId = "ab" }, wantErr: protocol.ErrInvalidRollupID},
		{name: "id too long", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) { m.RollupId = strings.Repeat("a", 33) }, wantErr: protocol.ErrInvalidRollupID},
		{name: "id with upper case", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) { m.RollupId = "Payments" }, wantErr: protocol.ErrInvalidRollupID},
		{name: "id starting with a digit", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) { m.RollupId = "1payments" }, wantErr: protocol.ErrInvalidRollupID},
		{name: "id with underscore", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) { m.RollupId = "pay_ments" }, wantErr: protocol.ErrInvalidRollupID},
		{name: "id ending with dash", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) { m.RollupId = "payments-" }, wantErr: protocol.ErrInvalidRollupID},

		// Bond.
		{name: "bond below minimum", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.Bond = m.Bond.SubAmount(sdkmath.OneInt())
		}, wantErr: types.ErrInsufficientBond},
		{name: "bond in another denom", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.Bond = sdk.NewCoin("uatom", m.Bond.Amount.MulRaw(10))
		}, wantErr: types.ErrInsufficientBond},
		{name: "negative bond", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.Bond = sdk.Coin{Denom: m.Bond.Denom, Amount: sdkmath.NewInt(-1)}
		}, wantErr: types.ErrInsufficientBond},

		// Operators.
		{name: "no operator", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) { m.Operators = nil }, wantErr: types.ErrInvalidOperators},
		{name: "more operators than the param allows", mutate: func(t *testing.T, f fixture, m *types.MsgRegisterRollup) {
			m.Operators = f.operators(t, int(f.params(t).MaxOperators)+1)
		}, wantErr: types.ErrInvalidOperators},
		{name: "more operators than the hard limit", mutate: func(t *testing.T, f fixture, m *types.MsgRegisterRollup) {
			m.Operators = f.operators(t, int(types.MaxOperatorsLimit)+1)
		}, wantErr: types.ErrInvalidOperators},
		{name: "duplicate operator", mutate: func(_ *testing.T, f fixture, m *types.MsgRegisterRollup) {
			m.Operators = []string{f.operator, f.outsider, f.operator}
		}, wantErr: types.ErrInvalidOperators},
		{name: "malformed operator", mutate: func(_ *testing.T, f fixture, m *types.MsgRegisterRollup) {
			m.Operators = []string{f.operator, "native1notanaddress"}
		}, wantErr: types.ErrInvalidOperators},
		{name: "operator with another chain's prefix", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.Operators = []string{sdk.MustBech32ifyAddressBytes("cosmos", addr(0x0b))}
		}, wantErr: types.ErrInvalidOperators},

		// Verifying keys: every structural check runs before any curve
		// arithmetic, and keeps the verifier's typed error.
		{name: "empty key", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) { m.VerifyingKey = nil }, wantErr: types.ErrInvalidVerifyingKey},
		{name: "key with two public inputs", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			two := slices.Concat(vk[:vkOffLists], kPoint, vk[vkOffLists:])
			m.VerifyingKey = withU32(two, vkOffNbK, 3)
		}, wantErr: verifier.ErrVKPublicInputCount},
		{name: "key with no public input", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			none := slices.Concat(vk[:vkOffK+32], vk[vkOffLists:])
			m.VerifyingKey = withU32(none, vkOffNbK, 1)
		}, wantErr: verifier.ErrVKPublicInputCount},
		{name: "key with trailing bytes", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.VerifyingKey = append(slices.Clone(vk), 0)
		}, wantErr: verifier.ErrVKTrailingBytes},
		{name: "key truncated in a K point", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.VerifyingKey = vk[:vkOffK+40]
		}, wantErr: verifier.ErrVKTruncated},
		{name: "key truncated in the fixed part", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.VerifyingKey = vk[:100]
		}, wantErr: verifier.ErrVKTruncated},
		{name: "key missing its last count", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.VerifyingKey = vk[:vkSize-4]
		}, wantErr: verifier.ErrVKTruncated},
		{name: "hostile K count", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.VerifyingKey = withU32(vk, vkOffNbK, 0xffffffff)
		}, wantErr: verifier.ErrVKPublicInputCount},
		{name: "hostile committed-list count", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.VerifyingKey = withU32(vk, vkOffLists, 0xffffffff)
		}, wantErr: verifier.ErrVKCommitmentCount},
		{name: "hostile commitment-key count", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.VerifyingKey = withU32(vk, vkOffNbComm, 0xffffffff)
		}, wantErr: verifier.ErrVKCommitmentCount},
		{name: "hostile committed-list length", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.VerifyingKey = slices.Concat(withU32(vk[:vkOffNbComm], vkOffLists, 1), []byte{0xff, 0xff, 0xff, 0xff}, vk[vkOffNbComm:])
		}, wantErr: verifier.ErrVKEncoding},
		{name: "key point at infinity", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.VerifyingKey = withBytes(vk, 0, infinityG1)
		}, wantErr: verifier.ErrVKDegenerate},
		{name: "key point uncompressed", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.VerifyingKey = withBytes(vk, 0, uncompressedG1)
		}, wantErr: verifier.ErrVKEncoding},
		{name: "key point off the curve", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.VerifyingKey = withBytes(vk, 0, offCurveG1())
		}, wantErr: verifier.ErrVKEncoding},
		{name: "key point with x over the field modulus", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.VerifyingKey = withBytes(vk, 0, append([]byte{0xbf}, bytes.Repeat([]byte{0xff}, 31)...))
		}, wantErr: verifier.ErrVKEncoding},
		{name: "key over the size cap", mutate: func(t *testing.T, f fixture, m *types.MsgRegisterRollup) {
			m.VerifyingKey = make([]byte, f.params(t).MaxVkBytes+1)
		}, wantErr: types.ErrInvalidVerifyingKey},
		{name: "valid key over a lowered size cap", setup: func(t *testing.T, f fixture) {
			f.setParams(t, func(p *types.Params) { p.MaxVkBytes = vkSize - 1 })
		}, wantErr: types.ErrInvalidVerifyingKey},

		// Genesis state root.
		{name: "genesis root equal to the modulus", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.GenesisStateRoot = modulusBytes()
		}, wantErr: protocol.ErrStateRootNonCanonical},
		{name: "genesis root all ones", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.GenesisStateRoot = []byte(strings.Repeat("\xff", 32))
		}, wantErr: protocol.ErrStateRootNonCanonical},
		{name: "genesis root of 31 bytes", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.GenesisStateRoot = root(1)[1:]
		}, wantErr: protocol.ErrStateRootLength},

		// Batch data limit.
		{name: "batch limit over the chain's param", mutate: func(t *testing.T, f fixture, m *types.MsgRegisterRollup) {
			m.MaxBatchDataBytes = f.params(t).MaxBatchDataBytes + 1
		}, wantErr: types.ErrInvalidBatchLimit},
		{name: "batch limit over the hard limit", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) {
			m.MaxBatchDataBytes = types.MaxBatchDataBytesLimit + 1
		}, wantErr: types.ErrInvalidBatchLimit},

		// Admin.
		{name: "malformed admin", mutate: func(_ *testing.T, _ fixture, m *types.MsgRegisterRollup) { m.Admin = "native1bad" },
			wantErr: types.ErrUnauthorized},
		{name: "admin who cannot pay bond and fee", mutate: func(_ *testing.T, f fixture, m *types.MsgRegisterRollup) { m.Admin = f.outsider },
			wantErr: sdkerrors.ErrInsufficientFunds},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.setup != nil {
				tc.setup(t, f)
			}
			msg := f.registerMsg(t, rollupID)
			if tc.mutate != nil {
				tc.mutate(t, f, msg)
			}
			before := f.snapshot(t, msg.RollupId)
			f.ctx = f.ctx.WithEventManager(sdk.NewEventManager())

			_, err := f.msgServer.RegisterRollup(f.ctx, msg)

			require.ErrorIs(t, err, tc.wantErr)
			require.Equal(t, before, f.snapshot(t, msg.RollupId), "a refused registration must change nothing")
			require.Empty(t, typedEvents[*types.EventRollupRegistered](t, f.ctx))
		})
	}
}

func TestUpdateOperators_AdminReplacesTheOperatorSet(t *testing.T) {
	f := newFixture(t)
	p := f.params(t)
	p.PermissionlessAfterBlocks = 1_000_000 // only operators may submit here
	require.NoError(t, f.keeper.Params.Set(f.ctx, p))
	f.register(t, rollupID)
	newOps := f.operators(t, 2)
	stale := f.nextBatch(t, rollupID) // signed by the old operator

	res, err := f.msgServer.UpdateOperators(f.ctx, &types.MsgUpdateOperators{Admin: f.admin, RollupId: rollupID, Operators: newOps})
	require.NoError(t, err)
	require.Equal(t, newOps, f.rollup(t, rollupID).PendingOperators.Operators, "scheduled (H5)")
	f = f.atHeight(res.ActivationHeight)

	// The old operator is out.
	_, err = f.msgServer.SubmitBatch(f.ctx, stale)
	require.ErrorIs(t, err, types.ErrNotOperator)
	// A new operator cannot reuse the old operator's proof: it is bound to
	// its submitter.
	stale.Submitter = newOps[1]
	_, err = f.msgServer.SubmitBatch(f.ctx, stale)
	require.ErrorIs(t, err, verifier.ErrProofInvalid)
	// The same batch proven for the new operator is accepted.
	in := defaultInput(f.rollup(t, rollupID).NextBatchIndex)
	c := f.commitment(t, rollupID, in)
	c.Submitter = f.rawAddress(t, newOps[1])
	fresh := f.msgFor(t, testProver(t), c, in)
	fresh.Submitter = newOps[1]
	_, err = f.msgServer.SubmitBatch(f.ctx, fresh)
	require.NoError(t, err)
	require.Equal(t, newOps, f.rollup(t, rollupID).Operators, "the batch made the due set current")
	require.Len(t, typedEvents[*types.EventOperatorsUpdated](t, f.ctx), 1)
}

func TestUpdateOperators_RefusesInvalidUpdates(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(t *testing.T, f fixture, m *types.MsgUpdateOperators)
		wantErr error
	}{
		{"signer is not the admin", func(_ *testing.T, f fixture, m *types.MsgUpdateOperators) { m.Admin = f.operator }, types.ErrNotAdmin},
		{"unknown rollup", func(_ *testing.T, _ fixture, m *types.MsgUpdateOperators) { m.RollupId = "unknown" }, types.ErrUnknownRollup},
		{"empty set", func(_ *testing.T, _ fixture, m *types.MsgUpdateOperators) { m.Operators = nil }, types.ErrInvalidOperators},
		{"duplicate operator", func(_ *testing.T, f fixture, m *types.MsgUpdateOperators) {
			m.Operators = []string{f.outsider, f.outsider}
		}, types.ErrInvalidOperators},
		{"more operators than the param allows", func(t *testing.T, f fixture, m *types.MsgUpdateOperators) {
			m.Operators = f.operators(t, int(f.params(t).MaxOperators)+1)
		}, types.ErrInvalidOperators},
		{"malformed operator", func(_ *testing.T, _ fixture, m *types.MsgUpdateOperators) { m.Operators = []string{"native1bad"} }, types.ErrInvalidOperators},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			before := f.register(t, rollupID)
			msg := &types.MsgUpdateOperators{Admin: f.admin, RollupId: rollupID, Operators: []string{f.outsider}}
			tc.mutate(t, f, msg)

			_, err := f.msgServer.UpdateOperators(f.ctx, msg)

			require.ErrorIs(t, err, tc.wantErr)
			f.requireRollupUnchanged(t, before)
		})
	}
}

func TestUpdateVerifyingKey_RefusesInvalidUpdates(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(t *testing.T, f fixture, m *types.MsgUpdateVerifyingKey)
		wantErr error
	}{
		{"signer is not the admin", func(_ *testing.T, f fixture, m *types.MsgUpdateVerifyingKey) { m.Admin = f.outsider }, types.ErrNotAdmin},
		{"operator is not the admin", func(_ *testing.T, f fixture, m *types.MsgUpdateVerifyingKey) { m.Admin = f.operator }, types.ErrNotAdmin},
		{"unknown rollup", func(_ *testing.T, _ fixture, m *types.MsgUpdateVerifyingKey) { m.RollupId = "unknown" }, types.ErrUnknownRollup},
		{"the key already in use", func(t *testing.T, _ fixture, m *types.MsgUpdateVerifyingKey) {
			m.VerifyingKey = testProver(t).VerifyingKey()
		}, types.ErrInvalidVerifyingKey},
		{"empty key", func(_ *testing.T, _ fixture, m *types.MsgUpdateVerifyingKey) { m.VerifyingKey = nil }, types.ErrInvalidVerifyingKey},
		{"key with trailing bytes", func(_ *testing.T, _ fixture, m *types.MsgUpdateVerifyingKey) {
			m.VerifyingKey = append(slices.Clone(m.VerifyingKey), 0)
		}, verifier.ErrVKTrailingBytes},
		{"hostile K count", func(_ *testing.T, _ fixture, m *types.MsgUpdateVerifyingKey) {
			m.VerifyingKey = withU32(m.VerifyingKey, vkOffNbK, 0xffffffff)
		}, verifier.ErrVKPublicInputCount},
		{"key over the size cap", func(t *testing.T, f fixture, m *types.MsgUpdateVerifyingKey) {
			m.VerifyingKey = make([]byte, f.params(t).MaxVkBytes+1)
		}, types.ErrInvalidVerifyingKey},
		{"deregistered rollup", func(t *testing.T, f fixture, _ *types.MsgUpdateVerifyingKey) {
			_, err := f.msgServer.DeregisterRollup(f.ctx, &types.MsgDeregisterRollup{Admin: f.admin, RollupId: rollupID})
			require.NoError(t, err)
		}, types.ErrRollupNotActive},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.register(t, rollupID)
			msg := &types.MsgUpdateVerifyingKey{Admin: f.admin, RollupId: rollupID, VerifyingKey: rotatedProver(t).VerifyingKey()}
			tc.mutate(t, f, msg)
			var before types.Rollup
			if res, err := f.queryServer.Rollup(f.ctx, &types.QueryRollupRequest{RollupId: rollupID}); err == nil {
				before = res.Rollup
			}

			_, err := f.msgServer.UpdateVerifyingKey(f.ctx, msg)

			require.ErrorIs(t, err, tc.wantErr)
			if before.Id != "" {
				f.requireRollupUnchanged(t, before)
			}
		})
	}
}

// A new key takes effect at its activation height and not before: a batch
// proven under the old key verifies until then, one proven under the new
// key only from then on.
func TestUpdateVerifyingKey_ActivatesOnlyAtActivationHeight(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)
	oldKey, newKey := testProver(t), rotatedProver(t)
	newHash := sha256.Sum256(newKey.VerifyingKey())

	res, err := f.msgServer.UpdateVerifyingKey(f.ctx, &types.MsgUpdateVerifyingKey{
		Admin: f.admin, RollupId: rollupID, VerifyingKey: newKey.VerifyingKey(),
	})
	require.NoError(t, err)
	activation := testHeight + int64(f.params(t).VkUpdateDelayBlocks)
	require.Equal(t, activation, res.ActivationHeight)
	pending := f.rollup(t, rollupID).PendingVerifyingKey
	require.NotNil(t, pending)
	require.Equal(t, newHash[:], pending.VkHash)
	require.Equal(t, activation, pending.ActivationHeight)

	// One block before activation: the old key rules.
	before := f.atHeight(activation - 1)
	in := defaultInput(1)
	c := before.commitment(t, rollupID, in)
	snapshot := before.rollup(t, rollupID)
	_, err = before.msgServer.SubmitBatch(before.ctx, before.msgFor(t, newKey, c, in))
	require.ErrorIs(t, err, verifier.ErrProofInvalid, "the new key is not active yet")
	before.requireRollupUnchanged(t, snapshot)
	_, err = before.msgServer.SubmitBatch(before.ctx, before.msgFor(t, oldKey, c, in))
	require.NoError(t, err)
	require.NotNil(t, before.rollup(t, rollupID).PendingVerifyingKey)

	// At activation: the new key rules and becomes the rollup's key.
	at := f.atHeight(activation)
	in = defaultInput(2)
	c = at.commitment(t, rollupID, in)
	snapshot = at.rollup(t, rollupID)
	_, err = at.msgServer.SubmitBatch(at.ctx, at.msgFor(t, oldKey, c, in))
	require.ErrorIs(t, err, verifier.ErrProofInvalid, "the old key is retired")
	at.requireRollupUnchanged(t, snapshot)
	_, err = at.msgServer.SubmitBatch(at.ctx, at.msgFor(t, newKey, c, in))
	require.NoError(t, err)

	r := at.rollup(t, rollupID)
	require.Nil(t, r.PendingVerifyingKey)
	require.Equal(t, newKey.VerifyingKey(), r.VerifyingKey)
	require.Equal(t, newHash[:], r.VkHash)
	// The batch's full record (its event) names the key it was verified with.
	records := typedEvents[*types.Batch](t, at.ctx)
	require.Len(t, records, 1)
	require.Equal(t, uint64(2), records[0].Index)
	require.Equal(t, newHash[:], records[0].VkHash)
	activated := typedEvents[*types.EventVerifyingKeyActivated](t, at.ctx)
	require.Len(t, activated, 1)
	require.Equal(t, rollupID, activated[0].RollupId)
}

// BUG (x/rollups/keeper/registry.go, updateVerifyingKey): a key whose
// activation height has passed is only written into the rollup by the next
// batch (activatePendingKey). Scheduling another key before that batch
// overwrites the due pending key, so the effective key reverts to the
// retired one until the new activation height: the rotated-out key (perhaps
// rotated out because it leaked) verifies again, and the key the operators
// moved to stops verifying. updateVerifyingKey must activate a due pending
// key first (activatePendingKey(sdkCtx, &r)) before comparing and
// scheduling.
func TestUpdateVerifyingKey_DueKeyIsNotRevertedByALaterUpdate(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)
	retired, current := testProver(t), rotatedProver(t)
	third, err := os.ReadFile("../testdata/vk_commit.bin")
	require.NoError(t, err)

	_, err = f.msgServer.UpdateVerifyingKey(f.ctx, &types.MsgUpdateVerifyingKey{
		Admin: f.admin, RollupId: rollupID, VerifyingKey: current.VerifyingKey(),
	})
	require.NoError(t, err)
	delay := int64(f.params(t).VkUpdateDelayBlocks)

	// Past activation, before any batch, the admin schedules a third key.
	later := f.atHeight(testHeight + delay + 10)
	_, err = later.msgServer.UpdateVerifyingKey(later.ctx, &types.MsgUpdateVerifyingKey{
		Admin: f.admin, RollupId: rollupID, VerifyingKey: third,
	})
	require.NoError(t, err)

	// CheckBatch runs every check of SubmitBatch without writing, so both
	// symptoms show.
	in := defaultInput(1)
	c := later.commitment(t, rollupID, in)
	assert.ErrorIs(t, later.keeper.CheckBatch(later.ctx, later.msgFor(t, retired, c, in)), verifier.ErrProofInvalid,
		"the retired key must not verify again")
	assert.NoError(t, later.keeper.CheckBatch(later.ctx, later.msgFor(t, current, c, in)),
		"the key active since its activation height must keep verifying")
}

func TestDeregisterRollup_RefundsBondAndClosesRollup(t *testing.T) {
	f := newFixture(t)
	before := f.register(t, rollupID)
	f.submit(t, rollupID)
	admin := f.accAddr(t, f.admin)
	adminBefore, moduleBefore := f.bank.balance(admin), f.bank.moduleBalance(types.ModuleName)

	_, err := f.msgServer.DeregisterRollup(f.ctx, &types.MsgDeregisterRollup{Admin: f.admin, RollupId: rollupID})
	require.NoError(t, err)

	require.Equal(t, adminBefore.Add(before.Bond).String(), f.bank.balance(admin).String(), "the bond is returned")
	require.Equal(t, moduleBefore.Sub(before.Bond).String(), f.bank.moduleBalance(types.ModuleName).String(),
		"only the bond leaves the escrow; the registration fee went to the pool")
	r := f.rollup(t, rollupID)
	require.Equal(t, types.ROLLUP_STATUS_DEREGISTERED, r.Status)
	require.True(t, r.Bond.IsZero())
	require.Empty(t, r.Operators)
	events := typedEvents[*types.EventRollupDeregistered](t, f.ctx)
	require.Len(t, events, 1)
	require.Equal(t, before.Bond.String(), events[0].BondReturned)

	// A closed rollup takes no batch, no inbox message, no second
	// deregistration, and its id stays taken.
	batch := f.nextBatch(t, rollupID)
	_, err = f.msgServer.SubmitBatch(f.ctx, batch)
	require.ErrorIs(t, err, types.ErrRollupNotActive)
	_, err = f.keeper.AppendInbox(f.ctx, rollupID, deposit(0))
	require.ErrorIs(t, err, types.ErrRollupNotActive)
	_, err = f.msgServer.DeregisterRollup(f.ctx, &types.MsgDeregisterRollup{Admin: f.admin, RollupId: rollupID})
	require.ErrorIs(t, err, types.ErrRollupNotActive)
	_, err = f.msgServer.RegisterRollup(f.ctx, f.registerMsg(t, rollupID))
	require.ErrorIs(t, err, types.ErrRollupExists)
	require.Equal(t, adminBefore.Add(before.Bond).String(), f.bank.balance(admin).String(), "the bond is returned once")
}

func TestDeregisterRollup_RefusesInvalidRequests(t *testing.T) {
	ledgerDown := errors.New("bridge ledger unavailable")
	tests := []struct {
		name    string
		arrange func(f fixture, m *types.MsgDeregisterRollup)
		wantErr error
	}{
		{"signer is not the admin", func(f fixture, m *types.MsgDeregisterRollup) { m.Admin = f.operator }, types.ErrNotAdmin},
		{"unknown rollup", func(_ fixture, m *types.MsgDeregisterRollup) { m.RollupId = "unknown" }, types.ErrUnknownRollup},
		{"bridge ledger fails", func(f fixture, _ *types.MsgDeregisterRollup) { f.ledger.err = ledgerDown }, ledgerDown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			before := f.register(t, rollupID)
			msg := &types.MsgDeregisterRollup{Admin: f.admin, RollupId: rollupID}
			tc.arrange(f, msg)
			balances := f.snapshot(t, rollupID)

			_, err := f.msgServer.DeregisterRollup(f.ctx, msg)

			require.ErrorIs(t, err, tc.wantErr)
			f.requireRollupUnchanged(t, before)
			require.Equal(t, balances, f.snapshot(t, rollupID), "no refund on a refused deregistration")
		})
	}
}
