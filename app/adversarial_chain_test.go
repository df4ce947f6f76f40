package app_test

import (
	"bytes"
	"fmt"
	"math/rand"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	signingtypes "github.com/cosmos/cosmos-sdk/types/tx/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rewardskeeper "github.com/nativechain/nativechain/x/rewards/keeper"
	rewardstypes "github.com/nativechain/nativechain/x/rewards/types"
	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// The adversarial chain: a real app with three rollups in the states an
// attacker would aim at, built once per test.
const (
	advEpochLength   = 2
	advInboxDeadline = 6
	advFee           = 10_000 // unat per tx, as apptest signs
)

// A second, unrelated setup of the test circuit: proofs under a verifying
// key no rollup registered.
var (
	foreignProverOnce sync.Once
	foreignProver     *batchprover.Prover
	foreignProverErr  error
)

func otherKeyProver(t *testing.T) *batchprover.Prover {
	t.Helper()
	foreignProverOnce.Do(func() { foreignProver, foreignProverErr = batchprover.New() })
	require.NoError(t, foreignProverErr)
	return foreignProver
}

// advChain has "payments" (active, one verified batch, a funded ledger),
// "dex" (active, empty) and "stale" (frozen: it ignored a forced
// transaction), and an operator who has already claimed its rewards once.
type advChain struct {
	rollupsChain
	user *apptest.Account
	// first is payments' verified batch 1, kept for replays.
	first *rollupstypes.MsgSubmitBatch
}

func newAdversarialChain(t *testing.T) advChain {
	t.Helper()
	genesis, accounts := apptest.NewGenesis(t, 4)
	genesis = withModuleParam(t, genesis, rewardstypes.ModuleName, "epoch_length", strconv.Itoa(advEpochLength))
	genesis = withModuleParam(t, genesis, rollupstypes.ModuleName, "inbox_deadline_blocks", strconv.Itoa(advInboxDeadline))
	base := apptest.NewChain(t, genesis, accounts)
	c := advChain{
		rollupsChain: rollupsChain{Chain: base, admin: base.Accounts[0], operator: base.Accounts[1], outsider: base.Accounts[2]},
		user:         base.Accounts[3],
	}
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	register := func(id string, root uint64) []byte {
		return c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
			Admin: c.admin.Address.String(), RollupId: id, VerifyingKey: rollupsProver(t).VerifyingKey(),
			GenesisStateRoot: elementBytes(root), Operators: []string{c.operator.Address.String()}, Bond: params.MinOperatorBond,
		})
	}
	c.okBlock(t, register("payments", 1), register("dex", 2), register("stale", 3))
	c.okBlock(t,
		c.SignTx(c.user, &crossrolluptypes.MsgDeposit{
			Sender: c.user.Address.String(), RollupId: "payments", L2Recipient: []byte("l2-user"),
			Amount: sdk.NewCoin(app.BondDenom, sdkmath.NewInt(5_000_000)),
		}),
		c.SignTx(c.user, &rollupstypes.MsgForceInclude{Sender: c.user.Address.String(), RollupId: "stale", L2Tx: []byte("forced transfer")}),
	)
	// payments consumes its deposit (so it never misses a deadline) and
	// earns work; stale ignores the forced transaction and freezes.
	c.first = bridgeBatch(t, c.rollupsChain, "payments", 7, 1, nil)
	c.okBlock(t, c.SignTx(c.operator, c.first))
	for i := 0; i < 3*advInboxDeadline && c.rollup(t, "stale").Status != rollupstypes.ROLLUP_STATUS_FROZEN; i++ {
		c.okBlock(t)
	}
	require.Equal(t, rollupstypes.ROLLUP_STATUS_FROZEN, c.rollup(t, "stale").Status)
	require.Equal(t, rollupstypes.ROLLUP_STATUS_ACTIVE, c.rollup(t, "payments").Status)
	require.True(t, c.pending(t).IsPositive(), "the operator earned rewards")
	c.okBlock(t, c.SignTx(c.operator, &rewardstypes.MsgClaimRewards{Operator: c.operator.Address.String()}))
	return c
}

// okBlock commits a block whose transactions must all succeed.
func (c advChain) okBlock(t *testing.T, txs ...[]byte) {
	t.Helper()
	res := c.NextBlock(txs...)
	for _, r := range res.TxResults {
		requireTxOK(t, r)
	}
}

func (c advChain) pending(t *testing.T) sdkmath.Int {
	t.Helper()
	amt, err := c.App.RewardsKeeper.PendingRewards(c.Context(), c.operator.Address)
	require.NoError(t, err)
	return amt.AmountOf(app.BondDenom)
}

// syncSequences reads every account's sequence from the committed state: a
// transaction refused by the ante handler in a block does not use its
// sequence.
func (c advChain) syncSequences(t *testing.T) {
	t.Helper()
	for _, a := range c.Accounts {
		acc := c.App.AccountKeeper.GetAccount(c.Context(), a.Address)
		require.NotNil(t, acc)
		a.Seq = acc.GetSequence()
	}
}

// stateDigest is everything an attack on the rollups, the bridge or the
// reward pool could move: the three rollup records, the ledgers and escrow,
// the x/rollups escrow of bonds, the operator's pending rewards and every
// test account's balance except for fees (reported separately).
func (c advChain) stateDigest(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	for _, id := range []string{"payments", "dex", "stale"} {
		r := c.rollup(t, id)
		bz, err := r.Marshal()
		require.NoError(t, err)
		fmt.Fprintf(&b, "rollup %s %x\n", id, bz)
		amt, err := c.App.CrossRollupKeeper.Ledger(c.Context(), id, app.BondDenom)
		require.NoError(t, err)
		fmt.Fprintf(&b, "ledger %s %s\n", id, amt)
	}
	for _, mod := range []string{crossrolluptypes.ModuleName, rollupstypes.ModuleName} {
		fmt.Fprintf(&b, "module %s %s\n", mod, c.App.BankKeeper.GetAllBalances(c.Context(), authtypes.NewModuleAddress(mod)))
	}
	fmt.Fprintf(&b, "pending %s\n", c.pending(t))
	escrow, ledgers, pending, accrued, err := c.App.CrossRollupKeeper.EscrowInvariant(c.Context())
	require.NoError(t, err)
	require.Equal(t, escrow.String(), ledgers.Add(pending...).Add(accrued...).String(), "bridge invariant")
	return b.String()
}

// balances are the test accounts' bond-denom balances.
func (c advChain) balances() []sdkmath.Int {
	out := make([]sdkmath.Int, len(c.Accounts))
	for i, a := range c.Accounts {
		out[i] = c.balance(a.Address)
	}
	return out
}

// signWithGas is SignTx with a chosen gas limit.
func (c advChain) signWithGas(t *testing.T, from *apptest.Account, gas uint64, msgs ...sdk.Msg) []byte {
	t.Helper()
	txCfg := c.App.TxConfig()
	tx, err := simtestutil.GenSignedMockTx(advRand(), txCfg, msgs,
		sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(advFee))), gas, apptest.ChainID,
		[]uint64{from.Number}, []uint64{from.Seq}, from.PrivKey)
	require.NoError(t, err)
	bz, err := txCfg.TxEncoder()(tx)
	require.NoError(t, err)
	from.Seq++
	return bz
}

// advRand only varies the memo of signed test transactions.
func advRand() *rand.Rand { return rand.New(rand.NewSource(7)) }

// signBody signs an arbitrary, possibly hostile, transaction body with
// SIGN_MODE_DIRECT: the signature is valid over exactly these body bytes,
// so only the decoder can refuse them.
func (c advChain) signBody(t *testing.T, from *apptest.Account, bodyBytes []byte) []byte {
	t.Helper()
	pk, err := codectypes.NewAnyWithValue(from.PrivKey.PubKey())
	require.NoError(t, err)
	authInfo := txtypes.AuthInfo{
		SignerInfos: []*txtypes.SignerInfo{{
			PublicKey: pk,
			ModeInfo:  &txtypes.ModeInfo{Sum: &txtypes.ModeInfo_Single_{Single: &txtypes.ModeInfo_Single{Mode: signingtypes.SignMode_SIGN_MODE_DIRECT}}},
			Sequence:  from.Seq,
		}},
		Fee: &txtypes.Fee{Amount: sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewInt(advFee))), GasLimit: 1_000_000},
	}
	authBytes, err := authInfo.Marshal()
	require.NoError(t, err)
	doc := txtypes.SignDoc{BodyBytes: bodyBytes, AuthInfoBytes: authBytes, ChainId: apptest.ChainID, AccountNumber: from.Number}
	docBytes, err := doc.Marshal()
	require.NoError(t, err)
	sig, err := from.PrivKey.Sign(docBytes)
	require.NoError(t, err)
	raw := txtypes.TxRaw{BodyBytes: bodyBytes, AuthInfoBytes: authBytes, Signatures: [][]byte{sig}}
	bz, err := raw.Marshal()
	require.NoError(t, err)
	from.Seq++
	return bz
}

// bodyWith is a TxBody carrying the given raw messages.
func bodyWith(t *testing.T, msgs ...*codectypes.Any) []byte {
	t.Helper()
	body := txtypes.TxBody{Messages: msgs}
	bz, err := body.Marshal()
	require.NoError(t, err)
	return bz
}

// msgAny packs msg as an Any with its real type URL, optionally with extra
// raw bytes appended to its encoding (an unknown field).
func msgAny(t *testing.T, msg sdk.Msg, extra []byte) *codectypes.Any {
	t.Helper()
	a, err := codectypes.NewAnyWithValue(msg)
	require.NoError(t, err)
	return &codectypes.Any{TypeUrl: a.TypeUrl, Value: append(bytes.Clone(a.Value), extra...)}
}

// nestedAny is an Any wrapping an Any, depth times.
func nestedAny(t *testing.T, depth int) *codectypes.Any {
	t.Helper()
	inner := &codectypes.Any{TypeUrl: "/google.protobuf.Any"}
	for i := 0; i < depth; i++ {
		bz, err := inner.Marshal()
		require.NoError(t, err)
		inner = &codectypes.Any{TypeUrl: "/google.protobuf.Any", Value: bz}
	}
	return inner
}

// advBatch is a batch for the next index of id, proven by p over the
// commitment the chain would build, after mutate changes it; the message
// itself is the honest one unless msgMutate changes it.
func (c advChain) advBatch(t *testing.T, p *batchprover.Prover, id string, mutate func(*protocol.BatchCommitment), msgMutate func(*rollupstypes.MsgSubmitBatch)) *rollupstypes.MsgSubmitBatch {
	t.Helper()
	r := c.rollup(t, id)
	prev, err := protocol.ParseStateRoot(r.StateRoot)
	require.NoError(t, err)
	acc, err := protocol.ParseFieldElement(r.ConsumedAccumulator)
	require.NoError(t, err)
	data := []byte("adversarial batch data")
	commitment := protocol.BatchCommitment{
		ChainID: apptest.ChainID, RollupID: id, BatchIndex: r.NextBatchIndex,
		PrevStateRoot: prev, NewStateRoot: mustRoot(t, elementBytes(99)), DAHash: protocol.DAHash(data),
		InboxBefore: acc, InboxAfter: acc, OutboxHash: protocol.OutboxHash(nil),
		L2TxCount: 1, Submitter: c.operator.Address,
	}
	if mutate != nil {
		mutate(&commitment)
	}
	proof, err := p.Prove(commitment)
	require.NoError(t, err)
	msg := &rollupstypes.MsgSubmitBatch{
		Submitter: c.operator.Address.String(), RollupId: id, BatchIndex: r.NextBatchIndex,
		NewStateRoot: elementBytes(99), Data: data, Proof: proof, L2TxCount: 1,
	}
	if msgMutate != nil {
		msgMutate(msg)
	}
	return msg
}

// Red team of the wiring refactor (docs/adversarial.md): the fees and the
// slashed bond x/rollups collects reach the reward pool through the
// AfterRewardFundsCollected hook exactly once each: three registration
// fees, one forced-inclusion fee and the frozen rollup's bond, and x/rollups'
// module account keeps exactly the two live bonds.
func TestWiring_FeesAndSlashedBondReachThePoolExactlyOnce(t *testing.T) {
	c := newAdversarialChain(t)
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	pool, err := rewardskeeper.NewQueryServerImpl(c.App.RewardsKeeper).Pool(c.Context(), &rewardstypes.QueryPoolRequest{})
	require.NoError(t, err)
	inflows := map[string]sdk.Coins{}
	for _, s := range pool.Inflows {
		inflows[s.Source] = s.Amount
	}
	bond := params.MinOperatorBond
	require.Equal(t, sdk.NewCoins(sdk.NewCoin(params.RegistrationFee.Denom, params.RegistrationFee.Amount.MulRaw(3))).String(),
		inflows[rewardstypes.SourceRegistrationFee].String())
	require.Equal(t, sdk.NewCoins(params.ForcedInclusionFee).String(), inflows[rewardstypes.SourceForcedInclusionFee].String())
	require.Equal(t, sdk.NewCoins(bond).String(), inflows[rewardstypes.SourceSlashedBond].String())
	require.True(t, c.rollup(t, "stale").Bond.IsZero())

	escrow := c.App.BankKeeper.GetBalance(c.Context(), authtypes.NewModuleAddress(rollupstypes.ModuleName), bond.Denom)
	require.Equal(t, bond.Amount.MulRaw(2).String(), escrow.Amount.String(), "x/rollups holds the live bonds only")
}
