package proof

import (
	"cosmossdk.io/collections"

	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Store names, as mounted in the app's multistore and as used in the
// `/store/<name>/key` query path and in the proof's key path.
const (
	RollupsStore     = rollupstypes.StoreKey
	CrossrollupStore = crossrolluptypes.StoreKey
)

// The key codecs the keepers declare for these collections. A test writes
// through the real keepers and compares the raw bytes, so a change of prefix
// or codec there fails here instead of silently breaking every proof.
var (
	rollupKeyCodec = collections.StringKey
	inboxKeyCodec  = collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)
	ledgerKeyCodec = collections.PairKeyCodec(collections.StringKey, collections.StringKey)
)

// RollupKey is the raw key of a rollup record in the rollups store
// (Rollups collection, key rollup id).
func RollupKey(rollupID string) ([]byte, error) {
	if rollupID == "" {
		return nil, ErrInvalidKey.Wrap("empty rollup id")
	}
	return collections.EncodeKeyWithPrefix(rollupstypes.RollupsKey.Bytes(), rollupKeyCodec, rollupID)
}

// InboxKey is the raw key of inbox entry seq of a rollup in the rollups
// store (Inbox collection, key (rollup id, sequence)).
func InboxKey(rollupID string, seq uint64) ([]byte, error) {
	if rollupID == "" {
		return nil, ErrInvalidKey.Wrap("empty rollup id")
	}
	return collections.EncodeKeyWithPrefix(rollupstypes.InboxKey.Bytes(), inboxKeyCodec, collections.Join(rollupID, seq))
}

// LedgerKey is the raw key of a rollup's escrow ledger for one denom in the
// crossrollup store (Ledgers collection, key (rollup id, denom)).
func LedgerKey(rollupID, denom string) ([]byte, error) {
	if rollupID == "" || denom == "" {
		return nil, ErrInvalidKey.Wrapf("rollup id %q, denom %q: both are required", rollupID, denom)
	}
	return collections.EncodeKeyWithPrefix(crossrolluptypes.LedgersKey.Bytes(), ledgerKeyCodec, collections.Join(rollupID, denom))
}
