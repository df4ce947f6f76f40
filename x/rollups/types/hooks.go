package types

import (
	"context"
	"errors"

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
// outbox cannot be applied is not accepted.
type RollupsHooks interface {
	AfterBatchVerified(ctx context.Context, batch VerifiedBatch) error
	AfterRollupFrozen(ctx context.Context, rollupID string) error
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

// BridgeLedger reports whether a rollup still holds bridged funds
// (implemented by x/crossrollup). Deregistration needs an empty ledger.
type BridgeLedger interface {
	RollupHoldsFunds(ctx context.Context, rollupID string) (bool, error)
}
