package exchange

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
)

func TestCircuit_SmokeDepositAddSwap(t *testing.T) {
	f := newFixture(t, 4)
	b := f.build([]protocol.InboxEntry{f.deposit(0, "unat", 1_000_000), f.deposit(0, "uusdc", 2_000_000)},
		f.tx(0, Tx{Kind: KindAdd, Amount1: big10(100_000), Amount2: big10(200_000), Min1: big10(1)}))
	require.Empty(t, b.Rejected)
	require.NoError(t, solved(t, f.p, b))
	payload, err := exchangev1.NewSwapCall("uusdc", big10(1), "payments", make([]byte, 32)).Encode()
	require.NoError(t, err)
	b = f.build([]protocol.InboxEntry{f.call(protocol.InboxKindCrossRollupMessage, "unat", 1000, payload)},
		f.tx(0, Tx{Kind: KindSwap, Amount1: big10(5000), Min1: big10(1)}),
		f.tx(0, Tx{Kind: KindWithdraw, Side: 1, Amount1: big10(7), Nonce: 1, Recipient: []byte("l1-recipient")}))
	require.Empty(t, b.Rejected)
	require.Len(t, b.Outbox, 2)
	require.NoError(t, solved(t, f.p, b))
}

// With one call-capable slot, a second call swap waits for the next batch
// (the inbox stops there), a call that is refunded does not, and only slot
// 0 may be a call swap.
func TestCallSlots_OnlyTheFirstSlotsTakeCallSwaps(t *testing.T) {
	f := newFixture(t, 4)
	f.build([]protocol.InboxEntry{f.deposit(0, "unat", 1_000_000), f.deposit(0, "uusdc", 2_000_000)},
		f.tx(0, Tx{Kind: KindAdd, Amount1: big10(100_000), Amount2: big10(200_000)}))
	f.p.CallSlots, f.s.p.CallSlots = 1, 1
	pl := func(min int64) []byte {
		b, err := exchangev1.NewSwapCall("uusdc", big10(min), "payments", make([]byte, 32)).Encode()
		require.NoError(t, err)
		return b
	}
	inbox := []protocol.InboxEntry{f.call(protocol.InboxKindCrossRollupMessage, "unat", 1000, pl(1)),
		f.call(protocol.InboxKindCrossRollupMessage, "unat", 1000, pl(1_000_000)), // refunded: no call slot needed
		f.call(protocol.InboxKindCrossRollupMessage, "unat", 1000, pl(1))}
	b := f.build(inbox, f.tx(0, Tx{Kind: KindSwap, Amount1: big10(10)}))
	require.EqualValues(t, 2, b.InboxConsumed)
	require.Equal(t, []int{0}, b.Included)
	require.Len(t, b.Assignment.(*Circuit).Calls, 1)
	require.NoError(t, solved(t, f.p, b))
	// slot 1 (the refund) dressed as a call swap is refused
	c := b.Assignment.(*Circuit)
	c.Slots[1].IsKind[KindRefund], c.Slots[1].IsKind[KindCallSwap] = 0, 1
	rewrite(&c.Slots[1])
	requireFailsIn(t, solved(t, f.p, b), "slot")
}
