package app_test

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/app/apptest"
	"github.com/nativechain/nativechain/protocol"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rewardstypes "github.com/nativechain/nativechain/x/rewards/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Determinism: every validator must compute the same app hash from the same
// blocks, whatever its CPU count, its clock, or the order in which Go happens
// to iterate its maps. TestDeterminism_ReplayGivesIdenticalAppHashes records
// one chain (registrations, proven batches, deposits, a routed message,
// withdrawals, a forced transaction that misses its deadline and freezes a
// rollup, reward epochs and a claim), then replays its exact blocks on fresh
// app instances and compares, height by height, the app hash and the hash of
// the transaction results (what CometBFT puts in the next header as
// LastResultsHash).
//
// What catches what:
//   - Map iteration order. Go randomises the starting point of every `range`
//     over a map, independently on every execution of the loop. A module that
//     lets that order reach state (writes, event order, gas, which of two
//     entries wins) computes a different app hash in the replays, at the first
//     block where that map holds two or more entries. The recording and the
//     replays are four independent executions of every block, and the
//     per-height comparison names the first block that diverged.
//   - Wall-clock time. Every replay starts in a later wall-clock second than
//     the run before it (waitForNextSecond), while the block times are the
//     recorded ones. A module that reads time.Now (or time.Since) instead of
//     the block time writes a different value, at nanosecond or second
//     resolution alike.
//   - Scheduling. The runs alternate runtime.GOMAXPROCS 2 and 1, so code
//     whose result depends on goroutine interleaving (parallel verification
//     collecting results in completion order, a data race on a cache) sees a
//     different schedule.
//
// scripts/determinism-lint.sh is the static half: it rejects these
// constructs in x/ before they ever reach a test.
func TestDeterminism_ReplayGivesIdenticalAppHashes(t *testing.T) {
	if testing.Short() {
		t.Skip("records a 26-block chain and replays it three times")
	}
	genesis, accounts := determinismGenesis(t)

	recorded := withGOMAXPROCS(2, func() recordedChain { return recordDeterminismChain(t, genesis, accounts) })

	for run, procs := range []int{1, 2, 1} {
		waitForNextSecond()
		name := fmt.Sprintf("replay %d, GOMAXPROCS=%d", run+1, procs)
		got := withGOMAXPROCS(procs, func() []blockDigest { return replayBlocks(t, genesis, accounts, recorded.blocks) })
		requireSameDigests(t, name, recorded.digests, got)
	}
	t.Logf("%d blocks, identical app and results hashes at every height in the recording and 3 replays", len(recorded.digests))
	if path := os.Getenv("DETERMINISM_RECORD_TO"); path != "" {
		writeRecording(t, path, genesis, recorded)
	}
}

// TestDeterminism_ReplayOfSavedRecording replays a chain recorded by another
// build of the app (DETERMINISM_RECORD_TO=FILE on the determinism test) and
// requires the same app and results hashes at every height. It is how a
// refactor proves "no behaviour change": record on the commit before it,
// replay on the commit after it:
//
//	git checkout OLD && DETERMINISM_RECORD_TO=/tmp/rec.json go test ./app -run TestDeterminism_ReplayGives -count 1
//	git checkout NEW && DETERMINISM_REPLAY_FROM=/tmp/rec.json go test ./app -run TestDeterminism_ReplayOfSaved -count 1
func TestDeterminism_ReplayOfSavedRecording(t *testing.T) {
	path := os.Getenv("DETERMINISM_REPLAY_FROM")
	if path == "" {
		t.Skip("set DETERMINISM_REPLAY_FROM to a recording written with DETERMINISM_RECORD_TO")
	}
	bz, err := os.ReadFile(path)
	require.NoError(t, err)
	var rec savedRecording
	require.NoError(t, json.Unmarshal(bz, &rec))
	_, accounts := determinismGenesis(t)
	got := replayBlocks(t, rec.Genesis, accounts, rec.Blocks)
	want := make([]blockDigest, len(rec.Digests))
	for i, d := range rec.Digests {
		want[i] = blockDigest{height: d.Height, appHash: d.AppHash, resultsHash: d.ResultsHash}
	}
	requireSameDigests(t, "replay of "+path, want, got)
	t.Logf("%d blocks of %s: identical app and results hashes at every height", len(want), path)
}

// savedRecording is a recorded chain in a file: its genesis, the txs of each
// block and the digests the recording build computed.
type savedRecording struct {
	Genesis json.RawMessage `json:"genesis"`
	Blocks  [][][]byte      `json:"blocks"`
	Digests []savedDigest   `json:"digests"`
}

type savedDigest struct {
	Height      int64  `json:"height"`
	AppHash     []byte `json:"app_hash"`
	ResultsHash []byte `json:"results_hash"`
}

func writeRecording(t *testing.T, path string, genesis []byte, rec recordedChain) {
	t.Helper()
	out := savedRecording{Genesis: genesis, Blocks: rec.blocks}
	for _, d := range rec.digests {
		out.Digests = append(out.Digests, savedDigest{Height: d.height, AppHash: d.appHash, ResultsHash: d.resultsHash})
	}
	bz, err := json.Marshal(out)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, bz, 0o600))
	t.Logf("recording written to %s", path)
}

// determinismEpochLength and determinismInboxDeadline make reward epochs and
// the liveness deadline fit in a short chain.
const (
	determinismEpochLength   = 4
	determinismInboxDeadline = 6
)

// blockDigest is what every validator must agree on after a block.
type blockDigest struct {
	height      int64
	appHash     []byte
	resultsHash []byte
}

type recordedChain struct {
	blocks  [][][]byte // the txs of each block after the genesis block
	digests []blockDigest
}

// determinismGenesis is the apptest genesis with short reward epochs and a
// short inbox deadline, and four funded accounts.
func determinismGenesis(t *testing.T) ([]byte, []*apptest.Account) {
	t.Helper()
	genesis, accounts := apptest.NewGenesis(t, 4)
	genesis = withModuleParam(t, genesis, rewardstypes.ModuleName, "epoch_length", strconv.Itoa(determinismEpochLength))
	genesis = withModuleParam(t, genesis, rollupstypes.ModuleName, "inbox_deadline_blocks", strconv.Itoa(determinismInboxDeadline))
	return genesis, accounts
}

// withModuleParam sets params[key] = value in a module's genesis JSON.
func withModuleParam(t *testing.T, genesis []byte, module, key string, value any) []byte {
	t.Helper()
	var state map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(genesis, &state))
	var moduleState map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(state[module], &moduleState))
	var params map[string]any
	require.NoError(t, json.Unmarshal(moduleState["params"], &params))
	require.Contains(t, params, key, "%s has no param %s", module, key)
	params[key] = value
	var err error
	moduleState["params"], err = json.Marshal(params)
	require.NoError(t, err)
	state[module], err = json.Marshal(moduleState)
	require.NoError(t, err)
	out, err := json.Marshal(state)
	require.NoError(t, err)
	return out
}

// recordDeterminismChain builds the scenario block by block, each block's
// transactions made from the state the previous block left, and records the
// exact transaction bytes (proofs are randomised: a replay must reuse them).
// It checks that every step did what it should, so the replays cover the
// paths the scenario names and not a string of failed transactions.
func recordDeterminismChain(t *testing.T, genesis []byte, accounts []*apptest.Account) recordedChain {
	t.Helper()
	base := apptest.NewChain(t, genesis, accounts)
	c := rollupsChain{Chain: base, admin: base.Accounts[0], operator: base.Accounts[1], outsider: base.Accounts[2]}
	user := base.Accounts[3]
	rec := recordedChain{digests: []blockDigest{digestOf(c.Chain, nil)}}
	block := func(txs ...[]byte) *abci.ResponseFinalizeBlock {
		t.Helper()
		res := c.NextBlock(txs...)
		for i, r := range res.TxResults {
			require.Equal(t, uint32(0), r.Code, "height %d tx %d: %s/%d %s", c.App.LastBlockHeight(), i, r.Codespace, r.Code, r.Log)
		}
		rec.blocks = append(rec.blocks, txs)
		rec.digests = append(rec.digests, digestOf(c.Chain, res))
		return res
	}
	params, err := c.App.RollupsKeeper.Params.Get(c.Context())
	require.NoError(t, err)
	register := func(id string, root uint64) []byte {
		return c.SignTx(c.admin, &rollupstypes.MsgRegisterRollup{
			Admin: c.admin.Address.String(), RollupId: id, VerifyingKey: rollupsProver(t).VerifyingKey(),
			GenesisStateRoot: elementBytes(root), Operators: []string{c.operator.Address.String()}, Bond: params.MinOperatorBond,
		})
	}
	coin := func(amount int64) sdk.Coin { return sdk.NewCoin(app.BondDenom, sdkmath.NewInt(amount)) }
	deposit := func(from *apptest.Account, id string, amount int64) []byte {
		return c.SignTx(from, &crossrolluptypes.MsgDeposit{
			Sender: from.Address.String(), RollupId: id, L2Recipient: []byte("l2-" + id + "-recipient"), Amount: coin(amount),
		})
	}
	withdrawal := func(to *apptest.Account, amount uint64) protocol.OutboxEntry {
		return protocol.OutboxEntry{
			Kind: protocol.OutboxKindWithdrawal, Recipient: to.Address, Denom: app.BondDenom, Amount: protocol.NewUint128(amount),
		}
	}

	// Three rollups: payments and dex will run, stale will be frozen.
	block(register("payments", 1), register("dex", 2), register("stale", 3))
	// Deposits to two rollups and an L1 call with value into dex.
	block(deposit(c.outsider, "payments", 5_000_000), deposit(user, "dex", 1_000_000),
		c.SignTx(user, &crossrolluptypes.MsgSendMessage{
			Sender: user.Address.String(), RollupId: "dex", L2Recipient: l2Callee, Payload: []byte("open"), Amount: &sdk.Coin{Denom: app.BondDenom, Amount: sdkmath.NewInt(7_000)},
		}))
	// payments consumes its deposit, pays two withdrawals and routes value
	// to dex; a user forces a transaction into stale, which nobody serves.
	res := block(
		c.SignTx(c.operator, bridgeBatch(t, c, "payments", 10, 1, []protocol.OutboxEntry{
			withdrawal(c.outsider, 2_000_000), withdrawal(user, 500_000), callToDex(1_000, "swap"),
		})),
		c.SignTx(user, &rollupstypes.MsgForceInclude{Sender: user.Address.String(), RollupId: "stale", L2Tx: []byte("forced transfer")}),
	)
	require.True(t, hasEvent(res.TxResults[0], "nativechain.crossrollup.v1.EventWithdrawal"))
	// dex consumes its deposit, the L1 call and the routed message, and
	// withdraws.
	dex := c.rollup(t, "dex")
	block(c.SignTx(c.operator, bridgeBatch(t, c, "dex", 20, dex.InboxSize-dex.InboxConsumed, []protocol.OutboxEntry{withdrawal(user, 3_000)})))
	// Batches of both rollups in the same blocks, more deposits, and a
	// deposit consumed in the block after it arrives.
	for i := uint64(0); i < 4; i++ {
		block(
			c.SignTx(c.operator, bridgeBatch(t, c, "payments", 11+i, 0, []protocol.OutboxEntry{withdrawal(c.outsider, 10_000+i)})),
			c.SignTx(c.operator, bridgeBatch(t, c, "dex", 21+i, 0, nil)),
			deposit(user, "payments", int64(100_000+i)),
		)
		block(c.SignTx(c.operator, bridgeBatch(t, c, "payments", 31+i, 1, nil)))
	}
	// Empty blocks: reward epochs close and pay out; stale misses its
	// deadline and freezes in EndBlock, its bond slashed into the pool.
	for i := 0; i < 2*determinismEpochLength; i++ {
		block()
	}
	require.Equal(t, rollupstypes.ROLLUP_STATUS_FROZEN, c.rollup(t, "stale").Status, "the forced transaction's deadline passed")
	require.Equal(t, rollupstypes.ROLLUP_STATUS_ACTIVE, c.rollup(t, "payments").Status)
	// The operator claims what the epochs credited it; more blocks after.
	block(c.SignTx(c.operator, &rewardstypes.MsgClaimRewards{Operator: c.operator.Address.String()}))
	for i := 0; i < determinismEpochLength; i++ {
		block()
	}
	require.NoError(t, c.App.RewardsKeeper.CheckPoolInvariant(c.Context()))
	requireEscrowInvariant(t, c)
	return rec
}

// replayBlocks runs the recorded blocks through a fresh app, as a validator
// that was not the proposer would: ProcessProposal must accept each block,
// then FinalizeBlock and Commit.
func replayBlocks(t *testing.T, genesis []byte, accounts []*apptest.Account, blocks [][][]byte) []blockDigest {
	t.Helper()
	c := apptest.NewChain(t, genesis, accounts)
	digests := []blockDigest{digestOf(c, nil)}
	for _, txs := range blocks {
		pp, err := c.App.ProcessProposal(&abci.RequestProcessProposal{
			Height: c.App.LastBlockHeight() + 1, Time: c.Time.Add(time.Second), Txs: txs,
		})
		require.NoError(t, err)
		require.Equal(t, abci.ResponseProcessProposal_ACCEPT, pp.Status, "height %d", c.App.LastBlockHeight()+1)
		res := c.NextBlock(txs...)
		digests = append(digests, digestOf(c, res))
	}
	return digests
}

// digestOf is the committed app hash and the results hash of the block just
// committed (nil res: the genesis block, whose results are not kept).
func digestOf(c *apptest.Chain, res *abci.ResponseFinalizeBlock) blockDigest {
	d := blockDigest{height: c.App.LastBlockHeight(), appHash: c.App.LastCommitID().Hash}
	if res != nil {
		d.resultsHash = cmttypes.NewResults(res.TxResults).Hash()
	}
	return d
}

func requireSameDigests(t *testing.T, run string, want, got []blockDigest) {
	t.Helper()
	require.Equal(t, len(want), len(got), "%s: number of blocks", run)
	for i := range want {
		require.Equal(t, want[i].height, got[i].height, "%s: block %d", run, i)
		require.Equal(t, want[i].appHash, got[i].appHash, "%s: app hash differs at height %d", run, want[i].height)
		require.Equal(t, want[i].resultsHash, got[i].resultsHash, "%s: results hash differs at height %d", run, want[i].height)
	}
}

// withGOMAXPROCS runs f with runtime.GOMAXPROCS(n), then restores it.
func withGOMAXPROCS[T any](n int, f func() T) T {
	prev := runtime.GOMAXPROCS(n)
	defer runtime.GOMAXPROCS(prev)
	return f()
}

// waitForNextSecond returns once the wall clock is in a later second than
// when it was called, so consecutive runs never share a wall-clock second.
func waitForNextSecond() {
	start := time.Now().Unix()
	for time.Now().Unix() == start {
		time.Sleep(20 * time.Millisecond)
	}
}
