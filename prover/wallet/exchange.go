package wallet

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/exchange"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/prover/payments"
)

// ExchangeKind is the operator's status "kind" of an exchange rollup.
const ExchangeKind = "exchange"

// ErrExchangeTx is returned for an exchange transaction the wallet will not
// sign (bad amounts, a side the rollup does not have).
var ErrExchangeTx = errors.New("exchange transaction")

// ExchangeDomain is what an exchange signature binds besides the
// transaction: the chain, the rollup and its two denoms (a withdrawal's
// signed outbox entry names its denom). As SigningDomain, none of it comes
// from the operator.
type ExchangeDomain struct {
	ChainID, RollupID string
	Base, Quote       string
}

// Validate checks that every part is set and the denoms differ.
func (d ExchangeDomain) Validate() error {
	if d.ChainID == "" || d.RollupID == "" || d.Base == "" || d.Quote == "" || d.Base == d.Quote {
		return fmt.Errorf("exchange signing domain: chain id %q, rollup id %q, base %q and quote %q must all be set (two denoms)",
			d.ChainID, d.RollupID, d.Base, d.Quote)
	}
	return nil
}

// Params are the exchange params the signature depends on (the denoms).
func (d ExchangeDomain) Params() exchange.Params {
	return exchange.Params{BaseDenom: d.Base, QuoteDenom: d.Quote}
}

// Side is 0 for the base denom, 1 for the quote denom.
func (d ExchangeDomain) Side(denom string) (uint8, error) {
	switch denom {
	case d.Base:
		return 0, nil
	case d.Quote:
		return 1, nil
	}
	return 0, fmt.Errorf("%w: denom %q is not one of the pool's (%s, %s)", ErrExchangeTx, denom, d.Base, d.Quote)
}

// Denom is the denom of a side.
func (d ExchangeDomain) Denom(side uint8) string {
	if side == 1 {
		return d.Quote
	}
	return d.Base
}

// CheckOperator refuses an operator that serves another chain or rollup,
// or a rollup of another kind.
func (d ExchangeDomain) CheckOperator(st operator.Status) error {
	for _, f := range []struct{ name, ours, theirs string }{
		{"chain id", d.ChainID, st.ChainID}, {"rollup id", d.RollupID, st.RollupID}, {"kind", ExchangeKind, st.Kind},
	} {
		if f.ours != f.theirs {
			return fmt.Errorf("%w: it reports %s %q, the chain and command line say %q", ErrOperatorMismatch, f.name, f.theirs, f.ours)
		}
	}
	return nil
}

// ExchangeBalances are an account's balances at one point.
type ExchangeBalances struct {
	Base   string `json:"base"`
	Quote  string `json:"quote"`
	Shares string `json:"shares"`
	Nonce  uint32 `json:"nonce"`
}

// ExchangePool is the pool's reserves and shares.
type ExchangePool struct {
	ReserveBase  string `json:"reserve_base"`
	ReserveQuote string `json:"reserve_quote"`
	TotalShares  string `json:"total_shares"`
}

// ExchangeAccount is GET /v1/accounts/{address} of an exchange operator
// (exchange.AccountView): the account at the head (built batches), with
// accepted transactions (pending) and at the last verified batch; Pool and
// PendingPool are the pool at the head and with accepted transactions,
// when the operator reports them.
type ExchangeAccount struct {
	Address string `json:"address"`
	Index   uint32 `json:"index"`
	ExchangeBalances
	Pending     ExchangeBalances `json:"pending"`
	Verified    ExchangeBalances `json:"verified"`
	Pool        *ExchangePool    `json:"pool,omitempty"`
	PendingPool *ExchangePool    `json:"pending_pool,omitempty"`
	// VerifiedPool and VerifiedAccountsRoot are the pool and the account
	// tree's root at the last verified batch, which VerifiedPoolAgainst
	// checks against the chain.
	VerifiedPool         *ExchangePool `json:"verified_pool,omitempty"`
	VerifiedAccountsRoot string        `json:"verified_accounts_root,omitempty"`
}

// ErrPoolNotOnChain: the pool an operator reports at its last verified
// batch does not give the rollup's state root on the chain.
var ErrPoolNotOnChain = errors.New("wallet: the operator's verified pool is not the chain's")

// VerifiedPoolAgainst returns the pool at the last verified batch after
// checking it against chainRoot, the rollup's state root on the chain:
// exchangev1.StateRoot(VerifiedAccountsRoot, the domain's denoms,
// VerifiedPool) must equal it. A wallet quotes a default minimum only from
// a pool it checked this way, never from the operator's word alone (red
// team 7, R7-1: a lying operator's pool could make the user sign a
// minimum of 1 and sandwich the swap). A mismatch is also what a batch
// verified between the two reads looks like: read both again.
func (a ExchangeAccount) VerifiedPoolAgainst(d ExchangeDomain, chainRoot []byte) (*ExchangePool, error) {
	if a.VerifiedPool == nil || a.VerifiedAccountsRoot == "" {
		return nil, fmt.Errorf("%w: the operator did not report its verified pool", ErrPoolNotOnChain)
	}
	rootBz, err := hex.DecodeString(a.VerifiedAccountsRoot)
	if err != nil {
		return nil, fmt.Errorf("%w: accounts root %q: %v", ErrPoolNotOnChain, a.VerifiedAccountsRoot, err)
	}
	accRoot, err := protocol.ParseStateRoot(rootBz)
	if err != nil {
		return nil, fmt.Errorf("%w: accounts root: %v", ErrPoolNotOnChain, err)
	}
	var vals [3]*big.Int
	for i, s := range []string{a.VerifiedPool.ReserveBase, a.VerifiedPool.ReserveQuote, a.VerifiedPool.TotalShares} {
		v, ok := new(big.Int).SetString(s, 10)
		if !ok || v.Sign() < 0 || v.Cmp(exchangev1.MaxAmount) > 0 {
			return nil, fmt.Errorf("%w: pool amount %q", ErrPoolNotOnChain, s)
		}
		vals[i] = v
	}
	pool := exchangev1.Pool{ReserveBase: vals[0], ReserveQuote: vals[1], TotalShares: vals[2]}
	got := protocol.StateRootBytes(exchangev1.StateRoot(accRoot, exchangev1.Pair{Base: d.Base, Quote: d.Quote}, pool))
	if string(got) != string(chainRoot) {
		return nil, fmt.Errorf("%w: it gives state root %x, the chain has %x", ErrPoolNotOnChain, got, chainRoot)
	}
	return a.VerifiedPool, nil
}

// ExchangeAccount is GET /v1/accounts/{address} on an exchange operator.
func (c *Client) ExchangeAccount(ctx context.Context, pk payments.PublicKey) (ExchangeAccount, error) {
	var a ExchangeAccount
	return a, c.do(ctx, http.MethodGet, fmt.Sprintf("/v1/accounts/%x", pk.Address()), nil, &a)
}

// SubmitExchange is POST /v1/tx with an exchange transaction.
func (c *Client) SubmitExchange(ctx context.Context, tx exchange.Tx) (operator.SubmitResult, error) {
	var r operator.SubmitResult
	return r, c.do(ctx, http.MethodPost, "/v1/tx", tx, &r)
}

// ExchangeDraft is an unsigned exchange transaction; the account index and
// nonce come from the operator. Amounts are as exchange.Tx's.
type ExchangeDraft struct {
	Kind                         exchange.Kind
	Side                         uint8
	Amount1, Amount2, Min1, Min2 *big.Int
	Recipient                    []byte // withdraw: L1 address bytes, or an L2 address on DestRollup
	DestRollup                   string
}

// ExchangeUnsigned is an exchange transaction ready to sign.
type ExchangeUnsigned struct {
	Tx     exchange.Tx
	Domain ExchangeDomain
	Sender payments.PublicKey
}

var exchangeKindNames = map[exchange.Kind]string{
	exchange.KindSwap: "swap", exchange.KindAdd: "add liquidity", exchange.KindRemove: "remove liquidity", exchange.KindWithdraw: "withdraw",
}

// Summary lists everything the signature covers.
func (u *ExchangeUnsigned) Summary() string {
	var b strings.Builder
	d, t := u.Domain, u.Tx
	fmt.Fprintf(&b, "signing   %s on chain %s, exchange rollup %s (%s/%s)\n", exchangeKindNames[t.Kind], d.ChainID, d.RollupID, d.Base, d.Quote)
	fmt.Fprintf(&b, "from      account %d, key %x\n", t.Account, u.Sender.Address())
	switch t.Kind {
	case exchange.KindSwap:
		fmt.Fprintf(&b, "in        %s%s\nmin out   %s%s\n", t.Amount1, d.Denom(t.Side), t.Min1, d.Denom(1-t.Side))
	case exchange.KindAdd:
		fmt.Fprintf(&b, "add       %s%s and %s%s\nmin mint  %s shares\n", t.Amount1, d.Base, t.Amount2, d.Quote, t.Min1)
	case exchange.KindRemove:
		fmt.Fprintf(&b, "shares    %s\nmin out   %s%s and %s%s\n", t.Amount1, t.Min1, d.Base, t.Min2, d.Quote)
	case exchange.KindWithdraw:
		if t.DestRollup == "" {
			fmt.Fprintf(&b, "to        L1 address %x\n", t.Recipient)
		} else {
			fmt.Fprintf(&b, "to        L2 address %x on rollup %s\n", t.Recipient, t.DestRollup)
		}
		fmt.Fprintf(&b, "amount    %s%s\n", t.Amount1, d.Denom(t.Side))
	}
	fmt.Fprintf(&b, "nonce     %d\n", t.Nonce)
	return b.String()
}

// Sign signs with k (the sender's key).
func (u *ExchangeUnsigned) Sign(k *payments.PrivateKey) (exchange.Tx, error) {
	if k.Public != u.Sender {
		return exchange.Tx{}, errors.New("wallet: signing with another key than the sender's")
	}
	u.Tx.Sign(k, u.Domain.ChainID, u.Domain.RollupID, u.Domain.Params())
	// The operator's decoder is the shape check: what it would refuse is
	// refused here, before anything is sent.
	bz, err := json.Marshal(u.Tx)
	if err == nil {
		err = json.Unmarshal(bz, new(exchange.Tx))
	}
	if err != nil {
		return exchange.Tx{}, fmt.Errorf("%w: %v", ErrExchangeTx, err)
	}
	return u.Tx, nil
}

// PrepareExchange checks that the operator serves dom's exchange rollup,
// looks up the sender's index and pending nonce, and checks the draft's
// amounts against the pending balances (the operator checks again). Only
// the index and nonce come from the operator.
func (c *Client) PrepareExchange(ctx context.Context, sender payments.PublicKey, dom ExchangeDomain, d ExchangeDraft) (*ExchangeUnsigned, *ExchangeAccount, error) {
	if err := dom.Validate(); err != nil {
		return nil, nil, err
	}
	st, err := c.Status(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := dom.CheckOperator(st); err != nil {
		return nil, nil, err
	}
	a, err := c.ExchangeAccount(ctx, sender)
	if err != nil {
		return nil, nil, fmt.Errorf("sender: %w", err)
	}
	tx := exchange.Tx{Kind: d.Kind, Account: a.Index, Side: d.Side, Nonce: a.Pending.Nonce,
		Amount1: orZero(d.Amount1), Amount2: orZero(d.Amount2), Min1: orZero(d.Min1), Min2: orZero(d.Min2),
		Recipient: d.Recipient, DestRollup: d.DestRollup}
	if err := checkExchangeFunds(dom, a.Pending, d); err != nil {
		return nil, nil, err
	}
	return &ExchangeUnsigned{Tx: tx, Domain: dom, Sender: sender}, &a, nil
}

// orZero is v, or 0 for an amount left out (printed and signed as 0).
func orZero(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}

// checkExchangeFunds refuses a draft that spends more than the pending
// balances: the user learns it before signing.
func checkExchangeFunds(dom ExchangeDomain, bal ExchangeBalances, d ExchangeDraft) error {
	need := func(have string, v *big.Int, what string) error {
		h, ok := new(big.Int).SetString(have, 10)
		if ok && v != nil && v.Cmp(h) > 0 {
			return fmt.Errorf("%w: insufficient L2 balance: %s %s, available %s", ErrExchangeTx, v, what, h)
		}
		return nil
	}
	side := func(s uint8) string {
		if s == 1 {
			return bal.Quote
		}
		return bal.Base
	}
	switch d.Kind {
	case exchange.KindSwap, exchange.KindWithdraw:
		return need(side(d.Side), d.Amount1, dom.Denom(d.Side))
	case exchange.KindAdd:
		return errors.Join(need(bal.Base, d.Amount1, dom.Base), need(bal.Quote, d.Amount2, dom.Quote))
	case exchange.KindRemove:
		return need(bal.Shares, d.Amount1, "shares")
	}
	return nil
}

// QuoteSwap is the pool rule's output for x in on side (spec section 3):
// floor(x·(10000−f)·rOut / (rIn·10000 + x·(10000−f))).
func QuoteSwap(pool *ExchangePool, side uint8, x *big.Int, feeBps uint32) (*big.Int, error) {
	if pool == nil {
		return nil, fmt.Errorf("%w: the operator did not report the pool", ErrExchangeTx)
	}
	p := *pool
	rb, ok1 := new(big.Int).SetString(p.ReserveBase, 10)
	rq, ok2 := new(big.Int).SetString(p.ReserveQuote, 10)
	if !ok1 || !ok2 || feeBps >= 10000 || x == nil || x.Sign() <= 0 {
		return nil, fmt.Errorf("%w: pool %+v, amount %v, fee %d bps", ErrExchangeTx, p, x, feeBps)
	}
	rIn, rOut := rb, rq
	if side == 1 {
		rIn, rOut = rq, rb
	}
	if rIn.Sign() == 0 {
		return nil, fmt.Errorf("%w: the pool is empty", ErrExchangeTx)
	}
	xf := new(big.Int).Mul(x, big.NewInt(int64(10000-feeBps)))
	den := new(big.Int).Add(new(big.Int).Mul(rIn, big.NewInt(10000)), xf)
	return new(big.Int).Quo(new(big.Int).Mul(xf, rOut), den), nil
}

// PoolPrice is quote per base, to 6 decimals; ok false for an empty pool.
func PoolPrice(p *ExchangePool) (string, bool) {
	if p == nil {
		return "", false
	}
	rb, ok1 := new(big.Int).SetString(p.ReserveBase, 10)
	rq, ok2 := new(big.Int).SetString(p.ReserveQuote, 10)
	if !ok1 || !ok2 || rb.Sign() == 0 {
		return "", false
	}
	return new(big.Rat).SetFrac(rq, rb).FloatString(6), true
}
