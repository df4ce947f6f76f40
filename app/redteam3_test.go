package app_test

import (
	"fmt"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
)

// Red team 3 (after issue 16): CheckTx applies every batch of a
// transaction in order, verifying each proof, and a transaction refused
// there pays nothing. Before this test, nothing bounded how many batches
// one transaction carries but its gas limit (verify_proof_gas each: up to
// 1,500 at a 30M block gas limit), so one transaction of n consecutive
// batches of the attacker's own rollup whose last batch is bad made every
// node it reached verify n-1 proofs for free, and again for every fresh
// set of proofs. Before issue 16 a second lone batch of the same rollup
// failed its index check without a pairing. Now a transaction's batches,
// lone or bundled, count against max_bundle_batches, checked before any
// is hashed or verified.
func TestRedTeam3_ManyBatchesInOneRefusedTxVerifyNothing(t *testing.T) {
	m := newMultiBatchChain(t)
	params, err := m.App.CrossRollupKeeper.Params.Get(m.Context())
	require.NoError(t, err)
	limit := int(params.MaxBundleBatches)

	var msgs []sdk.Msg
	for i := 0; i <= limit; i++ { // limit+1 valid consecutive batches
		msgs = append(msgs, m.batch(t, m.operator, uint64(i+1), uint64(i+1), uint64(i+2), fmt.Sprintf("batch %d", i+1)))
	}
	// The last one is proven on a wrong previous root: the tx is refused.
	bad := m.batch(t, m.operator, uint64(limit+2), 1, uint64(limit+3), "bad")

	before := m.App.RollupsKeeper.VerifyCacheStats()
	m.requireRefused(t, m.SignTx(m.operator, append(msgs, bad)...), abci.CheckTxType_New, crossrolluptypes.ErrTooManyBatches)
	m.operator.Seq--
	after := m.App.RollupsKeeper.VerifyCacheStats()
	require.Equal(t, before.ProofsVerified, after.ProofsVerified, "a refused transaction of %d batches verified proofs for free", limit+2)
	require.Equal(t, before.DAHashes, after.DAHashes)
	m.requireRollup(t, 1, 1)

	// max_bundle_batches lone batches in one transaction are admitted (the
	// operator sends up to 8), and land.
	tx := m.SignTx(m.operator, msgs[:limit]...)
	m.requireAdmitted(t, tx, abci.CheckTxType_New)
	res := m.block(tx)
	requireTxOK(t, res.TxResults[0])
	m.requireRollup(t, uint64(limit+1), uint64(limit+1))
}

// Red team 3 (after issue 16): CheckTx applies a transaction's batches on
// the check state with their hooks, so a withdrawal in a batch's outbox
// pays its recipient in the check state. A transaction built to fail in
// its block (the batch, then a send the submitter cannot cover) thus funds
// its recipient for CheckTx only: the recipient's transactions pass the
// fee check on coins that never exist, enter the mempool behind it, reach
// a block and fail there without paying their fee. Per block the attacker
// pays one batch transaction's fee (its ledger is never debited) and fills
// the rest of the block's gas and bytes with free transactions.
func TestRedTeam3_CheckTxWithdrawalDoesNotFundOtherTransactions(t *testing.T) {
	c := registeredRollupsChain(t)
	res := c.NextBlock(c.SignTx(c.admin, &crossrolluptypes.MsgDeposit{
		Sender: c.admin.Address.String(), RollupId: "payments", L2Recipient: []byte("l2-attacker-000000000000000000"),
		Amount: sdk.NewCoin(app.BondDenom, sdkmath.NewInt(5_000_000)),
	}))
	requireTxOK(t, res.TxResults[0])

	// The free rider: an account that holds 1 unat.
	key := secp256k1.GenPrivKey()
	rider := &apptest.Account{PrivKey: key, Address: sdk.AccAddress(key.PubKey().Address())}
	res = c.NextBlock(c.SignTx(c.admin, &banktypes.MsgSend{
		FromAddress: c.admin.Address.String(), ToAddress: rider.Address.String(),
		Amount: sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(1))),
	}))
	requireTxOK(t, res.TxResults[0])
	acc := c.App.AccountKeeper.GetAccount(c.Context(), rider.Address)
	require.NotNil(t, acc)
	rider.Number = acc.GetAccountNumber()

	// The batch withdraws 2 NAT to the rider; the send after it is more
	// than the submitter holds, so the transaction fails in its block.
	withdrawal := protocol.OutboxEntry{
		Kind: protocol.OutboxKindWithdrawal, Recipient: rider.Address,
		Denom: app.BondDenom, Amount: protocol.NewUint128(2_000_000),
	}
	batch := bridgeBatch(t, c, "payments", 7, 1, []protocol.OutboxEntry{withdrawal})
	overdraw := &banktypes.MsgSend{
		FromAddress: c.operator.Address.String(), ToAddress: c.admin.Address.String(),
		Amount: sdk.NewCoins(sdk.NewCoin(app.BondDenom, c.balance(c.operator.Address).MulRaw(2))),
	}
	bait := c.SignTx(c.operator, batch, overdraw)
	check, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: bait, Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, uint32(0), check.Code, check.Log)

	// The rider's transaction pays its fee with coins that only the check
	// state holds: it must be refused.
	free := c.SignTx(rider, &banktypes.MsgSend{
		FromAddress: rider.Address.String(), ToAddress: c.admin.Address.String(),
		Amount: sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(1_000_000))),
	})
	check, err = c.App.CheckTx(&abci.RequestCheckTx{Tx: free, Type: abci.CheckTxType_New})
	require.NoError(t, err)
	if check.Code == 0 {
		// What the mempool then puts in a block: both fail, and the rider
		// pays nothing.
		res = c.NextBlock(bait, free)
		require.NotEqual(t, uint32(0), res.TxResults[0].Code)
		requireTxFailedWith(t, res.TxResults[1], sdkerrors.ErrInsufficientFunds)
		require.Equal(t, "1", c.balance(rider.Address).String(), "the rider's transaction took block space and paid no fee")
	}
	require.Equal(t, sdkerrors.ErrInsufficientFunds.ABCICode(), check.Code,
		"CheckTx admitted a fee paid with a withdrawal of a batch still in the mempool: %s", check.Log)
}
