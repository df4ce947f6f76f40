//go:build system && long

package system

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/bech32"

	"github.com/nativechain/nativechain/app"
	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// capacityMaxInterval is the pass criterion of a load step: the median
// block interval under load stays within 1.2 times the 1 s block time.
const capacityMaxInterval = 1200 * time.Millisecond

// TestCapacity_RollupsPerBlockAtOneSecondBlocks measures how many rollups,
// each submitting one batch per block, one validator on this machine
// sustains at a 1 s block time (timeout_commit = 1s).
//
// It registers the largest K of CAPACITY_BENCH_K (default
// "8,16,32,48,64,96,128,192,256") rollups with the test circuit's key, one
// submitter account operating all of them, and proves every batch before
// the step starts (the test circuit; proving is not what is measured).
// For each K in increasing order it runs CAPACITY_BENCH_ROUNDS (default 6)
// rounds: after a block commits, one batch per rollup is signed and
// broadcast (192 bytes of data each, the size of a 16-slot payments batch),
// and the next block must carry all K. A step passes when every batch of
// every round landed in the block after its broadcast, CheckTx refused
// none, and the median block interval (header time of the next block minus
// the loaded block's) is at most capacityMaxInterval. The steps stop at
// the first failure; the largest passing K is the result.
//
// It logs one machine-readable line per step and a summary for
// docs/PERFORMANCE.md (scripts/benchreport):
//
//	BENCHROW capacity_step k=.. rounds=.. median_interval_ms=.. max_interval_ms=.. landed=.. missed=.. refused=.. pass=..
//	BENCHROW capacity max_k=.. first_failing_k=.. empty_median_interval_ms=.. criterion_ms=1200
//
//	make build
//	NATIVECHAIND_BIN=build/nativechaind go test -tags 'system long' -run TestCapacity -timeout 40m -v ./tests/system/
func TestCapacity_RollupsPerBlockAtOneSecondBlocks(t *testing.T) {
	steps := capacitySteps(t)
	rounds := 6
	if v := os.Getenv("CAPACITY_BENCH_ROUNDS"); v != "" {
		var err error
		rounds, err = strconv.Atoi(v)
		require.NoError(t, err)
	}
	maxK := steps[len(steps)-1]

	// ARRANGE: a one-validator chain with 1 s blocks and a submitter whose
	// key the test holds, the test circuit's keys, and maxK rollups.
	proverCh := make(chan *batchprover.Prover, 1)
	go func() {
		p, err := batchprover.New()
		if err != nil {
			t.Errorf("test circuit setup: %v", err)
		}
		proverCh <- p
	}()
	submitterKey := secp256k1.GenPrivKeyFromSecret([]byte("nativechain capacity bench submitter"))
	submitterRaw := submitterKey.PubKey().Address().Bytes()
	submitter, err := bech32.ConvertAndEncode("native", submitterRaw)
	require.NoError(t, err)

	node := NewNode(t, Binary(t), t.TempDir(), "node0", TestChainID)
	node.Init(t)
	EditTOML(t, filepath.Join(node.Home, "config", "config.toml"),
		TOMLEdit{"consensus", "timeout_commit", Str("1s")},
		TOMLEdit{"mempool", "size", "20000"},
	)
	node.MustExec(t, "keys", "add", "validator", "--keyring-backend", "test")
	node.MustExec(t, "genesis", "add-genesis-account", "validator", coin(GenesisBalance), "--keyring-backend", "test")
	node.MustExec(t, "genesis", "add-genesis-account", submitter, coin(GenesisBalance), "--keyring-backend", "test")
	node.MustExec(t, "genesis", "gentx", "validator", coin(SelfDelegation), "--chain-id", node.ChainID, "--keyring-backend", "test")
	node.MustExec(t, "genesis", "collect-gentxs")
	node.Start(t)
	node.WaitForHeight(t, 2, startTimeout)

	rpc := cometRPC{t: t, port: node.Ports.RPC}
	accNum := uint64(0)
	if v, ok := findKey(node.Query(t, "auth", "account", submitter), "account_number"); ok {
		accNum = uint64(jsonNumber(v))
	}
	signer := &capacitySigner{t: t, txCfg: capacityTxConfig(t), key: submitterKey, accNum: accNum,
		chainID: node.ChainID, rng: rand.New(rand.NewSource(1))}

	prover := <-proverCh
	require.NotNil(t, prover)
	ids := make([]string, maxK)
	const perTx = 16
	for start := 0; start < maxK; start += perTx {
		var msgs []sdk.Msg
		for j := start; j < min(start+perTx, maxK); j++ {
			ids[j] = fmt.Sprintf("cap-%03d", j)
			msgs = append(msgs, &types.MsgRegisterRollup{
				Admin: submitter, RollupId: ids[j], VerifyingKey: prover.VerifyingKey(),
				GenesisStateRoot: rootBytes(capacityRoot(j, 0)), Operators: []string{submitter},
				Bond: sdk.NewCoin(Denom, sdkmath.NewInt(rollupBond)),
			})
		}
		res := rpc.broadcast(signer.sign(uint64(500_000*len(msgs)), msgs...))
		require.Zerof(t, res.Code, "register rollups: %s", res.Log)
		signer.seq++
	}
	// The genesis block gas limit (30M) takes floor(30M / (16 x 500k)) = 3
	// registration txs per block, so the registrations span several blocks.
	regTxs := (maxK + perTx - 1) / perTx
	node.WaitForBlocks(t, int64((regTxs+2)/3+2), 2*time.Minute)
	for _, id := range []string{ids[0], ids[maxK-1]} {
		requireRollupAt(t, queryRollup(t, node, id), 1, capacityRoot(idIndex(id), 0))
	}

	// The empty chain's block interval, for reference.
	hNow, err := node.Height()
	require.NoError(t, err)
	h0 := node.WaitForHeight(t, hNow+6, time.Minute)
	emptyMedian, _ := medianInterval(rpc.blockTimes(h0-5, h0))

	data := bytes.Repeat([]byte{0x5a}, 192)
	next := make([]uint64, maxK) // next batch index per rollup
	for j := range next {
		next[j] = 1
	}
	maxPass, firstFail := 0, 0
	for _, k := range steps {
		// Prove every batch of the step before it starts, by batch index:
		// a refused batch is sent again in the next round.
		proofs := make([]map[uint64][]byte, k)
		for j := range k {
			proofs[j] = map[uint64][]byte{}
			for idx := next[j]; idx < next[j]+uint64(rounds); idx++ {
				proof, err := prover.Prove(protocol.BatchCommitment{
					ChainID: node.ChainID, RollupID: ids[j], BatchIndex: idx,
					PrevStateRoot: capacityRoot(j, idx-1), NewStateRoot: capacityRoot(j, idx),
					DAHash: protocol.DAHash(data), InboxBefore: protocol.InboxAccumulatorGenesis(),
					InboxAfter: protocol.InboxAccumulatorGenesis(), OutboxHash: protocol.OutboxHash(nil),
					Submitter: submitterRaw,
				})
				require.NoError(t, err)
				proofs[j][idx] = proof
			}
		}

		landed, missed, refused := 0, 0, 0
		var loaded []int64
		h := rpc.waitNewHeight(rpc.appHeight()) // start right after a commit
		for r := range rounds {
			if r > 0 {
				h = rpc.appHeight()
			}
			var hashes []string
			for j := range k {
				msg := &types.MsgSubmitBatch{
					Submitter: submitter, RollupId: ids[j], BatchIndex: next[j],
					NewStateRoot: rootBytes(capacityRoot(j, next[j])), Data: data, Proof: proofs[j][next[j]],
				}
				res := rpc.broadcast(signer.sign(400_000, msg))
				if res.Code != 0 {
					refused++
					t.Logf("k=%d round %d rollup %s: CheckTx refused: %s", k, r, ids[j], res.Log)
					continue
				}
				signer.seq++
				hashes = append(hashes, res.Hash)
				next[j]++
			}
			// The block after h must carry them all; those it does not
			// must land within a few blocks, or the step has failed.
			target := h + 1
			rpc.waitHeight(target)
			inTarget := rpc.okTxs(target)
			landed += min(inTarget, len(hashes))
			missed += k - min(inTarget, len(hashes))
			loaded = append(loaded, target)
			pending := len(hashes) - inTarget
			for extra := int64(1); pending > 0; extra++ {
				require.LessOrEqualf(t, extra, int64(10), "k=%d: %d batches not included 10 blocks after broadcast", k, pending)
				rpc.waitHeight(target + extra)
				pending -= rpc.okTxs(target + extra)
			}
		}
		last := loaded[len(loaded)-1]
		rpc.waitHeight(last + 1)
		var intervals []time.Duration
		times := rpc.blockTimes(loaded[0], last+1)
		for _, b := range loaded {
			intervals = append(intervals, times[b+1].Sub(times[b]))
		}
		median, maxI := medianInterval(intervalsAsTimes(intervals))
		pass := missed == 0 && refused == 0 && median <= capacityMaxInterval
		t.Logf("BENCHROW capacity_step k=%d rounds=%d median_interval_ms=%d max_interval_ms=%d landed=%d missed=%d refused=%d pass=%t",
			k, rounds, median.Milliseconds(), maxI.Milliseconds(), landed, missed, refused, pass)
		if !pass {
			firstFail = k
			break
		}
		maxPass = k
	}
	t.Logf("BENCHROW capacity max_k=%d first_failing_k=%d empty_median_interval_ms=%d criterion_ms=%d",
		maxPass, firstFail, emptyMedian.Milliseconds(), capacityMaxInterval.Milliseconds())
	require.Positive(t, maxPass, "not even the smallest step sustained one batch per rollup per block")
}

func capacitySteps(t *testing.T) []int {
	spec := os.Getenv("CAPACITY_BENCH_K")
	if spec == "" {
		spec = "8,16,32,48,64,96,128,192,256"
	}
	var steps []int
	for _, s := range strings.Split(spec, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(s))
		require.NoError(t, err)
		require.True(t, k > 0 && k <= 999 && (len(steps) == 0 || k > steps[len(steps)-1]), "CAPACITY_BENCH_K must increase within 1..999: %q", spec)
		steps = append(steps, k)
	}
	return steps
}

// capacityRoot is rollup j's state root after batch i (0: genesis).
func capacityRoot(j int, i uint64) fr.Element {
	var e fr.Element
	e.SetUint64(uint64(j+1)<<32 | i)
	return e
}

func idIndex(id string) int {
	j, _ := strconv.Atoi(strings.TrimPrefix(id, "cap-"))
	return j
}

// capacityTxConfig is the app's tx encoding, to sign in the test.
func capacityTxConfig(t *testing.T) client.TxConfig {
	a := app.New(log.NewNopLogger(), dbm.NewMemDB(), true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()))
	return a.TxConfig()
}

// capacitySigner signs with one account; seq moves only when CheckTx
// accepted a transaction.
type capacitySigner struct {
	t       *testing.T
	txCfg   client.TxConfig
	key     *secp256k1.PrivKey
	accNum  uint64
	seq     uint64
	chainID string
	rng     *rand.Rand
}

func (s *capacitySigner) sign(gas uint64, msgs ...sdk.Msg) []byte {
	s.t.Helper()
	fee := sdk.NewCoins(sdk.NewCoin(Denom, sdkmath.NewIntFromUint64(gas/1000+1)))
	tx, err := simtestutil.GenSignedMockTx(s.rng, s.txCfg, msgs, fee, gas, s.chainID,
		[]uint64{s.accNum}, []uint64{s.seq}, s.key)
	require.NoError(s.t, err)
	bz, err := s.txCfg.TxEncoder()(tx)
	require.NoError(s.t, err)
	return bz
}

// cometRPC is the little of CometBFT's JSON-RPC the capacity test needs,
// straight over HTTP so that broadcasting K transactions costs no process
// start per transaction.
type cometRPC struct {
	t    *testing.T
	port int
}

type broadcastResult struct {
	Code uint32 `json:"code"`
	Log  string `json:"log"`
	Hash string `json:"hash"`
}

func (c cometRPC) call(method string, params map[string]any, out any) {
	c.t.Helper()
	var err error
	// A kept-alive connection the node has just closed fails once with
	// EOF: try again on a new one.
	for attempt := 0; attempt < 5; attempt++ {
		if err = c.try(method, params, out); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatal(err)
}

// try is call that returns the node's error instead of failing.
func (c cometRPC) try(method string, params map[string]any, out any) error {
	c.t.Helper()
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	require.NoError(c.t, err)
	resp, err := http.Post(fmt.Sprintf("http://127.0.0.1:%d", c.port), "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var env struct {
		Result json.RawMessage `json:"result"`
		Error  *struct {
			Message string `json:"message"`
			Data    string `json:"data"`
		} `json:"error"`
	}
	require.NoError(c.t, json.Unmarshal(raw, &env), "%s: %.300s", method, raw)
	if env.Error != nil {
		return fmt.Errorf("%s: %s %s", method, env.Error.Message, env.Error.Data)
	}
	require.NoError(c.t, json.Unmarshal(env.Result, out), "%s result: %.300s", method, env.Result)
	return nil
}

func (c cometRPC) broadcast(tx []byte) broadcastResult {
	c.t.Helper()
	var res broadcastResult
	c.call("broadcast_tx_sync", map[string]any{"tx": base64.StdEncoding.EncodeToString(tx)}, &res)
	return res
}

// appHeight is the last height the app committed (ABCI Info). The block
// store shows a height before the app has committed it and reset its
// CheckTx state, so a batch sent on /status's word alone may be checked
// against the state before the block.
func (c cometRPC) appHeight() int64 {
	c.t.Helper()
	var res struct {
		Response struct {
			LastBlockHeight string `json:"last_block_height"`
		} `json:"response"`
	}
	c.call("abci_info", map[string]any{}, &res)
	h, err := strconv.ParseInt(res.Response.LastBlockHeight, 10, 64)
	require.NoError(c.t, err, "abci_info last_block_height %q", res.Response.LastBlockHeight)
	return h
}

// waitNewHeight waits until the app committed a height above after and
// returns it.
func (c cometRPC) waitNewHeight(after int64) int64 {
	c.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if h := c.appHeight(); h > after {
			return h
		}
		time.Sleep(10 * time.Millisecond)
	}
	c.t.Fatalf("no block above height %d within a minute", after)
	return 0
}

func (c cometRPC) waitHeight(h int64) { c.t.Helper(); c.waitNewHeight(h - 1) }

// okTxs is the number of successful transactions in block h.
func (c cometRPC) okTxs(h int64) int {
	c.t.Helper()
	var res struct {
		TxsResults []struct {
			Code uint32 `json:"code"`
			Log  string `json:"log"`
		} `json:"txs_results"`
	}
	// The height shows in /status a moment before its results are stored.
	for attempt := 0; ; attempt++ {
		err := c.try("block_results", map[string]any{"height": strconv.FormatInt(h, 10)}, &res)
		if err == nil {
			break
		}
		if attempt == 100 {
			c.t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	n := 0
	for _, r := range res.TxsResults {
		if r.Code == 0 {
			n++
		} else {
			c.t.Logf("block %d: tx failed: %s", h, r.Log)
		}
	}
	return n
}

// blockTimes returns the header times of blocks from..to.
func (c cometRPC) blockTimes(from, to int64) map[int64]time.Time {
	c.t.Helper()
	out := map[int64]time.Time{}
	for lo := from; lo <= to; lo += 20 {
		var res struct {
			BlockMetas []struct {
				Header struct {
					Height string    `json:"height"`
					Time   time.Time `json:"time"`
				} `json:"header"`
			} `json:"block_metas"`
		}
		hi := min(lo+19, to)
		c.call("blockchain", map[string]any{"minHeight": strconv.FormatInt(lo, 10), "maxHeight": strconv.FormatInt(hi, 10)}, &res)
		for _, m := range res.BlockMetas {
			h, err := strconv.ParseInt(m.Header.Height, 10, 64)
			require.NoError(c.t, err)
			out[h] = m.Header.Time
		}
	}
	for h := from; h <= to; h++ {
		require.Contains(c.t, out, h, "no header time for block %d", h)
	}
	return out
}

// medianInterval is the median and the maximum of the intervals between
// consecutive blocks of times.
func medianInterval(times map[int64]time.Time) (median, maxI time.Duration) {
	var hs []int64
	for h := range times {
		hs = append(hs, h)
	}
	sort.Slice(hs, func(a, b int) bool { return hs[a] < hs[b] })
	var d []time.Duration
	for i := 1; i < len(hs); i++ {
		d = append(d, times[hs[i]].Sub(times[hs[i-1]]))
	}
	if len(d) == 0 {
		return 0, 0
	}
	sort.Slice(d, func(a, b int) bool { return d[a] < d[b] })
	return d[len(d)/2], d[len(d)-1]
}

// intervalsAsTimes lays intervals end to end so medianInterval can read them.
func intervalsAsTimes(d []time.Duration) map[int64]time.Time {
	out := map[int64]time.Time{0: {}}
	at := time.Time{}
	for i, x := range d {
		at = at.Add(x)
		out[int64(i+1)] = at
	}
	return out
}
