package keeper_test

import (
	"testing"

	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/x/rewards/types"
)

// FuzzMsgServer delivers x/rewards messages, decoded from fuzzed protobuf
// bytes, to the msg server of a fixture where addr(1) has 500 pending, in
// a cached context written only on success, as baseapp does. It asserts no
// panic, a registered error on refusal, a claim never pays twice, accepted
// params never break the following EndBlocks, and the pool invariant
// (balance == inflows - outflows, covering what is owed) throughout.

var rewardsFuzzMsgs = []func() proto.Message{
	func() proto.Message { return &types.MsgUpdateParams{} },
	func() proto.Message { return &types.MsgClaimRewards{} },
}

func deliverRewardsMsg(ctx sdk.Context, s types.MsgServer, msg proto.Message) error {
	var err error
	switch m := msg.(type) {
	case *types.MsgUpdateParams:
		_, err = s.UpdateParams(ctx, m)
	case *types.MsgClaimRewards:
		_, err = s.ClaimRewards(ctx, m)
	}
	return err
}

func requireTypedError(t *testing.T, err error) {
	t.Helper()
	codespace, code, _ := errorsmod.ABCIInfo(err, false)
	require.NotEqual(t, errorsmod.UndefinedCodespace, codespace, "untyped error: %v", err)
	require.Greater(t, code, uint32(1), "untyped or internal error: %v", err)
}

func FuzzMsgServer(f *testing.F) {
	str := func(a sdk.AccAddress) string { return sdk.MustBech32ifyAddressBytes("native", a) }
	gov := str(authtypes.NewModuleAddress("gov"))
	params := types.DefaultParams()
	params.EpochLength = 1
	short := params
	short.EpochLength = 2
	seeds := []proto.Message{
		&types.MsgUpdateParams{Authority: gov, Params: params},
		&types.MsgUpdateParams{Authority: gov, Params: short},
		&types.MsgUpdateParams{Authority: str(addr(1)), Params: params},
		&types.MsgClaimRewards{Operator: str(addr(1))},
		&types.MsgClaimRewards{Operator: str(addr(0xee))},
		&types.MsgClaimRewards{Operator: "native1bad"},
	}
	for _, m := range seeds {
		bz, err := proto.Marshal(m)
		require.NoError(f, err)
		for i, mk := range rewardsFuzzMsgs {
			if proto.MessageName(mk()) == proto.MessageName(m) {
				f.Add(uint8(i), bz)
			}
		}
	}

	f.Fuzz(func(t *testing.T, selector uint8, bz []byte) {
		msg := rewardsFuzzMsgs[int(selector)%len(rewardsFuzzMsgs)]()
		if err := proto.Unmarshal(bz, msg); err != nil {
			return // the tx decoder refuses it before any handler
		}
		fx := paidFixture(t)
		if v, ok := msg.(interface{ Validate(address.Codec) error }); ok {
			if err := v.Validate(fx.ac); err != nil {
				requireTypedError(t, err)
			}
		}
		supply := fx.bank.supply()
		bankBefore := map[string]sdk.Coins{}
		for k, v := range fx.bank.balances {
			bankBefore[k] = sdk.NewCoins(v...)
		}

		cacheCtx, write := fx.ctx.CacheContext()
		err := deliverRewardsMsg(cacheCtx, fx.msgServer, msg)
		t.Logf("%s: %v", proto.MessageName(msg), err)
		if err != nil {
			requireTypedError(t, err)
			fx.bank.balances = bankBefore
		} else {
			write()
		}
		require.NoError(t, fx.keeper.CheckPoolInvariant(fx.ctx))

		if claim, ok := msg.(*types.MsgClaimRewards); ok && err == nil {
			_, again := fx.msgServer.ClaimRewards(fx.ctx, claim)
			require.ErrorIs(t, again, types.ErrNoPendingRewards, "a claim pays once")
		}
		// A few blocks under whatever params are now set: EndBlock keeps
		// the books (endBlock checks the invariant after each).
		for range 3 {
			fx.mint.mint(100)
			fx.endBlock(t)
		}
		require.Equal(t, supply.Add(sdk.NewInt64Coin(denom, 300)).String(), fx.bank.supply().String(), "only the fake mint adds coins")
	})
}
