package app_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGasTable_ConsecutiveBatchesOneTxVsTwo measures, with the gas
// table's harness, two consecutive 16-transfer batches of one rollup
// landing in one block: in two transactions, and as two MsgSubmitBatch in
// one transaction, which pays the transaction's fixed cost (signature,
// fee, tx bytes) once (issues 16 and 17). Set GAS_TABLE_OUT to run it.
func TestGasTable_ConsecutiveBatchesOneTxVsTwo(t *testing.T) {
	if os.Getenv("GAS_TABLE_OUT") == "" {
		t.Skip("set GAS_TABLE_OUT=<file> to measure gas (make bench does)")
	}
	const transfers = 16

	// Two transactions.
	w, l2 := gasSetup(t, transfers)
	operator := w.traced.Accounts[1]
	first := w.batchMsg(l2, operator, l2.transfers(t, transfers), false)
	second := w.batchMsg(l2, operator, l2.transfers(t, transfers), true)
	res := w.block(w.traced.SignTxNoMemo(operator, first), w.traced.SignTxNoMemo(operator, second))
	twoTxs := res.TxResults[0].GasUsed + res.TxResults[1].GasUsed

	// One transaction.
	w, l2 = gasSetup(t, transfers)
	operator = w.traced.Accounts[1]
	first = w.batchMsg(l2, operator, l2.transfers(t, transfers), false)
	second = w.batchMsg(l2, operator, l2.transfers(t, transfers), true)
	res = w.block(w.traced.SignTxNoMemo(operator, first, second))
	oneTx := res.TxResults[0].GasUsed
	require.Less(t, oneTx, twoTxs, "one transaction pays its fixed cost once")

	fmt.Printf("BENCHROW gastable_two_batches transfers=%d two_txs_gas=%d one_tx_gas=%d two_txs_per_transfer=%.0f one_tx_per_transfer=%.0f saved=%d\n",
		2*transfers, twoTxs, oneTx, float64(twoTxs)/(2*transfers), float64(oneTx)/(2*transfers), twoTxs-oneTx)
}
