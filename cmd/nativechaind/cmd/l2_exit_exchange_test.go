package cmd

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"math/big"
	"testing"

	sdkmath "cosmossdk.io/math"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/exchange"
	"github.com/nativechain/nativechain/prover/rollupkit"
	crossrollupcli "github.com/nativechain/nativechain/x/crossrollup/client/cli"
	"github.com/nativechain/nativechain/x/rollups/types"
)

const exitTestDex = "dex"

// newFakeExchangeExitChain: alice deposits both denoms and adds liquidity,
// bob deposits unat and swaps some of it for uusdc.
func newFakeExchangeExitChain(t *testing.T) (*fakeExitChain, *exchange.PrivateKey, *exchange.PrivateKey) {
	p := exchange.Params{Depth: 4, Slots: 4}
	st, err := exchange.OpenState(dbm.NewMemDB(), p)
	require.NoError(t, err)
	empty, err := st.Root()
	require.NoError(t, err)
	alice, bob := exchange.NewPrivateKey([32]byte{1}), exchange.NewPrivateKey([32]byte{2})
	f := &fakeExitChain{r: types.Rollup{Id: exitTestDex, GenesisStateRoot: protocol.StateRootBytes(empty), Status: types.ROLLUP_STATUS_FROZEN,
		ExitLayout: &types.ExitLayout{Name: protocol.ExitLayoutExchangeV1, Depth: 4, Denom: "unat", QuoteDenom: "uusdc"}}}
	acc := protocol.InboxAccumulatorGenesis()
	var entries []protocol.InboxEntry
	for i, d := range []struct {
		k      *exchange.PrivateKey
		denom  string
		amount uint64
	}{{alice, "unat", 100_000}, {alice, "uusdc", 200_000}, {bob, "unat", 5_000}} {
		e := protocol.InboxEntry{Sequence: uint64(i), Kind: protocol.InboxKindDeposit, Sender: make([]byte, 20),
			Recipient: d.k.Public.Address(), Denom: d.denom, Amount: protocol.NewUint128(d.amount)}
		entries = append(entries, e)
		acc = protocol.InboxAccumulate(acc, e)
		f.msgs = append(f.msgs, types.InboxMessageFromEntry(e, 1, protocol.StateRootBytes(acc)))
	}
	add := exchange.Tx{Kind: exchange.KindAdd, Account: 0, Amount1: big.NewInt(50_000), Amount2: big.NewInt(100_000), Min1: big.NewInt(1)}
	add.Sign(alice, exitTestChain, exitTestDex, p)
	swap := exchange.Tx{Kind: exchange.KindSwap, Account: 1, Amount1: big.NewInt(1_000), Min1: big.NewInt(1)}
	swap.Sign(bob, exitTestChain, exitTestDex, p)
	before := protocol.InboxAccumulatorGenesis()
	from := uint64(0)
	for i, step := range []struct {
		inbox []protocol.InboxEntry
		txs   []exchange.Tx
	}{{entries, []exchange.Tx{add}}, {nil, []exchange.Tx{swap}}} {
		b, err := st.BuildBatch(rollupkit.BatchContext{ChainID: exitTestChain, RollupID: exitTestDex, BatchIndex: uint64(i + 1),
			Submitter: make([]byte, 20), InboxBefore: before}, step.inbox, step.txs)
		require.NoError(t, err)
		require.Len(t, b.Included, len(step.txs), "%v", b.Rejected)
		f.batches = append(f.batches, types.Batch{RollupId: exitTestDex, Index: uint64(i + 1),
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

// verifyExchangeExitFile reads a proof file as exodus-withdraw does and
// runs the chain's exchange-v1 verifier on it.
func verifyExchangeExitFile(t *testing.T, proof protocol.ExitProofFile, r types.Rollup) []protocol.ExitAmount {
	bz, err := json.Marshal(proof)
	require.NoError(t, err)
	msg, err := crossrollupcli.ExodusMsgFromProofFile(bz, r.Id, "sender")
	require.NoError(t, err)
	pair, err := msg.ParsePairFields()
	require.NoError(t, err)
	opt := func(v *sdkmath.Int) *big.Int {
		if v == nil {
			return nil
		}
		return v.BigInt()
	}
	bal, ok := new(big.Int).SetString(msg.Balance, 10)
	require.True(t, ok)
	recipient := make([]byte, 20) // the tests' recipient
	claim := protocol.ExitClaim{LeafIndex: msg.LeafIndex, Account: msg.Account, Balance: bal, Nonce: msg.Nonce,
		Siblings: msg.Siblings, Recipient: recipient, Signature: msg.Signature,
		Quote: opt(pair.Quote), Shares: opt(pair.Shares), PoolReserveBase: opt(pair.PoolReserveBase),
		PoolReserveQuote: opt(pair.PoolReserveQuote), PoolTotalShares: opt(pair.PoolTotalShares)}
	l := r.ExitLayout
	amounts, err := exchangev1.NewExitVerifier().VerifyExitPayout(context.Background(), exitTestChain, r.Id,
		protocol.ExitLayoutParams{Name: l.Name, Depth: l.Depth, Denom: l.Denom, QuoteDenom: l.QuoteDenom}, msg.StateRoot, claim)
	require.NoError(t, err)
	return amounts
}

func TestRebuildExchangeState_ExitProofVerifiesAgainstTheChainRoot(t *testing.T) {
	f, alice, bob := newFakeExchangeExitChain(t)
	st, r, err := rebuildExchangeState(context.Background(), f, exitTestDex, io.Discard)
	require.NoError(t, err)
	recipient := make([]byte, 20)
	// alice: 50k unat and 100k uusdc held, all 50k shares; bob swapped 1000
	// unat for 1955 uusdc (30 bps against 50k/100k)
	for _, tc := range []struct {
		key          *exchange.PrivateKey
		base, quote  string
		shares, paid string
	}{{alice, "50000", "100000", "50000", "101000 198045"}, {bob, "4000", "1955", "0", "4000 1955"}} {
		index, ok, err := st.IndexOf(tc.key.Public)
		require.NoError(t, err)
		require.True(t, ok)
		proof, err := exchange.BuildExitProof(st, index, tc.key, exitTestChain, exitTestDex, recipient)
		require.NoError(t, err)
		require.Equal(t, []string{tc.base, tc.quote, tc.shares}, []string{proof.Balance, proof.QuoteBalance, proof.Shares})
		require.Equal(t, "51000", proof.PoolReserveBase)
		require.Equal(t, hex.EncodeToString(r.StateRoot), proof.StateRoot)
		amounts := verifyExchangeExitFile(t, proof, r)
		require.Len(t, amounts, 2)
		require.Equal(t, tc.paid, amounts[0].Amount.String()+" "+amounts[1].Amount.String())
		require.Equal(t, []string{"unat", "uusdc"}, []string{amounts[0].Denom, amounts[1].Denom})

		// another key cannot use the leaf; a credits-only claim verifies
		_, err = exchange.BuildExitProof(st, index, exchange.NewPrivateKey([32]byte{9}), exitTestChain, exitTestDex, recipient)
		require.ErrorContains(t, err, "another key")
		root, err := st.Root()
		require.NoError(t, err)
		credits, err := exchange.BuildCreditsExitProof(root, tc.key, exitTestChain, exitTestDex, recipient)
		require.NoError(t, err)
		require.Empty(t, verifyExchangeExitFile(t, credits, r))
	}
}

func TestRebuildExchangeState_RefusesWhatTheChainDoesNotConfirm(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(f *fakeExitChain)
		want   string
	}{
		{"another state root on chain", func(f *fakeExitChain) { f.r.StateRoot = f.batches[0].NewStateRoot }, "refusing"},
		{"a payments layout", func(f *fakeExitChain) { f.r.ExitLayout.Name = protocol.ExitLayoutPaymentsV1 }, "no exchange-v1 exit layout"},
		{"non-empty genesis", func(f *fakeExitChain) { f.r.GenesisStateRoot = f.batches[0].NewStateRoot }, "empty exchange state"},
		{"batches not chained", func(f *fakeExitChain) { f.batches[1].PrevStateRoot = f.r.GenesisStateRoot }, "does not start at the root"},
		{"a batch's data swapped", func(f *fakeExitChain) { f.data[1] = f.data[0] }, "inbox"},
		{"a batch's new root", func(f *fakeExitChain) { f.batches[0].NewStateRoot = f.r.StateRoot }, "replays to root"},
		{"inbox not ending at the accumulator", func(f *fakeExitChain) { f.msgs[2].Accumulator = f.msgs[0].Accumulator }, "accumulator"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, _, _ := newFakeExchangeExitChain(t)
			tc.mutate(f)
			_, _, err := rebuildExchangeState(context.Background(), f, exitTestDex, io.Discard)
			require.ErrorContains(t, err, tc.want)
		})
	}
}
