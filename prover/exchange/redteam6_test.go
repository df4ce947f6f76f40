package exchange

import (
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/payments"
)

// Red team 6, R6-1: a call swap's output message carries a caller-chosen
// sender (the call entry's recipient). Sent to a payments rollup with a
// recipient that is not a key, the payments rollup bounces it back to the
// exchange, addressed to that sender; if the sender is not a key either,
// the exchange refunds it to the payments rollup again, which bounces it
// again: the same value goes round for ever, one exchange slot and two
// payments slots in every batch, for one dust swap. The chain's ping-pong
// guard (consumedRefunds) only catches refunds the chain made (kind 5):
// here both hops are ordinary routed messages (kind 2).
func TestRedTeam6_CallSwapOutputCannotPingPongWithAPaymentsRollup(t *testing.T) {
	f := seeded(t)
	pp := payments.Params{Depth: 4, Slots: 4, Denom: "uusdc"}.WithDefaults()
	ps, err := payments.OpenState(dbm.NewMemDB(), pp)
	require.NoError(t, err)

	// The attacker's L1 call: 1000 unat swapped to uusdc, delivered on
	// "payments" to 32 zero bytes (not a key); the entry's recipient (the
	// output's sender) is not a key either.
	call := f.call(protocol.InboxKindL1Call, "unat", 1000, payload(t, "uusdc", 1, "payments"))
	call.Recipient = []byte("not-a-key")
	var pSeq uint64
	pBatch := uint64(0)
	inFlight := f.build([]protocol.InboxEntry{call}).Outbox
	for round := 0; round < 4; round++ {
		var msgs []protocol.OutboxEntry
		for _, o := range inFlight {
			if o.Kind == protocol.OutboxKindCrossRollupMessage && !o.Amount.IsZero() {
				msgs = append(msgs, o)
			}
		}
		if len(msgs) == 0 {
			return // the value came to rest (credited or withdrawn to L1)
		}
		require.Less(t, round, 3, "red team 6 R6-1: the same value is still bouncing between the exchange and the payments rollup after %d rounds: %+v", round, msgs)
		// the chain routes each message into its destination's inbox
		var toPay, toDex []protocol.InboxEntry
		for _, o := range msgs {
			e := protocol.InboxEntry{Kind: protocol.InboxKindCrossRollupMessage, Sender: o.Sender, Recipient: o.Recipient,
				Denom: o.Denom, Amount: o.Amount, Payload: o.Payload}
			switch o.DestRollupID {
			case "payments":
				e.SourceRollupID, e.Sequence = testRollup, pSeq
				pSeq++
				toPay = append(toPay, e)
			case testRollup:
				e.SourceRollupID, e.Sequence = "payments", f.inbox
				f.inbox++
				toDex = append(toDex, e)
			}
		}
		inFlight = nil
		if len(toPay) > 0 {
			b, err := ps.BuildBatch(payments.BatchContext{ChainID: testChain, RollupID: "payments", BatchIndex: pBatch,
				Submitter: []byte("submitter"), InboxBefore: protocol.InboxAccumulatorGenesis()}, toPay, nil)
			require.NoError(t, err)
			pBatch++
			inFlight = append(inFlight, b.Outbox...)
		}
		if len(toDex) > 0 {
			inFlight = append(inFlight, f.build(toDex).Outbox...)
		}
	}
}
