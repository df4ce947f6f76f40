package exchange

import (
	"errors"
	"fmt"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// Following another operator's batch: its posted data is replayed on the
// accounts it touches and the pool (State.ApplyData, as an exodus tool
// would), and its spends are matched with the mempool: a pending
// transaction whose nonce the batch used is final as verified only if the
// batch spent that nonce with a record this very transaction makes (same
// kind, side and amounts, outputs at least its minimums, and for a
// withdrawal the same outbox entry); otherwise it is dropped and the
// reason says what took its nonce. The chain keeps no signatures: two
// transactions of one account and nonce with the same record are one
// spend to a follower.

// followed is a followed batch: the nonces it spent.
type followed struct {
	p      Params
	work   *State
	spends []*spent
}

// spent is a nonce a record used, with a withdrawal's outbox entry (nil
// with entryErr when the outbox cannot be read).
type spent struct {
	rec      Record
	nonce    uint32
	entry    *protocol.OutboxEntry
	entryErr error
	used     bool
}

// Follow replays b on work (verified is the state before it).
func (r *Rollup) Follow(verified, work rollupkit.State, b rollupkit.ForeignBatch) (rollupkit.Followed, error) {
	vs, _ := ExchangeState(verified)
	st, _ := ExchangeState(work)
	if vs == nil || st == nil {
		return nil, errors.New("exchange: not an exchange state")
	}
	records, err := DecodeData(b.Data)
	if err != nil {
		return nil, &rollupkit.Divergence{Reason: fmt.Sprintf(": data does not decode: %v", err)}
	}
	if len(records) > r.p.Slots {
		return nil, &rollupkit.Divergence{Reason: fmt.Sprintf(": %d records, the rollup has %d slots", len(records), r.p.Slots)}
	}
	consumed, err := st.ApplyData(b.Data, b.Inbox)
	if err != nil {
		if errors.Is(err, ErrData) || errors.Is(err, protocol.ErrInvalidL2Key) {
			return nil, &rollupkit.Divergence{Reason: fmt.Sprintf(" does not replay: %v", err)}
		}
		return nil, err
	}
	if consumed != len(b.Inbox) {
		return nil, &rollupkit.Divergence{Reason: fmt.Sprintf(" replays %d inbox messages, the chain recorded %d", consumed, len(b.Inbox))}
	}
	spends, err := spentNonces(vs, records, b.Outbox, b.OutboxErr)
	if err != nil {
		return nil, err
	}
	return &followed{p: r.p, work: st, spends: spends}, nil
}

// spentNonces walks a followed batch's records as the batch was built: a
// signed record (swap, add, remove, withdraw) takes its account's next
// nonce (from vs, the state before the batch); a withdraw, call swap or
// refund takes the next outbox entry.
func spentNonces(vs *State, records []Record, outbox []protocol.OutboxEntry, outboxErr error) ([]*spent, error) {
	next := map[uint32]uint32{}
	var spends []*spent
	entryAt := map[*spent]int{}
	out := 0
	for _, r := range records {
		switch r.Kind {
		case KindSwap, KindAdd, KindRemove, KindWithdraw:
			n, ok := next[r.Account]
			if !ok {
				a, err := vs.Account(r.Account)
				if err != nil {
					return nil, err
				}
				n = a.Nonce
			}
			next[r.Account] = n + 1
			s := &spent{rec: r, nonce: n}
			spends = append(spends, s)
			if r.Kind == KindWithdraw {
				entryAt[s] = out
				out++
			}
		case KindCallSwap, KindRefund:
			out++
		}
	}
	if outboxErr == nil && out != len(outbox) {
		outboxErr = fmt.Errorf("the batch's records emit %d outbox entries, its outbox has %d", out, len(outbox))
	}
	for _, s := range spends {
		i, ok := entryAt[s]
		switch {
		case !ok:
		case outboxErr != nil:
			s.entryErr = outboxErr
		default:
			s.entry = &outbox[i]
		}
	}
	return spends, nil
}

// Spend matches a pending transaction with the batch's spends.
func (f *followed) Spend(t rollupkit.Tx) (rollupkit.Spend, error) {
	kt, ok := t.(*KitTx)
	if !ok {
		return rollupkit.Spend{}, nil
	}
	tx := &kt.Tx
	if uint64(tx.Account) >= f.work.tree.Capacity() {
		return rollupkit.Spend{}, nil
	}
	after, err := f.work.Account(tx.Account)
	if err != nil {
		return rollupkit.Spend{}, err
	}
	if tx.Nonce >= after.Nonce {
		return rollupkit.Spend{}, nil // still usable
	}
	ok, why, err := f.matchSpend(tx)
	if err != nil {
		return rollupkit.Spend{}, err
	}
	return rollupkit.Spend{Taken: true, Included: ok, Nonce: fmt.Sprintf("nonce %d of account %d", tx.Nonce, tx.Account), By: why}, nil
}

// matchSpend reports whether the batch's spend of tx's nonce is a record
// tx makes, and if not why.
func (f *followed) matchSpend(tx *Tx) (bool, string, error) {
	var s *spent
	for _, c := range f.spends {
		if c.rec.Account == tx.Account && c.nonce == tx.Nonce {
			s = c
			break
		}
	}
	switch {
	case s == nil:
		return false, "", nil // an earlier batch's
	case s.used, !sameSpend(s.rec, tx):
		return false, ": by another transaction", nil
	}
	if tx.Kind == KindWithdraw {
		if s.entryErr != nil {
			return false, fmt.Sprintf(": by a withdrawal whose outbox entry could not be checked against this one (%v)", s.entryErr), nil
		}
		mine := tx.OutboxEntry(PublicKey{}, f.p)
		mine.Sender = s.entry.Sender // the account's key, which the record does not carry
		hm, hs := mine.Hash(), s.entry.Hash()
		if !hm.Equal(&hs) {
			return false, ": by a withdrawal of the same amount to another recipient or destination", nil
		}
	}
	s.used = true
	return true, "", nil
}

// sameSpend says whether a posted record is what tx makes: kind, side and
// inputs equal, outputs at least tx's minimums.
func sameSpend(r Record, tx *Tx) bool {
	if r.Kind != tx.Kind || r.Side != tx.Side || r.Account != tx.Account || nz(r.V1).Cmp(nz(tx.Amount1)) != 0 {
		return false
	}
	switch tx.Kind {
	case KindSwap:
		return atLeast(nz(r.V2), tx.Min1) == nil
	case KindAdd:
		return nz(r.V2).Cmp(nz(tx.Amount2)) == 0 && atLeast(nz(r.V3), tx.Min1) == nil
	case KindRemove:
		return nz(r.V2).Cmp(nz(tx.Min1)) >= 0 && nz(r.V3).Cmp(nz(tx.Min2)) >= 0
	}
	return true
}
