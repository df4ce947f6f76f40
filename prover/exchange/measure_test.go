package exchange

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
)

// Measurements for docs/PERFORMANCE.md (not run by default):
//
//	EXCHANGE_MEASURE=compile go test ./prover/exchange -run Measure -v   (depth 24, 16 slots; EXCHANGE_CALL_SLOTS)
//	EXCHANGE_MEASURE=prove   go test ./prover/exchange -run Measure -v   (depth 24, EXCHANGE_SLOTS swaps)
func TestMeasure(t *testing.T) {
	mode := os.Getenv("EXCHANGE_MEASURE")
	if mode == "" {
		t.Skip("set EXCHANGE_MEASURE=compile or prove")
	}
	slots, _ := strconv.Atoi(os.Getenv("EXCHANGE_SLOTS"))
	if slots == 0 {
		slots = 16
	}
	calls, _ := strconv.Atoi(os.Getenv("EXCHANGE_CALL_SLOTS")) // 0: every slot
	p := Params{Depth: 24, Slots: slots, CallSlots: calls}.WithDefaults()
	start := time.Now()
	if mode == "compile" {
		cs, err := Compile(p)
		require.NoError(t, err)
		t.Logf("depth 24, %d slots (%d call-capable): %d constraints, %d per slot, compiled in %s", slots, p.CallSlots, cs.GetNbConstraints(), cs.GetNbConstraints()/slots, time.Since(start))
		return
	}
	prover, err := NewDevProver(p)
	require.NoError(t, err)
	t.Logf("depth 24, %d slots: %d constraints, setup %s", slots, prover.CS.GetNbConstraints(), time.Since(start))
	f := newFixture(t, 2)
	f.p, f.s = p, mustOpen(t, p)
	b := f.build([]protocol.InboxEntry{f.deposit(0, "unat", 1_000_000_000), f.deposit(0, "uusdc", 1_000_000_000)})
	_ = b
	f.build(nil, f.tx(0, Tx{Kind: KindAdd, Amount1: big10(100_000_000), Amount2: big10(100_000_000)}))
	var txs []Tx
	for i := range slots {
		txs = append(txs, f.tx(0, Tx{Kind: KindSwap, Side: uint8(i % 2), Amount1: big10(1000), Nonce: uint32(i)}))
	}
	b = f.build(nil, txs...)
	require.Len(t, b.Included, slots)
	start = time.Now()
	_, err = prover.Prove(b)
	require.NoError(t, err)
	d := time.Since(start)
	t.Logf("proved %d swaps in %s: %.2f swaps/s", slots, d, float64(slots)/d.Seconds())
}
