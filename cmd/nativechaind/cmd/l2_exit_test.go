package cmd

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"math/big"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/x/rollups/types"
)

const (
	exitTestChain  = "nativechain-test"
	exitTestRollup = "pay"
)

// fakeExitChain serves a rollup history that a real payments State built.
type fakeExitChain struct {
	r       types.Rollup
	batches []types.Batch
	data    [][]byte
	msgs    []types.InboxMessage
}

func (f *fakeExitChain) rollup(_ context.Context, id string) (types.Rollup, error) {
	if id != f.r.Id {
		return types.Rollup{}, fmt.Errorf("unknown rollup %q", id)
	}
	return f.r, nil
}

// batch serves batches from index 1, as x/rollups numbers them.
func (f *fakeExitChain) batch(_ context.Context, _ string, index uint64) (types.Batch, error) {
	if index == 0 || index > uint64(len(f.batches)) {
		return types.Batch{}, fmt.Errorf("no batch %d", index)
	}
	return f.batches[index-1], nil
}

func (f *fakeExitChain) inbox(_ context.Context, _ string, from, limit uint64) ([]types.InboxMessage, error) {
	if from >= uint64(len(f.msgs)) {
		return nil, nil
	}
	return f.msgs[from:min(uint64(len(f.msgs)), from+limit)], nil
}

func (f *fakeExitChain) batchData(_ context.Context, b types.Batch) ([]byte, error) {
	return f.data[b.Index-1], nil
}

// newFakeExitChain: alice and bob deposit, then alice pays bob 300 (fee 2).
func newFakeExitChain(t *testing.T) (*fakeExitChain, *payments.PrivateKey, *payments.PrivateKey) {
	p := payments.Params{Depth: 4, Slots: 4}
	st, err := payments.OpenState(dbm.NewMemDB(), p)
	require.NoError(t, err)
	alice, bob := payments.NewPrivateKey([32]byte{1}), payments.NewPrivateKey([32]byte{2})
	f := &fakeExitChain{r: types.Rollup{Id: exitTestRollup, GenesisStateRoot: protocol.StateRootBytes(p.EmptyRoot()),
		Status:     types.ROLLUP_STATUS_FROZEN,
		ExitLayout: &types.ExitLayout{Name: protocol.ExitLayoutPaymentsV1, Depth: 4, Denom: payments.DefaultDenom}}}
	acc := protocol.InboxAccumulatorGenesis()
	var entries []protocol.InboxEntry
	for i, k := range []*payments.PrivateKey{alice, bob} {
		e := protocol.InboxEntry{Sequence: uint64(i), Kind: protocol.InboxKindDeposit, Sender: make([]byte, 20),
			Recipient: k.Public.Address(), Denom: payments.DefaultDenom, Amount: protocol.NewUint128(1000)}
		entries = append(entries, e)
		acc = protocol.InboxAccumulate(acc, e)
		f.msgs = append(f.msgs, types.InboxMessageFromEntry(e, 1, protocol.StateRootBytes(acc)))
	}
	amt, err := payments.EncodeAmount(big.NewInt(300))
	require.NoError(t, err)
	fee, err := payments.EncodeFee(big.NewInt(2))
	require.NoError(t, err)
	transfer := payments.Tx{Kind: payments.KindTransfer, From: 0, To: 1, ToKey: bob.Public, Amount: amt, Fee: fee}
	transfer.Sign(alice, paymentsv1.Domain(exitTestChain, exitTestRollup), payments.DefaultDenom)
	before := protocol.InboxAccumulatorGenesis()
	from := uint64(0)
	for i, step := range []struct {
		inbox []protocol.InboxEntry
		txs   []payments.Tx
	}{{entries, nil}, {nil, []payments.Tx{transfer}}} {
		b, err := st.BuildBatch(payments.BatchContext{ChainID: exitTestChain, RollupID: exitTestRollup, BatchIndex: uint64(i + 1),
			Submitter: make([]byte, 20), InboxBefore: before}, step.inbox, step.txs)
		require.NoError(t, err)
		require.Len(t, b.Included, len(step.txs))
		f.batches = append(f.batches, types.Batch{RollupId: exitTestRollup, Index: uint64(i + 1),
			PrevStateRoot: protocol.StateRootBytes(b.PrevRoot), NewStateRoot: protocol.StateRootBytes(b.NewRoot),
			DaHash: protocol.FieldElementBytes(protocol.DAHash(b.Data)), InboxFrom: from, InboxTo: from + b.InboxConsumed,
			InboxAccumulatorAfter: protocol.StateRootBytes(b.Commitment.InboxAfter)})
		f.data = append(f.data, b.Data)
		from += b.InboxConsumed
		before = b.Commitment.InboxAfter
	}
	root, err := st.Root()
	require.NoError(t, err)
	f.r.StateRoot, f.r.NextBatchIndex = protocol.StateRootBytes(root), uint64(len(f.batches))+1
	return f, alice, bob
}

func TestRebuildPaymentsState_ExitProofVerifiesAgainstTheChainRoot(t *testing.T) {
	f, alice, bob := newFakeExitChain(t)
	st, r, err := rebuildPaymentsState(context.Background(), f, exitTestRollup, io.Discard)
	require.NoError(t, err)
	for _, tc := range []struct {
		key     *payments.PrivateKey
		balance string
	}{{alice, "698"}, {bob, "1300"}} {
		index, ok, err := st.IndexOf(tc.key.Public)
		require.NoError(t, err)
		require.True(t, ok)
		proof, err := payments.BuildExitProof(st, index, tc.key, exitTestChain, exitTestRollup, make([]byte, 20))
		require.NoError(t, err)
		require.Equal(t, tc.balance, proof.Balance)
		require.Equal(t, hex.EncodeToString(r.StateRoot), proof.StateRoot)
		root, claim, err := payments.ParseExitProofFile(proof)
		require.NoError(t, err)
		layout := protocol.ExitLayoutParams{Name: r.ExitLayout.Name, Depth: r.ExitLayout.Depth, Denom: r.ExitLayout.Denom}
		require.NoError(t, paymentsv1.NewExitVerifier().VerifyExit(context.Background(), exitTestChain, exitTestRollup, layout, root, claim))
	}
}

func TestRebuildPaymentsState_RefusesWhatTheChainDoesNotConfirm(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(f *fakeExitChain)
		want   string
	}{
		{"another state root on chain", func(f *fakeExitChain) { f.r.StateRoot = f.batches[0].NewStateRoot }, "refusing"},
		{"no exit layout", func(f *fakeExitChain) { f.r.ExitLayout = nil }, "no payments-v1 exit layout"},
		{"another layout", func(f *fakeExitChain) { f.r.ExitLayout.Name = "other-v1" }, "no payments-v1 exit layout"},
		{"non-empty genesis", func(f *fakeExitChain) { f.r.GenesisStateRoot = f.batches[0].NewStateRoot }, "empty payments state"},
		{"batches not chained", func(f *fakeExitChain) { f.batches[1].PrevStateRoot = f.r.GenesisStateRoot }, "does not start at the root"},
		{"a batch's data swapped", func(f *fakeExitChain) { f.data[1] = f.data[0] }, "inbox"},
		{"inbox not ending at the accumulator", func(f *fakeExitChain) { f.msgs[1].Accumulator = f.msgs[0].Accumulator }, "accumulator"},
		{"a batch missing", func(f *fakeExitChain) { f.batches = f.batches[:1] }, "no batch 2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _, _ := newFakeExitChain(t)
			tc.mutate(f)
			_, _, err := rebuildPaymentsState(context.Background(), f, exitTestRollup, io.Discard)
			require.ErrorContains(t, err, tc.want)
		})
	}
}
