package operator

import (
	"math/big"

	dbm "github.com/cosmos/cosmos-db"
)

// A full mempool is a fee market, not a queue (outside review of M4): with
// max_pending_per_account alone, k accounts hold k x 64 places at min_fee
// each (157 accounts at the defaults, 1 unat a transaction), and every
// honest transaction, whatever it pays, was refused with mempool_full
// until the spam drained. When the mempool is full, a transaction that
// pays more than the cheapest evictable one takes its place.

// evictable is the pending transaction a new one from sender paying fee
// would replace in a full mempool, or nil: the cheapest (the newest among
// equals) of the transactions no batch holds yet that are the last of
// their own sender (so no accepted nonce is left without its
// predecessor), from another sender and not crediting sender (a transfer
// to it), paying strictly less. pending are the mempool's transactions no
// batch holds.
func evictable(pending []*mempoolEntry, sender string, fee *big.Int) *mempoolEntry {
	last := map[string]*mempoolEntry{}
	for _, e := range pending {
		if cur, ok := last[e.sender()]; !ok || e.Seq > cur.Seq {
			last[e.sender()] = e
		}
	}
	var victim *mempoolEntry
	var victimFee *big.Int
	for from, e := range last {
		if from == sender || credits(e, sender) {
			continue // never one the new transaction follows or may spend
		}
		f := entryFee(e)
		if f.Cmp(fee) >= 0 {
			continue
		}
		if victim == nil || f.Cmp(victimFee) < 0 || (f.Cmp(victimFee) == 0 && e.Seq > victim.Seq) {
			victim, victimFee = e, f
		}
	}
	return victim
}

// evict records e as rejected in b (store.accept removes it from memory
// once b is written).
func evict(b dbm.Batch, e *mempoolEntry) error {
	if err := b.Delete(mempoolKey(e.Seq)); err != nil {
		return err
	}
	return setJSON(b, txFinalKey(e.ID), txFinal{Status: "rejected",
		Reason: "evicted: the mempool was full and a transaction paying a higher fee took its place"})
}

// dropEvicted takes e, which the store evicted, out of the builder's view.
// Caller holds the builder's mu.
func (b *builder) dropEvicted(e *mempoolEntry) {
	b.log.Info("evicted the cheapest pending transaction for a higher fee", "id", e.ID, "from", e.sender(), "fee", entryFee(e))
	b.recomputeView()
}

// byFee picks up to n of the pending transactions (in acceptance order)
// for the next batch, the highest fee first, so that a transaction that
// outbid spam for its place is not then left behind all of it. Order is
// kept where it matters: a sender's transactions go in nonce order, a
// transaction waits for every earlier pending transaction crediting its
// sender (a transfer to it: it may spend it), and equal fees go in acceptance order.
func byFee(pending []*mempoolEntry, n int) []*mempoolEntry {
	if n > len(pending) {
		n = len(pending)
	}
	fees := make([]*big.Int, len(pending))
	for i, e := range pending {
		fees[i] = entryFee(e)
	}
	picked := make([]bool, len(pending))
	out := make([]*mempoolEntry, 0, n)
	for len(out) < n {
		// blocked: senders with an earlier unpicked transaction, or an
		// earlier unpicked transfer to them; pending is in acceptance order
		blocked := map[string]bool{}
		best := -1
		for i, e := range pending {
			if picked[i] {
				continue
			}
			if !blocked[e.sender()] && (best < 0 || fees[i].Cmp(fees[best]) > 0) {
				best = i
			}
			blocked[e.sender()] = true
			for _, c := range e.credits {
				blocked[c] = true
			}
		}
		if best < 0 {
			break
		}
		picked[best] = true
		out = append(out, pending[best])
	}
	return out
}

// entryFee is an entry's fee (zero when its transaction does not decode).
func entryFee(e *mempoolEntry) *big.Int {
	if e.fee == nil {
		return new(big.Int)
	}
	return e.fee
}

// credits reports whether e's transaction credits sender.
func credits(e *mempoolEntry, sender string) bool {
	for _, c := range e.credits {
		if c == sender {
			return true
		}
	}
	return false
}
