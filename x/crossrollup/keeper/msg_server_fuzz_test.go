package keeper_test

import (
	"bytes"
	"testing"

	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// FuzzMsgServer delivers every x/crossrollup message, decoded from fuzzed
// protobuf bytes, to the msg server of the bridge fixture (rollups alpha
// and beta active, "frozen" frozen, alpha's ledger funded) in a cached
// context written only on success, as baseapp does. It asserts no panic,
// a registered error on refusal, and the bridge invariant afterwards:
// escrow == ledgers + pending per denom, and the supply unchanged.

var crossrollupFuzzMsgs = []func() proto.Message{
	func() proto.Message { return &types.MsgUpdateParams{} },
	func() proto.Message { return &types.MsgDeposit{} },
	func() proto.Message { return &types.MsgSendMessage{} },
	func() proto.Message { return &types.MsgSubmitBundle{} },
	func() proto.Message { return &types.MsgSetPaused{} },
	func() proto.Message { return &types.MsgSetOutflowCap{} },
	func() proto.Message { return &types.MsgExodusWithdraw{} },
	func() proto.Message { return &types.MsgClaimAccrued{} },
}

func deliverCrossrollupMsg(ctx sdk.Context, s types.MsgServer, msg proto.Message) error {
	var err error
	switch m := msg.(type) {
	case *types.MsgUpdateParams:
		_, err = s.UpdateParams(ctx, m)
	case *types.MsgDeposit:
		_, err = s.Deposit(ctx, m)
	case *types.MsgSendMessage:
		_, err = s.SendMessage(ctx, m)
	case *types.MsgSubmitBundle:
		_, err = s.SubmitBundle(ctx, m)
	case *types.MsgSetPaused:
		_, err = s.SetPaused(ctx, m)
	case *types.MsgSetOutflowCap:
		_, err = s.SetOutflowCap(ctx, m)
	case *types.MsgExodusWithdraw:
		_, err = s.ExodusWithdraw(ctx, m)
	case *types.MsgClaimAccrued:
		_, err = s.ClaimAccrued(ctx, m)
	}
	return err
}

func requireTypedError(t *testing.T, err error) {
	t.Helper()
	codespace, code, _ := errorsmod.ABCIInfo(err, false)
	require.NotEqual(t, errorsmod.UndefinedCodespace, codespace, "untyped error: %v", err)
	require.Greater(t, code, uint32(1), "untyped or internal error: %v", err)
}

func fuzzBridgeFixture(t *testing.T) bridgeFixture {
	f := newBridgeFixture(t)
	f.fund(t, activeID, 500)
	return f
}

func bankSupply(b *fakeBank) sdk.Coins {
	total := sdk.NewCoins()
	for _, c := range b.balances {
		total = total.Add(c...)
	}
	return total
}

func FuzzMsgServer(f *testing.F) {
	alice := sdk.MustBech32ifyAddressBytes("native", bytes.Repeat([]byte{0xa1}, 20))
	gov := sdk.MustBech32ifyAddressBytes("native", authtypes.NewModuleAddress("gov"))
	amount := sdk.NewInt64Coin(denom, 300)
	batch := func(id string) *rollupstypes.MsgSubmitBatch {
		return &rollupstypes.MsgSubmitBatch{
			Submitter: alice, RollupId: id, BatchIndex: 1, NewStateRoot: make([]byte, 32), Proof: bytes.Repeat([]byte{1}, 164),
		}
	}
	seeds := []proto.Message{
		&types.MsgUpdateParams{Authority: gov, Params: types.DefaultParams()},
		&types.MsgDeposit{Sender: alice, RollupId: activeID, L2Recipient: l2Bob, Amount: amount},
		&types.MsgDeposit{Sender: alice, RollupId: frozenID, L2Recipient: l2Bob, Amount: amount},
		&types.MsgDeposit{Sender: alice, RollupId: activeID, L2Recipient: l2Bob, Amount: sdk.NewInt64Coin(denom, 5_000)},
		&types.MsgSendMessage{Sender: alice, RollupId: betaID, L2Recipient: l2Bob, Payload: []byte("call"), Amount: &amount},
		&types.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{batch(activeID), batch(betaID)}},
		&types.MsgSetPaused{Authority: gov, RollupId: activeID, Paused: true},
		&types.MsgSetOutflowCap{Authority: gov, RollupId: activeID, Cap: sdk.NewCoins(amount)},
		&types.MsgExodusWithdraw{Sender: alice, RollupId: frozenID, StateRoot: make([]byte, 32), LeafIndex: 1,
			Account: l2Bob, Balance: "5000", Siblings: [][]byte{make([]byte, 32)}, Recipient: alice, Signature: make([]byte, 96)},
		&types.MsgExodusWithdraw{Sender: alice, RollupId: activeID, StateRoot: make([]byte, 32), LeafIndex: protocol.ExitLeafNone,
			Account: l2Bob, Balance: "0", Recipient: alice, Signature: make([]byte, 96)},
	}
	for _, m := range seeds {
		bz, err := proto.Marshal(m)
		require.NoError(f, err)
		for i, mk := range crossrollupFuzzMsgs {
			if proto.MessageName(mk()) == proto.MessageName(m) {
				f.Add(uint8(i), bz)
			}
		}
	}

	f.Fuzz(func(t *testing.T, selector uint8, bz []byte) {
		msg := crossrollupFuzzMsgs[int(selector)%len(crossrollupFuzzMsgs)]()
		if err := proto.Unmarshal(bz, msg); err != nil {
			return // the tx decoder refuses it before any handler
		}
		fx := fuzzBridgeFixture(t)
		supply := bankSupply(fx.bank)
		if v, ok := msg.(interface{ Validate(address.Codec) error }); ok {
			if err := v.Validate(addresscodec.NewBech32Codec("native")); err != nil {
				requireTypedError(t, err)
			}
		}
		bankBefore := map[string]sdk.Coins{}
		for k, v := range fx.bank.balances {
			bankBefore[k] = sdk.NewCoins(v...)
		}
		inboxBefore := map[string][]protocol.InboxEntry{}
		for k, v := range fx.rollups.inbox {
			inboxBefore[k] = append([]protocol.InboxEntry(nil), v...)
		}

		cacheCtx, write := fx.ctx.CacheContext()
		err := deliverCrossrollupMsg(cacheCtx, fx.msgs, msg)
		t.Logf("%s: %v", proto.MessageName(msg), err)
		if err != nil {
			requireTypedError(t, err)
			// baseapp drops the cached writes; the fakes roll back the same way.
			fx.bank.balances, fx.rollups.inbox = bankBefore, inboxBefore
		} else {
			write()
		}
		fx.requireInvariant(t)
		require.Equal(t, supply.String(), bankSupply(fx.bank).String(), "bridging never mints or burns")
	})
}
