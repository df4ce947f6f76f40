package exchange

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// Admission: a transaction is checked against the head state plus the
// transactions already accepted (the view), with the pool as they leave
// it. The pool also moves with other accounts' accepted transactions and
// the inbox's call swaps, in the order the batch executes them, so a swap,
// add or remove admitted here can still miss its minimum when built (it
// is then rejected with the builder's reason).

// view is the head state plus the accepted transactions: the accounts
// they changed (loaded from the head on first use) and the pool.
type view struct {
	p        Params
	head     *State
	domain   fr.Element
	place    rollupkit.Place
	accounts map[uint32]*exchangev1.Account
	pool     *exchangev1.Pool
}

// NewView starts a view on head.
func (r *Rollup) NewView(head rollupkit.State, place rollupkit.Place) rollupkit.View {
	st, _ := ExchangeState(head)
	return &view{p: r.p, head: st, domain: exchangev1.Domain(place.ChainID, place.RollupID), place: place,
		accounts: map[uint32]*exchangev1.Account{}}
}

func (v *view) account(index uint32) (*exchangev1.Account, error) {
	if a, ok := v.accounts[index]; ok {
		return a, nil
	}
	if v.head == nil {
		return nil, errors.New("exchange: not an exchange state")
	}
	a, err := v.head.Account(index)
	if err != nil {
		return nil, err
	}
	v.accounts[index] = &a
	return &a, nil
}

func (v *view) poolNow() (*exchangev1.Pool, error) {
	if v.pool == nil {
		if v.head == nil {
			return nil, errors.New("exchange: not an exchange state")
		}
		p, err := v.head.Pool()
		if err != nil {
			return nil, err
		}
		v.pool = &p
	}
	return v.pool, nil
}

// effect is tx's record on the view's account and pool, and the account
// and pool after it; err is a pool rule (ErrPoolEmpty, ErrSlippage,
// ErrZeroAmount, ErrOverflow) or ErrInsufficient.
func (v *view) effect(tx *Tx) (r Record, a exchangev1.Account, pool exchangev1.Pool, err error) {
	from, err := v.account(tx.Account)
	if err != nil {
		return r, a, pool, err
	}
	pp, err := v.poolNow()
	if err != nil {
		return r, a, pool, err
	}
	a, pool = *from, *pp
	r = Record{Kind: tx.Kind, Side: tx.Side, Account: tx.Account, V1: nz(tx.Amount1)}
	switch tx.Kind {
	case KindSwap:
		r.V2, err = swapOut(pool, tx.Side, r.V1, tx.Min1, v.p.FeeBps)
	case KindAdd:
		r.V2 = nz(tx.Amount2)
		r.V3, _, err = addShares(pool, r.V1, r.V2, tx.Min1)
	case KindRemove:
		r.V2, r.V3, err = removeOut(pool, r.V1, tx.Min1, tx.Min2)
	}
	if err != nil {
		return r, a, pool, err
	}
	applyRecord(&a, &pool, r)
	if !fits(a.Base, a.Quote, a.Shares) {
		return r, a, pool, ErrInsufficient
	}
	if !fits(pool.ReserveBase, pool.ReserveQuote, pool.TotalShares) {
		return r, a, pool, ErrOverflow
	}
	return r, a, pool, nil
}

// Apply adds an accepted transaction's effect: its nonce always, its
// balances and the pool when it applies to the view.
func (v *view) Apply(t rollupkit.Tx) {
	kt, ok := t.(*KitTx)
	if !ok {
		return
	}
	from, err := v.account(kt.Tx.Account)
	if err != nil {
		return
	}
	_, a, pool, err := v.effect(&kt.Tx)
	if err == nil {
		*from, *v.pool = a, pool
		return
	}
	from.Nonce++
}

func apiErr(code, format string, args ...any) *rollupkit.APIError {
	return rollupkit.NewAPIError(code, format, args...)
}

// Admit checks a transaction against the view: what BuildBatch will
// check, with clear errors. v1 transactions pay no fee: the operator's
// min_fee does not apply to them.
func (v *view) Admit(t rollupkit.Tx, pol rollupkit.Policy) error {
	kt, ok := t.(*KitTx)
	if !ok {
		return apiErr(rollupkit.CodeInvalidTx, "not an exchange transaction")
	}
	if aerr := v.admit(&kt.Tx, t, pol); aerr != nil {
		return aerr
	}
	return nil
}

var kindWords = map[Kind]string{KindSwap: "swap", KindAdd: "add", KindRemove: "remove", KindWithdraw: "withdrawal"}

func (v *view) admit(tx *Tx, t rollupkit.Tx, pol rollupkit.Policy) *rollupkit.APIError {
	if err := tx.validateShape(); err != nil {
		if errors.Is(err, ErrOverflow) {
			return apiErr(rollupkit.CodeNotRepresentable, "an amount is not below 2^128")
		}
		return apiErr(rollupkit.CodeInvalidTx, "%v", err)
	}
	capacity := uint64(1) << uint(v.p.Depth)
	if uint64(tx.Account) >= capacity {
		return apiErr(rollupkit.CodeUnknownAccount, "account index %d is beyond the tree (capacity %d)", tx.Account, capacity)
	}
	from, err := v.account(tx.Account)
	if err != nil {
		return apiErr(rollupkit.CodeInternal, "%v", err)
	}
	if !exists(*from) {
		return apiErr(rollupkit.CodeUnknownAccount, "no L2 account at index %d (a deposit creates one)", tx.Account)
	}
	if pol.Unverified != nil {
		if n := pol.Unverified(t.Sender()); n >= pol.MaxPendingPerSender {
			return apiErr(rollupkit.CodeTooManyPending, "account %d has %d transactions waiting for verification, at most %d; try again once some are verified",
				tx.Account, n, pol.MaxPendingPerSender)
		}
	}
	if tx.Nonce != from.Nonce {
		return apiErr(rollupkit.CodeBadNonce, "nonce %d, but account %d's next nonce is %d (counting accepted transactions)", tx.Nonce, tx.Account, from.Nonce)
	}
	if from.Nonce == 1<<exchangev1.NonceBits-1 {
		return apiErr(rollupkit.CodeBadNonce, "account %d has used its last nonce", tx.Account)
	}
	if !from.Key.Verify(tx.Sig, v.domain, tx.Message(from.Key, v.p)...) {
		return apiErr(rollupkit.CodeBadSignature, "the signature does not verify for account %d's key on %s/%s", tx.Account, v.place.ChainID, v.place.RollupID)
	}
	if aerr := v.balances(tx, from); aerr != nil {
		return aerr
	}
	if tx.Kind == KindWithdraw {
		out := tx.OutboxEntry(from.Key, v.p)
		if err := out.Validate(); err != nil {
			return apiErr(rollupkit.CodeInvalidTx, "outbox entry: %v", err)
		}
		// The chain fails the whole batch on an entry it cannot deliver.
		if pol.ChainRules != nil {
			if err := pol.ChainRules(t); err != nil {
				var ae *rollupkit.APIError
				if errors.As(err, &ae) {
					return ae
				}
				return apiErr(rollupkit.CodeInternal, "%v", err)
			}
		}
		return nil
	}
	_, _, _, err = v.effect(tx)
	return v.poolError(tx, err)
}

// balances refuses a transaction that spends more than the account holds
// (counting accepted transactions).
func (v *view) balances(tx *Tx, from *exchangev1.Account) *rollupkit.APIError {
	type need struct {
		what string
		want *big.Int
		have *big.Int
	}
	var needs []need
	switch tx.Kind {
	case KindSwap, KindWithdraw:
		needs = append(needs, need{v.p.denom(tx.Side), tx.Amount1, *balance(from, tx.Side)})
	case KindAdd:
		needs = append(needs, need{v.p.BaseDenom, tx.Amount1, from.Base}, need{v.p.QuoteDenom, tx.Amount2, from.Quote})
	case KindRemove:
		needs = append(needs, need{"shares", tx.Amount1, from.Shares})
	}
	for _, n := range needs {
		if nz(n.want).Cmp(nz(n.have)) > 0 {
			return apiErr(rollupkit.CodeInsufficientBalance, "the %s takes %s %s, but account %d has %s %s (counting accepted transactions)",
				kindWords[tx.Kind], nz(n.want), n.what, tx.Account, nz(n.have), n.what)
		}
	}
	return nil
}

// poolError is a pool rule's refusal, with the numbers the view sees.
func (v *view) poolError(tx *Tx, err error) *rollupkit.APIError {
	if err == nil {
		return nil
	}
	pool, perr := v.poolNow()
	if perr != nil {
		return apiErr(rollupkit.CodeInternal, "%v", perr)
	}
	reserves := fmt.Sprintf("the pool holds %s%s and %s%s, %s shares (counting accepted transactions)",
		nz(pool.ReserveBase), v.p.BaseDenom, nz(pool.ReserveQuote), v.p.QuoteDenom, nz(pool.TotalShares))
	switch {
	case errors.Is(err, ErrPoolEmpty):
		return apiErr(rollupkit.CodeInvalidTx, "the pool is empty: a %s needs liquidity (add some first); %s", kindWords[tx.Kind], reserves)
	case errors.Is(err, ErrZeroAmount):
		return apiErr(rollupkit.CodeInvalidTx, "an add needs both denoms, non-zero")
	case errors.Is(err, ErrSlippage):
		return apiErr(rollupkit.CodeInvalidTx, "%s: %s", v.slippage(tx, pool), reserves)
	case errors.Is(err, ErrOverflow):
		return apiErr(rollupkit.CodeNotRepresentable, "the %s would take a balance or the pool beyond 2^128; %s", kindWords[tx.Kind], reserves)
	case errors.Is(err, ErrInsufficient):
		return apiErr(rollupkit.CodeInsufficientBalance, "the %s takes more than account %d holds (counting accepted transactions)", kindWords[tx.Kind], tx.Account)
	}
	return apiErr(rollupkit.CodeInternal, "%v", err)
}

// slippage says what a transaction would get against its minimum now.
func (v *view) slippage(tx *Tx, pool *exchangev1.Pool) string {
	switch tx.Kind {
	case KindSwap:
		out, _ := swapOut(*pool, tx.Side, nz(tx.Amount1), nil, v.p.FeeBps)
		if out == nil {
			out = new(big.Int)
		}
		return fmt.Sprintf("min out %s%s too high: the swap gives %s%s now (at least 1)", nz(tx.Min1), v.p.denom(1-tx.Side), out, v.p.denom(1-tx.Side))
	case KindAdd:
		s, _, _ := addShares(*pool, nz(tx.Amount1), nz(tx.Amount2), nil)
		if s == nil {
			s = new(big.Int)
		}
		return fmt.Sprintf("min shares %s too high: the add mints %s now (at least 1)", nz(tx.Min1), s)
	case KindRemove:
		b, q, _ := removeOut(*pool, nz(tx.Amount1), nil, nil)
		return fmt.Sprintf("min out %s%s and %s%s too high: the remove gives %s%s and %s%s now",
			nz(tx.Min1), v.p.BaseDenom, nz(tx.Min2), v.p.QuoteDenom, nz(b), v.p.BaseDenom, nz(q), v.p.QuoteDenom)
	}
	return "output below the minimum"
}

// AccountAmounts are an account's balances and nonce at one point.
type AccountAmounts struct {
	Base   string `json:"base"`
	Quote  string `json:"quote"`
	Shares string `json:"shares"`
	Nonce  uint32 `json:"nonce"`
}

// AccountView is GET /v1/accounts/{address}: the account at the head, with
// the accepted transactions (pending) and at the last verified batch.
type AccountView struct {
	Address  string         `json:"address"`
	Index    uint32         `json:"index"`
	Base     string         `json:"base"`
	Quote    string         `json:"quote"`
	Shares   string         `json:"shares"`
	Nonce    uint32         `json:"nonce"`
	Pending  AccountAmounts `json:"pending"`
	Verified AccountAmounts `json:"verified"`
	// Pool is the pool at the head, PendingPool with the accepted
	// transactions: what a wallet quotes a swap on (l2 exchange pool).
	Pool        PoolAmounts `json:"pool"`
	PendingPool PoolAmounts `json:"pending_pool"`
	// VerifiedPool and VerifiedAccountsRoot are the pool and the account
	// tree's root at the last verified batch: a wallet recomputes
	// exchangev1.StateRoot from them and the chain's layout and checks it
	// against the rollup's state root on the chain before it quotes, so
	// an operator's word alone never sets a signed minimum (red team 7,
	// R7-1).
	VerifiedPool         PoolAmounts `json:"verified_pool"`
	VerifiedAccountsRoot string      `json:"verified_accounts_root"`
}

// PoolAmounts are the pool's reserves and shares at one point.
type PoolAmounts struct {
	ReserveBase  string `json:"reserve_base"`
	ReserveQuote string `json:"reserve_quote"`
	TotalShares  string `json:"total_shares"`
}

func poolAmounts(p exchangev1.Pool) PoolAmounts {
	return PoolAmounts{ReserveBase: nz(p.ReserveBase).String(), ReserveQuote: nz(p.ReserveQuote).String(), TotalShares: nz(p.TotalShares).String()}
}

func amounts(a exchangev1.Account) AccountAmounts {
	return AccountAmounts{Base: nz(a.Base).String(), Quote: nz(a.Quote).String(), Shares: nz(a.Shares).String(), Nonce: a.Nonce}
}

// Account reports an account by its L2 address.
func (r *Rollup) Account(addr []byte, head rollupkit.State, pending rollupkit.View, verified rollupkit.State) (any, error) {
	pk, err := paymentsv1.ParseAddress(addr)
	if err != nil {
		return nil, apiErr(rollupkit.CodeInvalidRequest, "%v", err)
	}
	hs, _ := ExchangeState(head)
	vs, _ := ExchangeState(verified)
	pv, ok := pending.(*view)
	if hs == nil || vs == nil || !ok {
		return nil, apiErr(rollupkit.CodeInternal, "exchange: not an exchange state")
	}
	idx, ok, err := hs.IndexOf(pk)
	if err != nil {
		return nil, apiErr(rollupkit.CodeInternal, "%v", err)
	}
	if !ok {
		return nil, apiErr(rollupkit.CodeUnknownAccount, "no L2 account for %x yet (a deposit to it creates one once its batch is built)", addr)
	}
	h, err1 := hs.Account(idx)
	p, err2 := pv.account(idx)
	ver, err3 := vs.Account(idx)
	hp, err4 := hs.Pool()
	pp, err5 := pv.poolNow()
	vp, err6 := vs.Pool()
	vr, err7 := vs.AccountsRoot()
	if err := errors.Join(err1, err2, err3, err4, err5, err6, err7); err != nil {
		return nil, apiErr(rollupkit.CodeInternal, "%v", err)
	}
	ha := amounts(h)
	return AccountView{Address: fmt.Sprintf("%x", addr), Index: idx, Base: ha.Base, Quote: ha.Quote, Shares: ha.Shares,
		Nonce: ha.Nonce, Pending: amounts(*p), Verified: amounts(ver), Pool: poolAmounts(hp), PendingPool: poolAmounts(*pp),
		VerifiedPool: poolAmounts(vp), VerifiedAccountsRoot: hex.EncodeToString(protocol.StateRootBytes(vr))}, nil
}
