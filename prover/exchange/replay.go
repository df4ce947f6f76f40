package exchange

import (
	"fmt"
	"slices"

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

// ApplyData is a follower's replay of a foreign batch onto the state: it
// loads the accounts the records touch and the pool, runs Replay, checks
// every range and only then writes, in index order, and returns the number
// of inbox entries consumed. The caller compares Root with the chain's new
// root; the tree writes leaf by leaf, so a caller that needs the batch to
// land atomically gives the state a buffered database.
func (s *State) ApplyData(data []byte, inbox []protocol.InboxEntry) (int, error) {
	records, err := DecodeData(data)
	if err != nil {
		return 0, err
	}
	accounts := map[uint32]*exchangev1.Account{}
	var indices []uint32
	for _, r := range records {
		if r.Kind > KindCredit || accounts[r.Account] != nil {
			continue
		}
		if uint64(r.Account) >= s.tree.Capacity() {
			return 0, fmt.Errorf("%w: account %d beyond the tree", ErrData, r.Account)
		}
		a, err := s.Account(r.Account)
		if err != nil {
			return 0, err
		}
		accounts[r.Account], indices = &a, append(indices, r.Account)
	}
	pool, err := s.Pool()
	if err != nil {
		return 0, err
	}
	n, err := Replay(accounts, &pool, data, inbox)
	if err != nil {
		return 0, err
	}
	slices.Sort(indices)
	for _, i := range indices {
		if a := accounts[i]; !fits(a.Base, a.Quote, a.Shares) || !exists(*a) {
			return 0, fmt.Errorf("%w: account %d out of range after the batch", ErrData, i)
		}
	}
	if !fits(pool.ReserveBase, pool.ReserveQuote, pool.TotalShares) {
		return 0, fmt.Errorf("%w: pool out of range after the batch", ErrData)
	}
	for _, i := range indices {
		if err := s.setAccount(i, *accounts[i]); err != nil {
			return 0, err
		}
	}
	return n, s.setPool(pool)
}
