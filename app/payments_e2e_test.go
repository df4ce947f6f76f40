package app_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	dbm "github.com/cosmos/cosmos-db"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/payments"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// The reference payments rollup end to end on an in-process chain: deposits
// through x/crossrollup, batches built natively, proven with Groth16 at small
// parameters and accepted by x/rollups, a withdrawal paid on L1.
func TestPaymentsRollup_EndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("Groth16 setup and proving take about a minute")
	}
	p := payments.Params{Depth: 8, Slots: 4, Denom: app.BondDenom}
	prover, err := payments.NewDevProver(p)
	require.NoError(t, err)
	vk, err := prover.VerifyingKeyBytes()
	require.NoError(t, err)
	state, err := payments.OpenState(dbm.NewMemDB(), p)
	require.NoError(t, err)
	genesis, err := state.Root()
	require.NoError(t, err)

	c := newRollupsChain(t)
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	res := c.NextBlock(c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
		Admin: c.admin.Address.String(), RollupId: "payments", VerifyingKey: vk,
		GenesisStateRoot: protocol.StateRootBytes(genesis), Operators: []string{c.operator.Address.String()},
		Bond: params.MinOperatorBond,
	}))
	requireTxOK(t, res.TxResults[0])

	var seedOp, seedAlice [32]byte
	seedOp[0], seedAlice[0] = 1, 2
	opKey, alice := payments.NewPrivateKey(seedOp), payments.NewPrivateKey(seedAlice)
	deposit := func(to payments.PublicKey, amount int64) []byte {
		return c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{
			Sender: c.admin.Address.String(), RollupId: "payments", L2Recipient: to.Address(),
			Amount: sdk.NewCoin(app.BondDenom, sdkmath.NewInt(amount)),
		})
	}
	res = c.NextBlock(deposit(opKey.Public, 1), deposit(alice.Public, 5_000_000))
	requireTxOK(t, res.TxResults[0])
	requireTxOK(t, res.TxResults[1])

	submit := func(txs ...payments.Tx) *payments.Batch {
		t.Helper()
		r := c.rollup(t, "payments")
		before, err := protocol.ParseFieldElement(r.ConsumedAccumulator)
		require.NoError(t, err)
		entries := c.pendingInbox(t, "payments")
		b, err := state.BuildBatch(payments.BatchContext{
			ChainID: apptest.ChainID, RollupID: "payments", BatchIndex: r.NextBatchIndex,
			Submitter: c.operator.Address, InboxBefore: before,
		}, entries, txs)
		require.NoError(t, err)
		require.Empty(t, b.Rejected)
		proof, err := prover.Prove(b)
		require.NoError(t, err)
		outbox, err := b.EncodedOutbox()
		require.NoError(t, err)
		res := c.NextBlock(c.SignTx(c.operator, &rollupstypes.MsgSubmitBatch{
			Submitter: c.operator.Address.String(), RollupId: "payments", BatchIndex: r.NextBatchIndex,
			NewStateRoot: protocol.StateRootBytes(b.NewRoot), Data: b.Data, InboxConsumed: b.InboxConsumed,
			Outbox: outbox, Proof: proof, L2TxCount: b.Commitment.L2TxCount,
		}))
		requireTxOK(t, res.TxResults[0])
		require.Equal(t, protocol.StateRootBytes(b.NewRoot), c.rollup(t, "payments").StateRoot)
		return b
	}

	// Batch 1: both deposits create accounts 0 and 1.
	b := submit()
	require.Equal(t, uint64(2), b.InboxConsumed)

	// Batch 2: Alice pays the operator and withdraws 2 NAT to the outsider.
	domain := paymentsv1.Domain(apptest.ChainID, "payments")
	amt, err := payments.EncodeAmount(sdkmath.NewInt(1000).BigInt())
	require.NoError(t, err)
	fee, err := payments.EncodeFee(sdkmath.NewInt(10).BigInt())
	require.NoError(t, err)
	transfer := payments.Tx{Kind: payments.KindTransfer, From: 1, To: 0, ToKey: opKey.Public, Amount: amt, Fee: fee, Nonce: 0}
	transfer.Sign(alice, domain, app.BondDenom)
	two, err := payments.EncodeAmount(sdkmath.NewInt(2_000_000).BigInt())
	require.NoError(t, err)
	withdraw := payments.Tx{Kind: payments.KindWithdraw, From: 1, Amount: two, Fee: fee, Nonce: 1, Recipient: c.outsider.Address}
	withdraw.Sign(alice, domain, app.BondDenom)
	outsiderBefore := c.balance(c.outsider.Address)
	b = submit(transfer, withdraw)
	require.Len(t, b.Outbox, 2, "the withdrawal, then the fees to the submitter")
	require.Equal(t, outsiderBefore.AddRaw(2_000_000).String(), c.balance(c.outsider.Address).String())
	ledger, err := c.App.CrossRollupKeeper.Ledger(c.Context(), "payments", app.BondDenom)
	require.NoError(t, err)
	require.Equal(t, "2999981", ledger.String(), "5000001 deposited, 2000000 withdrawn, 20 of fees paid out")
	a, err := state.Account(1)
	require.NoError(t, err)
	require.Equal(t, "2998980", a.Balance.String())
}
