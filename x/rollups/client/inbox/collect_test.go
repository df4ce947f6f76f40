package inbox_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/rollups/client/inbox"
	"github.com/nativechain/nativechain/x/rollups/types"
)

func TestCollectConsumed(t *testing.T) {
	// A stored inbox of 7 messages; each accumulator names its sequence.
	stored := make([]types.InboxMessage, 7)
	for i := range stored {
		stored[i] = types.InboxMessage{Sequence: uint64(i), Accumulator: []byte{byte(i), 0xac}}
	}
	serve := func(ctx context.Context, from, limit uint64) ([]types.InboxMessage, error) {
		if from >= uint64(len(stored)) {
			return nil, nil
		}
		return stored[from:min(from+limit, uint64(len(stored)))], nil
	}
	batch := types.Batch{Index: 3, InboxFrom: 2, InboxTo: 6, InboxAccumulatorAfter: []byte{5, 0xac}}
	boom := errors.New("node down")

	tests := []struct {
		name    string
		batch   types.Batch
		page    inbox.Pager
		size    uint64
		wantSeq []uint64
		wantErr string
	}{
		{name: "one page", batch: batch, page: serve, size: 100, wantSeq: []uint64{2, 3, 4, 5}},
		{name: "pages of one", batch: batch, page: serve, size: 1, wantSeq: []uint64{2, 3, 4, 5}},
		{name: "nothing consumed", batch: types.Batch{Index: 1, InboxFrom: 4, InboxTo: 4}, page: serve, size: 10},
		{
			name: "a node that returns more than asked keeps only the range", batch: batch, size: 2,
			page:    func(ctx context.Context, from, _ uint64) ([]types.InboxMessage, error) { return serve(ctx, from, 100) },
			wantSeq: []uint64{2, 3, 4, 5},
		},
		{
			name: "wrong accumulator", size: 10, page: serve,
			batch:   types.Batch{Index: 3, InboxFrom: 2, InboxTo: 6, InboxAccumulatorAfter: []byte{4, 0xac}},
			wantErr: "do not end at its accumulator",
		},
		{
			name: "a gap in what the node serves", batch: batch, size: 10, wantErr: "no inbox message at 2",
			page: func(ctx context.Context, from, limit uint64) ([]types.InboxMessage, error) { return nil, nil },
		},
		{
			name: "node error", batch: batch, size: 10, wantErr: "node down",
			page: func(context.Context, uint64, uint64) ([]types.InboxMessage, error) { return nil, boom },
		},
		{name: "zero page size", batch: batch, page: serve, size: 0, wantErr: "page size"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := inbox.CollectConsumed(context.Background(), tc.batch, tc.size, tc.page)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			seqs := make([]uint64, 0, len(got))
			for _, m := range got {
				seqs = append(seqs, m.Sequence)
			}
			require.Equal(t, len(tc.wantSeq), len(seqs))
			if len(tc.wantSeq) > 0 {
				require.Equal(t, tc.wantSeq, seqs)
			}
		})
	}
}
