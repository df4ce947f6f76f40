package keeper

import (
	"context"
	"fmt"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Hooks returns the x/rollups hooks of the bridge.
func (k Keeper) Hooks() rollupstypes.RollupsHooks { return hooks{k} }

type hooks struct{ k Keeper }

var _ rollupstypes.RollupsHooks = hooks{}

// AfterBatchVerified applies a verified batch's outbox, in order, in the
// same transaction: withdrawals are paid from the rollup's ledger (or
// deferred by a pause or an outflow cap), cross-rollup messages move their
// value to the destination's ledger and land in its inbox in this block, or
// bounce back to the source's inbox.
//
// What a user put in the outbox never fails the batch (H1 of the December
// 2026 review): a withdrawal the chain cannot pay (blocked or malformed
// recipient) and a message it cannot carry (payload over
// max_payload_bytes, over the outflow cap, a destination that refuses it),
// and any entry past max_outbox_entries, go back to the L2 sender as a
// refund entry (kind 5) in the rollup's own inbox. Only a store error or a
// rollup spending value its ledger does not hold (ErrLedgerInsufficient)
// fails the batch, and then the outbox is applied whole or not at all.
//
// It reads the params once, and the source's pause and outflow cap at most
// once whatever the number of entries (controls); each ledger the entries
// move value between is read once and written once per batch
// (ledgerCache), and a withdrawal to the batch's own submitter (its fee)
// accrues instead of moving coins (accrued.go) (issue 17).
func (h hooks) AfterBatchVerified(ctx context.Context, batch rollupstypes.VerifiedBatch) error {
	if len(batch.Outbox) == 0 {
		return nil // touches no key of the bridge
	}
	params, err := h.k.Params.Get(ctx)
	if err != nil {
		return err
	}
	refunds := newConsumedRefunds(batch)
	// A submitter x/rollups let through is a valid address; one that were
	// not would simply never match a recipient.
	submitter, err := h.k.addressCodec.StringToBytes(batch.Submitter)
	if err != nil {
		submitter = nil
	}
	src := newBatchControls(batch.RollupID, submitter)
	for i, e := range batch.Outbox {
		// DecodeOutbox validated the entries, before the proof was checked;
		// check again so this method never depends on its caller
		// (sdk.NewCoin panics on a bad denom).
		if err := e.Validate(); err != nil {
			return errorsmod.Wrapf(types.ErrInvalidWithdrawal.Wrap(err.Error()), "outbox entry %d", i)
		}
		if uint64(i) >= params.MaxOutboxEntries {
			// Governance may lower the cap after a batch was proven: the
			// entries past it are returned, never the batch refused.
			err = h.k.returnEntry(ctx, src, batch, e, fmt.Sprintf("entry %d is past max_outbox_entries %d", i, params.MaxOutboxEntries), refunds)
		} else {
			switch e.Kind {
			case protocol.OutboxKindWithdrawal:
				err = h.k.withdraw(ctx, params, src, batch, e)
			case protocol.OutboxKindCrossRollupMessage:
				err = h.k.route(ctx, params, src, batch, e, refunds)
			default:
				err = types.ErrInvalidWithdrawal.Wrapf("kind %s", e.Kind)
			}
		}
		if err != nil {
			return errorsmod.Wrapf(err, "outbox entry %d", i)
		}
	}
	return h.k.flushLedgers(ctx, src)
}

// AfterRollupFrozen queues the refund of the frozen rollup's unconsumed
// inbox, which EndBlock then processes a bounded number of entries at a
// time (ProcessRefunds). Messages routed to a frozen rollup from now on
// bounce (see route); its accounts exit with MsgExodusWithdraw.
func (h hooks) AfterRollupFrozen(ctx context.Context, rollupID string) error {
	return h.k.enqueueRefunds(ctx, rollupID)
}

// BeforeRollupDeregistered vetoes closing a rollup at once while any of its
// ledgers holds funds (ErrBridgeLedgerNotEmpty): x/rollups then winds it
// down, and its users leave by exodus and refunds.
func (h hooks) BeforeRollupDeregistered(ctx context.Context, rollupID string) error {
	holds, err := h.k.RollupHoldsFunds(ctx, rollupID)
	if err != nil {
		return err
	}
	if holds {
		return rollupstypes.ErrBridgeLedgerNotEmpty.Wrapf("rollup %q still holds bridged funds", rollupID)
	}
	return nil
}

// AfterRewardFundsCollected is x/rewards' business: the bridge does nothing.
func (hooks) AfterRewardFundsCollected(context.Context, sdk.Coins, string) error { return nil }
