package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/nativechain/nativechain/x/rollups/types"
)

func TestQueryRollup(t *testing.T) {
	f := newFixture(t)
	registered := f.register(t, rollupID)

	res, err := f.queryServer.Rollup(f.ctx, &types.QueryRollupRequest{RollupId: rollupID})
	require.NoError(t, err)
	require.Equal(t, registered, res.Rollup)

	_, err = f.queryServer.Rollup(f.ctx, &types.QueryRollupRequest{RollupId: "unknown"})
	require.ErrorIs(t, err, types.ErrUnknownRollup)
	_, err = f.queryServer.Rollup(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
}

func TestQueryRollups_PaginatesInIDOrder(t *testing.T) {
	f := newFixture(t)
	for _, id := range []string{"delta", "alpha", "echo", "charlie", "bravo"} {
		f.register(t, id)
	}
	want := []string{"alpha", "bravo", "charlie", "delta", "echo"}

	// Follow next keys, two at a time.
	var got []string
	page := &query.PageRequest{Limit: 2, CountTotal: true}
	for i := 0; ; i++ {
		require.Less(t, i, 5, "pagination must end")
		res, err := f.queryServer.Rollups(f.ctx, &types.QueryRollupsRequest{Pagination: page})
		require.NoError(t, err)
		require.LessOrEqual(t, len(res.Rollups), 2)
		for _, r := range res.Rollups {
			got = append(got, r.Id)
		}
		if i == 0 {
			require.Equal(t, uint64(5), res.Pagination.Total)
		}
		if len(res.Pagination.NextKey) == 0 {
			break
		}
		page = &query.PageRequest{Key: res.Pagination.NextKey, Limit: 2}
	}
	require.Equal(t, want, got)

	// Offsets, and no pagination at all.
	res, err := f.queryServer.Rollups(f.ctx, &types.QueryRollupsRequest{Pagination: &query.PageRequest{Offset: 3, Limit: 10}})
	require.NoError(t, err)
	require.Len(t, res.Rollups, 2)
	require.Equal(t, "delta", res.Rollups[0].Id)
	res, err = f.queryServer.Rollups(f.ctx, nil)
	require.NoError(t, err)
	require.Len(t, res.Rollups, 5)
}

func TestQueryBatchAndLatestBatch(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)

	_, err := f.queryServer.LatestBatch(f.ctx, &types.QueryLatestBatchRequest{RollupId: rollupID})
	require.ErrorIs(t, err, types.ErrUnknownBatch, "no batch yet")
	_, err = f.queryServer.Batch(f.ctx, &types.QueryBatchRequest{RollupId: rollupID, Index: 1})
	require.ErrorIs(t, err, types.ErrUnknownBatch)

	first := f.submit(t, rollupID)
	second := f.submit(t, rollupID)

	res, err := f.queryServer.Batch(f.ctx, &types.QueryBatchRequest{RollupId: rollupID, Index: 1})
	require.NoError(t, err)
	require.Equal(t, first.NewStateRoot, res.Batch.NewStateRoot)
	latest, err := f.queryServer.LatestBatch(f.ctx, &types.QueryLatestBatchRequest{RollupId: rollupID})
	require.NoError(t, err)
	require.Equal(t, uint64(2), latest.Batch.Index)
	require.Equal(t, second.NewStateRoot, latest.Batch.NewStateRoot)

	for _, tc := range []struct {
		name    string
		call    func() error
		wantErr error
	}{
		{"batch not yet submitted", func() error {
			_, err := f.queryServer.Batch(f.ctx, &types.QueryBatchRequest{RollupId: rollupID, Index: 3})
			return err
		}, types.ErrUnknownBatch},
		{"batch zero", func() error {
			_, err := f.queryServer.Batch(f.ctx, &types.QueryBatchRequest{RollupId: rollupID, Index: 0})
			return err
		}, types.ErrUnknownBatch},
		{"batch of an unknown rollup", func() error {
			_, err := f.queryServer.Batch(f.ctx, &types.QueryBatchRequest{RollupId: "unknown", Index: 1})
			return err
		}, types.ErrUnknownBatch},
		{"latest batch of an unknown rollup", func() error {
			_, err := f.queryServer.LatestBatch(f.ctx, &types.QueryLatestBatchRequest{RollupId: "unknown"})
			return err
		}, types.ErrUnknownRollup},
		{"nil batch request", func() error { _, err := f.queryServer.Batch(f.ctx, nil); return err }, types.ErrInvalidRequest},
		{"nil latest batch request", func() error { _, err := f.queryServer.LatestBatch(f.ctx, nil); return err }, types.ErrInvalidRequest},
	} {
		t.Run(tc.name, func(t *testing.T) { require.ErrorIs(t, tc.call(), tc.wantErr) })
	}
}

func TestQueryInbox_PagesByFromAndLimit(t *testing.T) {
	f := newFixture(t)
	f.register(t, rollupID)
	f.appendInbox(t, rollupID, 101)
	in := defaultInput(1)
	in.inboxConsumed = 2
	_, err := f.msgServer.SubmitBatch(f.ctx, f.batchMsg(t, rollupID, in))
	require.NoError(t, err)

	tests := []struct {
		name     string
		from     uint64
		limit    uint64
		wantSeqs []uint64 // first and last sequence returned, or nil for none
		wantLen  int
	}{
		{"default limit", 0, 0, []uint64{0, 99}, 100},
		{"a window", 1, 2, []uint64{1, 2}, 2},
		{"the tail", 99, 10, []uint64{99, 100}, 2},
		{"past the end", 101, 10, nil, 0},
		{"far past the end", 1 << 62, 10, nil, 0},
		{"the largest limit", 0, 1000, []uint64{0, 100}, 101},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := f.queryServer.Inbox(f.ctx, &types.QueryInboxRequest{RollupId: rollupID, From: tc.from, Limit: tc.limit})
			require.NoError(t, err)
			require.Equal(t, uint64(101), res.InboxSize)
			require.Equal(t, uint64(2), res.InboxConsumed)
			require.Len(t, res.Messages, tc.wantLen)
			for i, m := range res.Messages {
				require.Equal(t, tc.from+uint64(i), m.Sequence, "contiguous from `from`")
			}
			if tc.wantSeqs != nil {
				require.Equal(t, tc.wantSeqs, []uint64{res.Messages[0].Sequence, res.Messages[len(res.Messages)-1].Sequence})
			}
		})
	}

	_, err = f.queryServer.Inbox(f.ctx, &types.QueryInboxRequest{RollupId: rollupID, Limit: 1001})
	require.ErrorIs(t, err, types.ErrInvalidRequest, "limit over 1000")
	_, err = f.queryServer.Inbox(f.ctx, &types.QueryInboxRequest{RollupId: "unknown"})
	require.ErrorIs(t, err, types.ErrUnknownRollup)
	_, err = f.queryServer.Inbox(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
}
