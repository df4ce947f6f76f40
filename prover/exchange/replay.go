package exchange

import (
	"fmt"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

// Replay applies a foreign batch's posted data to accounts and the pool
// using only what the chain keeps (the data and the consumed inbox entries,
// in order), as a follower, an exodus tool or an indexer rebuilds the
// state. It trusts the data (the proof verified it) and returns the number
// of inbox entries the batch consumed.
func Replay(accounts map[uint32]*exchangev1.Account, pool *exchangev1.Pool, data []byte, inbox []protocol.InboxEntry) (int, error) {
	records, err := DecodeData(data)
	if err != nil {
		return 0, err
	}
	consumed := 0
	for _, r := range records {
		a := &exchangev1.Account{}
		if r.Kind <= KindCredit { // kinds that use an account
			if accounts[r.Account] == nil {
				accounts[r.Account] = a
			}
			a = accounts[r.Account]
		}
		if r.Kind >= KindCredit {
			if consumed >= len(inbox) {
				return 0, fmt.Errorf("%w: replay ran out of inbox entries", ErrData)
			}
			consumed++
		}
		if r.Kind == KindCredit && !exists(*a) {
			if a.Key, err = paymentsv1.ParseAddress(inbox[consumed-1].Recipient); err != nil {
				return 0, err
			}
		}
		applyRecord(a, pool, r)
	}
	return consumed, nil
}
