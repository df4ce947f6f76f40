package cmd

import (
	"strings"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/exchange"
	"github.com/nativechain/nativechain/prover/operator"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// `operator init --kind exchange` writes the exchange's circuit and its
// default params, --param overriding them; the config runs the exchange
// kind, and `operator register` asks for the exchange-v1 exit layout with
// both denoms.
func TestOperatorInit_KindExchangeAndItsRegisterMessage(t *testing.T) {
	home := t.TempDir()
	out, _, err := runOperator(t, "init", "dex", "--key", "carol", "--kind", "exchange",
		"--param", "depth=4", "--param", "slots=2", "--param", "quote=uatom", "--operator-home", home)
	require.NoError(t, err)
	require.Contains(t, out, "kind exchange, circuit exchange(depth=4,slots=2,base=unat,quote=uatom,fee_bps=30,call_slots=0)")
	require.Contains(t, out, "operator setup --circuit exchange --param depth=4 --param slots=2 --param base=unat --param quote=uatom --param fee_bps=30 --param call_slots=0")
	c, err := operator.LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, "exchange", c.Kind)
	require.Equal(t, "exchange", c.Circuit)
	require.Equal(t, map[string]string{"depth": "4", "slots": "2", "base": "unat", "quote": "uatom", "fee_bps": "30", "call_slots": "0"}, c.Params)

	kind, err := c.Rollup()
	require.NoError(t, err)
	require.Equal(t, exchange.KindName, kind.Kind().Name())
	require.Equal(t, "unat/uatom", kind.Summary().Denom)
	bond := sdk.NewInt64Coin("unat", 10)
	msg := registerRollupMsg(c.RollupID, kind, []byte("vk"), "cosmos1admin", bond)
	require.Equal(t, &types.ExitLayout{Name: protocol.ExitLayoutExchangeV1, Depth: 4, Denom: "unat", QuoteDenom: "uatom"}, msg.ExitLayout)
	require.NoError(t, msg.ExitLayout.Validate())
	require.Equal(t, protocol.StateRootBytes(kind.EmptyRoot()), msg.GenesisStateRoot)
	require.Equal(t, uint64(2*exchange.RecordBytes), msg.MaxBatchDataBytes)
	require.Equal(t, "dex", msg.RollupId)

	// the payments layout stays one-denom
	_, _, err = runOperator(t, "init", "pay", "--key", "carol", "--param", "depth=8", "--operator-home", home+"/pay")
	require.NoError(t, err)
	pc, err := operator.LoadConfig(home + "/pay")
	require.NoError(t, err)
	pk, err := pc.Rollup()
	require.NoError(t, err)
	pm := registerRollupMsg("pay", pk, []byte("vk"), "cosmos1admin", bond)
	require.Equal(t, &types.ExitLayout{Name: protocol.ExitLayoutPaymentsV1, Depth: 8, Denom: "unat"}, pm.ExitLayout)

	// params the exchange refuses are refused at init
	for _, bad := range [][]string{{"--param", "quote=unat"}, {"--param", "fee_bps=10000"}, {"--param", "depth=1"}, {"--param", "call_slots=17"}} {
		args := append([]string{"init", "dex", "--key", "carol", "--kind", "exchange", "--operator-home", home + "/bad"}, bad...)
		_, _, err = runOperator(t, args...)
		require.Error(t, err, strings.Join(bad, " "))
	}
}
