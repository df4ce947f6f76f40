package proof_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtbytes "github.com/cometbft/cometbft/libs/bytes"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/nativechain/nativechain/x/crossrollup/client/proof"
)

// fakeNode answers store queries from the multistore as baseapp does, and
// may lie through tamper.
type fakeNode struct {
	s      *chainState
	latest int64
	tamper func(*abci.ResponseQuery)
}

func (n fakeNode) ABCIQueryWithOptions(_ context.Context, path string, data cmtbytes.HexBytes,
	opts rpcclient.ABCIQueryOptions,
) (*coretypes.ResultABCIQuery, error) {
	sub, ok := strings.CutPrefix(path, "/store")
	if !ok {
		return nil, fmt.Errorf("unexpected path %q", path)
	}
	res, err := n.s.cms.Query(&storetypes.RequestQuery{Path: sub, Data: data, Height: opts.Height, Prove: opts.Prove})
	if err != nil {
		return nil, err
	}
	resp := abci.ResponseQuery(*res)
	resp.Height = opts.Height
	if n.tamper != nil {
		n.tamper(&resp)
	}
	return &coretypes.ResultABCIQuery{Response: resp}, nil
}

func (n fakeNode) Status(context.Context) (*coretypes.ResultStatus, error) {
	return &coretypes.ResultStatus{SyncInfo: coretypes.SyncInfo{LatestBlockHeight: n.latest}}, nil
}

// appHashes stands in for the light client: the app hash of each committed version.
type appHashes map[int64][]byte

func (a appHashes) AppHash(_ context.Context, h int64) ([]byte, error) {
	if hash, ok := a[h]; ok {
		return hash, nil
	}
	return nil, proof.ErrTrust.Wrapf("no header %d", h+1)
}

// proverFixture commits three versions: registration, two deposits (the
// first consumed), and a third deposit. The node's latest height is 3, so
// the latest provable state is version 2.
func proverFixture(t *testing.T) (*chainState, appHashes) {
	s := newChainState(t)
	roots := appHashes{}
	s.registerRollup(testRollup)
	h, hash := s.commit()
	roots[h] = hash
	s.deposit(testRollup, 5)
	s.deposit(testRollup, 7)
	s.consume(testRollup, 1)
	h, hash = s.commit()
	roots[h] = hash
	s.deposit(testRollup, 9)
	h, hash = s.commit()
	roots[h] = hash
	return s, roots
}

func TestProver_ProvesInboxStatusAndLedgerAtTheLatestProvableHeight(t *testing.T) {
	s, roots := proverFixture(t)
	p := proof.Prover{Node: fakeNode{s: s, latest: 3}, Roots: roots}
	ctx := context.Background()

	msg, pr, err := p.InboxMessage(ctx, testRollup, 1, 0)
	require.NoError(t, err)
	require.Equal(t, int64(2), pr.Height)
	require.Equal(t, roots[2], pr.AppHash)
	require.Equal(t, "7", msg.Amount)

	// Sequence 2 arrived at version 3: absent at 2, present at 3.
	msg, pr, err = p.InboxMessage(ctx, testRollup, 2, 0)
	require.NoError(t, err)
	require.Nil(t, msg)
	require.True(t, pr.Absent())
	msg, _, err = p.InboxMessage(ctx, testRollup, 2, 3)
	require.NoError(t, err)
	require.Equal(t, "9", msg.Amount)

	for seq, want := range []proof.MessageStatus{proof.StatusConsumed, proof.StatusPending, proof.StatusNotAppended} {
		got, r, _, err := p.MessageStatus(ctx, testRollup, uint64(seq), 0)
		require.NoError(t, err)
		require.Equal(t, want, got, "seq %d", seq)
		require.Equal(t, uint64(2), r.InboxSize)
	}
	status, r, pr, err := p.MessageStatus(ctx, "nosuchrollup", 0, 0)
	require.NoError(t, err)
	require.Equal(t, proof.StatusUnknownRollup, status)
	require.Nil(t, r)
	require.True(t, pr.Absent())

	amt, _, err := p.Ledger(ctx, testRollup, testDenom, 0)
	require.NoError(t, err)
	require.Equal(t, "12", amt.String())
	amt, pr, err = p.Ledger(ctx, testRollup, "uother", 0)
	require.NoError(t, err)
	require.True(t, amt.IsZero())
	require.True(t, pr.Absent())
}

func TestProver_RejectsALyingNode(t *testing.T) {
	s, roots := proverFixture(t)
	ctx := context.Background()
	tests := []struct {
		name    string
		tamper  func(*abci.ResponseQuery)
		wantErr error
	}{
		{"changed value", func(r *abci.ResponseQuery) { r.Value = []byte("1000000") }, proof.ErrValueMismatch},
		{"value hidden", func(r *abci.ResponseQuery) { r.Value = nil }, proof.ErrValueMismatch},
		{"proof dropped", func(r *abci.ResponseQuery) { r.ProofOps = nil }, proof.ErrMalformedProof},
		{"another height", func(r *abci.ResponseQuery) { r.Height = 3 }, proof.ErrQuery},
		{"query error", func(r *abci.ResponseQuery) { r.Code = 18; r.Log = "nope" }, proof.ErrQuery},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := proof.Prover{Node: fakeNode{s: s, latest: 3, tamper: tc.tamper}, Roots: roots}
			_, _, err := p.Ledger(ctx, testRollup, testDenom, 0)
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
}

func TestProver_NeedsAHeaderAfterTheState(t *testing.T) {
	s, roots := proverFixture(t)
	p := proof.Prover{Node: fakeNode{s: s, latest: 3}, Roots: roots}

	// State 4 does not exist; its header neither.
	_, _, err := p.Ledger(context.Background(), testRollup, testDenom, 4)
	require.Error(t, err)
	// Proofs start at height 2.
	_, _, err = p.Ledger(context.Background(), testRollup, testDenom, 1)
	require.ErrorIs(t, err, proof.ErrQuery)
}
