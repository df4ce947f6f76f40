package app_test

import (
	"bytes"
	"fmt"
	"math/big"
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/protocol"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rewardstypes "github.com/nativechain/nativechain/x/rewards/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// Where an adversarial input is stopped, cheapest first.
const (
	stageDecode    = "decode"    // the SDK tx decoder, before any gas is metered
	stageAnte      = "ante"      // SDK ante (fees, size gas, signatures) or a module's CheckTx decorator
	stageValidate  = "validate"  // the message's stateless Validate, first thing in its handler
	stageHandler   = "handler"   // a stateful check in the handler, before any proof work
	stageVerifier  = "verifier"  // proof parsing or the pairing check, verification gas already charged
	stageAtomicity = "atomicity" // a later step of an all-or-nothing message fails and undoes the earlier ones
)

// adversarialCase is one hostile transaction. tx builds it on the shared
// chain at the moment it runs (so sequences and batch indices are current).
// inCheckTx says the mempool refuses it already (ante level); otherwise
// CheckTx admits it (the SDK runs no handlers in CheckTx) and the block
// refuses it, charging the sender the fee.
type adversarialCase struct {
	name      string
	tx        func(t *testing.T, c advChain) []byte
	stage     string
	inCheckTx bool
	// overBlock: larger than the block's max bytes, so a proposer's
	// PrepareProposal leaves it out.
	overBlock bool
	want      abciError
}

func adversarialCases() []adversarialCase {
	coin := func(amount int64) sdk.Coin { return sdk.NewCoin(app.BondDenom, sdkmath.NewInt(amount)) }
	deposit := func(c advChain, id string, amount sdk.Coin) *crossrolluptypes.MsgDeposit {
		return &crossrolluptypes.MsgDeposit{Sender: c.user.Address.String(), RollupId: id, L2Recipient: []byte("l2-user"), Amount: amount}
	}
	honest := func(t *testing.T, c advChain) *rollupstypes.MsgSubmitBatch {
		return c.advBatch(t, rollupsProver(t), "payments", nil, nil)
	}
	batchTx := func(mutate func(*protocol.BatchCommitment), msgMutate func(*rollupstypes.MsgSubmitBatch)) func(*testing.T, advChain) []byte {
		return func(t *testing.T, c advChain) []byte {
			return c.SignTx(c.operator, c.advBatch(t, rollupsProver(t), "payments", mutate, msgMutate))
		}
	}
	// unknownField is field 99 (varint 1): no nativechain or SDK message
	// declares it.
	unknownField := []byte{0x98, 0x06, 0x01}
	over128 := sdkmath.NewIntFromBigInt(new(big.Int).Lsh(big.NewInt(1), 128))

	return []adversarialCase{
		// ---- verifier ----
		{
			// Cut the proof short, hoping the parser reads past the end or
			// pads with zeros.
			name: "truncated proof", stage: stageVerifier, inCheckTx: true, want: verifier.ErrProofLength,
			tx: batchTx(nil, func(m *rollupstypes.MsgSubmitBatch) { m.Proof = m.Proof[:100] }),
		},
		{
			// Move Ar off the curve: a point not on BN254 can make a naive
			// pairing implementation accept or crash.
			name: "proof point not on the curve", stage: stageVerifier, inCheckTx: true, want: verifier.ErrProofEncoding,
			tx: batchTx(nil, func(m *rollupstypes.MsgSubmitBatch) { m.Proof = offCurveProof(m.Proof) }),
		},
		{
			// A hostile commitment count, hoping the parser allocates 4 GiB.
			name: "proof with a hostile commitment count", stage: stageVerifier, inCheckTx: true, want: verifier.ErrProofCommitmentCount,
			tx: batchTx(nil, func(m *rollupstypes.MsgSubmitBatch) { copy(m.Proof[128:132], []byte{0xff, 0xff, 0xff, 0xff}) }),
		},
		{
			// All-zero bytes: the point at infinity everywhere makes the
			// pairing equation trivially true in a careless verifier.
			name: "all-zero proof", stage: stageVerifier, inCheckTx: true, want: verifier.ErrProofEncoding,
			tx: batchTx(nil, func(m *rollupstypes.MsgSubmitBatch) { m.Proof = make([]byte, verifier.ProofSize) }),
		},
		{
			// A valid proof under a key the attacker controls, not the
			// rollup's registered key.
			name: "proof under another verifying key", stage: stageVerifier, inCheckTx: true, want: verifier.ErrProofInvalid,
			tx: func(t *testing.T, c advChain) []byte {
				return c.SignTx(c.operator, c.advBatch(t, otherKeyProver(t), "payments", nil, nil))
			},
		},
		{
			// A valid proof of dex's next batch replayed onto payments.
			name: "proof for another rollup", stage: stageVerifier, inCheckTx: true, want: verifier.ErrProofInvalid,
			tx: batchTx(func(bc *protocol.BatchCommitment) { bc.RollupID = "dex" }, nil),
		},
		{
			// Prove one new root, post another: the classic state theft.
			name: "proof of other public inputs (new root)", stage: stageVerifier, inCheckTx: true, want: verifier.ErrProofInvalid,
			tx: batchTx(nil, func(m *rollupstypes.MsgSubmitBatch) { m.NewStateRoot = elementBytes(100) }),
		},
		{
			// Prove against a previous root the attacker chose (skipping
			// the real state transition); the chain uses its stored root.
			name: "wrong previous root", stage: stageVerifier, inCheckTx: true, want: verifier.ErrProofInvalid,
			tx: batchTx(func(bc *protocol.BatchCommitment) { bc.PrevStateRoot = fr.NewElement(12345) }, nil),
		},
		{
			// Post different data than the proof executed (data withholding).
			name: "proof of other batch data", stage: stageVerifier, inCheckTx: true, want: verifier.ErrProofInvalid,
			tx: batchTx(nil, func(m *rollupstypes.MsgSubmitBatch) { m.Data = []byte("other data") }),
		},
		{
			// Replay batch 1, verbatim, after it was applied.
			name: "replayed batch", stage: stageHandler, inCheckTx: true, want: rollupstypes.ErrWrongBatchIndex,
			tx: func(t *testing.T, c advChain) []byte { return c.SignTx(c.operator, c.first) },
		},
		{
			// Batch 1's (valid) proof presented as batch 2.
			name: "proof of a previous batch", stage: stageVerifier, inCheckTx: true, want: verifier.ErrProofInvalid,
			tx: func(t *testing.T, c advChain) []byte {
				m := honest(t, c)
				m.Proof = c.first.Proof
				return c.SignTx(c.operator, m)
			},
		},
		{
			// Someone else's valid proof, re-signed by the attacker to
			// steal the operator reward (the proof binds the submitter).
			name: "front-run: an operator's proof signed by another operator", stage: stageVerifier, inCheckTx: true, want: verifier.ErrProofInvalid,
			tx: batchTx(func(bc *protocol.BatchCommitment) { bc.Submitter = []byte("another-operator-20b") }, nil),
		},
		// ---- batches ----
		{
			// Submit to a rollup that does not exist.
			name: "batch for an unknown rollup", stage: stageHandler, inCheckTx: true, want: rollupstypes.ErrUnknownRollup,
			tx: batchTx(nil, func(m *rollupstypes.MsgSubmitBatch) { m.RollupId = "ghost" }),
		},
		{
			// A valid proof signed by an account that is not an operator.
			name: "batch from a non-operator", stage: stageHandler, inCheckTx: true, want: rollupstypes.ErrNotOperator,
			tx: func(t *testing.T, c advChain) []byte {
				m := c.advBatch(t, rollupsProver(t), "payments", func(bc *protocol.BatchCommitment) { bc.Submitter = c.outsider.Address }, nil)
				m.Submitter = c.outsider.Address.String()
				return c.SignTx(c.outsider, m)
			},
		},
		{
			// More data than the rollup's limit, to bloat every node's
			// state; gas for the bytes is paid, the handler refuses.
			name: "oversize batch data", stage: stageHandler, inCheckTx: true, want: rollupstypes.ErrBatchDataTooLarge,
			tx: func(t *testing.T, c advChain) []byte {
				m := honest(t, c)
				m.Data = bytes.Repeat([]byte{0xda}, int(rollupstypes.DefaultMaxBatchDataBytes)+1)
				return c.signWithGas(t, c.operator, 4_000_000, m)
			},
		},
		{
			// Claim to consume inbox messages that do not exist.
			name: "inbox range beyond its size", stage: stageHandler, inCheckTx: true, want: rollupstypes.ErrInboxOverconsumed,
			tx: batchTx(nil, func(m *rollupstypes.MsgSubmitBatch) { m.InboxConsumed = 5 }),
		},
		{
			// Keep proving a rollup that was frozen for censorship.
			name: "batch for a frozen rollup", stage: stageHandler, inCheckTx: true, want: rollupstypes.ErrRollupNotActive,
			tx: func(t *testing.T, c advChain) []byte {
				return c.SignTx(c.operator, c.advBatch(t, rollupsProver(t), "stale", nil, nil))
			},
		},
		{
			// Skip ahead an index to fork the rollup's history.
			name: "skipped batch index", stage: stageHandler, inCheckTx: true, want: rollupstypes.ErrWrongBatchIndex,
			tx: batchTx(nil, func(m *rollupstypes.MsgSubmitBatch) { m.BatchIndex += 5 }),
		},
		{
			// A state root >= the field modulus: the same root with two
			// encodings would let a proof be replayed under a new name.
			name: "non-canonical new state root", stage: stageValidate, inCheckTx: true, want: protocol.ErrStateRootNonCanonical,
			tx: batchTx(nil, func(m *rollupstypes.MsgSubmitBatch) { m.NewStateRoot = bytes.Repeat([]byte{0xff}, 32) }),
		},
		{
			// An outbox that does not decode, to crash the decoder.
			name: "malformed outbox", stage: stageValidate, inCheckTx: true, want: protocol.ErrOutboxTruncated,
			tx: batchTx(nil, func(m *rollupstypes.MsgSubmitBatch) { m.Outbox = []byte{0x05, 0x01} }),
		},
		{
			// A proven batch withdrawing more than the rollup's ledger:
			// draining other rollups' escrow.
			// CheckTx verifies the proof but does not run the bridge hook,
			// so the block refuses it.
			// CheckTx applies batches with their hooks (issue 16), so the
			// bridge hook refuses it before the mempool.
			name: "withdrawal beyond the rollup's ledger", stage: stageHandler, inCheckTx: true, want: crossrolluptypes.ErrLedgerInsufficient,
			tx: func(t *testing.T, c advChain) []byte {
				out := []protocol.OutboxEntry{{Kind: protocol.OutboxKindWithdrawal, Recipient: c.outsider.Address, Denom: app.BondDenom, Amount: protocol.NewUint128(1_000_000_000)}}
				return c.SignTx(c.operator, provenBatch(t, c.rollupsChain, "payments", 50, 0, inboxConsumedAcc(t, c), out))
			},
		},
		// ---- bridge ----
		{
			// Deposit into a rollup nobody registered: coins locked forever.
			name: "deposit to an unknown rollup", stage: stageHandler, want: rollupstypes.ErrUnknownRollup,
			tx: func(t *testing.T, c advChain) []byte { return c.SignTx(c.user, deposit(c, "ghost", coin(1_000))) },
		},
		{
			// Deposit into a frozen rollup: its state will never advance.
			name: "deposit to a frozen rollup", stage: stageHandler, want: rollupstypes.ErrRollupNotActive,
			tx: func(t *testing.T, c advChain) []byte { return c.SignTx(c.user, deposit(c, "stale", coin(1_000))) },
		},
		{
			// 2^128: wraps to 0 in the 128-bit inbox encoding.
			name: "deposit amount over 128 bits", stage: stageValidate, want: protocol.ErrAmountOverflow,
			tx: func(t *testing.T, c advChain) []byte {
				return c.SignTx(c.user, deposit(c, "payments", sdk.Coin{Denom: app.BondDenom, Amount: over128}))
			},
		},
		{
			// A negative amount, to credit the L2 while debiting nothing.
			name: "negative deposit", stage: stageValidate, want: crossrolluptypes.ErrInvalidDeposit,
			tx: func(t *testing.T, c advChain) []byte {
				return c.SignTx(c.user, deposit(c, "payments", sdk.Coin{Denom: app.BondDenom, Amount: sdkmath.NewInt(-5)}))
			},
		},
		{
			// A zero deposit: a free inbox entry that grows every node's state.
			name: "zero deposit", stage: stageValidate, want: crossrolluptypes.ErrInvalidDeposit,
			tx: func(t *testing.T, c advChain) []byte { return c.SignTx(c.user, deposit(c, "payments", coin(0))) },
		},
		{
			// A denom the sender does not hold, hoping the ledger is
			// credited before the transfer fails.
			name: "deposit of a denom the sender lacks", stage: stageHandler, want: sdkerrors.ErrInsufficientFunds,
			tx: func(t *testing.T, c advChain) []byte {
				return c.SignTx(c.user, deposit(c, "payments", sdk.NewInt64Coin("uatom", 1_000)))
			},
		},
		{
			// An L1 call payload over the chain's bound: cheap bytes that
			// every prover must hash.
			name: "oversize send-message payload", stage: stageHandler, want: protocol.ErrPayloadTooLarge,
			tx: func(t *testing.T, c advChain) []byte {
				return c.SignTx(c.user, &crossrolluptypes.MsgSendMessage{
					Sender: c.user.Address.String(), RollupId: "payments", L2Recipient: []byte("l2"),
					Payload: bytes.Repeat([]byte{1}, int(crossrolluptypes.DefaultMaxPayloadBytes)+1),
				})
			},
		},
		{
			// A bundle applying the same valid batch twice: the first would
			// apply, the second is a replay; all or nothing.
			name: "bundle repeating one rollup's batch", stage: stageAtomicity, inCheckTx: true, want: rollupstypes.ErrWrongBatchIndex,
			tx: func(t *testing.T, c advChain) []byte {
				m := honest(t, c)
				return c.SignTx(c.operator, &crossrolluptypes.MsgSubmitBundle{Batches: []*rollupstypes.MsgSubmitBatch{m, m}})
			},
		},
		{
			// More batches than max_bundle_batches: one tx that costs a
			// block's worth of pairings.
			name: "bundle with too many batches", stage: stageHandler, inCheckTx: true, want: crossrolluptypes.ErrInvalidBundle,
			tx: func(t *testing.T, c advChain) []byte {
				m := honest(t, c)
				batches := make([]*rollupstypes.MsgSubmitBatch, crossrolluptypes.DefaultMaxBundleBatches+1)
				for i := range batches {
					batches[i] = m
				}
				return c.SignTx(c.operator, &crossrolluptypes.MsgSubmitBundle{Batches: batches})
			},
		},
		// ---- rewards ----
		{
			// Claim rewards never earned.
			name: "claim by a non-operator", stage: stageHandler, want: rewardstypes.ErrNoPendingRewards,
			tx: func(t *testing.T, c advChain) []byte {
				return c.SignTx(c.outsider, &rewardstypes.MsgClaimRewards{Operator: c.outsider.Address.String()})
			},
		},
		{
			// Claim the same rewards a second time.
			name: "double claim", stage: stageHandler, want: rewardstypes.ErrNoPendingRewards,
			tx: func(t *testing.T, c advChain) []byte {
				return c.SignTx(c.operator, &rewardstypes.MsgClaimRewards{Operator: c.operator.Address.String()})
			},
		},
		{
			// Claim on behalf of the operator (paid to the operator anyway,
			// but the signer must be the operator).
			name: "claim signed by someone else", stage: stageAnte, inCheckTx: true, want: sdkerrors.ErrInvalidPubKey,
			tx: func(t *testing.T, c advChain) []byte {
				return c.SignTx(c.outsider, &rewardstypes.MsgClaimRewards{Operator: c.operator.Address.String()})
			},
		},
		{
			// Rewrite the reward split without governance.
			name: "rewards params from a non-authority", stage: stageHandler, want: rewardstypes.ErrUnauthorized,
			tx: func(t *testing.T, c advChain) []byte {
				return c.SignTx(c.user, &rewardstypes.MsgUpdateParams{Authority: c.user.Address.String(), Params: rewardstypes.DefaultParams()})
			},
		},
		// ---- registration ----
		{
			// A verifying key with a hostile point count, hoping gnark
			// allocates before anyone checks.
			name: "verifying key with a hostile count", stage: stageVerifier, want: verifier.ErrVKPublicInputCount,
			tx: func(t *testing.T, c advChain) []byte {
				vk := rollupsProver(t).VerifyingKey()
				copy(vk[288:292], []byte{0xff, 0xff, 0xff, 0xff})
				p, err := c.App.RollupsKeeper.Params.Get(c.Context())
				require.NoError(t, err)
				return c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
					Admin: c.admin.Address.String(), RollupId: "evil", VerifyingKey: vk,
					GenesisStateRoot: elementBytes(1), Operators: []string{c.operator.Address.String()}, Bond: p.MinOperatorBond,
				})
			},
		},
		// ---- encoding ----
		{
			// An unknown field in the tx body: the signature covers it, so
			// a node that ignored it would execute bytes no wallet showed.
			name: "unknown field in the tx body", stage: stageDecode, inCheckTx: true, want: sdkerrors.ErrTxDecode,
			tx: func(t *testing.T, c advChain) []byte {
				body := append(bodyWith(t, msgAny(t, deposit(c, "payments", coin(1)), nil)), unknownField...)
				return c.signBody(t, c.user, body)
			},
		},
		{
			// An unknown field inside a message (the SDK's unknown-field
			// rejection), e.g. a field a future version would honour.
			name: "unknown field in a message", stage: stageDecode, inCheckTx: true, want: sdkerrors.ErrTxDecode,
			tx: func(t *testing.T, c advChain) []byte {
				return c.signBody(t, c.user, bodyWith(t, msgAny(t, deposit(c, "payments", coin(1)), unknownField)))
			},
		},
		{
			// Any inside Any, 200 deep: exhaust the decoder's stack.
			name: "deeply nested Any", stage: stageDecode, inCheckTx: true, want: sdkerrors.ErrTxDecode,
			tx: func(t *testing.T, c advChain) []byte {
				return c.signBody(t, c.user, bodyWith(t, nestedAny(t, 200)))
			},
		},
		{
			// A message type the chain does not know.
			name: "unregistered message type", stage: stageDecode, inCheckTx: true, want: sdkerrors.ErrTxDecode,
			tx: func(t *testing.T, c advChain) []byte {
				return c.signBody(t, c.user, bodyWith(t, &codectypes.Any{TypeUrl: "/evil.v1.MsgMint", Value: []byte{0x0a, 0x01, 'x'}}))
			},
		},
		{
			// A transaction larger than the block (200 kB here) with a gas
			// limit too small for its bytes: refused by the size gas.
			name: "oversize tx bytes", stage: stageAnte, inCheckTx: true, overBlock: true, want: sdkerrors.ErrOutOfGas,
			tx: func(t *testing.T, c advChain) []byte {
				m := honest(t, c)
				m.Data = bytes.Repeat([]byte{0xda}, 250_000)
				return c.SignTx(c.operator, m)
			},
		},
		{
			// Random bytes.
			name: "garbage bytes", stage: stageDecode, inCheckTx: true, want: sdkerrors.ErrTxDecode,
			tx: func(t *testing.T, c advChain) []byte { return []byte(strings.Repeat("\xde\xad\xbe\xef", 64)) },
		},
		{
			// An empty transaction: decodes, but carries no message.
			name: "empty tx", stage: stageAnte, inCheckTx: true, want: sdkerrors.ErrInvalidRequest,
			tx: func(t *testing.T, c advChain) []byte { return []byte{} },
		},
	}
}

// adversarialResult is one row of the report.
type adversarialResult struct {
	name, stage, err          string
	checkGas, deliverGas, fee int64
}

// TestAdversarial_BadInputsAreRefusedCheaplyAndChangeNothing delivers each
// hostile transaction through CheckTx and then alone in a block, and checks
// the typed error, the gas it cost, and that the rollups, the bridge, the
// reward pool and every balance (fees aside) are untouched. The chain then
// still applies an honest batch.
func TestAdversarial_BadInputsAreRefusedCheaplyAndChangeNothing(t *testing.T) {
	c := newAdversarialChain(t)
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	cases := adversarialCases()
	require.GreaterOrEqual(t, len(cases), 30)

	var report []adversarialResult
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.syncSequences(t)
			before, balances := c.stateDigest(t), c.balances()
			tx := tc.tx(t, c)

			// The mempool.
			check, err := c.App.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
			require.NoError(t, err)
			if tc.inCheckTx {
				require.Equal(t, tc.want.Codespace(), check.Codespace, check.Log)
				require.Equal(t, tc.want.ABCICode(), check.Code, check.Log)
			} else {
				require.Equal(t, uint32(0), check.Code, "admitted: the SDK runs no handlers in CheckTx: %s", check.Log)
			}

			// The proposal. A block carrying an invalid proof is accepted:
			// the proof fails its own tx, never the block (review C1).
			if tc.overBlock {
				prep, err := c.App.PrepareProposal(&abci.RequestPrepareProposal{
					Height: c.App.LastBlockHeight() + 1, Time: c.Time, Txs: [][]byte{tx},
					MaxTxBytes: simtestutil.DefaultConsensusParams.Block.MaxBytes,
				})
				require.NoError(t, err)
				require.Empty(t, prep.Txs, "a proposer leaves out a tx larger than the block")
			}
			if tc.want == verifier.ErrProofInvalid {
				require.Equal(t, abci.ResponseProcessProposal_ACCEPT, processProposal(t, c.rollupsChain, tx))
			}

			// The block, as if a proposer included it anyway.
			res := c.NextBlock(tx)
			require.Len(t, res.TxResults, 1)
			got := res.TxResults[0]
			require.Equal(t, tc.want.Codespace(), got.Codespace, got.Log)
			require.Equal(t, tc.want.ABCICode(), got.Code, got.Log)
			require.Empty(t, typedEventTypes(got), "a refused tx emits no module events")

			// Nothing moved but the fee.
			require.Equal(t, before, c.stateDigest(t), "a refused tx changes no rollup, ledger, escrow or reward")
			var fee int64
			for i, b := range c.balances() {
				spent := balances[i].Sub(b).Int64()
				require.Contains(t, []int64{0, advFee}, spent, "account %d paid %d", i, spent)
				fee += spent
			}
			switch tc.stage {
			case stageDecode:
				require.Zero(t, got.GasUsed, "refused before gas is metered")
				require.Zero(t, fee, "an undecodable tx pays nothing")
			case stageVerifier:
				if tc.want == verifier.ErrProofInvalid {
					// The same batch refused at parsing (the first case)
					// plus the verification gas, charged before the pairing.
					require.NotEmpty(t, report)
					parsed := report[0]
					require.Equal(t, "truncated proof", parsed.name)
					require.GreaterOrEqual(t, uint64(got.GasUsed), uint64(parsed.deliverGas)+params.VerifyProofGas,
						"verification gas is charged before the curve work")
				}
			}
			report = append(report, adversarialResult{
				name: tc.name, stage: tc.stage, err: fmt.Sprintf("%s/%d %s", tc.want.Codespace(), tc.want.ABCICode(), tc.want.Error()),
				checkGas: check.GasUsed, deliverGas: got.GasUsed, fee: fee,
			})
		})
	}

	// The chain keeps going: an honest batch applies in the next block.
	c.syncSequences(t)
	res := c.NextBlock(c.SignTx(c.operator, c.advBatch(t, rollupsProver(t), "payments", nil, nil)))
	requireTxOK(t, res.TxResults[0])
	require.Equal(t, uint64(3), c.rollup(t, "payments").NextBatchIndex)

	t.Logf("| # | input | stopped at | error | CheckTx gas | block gas | fee paid |")
	for i, r := range report {
		t.Logf("| %d | %s | %s | %s | %d | %d | %d |", i+1, r.name, r.stage, r.err, r.checkGas, r.deliverGas, r.fee)
	}
}

// typedEventTypes lists the nativechain module events of a tx result.
func typedEventTypes(res *abci.ExecTxResult) []string {
	var out []string
	for _, ev := range res.Events {
		if strings.HasPrefix(ev.Type, "nativechain.") {
			out = append(out, ev.Type)
		}
	}
	return out
}

// offCurveProof replaces Ar's x-coordinate by the first nearby value with
// no point on BN254 (x^3 + 3 not a square), keeping the compression flag.
func offCurveProof(proof []byte) []byte {
	for v := 0; v < 256; v++ {
		out := bytes.Clone(proof)
		out[31] = byte(v)
		if _, err := verifier.ParseProof(out); errorsmod.IsOf(err, verifier.ErrProofEncoding) {
			return out
		}
	}
	return nil // not reached for a real proof; an empty proof fails the case
}

// inboxConsumedAcc is payments' consumed-inbox accumulator (a batch that
// consumes nothing starts and ends there).
func inboxConsumedAcc(t *testing.T, c advChain) fr.Element {
	t.Helper()
	acc, err := protocol.ParseFieldElement(c.rollup(t, "payments").ConsumedAccumulator)
	require.NoError(t, err)
	return acc
}
