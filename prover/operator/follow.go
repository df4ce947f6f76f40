package operator

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"sort"
	"time"

	dbm "github.com/cosmos/cosmos-db"

	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/tree"
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
	data, err := o.chain.BatchData(ctx, cb)
	if err != nil {
		return fmt.Errorf("operator: data of batch %d: %w", cb.Index, err)
	}
	if !matchesDAHash(data, cb.DaHash) {
		return fmt.Errorf("operator: the data the node returned for batch %d does not match its DA hash", cb.Index)
	}
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
	return o.commitFollowed(ov, cb, data, msgs, touched, hadOwn)
}

// consumedInbox fetches the inbox entries cb consumed and checks they end at
// the accumulator the chain recorded for the batch.
func (o *Operator) consumedInbox(ctx context.Context, cb types.Batch) ([]types.InboxMessage, error) {
	var msgs []types.InboxMessage
	for from := cb.InboxFrom; from < cb.InboxTo; {
		page, err := o.chain.Inbox(ctx, o.opts.RollupID, from, min(cb.InboxTo-from, 100))
		if err != nil {
			return nil, fmt.Errorf("operator: inbox of batch %d: %w", cb.Index, err)
		}
		if len(page) == 0 {
			return nil, fmt.Errorf("operator: the chain returned no inbox message at %d for batch %d", from, cb.Index)
		}
		for _, m := range page {
			if from < cb.InboxTo && m.Sequence == from {
				msgs = append(msgs, m)
				from++
			}
		}
	}
	if n := len(msgs); n > 0 && !bytes.Equal(msgs[n-1].Accumulator, cb.InboxAccumulatorAfter) {
		return nil, fmt.Errorf("operator: the inbox messages of batch %d do not end at its accumulator", cb.Index)
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
	if got := types.StateRootBytes(prev); !bytes.Equal(got, cb.PrevStateRoot) {
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
	entries := make([]types.InboxEntry, len(msgs))
	for i, m := range msgs {
		if entries[i], err = m.Entry(); err != nil {
			return nil, fmt.Errorf("operator: inbox message %d: %w", m.Sequence, err)
		}
		// an executed forced transaction touches the accounts its payload names
		if tx, ferr := payments.DecodeForcedTx(entries[i].Payload); ferr == nil && entries[i].Kind == types.InboxKindForcedTx {
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
	if err := writeAccounts(ov, o.opts.Params, accounts); err != nil {
		return nil, err
	}
	if st, err = payments.OpenState(ov, o.opts.Params); err != nil {
		return nil, err
	}
	root, err := st.Root()
	if err != nil {
		return nil, err
	}
	if got := types.StateRootBytes(root); !bytes.Equal(got, cb.NewStateRoot) {
		return nil, &divergence{fmt.Sprintf("batch %d (submitter %s): replaying its data gives root %x, the chain verified %x: the states diverged",
			cb.Index, cb.Submitter, got, cb.NewStateRoot)}
	}
	return accounts, nil
}

// writeAccounts stores accounts in a payments.State database, in index
// order. It mirrors payments.State's own account write (the leaf in the
// tree under "t/", the record under "a/", the key index under "k/", the
// next free index under "m/next"), which the package does not export; the
// root check after it and the operator tests reading the accounts back
// through payments.State guard the two against drifting apart.
func writeAccounts(db dbm.DB, p payments.Params, accounts map[uint32]*payments.Account) error {
	t, err := tree.New(db, []byte("t/"), p.Depth, payments.EmptyLeaf)
	if err != nil {
		return err
	}
	idx := make([]uint32, 0, len(accounts))
	for i := range accounts {
		idx = append(idx, i)
	}
	sort.Slice(idx, func(a, b int) bool { return idx[a] < idx[b] })
	var next uint32
	if bz, err := db.Get([]byte("m/next")); err != nil {
		return err
	} else if len(bz) == 4 {
		next = binary.BigEndian.Uint32(bz)
	}
	for _, i := range idx {
		a := accounts[i]
		if !a.Exists() {
			continue // untouched empty leaf: replay never empties an account
		}
		if err := t.Set(uint64(i), payments.LeafHash(*a)); err != nil {
			return err
		}
		x, y := a.Key.X.Bytes(), a.Key.Y.Bytes()
		bz := make([]byte, 0, 84)
		bz = append(bz, x[:]...)
		bz = append(bz, y[:]...)
		var bal [16]byte
		a.Balance.FillBytes(bal[:])
		bz = append(bz, bal[:]...)
		bz = binary.BigEndian.AppendUint32(bz, a.Nonce)
		if err := db.Set(binary.BigEndian.AppendUint32([]byte("a/"), i), bz); err != nil {
			return err
		}
		if err := db.Set(append([]byte("k/"), a.Key.Address()...), binary.BigEndian.AppendUint32(nil, i)); err != nil {
			return err
		}
		next = max(next, i+1)
	}
	return db.Set([]byte("m/next"), binary.BigEndian.AppendUint32(nil, next))
}

// commitFollowed writes the followed batch in one atomic write: the new
// verified state, a record of the batch, the verified index, this
// operator's discarded batches, and the mempool without the transactions
// whose nonce the batch used. Caller holds mu.
func (o *Operator) commitFollowed(ov *overlayDB, cb types.Batch, data []byte, msgs []types.InboxMessage, touched map[uint32]*payments.Account, hadOwn bool) error {
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
	type spent struct {
		rec  payments.Record
		used bool
	}
	var spends []*spent
	for _, r := range records {
		if r.Kind == payments.KindTransfer || r.Kind == payments.KindWithdraw || r.Kind == payments.KindSend {
			spends = append(spends, &spent{rec: r})
		}
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
		before, err := vs.Account(tx.From)
		if err != nil {
			return err
		}
		// Its nonce is taken. It is the chain batch's if a record of the
		// batch matches it exactly and the nonce was spent by this batch.
		if tx.Nonce >= before.Nonce {
			want := payments.Record{Kind: tx.Kind, From: tx.From, To: tx.To, Amount: tx.Amount, Fee: tx.Fee}
			if tx.Kind != payments.KindTransfer {
				want.To = 0
			}
			for _, s := range spends {
				if !s.used && sameSpend(s.rec, want) {
					s.used, included[seq] = true, true
					break
				}
			}
		}
		if !included[seq] {
			dropped[seq] = fmt.Sprintf("nonce %d of account %d was used on the chain by batch %d (submitter %s)", tx.Nonce, tx.From, cb.Index, cb.Submitter)
		}
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

// sameSpend compares a posted record with the record a transaction makes.
func sameSpend(a, b payments.Record) bool {
	if a.Kind != payments.KindTransfer {
		a.To = 0
	}
	return a.Kind == b.Kind && a.From == b.From && a.To == b.To && a.Amount == b.Amount && a.Fee == b.Fee
}
