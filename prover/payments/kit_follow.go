package payments

import (
	"errors"
	"fmt"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// Following another operator's batch: its posted data is replayed on the
// accounts it touches (Replay, as an exodus tool would) and written to the
// state; its spends are matched with the mempool: a transaction whose
// nonce the batch used is final as verified only if the batch spent that
// nonce with this very transaction (same record, and for a withdrawal or
// send the same outbox entry); otherwise it is dropped, and the reason
// says who took its nonce.

// followed is a followed batch: the accounts it touched as they are after
// it, and the nonces it spent.
type followed struct {
	p        Params
	verified *State
	touched  map[uint32]*Account
	spends   []*spent
}

// Follow replays b on work (verified is the state before it).
func (r *Rollup) Follow(verified, work rollupkit.State, b rollupkit.ForeignBatch) (rollupkit.Followed, error) {
	vs, _ := PaymentsState(verified)
	st, _ := PaymentsState(work)
	if vs == nil || st == nil {
		return nil, errors.New("payments: not a payments state")
	}
	records, err := DecodeData(b.Data)
	if err != nil {
		return nil, &rollupkit.Divergence{Reason: fmt.Sprintf(": data does not decode: %v", err)}
	}
	accounts, err := r.touchedAccounts(st, records, b.Inbox)
	if err != nil {
		return nil, err
	}
	consumed, err := Replay(accounts, b.Data, b.Inbox)
	if err != nil {
		return nil, &rollupkit.Divergence{Reason: fmt.Sprintf(" does not replay: %v", err)}
	}
	if consumed != len(b.Inbox) {
		return nil, &rollupkit.Divergence{Reason: fmt.Sprintf(" replays %d inbox messages, the chain recorded %d", consumed, len(b.Inbox))}
	}
	if err := st.ApplyAccounts(accounts); err != nil {
		if errors.Is(err, ErrAccountOutOfRange) {
			return nil, &rollupkit.Divergence{Reason: fmt.Sprintf(" replays to an account the state cannot hold: %v", err)}
		}
		return nil, err
	}
	spends, err := spentNonces(vs, records, b.Inbox, b.Outbox, b.OutboxErr)
	if err != nil {
		return nil, err
	}
	return &followed{p: r.p, verified: vs, touched: accounts, spends: spends}, nil
}

// touchedAccounts loads from st, as they are before the batch, the
// accounts the batch's records touch and those its executed forced
// transactions name.
func (r *Rollup) touchedAccounts(st *State, records []Record, inbox []protocol.InboxEntry) (map[uint32]*Account, error) {
	capacity := uint64(1) << uint(r.p.Depth)
	accounts := map[uint32]*Account{}
	load := func(i uint32) error {
		if uint64(i) >= capacity {
			return &rollupkit.Divergence{Reason: fmt.Sprintf(" touches account %d beyond the tree (capacity %d)", i, capacity)}
		}
		if _, ok := accounts[i]; ok {
			return nil
		}
		a, err := st.Account(i)
		if err != nil {
			return err
		}
		accounts[i] = &a
		return nil
	}
	for _, rec := range records {
		var err error
		switch rec.Kind {
		case KindTransfer:
			if err = load(rec.From); err == nil {
				err = load(rec.To)
			}
		case KindWithdraw, KindSend:
			err = load(rec.From)
		case KindCredit:
			err = load(rec.To)
		}
		if err != nil {
			return nil, err
		}
	}
	for _, e := range inbox {
		// an executed forced transaction touches the accounts its payload names
		if tx, ferr := DecodeForcedTx(e.Payload); ferr == nil && e.Kind == protocol.InboxKindForcedTx {
			for _, idx := range []uint32{tx.From, tx.To} {
				if uint64(idx) < capacity {
					if err := load(idx); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	return accounts, nil
}

// Spend matches a pending transaction with the batch's spends.
func (f *followed) Spend(t rollupkit.Tx) (rollupkit.Spend, error) {
	kt, ok := t.(*KitTx)
	if !ok {
		return rollupkit.Spend{}, nil
	}
	tx := &kt.Tx
	after, ok := f.touched[tx.From]
	if !ok || tx.Nonce >= after.Nonce {
		return rollupkit.Spend{}, nil // still usable
	}
	// Its nonce is taken. It is the batch's only if the batch spent that
	// very nonce with this very transaction.
	ok, why, err := f.matchSpend(tx)
	if err != nil {
		return rollupkit.Spend{}, err
	}
	return rollupkit.Spend{Taken: true, Included: ok, Nonce: fmt.Sprintf("nonce %d of account %d", tx.Nonce, tx.From), By: why}, nil
}

// spent is a nonce a followed batch used: by a posted record, or by an
// executed forced transaction; for a withdrawal or send, with the outbox
// entry it emitted (nil with entryErr when the outbox cannot be read).
type spent struct {
	rec      Record
	nonce    uint32
	forced   bool
	entry    *protocol.OutboxEntry
	entryErr error
	used     bool
}

// spentNonces walks a followed batch's records as the batch was built: a
// spend takes its account's next nonce (from vs, the state before the
// batch), an executed forced transaction takes its payload's sender's,
// and a withdrawal, send or bounce-out takes the next outbox entry (the
// fee entry, if any, is last).
func spentNonces(vs *State, records []Record, inbox []protocol.InboxEntry, outbox []protocol.OutboxEntry, outboxErr error) ([]*spent, error) {
	next := map[uint32]uint32{}
	nonce := func(i uint32) (uint32, error) {
		n, ok := next[i]
		if !ok {
			a, err := vs.Account(i)
			if err != nil {
				return 0, err
			}
			n = a.Nonce
		}
		next[i] = n + 1
		return n, nil
	}
	var spends []*spent
	entryAt := map[*spent]int{} // withdrawal or send record -> its outbox position
	in, out := 0, 0
	for _, r := range records {
		switch r.Kind {
		case KindTransfer, KindWithdraw, KindSend:
			n, err := nonce(r.From)
			if err != nil {
				return nil, err
			}
			s := &spent{rec: r, nonce: n}
			spends = append(spends, s)
			if r.Kind != KindTransfer {
				entryAt[s] = out
				out++
			}
		case KindCredit:
			in++
		case KindSkip, KindBounce:
			if r.Forced && in < len(inbox) {
				if tx, err := DecodeForcedTx(inbox[in].Payload); err == nil {
					n, err := nonce(tx.From)
					if err != nil {
						return nil, err
					}
					spends = append(spends, &spent{nonce: n, forced: true,
						rec: Record{Kind: tx.Kind, From: tx.From, To: tx.To, Amount: tx.Amount, Fee: tx.Fee}})
					if tx.Kind != KindTransfer {
						out++
					}
				}
			}
			in++
		case KindBounceOut:
			out++
		}
	}
	// The walk accounts for every entry but the fee's.
	if outboxErr == nil && out != len(outbox) && out+1 != len(outbox) {
		outboxErr = fmt.Errorf("the batch's records emit %d outbox entries, its outbox has %d", out, len(outbox))
	}
	for _, s := range spends {
		if i, ok := entryAt[s]; ok {
			if outboxErr != nil {
				s.entryErr = outboxErr
			} else {
				s.entry = &outbox[i]
			}
		}
	}
	return spends, nil
}

// matchSpend reports whether the followed batch's spend of tx's nonce is
// tx itself, and if not why: the nonce was used before this batch, or by a
// forced transaction, another record, or (withdrawal or send) another
// outbox entry (recipient, destination, payload) or one that cannot be
// checked.
func (f *followed) matchSpend(tx *Tx) (bool, string, error) {
	var s *spent
	for _, c := range f.spends {
		if c.rec.From == tx.From && c.nonce == tx.Nonce {
			s = c
			break
		}
	}
	switch {
	case s == nil:
		return false, "", nil // an earlier batch's
	case s.forced:
		return false, ": by a forced transaction", nil
	case s.used:
		return false, ": by another transaction", nil
	}
	want := Record{Kind: tx.Kind, From: tx.From, To: tx.To, Amount: tx.Amount, Fee: tx.Fee}
	if !sameSpend(s.rec, want) {
		return false, ": by another transaction", nil
	}
	if tx.Kind != KindTransfer {
		if s.entryErr != nil {
			return false, fmt.Sprintf(": by a %s whose outbox entry could not be checked against this one (%v)", spendName(tx.Kind), s.entryErr), nil
		}
		from, err := f.verified.Account(tx.From)
		if err != nil {
			return false, "", err
		}
		mine, ok := tx.OutboxEntry(from.Key, f.p.Denom)
		hm, hs := mine.Hash(), s.entry.Hash()
		if !ok || !hm.Equal(&hs) {
			return false, fmt.Sprintf(": by a %s of the same amount and fee to another recipient or destination", spendName(tx.Kind)), nil
		}
	}
	s.used = true
	return true, "", nil
}

// spendName names a withdrawal or send in a rejection reason.
func spendName(k RecordKind) string {
	if k == KindSend {
		return "send"
	}
	return "withdrawal"
}

// sameSpend compares a posted record with the record a transaction makes
// (a withdrawal or send posts no To).
func sameSpend(a, b Record) bool {
	if a.Kind != KindTransfer {
		a.To = 0
	}
	if b.Kind != KindTransfer {
		b.To = 0
	}
	return a.Kind == b.Kind && a.From == b.From && a.To == b.To && a.Amount == b.Amount && a.Fee == b.Fee
}
