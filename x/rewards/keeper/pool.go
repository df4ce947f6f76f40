package keeper

import (
	"context"
	"errors"
	"slices"
	"strings"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rewards/types"
)

// Funder is where an inflow comes from: a module account or a plain account.
type Funder struct {
	module  string
	account sdk.AccAddress
}

// FromModule names a module account as the funder.
func FromModule(name string) Funder { return Funder{module: name} }

// FromAccount names a plain account as the funder.
func FromAccount(addr sdk.AccAddress) Funder { return Funder{account: addr} }

// FundPool is the pool's only way in: it moves amt from the funder into the
// pool and adds it to the inflows recorded under source (one of
// types.InflowSources). Zero amounts do nothing.
func (k Keeper) FundPool(ctx context.Context, from Funder, amt sdk.Coins, source string) error {
	if err := k.collect(ctx, from, amt, source); err != nil {
		return err
	}
	return addAll(ctx, k.Inflows, source, amt)
}

// collect moves amt from the funder into the pool and reports it
// (EventPoolFunded), leaving the inflows to the caller: FundPool records
// them at once, a batch fee is counted in the epoch state until the epoch
// closes (see InflowsBySource).
func (k Keeper) collect(ctx context.Context, from Funder, amt sdk.Coins, source string) error {
	if !slices.Contains(types.InflowSources, source) {
		return types.ErrUnknownSource.Wrapf("%q is not one of %v", source, types.InflowSources)
	}
	if err := amt.Validate(); err != nil {
		return types.ErrInvalidInflow.Wrap(err.Error())
	}
	if amt.IsZero() {
		return nil
	}
	switch {
	case from.module == types.ModuleName:
		return types.ErrInvalidInflow.Wrap("the pool cannot fund itself")
	case from.module != "":
		if err := k.bankKeeper.SendCoinsFromModuleToModule(ctx, from.module, types.ModuleName, amt); err != nil {
			return err
		}
	case len(from.account) > 0:
		if err := k.bankKeeper.SendCoinsFromAccountToModule(ctx, from.account, types.ModuleName, amt); err != nil {
			return err
		}
	default:
		return types.ErrInvalidInflow.Wrap("no funder")
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventPoolFunded{Source: source, Amount: amt.String()})
}

// FundPoolFromModule moves amt from a module account into the pool under
// source: x/crossrollup's bridge fees, and (through the x/rollups hook
// AfterRewardFundsCollected) x/rollups' registration and forced-inclusion
// fees and slashed bonds.
func (k Keeper) FundPoolFromModule(ctx context.Context, fromModule string, amt sdk.Coins, source string) error {
	return k.FundPool(ctx, FromModule(fromModule), amt, source)
}

// recordOutflow adds a payout that left the pool to the outflows of dest.
func (k Keeper) recordOutflow(ctx context.Context, dest string, amt sdk.Coins) error {
	return addAll(ctx, k.Outflows, dest, amt)
}

// addAll adds amt to the per-denom amounts stored under (name, denom).
func addAll(ctx context.Context, m collections.Map[collections.Pair[string, string], sdkmath.Int], name string, amt sdk.Coins) error {
	for _, c := range amt {
		key := collections.Join(name, c.Denom)
		cur, err := getInt(ctx, m, key)
		if err != nil {
			return err
		}
		if err := m.Set(ctx, key, cur.Add(c.Amount)); err != nil {
			return err
		}
	}
	return nil
}

// getInt reads an amount, zero when absent.
func getInt[K any](ctx context.Context, m collections.Map[K, sdkmath.Int], key K) (sdkmath.Int, error) {
	v, err := m.Get(ctx, key)
	if errors.Is(err, collections.ErrNotFound) {
		return sdkmath.ZeroInt(), nil
	}
	return v, err
}

// sourceAmounts reads a (name, denom) map as one SourceAmount per name, in
// key order.
func sourceAmounts(ctx context.Context, m collections.Map[collections.Pair[string, string], sdkmath.Int]) ([]types.SourceAmount, sdk.Coins, error) {
	var out []types.SourceAmount
	total := sdk.NewCoins()
	err := m.Walk(ctx, nil, func(key collections.Pair[string, string], amt sdkmath.Int) (bool, error) {
		coin := sdk.NewCoin(key.K2(), amt)
		if n := len(out); n > 0 && out[n-1].Source == key.K1() {
			out[n-1].Amount = out[n-1].Amount.Add(coin)
		} else {
			out = append(out, types.SourceAmount{Source: key.K1(), Amount: sdk.NewCoins(coin)})
		}
		total = total.Add(coin)
		return false, nil
	})
	return out, total, err
}

// InflowsBySource returns the inflows since genesis per source, and their
// sum. The batch fees of the open epoch, counted in its fees_paid until it
// closes (recordBatch), are part of inflows[batch_fee].
func (k Keeper) InflowsBySource(ctx context.Context) ([]types.SourceAmount, sdk.Coins, error) {
	out, total, err := sourceAmounts(ctx, k.Inflows)
	if err != nil {
		return nil, nil, err
	}
	open, err := k.openBatchFees(ctx)
	if err != nil || open.IsZero() {
		return out, total, err
	}
	i, found := slices.BinarySearchFunc(out, types.SourceBatchFee, func(s types.SourceAmount, src string) int {
		return strings.Compare(s.Source, src)
	})
	if found {
		out[i].Amount = out[i].Amount.Add(open...)
	} else {
		out = slices.Insert(out, i, types.SourceAmount{Source: types.SourceBatchFee, Amount: open})
	}
	return out, total.Add(open...), nil
}

// openBatchFees is what the open epoch's batches paid in and inflows do
// not count yet: its fees_paid (a frozen rollup's fees are moved to the
// inflows when its work is forfeited).
func (k Keeper) openBatchFees(ctx context.Context) (sdk.Coins, error) {
	epoch, err := k.Epoch.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return sdk.NewCoins(), nil
	}
	if err != nil {
		return nil, err
	}
	return epoch.FeesPaid, nil
}

// OutflowsByDestination returns the outflows since genesis per
// destination, and their sum.
func (k Keeper) OutflowsByDestination(ctx context.Context) ([]types.SourceAmount, sdk.Coins, error) {
	return sourceAmounts(ctx, k.Outflows)
}

// PendingClaims is the sum of every operator's credited, unclaimed rewards.
func (k Keeper) PendingClaims(ctx context.Context) (sdk.Coins, error) {
	total := sdk.NewCoins()
	err := k.PendingTotal.Walk(ctx, nil, func(denom string, amt sdkmath.Int) (bool, error) {
		total = total.Add(sdk.NewCoin(denom, amt))
		return false, nil
	})
	return total, err
}

// Reserved is the part of the payout in progress not yet credited.
func (k Keeper) Reserved(ctx context.Context) (sdk.Coins, error) {
	p, err := k.ActivePayout.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return sdk.NewCoins(), nil
	}
	if err != nil {
		return nil, err
	}
	left, neg := p.OperatorPot.SafeSub(p.Credited...)
	if neg {
		return nil, types.ErrPoolInvariant.Wrapf("epoch %d credited %s of a pot of %s", p.Epoch, p.Credited, p.OperatorPot)
	}
	return left, nil
}

// PoolBalance is the pool module account's balance.
func (k Keeper) PoolBalance(ctx context.Context) sdk.Coins {
	return k.bankKeeper.GetAllBalances(ctx, PoolAddress())
}

// Owed is what the pool must keep: pending claims plus the payout in progress.
func (k Keeper) Owed(ctx context.Context) (sdk.Coins, error) {
	pending, err := k.PendingClaims(ctx)
	if err != nil {
		return nil, err
	}
	reserved, err := k.Reserved(ctx)
	if err != nil {
		return nil, err
	}
	return pending.Add(reserved...), nil
}

// CheckPoolInvariant checks the pool's books against its balance: the
// balance equals the inflows minus the outflows (so outflows never exceed
// inflows), and covers every pending claim and the payout in progress.
func (k Keeper) CheckPoolInvariant(ctx context.Context) error {
	_, in, err := k.InflowsBySource(ctx)
	if err != nil {
		return err
	}
	_, out, err := k.OutflowsByDestination(ctx)
	if err != nil {
		return err
	}
	expected, neg := in.SafeSub(out...)
	if neg {
		return types.ErrPoolInvariant.Wrapf("outflows %s exceed inflows %s", out, in)
	}
	balance := k.PoolBalance(ctx)
	if !balance.Equal(expected) {
		return types.ErrPoolInvariant.Wrapf("balance %s, inflows %s minus outflows %s is %s", balance, in, out, expected)
	}
	owed, err := k.Owed(ctx)
	if err != nil {
		return err
	}
	if !balance.IsAllGTE(owed) {
		return types.ErrPoolInvariant.Wrapf("balance %s does not cover pending claims and reserved payouts %s", balance, owed)
	}
	return nil
}
