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

// ledgerKey names one ledger in a ledgerCache.
type ledgerKey struct{ rollupID, denom string }

// ledgerCache holds the ledgers one batch hook reads and writes (issue 17):
// each is read from the store at most once and written back at most once,
// when the hook has applied the whole outbox (flushLedgers), in the order
// they were first read (never map order). It is sound because, while the
// hook runs, nothing but the hook's own entries touches the bridge ledgers
// (the inbox appends it makes are x/rollups' state), and a hook that fails
// fails the whole transaction, cache and store alike.
type ledgerCache struct {
	amounts map[ledgerKey]sdkmath.Int
	order   []ledgerKey
	dirty   map[ledgerKey]bool
}

func newLedgerCache() *ledgerCache {
	return &ledgerCache{amounts: map[ledgerKey]sdkmath.Int{}, dirty: map[ledgerKey]bool{}}
}

// ledgerIn is Ledger through c's cache, if c has one.
func (k Keeper) ledgerIn(ctx context.Context, c *controls, rollupID, denom string) (sdkmath.Int, error) {
	if c == nil || c.ledgers == nil {
		return k.Ledger(ctx, rollupID, denom)
	}
	key := ledgerKey{rollupID, denom}
	if amt, ok := c.ledgers.amounts[key]; ok {
		return amt, nil
	}
	amt, err := k.Ledger(ctx, rollupID, denom)
	if err != nil {
		return sdkmath.Int{}, err
	}
	c.ledgers.amounts[key] = amt
	c.ledgers.order = append(c.ledgers.order, key)
	return amt, nil
}

// setLedgerIn is setLedger through c's cache, if c has one: the store is
// written by flushLedgers.
func (k Keeper) setLedgerIn(ctx context.Context, c *controls, rollupID, denom string, amt sdkmath.Int) error {
	if c == nil || c.ledgers == nil {
		return k.setLedger(ctx, rollupID, denom, amt)
	}
	key := ledgerKey{rollupID, denom}
	if _, ok := c.ledgers.amounts[key]; !ok {
		c.ledgers.order = append(c.ledgers.order, key)
	}
	c.ledgers.amounts[key] = amt
	c.ledgers.dirty[key] = true
	return nil
}

// flushLedgers writes the ledgers the hook changed, once each.
func (k Keeper) flushLedgers(ctx context.Context, c *controls) error {
	if c == nil || c.ledgers == nil {
		return nil
	}
	for _, key := range c.ledgers.order {
		if !c.ledgers.dirty[key] {
			continue
		}
		if err := k.setLedger(ctx, key.rollupID, key.denom, c.ledgers.amounts[key]); err != nil {
			return err
		}
	}
	c.ledgers = newLedgerCache()
	return nil
}

// creditLedger adds amt to a ledger (through c's cache, if c is not nil).
func (k Keeper) creditLedger(ctx context.Context, c *controls, rollupID, denom string, amt sdkmath.Int) error {
	cur, err := k.ledgerIn(ctx, c, rollupID, denom)
	if err != nil {
		return err
	}
	return k.setLedgerIn(ctx, c, rollupID, denom, cur.Add(amt))
}

// debitLedger takes amt from a ledger (through c's cache, if c is not
// nil); it never goes negative, and an emptied ledger is removed.
func (k Keeper) debitLedger(ctx context.Context, c *controls, rollupID, denom string, amt sdkmath.Int) error {
	cur, err := k.ledgerIn(ctx, c, rollupID, denom)
	if err != nil {
		return err
	}
	if cur.LT(amt) {
		return types.ErrLedgerInsufficient.Wrapf("rollup %q holds %s%s, asked for %s", rollupID, cur, denom, amt)
	}
	return k.setLedgerIn(ctx, c, rollupID, denom, cur.Sub(amt))
}

// setLedger stores what a rollup holds of a denom; an emptied ledger is
// removed.
func (k Keeper) setLedger(ctx context.Context, rollupID, denom string, amt sdkmath.Int) error {
	if amt.IsZero() {
		return k.Ledgers.Remove(ctx, collections.Join(rollupID, denom))
	}
	return k.Ledgers.Set(ctx, collections.Join(rollupID, denom), amt)
}

// requireHeld fails unless rollupID's ledger holds amt of denom (read
// through c's cache, if c is not nil).
func (k Keeper) requireHeld(ctx context.Context, c *controls, rollupID, denom string, amt sdkmath.Int) error {
	if !amt.IsPositive() {
		return nil
	}
	held, err := k.ledgerIn(ctx, c, rollupID, denom)
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
