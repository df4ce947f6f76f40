package operator

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/payments"
)

// Admission: a transaction is checked against the head state plus the
// transactions already accepted (the builder's view) and persisted in the
// mempool before the API answers.

// submit validates a transaction and, if valid, persists it in the
// mempool before answering.
func (b *builder) submit(w WireTx) (SubmitResult, error) {
	tx, err := FromWire(w)
	if err != nil {
		b.refused(err)
		return SubmitResult{}, err
	}
	w = ToWire(tx) // canonical form
	id := TxID(w)
	b.mu.Lock()
	defer b.mu.Unlock()
	if why := b.halt.why(); why != "" {
		return SubmitResult{}, b.refused(apiErr(CodeHalted, "the operator is halted: %s", why))
	}
	var victim *mempoolEntry // full: the cheaper one this takes the place of (evict.go)
	if n := b.store.mempoolSize(); n >= b.opts.MaxMempool {
		if victim = evictable(b.store.pendingEntries(), tx.From, tx.Fee.Value()); victim == nil {
			return SubmitResult{}, b.refused(apiErr(CodeMempoolFull,
				"%d transactions waiting, none evictable for a fee of %s; try again later or pay more", n, tx.Fee.Value()))
		}
	}
	if aerr := b.validate(&tx); aerr != nil {
		return SubmitResult{}, b.refused(aerr)
	}
	e, err := b.store.accept(id, w, victim)
	if err != nil {
		return SubmitResult{}, err
	}
	if victim != nil {
		b.dropEvicted(victim) // recomputes the view, this transaction included
	} else {
		b.applyToView(&tx)
	}
	b.metrics.txsAccepted.Inc()
	b.metrics.mempoolPending.Set(float64(b.store.pendingCount()))
	b.wake()
	return SubmitResult{ID: id, Seq: e.Seq, Status: "pending"}, nil
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
	b.view = map[uint32]*payments.Account{}
	for _, e := range b.store.pendingEntries() {
		tx, err := FromWire(e.Tx)
		if err != nil {
			continue
		}
		b.applyToView(&tx)
	}
}

func (b *builder) viewAccount(index uint32) (*payments.Account, error) {
	if a, ok := b.view[index]; ok {
		return a, nil
	}
	if uint64(index) >= 1<<uint(b.opts.Params.Depth) {
		return &payments.Account{}, nil
	}
	a, err := b.head.Account(index)
	if err != nil {
		return nil, err
	}
	b.view[index] = &a
	return &a, nil
}

func (b *builder) applyToView(tx *payments.Tx) {
	from, err := b.viewAccount(tx.From)
	if err != nil {
		return
	}
	debit := new(big.Int).Add(tx.Amount.Value(), tx.Fee.Value())
	from.Balance.Sub(&from.Balance, debit)
	from.Nonce++
	if tx.Kind == payments.KindTransfer {
		if to, err := b.viewAccount(tx.To); err == nil {
			to.Balance.Add(&to.Balance, tx.Amount.Value())
		}
	}
}

// validate checks a transaction against the head state and the pending
// transactions: what BuildBatch will check, with clear errors. Caller
// holds mu.
func (b *builder) validate(tx *payments.Tx) *APIError {
	if tx.Amount.Value().Sign() == 0 {
		return apiErr(CodeInvalidTx, "a %s of zero", kindNames[tx.Kind])
	}
	if tx.Fee.Value().Cmp(b.opts.MinFee) < 0 {
		return apiErr(CodeFeeTooLow, "fee %s%s, but this operator takes at least %s%s (min_fee in /v1/status)",
			tx.Fee.Value(), b.opts.Params.Denom, b.opts.MinFee, b.opts.Params.Denom)
	}
	capacity := uint64(1) << uint(b.opts.Params.Depth)
	if uint64(tx.From) >= capacity {
		return apiErr(CodeUnknownAccount, "sender index %d is beyond the tree (capacity %d)", tx.From, capacity)
	}
	from, err := b.viewAccount(tx.From)
	if err != nil {
		return apiErr(CodeInternal, "%v", err)
	}
	if !from.Exists() {
		return apiErr(CodeUnknownAccount, "no L2 account at index %d (a deposit creates one)", tx.From)
	}
	if n := b.store.unverifiedFrom(tx.From); n >= b.opts.MaxPendingPerAccount {
		return apiErr(CodeTooManyPending, "account %d has %d transactions waiting for verification, at most %d; try again once some are verified",
			tx.From, n, b.opts.MaxPendingPerAccount)
	}
	if tx.Nonce != from.Nonce {
		return apiErr(CodeBadNonce, "nonce %d, but account %d's next nonce is %d (counting accepted transactions)", tx.Nonce, tx.From, from.Nonce)
	}
	if !tx.Verify(from.Key, b.domain, b.opts.Params.Denom) {
		return apiErr(CodeBadSignature, "the signature does not verify for account %d's key on %s/%s", tx.From, b.chainID, b.opts.RollupID)
	}
	debit := new(big.Int).Add(tx.Amount.Value(), tx.Fee.Value())
	if debit.Cmp(&from.Balance) > 0 {
		return apiErr(CodeInsufficientBalance, "amount + fee = %s%s, but account %d has %s%s (counting accepted transactions)",
			debit, b.opts.Params.Denom, tx.From, &from.Balance, b.opts.Params.Denom)
	}
	switch tx.Kind {
	case payments.KindTransfer:
		if uint64(tx.To) >= capacity {
			return apiErr(CodeUnknownRecipient, "recipient index %d is beyond the tree", tx.To)
		}
		to, err := b.viewAccount(tx.To)
		if err != nil {
			return apiErr(CodeInternal, "%v", err)
		}
		if !to.Exists() {
			return apiErr(CodeUnknownRecipient, "no L2 account at index %d (a deposit creates one)", tx.To)
		}
		if to.Key != tx.ToKey {
			return apiErr(CodeUnknownRecipient, "the account at index %d is not the signed recipient %x", tx.To, tx.ToKey.Address())
		}
	default:
		out, ok := tx.OutboxEntry(from.Key, b.opts.Params.Denom)
		if !ok {
			return apiErr(CodeNotRepresentable, "amount does not fit an outbox entry")
		}
		if err := out.Validate(); err != nil {
			return apiErr(CodeInvalidTx, "outbox entry: %v", err)
		}
		// The chain fails the whole batch on an entry it cannot deliver.
		if aerr := b.rules.admit(tx); aerr != nil {
			return aerr
		}
	}
	return nil
}

// account reports an account by its L2 address: at the head, with the
// pending transactions, and verified.
func (b *builder) account(addr []byte) (AccountView, error) {
	pk, err := paymentsv1.ParseAddress(addr)
	if err != nil {
		return AccountView{}, apiErr(CodeInvalidRequest, "%v", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	idx, ok, err := b.head.IndexOf(pk)
	if err != nil {
		return AccountView{}, apiErr(CodeInternal, "%v", err)
	}
	if !ok {
		return AccountView{}, apiErr(CodeUnknownAccount, "no L2 account for %x yet (a deposit to it creates one once its batch is built)", addr)
	}
	head, err := b.head.Account(idx)
	if err != nil {
		return AccountView{}, apiErr(CodeInternal, "%v", err)
	}
	pending, err := b.viewAccount(idx)
	if err != nil {
		return AccountView{}, apiErr(CodeInternal, "%v", err)
	}
	vs, err := payments.OpenState(b.store.base, b.opts.Params)
	if err != nil {
		return AccountView{}, apiErr(CodeInternal, "%v", err)
	}
	ver, err := vs.Account(idx)
	if err != nil {
		return AccountView{}, apiErr(CodeInternal, "%v", err)
	}
	return AccountView{
		Address: fmt.Sprintf("%x", addr), Index: idx,
		Balance: head.Balance.String(), Nonce: head.Nonce,
		PendingBalance: pending.Balance.String(), PendingNonce: pending.Nonce,
		VerifiedBalance: ver.Balance.String(), VerifiedNonce: ver.Nonce,
	}, nil
}
