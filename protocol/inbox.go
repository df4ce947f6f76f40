package protocol

import "github.com/consensys/gnark-crypto/ecc/bn254/fr"

// InboxKind says where an inbox entry comes from.
type InboxKind uint32

const (
	InboxKindUnspecified        InboxKind = 0 // invalid
	InboxKindDeposit            InboxKind = 1 // L1 account -> L2 recipient, with value
	InboxKindCrossRollupMessage InboxKind = 2 // appended by another rollup's outbox
	InboxKindL1Call             InboxKind = 3 // L1-originated call, value optional
	InboxKindForcedTx           InboxKind = 4 // a user-forced L2 transaction (censorship resistance)
	InboxKindRefund             InboxKind = 5 // a cross-rollup message bounced back to its sender
)

// String names the kind.
func (k InboxKind) String() string {
	switch k {
	case InboxKindDeposit:
		return "deposit"
	case InboxKindCrossRollupMessage:
		return "cross-rollup-message"
	case InboxKindL1Call:
		return "l1-call"
	case InboxKindForcedTx:
		return "forced-tx"
	case InboxKindRefund:
		return "refund"
	default:
		return "unspecified"
	}
}

// InboxEntry is one message in a rollup's append-only inbox on the base
// chain. Sequence numbers start at 0 for each rollup and are contiguous.
type InboxEntry struct {
	Sequence uint64
	Kind     InboxKind
	// Sender is the L1 account for deposits, calls and forced transactions,
	// the L2 sender on the source rollup for cross-rollup messages, and the
	// intended L2 recipient on the unreachable rollup for refunds.
	Sender []byte
	// Recipient is the L2 recipient; optional for L1 calls and forced txs.
	// On a refund it is the L2 account that sent the bounced message.
	Recipient []byte
	// SourceRollupID is set only on cross-rollup messages (the sending
	// rollup) and refunds (the rollup that could not take the message).
	SourceRollupID string
	Denom          string
	Amount         Uint128
	Payload        []byte
}

// Validate applies the per-kind rules:
//
//	deposit:        sender, recipient, amount > 0 with a valid denom
//	cross-rollup:   source rollup id, sender, recipient; value optional
//	l1-call:        sender; recipient and value optional
//	forced-tx:      sender and a non-empty payload; no value
//	refund:         source rollup id, sender, recipient; value and payload optional
//
// and the size bounds of the encoding. Hash does not call Validate: it is
// defined for every value, so that a stored entry always hashes.
func (e InboxEntry) Validate() error {
	switch e.Kind {
	case InboxKindDeposit, InboxKindCrossRollupMessage, InboxKindL1Call, InboxKindForcedTx, InboxKindRefund:
	default:
		return ErrUnknownInboxKind.Wrapf("%d", uint32(e.Kind))
	}
	if err := validateAddress("sender", e.Sender, true); err != nil {
		return err
	}
	routed := e.Kind == InboxKindCrossRollupMessage || e.Kind == InboxKindRefund
	recipientRequired := e.Kind == InboxKindDeposit || routed
	if err := validateAddress("recipient", e.Recipient, recipientRequired); err != nil {
		return err
	}
	if routed {
		if err := ValidateRollupID(e.SourceRollupID); err != nil {
			return err
		}
	} else if e.SourceRollupID != "" {
		return ErrInvalidInboxEntry.Wrapf("%s entry carries a source rollup id", e.Kind)
	}
	if err := validateValue(e.Amount, e.Denom); err != nil {
		return err
	}
	switch e.Kind {
	case InboxKindDeposit:
		if e.Amount.IsZero() {
			return ErrInvalidInboxEntry.Wrap("deposit of zero")
		}
	case InboxKindForcedTx:
		if !e.Amount.IsZero() {
			return ErrInvalidInboxEntry.Wrap("forced transaction carries value")
		}
		if len(e.Payload) == 0 {
			return ErrInvalidInboxEntry.Wrap("forced transaction without payload")
		}
	}
	return validatePayload(e.Payload)
}

// Hash is the entry's field-element hash:
//
//	H(TagInboxEntry; seq*2^160 + kind*2^128 + amount,
//	  AddressDigest(sender), AddressDigest(recipient),
//	  RollupIDDigest(sourceRollupID), DenomDigest(denom),
//	  PayloadDigest(payload))
func (e InboxEntry) Hash() fr.Element {
	return Chain(tagInboxEntry,
		packHeader(e.Sequence, uint32(e.Kind), e.Amount),
		AddressDigest(e.Sender),
		AddressDigest(e.Recipient),
		RollupIDDigest(e.SourceRollupID),
		DenomDigest(e.Denom),
		PayloadDigest(e.Payload),
	)
}

// InboxAccumulatorGenesis is acc_0, the accumulator of an empty inbox:
// H(TagInboxGenesis; 0).
func InboxAccumulatorGenesis() fr.Element {
	var zero fr.Element
	return Chain(tagInboxGenesis, zero)
}

// InboxAccumulate extends the running inbox hash by one entry:
// acc_{n+1} = H(TagInbox; acc_n, entry.Hash()).
func InboxAccumulate(prev fr.Element, e InboxEntry) fr.Element {
	return Chain(tagInbox, prev, e.Hash())
}
