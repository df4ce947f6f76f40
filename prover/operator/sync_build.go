package operator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/rollupkit"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// errSyncBuild: the batch a round needs cannot be built now.
var errSyncBuild = errors.New("operator: cannot build the round's batch now")

// markFor is the round mark of a batch being built: mark (its provisional
// refs cut to the entries the batch consumed) for a round's batch; a
// caller's mark for an ordinary batch that sends a message to a rollup
// whose operator leads rounds; nil otherwise.
func (b *builder) markFor(mark *syncMark, bt *rollupkit.Batch, inboxFrom uint64) *syncMark {
	if mark != nil {
		end := inboxFrom + bt.InboxConsumed
		kept := mark.Provisional[:0]
		for _, p := range mark.Provisional {
			if p.Sequence < end {
				kept = append(kept, p)
			}
		}
		mark.Provisional = kept
		return mark
	}
	so := b.opts.Sync
	if so == nil {
		return nil
	}
	for _, e := range bt.Outbox {
		if e.Kind != protocol.OutboxKindCrossRollupMessage || e.DestRollupID == b.opts.RollupID {
			continue
		}
		if p, ok := so.Peers[e.DestRollupID]; ok && p.Leads {
			return &syncMark{Role: syncRoleCaller, LeaderRollup: e.DestRollupID}
		}
	}
	return nil
}

// buildSync builds, now, the batch a round needs: it consumes the chain's
// waiting inbox entries of this rollup, then the provisional ones (the
// entries the bundle's earlier batches will append, predicted by
// syncv1.Predictor, sequences right after the chain's), with the pending
// transactions. It returns the batch's index. The batch follows the
// unverified batches there are; a leader calls it with none.
func (b *builder) buildSync(ctx context.Context, provisional []protocol.InboxEntry, mark *syncMark) (uint64, error) {
	if len(provisional) == 0 {
		return 0, fmt.Errorf("%w: no provisional inbox entries", errSyncBuild)
	}
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	index := b.store.nextIndex()
	from, before, err := b.inboxPosition(qctx)
	if err != nil {
		return 0, err
	}
	first := provisional[0].Sequence
	if first < from {
		return 0, fmt.Errorf("%w: provisional entries start at %d, before this rollup's inbox position %d", errSyncBuild, first, from)
	}
	slots := uint64(b.kind.Summary().Slots)
	if first-from >= slots {
		return 0, fmt.Errorf("%w: %d inbox entries wait before the provisional ones, over the %d slots", errSyncBuild, first-from, slots)
	}
	var msgs []types.InboxMessage
	if first > from {
		if msgs, err = b.chain.Inbox(qctx, b.opts.RollupID, from, first-from); err != nil {
			return 0, err
		}
		if uint64(len(msgs)) != first-from {
			return 0, fmt.Errorf("%w: the chain's inbox ends at %d, the provisional entries start at %d", errSyncBuild, from+uint64(len(msgs)), first)
		}
	}
	for i, e := range provisional {
		if e.Sequence != first+uint64(i) {
			return 0, fmt.Errorf("%w: provisional sequences not contiguous at %d", errSyncBuild, e.Sequence)
		}
		msgs = append(msgs, types.InboxMessageFromEntry(e, 0, nil))
		mark.Provisional = append(mark.Provisional, provisionalRef{Sequence: e.Sequence, Hash: entryHash(e)})
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.halt.why() != "" || !b.follower.submitting() {
		return 0, fmt.Errorf("%w: the pipeline is halted or standing by", errSyncBuild)
	}
	if b.store.inFlight() >= b.opts.MaxInFlight {
		return 0, fmt.Errorf("%w: %d batches in flight", errSyncBuild, b.store.inFlight())
	}
	if b.store.nextIndex() != index {
		return 0, fmt.Errorf("%w: the batch set moved", errSyncBuild)
	}
	if err := b.build(msgs, b.store.pendingEntries(), from, before, mark); err != nil {
		return 0, err
	}
	rec, ok := b.store.record(index)
	if !ok || rec.Sync == nil || len(rec.Sync.Provisional) == 0 {
		// The kind consumed none of the provisional entries (no slot
		// left): the batch is an ordinary one, nothing of the round is in it.
		if ok {
			b.store.setSync(rec, nil)
		}
		return 0, fmt.Errorf("%w: batch %d consumed none of the provisional entries", errSyncBuild, index)
	}
	return index, nil
}

// entryHash is the inbox entry's hash as the chain accumulates it.
func entryHash(e protocol.InboxEntry) []byte { return protocol.StateRootBytes(e.Hash()) }
