package proof

import (
	collcodec "cosmossdk.io/collections/codec"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// The value codecs the keepers declare. Proven bytes are decoded only after
// Verify accepted them.
var (
	protoCodec                                                       = codec.NewProtoCodec(codectypes.NewInterfaceRegistry())
	rollupValueCodec collcodec.ValueCodec[rollupstypes.Rollup]       = codec.CollValue[rollupstypes.Rollup](protoCodec)
	inboxValueCodec  collcodec.ValueCodec[rollupstypes.InboxMessage] = codec.CollValue[rollupstypes.InboxMessage](protoCodec)
	ledgerValueCodec collcodec.ValueCodec[sdkmath.Int]               = sdk.IntValue
)

// DecodeRollup decodes a rollup record as the Rollups collection stores it.
func DecodeRollup(bz []byte) (rollupstypes.Rollup, error) { return rollupValueCodec.Decode(bz) }

// DecodeInboxMessage decodes an inbox entry as the Inbox collection stores it.
func DecodeInboxMessage(bz []byte) (rollupstypes.InboxMessage, error) {
	return inboxValueCodec.Decode(bz)
}

// DecodeLedger decodes an escrow amount as the Ledgers collection stores it.
func DecodeLedger(bz []byte) (sdkmath.Int, error) { return ledgerValueCodec.Decode(bz) }

// MessageStatus is where an inbox message stands, read from a proven
// rollup record.
type MessageStatus string

const (
	// StatusConsumed: a verified batch consumed the message (seq < inbox_consumed).
	StatusConsumed MessageStatus = "consumed"
	// StatusPending: the message is in the inbox and not consumed yet.
	StatusPending MessageStatus = "pending"
	// StatusNotAppended: no message with this sequence exists yet (seq >= inbox_size).
	StatusNotAppended MessageStatus = "not-appended"
	// StatusUnknownRollup: the rollup is not registered (its absence is proven).
	StatusUnknownRollup MessageStatus = "unknown-rollup"
)

// StatusOf gives the status of inbox message seq from the rollup record.
func StatusOf(r rollupstypes.Rollup, seq uint64) MessageStatus {
	switch {
	case seq < r.InboxConsumed:
		return StatusConsumed
	case seq < r.InboxSize:
		return StatusPending
	default:
		return StatusNotAppended
	}
}
