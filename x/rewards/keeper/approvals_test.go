package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rewards/types"
)

func TestApproveRollupKey_OnlyTheAuthorityWithAValidKeyHash(t *testing.T) {
	f := newFixture(t)
	outsider := f.str(t, addr(7))
	cases := []struct {
		name string
		msg  *types.MsgApproveRollupKey
		want error
	}{
		{"not the authority", &types.MsgApproveRollupKey{Authority: outsider, RollupId: "alpha", VkHash: vkHash("alpha")}, types.ErrUnauthorized},
		{"malformed authority", &types.MsgApproveRollupKey{Authority: "gov", RollupId: "alpha", VkHash: vkHash("alpha")}, types.ErrUnauthorized},
		{"short hash", &types.MsgApproveRollupKey{Authority: f.authority, RollupId: "alpha", VkHash: vkHash("alpha")[:20]}, types.ErrInvalidApproval},
		{"bad rollup id", &types.MsgApproveRollupKey{Authority: f.authority, RollupId: "", VkHash: vkHash("alpha")}, types.ErrInvalidApproval},
		// An approval for an id nobody registered yet would go to whoever
		// registers it first with the public key (a squatter), not to the
		// team governance meant.
		{"unregistered rollup", &types.MsgApproveRollupKey{Authority: f.authority, RollupId: "alpha", VkHash: vkHash("alpha")}, types.ErrInvalidApproval},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.msgServer.ApproveRollupKey(f.ctx, tc.msg)
			require.ErrorIs(t, err, tc.want)
		})
	}
	res, err := f.query.ApprovedRollupKeys(f.ctx, &types.QueryApprovedRollupKeysRequest{})
	require.NoError(t, err)
	require.Empty(t, res.ApprovedKeys, "refused approvals store nothing")

	f.activeRollup("alpha")
	_, err = f.msgServer.ApproveRollupKey(f.ctx, &types.MsgApproveRollupKey{Authority: f.authority, RollupId: "alpha", VkHash: vkHash("alpha")})
	require.NoError(t, err)
	require.Len(t, typedEvents[*types.EventRollupKeyApproved](t, f.ctx), 1)
	res, err = f.query.ApprovedRollupKeys(f.ctx, &types.QueryApprovedRollupKeysRequest{})
	require.NoError(t, err)
	require.Equal(t, []types.ApprovedRollupKey{{RollupId: "alpha", VkHash: vkHash("alpha")}}, res.ApprovedKeys)
}

func TestRevokeRollupKey_StopsTheApprovedShareFromTheNextBatch(t *testing.T) {
	f := newFixture(t, func(p *types.Params) { p.EpochLength = 100 })
	f.activeRollup("alpha")
	require.NoError(t, f.batch(t, "alpha", addr(1), 1, 10)) // approved: weight 110

	_, err := f.msgServer.RevokeRollupKey(f.ctx, &types.MsgRevokeRollupKey{Authority: f.str(t, addr(7)), RollupId: "alpha", VkHash: vkHash("alpha")})
	require.ErrorIs(t, err, types.ErrUnauthorized)
	_, err = f.msgServer.RevokeRollupKey(f.ctx, &types.MsgRevokeRollupKey{Authority: f.authority, RollupId: "beta", VkHash: vkHash("beta")})
	require.ErrorIs(t, err, types.ErrUnknownApproval)
	_, err = f.msgServer.RevokeRollupKey(f.ctx, &types.MsgRevokeRollupKey{Authority: f.authority, RollupId: "alpha", VkHash: vkHash("alpha")})
	require.NoError(t, err)
	require.Len(t, typedEvents[*types.EventRollupKeyRevoked](t, f.ctx), 1)

	require.NoError(t, f.batch(t, "alpha", addr(1), 1, 10)) // no longer approved
	epoch, err := f.keeper.Epoch.Get(f.ctx)
	require.NoError(t, err)
	require.Equal(t, intOf(220).String(), epoch.EligibleWork.String())
	require.Equal(t, intOf(110).String(), epoch.ApprovedWork.String(), "work recorded before the revocation keeps its approval")
}

// A rollup whose admin swaps its key for another circuit loses the approval
// with the first batch verified under the new key: approval is for a
// circuit, not for a name.
func TestAfterBatchVerified_AKeyChangeLapsesTheApproval(t *testing.T) {
	f := newFixture(t)
	f.activeRollup("alpha")
	require.NoError(t, f.batch(t, "alpha", addr(1), 1, 10))
	f.rollups.keys["alpha"] = vkHash("a junk circuit")
	require.NoError(t, f.batch(t, "alpha", addr(1), 1_000, 1_000))

	events := typedEvents[*types.EventWorkRecorded](t, f.ctx)
	require.Len(t, events, 2)
	require.True(t, events[0].Approved)
	require.False(t, events[1].Approved)
	rec, err := f.keeper.Work.Get(f.ctx, collections.Join3(uint64(1), "alpha", f.str(t, addr(1))))
	require.NoError(t, err)
	require.Equal(t, intOf(110+101_000).String(), rec.Weight.String())
	require.Equal(t, intOf(110).String(), rec.ApprovedWeight.String())
}

// The review's H4 attack at keeper level: an unapproved rollup claims one
// transaction per byte of a 128 KiB batch; it gets back half its fee (the
// operator share) and the approved honest operator gets the rest of the pot.
func TestEpoch_UnapprovedWorkEarnsOnlyTheOperatorShareOfItsFees(t *testing.T) {
	f := newFixture(t, func(p *types.Params) {
		p.EpochLength = 2
		p.FeePerDaByte = sdk.NewInt64Coin(denom, 1)
		p.FeePerVerification = sdk.NewInt64Coin(denom, 10_000)
	})
	f.activeRollup("payments")
	f.unapprovedRollup("junk")
	honest, attacker := addr(1), addr(2)
	f.bank.fund(honest, sdk.NewInt64Coin(denom, 20_384))
	f.bank.fund(attacker, sdk.NewInt64Coin(denom, 141_072))
	f.fundPool(t, 2_000_000, types.SourceInflation)

	require.NoError(t, f.batch(t, "payments", honest, 16, 192))
	require.NoError(t, f.batch(t, "payments", honest, 16, 192))
	require.NoError(t, f.batch(t, "junk", attacker, 128*1024, 128*1024))
	f.endBlock(t)
	f.endBlock(t) // closes epoch 1

	// Inflows 2,000,000 + 20,384 + 141,072 = 2,161,456; the pot is half: 1,080,728.
	payout, err := f.keeper.Payouts.Get(f.ctx, 1)
	require.NoError(t, err)
	require.Equal(t, coins(1_080_728).String(), payout.OperatorPot.String())
	require.Equal(t, coins(80_728).String(), payout.FeeBackedPot.String(), "half of 161,456 in batch fees")
	require.Equal(t, coins(70_536).String(), f.pending(t, attacker).String(), "half of its own 141,072")
	require.Equal(t, coins(10_192+1_000_000).String(), f.pending(t, honest).String())
}
