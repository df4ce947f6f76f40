package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/rewards/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// EndBlock advances the epoch payout by at most max_payouts_per_block work
// records, and closes the current epoch when it is due and no payout is
// running. It never loops over more than that many records, whatever the
// number of operators: a payout across many operators spans blocks.
func (k Keeper) EndBlock(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	budget := uint64(params.MaxPayoutsPerBlock)

	if payout, err := k.ActivePayout.Get(ctx); err == nil {
		used, err := k.creditPage(ctx, &payout, budget)
		if err != nil {
			return err
		}
		budget -= used
		if has, err := k.ActivePayout.Has(ctx); err != nil || has {
			return err // still running: the current epoch waits for it
		}
	} else if !errors.Is(err, collections.ErrNotFound) {
		return err
	}

	epoch, err := k.Epoch.Get(ctx)
	if err != nil {
		return err
	}
	height := sdk.UnwrapSDKContext(ctx).BlockHeight()
	if height < EpochEndHeight(epoch, params) {
		return nil
	}
	payout, err := k.closeEpoch(ctx, params, epoch, height)
	if err != nil {
		return err
	}
	_, err = k.creditPage(ctx, &payout, budget)
	return err
}

// EpochEndHeight is the first block whose EndBlock may close the epoch.
func EpochEndHeight(epoch types.EpochState, params types.Params) int64 {
	return epoch.StartHeight + int64(params.EpochLength) - 1
}

// closeEpoch splits what the pool holds beyond its obligations: the
// validator share goes to the fee collector at once, the operator pot is
// reserved for the payout that credits operators over the next blocks. The
// pot is the fee-backed part (the operator share of the epoch's batch
// fees) plus, when governance-approved work was done, the rest of
// floor(operator_share * available); what is not reserved stays in the
// pool for a later epoch.
func (k Keeper) closeEpoch(ctx context.Context, params types.Params, epoch types.EpochState, height int64) (types.ActivePayout, error) {
	owed, err := k.Owed(ctx)
	if err != nil {
		return types.ActivePayout{}, err
	}
	balance := k.PoolBalance(ctx)
	available, neg := balance.SafeSub(owed...)
	if neg {
		return types.ActivePayout{}, types.ErrPoolInvariant.Wrapf("balance %s below what is owed %s", balance, owed)
	}
	validators, operators := params.SplitEpoch(available)
	approvedWork := orZero(epoch.ApprovedWork)
	feeBacked, approved := params.SplitOperatorPot(operators, epoch.FeesPaid, approvedWork)
	operators = feeBacked.Add(approved...)
	// The epoch's batch fees, counted in its state while it was open, now
	// join the inflows (see recordBatch).
	if err := addAll(ctx, k.Inflows, types.SourceBatchFee, epoch.FeesPaid); err != nil {
		return types.ActivePayout{}, err
	}
	if !validators.IsZero() {
		if err := k.bankKeeper.SendCoinsFromModuleToModule(ctx, types.ModuleName, k.feeCollector, validators); err != nil {
			return types.ActivePayout{}, err
		}
		if err := k.recordOutflow(ctx, types.OutflowValidators, validators); err != nil {
			return types.ActivePayout{}, err
		}
	}
	payout := types.ActivePayout{
		Epoch:           epoch.Number,
		ClosedHeight:    height,
		ValidatorAmount: validators,
		OperatorPot:     operators,
		EligibleWork:    epoch.EligibleWork,
		Credited:        sdk.NewCoins(),
		FeeBackedPot:    feeBacked,
		FeesPaid:        epoch.FeesPaid,
		ApprovedPot:     approved,
		ApprovedWork:    approvedWork,
	}
	if err := k.ActivePayout.Set(ctx, payout); err != nil {
		return types.ActivePayout{}, err
	}
	next := types.EpochState{Number: epoch.Number + 1, StartHeight: height + 1, EligibleWork: sdkmath.ZeroInt(), ApprovedWork: sdkmath.ZeroInt()}
	if err := k.Epoch.Set(ctx, next); err != nil {
		return types.ActivePayout{}, err
	}
	return payout, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventEpochClosed{
		Epoch: epoch.Number, ValidatorAmount: validators.String(), OperatorPot: operators.String(),
		EligibleWork: epoch.EligibleWork.String(),
		FeeBackedPot: feeBacked.String(), ApprovedPot: approved.String(), ApprovedWork: approvedWork.String(),
	})
}

// creditPage credits at most budget work records of the payout's epoch and
// deletes them; when none is left the payout is finished. It returns the
// number of records it handled.
func (k Keeper) creditPage(ctx context.Context, payout *types.ActivePayout, budget uint64) (uint64, error) {
	if budget == 0 {
		return 0, nil
	}
	page, more, err := k.workPage(ctx, payout.Epoch, budget)
	if err != nil {
		return 0, err
	}
	// An operator of a rollup that is no longer active (frozen or
	// deregistered) earns nothing; its share stays in the pool.
	active := make(map[string]bool)
	for _, rec := range page {
		ok, seen := active[rec.RollupId]
		if !seen {
			if ok, err = k.rollupActive(ctx, rec.RollupId); err != nil {
				return 0, err
			}
			active[rec.RollupId] = ok
		}
		credited := false
		if ok {
			if credited, err = k.creditRecord(ctx, payout, rec); err != nil {
				return 0, err
			}
		}
		if credited {
			payout.RecordsCredited++
		} else {
			payout.RecordsSkipped++
		}
		if err := k.Work.Remove(ctx, collections.Join3(rec.Epoch, rec.RollupId, rec.Operator)); err != nil {
			return 0, err
		}
		if err := k.RollupTotals.Remove(ctx, collections.Join(rec.Epoch, rec.RollupId)); err != nil {
			return 0, err
		}
	}
	if more {
		return uint64(len(page)), k.ActivePayout.Set(ctx, *payout)
	}
	return uint64(len(page)), k.finishPayout(ctx, *payout)
}

// workPage reads up to limit work records of an epoch, and whether more follow.
func (k Keeper) workPage(ctx context.Context, epoch, limit uint64) ([]types.WorkRecord, bool, error) {
	iter, err := k.Work.Iterate(ctx, collections.NewPrefixedTripleRange[uint64, string, string](epoch))
	if err != nil {
		return nil, false, err
	}
	defer iter.Close()
	var page []types.WorkRecord
	for ; iter.Valid(); iter.Next() {
		if uint64(len(page)) == limit {
			return page, true, nil
		}
		kv, err := iter.KeyValue()
		if err != nil {
			return nil, false, err
		}
		page = append(page, withWorkKey(kv.Key, kv.Value))
	}
	return page, false, nil
}

func (k Keeper) rollupActive(ctx context.Context, id string) (bool, error) {
	r, err := k.rollupsKeeper.GetRollup(ctx, id)
	if errors.Is(err, rollupstypes.ErrUnknownRollup) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return r.Status == rollupstypes.ROLLUP_STATUS_ACTIVE, nil
}

// creditRecord adds the record's share of the pot to its operator's pending
// rewards: its share of the fee-backed pot by the fees it paid, plus its
// share of the approved pot by its approved work, and never more than what
// is left of the pot.
func (k Keeper) creditRecord(ctx context.Context, payout *types.ActivePayout, rec types.WorkRecord) (bool, error) {
	left, neg := payout.OperatorPot.SafeSub(payout.Credited...)
	if neg {
		return false, types.ErrPoolInvariant.Wrapf("epoch %d credited %s of a pot of %s", payout.Epoch, payout.Credited, payout.OperatorPot)
	}
	reward := types.FeeBackedReward(payout.FeeBackedPot, rec.FeesPaid, payout.FeesPaid).
		Add(types.OperatorReward(payout.ApprovedPot, orZero(rec.ApprovedWeight), orZero(payout.ApprovedWork))...).
		Min(left)
	if reward.IsZero() {
		return false, nil
	}
	operator, err := k.addressCodec.StringToBytes(rec.Operator)
	if err != nil {
		return false, types.ErrInvalidAddress.Wrapf("operator %q: %s", rec.Operator, err)
	}
	for _, c := range reward {
		key := collections.Join(sdk.AccAddress(operator), c.Denom)
		cur, err := getInt(ctx, k.Pending, key)
		if err != nil {
			return false, err
		}
		if err := k.Pending.Set(ctx, key, cur.Add(c.Amount)); err != nil {
			return false, err
		}
		total, err := getInt(ctx, k.PendingTotal, c.Denom)
		if err != nil {
			return false, err
		}
		if err := k.PendingTotal.Set(ctx, c.Denom, total.Add(c.Amount)); err != nil {
			return false, err
		}
	}
	payout.Credited = payout.Credited.Add(reward...)
	return true, nil
}

// finishPayout records the payout in the history; the uncredited rest of
// the pot is simply no longer reserved, so it stays in the pool.
func (k Keeper) finishPayout(ctx context.Context, payout types.ActivePayout) error {
	height := sdk.UnwrapSDKContext(ctx).BlockHeight()
	record := types.EpochPayout{
		Epoch:            payout.Epoch,
		ClosedHeight:     payout.ClosedHeight,
		CompletedHeight:  height,
		ValidatorAmount:  payout.ValidatorAmount,
		OperatorPot:      payout.OperatorPot,
		OperatorCredited: payout.Credited,
		EligibleWork:     payout.EligibleWork,
		RecordsCredited:  payout.RecordsCredited,
		RecordsSkipped:   payout.RecordsSkipped,
		FeeBackedPot:     payout.FeeBackedPot,
		ApprovedPot:      payout.ApprovedPot,
		ApprovedWork:     orZero(payout.ApprovedWork),
	}
	if err := k.Payouts.Set(ctx, payout.Epoch, record); err != nil {
		return err
	}
	if err := k.ActivePayout.Remove(ctx); err != nil {
		return err
	}
	left, _ := payout.OperatorPot.SafeSub(payout.Credited...)
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventEpochPayoutCompleted{
		Epoch: payout.Epoch, OperatorCredited: payout.Credited.String(), LeftInPool: left.String(),
		RecordsCredited: payout.RecordsCredited, RecordsSkipped: payout.RecordsSkipped,
	})
}
