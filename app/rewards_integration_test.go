package app_test

import (
	"encoding/json"
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	rewardskeeper "github.com/nativechain/nativechain/x/rewards/keeper"
	rewardstypes "github.com/nativechain/nativechain/x/rewards/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// rewardsEpochLength is short so a test sees several epochs close.
const rewardsEpochLength = 4

// newRewardsChain is a rollups chain whose reward epochs last
// rewardsEpochLength blocks.
func newRewardsChain(t *testing.T) rollupsChain {
	t.Helper()
	genesis, accounts := apptest.NewGenesis(t, 3)
	var state map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(genesis, &state))
	var rewards map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(state[rewardstypes.ModuleName], &rewards))
	var params map[string]any
	require.NoError(t, json.Unmarshal(rewards["params"], &params))
	params["epoch_length"] = strconv.Itoa(rewardsEpochLength)
	var err error
	rewards["params"], err = json.Marshal(params)
	require.NoError(t, err)
	state[rewardstypes.ModuleName], err = json.Marshal(rewards)
	require.NoError(t, err)
	genesis, err = json.Marshal(state)
	require.NoError(t, err)
	c := apptest.NewChain(t, genesis, accounts)
	return rollupsChain{Chain: c, admin: c.Accounts[0], operator: c.Accounts[1], outsider: c.Accounts[2]}
}

// rewardsBooks checks the pool invariants on the committed state.
type rewardsBooks struct {
	supply    sdkmath.Int
	inflation sdkmath.Int // the pool's inflows from inflation so far
}

// nextBlock commits a block and checks, on its committed state, that the
// pool balance equals inflows minus outflows and covers what is owed, that
// the total supply changed by exactly what x/mint minted in it, and that
// the pool took inflation_share of that, through x/mint's mint function.
func (b *rewardsBooks) nextBlock(t *testing.T, c rollupsChain, txs ...[]byte) *abci.ResponseFinalizeBlock {
	t.Helper()
	res := c.NextBlock(txs...)
	ctx := c.Context()
	require.NoError(t, c.App.RewardsKeeper.CheckPoolInvariant(ctx), "height %d", ctx.BlockHeight())
	// x/mint stores the block's minter before minting its provision; the
	// genesis sets no max supply, so the whole provision was minted.
	minter, err := c.App.MintKeeper.Minter.Get(ctx)
	require.NoError(t, err)
	mintParams, err := c.App.MintKeeper.Params.Get(ctx)
	require.NoError(t, err)
	require.True(t, mintParams.MaxSupply.IsZero())
	minted := minter.BlockProvision(mintParams)
	supply := c.App.BankKeeper.GetSupply(ctx, app.BondDenom).Amount
	require.Equal(t, b.supply.Add(minted.Amount).String(), supply.String(), "height %d: supply changes only by minting", ctx.BlockHeight())
	b.supply = supply

	rewardsParams, err := c.App.RewardsKeeper.Params.Get(ctx)
	require.NoError(t, err)
	inflation := inflowOf(t, c, rewardstypes.SourceInflation)
	require.Equal(t, b.inflation.Add(rewardsParams.InflationShare.MulInt(minted.Amount).TruncateInt()).String(), inflation.String(),
		"height %d: the pool took inflation_share of the mint", ctx.BlockHeight())
	b.inflation = inflation
	return res
}

// inflowOf is what the pool has received from source, in the bond denom.
func inflowOf(t *testing.T, c rollupsChain, source string) sdkmath.Int {
	t.Helper()
	inflows, _, err := c.App.RewardsKeeper.InflowsBySource(c.Context())
	require.NoError(t, err)
	for _, in := range inflows {
		if in.Source == source {
			return in.Amount.AmountOf(app.BondDenom)
		}
	}
	return sdkmath.ZeroInt()
}

func TestRewardsApp_InflowsEpochPayoutAndClaims(t *testing.T) {
	c := newRewardsChain(t)
	ctx := c.Context()
	books := &rewardsBooks{
		supply:    c.App.BankKeeper.GetSupply(ctx, app.BondDenom).Amount,
		inflation: inflowOf(t, c, rewardstypes.SourceInflation),
	}
	rewardsQuery := rewardskeeper.NewQueryServerImpl(c.App.RewardsKeeper)
	rollupsParams, err := c.App.RollupsKeeper.Params.Get(ctx)
	require.NoError(t, err)
	rewardsParams, err := c.App.RewardsKeeper.Params.Get(ctx)
	require.NoError(t, err)
	rollupsAddr := authtypes.NewModuleAddress(rollupstypes.ModuleName)

	// Registration: the bond stays in x/rollups, the fee goes to the pool.
	res := books.nextBlock(t, c, c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
		Admin: c.admin.Address.String(), RollupId: "payments", VerifyingKey: rollupsProver(t).VerifyingKey(),
		GenesisStateRoot: elementBytes(1), Operators: []string{c.operator.Address.String()}, Bond: rollupsParams.MinOperatorBond,
	}))
	requireTxOK(t, res.TxResults[0])
	require.Equal(t, rollupsParams.MinOperatorBond.Amount.String(), c.balance(rollupsAddr).String(), "only the bond is escrowed")
	pool, err := rewardsQuery.Pool(c.Context(), &rewardstypes.QueryPoolRequest{})
	require.NoError(t, err)
	require.Contains(t, pool.Inflows, rewardstypes.SourceAmount{
		Source: rewardstypes.SourceRegistrationFee, Amount: sdk.NewCoins(rollupsParams.RegistrationFee),
	})

	// A batch: the operator pays the batch fee and earns work.
	data := []byte("rewarded batch data")
	operatorBefore := c.balance(c.operator.Address)
	res = books.nextBlock(t, c, c.batchTx(t, c.operator, "payments", 0, elementBytes(5), data))
	requireTxOK(t, res.TxResults[0])
	require.True(t, hasEvent(res.TxResults[0], "nativechain.rewards.v1.EventWorkRecorded"))
	fee := rewardsParams.BatchFee(uint64(len(data)))
	require.Equal(t, operatorBefore.Sub(fee.AmountOf(app.BondDenom)).SubRaw(10_000).String(), c.balance(c.operator.Address).String(),
		"batch fee and tx fee")

	// Blocks until the epoch with the batch is paid, checking the books at each.
	for i := 0; i < 2*rewardsEpochLength; i++ {
		books.nextBlock(t, c)
	}
	payouts, err := rewardsQuery.Payouts(c.Context(), &rewardstypes.QueryPayoutsRequest{})
	require.NoError(t, err)
	require.NotEmpty(t, payouts.Payouts)
	pending, err := rewardsQuery.PendingRewards(c.Context(), &rewardstypes.QueryPendingRewardsRequest{Operator: c.operator.Address.String()})
	require.NoError(t, err)
	require.True(t, pending.Amount.AmountOf(app.BondDenom).IsPositive(), "the operator was credited")
	pool, err = rewardsQuery.Pool(c.Context(), &rewardstypes.QueryPoolRequest{})
	require.NoError(t, err)
	require.True(t, pool.TotalOutflows.AmountOf(app.BondDenom).IsPositive(), "validators were paid through the fee collector")
	require.True(t, pool.TotalInflows.AmountOf(app.BondDenom).GT(rollupsParams.RegistrationFee.Amount), "inflation flowed in")

	// Claim once: paid exactly the pending amount; twice: refused, nothing paid.
	before := c.balance(c.operator.Address)
	res = books.nextBlock(t, c, c.SignTx(c.operator, &rewardstypes.MsgClaimRewards{Operator: c.operator.Address.String()}))
	requireTxOK(t, res.TxResults[0])
	require.Equal(t, before.Add(pending.Amount.AmountOf(app.BondDenom)).SubRaw(10_000).String(), c.balance(c.operator.Address).String())

	// A second claim, and one by an account that never operated, are
	// refused and pay nothing.
	res = books.nextBlock(t, c,
		c.SignTx(c.operator, &rewardstypes.MsgClaimRewards{Operator: c.operator.Address.String()}),
		c.SignTx(c.outsider, &rewardstypes.MsgClaimRewards{Operator: c.outsider.Address.String()}),
	)
	requireTxFailedWith(t, res.TxResults[0], rewardstypes.ErrNoPendingRewards)
	requireTxFailedWith(t, res.TxResults[1], rewardstypes.ErrNoPendingRewards)
}
