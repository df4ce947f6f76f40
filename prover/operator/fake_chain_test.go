package operator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/prover/rollupkit"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// fakeChain is a chain in memory: one rollup, an inbox, batches applied
// one block after their submission. It checks what the real chain checks
// about order (index, previous root, inbox accumulator) but not proofs.
type fakeChain struct {
	mu        sync.Mutex
	id        string
	height    int64
	rollup    types.Rollup
	inbox     []types.InboxMessage
	batches   map[uint64]types.Batch
	mempool   []pendingBatch
	results   map[string]TxResult
	submits   map[uint64]int                   // broadcasts per index
	applied   map[uint64]int                   // applications per index
	posted    map[uint64]*types.MsgSubmitBatch // the message per verified index
	submitter sdk.AccAddress
	down      bool
	hold      bool // blocks include no transaction (batch or claim)
	// onSubmit, if set, runs before a broadcast is checked (without the
	// lock): a test lands another operator's batch there to lose a race.
	onSubmit func(m *types.MsgSubmitBatch)
	// What the bridge refuses in a verified batch's outbox, as
	// x/crossrollup's AfterBatchVerified does: a withdrawal to a module
	// account, a message over max_payload_bytes.
	moduleAccounts []sdk.AccAddress
	bridge         crossrolluptypes.Params
	others         []string // rollups registered besides this one
	// refundUndeliverable: the chain credits an undeliverable outbox entry
	// back to its L2 sender (a refund inbox entry) instead of failing the
	// batch (the H1 chain fix). Off: the batch fails in its block.
	refundUndeliverable bool
	rulesDown           bool // the module-account, bridge-params and rollups queries fail
	// realProofs: batches carry real Groth16 proofs (a prover fleet under
	// test), which the operator checked against the verifying key before
	// submitting; the chain takes any non-empty proof.
	realProofs bool
	// groups are the sizes of the transactions of several batches
	// broadcast (SubmitBatches), in order.
	groups []int
	// failGroups: the next this many transactions of several batches fail
	// in their block (all or nothing, as the chain runs a transaction);
	// refuseGroups: the next this many are refused by CheckTx.
	failGroups, refuseGroups int
	// historyKeep is x/rollups' batch_history_keep: the Batch query has no
	// record of a batch at or below latest - historyKeep (0: keeps all);
	// the events (PostedBatch) stay.
	historyKeep uint64
	// What x/crossrollup keeps in escrow for an L1 address (bech32): the
	// fees its own batches withdrew to it (accrued), and what
	// MsgClaimAccrued paid it (claimed). accruePerBatch accrues to the
	// submitter of each batch that lands. refuseClaims: the next this many
	// claims are refused by CheckTx; failClaims: fail in their block.
	accrued, claimed           map[string]sdk.Coins
	accruePerBatch             sdk.Coins
	refuseClaims, failClaims   int
	claimSends, accruedQueries int
	// clashes counts transactions of one signer broadcast while another
	// of the same signer, a claim and a batch, was in the mempool: CometChain
	// takes the sequence from the committed state, so the real node would
	// refuse one of them (wrong sequence). The fake refuses it too.
	clashes int
}

// proofHolds is the chain's proof check: a fake proof holds only for the
// previous state root it was made on.
func (c *fakeChain) proofHolds(proof, prevRoot []byte) bool {
	if c.realProofs {
		return len(proof) > 0
	}
	return string(proof) == fakeProof(prevRoot)
}

// fakeModuleAccounts are the app's module accounts (app.maccPerms).
var fakeModuleAccounts = []string{"fee_collector", "distribution", "mint", "bonded_tokens_pool",
	"not_bonded_tokens_pool", "gov", "rollups", "crossrollup", "rewards"}

// pendingBatch is a broadcast batch transaction waiting for a block.
type pendingBatch struct {
	msg  *types.MsgSubmitBatch
	hash string
	// group: the batches of a transaction of several (msg is nil).
	group []*types.MsgSubmitBatch
	// claimant: a MsgClaimAccrued (msg and group are nil).
	claimant string
}

// signer is the L1 address that signed p.
func (p pendingBatch) signer() string {
	switch {
	case p.claimant != "":
		return p.claimant
	case p.msg != nil:
		return p.msg.Submitter
	case len(p.group) > 0:
		return p.group[0].Submitter
	}
	return ""
}

// clash reports whether a transaction of signer other than a claim
// (claim false) or a claim (claim true) is in the mempool, and counts it.
// Caller holds mu.
func (c *fakeChain) clash(signer string, claim bool) bool {
	for _, p := range c.mempool {
		if p.signer() == signer && (p.claimant != "") != claim {
			c.clashes++
			return true
		}
	}
	return false
}

var errWrongSequence = &CheckTxError{Codespace: "sdk", Code: 32, Log: "account sequence mismatch"}

func (c *fakeChain) Accrued(_ context.Context, addr sdk.AccAddress) (sdk.Coins, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return nil, errDown
	}
	c.accruedQueries++
	return c.accrued[addr.String()], nil
}

func (c *fakeChain) ClaimAccrued(ctx context.Context) (string, error) {
	return c.claimAccrued(c.submitter)
}

func (c *fakeClient) ClaimAccrued(ctx context.Context) (string, error) {
	return c.claimAccrued(c.sub)
}

// claimAccrued is CheckTx of a MsgClaimAccrued by claimant.
func (c *fakeChain) claimAccrued(claimant sdk.AccAddress) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return "", errDown
	}
	c.claimSends++
	who := claimant.String()
	if c.clash(who, true) {
		return "", errWrongSequence
	}
	if c.refuseClaims > 0 {
		c.refuseClaims--
		return "", &CheckTxError{Codespace: "simulation", Log: "refused"}
	}
	if c.accrued[who].IsZero() {
		return "", &CheckTxError{Codespace: crossrolluptypes.ModuleName, Code: crossrolluptypes.ErrNothingAccrued.ABCICode(), Log: "nothing accrued to claim"}
	}
	hash := fmt.Sprintf("claim-%d", c.claimSends)
	c.mempool = append(c.mempool, pendingBatch{claimant: who, hash: hash})
	return hash, nil
}

// accrue adds coins to addr's accrued fees (a batch of its withdrew them
// to it).
func (c *fakeChain) accrue(addr sdk.AccAddress, coins sdk.Coins) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.accrued[addr.String()] = c.accrued[addr.String()].Add(coins...)
}

// applyClaim pays a claim in its block. Caller holds mu.
func (c *fakeChain) applyClaim(p pendingBatch) {
	if c.failClaims > 0 {
		c.failClaims--
		c.results[p.hash] = TxResult{Height: c.height, Code: 5, Codespace: "sdk", Log: "insufficient funds"}
		return
	}
	if c.accrued[p.claimant].IsZero() {
		c.results[p.hash] = TxResult{Height: c.height, Code: crossrolluptypes.ErrNothingAccrued.ABCICode(), Codespace: crossrolluptypes.ModuleName, Log: "nothing accrued to claim"}
		return
	}
	c.claimed[p.claimant] = c.claimed[p.claimant].Add(c.accrued[p.claimant]...)
	delete(c.accrued, p.claimant)
	c.results[p.hash] = TxResult{Height: c.height, GasUsed: 50000}
}

// fakeClient is a second operator's connection to the same fake chain: its
// own L1 address, everything else shared.
type fakeClient struct {
	*fakeChain
	sub sdk.AccAddress
}

func (c *fakeClient) Submitter() sdk.AccAddress { return c.sub }

func (c *fakeChain) client(name string) *fakeClient {
	sub := sdk.AccAddress([]byte(fmt.Sprintf("%-20s", name)))
	c.mu.Lock()
	c.rollup.Operators = append(c.rollup.Operators, sub.String())
	c.mu.Unlock()
	return &fakeClient{fakeChain: c, sub: sub}
}

func newFakeChain(rollupID string, p payments.Params) *fakeChain {
	root := protocol.StateRootBytes(p.WithDefaults().EmptyRoot())
	acc := protocol.InboxAccumulatorGenesis()
	sub := sdk.AccAddress([]byte("operator-address-20b"))
	return &fakeChain{
		id: "fake-1", height: 1,
		rollup: types.Rollup{Id: rollupID, GenesisStateRoot: root, StateRoot: root, NextBatchIndex: 1,
			Status: types.ROLLUP_STATUS_ACTIVE, InboxAccumulator: protocol.StateRootBytes(acc), MaxBatchDataBytes: types.DefaultMaxBatchDataBytes,
			ConsumedAccumulator: protocol.StateRootBytes(acc), Operators: []string{sub.String()}},
		batches: map[uint64]types.Batch{}, results: map[string]TxResult{}, posted: map[uint64]*types.MsgSubmitBatch{},
		submits: map[uint64]int{}, applied: map[uint64]int{}, submitter: sub,
		accrued: map[string]sdk.Coins{}, claimed: map[string]sdk.Coins{},
		moduleAccounts: moduleAddresses(fakeModuleAccounts...), bridge: crossrolluptypes.DefaultParams(),
	}
}

func moduleAddresses(names ...string) []sdk.AccAddress {
	out := make([]sdk.AccAddress, len(names))
	for i, n := range names {
		out[i] = authtypes.NewModuleAddress(n)
	}
	return out
}

// addModuleAccount is a module account the chain gained (an upgrade).
func (c *fakeChain) addModuleAccount(name string) sdk.AccAddress {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := authtypes.NewModuleAddress(name)
	c.moduleAccounts = append(c.moduleAccounts, a)
	return a
}

func (c *fakeChain) setRulesDown(down bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rulesDown = down
}

func (c *fakeChain) setMaxPayloadBytes(n uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bridge.MaxPayloadBytes = n
}

func (c *fakeChain) ModuleAccounts(context.Context) ([]sdk.AccAddress, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down || c.rulesDown {
		return nil, errDown
	}
	return append([]sdk.AccAddress(nil), c.moduleAccounts...), nil
}

func (c *fakeChain) BridgeParams(context.Context) (crossrolluptypes.Params, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down || c.rulesDown {
		return crossrolluptypes.Params{}, errDown
	}
	return c.bridge, nil
}

func (c *fakeChain) RollupIDs(context.Context) ([]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down || c.rulesDown {
		return nil, errDown
	}
	return append([]string{c.rollup.Id}, c.others...), nil
}

// undeliverable says why the bridge refuses outbox entry e ("" if it
// does not). Caller holds mu.
func (c *fakeChain) undeliverable(e protocol.OutboxEntry) string {
	switch e.Kind {
	case protocol.OutboxKindWithdrawal:
		for _, a := range c.moduleAccounts {
			if bytes.Equal(a, e.Recipient) {
				return fmt.Sprintf("recipient %s may not receive funds: invalid withdrawal", sdk.AccAddress(e.Recipient))
			}
		}
	case protocol.OutboxKindCrossRollupMessage:
		if uint64(len(e.Payload)) > c.bridge.MaxPayloadBytes {
			return fmt.Sprintf("%d bytes, max_payload_bytes %d: payload too large", len(e.Payload), c.bridge.MaxPayloadBytes)
		}
	}
	return ""
}

// appendInbox adds an entry to the rollup's inbox. Caller holds mu.
func (c *fakeChain) appendInbox(e protocol.InboxEntry) {
	prev, _ := protocol.ParseFieldElement(c.rollup.InboxAccumulator)
	e.Sequence = uint64(len(c.inbox))
	acc := protocol.InboxAccumulate(prev, e)
	c.inbox = append(c.inbox, types.InboxMessageFromEntry(e, c.height, protocol.StateRootBytes(acc)))
	c.rollup.InboxAccumulator = protocol.StateRootBytes(acc)
	c.rollup.InboxSize++
}

var errDown = errors.New("connection refused")

func (c *fakeChain) deposit(to payments.PublicKey, amount uint64, denom string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	prev, _ := protocol.ParseFieldElement(c.rollup.InboxAccumulator)
	e := protocol.InboxEntry{Sequence: uint64(len(c.inbox)), Kind: protocol.InboxKindDeposit, Sender: []byte("l1-sender-address-20"),
		Recipient: to.Address(), Denom: denom, Amount: protocol.NewUint128(amount)}
	acc := protocol.InboxAccumulate(prev, e)
	c.inbox = append(c.inbox, types.InboxMessageFromEntry(e, c.height, protocol.StateRootBytes(acc)))
	c.rollup.InboxAccumulator = protocol.StateRootBytes(acc)
	c.rollup.InboxSize++
}

func (c *fakeChain) ChainID(context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return "", errDown
	}
	return c.id, nil
}

// Height mines a block: the batches in the mempool are applied.
func (c *fakeChain) Height(context.Context) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return 0, errDown
	}
	c.height++
	if c.hold {
		return c.height, nil
	}
	for _, p := range c.mempool {
		c.apply(p)
	}
	c.mempool = nil
	return c.height, nil
}

func (c *fakeChain) apply(p pendingBatch) {
	if p.claimant != "" {
		c.applyClaim(p)
		return
	}
	if p.group != nil {
		c.applyGroup(p)
		return
	}
	if fail := c.applyMsg(p.msg); fail != nil {
		c.results[p.hash] = *fail
		return
	}
	c.results[p.hash] = TxResult{Height: c.height, GasUsed: 100000}
}

// applyGroup applies a transaction of several batches in order, all or
// nothing.
func (c *fakeChain) applyGroup(p pendingBatch) {
	if c.failGroups > 0 {
		c.failGroups--
		c.results[p.hash] = TxResult{Height: c.height, Code: 11, Codespace: "sdk", Log: "out of gas"}
		return
	}
	saved, inbox := c.rollup, len(c.inbox)
	for i, m := range p.group {
		if fail := c.applyMsg(m); fail != nil {
			for _, done := range p.group[:i] {
				delete(c.batches, done.BatchIndex)
				delete(c.posted, done.BatchIndex)
				c.applied[done.BatchIndex]--
			}
			c.rollup, c.inbox = saved, c.inbox[:inbox]
			c.results[p.hash] = *fail
			return
		}
	}
	c.results[p.hash] = TxResult{Height: c.height, GasUsed: 100000 + 50000*int64(len(p.group)-1)}
}

// applyMsg applies one batch, or returns the failed result it gets.
// Caller holds mu.
func (c *fakeChain) applyMsg(m *types.MsgSubmitBatch) *TxResult {
	r := &c.rollup
	if m.BatchIndex != r.NextBatchIndex {
		return &TxResult{Height: c.height, Code: 5, Codespace: "rollups", Log: "wrong batch index"}
	}
	if !c.proofHolds(m.Proof, r.StateRoot) {
		return &TxResult{Height: c.height, Code: 7, Codespace: "rollups", Log: "invalid proof"}
	}
	outbox, _ := protocol.DecodeOutbox(m.Outbox)
	var refunds []protocol.InboxEntry
	for i, e := range outbox {
		why := c.undeliverable(e)
		switch {
		case why == "":
		case c.refundUndeliverable:
			refunds = append(refunds, protocol.InboxEntry{Kind: protocol.InboxKindRefund, Sender: e.Recipient, Recipient: e.Sender,
				Denom: e.Denom, Amount: e.Amount})
		default:
			return &TxResult{Height: c.height, Code: 8, Codespace: "crossrollup", Log: fmt.Sprintf("outbox entry %d: %s", i, why)}
		}
	}
	c.applied[m.BatchIndex]++
	c.land(m)
	for _, e := range refunds {
		c.appendInbox(e)
	}
	return nil
}

// land applies a batch to the rollup as the chain's keeper would (without
// the proof). Caller holds mu.
func (c *fakeChain) land(m *types.MsgSubmitBatch) {
	r := &c.rollup
	before := r.ConsumedAccumulator
	b := types.Batch{RollupId: r.Id, Index: m.BatchIndex, PrevStateRoot: r.StateRoot, NewStateRoot: m.NewStateRoot,
		DaHash: protocol.FieldElementBytes(protocol.DAHash(m.Data)), DataBytes: uint64(len(m.Data)),
		InboxFrom: r.InboxConsumed, InboxTo: r.InboxConsumed + m.InboxConsumed, InboxAccumulatorBefore: before,
		L2TxCount: m.L2TxCount, Submitter: m.Submitter, Height: c.height}
	if outbox, err := protocol.DecodeOutbox(m.Outbox); err == nil {
		b.OutboxHash, b.OutboxEntries = protocol.FieldElementBytes(protocol.OutboxHash(outbox)), uint64(len(outbox))
	}
	r.NextBatchIndex++
	r.StateRoot = m.NewStateRoot
	r.InboxConsumed += m.InboxConsumed
	if r.InboxConsumed > 0 {
		r.ConsumedAccumulator = c.inbox[r.InboxConsumed-1].Accumulator
	}
	b.InboxAccumulatorAfter = r.ConsumedAccumulator
	r.LastBatchHeight = c.height
	if !c.accruePerBatch.IsZero() {
		c.accrued[m.Submitter] = c.accrued[m.Submitter].Add(c.accruePerBatch...)
	}
	c.batches[m.BatchIndex] = b
	posted := *m
	posted.Data, posted.Outbox = bytes.Clone(m.Data), bytes.Clone(m.Outbox)
	c.posted[m.BatchIndex] = &posted
}

// landForeign lands m at once, as if another operator's batch were in the
// next block.
func (c *fakeChain) landForeign(m *types.MsgSubmitBatch) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.height++
	c.land(m)
}

func (c *fakeChain) PostedBatch(_ context.Context, b types.Batch) (*PostedBatch, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return nil, errDown
	}
	m, ok := c.posted[b.Index]
	if !ok {
		return nil, fmt.Errorf("no data for batch %d", b.Index)
	}
	posted := *m
	return &PostedBatch{Msg: &posted, Record: c.batches[b.Index]}, nil
}

func (c *fakeChain) Rollup(context.Context, string) (types.Rollup, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return types.Rollup{}, errDown
	}
	return c.rollup, nil
}

func (c *fakeChain) Inbox(_ context.Context, _ string, from, limit uint64) ([]types.InboxMessage, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return nil, errDown
	}
	var out []types.InboxMessage
	for i := from; i < uint64(len(c.inbox)) && uint64(len(out)) < limit; i++ {
		out = append(out, c.inbox[i])
	}
	return out, nil
}

// Batch answers as x/rollups' Batch query does (keeper.GetBatch): the
// stored compact record (new root, DA hash, inbox_to, height) with the
// previous root, inbox_from and accumulator before derived from the
// previous record, left empty when that one was pruned; the rest of the
// record (outbox hash and entries, submitter, counts, key) only in the
// event (PostedBatch).
func (c *fakeChain) Batch(_ context.Context, _ string, index uint64) (types.Batch, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	full, ok := c.batches[index]
	if !ok || c.pruned(index) {
		return types.Batch{}, fmt.Errorf("no batch %d", index)
	}
	b := types.Batch{RollupId: full.RollupId, Index: index, NewStateRoot: full.NewStateRoot, DaHash: full.DaHash,
		InboxTo: full.InboxTo, Height: full.Height, InboxAccumulatorAfter: full.InboxAccumulatorAfter}
	if index == 1 || !c.pruned(index-1) {
		b.PrevStateRoot, b.InboxFrom, b.InboxAccumulatorBefore = full.PrevStateRoot, full.InboxFrom, full.InboxAccumulatorBefore
	}
	return b, nil
}

// pruned says whether batch_history_keep removed the record of batch i.
// Caller holds mu.
func (c *fakeChain) pruned(i uint64) bool {
	latest := c.rollup.NextBatchIndex - 1
	return c.historyKeep > 0 && latest > c.historyKeep && i <= latest-c.historyKeep
}

func (c *fakeChain) Submitter() sdk.AccAddress { return c.submitter }

func (c *fakeChain) SubmitBatch(_ context.Context, m *types.MsgSubmitBatch) (string, error) {
	c.mu.Lock()
	hook := c.onSubmit
	c.mu.Unlock()
	if hook != nil {
		hook(m)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return "", errDown
	}
	if c.clash(m.Submitter, false) {
		return "", errWrongSequence
	}
	if m.BatchIndex != c.rollup.NextBatchIndex {
		return "", &CheckTxError{Codespace: "rollups", Code: 5, Log: "wrong batch index"}
	}
	if !c.proofHolds(m.Proof, c.rollup.StateRoot) {
		return "", &CheckTxError{Codespace: "rollups", Code: 7, Log: "invalid proof"}
	}
	c.submits[m.BatchIndex]++
	hash := fmt.Sprintf("%x-%d", m.BatchIndex, c.submits[m.BatchIndex])
	c.mempool = append(c.mempool, pendingBatch{msg: m, hash: hash})
	return hash, nil
}

// SubmitBatches is SubmitBatch for a transaction of several batches:
// CheckTx runs them in order on the committed record.
func (c *fakeChain) SubmitBatches(_ context.Context, msgs []*types.MsgSubmitBatch) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down {
		return "", errDown
	}
	if c.clash(msgs[0].Submitter, false) {
		return "", errWrongSequence
	}
	if c.refuseGroups > 0 {
		c.refuseGroups--
		return "", &CheckTxError{Codespace: "rollups", Code: 9, Log: "refused"}
	}
	next, root := c.rollup.NextBatchIndex, c.rollup.StateRoot
	for _, m := range msgs {
		if m.BatchIndex != next {
			return "", &CheckTxError{Codespace: "rollups", Code: 5, Log: "wrong batch index"}
		}
		if !c.proofHolds(m.Proof, root) {
			return "", &CheckTxError{Codespace: "rollups", Code: 7, Log: "invalid proof"}
		}
		next, root = next+1, m.NewStateRoot
	}
	for _, m := range msgs {
		c.submits[m.BatchIndex]++
	}
	c.groups = append(c.groups, len(msgs))
	hash := fmt.Sprintf("g%x-%d-%d", msgs[0].BatchIndex, len(msgs), c.submits[msgs[0].BatchIndex])
	c.mempool = append(c.mempool, pendingBatch{group: msgs, hash: hash})
	return hash, nil
}

func (c *fakeChain) TxResult(_ context.Context, hash string) (TxResult, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.results[hash]
	return r, ok, nil
}

// fakeProof stands for a proof: like a real one, it holds only for the
// previous state root it was made on.
func fakeProof(prevRoot []byte) string { return fmt.Sprintf("proof:%x", prevRoot) }

// fakeProver returns a fake proof, optionally blocking until released.
type fakeProver struct {
	mu    sync.Mutex
	gate  chan struct{} // nil: never blocks
	calls int
	bad   bool
}

func (p *fakeProver) Prove(b *rollupkit.Batch) ([]byte, error) {
	p.mu.Lock()
	p.calls++
	gate, bad := p.gate, p.bad
	p.mu.Unlock()
	if gate != nil {
		<-gate
	}
	if bad {
		return []byte("forged"), nil
	}
	return []byte(fakeProof(protocol.StateRootBytes(b.PrevRoot))), nil
}
