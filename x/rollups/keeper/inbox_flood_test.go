package keeper_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// l1Call is the entry a value-less MsgSendMessage appends (inbox kind 3).
func l1Call(n uint64) protocol.InboxEntry {
	return protocol.InboxEntry{Kind: protocol.InboxKindL1Call, Sender: bytes.Repeat([]byte{0x33}, 20), Payload: []byte{byte(n)}}
}

// consume submits the rollup's next batch consuming n inbox messages.
func (f fixture) consume(t testing.TB, id string, n uint64) {
	t.Helper()
	in := defaultInput(f.rollup(t, id).NextBatchIndex)
	in.inboxConsumed = n
	_, err := f.msgServer.SubmitBatch(f.ctx, f.batchMsg(t, id, in))
	require.NoError(t, err)
}

// H2 (review 2026-12): 200 value-less L1 calls in one block, a 20-block
// deadline, and an honest operator consuming 4 entries in every block (80
// per deadline). Arrival-only deadlines froze it at height +21 with 84
// consumed and slashed its bond; queue-position deadlines give the entries
// beyond the rollup's rate later deadlines, so it never freezes.
func TestInboxFlood_ValuelessEntriesCannotFreezeAnHonestRollup(t *testing.T) {
	f, k, _ := livenessFixture(t)
	f.setParams(t, func(p *types.Params) {
		p.InboxDeadlineBlocks = 20
		p.PermissionlessAfterBlocks = 20
		setInboxRate(p, 80) // the operator's rate: 4 per block
	})
	f.register(t, rollupID)
	h0 := f.ctx.BlockHeight()
	for i := uint64(0); i < 200; i++ {
		_, err := f.keeper.AppendInbox(f.ctx, rollupID, l1Call(i))
		require.NoError(t, err)
	}

	for h := h0 + 1; f.rollup(t, rollupID).InboxConsumed < 200; h++ {
		g := f.atHeight(h)
		g.consume(t, rollupID, min(4, 200-g.rollup(t, rollupID).InboxConsumed))
		require.NoError(t, k.EndBlock(g.ctx))
		r := g.rollup(t, rollupID)
		require.Equal(t, types.ROLLUP_STATUS_ACTIVE, r.Status, "frozen at height %d (+%d) with %d of 200 consumed, bond %s",
			h, h-h0, r.InboxConsumed, r.Bond)
	}
	r := f.rollup(t, rollupID)
	require.Equal(t, f.params(t).MinOperatorBond, r.Bond, "the bond is intact")
	require.Zero(t, r.InboxDeadline)
}

// A rollup that consumes nothing still freezes at its first entry's
// deadline, and one that consumes slower than its rate freezes when it
// falls behind the queue-position deadlines.
func TestInboxFlood_ACensoringOrSlowRollupStillFreezes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		perBlock uint64
	}{
		{"consumes nothing", 0},
		{"consumes 3 per block, rate 4", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, k, _ := livenessFixture(t)
			f.setParams(t, func(p *types.Params) {
				p.InboxDeadlineBlocks = 20
				p.PermissionlessAfterBlocks = 20
				setInboxRate(p, 80)
			})
			f.register(t, rollupID)
			h0 := f.ctx.BlockHeight()
			for i := uint64(0); i < 200; i++ {
				_, err := f.keeper.AppendInbox(f.ctx, rollupID, l1Call(i))
				require.NoError(t, err)
			}
			frozenAt := int64(0)
			for h := h0 + 1; h < h0+100 && frozenAt == 0; h++ {
				g := f.atHeight(h)
				if tc.perBlock > 0 {
					g.consume(t, rollupID, tc.perBlock)
				}
				require.NoError(t, k.EndBlock(g.ctx))
				if g.rollup(t, rollupID).Status == types.ROLLUP_STATUS_FROZEN {
					frozenAt = h
				}
			}
			require.Equal(t, h0+21, frozenAt, "frozen in the first EndBlock after the 80th entry's deadline")
			require.True(t, f.rollup(t, rollupID).Bond.IsZero(), "the censoring rollup's bond is slashed")
		})
	}
}

// setInboxRate sets the messages a rollup must consume per deadline window.
func setInboxRate(p *types.Params, perDeadline uint64) { p.InboxEntriesPerDeadline = perDeadline }
