package payments

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"

	dbm "github.com/cosmos/cosmos-db"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/gadgets"
	"github.com/nativechain/nativechain/prover/rollupkit"
	"github.com/nativechain/nativechain/prover/tree"
)

var maxBalance = new(big.Int).Lsh(big.NewInt(1), BalanceBits)

// State is the rollup's native state: the account tree and the accounts,
// persisted in a cosmos-db database. BuildBatch advances it; an operator
// keeps one State per proven-and-accepted history (rebuild or reopen a copy
// if a batch is not accepted).
type State struct {
	p    Params
	db   dbm.DB
	acc  *rollupkit.AccountStore
	tree *tree.Tree // acc.Tree
}

// OpenState opens (or initialises) the state in db.
func OpenState(db dbm.DB, p Params) (*State, error) {
	p = p.WithDefaults()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	acc, err := rollupkit.OpenAccountStore(db, p.Depth, EmptyLeaf)
	if err != nil {
		return nil, err
	}
	return &State{p: p, db: db, acc: acc, tree: acc.Tree}, nil
}

// Params are the state's circuit parameters.
func (s *State) Params() Params { return s.p }

// Root is the state root the chain stores.
func (s *State) Root() (fr.Element, error) { return s.tree.Root() }

// Account reads the account at index (the zero account if unused).
func (s *State) Account(index uint32) (Account, error) {
	bz, err := s.acc.Record(index)
	if err != nil || bz == nil {
		return Account{}, err
	}
	if len(bz) != 32+32+16+4 {
		return Account{}, errors.New("payments: corrupt account record")
	}
	var a Account
	a.Key.X.SetBytes(bz[:32])
	a.Key.Y.SetBytes(bz[32:64])
	a.Balance.SetBytes(bz[64:80])
	a.Nonce = binary.BigEndian.Uint32(bz[80:])
	return a, nil
}

// IndexOf finds the account of a key.
func (s *State) IndexOf(pk PublicKey) (uint32, bool, error) { return s.acc.IndexOf(pk.Address()) }

// setAccount writes the account and its leaf.
func (s *State) setAccount(index uint32, a Account) error {
	bz := make([]byte, 0, 84)
	x, y := a.Key.X.Bytes(), a.Key.Y.Bytes()
	bz = append(bz, x[:]...)
	bz = append(bz, y[:]...)
	var bal [16]byte
	a.Balance.FillBytes(bal[:])
	bz = append(bz, bal[:]...)
	bz = binary.BigEndian.AppendUint32(bz, a.Nonce)
	return s.acc.Put(index, a.Leaf(), a.Key.Address(), bz)
}

// BatchContext is what the chain will put in the commitment besides what
// the batch computes (rollupkit.BatchContext).
type BatchContext = rollupkit.BatchContext

// Batch is a built batch: what to post, what to prove.
type Batch struct {
	Data          []byte
	Records       []Record
	Outbox        []protocol.OutboxEntry
	InboxConsumed uint64
	PrevRoot      fr.Element
	NewRoot       fr.Element
	Commitment    protocol.BatchCommitment
	Assignment    *Circuit
	Included      []int         // indices of txs executed, in order
	Rejected      map[int]error // txs refused by the native rules
	Forced        []ForcedOutcome
}

// ForcedOutcome is what a batch did with a consumed forced transaction.
type ForcedOutcome = rollupkit.ForcedOutcome

// EncodedOutbox is protocol.EncodeOutbox of the batch's outbox.
func (b *Batch) EncodedOutbox() ([]byte, error) { return protocol.EncodeOutbox(b.Outbox) }

// builder accumulates one batch.
type builder struct {
	s        *State
	ctx      BatchContext
	domain   fr.Element
	batch    *Batch
	slots    []SlotWitness
	forced   []ForcedWitness
	subroots []frontend.Variable // the tree's nodes at height PathDepth before the batch
	fees     *big.Int
	// inboxAfter is the accumulator after the consumed entries.
	inboxAfter fr.Element
}

// BuildBatch applies, in order, as many of the unconsumed inbox entries as
// fit and then the transactions, to at most Params.Slots slots, and returns
// the batch with its witness; fees go to ctx.Submitter as the last outbox
// entry. Transactions that break a rule are rejected
// and left out; the state advances.
func (s *State) BuildBatch(ctx BatchContext, inbox []protocol.InboxEntry, txs []Tx) (*Batch, error) {
	b, err := s.newBuilder(ctx)
	if err != nil {
		return nil, err
	}
	for _, e := range inbox {
		// only the first ForcedSlots slots can take a forced transaction:
		// the batch stops at one it cannot place, never skips it
		if e.Kind == protocol.InboxKindForcedTx && len(b.slots) >= s.p.ForcedSlots {
			break
		}
		need := 1
		if !b.creditable(e) && !e.Amount.IsZero() { // bounce and bounce-out
			need = 2
		}
		if len(b.slots)+need > s.p.Slots {
			break
		}
		if err := b.consume(e); err != nil {
			return nil, err
		}
	}
	for i := range txs {
		if len(b.slots) == s.p.Slots {
			break
		}
		if err := b.apply(&txs[i]); err != nil {
			b.batch.Rejected[i] = err
			continue
		}
		b.batch.Included = append(b.batch.Included, i)
	}
	for len(b.slots) < s.p.Slots {
		if err := b.noop(); err != nil {
			return nil, err
		}
	}
	return b.finish()
}

// newBuilder starts a batch on the current state.
func (s *State) newBuilder(ctx BatchContext) (*builder, error) {
	prev, err := s.Root()
	if err != nil {
		return nil, err
	}
	subroots, err := s.acc.Subroots(s.p.PathDepth())
	if err != nil {
		return nil, err
	}
	return &builder{s: s, ctx: ctx, domain: paymentsv1.Domain(ctx.ChainID, ctx.RollupID), subroots: subroots,
		batch: &Batch{PrevRoot: prev, Rejected: map[int]error{}}, fees: new(big.Int), inboxAfter: ctx.InboxBefore}, nil
}

// creditable reports whether an inbox entry's value can go to an account.
func (b *builder) creditable(e protocol.InboxEntry) bool {
	switch e.Kind {
	case protocol.InboxKindDeposit, protocol.InboxKindCrossRollupMessage, protocol.InboxKindRefund:
	default:
		return false
	}
	if e.Denom != b.s.p.Denom {
		return false
	}
	pk, err := paymentsv1.ParseAddress(e.Recipient)
	if err != nil {
		return false
	}
	idx, ok, err := b.s.IndexOf(pk)
	if err != nil {
		return false
	}
	if !ok {
		next, err := b.s.acc.NextFree()
		return err == nil && uint64(next) < b.s.tree.Capacity()
	}
	a, err := b.s.Account(idx)
	if err != nil {
		return false
	}
	return new(big.Int).Add(&a.Balance, e.Amount.BigInt()).Cmp(maxBalance) < 0
}

// consume takes one inbox entry: credit, skip, or bounce and bounce-out,
// or a forced transaction.
func (b *builder) consume(e protocol.InboxEntry) error {
	if e.Kind == protocol.InboxKindForcedTx {
		return b.consumeForced(e)
	}
	b.batch.InboxConsumed++
	b.inboxAfter = protocol.InboxAccumulate(b.inboxAfter, e)
	ew := inboxEntryWitness(e)
	switch {
	case b.creditable(e):
		pk, _ := paymentsv1.ParseAddress(e.Recipient)
		idx, ok, err := b.s.IndexOf(pk)
		if err != nil {
			return err
		}
		create := !ok
		if create {
			if idx, err = b.s.acc.NextFree(); err != nil {
				return err
			}
		}
		return b.slot(Record{Kind: KindCredit, To: idx}, slotExtra{entry: ew, credit: e.Amount.BigInt(), create: create, newKey: pk})
	case e.Amount.IsZero():
		return b.slot(Record{Kind: KindSkip}, slotExtra{entry: ew})
	default:
		toL1 := e.Kind == protocol.InboxKindDeposit || e.Kind == protocol.InboxKindL1Call
		if err := b.slot(Record{Kind: KindBounce}, slotExtra{entry: ew, toL1: toL1}); err != nil {
			return err
		}
		out := protocol.OutboxEntry{Sender: e.Recipient, Recipient: e.Sender, Denom: e.Denom, Amount: e.Amount}
		if toL1 {
			out.Kind = protocol.OutboxKindWithdrawal
		} else {
			out.Kind, out.DestRollupID, out.Payload = protocol.OutboxKindCrossRollupMessage, e.SourceRollupID, e.Payload
		}
		b.batch.Outbox = append(b.batch.Outbox, out)
		return b.slot(Record{Kind: KindBounceOut}, slotExtra{entry: outboxEntryWitness(out)})
	}
}

// consumeForced takes a forced transaction: executed if it is valid
// against the current state, as an ordinary transaction would be, and
// consumed without effect otherwise.
func (b *builder) consumeForced(e protocol.InboxEntry) error {
	b.batch.InboxConsumed++
	b.inboxAfter = protocol.InboxAccumulate(b.inboxAfter, e)
	fw := forcedWitness(e)
	tx, reason := DecodeForcedTx(e.Payload)
	if reason == nil && tx.Kind == KindTransfer && uint64(tx.To) < b.s.tree.Capacity() {
		// the payload posts the recipient's index; the signature covers the
		// key of the leaf there, as in the circuit
		to, err := b.s.Account(tx.To)
		if err != nil {
			return err
		}
		tx.ToKey = to.Key
	}
	if reason == nil {
		if reason = b.execute(&tx, &fw); reason == nil {
			b.batch.Forced = append(b.batch.Forced, ForcedOutcome{Sequence: e.Sequence, Executed: true})
			return nil
		}
	}
	b.batch.Forced = append(b.batch.Forced, ForcedOutcome{Sequence: e.Sequence, Reason: reason})
	return b.skipForced(e.Payload, &fw)
}

// skipForced fills a skip slot's witness for a forced transaction the
// state refuses: the circuit reads the accounts and signature the payload
// names to see that it is indeed not valid.
func (b *builder) skipForced(payload []byte, fw *ForcedWitness) error {
	x := slotExtra{forced: fw, idxA: new(uint32), idxB: new(uint32)}
	var sig Signature
	if len(payload) == ForcedTxBytes {
		raw := rawForcedFields(payload)
		mask := uint64(b.s.tree.Capacity() - 1)
		*x.idxA = uint32(raw.from & mask)
		if raw.kind == uint64(KindTransfer) {
			*x.idxB = uint32(raw.to & mask)
		}
		sig = raw.sig
		// a well-formed withdrawal or send the balance covers: the circuit
		// checks its signature over the entry it would emit
		tx, err := DecodeForcedTx(payload)
		if err == nil && tx.Kind != KindTransfer && uint64(tx.From) <= mask {
			a, err := b.s.Account(tx.From)
			if err != nil {
				return err
			}
			if new(big.Int).Add(tx.Amount.Value(), tx.Fee.Value()).Cmp(&a.Balance) <= 0 {
				if out, ok := tx.OutboxEntry(a.Key, b.s.p.Denom); ok {
					x.entry = outboxEntryWitness(out)
				}
			}
		}
	}
	x.sig = &sig
	return b.slot(Record{Kind: KindSkip}, x)
}

// apply checks and executes a user transaction.
func (b *builder) apply(tx *Tx) error { return b.execute(tx, nil) }

// execute checks and executes a transaction, forced (fw not nil) or not.
func (b *builder) execute(tx *Tx, fw *ForcedWitness) error {
	if err := tx.validateShape(); err != nil {
		return err
	}
	capacity := b.s.tree.Capacity()
	if uint64(tx.From) >= capacity || uint64(tx.To) >= capacity {
		return errors.New("payments: index out of range")
	}
	from, err := b.s.Account(tx.From)
	if err != nil {
		return err
	}
	if !from.Exists() {
		return errors.New("payments: sender account does not exist")
	}
	if tx.Nonce != from.Nonce || from.Nonce == 1<<NonceBits-1 {
		return fmt.Errorf("payments: nonce %d, account at %d", tx.Nonce, from.Nonce)
	}
	if !tx.Verify(from.Key, b.domain, b.s.p.Denom) {
		return errors.New("payments: bad signature")
	}
	amount, fee := tx.Amount.Value(), tx.Fee.Value()
	debit := new(big.Int).Add(amount, fee)
	if debit.Cmp(&from.Balance) > 0 {
		return errors.New("payments: insufficient balance")
	}
	extra := slotExtra{sig: &tx.Sig}
	if fw != nil {
		extra.forced, extra.posted = fw, &Record{Kind: KindSkip, Forced: true}
	}
	switch tx.Kind {
	case KindTransfer:
		to, err := b.s.Account(tx.To)
		if err != nil {
			return err
		}
		if !to.Exists() {
			return errors.New("payments: recipient account does not exist")
		}
		if to.Key != tx.ToKey {
			return fmt.Errorf("payments: the account at index %d is not the signed recipient", tx.To)
		}
		bal := new(big.Int).Add(&to.Balance, amount)
		if tx.To == tx.From {
			bal.Sub(bal, debit)
		}
		if bal.Cmp(maxBalance) >= 0 {
			return errors.New("payments: recipient balance would overflow")
		}
	default:
		out, ok := tx.OutboxEntry(from.Key, b.s.p.Denom)
		if !ok {
			return errNotRepresentable
		}
		if err := out.Validate(); err != nil {
			return err
		}
		extra.entry = outboxEntryWitness(out)
		b.batch.Outbox = append(b.batch.Outbox, out)
	}
	extra.credit = amount
	b.fees.Add(b.fees, fee)
	return b.slot(tx.record(), extra)
}

func (b *builder) noop() error { return b.slot(Record{Kind: KindNoop}, slotExtra{}) }

// slotExtra is what a slot needs besides its record.
type slotExtra struct {
	entry  EntryWitness
	credit *big.Int // amount credited to To (transfer amount or entry value)
	create bool
	newKey PublicKey
	toL1   bool
	sig    *Signature
	// forced-capable slots: the forced witness (nil: none consumed), the
	// record posted instead of r, and the accounts a skipped forced
	// transaction reads instead of r's
	forced     *ForcedWitness
	posted     *Record
	idxA, idxB *uint32
}

// slot executes one record on the state and records its witness.
func (b *builder) slot(r Record, x slotExtra) error {
	s := b.s
	w := SlotWitness{From: r.From, To: r.To, AmountExp: r.Amount.Exp, AmountMant: r.Amount.Mantissa,
		FeeExp: r.Fee.Exp, FeeMant: r.Fee.Mantissa, Create: gadgets.Bool(x.create), ToL1: gadgets.Bool(x.toL1)}
	for k := range w.IsKind {
		w.IsKind[k] = gadgets.Bool(RecordKind(k) == r.Kind)
	}
	posted := r
	if x.posted != nil {
		posted = *x.posted
	}
	bz := posted.Bytes()
	for i := range bz {
		w.Bytes[i] = bz[i]
	}
	useA := r.Kind == KindTransfer || r.Kind == KindWithdraw || r.Kind == KindSend
	useB := r.Kind == KindTransfer || r.Kind == KindCredit

	idxA, idxB := r.From, r.To
	if x.idxA != nil {
		idxA, idxB = *x.idxA, *x.idxB
	}
	// A
	a, err := s.Account(idxA)
	if err != nil {
		return err
	}
	if w.A, err = b.accountWitness(idxA, a); err != nil {
		return err
	}
	if useA {
		a.Balance.Sub(&a.Balance, new(big.Int).Add(r.Amount.Value(), r.Fee.Value()))
		a.Nonce++
		if err := s.setAccount(r.From, a); err != nil {
			return err
		}
	}
	// B
	bAcc, err := s.Account(idxB)
	if err != nil {
		return err
	}
	if w.B, err = b.accountWitness(idxB, bAcc); err != nil {
		return err
	}
	if x.create {
		bAcc = Account{Key: x.newKey}
		w.B.X, w.B.Y = x.newKey.X, x.newKey.Y
	}
	if useB {
		bAcc.Balance.Add(&bAcc.Balance, x.credit)
		if err := s.setAccount(r.To, bAcc); err != nil {
			return err
		}
	}
	// address of the slot's key
	addrKey := a.Key
	if r.Kind == KindCredit {
		addrKey = bAcc.Key
	}
	w.AddrXHi, w.AddrXLo, w.AddrYHi, w.AddrYLo = gadgets.SplitAddress(addrKey)
	// entry (zeros when the slot has none)
	w.Entry = x.entry
	if w.Entry.Sequence == nil {
		w.Entry = EntryWitness{Sequence: 0, Kind: 0, Amount: 0, Sender: 0, Recipient: 0, Rollup: 0, Denom: 0, Payload: 0}
	}
	// signature
	sig := x.sig
	if sig == nil {
		var nonceShift big.Int
		nonceShift.Lsh(new(big.Int).SetUint64(uint64(w.A.Nonce.(uint32))), 96)
		var word, zero fr.Element
		word.SetBigInt(new(big.Int).Add(&nonceShift, r.word()))
		d := dummyKey.Sign(b.domain, word, zero)
		sig = &d
	}
	w.SigRX, w.SigRY, w.SigS = sig.RX, sig.RY, new(big.Int).Mod(&sig.S, fr.Modulus())
	if len(b.slots) < s.p.ForcedSlots {
		fw := zeroForcedWitness()
		if x.forced != nil {
			fw = *x.forced
		}
		b.forced = append(b.forced, fw)
	}
	b.slots = append(b.slots, w)
	b.batch.Records = append(b.batch.Records, posted)
	return nil
}

// accountWitness is the account at index and its path up to the subroots.
func (b *builder) accountWitness(index uint32, a Account) (AccountWitness, error) {
	path, err := b.s.acc.Path(index, b.s.p.PathDepth())
	return AccountWitness{X: a.Key.X, Y: a.Key.Y, Balance: new(big.Int).Set(&a.Balance), Nonce: a.Nonce, Siblings: path}, err
}

// finish pays the fees to the submitter and assembles the commitment and
// assignment.
func (b *builder) finish() (*Batch, error) {
	s, ctx, batch := b.s, b.ctx, b.batch
	var err error
	if b.fees.Sign() > 0 {
		amt, err := protocol.Uint128FromBig(b.fees)
		if err != nil {
			return nil, err
		}
		batch.Outbox = append(batch.Outbox, protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal,
			Recipient: ctx.Submitter, Denom: s.p.Denom, Amount: amt})
	}
	if batch.NewRoot, err = s.Root(); err != nil {
		return nil, err
	}
	batch.Data = EncodeData(batch.Records)
	var txCount uint64
	for _, r := range batch.Records {
		if r.Kind != KindNoop {
			txCount++
		}
	}
	batch.Commitment = ctx.Commitment(batch.PrevRoot, batch.NewRoot, batch.Data, b.inboxAfter, batch.Outbox, txCount)
	w, err := ctx.CommitmentWitness(batch.Commitment, len(batch.Outbox), len(batch.Data))
	if err != nil {
		return nil, err
	}
	a := NewCircuit(s.p)
	a.Commitment, a.ChainIDDigest, a.RollupIDDigest, a.BatchIndex, a.SubmitterDigest = w.Commitment, w.ChainIDDigest, w.RollupIDDigest, w.BatchIndex, w.SubmitterDigest
	a.PrevRoot = batch.PrevRoot
	a.Subroots = b.subroots
	a.InboxBefore, a.OutboxCount, a.DAChunks = w.InboxBefore, w.OutboxCount, w.DAChunks
	a.Slots = b.slots
	a.Forced = b.forced
	batch.Assignment = a
	return batch, nil
}

func inboxEntryWitness(e protocol.InboxEntry) EntryWitness {
	return EntryWitness{
		Sequence: e.Sequence, Kind: uint32(e.Kind), Amount: e.Amount.BigInt(),
		Sender: protocol.AddressDigest(e.Sender), Recipient: protocol.AddressDigest(e.Recipient),
		Rollup: protocol.RollupIDDigest(e.SourceRollupID), Denom: protocol.DenomDigest(e.Denom),
		Payload: protocol.PayloadDigest(e.Payload),
	}
}

func outboxEntryWitness(e protocol.OutboxEntry) EntryWitness {
	return EntryWitness{
		Sequence: 0, Kind: uint32(e.Kind), Amount: e.Amount.BigInt(),
		Sender: protocol.AddressDigest(e.Sender), Recipient: protocol.AddressDigest(e.Recipient),
		Rollup: protocol.RollupIDDigest(e.DestRollupID), Denom: protocol.DenomDigest(e.Denom),
		Payload: protocol.PayloadDigest(e.Payload),
	}
}
