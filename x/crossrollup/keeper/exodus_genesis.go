package keeper

import (
	"context"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	"github.com/nativechain/nativechain/x/crossrollup/types"
)

// initExodusGenesis writes the exit records, the exit credits and the
// refund queue (validated by the caller). Credits are part of their
// rollup's ledger, so the escrow check needs nothing more.
func (k Keeper) initExodusGenesis(ctx context.Context, gs *types.GenesisState) error {
	for _, e := range gs.Exits {
		if err := k.Exits.Set(ctx, collections.Join(e.RollupId, e.LeafIndex), e); err != nil {
			return err
		}
	}
	for _, c := range gs.ExitCredits {
		amt, _ := sdkmath.NewIntFromString(c.Amount) // validated
		if err := k.ExitCredits.Set(ctx, collections.Join3(c.RollupId, c.Account, c.Denom), amt); err != nil {
			return err
		}
	}
	for _, c := range gs.RefundQueue {
		if c.NextSequence == c.EndSequence {
			continue // nothing left: not queued
		}
		if err := k.RefundQueue.Set(ctx, c.RollupId, c); err != nil {
			return err
		}
	}
	for _, w := range gs.WaitingRefunds {
		if err := k.WaitingRefunds.Set(ctx, collections.Join(w.RollupId, w.Sequence), w); err != nil {
			return err
		}
	}
	return nil
}

// exportExodusGenesis reads them back in key order.
func (k Keeper) exportExodusGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := k.Exits.Walk(ctx, nil, func(_ collections.Pair[string, uint64], e types.ExitRecord) (bool, error) {
		gs.Exits = append(gs.Exits, e)
		return false, nil
	}); err != nil {
		return err
	}
	if err := k.ExitCredits.Walk(ctx, nil, func(key collections.Triple[string, []byte, string], amt sdkmath.Int) (bool, error) {
		gs.ExitCredits = append(gs.ExitCredits, types.ExitCredit{
			RollupId: key.K1(), Account: key.K2(), Denom: key.K3(), Amount: amt.String(),
		})
		return false, nil
	}); err != nil {
		return err
	}
	if err := k.RefundQueue.Walk(ctx, nil, func(_ string, c types.RefundCursor) (bool, error) {
		gs.RefundQueue = append(gs.RefundQueue, c)
		return false, nil
	}); err != nil {
		return err
	}
	return k.WaitingRefunds.Walk(ctx, nil, func(_ collections.Pair[string, uint64], w types.WaitingRefund) (bool, error) {
		gs.WaitingRefunds = append(gs.WaitingRefunds, w)
		return false, nil
	})
}
