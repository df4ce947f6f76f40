package types

import (
	"context"
	"errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
)

// VerifiedBatch is what x/rollups tells other modules about a batch whose
// proof verified: x/crossrollup pays its withdrawals and routes its
// messages, x/rewards records the work.
type VerifiedBatch struct {
	RollupID  string
	Index     uint64
	Submitter string
	Operators []string
	DataBytes uint64
	L2TxCount uint64
	Outbox    []protocol.OutboxEntry
	// InboxFrom and InboxTo are the inbox sequences the batch consumed,
	// [InboxFrom, InboxTo): the bridge recognises a refund the rollup could
	// not credit and sent back out, so that it does not bounce for ever.
	InboxFrom, InboxTo uint64
}

// RollupsHooks are implemented by modules that react to rollup events. A
// hook error fails the transaction that triggered it, so a batch whose
// outbox cannot be applied is not accepted. They are x/rollups' only way to
// the modules built after it (x/crossrollup, x/rewards), registered once
// with Keeper.SetHooks.
type RollupsHooks interface {
	AfterBatchVerified(ctx context.Context, batch VerifiedBatch) error
	AfterRollupFrozen(ctx context.Context, rollupID string) error
	// BeforeRollupDeregistered may veto an immediate deregistration: with
	// ErrBridgeLedgerNotEmpty while the rollup's users still hold bridged
	// funds (x/crossrollup), and x/rollups then winds an active rollup down
	// instead; any other error fails the message.
	BeforeRollupDeregistered(ctx context.Context, rollupID string) error
	// AfterRewardFundsCollected tells the reward pool (x/rewards) that
	// x/rollups' module account holds amt that belongs to it: a
	// registration or forced-inclusion fee, or a frozen rollup's slashed
	// bond, under source (RewardSource*). The pool moves it in; an error
	// fails the fee's message, or leaves the slashed bond escrowed.
	AfterRewardFundsCollected(ctx context.Context, amt sdk.Coins, source string) error
}

// MultiRollupsHooks calls several hooks in order.
type MultiRollupsHooks []RollupsHooks

// AfterBatchVerified calls every hook, stopping at the first error.
func (h MultiRollupsHooks) AfterBatchVerified(ctx context.Context, batch VerifiedBatch) error {
	for _, hook := range h {
		if err := hook.AfterBatchVerified(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}

// AfterRollupFrozen calls every hook and joins their errors.
func (h MultiRollupsHooks) AfterRollupFrozen(ctx context.Context, rollupID string) error {
	var errs []error
	for _, hook := range h {
		errs = append(errs, hook.AfterRollupFrozen(ctx, rollupID))
	}
	return errors.Join(errs...)
}

// BeforeRollupDeregistered calls every hook, stopping at the first veto.
func (h MultiRollupsHooks) BeforeRollupDeregistered(ctx context.Context, rollupID string) error {
	for _, hook := range h {
		if err := hook.BeforeRollupDeregistered(ctx, rollupID); err != nil {
			return err
		}
	}
	return nil
}

// AfterRewardFundsCollected calls every hook, stopping at the first error.
func (h MultiRollupsHooks) AfterRewardFundsCollected(ctx context.Context, amt sdk.Coins, source string) error {
	for _, hook := range h {
		if err := hook.AfterRewardFundsCollected(ctx, amt, source); err != nil {
			return err
		}
	}
	return nil
}
