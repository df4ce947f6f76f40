package exchange

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/rollupkit"
)

// builder accumulates one batch.
type builder struct {
	s          *State
	ctx        rollupkit.BatchContext
	domain     fr.Element
	batch      *rollupkit.Batch
	records    []Record
	slots      []SlotWitness
	calls      []CallWitness
	subroots   []frontend.Variable
	accRoot    fr.Element
	pool       exchangev1.Pool // the pool now
	pool0      exchangev1.Pool // the pool before the batch
	inboxAfter fr.Element
}

// BuildBatch applies, in order, as many unconsumed inbox entries as fit and
// then the transactions, one slot each, and returns the batch with its
// witness. Transactions that break a rule are rejected and left out; inbox
// entries never fail (spec section 5). The state advances.
func (s *State) BuildBatch(ctx rollupkit.BatchContext, inbox []protocol.InboxEntry, txs []Tx) (*rollupkit.Batch, error) {
	b := &builder{s: s, ctx: ctx, domain: exchangev1.Domain(ctx.ChainID, ctx.RollupID), inboxAfter: ctx.InboxBefore,
		batch: &rollupkit.Batch{Rejected: map[int]error{}}}
	var err1, err2, err3, err4 error
	b.batch.PrevRoot, err1 = s.Root()
	b.accRoot, err2 = s.tree.Root()
	b.pool, err3 = s.Pool()
	b.pool0 = b.pool
	b.subroots, err4 = s.acc.Subroots(s.p.PathDepth())
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return nil, err
	}
	for i := 0; i < len(inbox) && len(b.slots) < s.p.Slots; i++ {
		e := inbox[i]
		o, err := b.plan(e)
		if err != nil {
			return nil, err
		}
		// only the first CallSlots slots decode calls: the inbox stops at a
		// call swap it cannot place (never refunds it for want of a slot)
		if o.r.Kind == KindCallSwap && len(b.slots) >= s.p.CallSlots {
			break
		}
		b.batch.InboxConsumed++
		b.inboxAfter = protocol.InboxAccumulate(b.inboxAfter, e)
		if e.Kind == protocol.InboxKindForcedTx {
			b.batch.Forced = append(b.batch.Forced, rollupkit.ForcedOutcome{Sequence: e.Sequence, Reason: ErrForcedUnsupported})
		}
		if err := b.slot(o); err != nil {
			return nil, err
		}
	}
	for i := 0; i < len(txs) && len(b.slots) < s.p.Slots; i++ {
		if err := b.apply(&txs[i]); err != nil {
			b.batch.Rejected[i] = err
			continue
		}
		b.batch.Included = append(b.batch.Included, i)
	}
	for len(b.slots) < s.p.Slots {
		if err := b.slot(op{}); err != nil {
			return nil, err
		}
	}
	return b.finish()
}

// op is one slot's effect: its record, the account and pool after it, and
// the entries it consumes and emits.
type op struct {
	r          Record
	min1, min2 *big.Int
	acc        *exchangev1.Account // the account after (nil: untouched)
	create     bool
	minBit     bool             // add: the quote bound gave the shares
	pool       *exchangev1.Pool // the pool after (nil: unchanged)
	in         *protocol.InboxEntry
	out        *protocol.OutboxEntry
	toL1       bool
	sig        *Signature
}

// plan is what an inbox entry's slot does: skip, call swap, credit or
// refund.
func (b *builder) plan(e protocol.InboxEntry) (op, error) {
	amt := e.Amount.BigInt()
	if amt.Sign() == 0 {
		return op{r: Record{Kind: KindSkip}, in: &e}, nil
	}
	side, known := uint8(0), e.Denom == b.s.p.BaseDenom
	if e.Denom == b.s.p.QuoteDenom {
		side, known = 1, true
	}
	isMsg := e.Kind == protocol.InboxKindCrossRollupMessage
	if known && (isMsg || e.Kind == protocol.InboxKindL1Call) && len(e.Payload) > 0 {
		if o, ok := b.callSwap(e, side, amt); ok {
			return o, nil
		}
	} else if known && (isMsg || e.Kind == protocol.InboxKindDeposit || e.Kind == protocol.InboxKindRefund) {
		if idx, create, pk, err := b.s.recipientIndex(e.Recipient); err == nil {
			o, err := b.effect(Record{Kind: KindCredit, Side: side, Account: idx, V1: amt})
			if err != nil {
				return op{}, err
			}
			if create {
				o.acc.Key, o.create = pk, true
			}
			if fits(o.acc.Base, o.acc.Quote) {
				o.in = &e
				return o, nil
			}
		}
	}
	toL1 := e.Kind == protocol.InboxKindDeposit || e.Kind == protocol.InboxKindL1Call
	out := protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Sender: e.Recipient, Recipient: e.Sender, Denom: e.Denom, Amount: e.Amount}
	if !toL1 {
		out.Kind, out.DestRollupID, out.Payload = protocol.OutboxKindCrossRollupMessage, e.SourceRollupID, e.Payload
	}
	return op{r: Record{Kind: KindRefund, V1: amt}, in: &e, out: &out, toL1: toL1}, nil
}

// effect is the op of r on the current account and pool (ranges unchecked).
func (b *builder) effect(r Record) (op, error) {
	a, err := b.s.Account(r.Account)
	pool := b.pool
	applyRecord(&a, &pool, r)
	return op{r: r, acc: &a, pool: &pool}, err
}

// callSwap is the swap an inbox call asks for, if it decodes and succeeds.
func (b *builder) callSwap(e protocol.InboxEntry, side uint8, x *big.Int) (op, bool) {
	p := b.s.p
	call, err := exchangev1.DecodeSwapCall(e.Payload)
	if err != nil || call.OutDenomDigest != exchangev1.DenomDigestBytes(p.denom(1-side)) {
		return op{}, false
	}
	// The output's sender is the entry's recipient, chosen by the caller:
	// it must be an address this rollup can credit, so that a bounce of
	// the output comes to rest here instead of being refunded back out
	// (red team 6, R6-1: an output whose sender and recipient are both
	// not keys went round between the exchange and a payments rollup for
	// ever). A call that names no such address is refunded.
	if _, _, _, err := b.s.recipientIndex(e.Recipient); err != nil {
		return op{}, false
	}
	out, err := swapOut(b.pool, side, x, call.MinOut, p.FeeBps)
	if err != nil {
		return op{}, false
	}
	oe := protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Sender: e.Recipient, Recipient: call.Recipient,
		DestRollupID: call.DestRollup, Denom: p.denom(1 - side)}
	if call.DestRollup != "" {
		oe.Kind = protocol.OutboxKindCrossRollupMessage
	}
	oe.Amount, _ = protocol.Uint128FromBig(out)
	if oe.Validate() != nil {
		return op{}, false
	}
	o, _ := b.effect(Record{Kind: KindCallSwap, Side: side, V1: x, V2: out})
	o.acc, o.min1, o.in, o.out = nil, call.MinOut, &e, &oe
	return o, fits(o.pool.ReserveBase, o.pool.ReserveQuote)
}

// apply checks and executes a signed transaction.
func (b *builder) apply(tx *Tx) error {
	p := b.s.p
	if err := tx.validateShape(); err != nil {
		return err
	}
	if uint64(tx.Account) >= b.s.tree.Capacity() {
		return fmt.Errorf("%w: account %d out of the tree", ErrTx, tx.Account)
	}
	a, err := b.s.Account(tx.Account)
	if err != nil {
		return err
	}
	if !exists(a) || tx.Nonce != a.Nonce || a.Nonce == 1<<exchangev1.NonceBits-1 {
		return fmt.Errorf("%w: no account, or nonce %d (account at %d)", ErrTx, tx.Nonce, a.Nonce)
	}
	if !a.Key.Verify(tx.Sig, b.domain, tx.Message(a.Key, p)...) {
		return fmt.Errorf("%w: bad signature", ErrTx)
	}
	r, x := Record{Kind: tx.Kind, Side: tx.Side, Account: tx.Account, V1: tx.Amount1}, tx.Amount1
	var out *protocol.OutboxEntry
	var quoteBound bool
	switch tx.Kind {
	case KindSwap:
		r.V2, err = swapOut(b.pool, tx.Side, x, tx.Min1, p.FeeBps)
	case KindAdd:
		r.V2 = nz(tx.Amount2)
		r.V3, quoteBound, err = addShares(b.pool, x, r.V2, tx.Min1)
	case KindRemove:
		r.V2, r.V3, err = removeOut(b.pool, x, tx.Min1, tx.Min2)
	case KindWithdraw:
		e := tx.OutboxEntry(a.Key, p)
		out, err = &e, e.Validate()
	}
	if err != nil {
		return err
	}
	o, err := b.effect(r)
	if err != nil {
		return err
	}
	if !fits(o.acc.Base, o.acc.Quote, o.acc.Shares, o.pool.ReserveBase, o.pool.ReserveQuote, o.pool.TotalShares) {
		return ErrInsufficient
	}
	o.min1, o.min2, o.sig, o.out, o.minBit = tx.Min1, tx.Min2, &tx.Sig, out, quoteBound
	return b.slot(o)
}
