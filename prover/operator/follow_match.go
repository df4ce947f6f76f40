package operator

import (
	"fmt"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/payments"
)

// Matching a followed batch's spends with the mempool: a transaction whose
// nonce another operator's batch used is final as verified only if the
// batch spent that nonce with this very transaction (same record, and for a
// withdrawal or send the same outbox entry); otherwise it is dropped, and
// the reason says who took its nonce.

// spent is a nonce a followed batch used: by a posted record, or by an
// executed forced transaction; for a withdrawal or send, with the outbox
// entry it emitted (nil with entryErr when the outbox cannot be read).
type spent struct {
	rec      payments.Record
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
func spentNonces(vs *payments.State, records []payments.Record, inbox []protocol.InboxEntry, outbox []protocol.OutboxEntry, outboxErr error) ([]*spent, error) {
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
		case payments.KindTransfer, payments.KindWithdraw, payments.KindSend:
			n, err := nonce(r.From)
			if err != nil {
				return nil, err
			}
			s := &spent{rec: r, nonce: n}
			spends = append(spends, s)
			if r.Kind != payments.KindTransfer {
				entryAt[s] = out
				out++
			}
		case payments.KindCredit:
			in++
		case payments.KindSkip, payments.KindBounce:
			if r.Forced && in < len(inbox) {
				if tx, err := payments.DecodeForcedTx(inbox[in].Payload); err == nil {
					n, err := nonce(tx.From)
					if err != nil {
						return nil, err
					}
					spends = append(spends, &spent{nonce: n, forced: true,
						rec: payments.Record{Kind: tx.Kind, From: tx.From, To: tx.To, Amount: tx.Amount, Fee: tx.Fee}})
					if tx.Kind != payments.KindTransfer {
						out++
					}
				}
			}
			in++
		case payments.KindBounceOut:
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
func (f *follower) matchSpend(vs *payments.State, spends []*spent, tx *payments.Tx) (bool, string, error) {
	var s *spent
	for _, c := range spends {
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
	want := payments.Record{Kind: tx.Kind, From: tx.From, To: tx.To, Amount: tx.Amount, Fee: tx.Fee}
	if !sameSpend(s.rec, want) {
		return false, ": by another transaction", nil
	}
	if tx.Kind != payments.KindTransfer {
		if s.entryErr != nil {
			return false, fmt.Sprintf(": by a %s whose outbox entry could not be checked against this one (%v)", spendName(tx.Kind), s.entryErr), nil
		}
		from, err := vs.Account(tx.From)
		if err != nil {
			return false, "", err
		}
		mine, ok := tx.OutboxEntry(from.Key, f.opts.Params.Denom)
		hm, hs := mine.Hash(), s.entry.Hash()
		if !ok || !hm.Equal(&hs) {
			return false, fmt.Sprintf(": by a %s of the same amount and fee to another recipient or destination", spendName(tx.Kind)), nil
		}
	}
	s.used = true
	return true, "", nil
}

// spendName names a withdrawal or send in a rejection reason.
func spendName(k payments.RecordKind) string {
	if k == payments.KindSend {
		return "send"
	}
	return "withdrawal"
}

// sameSpend compares a posted record with the record a transaction makes
// (a withdrawal or send posts no To).
func sameSpend(a, b payments.Record) bool {
	if a.Kind != payments.KindTransfer {
		a.To = 0
	}
	if b.Kind != payments.KindTransfer {
		b.To = 0
	}
	return a.Kind == b.Kind && a.From == b.From && a.To == b.To && a.Amount == b.Amount && a.Fee == b.Fee
}
