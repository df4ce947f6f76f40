package keeper_test

import (
	"bytes"
	"testing"

	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// FuzzMsgServer delivers every x/rollups message, decoded from fuzzed
// protobuf bytes, to the msg server of a fixture with rollup "payments"
// registered, the way baseapp does: in a cached context written only on
// success. It asserts no panic, that a refusal is a registered error and
// changes nothing, and the module's invariants afterwards.

// rollupsFuzzMsgs are the messages by selector; the selector is reduced
// modulo their number so every input reaches a handler.
var rollupsFuzzMsgs = []func() proto.Message{
	func() proto.Message { return &types.MsgUpdateParams{} },
	func() proto.Message { return &types.MsgRegisterRollup{} },
	func() proto.Message { return &types.MsgSubmitBatch{} },
	func() proto.Message { return &types.MsgUpdateOperators{} },
	func() proto.Message { return &types.MsgUpdateVerifyingKey{} },
	func() proto.Message { return &types.MsgDeregisterRollup{} },
	func() proto.Message { return &types.MsgForceInclude{} },
}

func deliverRollupsMsg(f fixture, msg proto.Message) error {
	s := f.msgServer
	var err error
	switch m := msg.(type) {
	case *types.MsgUpdateParams:
		_, err = s.UpdateParams(f.ctx, m)
	case *types.MsgRegisterRollup:
		_, err = s.RegisterRollup(f.ctx, m)
	case *types.MsgSubmitBatch:
		_, err = s.SubmitBatch(f.ctx, m)
	case *types.MsgUpdateOperators:
		_, err = s.UpdateOperators(f.ctx, m)
	case *types.MsgUpdateVerifyingKey:
		_, err = s.UpdateVerifyingKey(f.ctx, m)
	case *types.MsgDeregisterRollup:
		_, err = s.DeregisterRollup(f.ctx, m)
	case *types.MsgForceInclude:
		_, err = s.ForceInclude(f.ctx, m)
	}
	return err
}

func validateRollupsMsg(f fixture, msg proto.Message) error {
	switch m := msg.(type) {
	case *types.MsgUpdateParams:
		return m.Validate(f.ac)
	case *types.MsgRegisterRollup:
		return m.Validate(f.ac)
	case *types.MsgSubmitBatch:
		return m.Validate(f.ac)
	case *types.MsgUpdateOperators:
		return m.Validate(f.ac)
	case *types.MsgUpdateVerifyingKey:
		return m.Validate(f.ac)
	case *types.MsgDeregisterRollup:
		return m.Validate(f.ac)
	case *types.MsgForceInclude:
		return m.Validate(f.ac)
	}
	return nil
}

// requireTypedError fails unless err maps to a registered ABCI code.
func requireTypedError(t *testing.T, err error) {
	t.Helper()
	codespace, code, _ := errorsmod.ABCIInfo(err, false)
	require.NotEqual(t, errorsmod.UndefinedCodespace, codespace, "untyped error: %v", err)
	require.Greater(t, code, uint32(1), "untyped or internal error: %v", err)
}

// fuzzRollupsFixture is a fresh fixture with "payments" registered.
func fuzzRollupsFixture(t testing.TB) fixture {
	f := newFixture(t)
	f.register(t, rollupID)
	return f
}

// requireRollupsInvariants checks the fake bank's supply is unchanged and
// every stored rollup is coherent: its bond escrowed while active, its
// inbox never over-consumed, its roots and accumulators canonical.
func requireRollupsInvariants(t *testing.T, f fixture, supply sdk.Coins) {
	t.Helper()
	total := sdk.NewCoins()
	for _, c := range f.bank.balances {
		total = total.Add(c...)
	}
	require.Equal(t, supply.String(), total.String(), "x/rollups never mints or burns")

	bonds := sdk.NewCoins()
	it, err := f.keeper.Rollups.Iterate(f.ctx, nil)
	require.NoError(t, err)
	defer it.Close()
	for ; it.Valid(); it.Next() {
		r, err := it.Value()
		require.NoError(t, err)
		require.GreaterOrEqual(t, r.NextBatchIndex, uint64(1), r.Id)
		require.LessOrEqual(t, r.InboxConsumed, r.InboxSize, r.Id)
		_, err = protocol.ParseStateRoot(r.StateRoot)
		require.NoError(t, err, r.Id)
		_, err = protocol.ParseFieldElement(r.InboxAccumulator)
		require.NoError(t, err, r.Id)
		_, err = protocol.ParseFieldElement(r.ConsumedAccumulator)
		require.NoError(t, err, r.Id)
		if r.Status == types.ROLLUP_STATUS_ACTIVE {
			bonds = bonds.Add(r.Bond)
		}
	}
	require.True(t, f.bank.moduleBalance(types.ModuleName).IsAllGTE(bonds),
		"escrow %s covers the active bonds %s", f.bank.moduleBalance(types.ModuleName), bonds)
}

func FuzzMsgServer(f *testing.F) {
	seedFx := fuzzRollupsFixture(f)
	params := seedFx.params(f)
	batch := seedFx.nextBatch(f, rollupID)
	badProof := *batch
	badProof.Proof = bytes.Clone(batch.Proof)
	badProof.Proof[0] ^= 0x01
	seeds := []proto.Message{
		&types.MsgUpdateParams{Authority: seedFx.authority, Params: params},
		seedFx.registerMsg(f, "dex"),
		batch,
		&badProof,
		&types.MsgUpdateOperators{Admin: seedFx.admin, RollupId: rollupID, Operators: []string{seedFx.operator, seedFx.outsider}},
		&types.MsgUpdateVerifyingKey{Admin: seedFx.admin, RollupId: rollupID, VerifyingKey: testProver(f).VerifyingKey()},
		&types.MsgDeregisterRollup{Admin: seedFx.admin, RollupId: rollupID},
		&types.MsgForceInclude{Sender: seedFx.outsider, RollupId: rollupID, L2Tx: []byte("forced transfer")},
	}
	for _, m := range seeds {
		bz, err := proto.Marshal(m)
		require.NoError(f, err)
		for i, mk := range rollupsFuzzMsgs {
			if proto.MessageName(mk()) == proto.MessageName(m) {
				f.Add(uint8(i), bz)
			}
		}
	}

	f.Fuzz(func(t *testing.T, selector uint8, bz []byte) {
		msg := rollupsFuzzMsgs[int(selector)%len(rollupsFuzzMsgs)]()
		if err := proto.Unmarshal(bz, msg); err != nil {
			return // the tx decoder refuses it before any handler
		}
		fx := fuzzRollupsFixture(t)
		fx.bank.fund(addr(0x0b), sdk.NewCoin(params.MinOperatorBond.Denom, sdkmath.NewInt(1_000_000)))
		supply := sdk.NewCoins()
		for _, c := range fx.bank.balances {
			supply = supply.Add(c...)
		}

		if err := validateRollupsMsg(fx, msg); err != nil {
			requireTypedError(t, err)
		}
		bankBefore := cloneBalances(fx.bank.balances)

		cacheCtx, write := fx.ctx.CacheContext()
		run := fx
		run.ctx = cacheCtx
		err := deliverRollupsMsg(run, msg)
		t.Logf("%s: %v", proto.MessageName(msg), err)
		if err != nil {
			requireTypedError(t, err)
			// baseapp drops the cached writes; the fake bank is rolled back
			// the same way.
			fx.bank.balances = bankBefore
		} else {
			write()
		}
		requireRollupsInvariants(t, fx, supply)
	})
}

func cloneBalances(m map[string]sdk.Coins) map[string]sdk.Coins {
	out := make(map[string]sdk.Coins, len(m))
	for k, v := range m {
		out[k] = sdk.NewCoins(v...)
	}
	return out
}
