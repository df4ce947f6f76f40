//go:build system

package system

import (
	"encoding/base64"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/testutil/batchprover"
)

// Bridge traffic for fault injection: one rollup registered with the test
// circuit's key; a background loop alternates a deposit into it and a
// proven batch that consumes every pending deposit and withdraws a fixed
// amount to a sink account that nothing else pays. The loop is driven by
// the chain's state, not by its own bookkeeping, so a transaction lost with
// a crashed node is simply made again, and one that landed twice would show.
const (
	faultRollupID = "payments"
	faultDeposit  = 1_000_000
	// faultWithdrawal is what every batch pays the sink, once.
	faultWithdrawal = 40_000
)

// faultLoad is the background bridge traffic of a fault-injection test.
type faultLoad struct {
	ln        *Localnet
	prover    *batchprover.Prover
	dir       string
	operator  string // key name of the rollup's admin and operator
	depositor string
	opRaw     []byte
	Sink      string // bech32 address the withdrawals pay
	sinkRaw   []byte

	stop chan struct{}
	done chan struct{}

	mu       sync.Mutex
	batches  int // batches this loop saw land
	deposits int
	failures []string
}

// proverAsync starts the test circuit's setup (about a second) in the
// background, to overlap the network's start; the result waits for it.
func proverAsync() func(t *testing.T) *batchprover.Prover {
	type result struct {
		p   *batchprover.Prover
		err error
	}
	ch := make(chan result, 1)
	go func() {
		p, err := batchprover.New()
		ch <- result{p, err}
	}()
	return func(t *testing.T) *batchprover.Prover {
		t.Helper()
		r := <-ch
		if r.err != nil {
			t.Fatalf("test circuit setup: %v", r.err)
		}
		return r.p
	}
}

// startFaultLoad registers the rollup (signed by key operator, through node
// 0) and starts the loop; it returns once the first batch has landed.
func startFaultLoad(t *testing.T, ln *Localnet, p *batchprover.Prover, operator, depositor string) *faultLoad {
	t.Helper()
	l := &faultLoad{ln: ln, prover: p, dir: t.TempDir(), operator: operator, depositor: depositor,
		stop: make(chan struct{}), done: make(chan struct{})}
	l.opRaw = rawAddress(t, ln.Address(t, operator))
	l.Sink = ln.AddKey(t, "sink")
	l.sinkRaw = rawAddress(t, l.Sink)
	vk := l.write("vk.bin", p.VerifyingKey())
	hash, err := ln.Broadcast(0, "rollups", "register", faultRollupID, "--vk-file", vk,
		"--genesis-root", rootHex(rootElement(1)), "--bond", coin(rollupBond), "--from", operator)
	if err != nil {
		t.Fatalf("register %s: %v", faultRollupID, err)
	}
	ln.waitTx(t, 0, hash)
	go l.run()
	t.Cleanup(l.Stop)
	deadline := time.Now().Add(2 * time.Minute)
	for l.Batches() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no batch landed within 2 minutes; failures: %v", l.Failures())
		}
		time.Sleep(200 * time.Millisecond)
	}
	return l
}

// Stop ends the loop and waits for it (idempotent).
func (l *faultLoad) Stop() {
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	<-l.done
}

// Batches is how many batches the loop saw land.
func (l *faultLoad) Batches() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.batches
}

// Failures lists the loop's errors (expected while nodes are down).
func (l *faultLoad) Failures() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.failures...)
}

func (l *faultLoad) fail(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) < 200 {
		l.failures = append(l.failures, time.Now().Format("15:04:05.000 ")+fmt.Sprintf(format, args...))
	}
}

func (l *faultLoad) stopped() bool {
	select {
	case <-l.stop:
		return true
	default:
		return false
	}
}

func (l *faultLoad) pause(d time.Duration) {
	select {
	case <-l.stop:
	case <-time.After(d):
	}
}

func (l *faultLoad) run() {
	defer close(l.done)
	for !l.stopped() {
		serving := l.ln.Serving()
		if len(serving) == 0 {
			l.pause(500 * time.Millisecond)
			continue
		}
		node := serving[time.Now().Nanosecond()%len(serving)]
		before, err := l.rollup(node)
		if err != nil {
			l.fail("read rollup via node%d: %v", node, err)
			l.pause(time.Second)
			continue
		}
		var hash string
		if before.InboxSize > before.InboxConsumed {
			hash, err = l.submitBatch(node, before)
		} else {
			hash, err = l.ln.Broadcast(node, "crossrollup", "deposit", faultRollupID, "0a0b0c", coin(faultDeposit), "--from", l.depositor)
		}
		if err != nil {
			l.fail("broadcast via node%d: %v", node, err)
			l.pause(time.Second)
			continue
		}
		l.awaitChange(before, hash)
	}
}

// awaitChange polls until the rollup's state moves past before (the tx
// landed) or 40 s pass (lost with a node, or the chain is halted: the next
// round reads the state again and decides afresh).
func (l *faultLoad) awaitChange(before faultRollup, hash string) {
	deadline := time.Now().Add(40 * time.Second)
	for !l.stopped() && time.Now().Before(deadline) {
		l.pause(time.Second)
		serving := l.ln.Serving()
		if len(serving) == 0 {
			continue
		}
		now, err := l.rollup(serving[0])
		if err != nil {
			continue
		}
		switch {
		case now.NextBatchIndex > before.NextBatchIndex:
			l.mu.Lock()
			l.batches += int(now.NextBatchIndex - before.NextBatchIndex)
			l.mu.Unlock()
			return
		case now.InboxSize > before.InboxSize:
			l.mu.Lock()
			l.deposits += int(now.InboxSize - before.InboxSize)
			l.mu.Unlock()
			return
		}
	}
	if !l.stopped() {
		l.fail("tx %s: no effect within 40s", hash)
	}
}

// faultRollup is the part of the rollup's state the loop needs.
type faultRollup struct {
	NextBatchIndex, InboxSize, InboxConsumed uint64
	StateRoot, ConsumedAcc, InboxAcc         fr.Element
}

func (l *faultLoad) rollup(node int) (faultRollup, error) { return l.rollupAt(node, 0) }

// rollupAt reads the rollup at a height (0: the latest).
func (l *faultLoad) rollupAt(node int, height int64) (faultRollup, error) {
	args := []string{"rollups", "rollup", faultRollupID}
	if height > 0 {
		args = append(args, "--height", strconv.FormatInt(height, 10))
	}
	out, err := l.ln.Query(node, args...)
	if err != nil {
		return faultRollup{}, err
	}
	r, _ := out["rollup"].(map[string]any)
	num := func(k string) uint64 { return uint64(jsonNumber(r[k])) }
	elem := func(k string) (fr.Element, error) {
		s, _ := r[k].(string)
		bz, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fr.Element{}, err
		}
		return protocol.ParseFieldElement(bz)
	}
	var got faultRollup
	got.NextBatchIndex, got.InboxSize, got.InboxConsumed = num("next_batch_index"), num("inbox_size"), num("inbox_consumed")
	if got.StateRoot, err = elem("state_root"); err != nil {
		return got, fmt.Errorf("state_root: %w", err)
	}
	if got.ConsumedAcc, err = elem("consumed_accumulator"); err != nil {
		return got, fmt.Errorf("consumed_accumulator: %w", err)
	}
	if got.InboxAcc, err = elem("inbox_accumulator"); err != nil {
		return got, fmt.Errorf("inbox_accumulator: %w", err)
	}
	return got, nil
}

// submitBatch proves and broadcasts the rollup's next batch: it consumes
// every pending inbox message and withdraws faultWithdrawal to the sink.
func (l *faultLoad) submitBatch(node int, r faultRollup) (string, error) {
	index := r.NextBatchIndex
	outbox := []protocol.OutboxEntry{{
		Kind: protocol.OutboxKindWithdrawal, Recipient: l.sinkRaw, Denom: Denom, Amount: protocol.NewUint128(faultWithdrawal),
	}}
	outboxBz, err := protocol.EncodeOutbox(outbox)
	if err != nil {
		return "", err
	}
	data := []byte(fmt.Sprintf("fault-injection batch %d", index))
	newRoot := rootElement(1000 + index)
	proof, err := l.prover.Prove(protocol.BatchCommitment{
		ChainID: l.ln.ChainID, RollupID: faultRollupID, BatchIndex: index,
		PrevStateRoot: r.StateRoot, NewStateRoot: newRoot, DAHash: protocol.DAHash(data),
		InboxBefore: r.ConsumedAcc, InboxAfter: r.InboxAcc, OutboxHash: protocol.OutboxHash(outbox),
		Submitter: l.opRaw,
	})
	if err != nil {
		return "", fmt.Errorf("prove batch %d: %w", index, err)
	}
	name := "batch" + itoa(int(index))
	return l.ln.Broadcast(node, "rollups", "submit-batch", faultRollupID,
		"--index", itoa(int(index)), "--new-root", rootHex(newRoot),
		"--data-file", l.write(name+"-data.bin", data), "--inbox-consumed", itoa(int(r.InboxSize-r.InboxConsumed)),
		"--outbox-file", l.write(name+"-outbox.bin", outboxBz), "--proof-file", l.write(name+"-proof.bin", proof),
		"--gas", "800000", "--from", l.operator)
}

func (l *faultLoad) write(name string, content []byte) string {
	path := filepath.Join(l.dir, name)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		panic(err) // a temp dir that cannot be written is a broken machine
	}
	return path
}

// waitTx waits until node i has the tx in a block and requires it succeeded.
func (ln *Localnet) waitTx(t *testing.T, i int, hash string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		out, err := ln.Query(i, "tx", hash)
		if err == nil {
			if code := jsonNumber(out["code"]); code != 0 {
				t.Fatalf("tx %s failed in block: code %d %v", hash, code, out["raw_log"])
			}
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("tx %s not in a block within 60s", hash)
}

// checkpoint waits until every node serves the same height, then checks
// that no node forked, that the bridge and reward-pool invariants hold,
// and that every batch and every withdrawal was applied exactly once. It
// returns the height it checked up to.
func checkpoint(t *testing.T, ln *Localnet, l *faultLoad, name string, from int64) int64 {
	t.Helper()
	all := make([]int, len(ln.Nodes))
	for i := range all {
		all[i] = i
	}
	top := ln.MaxHeight()
	ln.WaitHeight(all, top, 2*time.Minute)
	ln.RequireSameBlocks(all, from, top)

	inv, err := ln.Query(0, "crossrollup", "invariant")
	if err != nil || inv["holds"] != true {
		t.Fatalf("%s: bridge invariant: %v %v", name, inv, err)
	}
	requirePoolInvariant(t, ln, name)
	batches, withdrawals := requireExactlyOnce(t, ln, l, name, top)
	t.Logf("%s: heights %d..%d identical on %d nodes; invariants hold; %d batches and %d withdrawals, each exactly once",
		name, from, top, len(all), batches, withdrawals)
	return top
}

// requirePoolInvariant checks the reward pool's books from `q rewards pool`:
// balance = inflows - outflows, and it covers what is owed.
func requirePoolInvariant(t *testing.T, ln *Localnet, name string) {
	t.Helper()
	pool, err := ln.Query(0, "rewards", "pool")
	if err != nil {
		t.Fatalf("%s: q rewards pool: %v", name, err)
	}
	coins := func(k string) sdk.Coins {
		var out sdk.Coins
		list, _ := pool[k].([]any)
		for _, c := range list {
			m, _ := c.(map[string]any)
			amt, ok := new(big.Int).SetString(fmt.Sprint(m["amount"]), 10)
			if !ok {
				t.Fatalf("%s: pool %s: bad amount %v", name, k, m)
			}
			out = out.Add(sdk.NewCoin(fmt.Sprint(m["denom"]), sdkmath.NewIntFromBigInt(amt)))
		}
		return out
	}
	balance, in, out := coins("balance"), coins("total_inflows"), coins("total_outflows")
	owed := coins("pending_claims").Add(coins("reserved")...)
	expected, neg := in.SafeSub(out...)
	if neg || !balance.Equal(expected) || !balance.IsAllGTE(owed) {
		t.Fatalf("%s: reward pool books broken: balance %s, inflows %s, outflows %s, owed %s", name, balance, in, out, owed)
	}
}

// requireExactlyOnce reads every block's events up to top and requires
// batch indices 1..next-1 each verified once, one withdrawal per batch,
// and the sink's balance equal to those withdrawals and nothing more.
func requireExactlyOnce(t *testing.T, ln *Localnet, l *faultLoad, name string, top int64) (batches, withdrawals int) {
	t.Helper()
	verified := map[string]int{}
	withdrawn := map[string]int{}
	for h := int64(1); h <= top; h++ {
		events, err := ln.BlockEvents(0, h)
		if err != nil {
			t.Fatalf("%s: block results %d: %v", name, h, err)
		}
		for _, ev := range events {
			switch ev.Type {
			case "nativechain.rollups.v1.EventBatchVerified":
				if ev.Attrs["rollup_id"] == faultRollupID {
					verified[ev.Attrs["index"]]++
				}
			case "nativechain.crossrollup.v1.EventWithdrawal":
				if ev.Attrs["recipient"] == l.Sink {
					withdrawn[ev.Attrs["batch_index"]]++
				}
			}
		}
	}
	// State and balance at the last height scanned: a transaction still in
	// a mempool may land after it.
	r, err := l.rollupAt(0, top)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	n := int(r.NextBatchIndex) - 1
	if len(verified) != n || len(withdrawn) != n {
		t.Fatalf("%s: next_batch_index %d, but %d distinct batches verified and %d withdrawn in events", name, r.NextBatchIndex, len(verified), len(withdrawn))
	}
	for i := 1; i <= n; i++ {
		if verified[itoa(i)] != 1 || withdrawn[itoa(i)] != 1 {
			t.Fatalf("%s: batch %d verified %d times, withdrawn %d times; want once each", name, i, verified[itoa(i)], withdrawn[itoa(i)])
		}
	}
	sink, err := ln.Query(0, "bank", "balances", l.Sink, "--height", strconv.FormatInt(top, 10))
	if err != nil {
		t.Fatalf("%s: sink balance: %v", name, err)
	}
	got := "0"
	list, _ := sink["balances"].([]any)
	for _, c := range list {
		if m, _ := c.(map[string]any); m["denom"] == Denom {
			got = fmt.Sprint(m["amount"])
		}
	}
	if want := fmt.Sprint(int64(n) * faultWithdrawal); got != want {
		t.Fatalf("%s: the sink holds %s%s; %d withdrawals of %d make %s", name, got, Denom, n, faultWithdrawal, want)
	}
	return n, n
}
