package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	"github.com/nativechain/nativechain/x/crossrollup/types"
)

// Ledger returns what a rollup holds of a denom (zero if nothing).
func (k Keeper) Ledger(ctx context.Context, rollupID, denom string) (sdkmath.Int, error) {
	amt, err := k.Ledgers.Get(ctx, collections.Join(rollupID, denom))
	if errors.Is(err, collections.ErrNotFound) {
		return sdkmath.ZeroInt(), nil
	}
	return amt, err
}

func (k Keeper) creditLedger(ctx context.Context, rollupID, denom string, amt sdkmath.Int) error {
	cur, err := k.Ledger(ctx, rollupID, denom)
	if err != nil {
		return err
	}
	return k.Ledgers.Set(ctx, collections.Join(rollupID, denom), cur.Add(amt))
}

// debitLedger takes amt from a ledger; it never goes negative, and an
// emptied ledger is removed.
func (k Keeper) debitLedger(ctx context.Context, rollupID, denom string, amt sdkmath.Int) error {
	cur, err := k.Ledger(ctx, rollupID, denom)
	if err != nil {
		return err
	}
	if cur.LT(amt) {
		return types.ErrLedgerInsufficient.Wrapf("rollup %q holds %s%s, asked for %s", rollupID, cur, denom, amt)
	}
	return k.setLedger(ctx, rollupID, denom, cur.Sub(amt))
}

// setLedger stores what a rollup holds of a denom; an emptied ledger is
// removed.
func (k Keeper) setLedger(ctx context.Context, rollupID, denom string, amt sdkmath.Int) error {
	if amt.IsZero() {
		return k.Ledgers.Remove(ctx, collections.Join(rollupID, denom))
	}
	return k.Ledgers.Set(ctx, collections.Join(rollupID, denom), amt)
}

// requireHeld fails unless rollupID's ledger holds amt of denom.
func (k Keeper) requireHeld(ctx context.Context, rollupID, denom string, amt sdkmath.Int) error {
	if !amt.IsPositive() {
		return nil
	}
	held, err := k.Ledger(ctx, rollupID, denom)
	if err != nil {
		return err
	}
	if held.LT(amt) {
		return types.ErrLedgerInsufficient.Wrapf("rollup %q holds %s%s, entry carries %s", rollupID, held, denom, amt)
	}
	return nil
}

// RollupHoldsFunds reports whether any ledger of the rollup holds funds:
// while one does, the bridge vetoes an immediate deregistration (see
// hooks.BeforeRollupDeregistered).
func (k Keeper) RollupHoldsFunds(ctx context.Context, rollupID string) (bool, error) {
	iter, err := k.Ledgers.Iterate(ctx, collections.NewPrefixedPairRange[string, string](rollupID))
	if err != nil {
		return false, err
	}
	defer iter.Close()
	return iter.Valid(), nil
}
