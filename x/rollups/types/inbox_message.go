package types

import "github.com/nativechain/nativechain/protocol"

// InboxMessageFromEntry stores an entry with its arrival height and the
// accumulator after it.
func InboxMessageFromEntry(e protocol.InboxEntry, height int64, acc []byte) InboxMessage {
	return InboxMessage{
		Sequence:       e.Sequence,
		Kind:           uint32(e.Kind),
		Sender:         e.Sender,
		Recipient:      e.Recipient,
		SourceRollupId: e.SourceRollupID,
		Denom:          e.Denom,
		Amount:         e.Amount.String(),
		Payload:        e.Payload,
		Height:         height,
		Accumulator:    acc,
	}
}

// Entry returns the commitment-level entry of a stored message.
func (m InboxMessage) Entry() (protocol.InboxEntry, error) {
	amount, err := protocol.ParseUint128(m.Amount)
	if err != nil {
		return protocol.InboxEntry{}, err
	}
	return protocol.InboxEntry{
		Sequence:       m.Sequence,
		Kind:           protocol.InboxKind(m.Kind),
		Sender:         m.Sender,
		Recipient:      m.Recipient,
		SourceRollupID: m.SourceRollupId,
		Denom:          m.Denom,
		Amount:         amount,
		Payload:        m.Payload,
	}, nil
}
