package operator

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/payments"
)

// The operator's tests run the payments kind: these adapt its wire form
// and account view to the generic operator's Submit and Account.

// WireTx is a transaction as Operator.Submit takes it: the payments
// kind's wire JSON.
type WireTx = json.RawMessage

// AccountView is the payments kind's account view.
type AccountView = payments.AccountView

// ToWire is the payments wire JSON of tx.
func ToWire(tx payments.Tx) WireTx {
	bz, err := json.Marshal(payments.ToWire(tx))
	if err != nil {
		panic(err)
	}
	return bz
}

// testRollup is the payments kind with params p.
func testRollup(p payments.Params) *payments.Rollup { return payments.NewRollup(p) }

// headAccount is the account at index on op's head state (empty beyond
// the tree).
func headAccount(t *testing.T, op *Operator, index uint32) payments.Account {
	t.Helper()
	op.builder.mu.Lock()
	defer op.builder.mu.Unlock()
	r := op.kind.(*payments.Rollup)
	if uint64(index) >= 1<<uint(r.PaymentsParams().Depth) {
		return payments.Account{}
	}
	st, ok := payments.PaymentsState(op.builder.head)
	require.True(t, ok)
	a, err := st.Account(index)
	require.NoError(t, err)
	return a
}

// accountView is op.Account as the payments kind's view.
func accountView(op *Operator, addr []byte) (AccountView, error) {
	a, err := op.Account(addr)
	if err != nil {
		return AccountView{}, err
	}
	return a.(AccountView), nil
}
