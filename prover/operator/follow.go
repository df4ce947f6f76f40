package operator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/x/rollups/client/inbox"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// Following: the chain verified a batch this operator did not build (another
// operator of the rollup submitted it, or won a race for the index). The
// operator rebuilds that batch's effect on its verified state from what the
// chain keeps (the posted data and the consumed inbox entries), checks the
// root it gets is the chain's, and carries on from there: its own batches
// for that index and after are discarded and their transactions go back to
// the mempool, minus those the chain's batch used the nonce of.

// ownBatch reports whether the chain's batch cb is the batch rec this
// operator built: same new root, same data, same inbox range.
func ownBatch(rec *batchRecord, cb types.Batch) bool {
	return bytes.Equal(cb.NewStateRoot, rec.NewRoot) && cb.InboxTo-cb.InboxFrom == rec.InboxConsumed &&
		cb.InboxFrom == rec.InboxFrom && matchesDAHash(rec.Data, cb.DaHash)
}

// divergence is a followed batch that does not rebuild to the chain's root
// from this operator's verified state: the operator cannot continue.
type divergence struct{ reason string }

func (d *divergence) Error() string { return d.reason }

// follow applies the chain's batch cb, built by another operator, to the
// verified state, in one atomic write, and discards this operator's own
// unverified batches (all of them: they start at cb's index). A divergence
// halts the pipeline; other errors (the chain did not answer) are returned
// and the watcher tries again. Caller holds mu.
func (o *Operator) follow(ctx context.Context, cb types.Batch) error {
	_, hadOwn := o.records[cb.Index]
	posted, err := o.chain.PostedBatch(ctx, cb)
	if err != nil {
		return fmt.Errorf("operator: data of batch %d: %w", cb.Index, err)
	}
	data := posted.Data
	if !matchesDAHash(data, cb.DaHash) {
		return fmt.Errorf("operator: the data the node returned for batch %d does not match its DA hash", cb.Index)
	}
	// The state follows from the data alone; the outbox only tells which
	// mempool withdrawals and sends the batch executed, so one that cannot
	// be read costs those transactions, not the follow.
	outbox, outboxErr := postedOutbox(posted.Outbox, cb)
	msgs, err := o.consumedInbox(ctx, cb)
	if err != nil {
		return err
	}
	ov := newOverlay(o.base)
	touched, err := o.replayForeign(ov, cb, data, msgs)
	if err != nil {
		if d, ok := err.(*divergence); ok {
			o.halt(d.reason)
			return nil
		}
		return err
	}
	return o.commitFollowed(ov, cb, data, outbox, outboxErr, msgs, touched, hadOwn)
}

// postedOutbox decodes the outbox posted with cb and checks it is the one
// the chain verified (its hash and entry count in the batch record).
func postedOutbox(bz []byte, cb types.Batch) ([]protocol.OutboxEntry, error) {
	entries, err := protocol.DecodeOutbox(bz)
	if err != nil {
		return nil, fmt.Errorf("the posted outbox does not decode: %w", err)
	}
	if got := protocol.FieldElementBytes(protocol.OutboxHash(entries)); !bytes.Equal(got, cb.OutboxHash) || uint64(len(entries)) != cb.OutboxEntries {
		return nil, fmt.Errorf("the posted outbox (%d entries, hash %x) is not the one the chain verified (%d entries, hash %x)",
			len(entries), got, cb.OutboxEntries, cb.OutboxHash)
	}
	return entries, nil
}

// consumedInbox fetches the inbox entries cb consumed and checks they end at
// the accumulator the chain recorded for the batch.
func (o *Operator) consumedInbox(ctx context.Context, cb types.Batch) ([]types.InboxMessage, error) {
	msgs, err := inbox.CollectConsumed(ctx, cb, 100, func(ctx context.Context, from, limit uint64) ([]types.InboxMessage, error) {
		return o.chain.Inbox(ctx, o.opts.RollupID, from, limit)
	})
	if err != nil {
		return nil, fmt.Errorf("operator: %w", err)
	}
	return msgs, nil
}

// replayForeign applies the batch to the verified state in ov with
// payments.Replay and checks the roots before and after against the chain's
// record. It returns the accounts the batch touched, as they are after it.
func (o *Operator) replayForeign(ov *overlayDB, cb types.Batch, data []byte, msgs []types.InboxMessage) (map[uint32]*payments.Account, error) {
	st, err := payments.OpenState(ov, o.opts.Params)
	if err != nil {
		return nil, err
	}
	prev, err := st.Root()
	if err != nil {
		return nil, err
	}
	if got := protocol.StateRootBytes(prev); !bytes.Equal(got, cb.PrevStateRoot) {
		return nil, &divergence{fmt.Sprintf("batch %d (submitter %s) starts from root %x, but this operator's verified state after batch %d has root %x: the states diverged",
			cb.Index, cb.Submitter, cb.PrevStateRoot, o.verified, got)}
	}
	records, err := payments.DecodeData(data)
	if err != nil {
		return nil, &divergence{fmt.Sprintf("batch %d (submitter %s): data does not decode: %v", cb.Index, cb.Submitter, err)}
	}
	capacity := uint64(1) << uint(o.opts.Params.Depth)
	accounts := map[uint32]*payments.Account{}
	load := func(i uint32) error {
		if uint64(i) >= capacity {
			return &divergence{fmt.Sprintf("batch %d (submitter %s) touches account %d beyond the tree (capacity %d)", cb.Index, cb.Submitter, i, capacity)}
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
	for _, r := range records {
		var err error
		switch r.Kind {
		case payments.KindTransfer:
			if err = load(r.From); err == nil {
				err = load(r.To)
			}
		case payments.KindWithdraw, payments.KindSend:
			err = load(r.From)
		case payments.KindCredit:
			err = load(r.To)
		}
		if err != nil {
			return nil, err
		}
	}
	entries := make([]protocol.InboxEntry, len(msgs))
	for i, m := range msgs {
		if entries[i], err = m.Entry(); err != nil {
			return nil, fmt.Errorf("operator: inbox message %d: %w", m.Sequence, err)
		}
		// an executed forced transaction touches the accounts its payload names
		if tx, ferr := payments.DecodeForcedTx(entries[i].Payload); ferr == nil && entries[i].Kind == protocol.InboxKindForcedTx {
			for _, idx := range []uint32{tx.From, tx.To} {
				if uint64(idx) < capacity {
					if err := load(idx); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	consumed, err := payments.Replay(accounts, data, entries)
	if err != nil {
		return nil, &divergence{fmt.Sprintf("batch %d (submitter %s) does not replay: %v", cb.Index, cb.Submitter, err)}
	}
	if consumed != len(entries) {
		return nil, &divergence{fmt.Sprintf("batch %d (submitter %s) replays %d inbox messages, the chain recorded %d", cb.Index, cb.Submitter, consumed, len(entries))}
	}
	if err := st.ApplyAccounts(accounts); err != nil {
		if errors.Is(err, payments.ErrAccountOutOfRange) {
			return nil, &divergence{fmt.Sprintf("batch %d (submitter %s) replays to an account the state cannot hold: %v", cb.Index, cb.Submitter, err)}
		}
		return nil, err
	}
	root, err := st.Root()
	if err != nil {
		return nil, err
	}
	if got := protocol.StateRootBytes(root); !bytes.Equal(got, cb.NewStateRoot) {
		return nil, &divergence{fmt.Sprintf("batch %d (submitter %s): replaying its data gives root %x, the chain verified %x: the states diverged",
			cb.Index, cb.Submitter, got, cb.NewStateRoot)}
	}
	return accounts, nil
}

// commitFollowed writes the followed batch in one atomic write: the new
// verified state, a record of the batch, the verified index, this
// operator's discarded batches, and the mempool without the transactions
// whose nonce the batch used. Caller holds mu.
func (o *Operator) commitFollowed(ov *overlayDB, cb types.Batch, data []byte, outbox []protocol.OutboxEntry, outboxErr error,
	msgs []types.InboxMessage, touched map[uint32]*payments.Account, hadOwn bool) error {
	records, err := payments.DecodeData(data)
	if err != nil {
		return err
	}
	rec := &batchRecord{
		Index: cb.Index, Status: BatchVerified, InboxBefore: cb.InboxAccumulatorBefore, InboxAfter: cb.InboxAccumulatorAfter,
		InboxFrom: cb.InboxFrom, InboxConsumed: cb.InboxTo - cb.InboxFrom, PrevRoot: cb.PrevStateRoot, NewRoot: cb.NewStateRoot,
		Data: data, L2TxCount: cb.L2TxCount, Height: cb.Height, Submitter: cb.Submitter, Followed: true,
		VerifiedAt: time.Now().UnixMilli(),
	}
	for _, m := range msgs {
		bz, err := m.Marshal()
		if err != nil {
			return err
		}
		rec.Inbox = append(rec.Inbox, bz)
	}
	// Before: the nonces of the touched accounts in the verified state.
	vs, err := payments.OpenState(o.base, o.opts.Params)
	if err != nil {
		return err
	}
	inbox := make([]protocol.InboxEntry, len(msgs))
	for i, m := range msgs {
		if inbox[i], err = m.Entry(); err != nil {
			return fmt.Errorf("operator: inbox message %d: %w", m.Sequence, err)
		}
	}
	spends, err := spentNonces(vs, records, inbox, outbox, outboxErr)
	if err != nil {
		return err
	}
	included := map[uint64]bool{}
	dropped := map[uint64]string{}
	var seqs []uint64
	for seq := range o.mempool {
		seqs = append(seqs, seq)
	}
	sort.Slice(seqs, func(a, b int) bool { return seqs[a] < seqs[b] })
	for _, seq := range seqs {
		e := o.mempool[seq]
		tx, err := FromWire(e.Tx)
		if err != nil {
			continue
		}
		after, ok := touched[tx.From]
		if !ok || tx.Nonce >= after.Nonce {
			continue // still usable
		}
		// Its nonce is taken. It is the chain batch's only if the batch
		// spent that very nonce with this very transaction.
		ok, why, err := o.matchSpend(vs, spends, &tx)
		if err != nil {
			return err
		}
		if ok {
			included[seq] = true
			continue
		}
		dropped[seq] = fmt.Sprintf("nonce %d of account %d was used on the chain by batch %d (submitter %s)%s", tx.Nonce, tx.From, cb.Index, cb.Submitter, why)
	}

	b := o.db.NewBatch()
	defer b.Close()
	if err := ov.flushTo(b, prefixState); err != nil {
		return err
	}
	if err := setJSON(b, batchKey(cb.Index), rec); err != nil {
		return err
	}
	for i := range o.records {
		if i != cb.Index {
			if err := b.Delete(batchKey(i)); err != nil {
				return err
			}
		}
	}
	for _, seq := range seqs {
		e := o.mempool[seq]
		switch {
		case included[seq]:
			if err := b.Delete(mempoolKey(seq)); err != nil {
				return err
			}
			if err := setJSON(b, txFinalKey(e.ID), txFinal{Status: "verified", Batch: cb.Index}); err != nil {
				return err
			}
		case dropped[seq] != "":
			if err := b.Delete(mempoolKey(seq)); err != nil {
				return err
			}
			if err := setJSON(b, txFinalKey(e.ID), txFinal{Status: "rejected", Reason: dropped[seq]}); err != nil {
				return err
			}
		case e.Batch != 0:
			back := *e
			back.Batch = 0
			if err := setJSON(b, mempoolKey(seq), &back); err != nil {
				return err
			}
		}
	}
	if err := b.Set(keyVerified, be64(cb.Index)); err != nil {
		return err
	}
	if err := b.WriteSync(); err != nil {
		return err
	}

	// The database holds it all: now the memory.
	now := time.Now()
	discarded := len(o.records)
	for _, seq := range seqs {
		e := o.mempool[seq]
		switch {
		case included[seq]:
			o.metrics.txLatency.Observe(now.Sub(time.UnixMilli(e.AcceptedAt)).Seconds())
			delete(o.byID, e.ID)
			delete(o.mempool, seq)
		case dropped[seq] != "":
			o.log.Warn("accepted transaction dropped: its nonce was used by another operator's batch", "id", e.ID, "reason", dropped[seq])
			o.metrics.txsDropped.Inc()
			delete(o.byID, e.ID)
			delete(o.mempool, seq)
		default:
			e.Batch = 0
		}
	}
	o.records = map[uint64]*batchRecord{}
	o.built = map[uint64]*payments.Batch{}
	for seq := range o.inboxSeen {
		if seq < cb.InboxTo {
			delete(o.inboxSeen, seq)
		}
	}
	o.verified = cb.Index
	o.verifiedN++
	o.followedN++
	o.metrics.batchesVerified.Inc()
	o.metrics.batchesFollowed.Inc()
	if hadOwn {
		o.racesLostN++
		o.metrics.racesLost.Inc()
	}
	if o.opts.Standby && o.takenOver {
		o.takenOver = false
		o.log.Info("another operator is submitting again: back to standby", "index", cb.Index, "submitter", cb.Submitter)
	}
	o.log.Info("followed a batch built by another operator", "index", cb.Index, "submitter", cb.Submitter,
		"l2_txs", cb.L2TxCount, "inbox", rec.InboxConsumed, "height", cb.Height, "own_batches_discarded", discarded,
		"own_txs_included", len(included), "own_txs_dropped", len(dropped), "lost_race", hadOwn)
	o.headOv = newOverlay(o.base)
	if o.head, err = payments.OpenState(o.headOv, o.opts.Params); err != nil {
		return err
	}
	o.recomputeView()
	return nil
}

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
func (o *Operator) matchSpend(vs *payments.State, spends []*spent, tx *payments.Tx) (bool, string, error) {
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
		mine, ok := tx.OutboxEntry(from.Key, o.opts.Params.Denom)
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
