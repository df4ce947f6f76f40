package exchange

import (
	"errors"
	"math/big"

	"github.com/nativechain/nativechain/protocol/exchangev1"
)

// Pool-rule errors (spec section 3).
var (
	ErrPoolEmpty    = errors.New("exchange: the pool is empty")
	ErrZeroAmount   = errors.New("exchange: zero amount")
	ErrSlippage     = errors.New("exchange: output below the minimum")
	ErrOverflow     = errors.New("exchange: amount out of the 128-bit range")
	ErrInsufficient = errors.New("exchange: insufficient balance")
	// ErrForcedUnsupported is the outcome of every forced transaction (v1).
	ErrForcedUnsupported = errors.New("exchange: forced transactions are not supported in v1 (consumed, ignored)")
)

func mulDiv(a, b, d *big.Int) *big.Int {
	return new(big.Int).Quo(new(big.Int).Mul(a, b), d)
}

func fits(vs ...*big.Int) bool {
	for _, v := range vs {
		if v.Sign() < 0 || v.Cmp(exchangev1.MaxAmount) > 0 {
			return false
		}
	}
	return true
}

func nz(v *big.Int) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return v
}

// atLeast refuses v below max(min, 1).
func atLeast(v, min *big.Int) error {
	if v.Sign() == 0 || v.Cmp(nz(min)) < 0 {
		return ErrSlippage
	}
	return nil
}

// swapOut is floor(x·(10000−f)·rOut / (rIn·10000 + x·(10000−f))) for x > 0,
// refused below max(minOut, 1).
func swapOut(p exchangev1.Pool, side uint8, x, minOut *big.Int, feeBps uint32) (*big.Int, error) {
	rIn, rOut := nz(p.ReserveBase), nz(p.ReserveQuote)
	if side == 1 {
		rIn, rOut = rOut, rIn
	}
	if rIn.Sign() == 0 {
		return nil, ErrPoolEmpty
	}
	xf := new(big.Int).Mul(x, big.NewInt(int64(bps-feeBps)))
	out := mulDiv(xf, rOut, new(big.Int).Add(new(big.Int).Mul(rIn, big.NewInt(bps)), xf))
	return out, atLeast(out, minOut)
}

// applyRecord applies a record's effect to its account and the pool, as
// the circuit does; the caller checks the ranges (fits) afterwards.
func applyRecord(a *exchangev1.Account, p *exchangev1.Pool, r Record) {
	add := func(dst **big.Int, v *big.Int, sign int64) {
		*dst = new(big.Int).Add(nz(*dst), new(big.Int).Mul(nz(v), big.NewInt(sign)))
	}
	switch r.Kind {
	case KindSwap, KindCallSwap:
		if r.Kind == KindSwap {
			add(balance(a, r.Side), r.V1, -1)
			add(balance(a, 1-r.Side), r.V2, 1)
		}
		rIn, rOut := &p.ReserveBase, &p.ReserveQuote
		if r.Side == 1 {
			rIn, rOut = rOut, rIn
		}
		add(rIn, r.V1, 1)
		add(rOut, r.V2, -1)
	case KindAdd, KindRemove: // (base, quote, shares) move from the account to the pool, or back
		sign, v := int64(1), [3]*big.Int{r.V1, r.V2, r.V3}
		if r.Kind == KindRemove {
			sign, v = -1, [3]*big.Int{r.V2, r.V3, r.V1}
		}
		for i, dst := range []**big.Int{&p.ReserveBase, &p.ReserveQuote, &p.TotalShares, &a.Base, &a.Quote} {
			add(dst, v[i%3], sign*(1-2*int64(i/3)))
		}
		add(&a.Shares, v[2], sign)
	case KindWithdraw:
		add(balance(a, r.Side), r.V1, -1)
	case KindCredit:
		add(balance(a, r.Side), r.V1, 1)
	}
	if r.Kind >= KindSwap && r.Kind <= KindWithdraw {
		a.Nonce++
	}
}

func balance(a *exchangev1.Account, side uint8) **big.Int {
	if side == 1 {
		return &a.Quote
	}
	return &a.Base
}

// addShares is the shares minted for (b, q) and whether the quote bound
// gave them. Both bounds must be below 2^128 (the circuit's range for them).
func addShares(p exchangev1.Pool, b, q, minShares *big.Int) (minted *big.Int, quoteBound bool, err error) {
	s := nz(p.TotalShares)
	if q.Sign() == 0 {
		return nil, false, ErrZeroAmount
	}
	if s.Sign() == 0 {
		return new(big.Int).Set(b), false, atLeast(b, minShares)
	}
	if nz(p.ReserveBase).Sign() == 0 || nz(p.ReserveQuote).Sign() == 0 { // not reachable from genesis
		return nil, false, ErrPoolEmpty
	}
	y1, y2 := mulDiv(b, s, p.ReserveBase), mulDiv(q, s, p.ReserveQuote)
	if !fits(y1, y2) {
		return nil, false, ErrOverflow
	}
	if quoteBound = y2.Cmp(y1) < 0; quoteBound {
		y1 = y2
	}
	return y1, quoteBound, atLeast(y1, minShares)
}

// removeOut is what s shares take out, each at least its minimum.
func removeOut(p exchangev1.Pool, s, minBase, minQuote *big.Int) (base, quote *big.Int, err error) {
	if nz(p.TotalShares).Sign() == 0 {
		return nil, nil, ErrPoolEmpty
	}
	base, quote = mulDiv(s, nz(p.ReserveBase), p.TotalShares), mulDiv(s, nz(p.ReserveQuote), p.TotalShares)
	if base.Cmp(nz(minBase)) < 0 || quote.Cmp(nz(minQuote)) < 0 {
		err = ErrSlippage
	}
	return base, quote, err
}
