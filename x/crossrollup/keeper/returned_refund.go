package keeper

import (
	"bytes"
	"context"

	"github.com/nativechain/nativechain/protocol"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// consumedRefunds are the refund entries (kind 5) a verified batch
// consumed, read once per batch and only if a message of its outbox
// bounces with value.
//
// A rollup that cannot credit a refund's recipient may send it back out
// to the refund's source (payments does, for kinds 2 and 5: bounce-out).
// If that source takes nothing (gone, frozen, paused, or the sender's
// outflow cap is reached), the chain would bounce it into the rollup's
// inbox again, the same entry, and so on at every batch: an attacker's
// junk rollup that routes value with garbage addresses and then
// deregisters (its bond returned) would occupy two slots of every batch of
// its victim for ever per unit routed. A returned refund is therefore not
// bounced again but credited to its recipient for exit (the value stays in
// the rollup's ledger), like a refund the rollup's inbox refuses.
type consumedRefunds struct {
	batch   rollupstypes.VerifiedBatch
	loaded  bool
	entries []protocol.InboxEntry
}

func newConsumedRefunds(batch rollupstypes.VerifiedBatch) *consumedRefunds {
	return &consumedRefunds{batch: batch}
}

// returns reports whether e sends back to its source a refund this batch
// consumed (and not yet matched by an earlier entry of the outbox): same
// source and destination, sender and recipient swapped, same denom and
// amount. Reading the consumed entries costs KV gas, at
// most once per batch, bounded by what the batch consumed.
func (c *consumedRefunds) returns(ctx context.Context, k Keeper, e protocol.OutboxEntry) (bool, error) {
	if c == nil {
		return false, nil
	}
	if !c.loaded {
		c.loaded = true
		for seq := c.batch.InboxFrom; seq < c.batch.InboxTo; seq++ {
			m, err := k.rollupsKeeper.GetInboxMessage(ctx, c.batch.RollupID, seq)
			if err != nil {
				return false, err
			}
			if m.Kind != uint32(protocol.InboxKindRefund) {
				continue
			}
			in, err := m.Entry()
			if err != nil {
				continue // not an entry this batch could have returned
			}
			c.entries = append(c.entries, in)
		}
	}
	for i, in := range c.entries {
		if in.SourceRollupID == e.DestRollupID && bytes.Equal(in.Recipient, e.Sender) &&
			bytes.Equal(in.Sender, e.Recipient) && in.Denom == e.Denom && in.Amount == e.Amount {
			// each consumed refund is returned at most once
			c.entries = append(c.entries[:i], c.entries[i+1:]...)
			return true, nil
		}
	}
	return false, nil
}
