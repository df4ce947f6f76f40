package operator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/rollupkit"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// A second rollup kind, written against prover/rollupkit alone, runs on
// the operator unchanged: tally, where each sender adds to its own total.
// Its root chains a hash over each batch's data; it has no circuit (the
// fake chain takes fake proofs), no inbox and no outbox.

type tallyKind struct{}

func (tallyKind) Name() string    { return "tally" }
func (tallyKind) Circuit() string { return "test" }
func (tallyKind) Configure(circuits.Params) (rollupkit.Rollup, error) {
	return tallyRollup{}, nil
}

type tallyRollup struct{}

func (tallyRollup) Kind() rollupkit.Kind    { return tallyKind{} }
func (tallyRollup) Params() circuits.Params { return circuits.Params{} }
func (tallyRollup) Summary() rollupkit.Summary {
	return rollupkit.Summary{Denom: "tally", Depth: 0, Slots: 2, MaxDataBytes: 1 << 16, StoreTag: "tally"}
}
func (tallyRollup) EmptyRoot() fr.Element { return fr.Element{} }
func (tallyRollup) ExitLayout() (protocol.ExitLayoutParams, bool) {
	return protocol.ExitLayoutParams{}, false
}
func (tallyRollup) Open(db dbm.DB) (rollupkit.State, error) { return &tallyState{db: db}, nil }
func (tallyRollup) DecodeForcedTx([]byte) (rollupkit.Tx, error) {
	return nil, rollupkit.ErrForcedTxUnsupported
}

type tallyWire struct {
	Sender string `json:"sender"`
	Nonce  uint64 `json:"nonce"`
	Fee    int64  `json:"fee"`
	Add    int64  `json:"add"`
}

type tallyTx struct {
	w    tallyWire
	wire []byte
}

func (t *tallyTx) Wire() json.RawMessage            { return t.wire }
func (t *tallyTx) Sender() string                   { return t.w.Sender }
func (t *tallyTx) Nonce() uint64                    { return t.w.Nonce }
func (t *tallyTx) Fee() *big.Int                    { return big.NewInt(t.w.Fee) }
func (t *tallyTx) Credits() []string                { return nil }
func (t *tallyTx) Outgoing() []protocol.OutboxEntry { return nil }

func (tallyRollup) DecodeTx(wire []byte) (rollupkit.Tx, error) {
	var w tallyWire
	dec := json.NewDecoder(bytes.NewReader(wire))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil || w.Sender == "" || w.Add <= 0 || w.Fee < 0 {
		return nil, rollupkit.NewAPIError(rollupkit.CodeInvalidTx, "not a tally transaction")
	}
	bz, _ := json.Marshal(w)
	return &tallyTx{w: w, wire: bz}, nil
}

type tallyAccount struct {
	Nonce uint64 `json:"nonce"`
	Total int64  `json:"total"`
}

type tallyState struct{ db dbm.DB }

func (s *tallyState) account(sender string) tallyAccount {
	var a tallyAccount
	if bz, _ := s.db.Get([]byte("a/" + sender)); bz != nil {
		_ = json.Unmarshal(bz, &a)
	}
	return a
}

func (s *tallyState) setAccount(sender string, a tallyAccount) error {
	bz, _ := json.Marshal(a)
	return s.db.Set([]byte("a/"+sender), bz)
}

func (s *tallyState) Root() (fr.Element, error) {
	var r fr.Element
	bz, err := s.db.Get([]byte("root"))
	if err != nil || bz == nil {
		return r, err
	}
	r.SetBytes(bz)
	return r, nil
}

// advance applies the batch's data (the applied transactions) and chains
// the root over it.
func (s *tallyState) advance(txs []tallyWire, data []byte) (fr.Element, fr.Element, error) {
	prev, err := s.Root()
	if err != nil {
		return prev, prev, err
	}
	for _, w := range txs {
		a := s.account(w.Sender)
		if w.Nonce != a.Nonce {
			return prev, prev, fmt.Errorf("tally: %s nonce %d, want %d", w.Sender, w.Nonce, a.Nonce)
		}
		a.Nonce, a.Total = a.Nonce+1, a.Total+w.Add
		if err := s.setAccount(w.Sender, a); err != nil {
			return prev, prev, err
		}
	}
	pb := prev.Bytes()
	h := sha256.Sum256(append(pb[:], data...))
	var next fr.Element
	next.SetBytes(h[:])
	nb := next.Bytes()
	return prev, next, s.db.Set([]byte("root"), nb[:])
}

func (s *tallyState) BuildBatch(ctx rollupkit.BatchContext, _ []protocol.InboxEntry, txs []rollupkit.Tx) (*rollupkit.Batch, error) {
	b := &rollupkit.Batch{Rejected: map[int]error{}}
	var applied []tallyWire
	nonces := map[string]uint64{}
	for i, t := range txs {
		w := t.(*tallyTx).w
		n, ok := nonces[w.Sender]
		if !ok {
			n = s.account(w.Sender).Nonce
		}
		if len(applied) == 2 {
			break
		}
		if w.Nonce != n {
			b.Rejected[i] = fmt.Errorf("tally: bad nonce")
			continue
		}
		nonces[w.Sender] = n + 1
		applied = append(applied, w)
		b.Included = append(b.Included, i)
	}
	data, _ := json.Marshal(applied)
	prev, next, err := s.advance(applied, data)
	if err != nil {
		return nil, err
	}
	b.Data, b.PrevRoot, b.NewRoot = data, prev, next
	b.Commitment = protocol.BatchCommitment{ChainID: ctx.ChainID, RollupID: ctx.RollupID, BatchIndex: ctx.BatchIndex,
		PrevStateRoot: prev, NewStateRoot: next, InboxBefore: ctx.InboxBefore, InboxAfter: ctx.InboxBefore,
		L2TxCount: uint64(len(applied)), Submitter: ctx.Submitter}
	return b, nil
}

type tallyView struct {
	head   *tallyState
	nonces map[string]uint64
}

func (tallyRollup) NewView(head rollupkit.State, _ rollupkit.Place) rollupkit.View {
	return &tallyView{head: head.(*tallyState), nonces: map[string]uint64{}}
}

func (v *tallyView) nonce(sender string) uint64 {
	if n, ok := v.nonces[sender]; ok {
		return n
	}
	return v.head.account(sender).Nonce
}

func (v *tallyView) Admit(t rollupkit.Tx, pol rollupkit.Policy) error {
	if t.Fee().Cmp(pol.MinFee) < 0 {
		return rollupkit.NewAPIError(rollupkit.CodeFeeTooLow, "fee")
	}
	if pol.Unverified(t.Sender()) >= pol.MaxPendingPerSender {
		return rollupkit.NewAPIError(rollupkit.CodeTooManyPending, "pending")
	}
	if n := v.nonce(t.Sender()); t.Nonce() != n {
		return rollupkit.NewAPIError(rollupkit.CodeBadNonce, "nonce %d, want %d", t.Nonce(), n)
	}
	return nil
}

func (v *tallyView) Apply(t rollupkit.Tx) { v.nonces[t.Sender()] = v.nonce(t.Sender()) + 1 }

func (tallyRollup) Account(addr []byte, head rollupkit.State, pending rollupkit.View, verified rollupkit.State) (any, error) {
	sender := string(addr)
	return map[string]any{"head": head.(*tallyState).account(sender), "pending_nonce": pending.(*tallyView).nonce(sender),
		"verified": verified.(*tallyState).account(sender)}, nil
}

type tallyFollowed struct {
	work *tallyState
	data []byte
}

func (tallyRollup) Follow(_, work rollupkit.State, b rollupkit.ForeignBatch) (rollupkit.Followed, error) {
	var txs []tallyWire
	if err := json.Unmarshal(b.Data, &txs); err != nil {
		return nil, &rollupkit.Divergence{Reason: ": data does not decode"}
	}
	if _, _, err := work.(*tallyState).advance(txs, b.Data); err != nil {
		return nil, &rollupkit.Divergence{Reason: " does not replay: " + err.Error()}
	}
	return &tallyFollowed{work: work.(*tallyState), data: b.Data}, nil
}

func (f *tallyFollowed) Spend(t rollupkit.Tx) (rollupkit.Spend, error) {
	if t.Nonce() >= f.work.account(t.Sender()).Nonce {
		return rollupkit.Spend{}, nil
	}
	return rollupkit.Spend{Taken: true, Included: bytes.Contains(f.data, t.Wire()),
		Nonce: fmt.Sprintf("nonce %d of %s", t.Nonce(), t.Sender())}, nil
}

func tallyTxJSON(sender string, nonce uint64, add int64) []byte {
	bz, _ := json.Marshal(tallyWire{Sender: sender, Nonce: nonce, Add: add})
	return bz
}

func tallyTotal(t *testing.T, op *Operator, sender string) (verified int64) {
	t.Helper()
	a, err := op.Account([]byte(sender))
	require.NoError(t, err)
	return a.(map[string]any)["verified"].(tallyAccount).Total
}

func TestOperator_RunsASecondKindUnchanged(t *testing.T) {
	chain := newFakeChain("tally-1", testParams)
	chain.mu.Lock()
	empty := protocol.StateRootBytes(fr.Element{})
	chain.rollup.GenesisStateRoot, chain.rollup.StateRoot = empty, empty
	chain.mu.Unlock()
	opts := testOptions()
	opts.RollupID, opts.Rollup = "tally-1", tallyRollup{}
	db := dbm.NewMemDB()
	open := func() *running {
		op, err := Open(context.Background(), db, chain, NewInlineProver(&fakeProver{}), opts, false)
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		r := &running{op: op, cancel: cancel, done: make(chan struct{})}
		go func() { _ = op.Run(ctx); close(r.done) }()
		t.Cleanup(r.stop)
		return r
	}
	r := open()
	require.Equal(t, "tally", r.op.Status().Kind)
	for _, tx := range [][]byte{tallyTxJSON("ann", 0, 5), tallyTxJSON("bo", 0, 7), tallyTxJSON("ann", 1, 2)} {
		_, err := r.op.Submit(tx)
		require.NoError(t, err)
	}
	_, err := r.op.Submit(tallyTxJSON("ann", 5, 1))
	require.Equal(t, CodeBadNonce, codeOf(err))
	_, err = r.op.Submit([]byte(`{"sender":"ann","nonce":2,"add":1,"x":1}`))
	require.Equal(t, CodeInvalidTx, codeOf(err))
	waitVerified(t, r.op, 2) // two slots a batch: three transactions, two batches
	require.Equal(t, int64(7), tallyTotal(t, r.op, "ann"))
	require.Equal(t, int64(7), tallyTotal(t, r.op, "bo"))

	// A restart rebuilds the head from the records; another operator's
	// batch is followed from its data, and the pending transaction whose
	// nonce it took is dropped.
	r.stop()
	r = open()
	pending, err := r.op.Submit(tallyTxJSON("bo", 1, 100))
	require.NoError(t, err)
	r.stop() // not built: the foreign batch lands first
	chain.mu.Lock()
	root, _ := protocol.ParseFieldElement(chain.rollup.StateRoot)
	chain.mu.Unlock()
	data, _ := json.Marshal([]tallyWire{{Sender: "bo", Nonce: 1, Add: 1}})
	pb := root.Bytes()
	h := sha256.Sum256(append(pb[:], data...))
	var next fr.Element
	next.SetBytes(h[:])
	chain.landForeign(&types.MsgSubmitBatch{Submitter: "other", RollupId: "tally-1", BatchIndex: 3,
		NewStateRoot: protocol.StateRootBytes(next), Data: data})
	r = open()
	waitVerified(t, r.op, 3)
	require.Equal(t, int64(8), tallyTotal(t, r.op, "bo"))
	st, err := r.op.TxStatus(pending.ID)
	require.NoError(t, err)
	require.Equal(t, "rejected", st.Status)
	require.Contains(t, st.Reason, "nonce 1 of bo was used on the chain by batch 3")
	require.Empty(t, r.op.Status().Halted)
}
