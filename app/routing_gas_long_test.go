//go:build long

package app_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/protocol"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// TestReport_RoutingGas measures, on the real app, the gas of a batch that
// routes N cross-rollup messages (each with value) against N L1 bank sends,
// and the latency of a routed message in blocks. It prints a table for
// docs/PERFORMANCE.md:
//
//	go test -tags long -run TestReport_RoutingGas -v ./app/
func TestReport_RoutingGas(t *testing.T) {
	c := registeredRollupsChain(t)
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	res := c.NextBlock(c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
		Admin: c.admin.Address.String(), RollupId: "dex", VerifyingKey: rollupsProver(t).VerifyingKey(),
		GenesisStateRoot: elementBytes(100), Operators: []string{c.operator.Address.String()}, Bond: params.MinOperatorBond,
	}))
	requireTxOK(t, res.TxResults[0])
	res = c.NextBlock(c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{
		Sender: c.admin.Address.String(), RollupId: "payments", L2Recipient: l2Caller,
		Amount: sdk.NewCoin(app.BondDenom, sdkmath.NewInt(1_000_000_000)),
	}))
	requireTxOK(t, res.TxResults[0])

	// One bank send, for the reference.
	res = c.NextBlock(c.SignTx(c.admin, banktypes.NewMsgSend(c.admin.Address, c.outsider.Address,
		sdk.NewCoins(sdk.NewInt64Coin(app.BondDenom, 1)))))
	requireTxOK(t, res.TxResults[0])
	send := res.TxResults[0].GasUsed

	fmt.Printf("| messages N | batch gas | gas per message | N bank sends (gas) | ratio |\n|---|---|---|---|---|\n")
	root := uint64(10)
	for _, n := range []int{1, 8, 16} { // apptest signs with a 1M gas limit
		out := make([]protocol.OutboxEntry, n)
		for i := range out {
			out[i] = callToDex(1_000, "m")
		}
		root++
		consume := uint64(0)
		if root == 11 {
			consume = 1 // the deposit
		}
		height := c.Context().BlockHeight() + 1
		res = c.NextBlock(c.SignTx(c.operator, bridgeBatch(t, c, "payments", root, consume, out)))
		requireTxOK(t, res.TxResults[0])
		last, err := c.App.RollupsKeeper.GetInboxMessage(c.Context(), "dex", c.rollup(t, "dex").InboxSize-1)
		require.NoError(t, err)
		require.Equal(t, height, last.Height, "routed in the block of the batch")
		gas := res.TxResults[0].GasUsed
		fmt.Printf("| %d | %d | %d | %d | %.2f |\n", n, gas, gas/int64(n), send*int64(n), float64(gas)/float64(send*int64(n)))
	}
	fmt.Printf("\none bank send: %d gas; latency from source batch to destination inbox: 0 extra blocks\n", send)
}
