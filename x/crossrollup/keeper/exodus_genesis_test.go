package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

func TestGenesis_ExodusRoundTrip(t *testing.T) {
	// ARRANGE: an exited leaf, a credit, and a refund under way.
	f := newExodusFixture(t)
	params, err := f.keeper.Params.Get(f.ctx)
	require.NoError(t, err)
	params.MaxRefundsPerBlock = 1
	require.NoError(t, f.keeper.Params.Set(f.ctx, params))
	f.fund(t, deadID, sdk.NewInt64Coin(denom, 300))
	_, err = f.msgs.ExodusWithdraw(f.ctx, f.claim())
	require.NoError(t, err)
	f.reg.rollups[coldID].Status = rollupstypes.ROLLUP_STATUS_ACTIVE
	f.addInbox(t, coldID, bouncedHome(7))
	f.addInbox(t, coldID, deposit(f.alice, 3))
	f.freeze(t, coldID)
	require.NoError(t, f.keeper.ProcessRefunds(f.ctx)) // credits the bounce, leaves the deposit
	exported, err := f.keeper.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Len(t, exported.Exits, 1)
	require.Equal(t, []types.ExitCredit{{RollupId: coldID, Account: l2Carol, Denom: denom, Amount: "7"}}, exported.ExitCredits)
	require.Equal(t, []types.RefundCursor{{RollupId: coldID, NextSequence: 1, EndSequence: 2}}, exported.RefundQueue)

	// ACT: import into a fresh chain with the same escrow and registry.
	g := newExodusFixture(t)
	g.reg = f.reg
	g.bank.balances[string(g.escrow)] = f.bank.balances[string(f.escrow)]
	gk := g.keeper
	require.NoError(t, gk.InitGenesis(g.ctx, exported))
	again, err := gk.ExportGenesis(g.ctx)

	// ASSERT
	require.NoError(t, err)
	require.Equal(t, exported.String(), again.String())
	_, err = g.msgs.ExodusWithdraw(g.ctx, g.claim())
	require.ErrorIs(t, err, types.ErrAlreadyExited, "the nullifier survives the round trip")
}

func TestGenesisValidate_Exodus(t *testing.T) {
	okExit := types.ExitRecord{RollupId: deadID, LeafIndex: 1, Account: l2Carol, Recipient: "native1x", Paid: sdk.NewCoins(sdk.NewInt64Coin(denom, 1))}
	okCredit := types.ExitCredit{RollupId: deadID, Account: l2Carol, Denom: denom, Amount: "4"}
	okCursor := types.RefundCursor{RollupId: deadID, NextSequence: 1, EndSequence: 2}
	tests := []struct {
		name  string
		edit  func(gs *types.GenesisState)
		valid bool
	}{
		{"all valid", func(*types.GenesisState) {}, true},
		{"duplicate exit", func(gs *types.GenesisState) { gs.Exits = append(gs.Exits, okExit) }, false},
		{"exit of no leaf", func(gs *types.GenesisState) { gs.Exits[0].LeafIndex = protocol.ExitLeafNone }, false},
		{"exit paying nothing", func(gs *types.GenesisState) { gs.Exits[0].Paid = nil }, false},
		{"exit without account", func(gs *types.GenesisState) { gs.Exits[0].Account = nil }, false},
		{"duplicate credit", func(gs *types.GenesisState) { gs.ExitCredits = append(gs.ExitCredits, okCredit) }, false},
		{"zero credit", func(gs *types.GenesisState) { gs.ExitCredits[0].Amount = "0" }, false},
		{"credit with a bad denom", func(gs *types.GenesisState) { gs.ExitCredits[0].Denom = "1!" }, false},
		{"credit without account", func(gs *types.GenesisState) { gs.ExitCredits[0].Account = nil }, false},
		{"same account, another denom", func(gs *types.GenesisState) {
			c := okCredit
			c.Denom = "uother"
			gs.ExitCredits = append(gs.ExitCredits, c)
		}, true},
		{"cursor past its end", func(gs *types.GenesisState) { gs.RefundQueue[0].NextSequence = 3 }, false},
		{"duplicate cursor", func(gs *types.GenesisState) { gs.RefundQueue = append(gs.RefundQueue, okCursor) }, false},
		{"cursor without rollup", func(gs *types.GenesisState) { gs.RefundQueue[0].RollupId = "" }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs := types.DefaultGenesis()
			gs.Exits = []types.ExitRecord{okExit}
			gs.ExitCredits = []types.ExitCredit{okCredit}
			gs.RefundQueue = []types.RefundCursor{okCursor}
			tc.edit(gs)
			err := gs.Validate()
			if tc.valid {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, types.ErrInvalidGenesis)
			}
		})
	}
}
