package exchange

import (
	"fmt"
	"math/big"

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
		add := func(dst **big.Int, v *big.Int, sign int) {
			if sign < 0 {
				v = new(big.Int).Neg(v)
			}
			*dst = new(big.Int).Add(nz(*dst), v)
		}
		switch r.Kind {
		case KindCredit, KindCallSwap, KindRefund, KindSkip:
			if consumed >= len(inbox) {
				return 0, fmt.Errorf("%w: replay ran out of inbox entries", ErrData)
			}
			consumed++
		}
		switch r.Kind {
		case KindSwap, KindCallSwap:
			if r.Kind == KindSwap {
				add(balance(a, r.Side), r.V1, -1)
				add(balance(a, 1-r.Side), r.V2, 1)
			}
			applySwap(pool, r.Side, r.V1, r.V2)
		case KindAdd:
			add(&a.Base, r.V1, -1)
			add(&a.Quote, r.V2, -1)
			add(&a.Shares, r.V3, 1)
			add(&pool.ReserveBase, r.V1, 1)
			add(&pool.ReserveQuote, r.V2, 1)
			add(&pool.TotalShares, r.V3, 1)
		case KindRemove:
			add(&a.Shares, r.V1, -1)
			add(&a.Base, r.V2, 1)
			add(&a.Quote, r.V3, 1)
			add(&pool.TotalShares, r.V1, -1)
			add(&pool.ReserveBase, r.V2, -1)
			add(&pool.ReserveQuote, r.V3, -1)
		case KindWithdraw:
			add(balance(a, r.Side), r.V1, -1)
		case KindCredit:
			if !exists(*a) {
				if a.Key, err = paymentsv1.ParseAddress(inbox[consumed-1].Recipient); err != nil {
					return 0, err
				}
			}
			add(balance(a, r.Side), r.V1, 1)
		}
		if r.Kind >= KindSwap && r.Kind <= KindWithdraw {
			a.Nonce++
		}
	}
	return consumed, nil
}
