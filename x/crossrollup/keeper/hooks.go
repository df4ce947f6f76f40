package keeper

import (
	"context"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Hooks returns the x/rollups hooks of the bridge.
func (k Keeper) Hooks() rollupstypes.RollupsHooks { return hooks{k} }

type hooks struct{ k Keeper }

var _ rollupstypes.RollupsHooks = hooks{}

// AfterBatchVerified applies a verified batch's outbox in the same
// transaction: withdrawals are paid from the rollup's ledger, final at once.
// Any error fails the batch, so an outbox is applied whole or not at all.
func (h hooks) AfterBatchVerified(ctx context.Context, batch rollupstypes.VerifiedBatch) error {
	params, err := h.k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if uint64(len(batch.Outbox)) > params.MaxOutboxEntries {
		return types.ErrInvalidWithdrawal.Wrapf("%d outbox entries, at most %d", len(batch.Outbox), params.MaxOutboxEntries)
	}
	for i, e := range batch.Outbox {
		switch e.Kind {
		case rollupstypes.OutboxKindWithdrawal:
			if err := h.k.withdraw(ctx, batch, e); err != nil {
				return err
			}
		case rollupstypes.OutboxKindCrossRollupMessage:
			// Refusing keeps the value in the source ledger; nothing is lost.
			return types.ErrRoutingUnavailable.Wrapf("outbox entry %d to rollup %q", i, e.DestRollupID)
		default:
			return types.ErrInvalidWithdrawal.Wrapf("outbox entry %d has kind %s", i, e.Kind)
		}
	}
	return nil
}

// AfterRollupFrozen has nothing to do yet: exodus arrives with the liveness
// feature.
func (h hooks) AfterRollupFrozen(context.Context, string) error { return nil }

// withdraw pays one withdrawal from the rollup's ledger.
func (k Keeper) withdraw(ctx context.Context, batch rollupstypes.VerifiedBatch, e rollupstypes.OutboxEntry) error {
	// DecodeOutbox already validated the entry; check again so this method
	// never depends on its caller (sdk.NewCoin panics on a bad denom).
	if err := e.Validate(); err != nil {
		return types.ErrInvalidWithdrawal.Wrap(err.Error())
	}
	recipient := sdk.AccAddress(e.Recipient)
	if err := sdk.VerifyAddressFormat(recipient); err != nil {
		return types.ErrInvalidWithdrawal.Wrapf("recipient: %s", err)
	}
	if k.bankKeeper.BlockedAddr(recipient) {
		return types.ErrInvalidWithdrawal.Wrapf("recipient %s may not receive funds", recipient)
	}
	amount := sdkmath.NewIntFromBigInt(e.Amount.BigInt())
	if err := k.debitLedger(ctx, batch.RollupID, e.Denom, amount); err != nil {
		return err
	}
	coin := sdk.NewCoin(e.Denom, amount)
	if err := k.bankKeeper.SendCoinsFromModuleToAccount(ctx, types.ModuleName, recipient, sdk.NewCoins(coin)); err != nil {
		return err
	}
	addr, err := k.addressCodec.BytesToString(recipient)
	if err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventWithdrawal{
		RollupId: batch.RollupID, BatchIndex: batch.Index, Recipient: addr, Amount: coin.String(),
	})
}
