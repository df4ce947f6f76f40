package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// The safety valves: governance may pause one rollup's bridge, and may cap
// what a rollup pays out to L1 per outflow epoch. Neither ever loses funds:
// a withdrawal that may not be paid now waits in Pending (its amount already
// out of the ledger, still in the escrow account) and EndBlock pays it when
// the pause ends or the next epoch opens room under the cap.

// currentEpoch is the outflow epoch of the block being executed.
func currentEpoch(ctx context.Context, params types.Params) uint64 {
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	if h < 0 {
		h = 0
	}
	return uint64(h) / params.OutflowEpochBlocks
}

// usage is what rollupID paid out in the current epoch (nothing if its
// stored usage is from an earlier epoch).
func (k Keeper) usage(ctx context.Context, params types.Params, rollupID string) (types.OutflowUsage, error) {
	epoch := currentEpoch(ctx, params)
	u, err := k.OutflowUsage.Get(ctx, rollupID)
	if errors.Is(err, collections.ErrNotFound) || (err == nil && u.Epoch != epoch) {
		return types.OutflowUsage{Epoch: epoch}, nil
	}
	return u, err
}

// controls holds one rollup's bridge controls, its pause and its outflow
// cap, each read at most once for one hook call or one release: only
// governance messages change them, never an outbox entry, so a batch with
// many entries reads them once (issue 17). For a batch hook it also holds
// what the hook reads once per batch rather than once per entry: the
// ledgers (ledgerCache), the pause of each destination, and the submitter
// whose own withdrawals accrue (accrued.go).
type controls struct {
	rollupID string
	paused   *bool
	cap      *types.OutflowCap
	capRead  bool

	// ledgers is nil outside a batch hook: reads and writes go to the store.
	ledgers    *ledgerCache
	destPaused map[string]bool
	// submitter is the batch's submitter (nil outside a batch hook).
	submitter sdk.AccAddress
}

func newControls(rollupID string) *controls { return &controls{rollupID: rollupID} }

// newBatchControls is the controls of one batch hook call, with its caches.
func newBatchControls(rollupID string, submitter sdk.AccAddress) *controls {
	return &controls{rollupID: rollupID, ledgers: newLedgerCache(), destPaused: map[string]bool{}, submitter: submitter}
}

// destinationPaused reports whether governance paused dest's bridge, read
// once per hook call.
func (k Keeper) destinationPaused(ctx context.Context, c *controls, dest string) (bool, error) {
	if dest == c.rollupID {
		return k.isPaused(ctx, c)
	}
	if c.destPaused != nil {
		if paused, ok := c.destPaused[dest]; ok {
			return paused, nil
		}
	}
	paused, err := k.Paused.Has(ctx, dest)
	if err != nil {
		return false, err
	}
	if c.destPaused != nil {
		c.destPaused[dest] = paused
	}
	return paused, nil
}

// isPaused reports whether governance paused the rollup's bridge.
func (k Keeper) isPaused(ctx context.Context, c *controls) (bool, error) {
	if c.paused == nil {
		paused, err := k.Paused.Has(ctx, c.rollupID)
		if err != nil {
			return false, err
		}
		c.paused = &paused
	}
	return *c.paused, nil
}

// outflowCap is the rollup's outflow cap, nil if it has none.
func (k Keeper) outflowCap(ctx context.Context, c *controls) (*types.OutflowCap, error) {
	if !c.capRead {
		limit, err := k.OutflowCaps.Get(ctx, c.rollupID)
		switch {
		case err == nil:
			c.cap = &limit
		case !errors.Is(err, collections.ErrNotFound):
			return nil, err
		}
		c.capRead = true
	}
	return c.cap, nil
}

// outflowBlocked says why coin may not be paid out of the rollup now, or "".
func (k Keeper) outflowBlocked(ctx context.Context, params types.Params, c *controls, coin sdk.Coin) (string, error) {
	paused, err := k.isPaused(ctx, c)
	if err != nil {
		return "", err
	}
	if paused {
		return "rollup's bridge is paused", nil
	}
	return k.capReached(ctx, params, c, coin)
}

// capReached says "outflow cap of the epoch reached" if coin would take
// the rollup's outflow this epoch (withdrawals paid and value routed out)
// over its cap, or "".
func (k Keeper) capReached(ctx context.Context, params types.Params, c *controls, coin sdk.Coin) (string, error) {
	limit, err := k.outflowCap(ctx, c)
	if err != nil || limit == nil {
		return "", err
	}
	capAmt := limit.Cap.AmountOf(coin.Denom)
	if capAmt.IsZero() {
		return "", nil // the cap does not cover this denom
	}
	u, err := k.usage(ctx, params, c.rollupID)
	if err != nil {
		return "", err
	}
	if u.Paid.AmountOf(coin.Denom).Add(coin.Amount).GT(capAmt) {
		return "outflow cap of the epoch reached", nil
	}
	return "", nil
}

// pay sends coin from escrow to recipient and records it against the cap.
func (k Keeper) pay(ctx context.Context, params types.Params, c *controls, recipient sdk.AccAddress, coin sdk.Coin) error {
	if err := k.bankKeeper.SendCoinsFromModuleToAccount(ctx, types.ModuleName, recipient, sdk.NewCoins(coin)); err != nil {
		return err
	}
	return k.recordOutflow(ctx, params, c, coin)
}

// recordOutflow counts coin, paid to L1 or routed to another rollup,
// against the rollup's cap of the epoch.
func (k Keeper) recordOutflow(ctx context.Context, params types.Params, c *controls, coin sdk.Coin) error {
	if limit, err := k.outflowCap(ctx, c); err != nil || limit == nil {
		return err // usage only matters under a cap
	}
	u, err := k.usage(ctx, params, c.rollupID)
	if err != nil {
		return err
	}
	u.Paid = u.Paid.Add(coin)
	return k.OutflowUsage.Set(ctx, c.rollupID, u)
}

// defer_ stores a withdrawal that may not be paid now.
func (k Keeper) defer_(ctx context.Context, p types.PendingWithdrawal, reason string) error {
	id, err := k.NextPendingID.Next(ctx)
	if err != nil {
		return err
	}
	p.Id = id
	if err := k.Pending.Set(ctx, id, p); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventWithdrawalDeferred{
		PendingId: id, RollupId: p.RollupId, BatchIndex: p.BatchIndex, Recipient: p.Recipient,
		Amount: p.Amount.String(), Reason: reason,
	})
}

// ReleasePending runs in EndBlock. It examines at most
// max_releases_per_block deferred withdrawals, oldest first from a cursor
// that wraps around, and pays those whose rollup is no longer paused and
// has room under its cap. The cursor makes the work per block bounded and
// every pending withdrawal is examined again within
// ceil(pending / max_releases_per_block) blocks.
//
// Each release runs on its own branch of the block state (L3 of the
// December 2026 review): one that fails is logged, reported
// (EventWithdrawalReleaseFailed) and stays pending; only reading the
// params, the cursor or the pending list can fail EndBlock.
func (k Keeper) ReleasePending(ctx context.Context) error {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	cursor, err := k.ReleaseCursor.Get(ctx)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	budget := int(params.MaxReleasesPerBlock)
	examined, next, err := k.releaseFrom(ctx, params, new(collections.Range[uint64]).StartInclusive(cursor), budget)
	if err != nil {
		return err
	}
	if examined < budget && cursor > 0 {
		// Reached the end: wrap around to the oldest entries.
		var n int
		n, next, err = k.releaseFrom(ctx, params, new(collections.Range[uint64]).EndExclusive(cursor), budget-examined)
		if err != nil {
			return err
		}
		if n == 0 {
			next = 0
		}
	}
	return k.ReleaseCursor.Set(ctx, next)
}

// releaseFrom examines up to budget pending withdrawals in rng and returns
// how many it examined and the id to resume from.
func (k Keeper) releaseFrom(ctx context.Context, params types.Params, rng *collections.Range[uint64], budget int) (int, uint64, error) {
	if budget <= 0 {
		return 0, 0, nil
	}
	iter, err := k.Pending.Iterate(ctx, rng)
	if err != nil {
		return 0, 0, err
	}
	var batch []types.PendingWithdrawal
	next := uint64(0)
	for ; iter.Valid() && len(batch) < budget; iter.Next() {
		p, err := iter.Value()
		if err != nil {
			iter.Close()
			return 0, 0, err
		}
		batch = append(batch, p)
		next = p.Id + 1
	}
	iter.Close() // never write while iterating
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	for _, p := range batch {
		branch, write := sdkCtx.CacheContext()
		if err := k.release(branch, params, p); err != nil {
			sdkCtx.Logger().Error("crossrollup: a deferred withdrawal could not be released; it stays pending",
				"pending_id", p.Id, "rollup", p.RollupId, "recipient", p.Recipient, "amount", p.Amount.String(), "err", err)
			if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventWithdrawalReleaseFailed{
				PendingId: p.Id, RollupId: p.RollupId, Recipient: p.Recipient, Amount: p.Amount.String(), Reason: err.Error(),
			}); err != nil {
				return 0, 0, err
			}
			continue
		}
		write()
	}
	return len(batch), next, nil
}

// release pays one deferred withdrawal if its rollup may pay now. If the
// recipient can no longer be paid (it became a blocked address), the value
// goes back into the rollup's ledger and to the L2 sender, as for a batch's
// unpayable withdrawal; that needs the L2 sender and a rollup that is
// active (refund entry) or frozen (exit credit), otherwise it stays
// pending.
func (k Keeper) release(ctx sdk.Context, params types.Params, p types.PendingWithdrawal) error {
	c := newControls(p.RollupId)
	reason, err := k.outflowBlocked(ctx, params, c, p.Amount)
	if err != nil || reason != "" {
		return err // still waiting
	}
	recipient, err := k.addressCodec.StringToBytes(p.Recipient)
	if err != nil {
		return types.ErrInvalidWithdrawal.Wrapf("recipient %q: %s", p.Recipient, err)
	}
	if reason := k.unpayable(recipient); reason != "" {
		return k.refundPending(ctx, p, recipient, reason)
	}
	if err := k.pay(ctx, params, c, recipient, p.Amount); err != nil {
		return err
	}
	if err := k.Pending.Remove(ctx, p.Id); err != nil {
		return err
	}
	return ctx.EventManager().EmitTypedEvent(&types.EventWithdrawalReleased{
		PendingId: p.Id, RollupId: p.RollupId, Recipient: p.Recipient, Amount: p.Amount.String(),
	})
}

// refundPending moves a deferred withdrawal that cannot be paid back into
// its rollup's ledger and refunds its L2 sender.
func (k Keeper) refundPending(ctx sdk.Context, p types.PendingWithdrawal, recipient sdk.AccAddress, reason string) error {
	if len(p.L2Sender) == 0 {
		return types.ErrInvalidWithdrawal.Wrapf("%s, and no L2 sender to refund", reason)
	}
	r, err := k.rollupsKeeper.GetRollup(ctx, p.RollupId)
	if err != nil {
		return err
	}
	if r.Status != rollupstypes.ROLLUP_STATUS_ACTIVE && r.Status != rollupstypes.ROLLUP_STATUS_FROZEN {
		return types.ErrInvalidWithdrawal.Wrapf("%s, and rollup %q is %s: nobody there to refund", reason, p.RollupId, r.Status)
	}
	if err := k.Pending.Remove(ctx, p.Id); err != nil {
		return err
	}
	if err := k.creditLedger(ctx, nil, p.RollupId, p.Amount.Denom, p.Amount.Amount); err != nil {
		return err
	}
	return k.refundWithdrawal(ctx, p.RollupId, p.BatchIndex, p.Id, p.L2Sender, recipient, p.Amount, reason)
}

// PendingTotal sums every deferred withdrawal (for the invariant).
func (k Keeper) PendingTotal(ctx context.Context) (sdk.Coins, error) {
	total := sdk.NewCoins()
	err := k.Pending.Walk(ctx, nil, func(_ uint64, p types.PendingWithdrawal) (bool, error) {
		total = total.Add(p.Amount)
		return false, nil
	})
	return total, err
}

// LedgersTotal sums every rollup's ledger per denom (for the invariant).
func (k Keeper) LedgersTotal(ctx context.Context) (sdk.Coins, error) {
	total := sdk.NewCoins()
	err := k.Ledgers.Walk(ctx, nil, func(key collections.Pair[string, string], amt sdkmath.Int) (bool, error) {
		total = total.Add(sdk.NewCoin(key.K2(), amt))
		return false, nil
	})
	return total, err
}

// EscrowInvariant returns the escrow account's balance, the sum of the
// ledgers, the sum of the pending withdrawals and the sum of the accrued
// withdrawals. The bridge invariant is
// escrow == ledgers + pending + accrued, per denom.
func (k Keeper) EscrowInvariant(ctx context.Context) (escrow, ledgers, pending, accrued sdk.Coins, err error) {
	escrow = k.bankKeeper.GetAllBalances(ctx, authtypes.NewModuleAddress(types.ModuleName))
	if ledgers, err = k.LedgersTotal(ctx); err != nil {
		return nil, nil, nil, nil, err
	}
	if pending, err = k.PendingTotal(ctx); err != nil {
		return nil, nil, nil, nil, err
	}
	if accrued, err = k.AccruedTotal(ctx); err != nil {
		return nil, nil, nil, nil, err
	}
	return escrow, ledgers, pending, accrued, nil
}
