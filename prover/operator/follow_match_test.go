package operator

import (
	"bytes"
	"context"
	"math/big"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/payments"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// outboxLosingClient is a connection whose node returns posted batches
// without their outbox, as a node serving a mangled block would.
type outboxLosingClient struct{ *fakeClient }

func (c outboxLosingClient) PostedBatch(ctx context.Context, b types.Batch) (*PostedBatch, error) {
	p, err := c.fakeClient.PostedBatch(ctx, b)
	if err != nil {
		return nil, err
	}
	p.Msg.Outbox = nil
	return p, nil
}

// spend signs a withdrawal (dest "") or a send from account 0 at nonce 0.
func spend(t *testing.T, op *Operator, k *payments.PrivateKey, amount, fee int64, dest string, recipient []byte) WireTx {
	t.Helper()
	a, err := payments.EncodeAmount(big.NewInt(amount))
	require.NoError(t, err)
	f, err := payments.EncodeFee(big.NewInt(fee))
	require.NoError(t, err)
	tx := payments.Tx{Kind: payments.KindWithdraw, Amount: a, Fee: f, Recipient: recipient}
	if dest != "" {
		tx.Kind, tx.DestRollupID, tx.Payload = payments.KindSend, dest, []byte("memo")
	}
	tx.Sign(k, paymentsv1.Domain(op.chainID, "pay"), "unat")
	return ToWire(tx)
}

// A standby holds a withdrawal or send whose nonce the primary's batch
// used with the same kind, account, amount and fee: it is the batch's only
// if the batch emitted the very outbox entry it would emit; otherwise (or
// if the outbox cannot be checked) it is rejected, never reported as
// verified.
func TestOperator_FollowMatchesWithdrawalsAndSendsByOutboxEntry(t *testing.T) {
	l1A, l1B := bytes.Repeat([]byte{0xa1}, 20), bytes.Repeat([]byte{0xb2}, 20)
	l2Bob := testKey(t, 2).Public.Address()
	l2Carol := testKey(t, 3).Public.Address()
	for _, tc := range []struct {
		name               string
		primary, standby   func(op *Operator, k *payments.PrivateKey) WireTx
		losesOutbox        bool
		wantStatus, reason string
	}{
		{"the same withdrawal is verified",
			func(op *Operator, k *payments.PrivateKey) WireTx { return spend(t, op, k, 100, 1, "", l1A) },
			func(op *Operator, k *payments.PrivateKey) WireTx { return spend(t, op, k, 100, 1, "", l1A) },
			false, "verified", ""},
		{"a withdrawal to another L1 recipient is rejected",
			func(op *Operator, k *payments.PrivateKey) WireTx { return spend(t, op, k, 100, 1, "", l1A) },
			func(op *Operator, k *payments.PrivateKey) WireTx { return spend(t, op, k, 100, 1, "", l1B) },
			false, "rejected", "withdrawal of the same amount and fee to another recipient or destination"},
		{"the same send is verified",
			func(op *Operator, k *payments.PrivateKey) WireTx { return spend(t, op, k, 100, 1, "pay-b", l2Bob) },
			func(op *Operator, k *payments.PrivateKey) WireTx { return spend(t, op, k, 100, 1, "pay-b", l2Bob) },
			false, "verified", ""},
		{"a send to another rollup is rejected",
			func(op *Operator, k *payments.PrivateKey) WireTx { return spend(t, op, k, 100, 1, "pay-b", l2Bob) },
			func(op *Operator, k *payments.PrivateKey) WireTx { return spend(t, op, k, 100, 1, "pay-c", l2Bob) },
			false, "rejected", "send of the same amount and fee to another recipient or destination"},
		{"a send to another L2 recipient is rejected",
			func(op *Operator, k *payments.PrivateKey) WireTx { return spend(t, op, k, 100, 1, "pay-b", l2Bob) },
			func(op *Operator, k *payments.PrivateKey) WireTx { return spend(t, op, k, 100, 1, "pay-b", l2Carol) },
			false, "rejected", "send of the same amount and fee to another recipient or destination"},
		{"a withdrawal where the transfer was is rejected",
			func(op *Operator, k *payments.PrivateKey) WireTx { return transfer(t, op, k, 0, 1, 100, 1, 0) },
			func(op *Operator, k *payments.PrivateKey) WireTx { return spend(t, op, k, 100, 1, "", l1A) },
			false, "rejected", "by another transaction"},
		{"the same withdrawal with an outbox that cannot be checked is rejected",
			func(op *Operator, k *payments.PrivateKey) WireTx { return spend(t, op, k, 100, 1, "", l1A) },
			func(op *Operator, k *payments.PrivateKey) WireTx { return spend(t, op, k, 100, 1, "", l1A) },
			true, "rejected", "outbox entry could not be checked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// ARRANGE: a primary and a standby at the same verified state.
			chain := newFakeChain("pay", testParams)
			chain.others = []string{"pay-b", "pay-c"} // the sends' destinations
			alice, bob := testKey(t, 1), testKey(t, 2)
			chain.deposit(alice.Public, 1000, "unat")
			chain.deposit(bob.Public, 10, "unat")
			primary := start(t, dbm.NewMemDB(), chain, &fakeProver{}, false)
			var standbyChain Chain = chain.client("standby")
			if tc.losesOutbox {
				standbyChain = outboxLosingClient{standbyChain.(*fakeClient)}
			}
			standby := startAs(t, dbm.NewMemDB(), standbyChain, standbyOptions(1<<30))
			waitVerified(t, primary.op, 1)
			waitVerified(t, standby.op, 1)

			// ACT: each gets its transaction at alice's nonce 0; the
			// primary's lands and the standby follows it.
			_, err := primary.op.Submit(tc.primary(primary.op, alice))
			require.NoError(t, err)
			held, err := standby.op.Submit(tc.standby(standby.op, alice))
			require.NoError(t, err)
			require.Eventually(t, func() bool { a, ok := tryBalance(standby.op, alice); return ok && a.VerifiedNonce == 1 }, 10*time.Second, 10*time.Millisecond)

			// ASSERT
			st := standby.op.Status()
			require.Empty(t, st.Halted)
			require.Equal(t, chain.root(), st.StateRoot)
			got := txStatus(t, standby.op, held.ID)
			require.Equal(t, tc.wantStatus, got.Status, got.Reason)
			if tc.reason != "" {
				require.Contains(t, got.Reason, "nonce 0 of account 0 was used on the chain by batch")
				require.Contains(t, got.Reason, tc.reason)
			}
			require.Zero(t, st.MempoolPending)
		})
	}
}

// postedOutbox accepts only the outbox the chain verified for the batch.
func TestPostedOutbox_ChecksHashAndCount(t *testing.T) {
	entry := protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Recipient: bytes.Repeat([]byte{1}, 20), Denom: "unat", Amount: protocol.NewUint128(5)}
	other := entry
	other.Recipient = bytes.Repeat([]byte{2}, 20)
	bz, err := protocol.EncodeOutbox([]protocol.OutboxEntry{entry})
	require.NoError(t, err)
	record := types.Batch{OutboxHash: protocol.FieldElementBytes(protocol.OutboxHash([]protocol.OutboxEntry{entry})), OutboxEntries: 1}
	otherBz, err := protocol.EncodeOutbox([]protocol.OutboxEntry{other})
	require.NoError(t, err)

	got, err := postedOutbox(bz, record)
	require.NoError(t, err)
	require.Equal(t, []protocol.OutboxEntry{entry}, got)
	for name, posted := range map[string][]byte{"another entry": otherBz, "no outbox": nil, "not an outbox": {0xff}} {
		_, err := postedOutbox(posted, record)
		require.Error(t, err, name)
	}
}
