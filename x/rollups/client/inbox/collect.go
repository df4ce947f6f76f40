package inbox

import (
	"bytes"
	"context"
	"fmt"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// Pager returns up to limit inbox messages of one rollup, in sequence
// order, starting at sequence from (a client of the inbox query).
type Pager func(ctx context.Context, from, limit uint64) ([]types.InboxMessage, error)

// CollectConsumed fetches, through page in pages of at most pageSize,
// the inbox messages batch b consumed ([b.InboxFrom, b.InboxTo)) and checks
// that they end at the accumulator the chain recorded for the batch, so a
// node that serves other messages is caught. Off-chain code (operators
// following each other, wallets rebuilding a state for exodus) uses it to
// replay posted batches.
func CollectConsumed(ctx context.Context, b types.Batch, pageSize uint64, page Pager) ([]types.InboxMessage, error) {
	if pageSize == 0 {
		return nil, fmt.Errorf("inbox of batch %d: page size must be positive", b.Index)
	}
	var msgs []types.InboxMessage
	for from := b.InboxFrom; from < b.InboxTo; {
		got, err := page(ctx, from, min(b.InboxTo-from, pageSize))
		if err != nil {
			return nil, fmt.Errorf("inbox of batch %d: %w", b.Index, err)
		}
		if len(got) == 0 {
			return nil, fmt.Errorf("the chain returned no inbox message at %d for batch %d", from, b.Index)
		}
		for _, m := range got {
			if from < b.InboxTo && m.Sequence == from {
				msgs = append(msgs, m)
				from++
			}
		}
	}
	if n := len(msgs); n > 0 && !bytes.Equal(msgs[n-1].Accumulator, b.InboxAccumulatorAfter) {
		return nil, fmt.Errorf("the inbox messages of batch %d do not end at its accumulator", b.Index)
	}
	return msgs, nil
}
