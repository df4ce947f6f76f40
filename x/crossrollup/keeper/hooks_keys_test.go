package keeper_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// flatCharges is a gas meter that counts the flat store charges (one per
// key read, written, tested, deleted or iterated over) by descriptor.
type flatCharges struct {
	storetypes.GasMeter
	ops map[string]int
}

func (m *flatCharges) ConsumeGas(amount storetypes.Gas, descriptor string) {
	if descriptor != storetypes.GasReadPerByteDesc && descriptor != storetypes.GasWritePerByteDesc {
		m.ops[descriptor]++
	}
	m.GasMeter.ConsumeGas(amount, descriptor)
}

// The bridge hook touches only the keys a batch's entries need (issue 17):
// nothing without an outbox; the params, the source's pause and outflow
// cap once per batch, whatever the number of entries; then each ledger the
// value moves between read once and written once per batch, and the
// submitter's accrual for its own withdrawal. The bank and x/rollups are
// fakes here: they charge nothing.
func TestAfterBatchVerified_TouchesOnlyTheKeysItsEntriesNeed(t *testing.T) {
	bob := sdk.AccAddress(bytes.Repeat([]byte{0xb0}, 20))
	withdrawal := protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Recipient: bob, Denom: denom, Amount: protocol.NewUint128(10)}
	operator := sdk.AccAddress(bytes.Repeat([]byte{0x0e}, 20))
	fee := protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Recipient: operator, Denom: denom, Amount: protocol.NewUint128(3)}
	routed := protocol.OutboxEntry{Kind: protocol.OutboxKindCrossRollupMessage, Sender: []byte{9}, DestRollupID: betaID,
		Recipient: []byte{1}, Denom: denom, Amount: protocol.NewUint128(10)}
	const read, has, write = storetypes.GasReadCostFlatDesc, storetypes.GasHasDesc, storetypes.GasWriteCostFlatDesc
	tests := []struct {
		name   string
		outbox []protocol.OutboxEntry
		want   map[string]int
	}{
		{"no outbox", nil, map[string]int{}},
		// params, ledger, cap; pause; ledger
		{"one withdrawal (the operator's fees)", []protocol.OutboxEntry{withdrawal}, map[string]int{read: 3, has: 1, write: 1}},
		// params, the ledger once, cap; pause once; the ledger once
		{"four withdrawals", []protocol.OutboxEntry{withdrawal, withdrawal, withdrawal, withdrawal}, map[string]int{read: 3, has: 1, write: 1}},
		// params, ledger, cap, the submitter's accrual; pause; ledger, accrual
		{"the submitter's own withdrawal accrues", []protocol.OutboxEntry{fee}, map[string]int{read: 4, has: 1, write: 2}},
		// params, source ledger, cap, destination ledger; both pauses; both ledgers
		{"one routed message", []protocol.OutboxEntry{routed}, map[string]int{read: 4, has: 2, write: 2}},
		// the routed message reuses the withdrawal's pause, cap and ledger
		{"a withdrawal and a routed message", []protocol.OutboxEntry{withdrawal, routed}, map[string]int{read: 4, has: 2, write: 2}},
		// two messages to one destination: its pause and ledger read once
		{"two routed messages", []protocol.OutboxEntry{routed, routed}, map[string]int{read: 4, has: 2, write: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newBridgeFixture(t)
			f.fund(t, activeID, 100)
			submitter, err := f.keeper.AddressCodec().BytesToString(operator)
			require.NoError(t, err)
			m := &flatCharges{GasMeter: storetypes.NewInfiniteGasMeter(), ops: map[string]int{}}
			ctx := f.ctx.WithGasMeter(m)
			require.NoError(t, f.keeper.Hooks().AfterBatchVerified(ctx, rollupstypes.VerifiedBatch{RollupID: activeID, Index: 1, Submitter: submitter, Outbox: tc.outbox}))
			require.Equal(t, tc.want, m.ops)
		})
	}
}
