package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/nativechain/nativechain/x/rewards/types"
)

// BenchmarkEndBlockPayout measures one EndBlock of an epoch payout with 10,
// 1,000 and 10,000 operators in the epoch (default max_payouts_per_block,
// 200). Each op is one block, timed from EndBlock's start to its end; the
// store is committed between blocks, as on the chain. When a payout
// finishes, a new epoch with the same operators is recorded and made due
// outside the timer, so every timed block credits operators:
// min(n, 200) of them.
func BenchmarkEndBlockPayout(b *testing.B) {
	for _, n := range []int{10, 1_000, 10_000} {
		b.Run(fmt.Sprintf("operators=%d", n), func(b *testing.B) {
			f := newFixture(b, func(p *types.Params) { p.EpochLength = 1_000_000 })
			f.activeRollup("alpha")
			startEpoch := func() {
				// Fresh inflows, or the epoch would have nothing to pay.
				f.fundPool(b, 1_000_000_000_000, types.SourceBridgeFee)
				for i := 0; i < n; i++ {
					require.NoError(b, f.batch(b, "alpha", addr(uint32(i)), 10, 1_000))
				}
				// Make the epoch due at this height.
				epoch, err := f.keeper.Epoch.Get(f.ctx)
				require.NoError(b, err)
				epoch.StartHeight = f.ctx.BlockHeight() - 1_000_000 + 1
				require.NoError(b, f.keeper.Epoch.Set(f.ctx, epoch))
				f.cms.Commit()
			}
			startEpoch()
			var gas uint64
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				meter := storetypes.NewInfiniteGasMeter()
				if err := f.keeper.EndBlock(f.ctx.WithGasMeter(meter)); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				gas += meter.GasConsumed()
				f.cms.Commit()
				f.ctx = f.ctx.WithBlockHeight(f.ctx.BlockHeight() + 1)
				if has, err := f.keeper.ActivePayout.Has(f.ctx); err != nil {
					b.Fatal(err)
				} else if !has {
					startEpoch()
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(gas)/float64(b.N), "gas/block")
		})
	}
}
