package types

import (
	"bytes"
	"testing"

	errorsmod "cosmossdk.io/errors"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
)

// requireProtocolError fails unless err is a protocol error the chain
// reports with its codespace and code.
func requireProtocolError(t *testing.T, err error) {
	t.Helper()
	codespace, code, _ := errorsmod.ABCIInfo(err, false)
	require.Equal(t, protocol.Codespace, codespace, "untyped error: %v", err)
	require.Greater(t, code, uint32(1), "untyped error: %v", err)
}

// FuzzInboxMessage decodes a stored inbox message (protobuf, as the store
// and queries hold it) and checks that the commitment-level entry it
// yields stores back to the same message, hashes deterministically and
// that its sequence number is bound into the hash.
func FuzzInboxMessage(f *testing.F) {
	acc := protocol.InboxAccumulatorGenesis()
	for _, e := range []protocol.InboxEntry{
		{Kind: protocol.InboxKindDeposit, Sender: bytes.Repeat([]byte{0x11}, 20), Recipient: bytes.Repeat([]byte{0x22}, 32), Denom: "unat", Amount: protocol.NewUint128(1_000)},
		{Sequence: 7, Kind: protocol.InboxKindForcedTx, Sender: bytes.Repeat([]byte{0x11}, 20), Payload: []byte("forced transfer")},
		{Sequence: 1 << 40, Kind: protocol.InboxKindRefund, Sender: []byte("l2-a"), Recipient: []byte("l2-b"), SourceRollupID: "dex", Denom: "unat", Amount: protocol.Uint128{Hi: 3}},
	} {
		m := InboxMessageFromEntry(e, 12, protocol.FieldElementBytes(acc))
		bz, err := m.Marshal()
		require.NoError(f, err)
		f.Add(bz)
	}
	f.Add([]byte{0x3a, 0x02, '0', '1'}) // amount "01"

	f.Fuzz(func(t *testing.T, bz []byte) {
		var m InboxMessage
		if err := m.Unmarshal(bz); err != nil {
			return // not a message the store could hold
		}
		e, err := m.Entry()
		if err != nil {
			requireProtocolError(t, err)
			return
		}
		if err := e.Validate(); err != nil {
			requireProtocolError(t, err)
		}
		back := InboxMessageFromEntry(e, m.Height, m.Accumulator)
		// The deadline is the keeper's bookkeeping (queue-position
		// deadlines), like the height and the accumulator: not in the entry.
		back.Deadline = m.Deadline
		require.Equal(t, m.Amount, back.Amount, "amounts are canonical decimals")
		want, err := m.Marshal()
		require.NoError(t, err)
		got, err := back.Marshal()
		require.NoError(t, err)
		require.Equal(t, want, got)

		h1, h2 := e.Hash(), e.Hash()
		require.True(t, h1.Equal(&h2))
		next := e
		next.Sequence++
		h3 := next.Hash()
		require.False(t, h1.Equal(&h3), "the sequence number is bound into the hash")
		a1, a2 := protocol.InboxAccumulate(acc, e), protocol.InboxAccumulate(acc, next)
		require.False(t, a1.Equal(&a2))
	})
}
