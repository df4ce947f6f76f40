package protocol

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// OutboxEntryCount is what a batch pays OutboxEntryGas for before its
// outbox is decoded: the declared count of an outbox DecodeOutbox accepts,
// and more than MaxOutboxEntries for one it refuses at the count.
func TestOutboxEntryCount(t *testing.T) {
	two, err := EncodeOutbox(exampleOutbox())
	require.NoError(t, err)
	tests := []struct {
		name string
		bz   []byte
		want uint64
	}{
		{"empty outbox", nil, 0},
		{"two entries", two, 2},
		{"count over the cap", binary.AppendUvarint(nil, MaxOutboxEntries+5), MaxOutboxEntries + 1},
		{"huge count", binary.AppendUvarint(nil, 1<<40), MaxOutboxEntries + 1},
		{"truncated varint", []byte{0x80}, MaxOutboxEntries + 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, OutboxEntryCount(tc.bz))
		})
	}
}
