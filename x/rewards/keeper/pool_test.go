package keeper_test

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/x/rewards/keeper"
	"github.com/nativechain/nativechain/x/rewards/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

func TestFundPool_RecordsEveryInflowBySource(t *testing.T) {
	funder := addr(0xf0)
	tests := []struct {
		name    string
		from    keeper.Funder
		amt     sdk.Coins
		source  string
		wantErr error
	}{
		{"from an account", keeper.FromAccount(funder), coins(100), types.SourceBatchFee, nil},
		{"from a module", keeper.FromModule("rollups"), coins(100), types.SourceRegistrationFee, nil},
		{"bridge fee", keeper.FromModule("crossrollup"), coins(100), types.SourceBridgeFee, nil},
		{"slashed bond", keeper.FromModule("rollups"), coins(100), types.SourceSlashedBond, nil},
		{"unknown source", keeper.FromAccount(funder), coins(100), "gift", types.ErrUnknownSource},
		{"the pool itself", keeper.FromModule(types.ModuleName), coins(100), types.SourceBridgeFee, types.ErrInvalidInflow},
		{"no funder", keeper.Funder{}, coins(100), types.SourceBridgeFee, types.ErrInvalidInflow},
		{"invalid coins", keeper.FromAccount(funder), sdk.Coins{sdk.Coin{Denom: "unat", Amount: intOf(-1)}}, types.SourceBridgeFee, types.ErrInvalidInflow},
		{"more than the funder holds", keeper.FromAccount(funder), coins(2_000), types.SourceBatchFee, sdkerrors.ErrInsufficientFunds},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.bank.fund(funder, coins(1_000)...)
			f.bank.fund(authtypes.NewModuleAddress("rollups"), coins(1_000)...)
			f.bank.fund(authtypes.NewModuleAddress("crossrollup"), coins(1_000)...)
			supply := f.bank.supply()

			err := f.keeper.FundPool(f.ctx, tc.from, tc.amt, tc.source)
			require.NoError(t, f.keeper.CheckPoolInvariant(f.ctx))
			require.Equal(t, supply.String(), f.bank.supply().String(), "funding moves coins, never mints")
			res, qerr := f.query.Pool(f.ctx, &types.QueryPoolRequest{})
			require.NoError(t, qerr)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				require.Empty(t, res.Inflows, "a refused inflow records nothing")
				require.True(t, res.Balance.IsZero())
				return
			}
			require.NoError(t, err)
			require.Equal(t, []types.SourceAmount{{Source: tc.source, Amount: tc.amt}}, res.Inflows)
			require.Equal(t, tc.amt.String(), res.Balance.String())
			events := typedEvents[*types.EventPoolFunded](t, f.ctx)
			require.Len(t, events, 1)
			require.Equal(t, tc.source, events[0].Source)
		})
	}
}

func TestFundPool_ZeroIsANoOp(t *testing.T) {
	f := newFixture(t)
	require.NoError(t, f.keeper.FundPool(f.ctx, keeper.FromAccount(addr(1)), sdk.NewCoins(), types.SourceBatchFee))
	_, total, err := f.keeper.InflowsBySource(f.ctx)
	require.NoError(t, err)
	require.True(t, total.IsZero())
}

func TestSourceNames_MatchWhatRollupsReports(t *testing.T) {
	require.Equal(t, types.SourceRegistrationFee, rollupstypes.RewardSourceRegistrationFee)
	require.Equal(t, types.SourceSlashedBond, rollupstypes.RewardSourceSlashedBond)
	require.Equal(t, types.SourceForcedInclusionFee, rollupstypes.RewardSourceForcedInclusionFee)
}

// x/rollups' fees and slashed bonds reach the pool through its hook, from
// x/rollups' module account, under the source x/rollups names.
func TestAfterRewardFundsCollected_MovesTheFundsFromRollupsIntoThePool(t *testing.T) {
	f := newFixture(t)
	f.bank.fund(authtypes.NewModuleAddress(rollupstypes.ModuleName), coins(700)...)

	require.NoError(t, f.keeper.Hooks().AfterRewardFundsCollected(f.ctx, coins(500), rollupstypes.RewardSourceRegistrationFee))

	require.Equal(t, coins(200).String(), f.bank.moduleBalance(rollupstypes.ModuleName).String())
	require.Equal(t, coins(500).String(), f.bank.moduleBalance(types.ModuleName).String())
	inflows, _, err := f.keeper.InflowsBySource(f.ctx)
	require.NoError(t, err)
	require.Equal(t, []types.SourceAmount{{Source: types.SourceRegistrationFee, Amount: coins(500)}}, inflows)
	require.ErrorIs(t, f.keeper.Hooks().AfterRewardFundsCollected(f.ctx, coins(500), "tip"), types.ErrUnknownSource)
	require.NoError(t, f.keeper.Hooks().BeforeRollupDeregistered(f.ctx, "alpha"), "the pool never vetoes a deregistration")
}

func TestTakeInflationShare_TakesTheShareOfThisBlocksMintOnly(t *testing.T) {
	f := newFixture(t) // inflation share 10%
	// Fees already in the fee collector are not inflation: never touched.
	f.bank.fund(authtypes.NewModuleAddress(feeCollector), coins(5_000_000)...)
	f.mintBlock(t, 1_000_009)
	require.Equal(t, coins(100_000).String(), f.bank.moduleBalance(types.ModuleName).String())
	require.Equal(t, coins(5_000_000+1_000_009-100_000).String(), f.bank.moduleBalance(feeCollector).String())

	f.mintBlock(t, 0)
	require.Equal(t, coins(100_000).String(), f.bank.moduleBalance(types.ModuleName).String(), "nothing minted, nothing taken")
}

// A mint function that reports more than reached the fee collector cannot
// halt the chain: the share is capped by the fee collector's balance.
func TestTakeInflationShare_NeverTakesMoreThanTheFeeCollectorHolds(t *testing.T) {
	f := newFixture(t, func(p *types.Params) { p.InflationShare = sdkmath.LegacyOneDec() })
	f.bank.fund(authtypes.NewModuleAddress(feeCollector), coins(40)...)
	require.NoError(t, f.keeper.TakeInflationShare(f.ctx, sdk.NewInt64Coin(denom, 1_000)))
	require.Equal(t, coins(40).String(), f.bank.moduleBalance(types.ModuleName).String())
	require.True(t, f.bank.moduleBalance(feeCollector).IsZero())
}

// TestPoolInvariants_HoldAtEveryBlock runs many epochs of random inflows,
// batches, freezes and claims, and checks after every block that the pool
// balance equals inflows minus outflows, that outflows never exceed
// inflows, that the balance covers every pending claim, and that the
// total supply changed only by what was minted.
func TestPoolInvariants_HoldAtEveryBlock(t *testing.T) {
	f := newFixture(t, func(p *types.Params) {
		p.EpochLength = 7
		p.MaxPayoutsPerBlock = 3
		p.FeePerDaByte = sdk.NewInt64Coin(denom, 3)
		p.FeePerVerification = sdk.NewInt64Coin(denom, 101)
	})
	rng := rand.New(rand.NewSource(7))
	rollups := []string{"r0", "r1", "r2", "r3"}
	f.activeRollup(rollups...)
	ops := make([]sdk.AccAddress, 12)
	for i := range ops {
		ops[i] = addr(uint32(i))
		f.bank.fund(ops[i], coins(1_000_000_000)...)
	}
	supply := f.bank.supply()
	claimedTotal := sdk.NewCoins()

	for h := 0; h < 300; h++ {
		minted := rng.Int63n(1_000_000)
		f.block(t, minted, func() {
			for i := rng.Intn(4); i > 0; i-- {
				r := rollups[rng.Intn(len(rollups))]
				op := ops[rng.Intn(len(ops))]
				err := f.batch(t, r, op, uint64(rng.Intn(500)), uint64(1+rng.Intn(5_000)))
				if f.rollups.status[r] == rollupstypes.ROLLUP_STATUS_ACTIVE {
					require.NoError(t, err)
				}
			}
			if h == 120 { // r3 is frozen mid-run
				f.rollups.status["r3"] = rollupstypes.ROLLUP_STATUS_FROZEN
				require.NoError(t, f.keeper.Hooks().AfterRollupFrozen(f.ctx, "r3"))
			}
			if rng.Intn(3) == 0 {
				op := ops[rng.Intn(len(ops))]
				if paid, err := f.keeper.Claim(f.ctx, op); err == nil {
					claimedTotal = claimedTotal.Add(paid...)
				} else {
					require.ErrorIs(t, err, types.ErrNoPendingRewards)
				}
			}
		})
		supply = supply.Add(sdk.NewInt64Coin(denom, minted))
		require.Equal(t, supply.String(), f.bank.supply().String(), "block %d: supply changes only by minting", h)

		_, in, err := f.keeper.InflowsBySource(f.ctx)
		require.NoError(t, err)
		_, out, err := f.keeper.OutflowsByDestination(f.ctx)
		require.NoError(t, err)
		require.True(t, in.IsAllGTE(out), "block %d: payouts %s exceed inflows %s", h, out, in)
	}
	payouts, err := f.query.Payouts(f.ctx, &types.QueryPayoutsRequest{})
	require.NoError(t, err)
	require.Greater(t, len(payouts.Payouts), 30)
	require.False(t, claimedTotal.IsZero())
}
