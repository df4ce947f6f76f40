package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

func TestExodusWithdraw_RefusesBadClaimsInOrderAndChangesNothing(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, f *exodusFixture)
		edit  func(f *exodusFixture, m *types.MsgExodusWithdraw)
		want  error
		// verified: the verifier ran (and its gas was charged).
		verified bool
	}{
		{name: "bad recipient", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.Recipient = "native1nope" }, want: types.ErrInvalidRequest},
		{name: "root of 31 bytes", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.StateRoot = m.StateRoot[1:] }, want: types.ErrInvalidExitProof},
		{name: "negative balance", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.Balance = "-1" }, want: types.ErrInvalidExitProof},
		{name: "unknown rollup", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.RollupId = "nowhere" }, want: rollupstypes.ErrUnknownRollup},
		{name: "live rollup", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.RollupId = liveID }, want: types.ErrRollupNotFrozen},
		{name: "no exit layout", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.RollupId = bareID }, want: types.ErrNoExitLayout},
		{name: "no verifier for the layout", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.RollupId = oddID }, want: types.ErrNoExitLayout},
		{name: "older root", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.StateRoot = root(staleRoot) }, want: types.ErrStaleExitRoot},
		{
			name: "older root and a bad shape: the root is checked first",
			edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) {
				m.StateRoot = root(staleRoot)
				m.Siblings = m.Siblings[1:]
			},
			want: types.ErrStaleExitRoot,
		},
		{name: "too few siblings", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.Siblings = m.Siblings[1:] }, want: types.ErrInvalidExitProof},
		{name: "too many siblings", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.Siblings = append(m.Siblings, root("x")) }, want: types.ErrInvalidExitProof},
		{name: "leaf index outside the tree", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.LeafIndex = 1 << exitDepth }, want: types.ErrInvalidExitProof},
		{name: "short sibling", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.Siblings[2] = []byte{1} }, want: types.ErrInvalidExitProof},
		{
			name: "credits-only claim with siblings",
			edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) {
				m.LeafIndex = protocol.ExitLeafNone
				m.Balance = ""
				m.Nonce = 0
			},
			want: types.ErrInvalidExitProof,
		},
		{
			name: "credits-only claim with a balance",
			edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) {
				m.LeafIndex = protocol.ExitLeafNone
				m.Siblings = nil
				m.Nonce = 0
			},
			want: types.ErrInvalidExitProof,
		},
		{
			name: "leaf already exited",
			setup: func(t *testing.T, f *exodusFixture) {
				f.fund(t, deadID, sdk.NewInt64Coin(denom, 300))
				_, err := f.msgs.ExodusWithdraw(f.ctx, f.claim())
				require.NoError(t, err)
				f.fund(t, deadID, sdk.NewInt64Coin(denom, 300)) // enough for a second payment
			},
			want: types.ErrAlreadyExited,
		},
		{name: "blocked recipient", setup: func(_ *testing.T, f *exodusFixture) { f.bank.blocked[string(f.bob)] = true }, want: types.ErrInvalidRequest},
		{name: "proof the verifier refuses", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.Signature = []byte("forged") }, want: types.ErrInvalidExitProof, verified: true},
		{name: "empty leaf and no credits", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.Balance = "0" }, want: types.ErrNothingToExit, verified: true},
		{name: "credits-only claim with no credits", edit: func(f *exodusFixture, m *types.MsgExodusWithdraw) { *m = *f.creditsOnly() }, want: types.ErrNothingToExit, verified: true},
		{name: "ledger short of the balance", edit: func(_ *exodusFixture, m *types.MsgExodusWithdraw) { m.Balance = "301" }, want: types.ErrLedgerInsufficient, verified: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// ARRANGE
			f := newExodusFixture(t)
			f.fund(t, deadID, sdk.NewInt64Coin(denom, 300))
			if tc.setup != nil {
				tc.setup(t, f)
			}
			msg := f.claim()
			if tc.edit != nil {
				tc.edit(f, msg)
			}
			before := f.state(t)
			calls := len(f.verifier.calls)
			gasBefore := f.ctx.GasMeter().GasConsumed()

			// ACT
			_, err := f.msgs.ExodusWithdraw(f.ctx, msg)

			// ASSERT
			require.ErrorIs(t, err, tc.want)
			require.Equal(t, before, f.state(t), "a refused claim changes nothing")
			f.requireInvariant(t)
			if tc.verified {
				require.Len(t, f.verifier.calls, calls+1)
				require.GreaterOrEqual(t, f.ctx.GasMeter().GasConsumed()-gasBefore, f.verifier.VerifyGas(protocol.ExitLayoutParams{Depth: exitDepth}),
					"the verification gas is charged before verifying")
			} else {
				require.Len(t, f.verifier.calls, calls, "refused before verifying")
			}
		})
	}
}

func TestExodusWithdraw_PaysTheLeafOnceAndRecordsTheExit(t *testing.T) {
	// ARRANGE
	f := newExodusFixture(t)
	f.fund(t, deadID, sdk.NewInt64Coin(denom, 1_000))
	msg := f.claim()

	// ACT
	res, err := f.msgs.ExodusWithdraw(f.ctx, msg)

	// ASSERT
	require.NoError(t, err)
	require.Equal(t, sdk.NewInt64Coin(denom, 300), res.Amount)
	require.Equal(t, sdk.NewCoins(sdk.NewInt64Coin(denom, 300)), res.Paid)
	require.Equal(t, "300"+denom, f.bank.balances[string(f.bob)].String())
	require.Equal(t, int64(700), f.ledger(t, deadID))
	f.requireInvariant(t)

	require.Len(t, f.verifier.calls, 1)
	call := f.verifier.calls[0]
	require.Equal(t, chainID, call.chainID)
	require.Equal(t, deadID, call.rollupID)
	require.Equal(t, protocol.ExitLayoutParams{Name: layoutName, Depth: exitDepth, Denom: denom}, call.layout)
	require.Equal(t, root(deadRoot), call.root)
	require.Equal(t, []byte(f.bob), call.claim.Recipient)
	require.Equal(t, "300", call.claim.Balance.String())
	require.Equal(t, uint32(2), call.claim.Nonce)

	status, err := f.query.ExitStatus(f.ctx, &types.QueryExitStatusRequest{RollupId: deadID, LeafIndex: 5})
	require.NoError(t, err)
	require.True(t, status.Exited)
	require.Equal(t, f.bobS, status.Record.Recipient)
	require.Equal(t, res.Paid, status.Record.Paid)
	require.Equal(t, int64(100), status.Record.Height)
	other, err := f.query.ExitStatus(f.ctx, &types.QueryExitStatusRequest{RollupId: deadID, LeafIndex: 6})
	require.NoError(t, err)
	require.False(t, other.Exited)
	require.Contains(t, requireEvent(t, f.ctx, "nativechain.crossrollup.v1.EventExodusWithdrawal"), `amount="300unat"`)

	// The same leaf again, even to another recipient, is refused.
	again := f.claim()
	again.Recipient = again.Sender
	_, err = f.msgs.ExodusWithdraw(f.ctx, again)
	require.ErrorIs(t, err, types.ErrAlreadyExited)
	require.Equal(t, int64(700), f.ledger(t, deadID))
}

func TestExodusWithdraw_PaysTheLeafPlusTheCreditsOfTheAccount(t *testing.T) {
	f := newExodusFixture(t)
	f.fund(t, deadID, sdk.NewInt64Coin(denom, 300))
	f.credit(t, deadID, l2Carol, 40)
	f.credit(t, deadID, l2Dave, 5) // someone else's: untouched
	other := sdk.NewInt64Coin("uother", 9)
	f.fund(t, deadID, other)
	require.NoError(t, f.keeper.ExitCredits.Set(f.ctx, collectionsJoin3(deadID, l2Carol, "uother"), other.Amount))

	res, err := f.msgs.ExodusWithdraw(f.ctx, f.claim())

	require.NoError(t, err)
	require.Equal(t, sdk.NewInt64Coin(denom, 340), res.Amount)
	require.Equal(t, sdk.NewCoins(sdk.NewInt64Coin(denom, 340), other), res.Paid)
	require.Equal(t, res.Paid.String(), f.bank.balances[string(f.bob)].String())
	require.Equal(t, int64(5), f.ledger(t, deadID))
	credits, err := f.query.ExitCredits(f.ctx, &types.QueryExitCreditsRequest{RollupId: deadID, Account: hexOf(l2Carol)})
	require.NoError(t, err)
	require.True(t, credits.Credits.IsZero(), "paid credits are cleared")
	credits, err = f.query.ExitCredits(f.ctx, &types.QueryExitCreditsRequest{RollupId: deadID, Account: hexOf(l2Dave)})
	require.NoError(t, err)
	require.Equal(t, "5"+denom, credits.Credits.String())
	f.requireInvariant(t)
}

func TestExodusWithdraw_CreditsOnlyClaim(t *testing.T) {
	f := newExodusFixture(t)
	f.fund(t, deadID, sdk.NewInt64Coin(denom, 300)) // the leaves' value: not touched
	f.credit(t, deadID, l2Carol, 40)

	res, err := f.msgs.ExodusWithdraw(f.ctx, f.creditsOnly())

	require.NoError(t, err)
	require.Equal(t, sdk.NewInt64Coin(denom, 40), res.Amount)
	require.Equal(t, int64(300), f.ledger(t, deadID))
	require.Equal(t, protocol.ExitLeafNone, f.verifier.calls[0].claim.LeafIndex)
	f.requireInvariant(t)
	// No nullifier: the leaf (whatever it is) may still exit, and new
	// credits may still be claimed; the paid ones are gone.
	_, err = f.msgs.ExodusWithdraw(f.ctx, f.creditsOnly())
	require.ErrorIs(t, err, types.ErrNothingToExit)
	res, err = f.msgs.ExodusWithdraw(f.ctx, f.claim())
	require.NoError(t, err)
	require.Equal(t, sdk.NewInt64Coin(denom, 300), res.Amount)
	f.requireInvariant(t)
}

func TestExodusWithdraw_AnyoneSubmitsTheRecipientIsTheSignedOne(t *testing.T) {
	f := newExodusFixture(t)
	f.fund(t, deadID, sdk.NewInt64Coin(denom, 300))
	msg := f.claim()
	aliceS, err := f.keeper.AddressCodec().BytesToString(f.alice)
	require.NoError(t, err)
	msg.Sender = aliceS

	_, err = f.msgs.ExodusWithdraw(f.ctx, msg)

	require.NoError(t, err)
	require.Equal(t, "300"+denom, f.bank.balances[string(f.bob)].String())
	require.True(t, f.bank.balances[string(f.alice)].IsZero())
}

func TestNewKeeper_EachLayoutIsCheckedByItsOwnVerifier(t *testing.T) {
	other := &fakeExitVerifier{gas: 1}
	f := newExodusFixtureWith(t, map[string]types.ExitVerifier{"other": other})
	f.fund(t, deadID, sdk.NewInt64Coin(denom, 300))
	f.fund(t, oddID, sdk.NewInt64Coin(denom, 300))

	_, err := f.msgs.ExodusWithdraw(f.ctx, f.claim())
	require.NoError(t, err)
	require.Len(t, f.verifier.calls, 1, "the layout of deadID")
	require.Empty(t, other.calls)

	odd := f.claim()
	odd.RollupId = oddID
	_, err = f.msgs.ExodusWithdraw(f.ctx, odd)
	require.NoError(t, err)
	require.Len(t, other.calls, 1, "layout \"other\" of oddID")
	require.Len(t, f.verifier.calls, 1)
}
