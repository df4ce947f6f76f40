package keeper

import (
	"context"
	"encoding/hex"
	"errors"
	"strings"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// AppendInbox appends a message to an active rollup's inbox: it assigns the
// next sequence number, extends the running accumulator and records the
// arrival height and the message's deadline (by queue position, see
// liveness.go). x/crossrollup calls it for deposits, routed cross-rollup
// messages and L1 calls. The entry's Sequence is ignored and overwritten.
func (k Keeper) AppendInbox(ctx context.Context, rollupID string, entry protocol.InboxEntry) (uint64, error) {
	r, err := k.GetRollup(ctx, rollupID)
	if err != nil {
		return 0, err
	}
	was, err := coldSnapshot(r)
	if err != nil {
		return 0, err
	}
	if r.Status != types.ROLLUP_STATUS_ACTIVE {
		return 0, types.ErrRollupNotActive.Wrapf("rollup %q is %s", rollupID, r.Status)
	}
	// A winding-down rollup takes no new value from L1. Routed messages
	// and refunds still arrive (refusing them would fail the source's
	// batch), and so do forced transactions: they are how users leave.
	if r.ClosingHeight != 0 && (entry.Kind == protocol.InboxKindDeposit || entry.Kind == protocol.InboxKindL1Call) {
		return 0, types.ErrRollupClosing.Wrapf("rollup %q freezes for good at height %d", rollupID, r.ClosingHeight)
	}
	if err := denomHeld(r, entry); err != nil {
		return 0, err
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return 0, err
	}
	entry.Sequence = r.InboxSize
	if err := entry.Validate(); err != nil {
		return 0, err
	}
	forced := entry.Kind == protocol.InboxKindForcedTx
	prev, err := protocol.ParseFieldElement(r.InboxAccumulator)
	if err != nil {
		return 0, err
	}
	acc := protocol.FieldElementBytes(protocol.InboxAccumulate(prev, entry))

	sdkCtx := sdk.UnwrapSDKContext(ctx)
	h := sdkCtx.BlockHeight()
	deadline, err := k.queueDeadline(ctx, params, &r, h, forced)
	if err != nil {
		return 0, err
	}
	msg := types.InboxMessageFromEntry(entry, h, acc)
	msg.Deadline = deadline
	if err := k.Inbox.Set(ctx, collections.Join(rollupID, entry.Sequence), msg); err != nil {
		return 0, err
	}
	if forced {
		if err := k.noteForcedAppended(ctx, &r, entry.Sequence); err != nil {
			return 0, err
		}
	}
	protectFromPendingChanges(&r, h, deadline)
	r.InboxSize++
	r.InboxAccumulator = acc
	if err := k.noteAppended(ctx, &r, deadline); err != nil {
		return 0, err
	}
	if err := k.updateRollup(ctx, was, r); err != nil {
		return 0, err
	}
	return entry.Sequence, sdkCtx.EventManager().EmitTypedEvent(&types.EventInboxMessageAppended{
		RollupId: rollupID, Sequence: entry.Sequence, Kind: uint32(entry.Kind), Accumulator: hex.EncodeToString(acc),
	})
}

// accumulatorAfter returns the inbox accumulator after the first n messages
// of a rollup's inbox (the genesis accumulator for n = 0).
func (k Keeper) accumulatorAfter(ctx context.Context, rollupID string, n uint64) ([]byte, error) {
	if n == 0 {
		return protocol.FieldElementBytes(protocol.InboxAccumulatorGenesis()), nil
	}
	msg, err := k.Inbox.Get(ctx, collections.Join(rollupID, n-1))
	if err != nil {
		return nil, err
	}
	return msg.Accumulator, nil
}

// GetInboxMessage returns one stored inbox message of a rollup.
func (k Keeper) GetInboxMessage(ctx context.Context, rollupID string, seq uint64) (types.InboxMessage, error) {
	msg, err := k.Inbox.Get(ctx, collections.Join(rollupID, seq))
	if errors.Is(err, collections.ErrNotFound) {
		return types.InboxMessage{}, types.ErrInboxMessageNotFound.Wrapf("rollup %q has no inbox message %d", rollupID, seq)
	}
	return msg, err
}

// denomHeld refuses value in a denom the rollup does not hold. A rollup
// that declared an exit layout holds the layout's denom, or its two denoms
// for a two-denom layout such as exchange-v1 (its circuit credits no other,
// and its exodus pays only those): a deposit or an L1
// call with value in another denom is refused, and a routed message in
// another denom bounces back to its source (x/crossrollup route), rather
// than being left for the rollup to bounce. A refund returns value the
// rollup itself sent, so it is not checked. A rollup without a layout takes
// any denom (its own circuit decides what it credits). The rollup record is
// already read: the check costs no store access.
func denomHeld(r types.Rollup, entry protocol.InboxEntry) error {
	if entry.Amount.IsZero() || r.ExitLayout.IsEmpty() || r.ExitLayout.Holds(entry.Denom) {
		return nil
	}
	switch entry.Kind {
	case protocol.InboxKindDeposit, protocol.InboxKindL1Call, protocol.InboxKindCrossRollupMessage:
		return types.ErrDenomNotHeld.Wrapf("rollup %q holds %s, the entry carries %s", r.Id, strings.Join(r.ExitLayout.HeldDenoms(), " and "), entry.Denom)
	}
	return nil
}
