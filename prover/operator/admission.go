package operator

import (
	"errors"

	"github.com/nativechain/nativechain/prover/rollupkit"
)

// Admission: a transaction is checked against the head state plus the
// transactions already accepted (the builder's view, the kind's
// rollupkit.View) and persisted in the mempool before the API answers.

// submit validates a transaction (the kind's wire JSON) and, if valid,
// persists it in the mempool before answering.
func (b *builder) submit(wire []byte) (SubmitResult, error) {
	tx, err := b.kind.DecodeTx(wire)
	if err != nil {
		b.refused(err)
		return SubmitResult{}, err
	}
	id := txID(tx.Wire()) // canonical form
	b.mu.Lock()
	defer b.mu.Unlock()
	if why := b.halt.why(); why != "" {
		return SubmitResult{}, b.refused(apiErr(CodeHalted, "the operator is halted: %s", why))
	}
	var victim *mempoolEntry // full: the cheaper one this takes the place of (evict.go)
	if n := b.store.mempoolSize(); n >= b.opts.MaxMempool {
		if victim = evictable(b.store.pendingEntries(), tx.Sender(), tx.Fee()); victim == nil {
			return SubmitResult{}, b.refused(apiErr(CodeMempoolFull,
				"%d transactions waiting, none evictable for a fee of %s; try again later or pay more", n, tx.Fee()))
		}
	}
	if err := b.view.Admit(tx, b.policy()); err != nil {
		return SubmitResult{}, b.refused(err)
	}
	e, err := b.store.accept(id, tx, victim)
	if err != nil {
		return SubmitResult{}, err
	}
	if victim != nil {
		b.dropEvicted(victim) // recomputes the view, this transaction included
	} else {
		b.view.Apply(tx)
	}
	b.metrics.txsAccepted.Inc()
	b.metrics.mempoolPending.Set(float64(b.store.pendingCount()))
	b.wake()
	return SubmitResult{ID: id, Seq: e.Seq, Status: "pending"}, nil
}

// policy is the operator's side of admission: its fee floor, its cap per
// sender and the chain's rules.
func (b *builder) policy() rollupkit.Policy {
	return rollupkit.Policy{MinFee: b.opts.MinFee, MaxPendingPerSender: b.opts.MaxPendingPerAccount,
		Unverified: b.store.unverifiedFrom, ChainRules: b.rules.admitTx}
}

func (b *builder) refused(err error) error {
	var ae *APIError
	if errors.As(err, &ae) {
		b.metrics.txsRefused.WithLabelValues(ae.Code).Inc()
	}
	return err
}

// recomputeView replays the pending transactions' effects over the head
// state, for validating new ones. Caller holds mu.
func (b *builder) recomputeView() {
	b.view = b.kind.NewView(b.head, b.place)
	for _, e := range b.store.pendingEntries() {
		if e.tx != nil {
			b.view.Apply(e.tx)
		}
	}
}

// account reports an account by its L2 address: at the head, with the
// pending transactions, and verified (the kind's account view).
func (b *builder) account(addr []byte) (any, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	vs, err := b.kind.Open(b.store.base)
	if err != nil {
		return nil, apiErr(CodeInternal, "%v", err)
	}
	return b.kind.Account(addr, b.head, b.view, vs)
}
