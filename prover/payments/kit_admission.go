package payments

import (
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// Admission: a transaction is checked against the head state plus the
// transactions already accepted (the view) before the operator takes it.

// view is the head state plus the accepted transactions: the accounts
// they changed, loaded from the head on first use.
type view struct {
	p        Params
	head     *State
	domain   fr.Element
	place    rollupkit.Place
	accounts map[uint32]*Account
}

// NewView starts a view on head.
func (r *Rollup) NewView(head rollupkit.State, place rollupkit.Place) rollupkit.View {
	st, _ := PaymentsState(head)
	return &view{p: r.p, head: st, domain: paymentsv1.Domain(place.ChainID, place.RollupID), place: place,
		accounts: map[uint32]*Account{}}
}

func (v *view) account(index uint32) (*Account, error) {
	if a, ok := v.accounts[index]; ok {
		return a, nil
	}
	if uint64(index) >= 1<<uint(v.p.Depth) {
		return &Account{}, nil
	}
	a, err := v.head.Account(index)
	if err != nil {
		return nil, err
	}
	v.accounts[index] = &a
	return &a, nil
}

// Apply adds an accepted transaction's effect.
func (v *view) Apply(t rollupkit.Tx) {
	kt, ok := t.(*KitTx)
	if !ok {
		return
	}
	tx := &kt.Tx
	from, err := v.account(tx.From)
	if err != nil {
		return
	}
	debit := new(big.Int).Add(tx.Amount.Value(), tx.Fee.Value())
	from.Balance.Sub(&from.Balance, debit)
	from.Nonce++
	if tx.Kind == KindTransfer {
		if to, err := v.account(tx.To); err == nil {
			to.Balance.Add(&to.Balance, tx.Amount.Value())
		}
	}
}

func apiErr(code, format string, args ...any) *rollupkit.APIError {
	return rollupkit.NewAPIError(code, format, args...)
}

// Admit checks a transaction against the view: what BuildBatch will
// check, with clear errors.
func (v *view) Admit(t rollupkit.Tx, pol rollupkit.Policy) error {
	kt, ok := t.(*KitTx)
	if !ok {
		return apiErr(rollupkit.CodeInvalidTx, "not a payments transaction")
	}
	if aerr := v.admit(&kt.Tx, t, pol); aerr != nil {
		return aerr
	}
	return nil
}

func (v *view) admit(tx *Tx, t rollupkit.Tx, pol rollupkit.Policy) *rollupkit.APIError {
	denom := v.p.Denom
	if tx.Amount.Value().Sign() == 0 {
		return apiErr(rollupkit.CodeInvalidTx, "a %s of zero", kindNames[tx.Kind])
	}
	if pol.MinFee != nil && tx.Fee.Value().Cmp(pol.MinFee) < 0 {
		return apiErr(rollupkit.CodeFeeTooLow, "fee %s%s, but this operator takes at least %s%s (min_fee in /v1/status)",
			tx.Fee.Value(), denom, pol.MinFee, denom)
	}
	capacity := uint64(1) << uint(v.p.Depth)
	if uint64(tx.From) >= capacity {
		return apiErr(rollupkit.CodeUnknownAccount, "sender index %d is beyond the tree (capacity %d)", tx.From, capacity)
	}
	from, err := v.account(tx.From)
	if err != nil {
		return apiErr(rollupkit.CodeInternal, "%v", err)
	}
	if !from.Exists() {
		return apiErr(rollupkit.CodeUnknownAccount, "no L2 account at index %d (a deposit creates one)", tx.From)
	}
	if pol.Unverified != nil {
		if n := pol.Unverified(t.Sender()); n >= pol.MaxPendingPerSender {
			return apiErr(rollupkit.CodeTooManyPending, "account %d has %d transactions waiting for verification, at most %d; try again once some are verified",
				tx.From, n, pol.MaxPendingPerSender)
		}
	}
	if tx.Nonce != from.Nonce {
		return apiErr(rollupkit.CodeBadNonce, "nonce %d, but account %d's next nonce is %d (counting accepted transactions)", tx.Nonce, tx.From, from.Nonce)
	}
	if !tx.Verify(from.Key, v.domain, denom) {
		return apiErr(rollupkit.CodeBadSignature, "the signature does not verify for account %d's key on %s/%s", tx.From, v.place.ChainID, v.place.RollupID)
	}
	debit := new(big.Int).Add(tx.Amount.Value(), tx.Fee.Value())
	if debit.Cmp(&from.Balance) > 0 {
		return apiErr(rollupkit.CodeInsufficientBalance, "amount + fee = %s%s, but account %d has %s%s (counting accepted transactions)",
			debit, denom, tx.From, &from.Balance, denom)
	}
	switch tx.Kind {
	case KindTransfer:
		if uint64(tx.To) >= capacity {
			return apiErr(rollupkit.CodeUnknownRecipient, "recipient index %d is beyond the tree", tx.To)
		}
		to, err := v.account(tx.To)
		if err != nil {
			return apiErr(rollupkit.CodeInternal, "%v", err)
		}
		if !to.Exists() {
			return apiErr(rollupkit.CodeUnknownRecipient, "no L2 account at index %d (a deposit creates one)", tx.To)
		}
		if to.Key != tx.ToKey {
			return apiErr(rollupkit.CodeUnknownRecipient, "the account at index %d is not the signed recipient %x", tx.To, tx.ToKey.Address())
		}
	default:
		out, ok := tx.OutboxEntry(from.Key, denom)
		if !ok {
			return apiErr(rollupkit.CodeNotRepresentable, "amount does not fit an outbox entry")
		}
		if err := out.Validate(); err != nil {
			return apiErr(rollupkit.CodeInvalidTx, "outbox entry: %v", err)
		}
		// The chain fails the whole batch on an entry it cannot deliver.
		if pol.ChainRules != nil {
			if err := pol.ChainRules(t); err != nil {
				if ae, ok := err.(*rollupkit.APIError); ok {
					return ae
				}
				return apiErr(rollupkit.CodeInternal, "%v", err)
			}
		}
	}
	return nil
}

// Account reports an account by its L2 address: at the head, with the
// pending transactions, and verified (an AccountView).
func (r *Rollup) Account(addr []byte, head rollupkit.State, pending rollupkit.View, verified rollupkit.State) (any, error) {
	pk, err := paymentsv1.ParseAddress(addr)
	if err != nil {
		return nil, apiErr(rollupkit.CodeInvalidRequest, "%v", err)
	}
	hs, _ := PaymentsState(head)
	vs, _ := PaymentsState(verified)
	pv, ok := pending.(*view)
	if hs == nil || vs == nil || !ok {
		return nil, apiErr(rollupkit.CodeInternal, "payments: not a payments state")
	}
	idx, ok, err := hs.IndexOf(pk)
	if err != nil {
		return nil, apiErr(rollupkit.CodeInternal, "%v", err)
	}
	if !ok {
		return nil, apiErr(rollupkit.CodeUnknownAccount, "no L2 account for %x yet (a deposit to it creates one once its batch is built)", addr)
	}
	h, err := hs.Account(idx)
	if err != nil {
		return nil, apiErr(rollupkit.CodeInternal, "%v", err)
	}
	p, err := pv.account(idx)
	if err != nil {
		return nil, apiErr(rollupkit.CodeInternal, "%v", err)
	}
	ver, err := vs.Account(idx)
	if err != nil {
		return nil, apiErr(rollupkit.CodeInternal, "%v", err)
	}
	return AccountView{
		Address: fmt.Sprintf("%x", addr), Index: idx,
		Balance: h.Balance.String(), Nonce: h.Nonce,
		PendingBalance: p.Balance.String(), PendingNonce: p.Nonce,
		VerifiedBalance: ver.Balance.String(), VerifiedNonce: ver.Nonce,
	}, nil
}
