//go:build system && long

package system

import (
	"testing"
	"time"
)

// TestFaults_FourValidatorsUnderBridgeTraffic injects the four faults of a
// validator set's life into one 4-validator network (GOMAXPROCS 1 and 2)
// while a rollup keeps depositing, proving batches and withdrawing:
//
//  1. crash one validator (SIGKILL), restart it, let it catch up;
//  2. crash two: with half the power gone the chain must halt, not fork;
//     restart them and it resumes from the height it stopped at;
//  3. pause the proposer of the current round (SIGSTOP) and resume it;
//  4. stop the whole network (SIGTERM) and start it again.
//
// After each: every node holds the same block, app and results hash at
// every height, the bridge and reward-pool invariants hold, and each batch
// index and withdrawal was applied exactly once. Recovery times are logged
// as FAULT-METRIC lines (docs/PERFORMANCE.md, "Fault injection").
func TestFaults_FourValidatorsUnderBridgeTraffic(t *testing.T) {
	prover := proverAsync()
	ln := NewLocalnet(t, 4, alternatingGOMAXPROCS)
	ln.StartAll()
	all := allNodes(ln)
	ln.WaitHeight(all, 2, 2*time.Minute)
	load := startFaultLoad(t, ln, prover(t), "node0", "node1")
	checked := checkpoint(t, ln, load, "start", 1)

	// 1. Crash one validator; the other three go on.
	{
		const victim = 2
		ln.Kill(victim)
		down, batches := ln.MaxHeight(), load.Batches()
		ln.WaitHeight(othersThan(ln, victim), down+5, time.Minute)
		waitBatches(t, load, batches, 90*time.Second)
		restarted := time.Now()
		ln.Start(victim)
		target := ln.MaxHeight()
		ln.WaitHeight([]int{victim}, target, 2*time.Minute)
		t.Logf("FAULT-METRIC crash one: %d heights behind at restart, caught up in %s",
			target-down, time.Since(restarted).Round(10*time.Millisecond))
		waitBatches(t, load, load.Batches(), 90*time.Second)
		checked = checkpoint(t, ln, load, "crash one", checked)
	}

	// 2. Crash two: 50% of the power is left, below 2/3: the chain halts.
	{
		victims := []int{1, 3}
		live := othersThan(ln, victims...)
		for _, v := range victims {
			ln.Kill(v)
		}
		crashed := time.Now()
		halt := ln.MaxHeight()
		// A block whose precommits were already out may still commit; after
		// that, nothing for as long as we watch.
		time.Sleep(8 * time.Second)
		halted := ln.MaxHeight()
		if halted > halt+1 {
			t.Fatalf("the chain went from %d to %d with half the voting power down", halt, halted)
		}
		time.Sleep(4 * time.Second)
		if h := ln.MaxHeight(); h != halted {
			t.Fatalf("the chain moved from %d to %d while halted", halted, h)
		}
		ln.RequireSameBlocks(live, checked, halted)
		restarted := time.Now()
		for _, v := range victims {
			ln.Start(v)
		}
		for _, v := range victims {
			stoppedHeight(t, ln, v)
		}
		rpcUp := time.Since(restarted)
		ln.WaitAnyAbove(halted, 2*time.Minute)
		firstBlock := time.Since(restarted)
		ln.WaitHeight(all, halted+1, 2*time.Minute)
		allUp := time.Since(restarted)
		t.Logf("FAULT-METRIC crash two: halted at height %d for %s (no block with 2 of 4 validators); after the restart their RPCs answered in %s, the next block (height %d) came %s after the restart, all nodes past it after %s",
			halted, restarted.Sub(crashed).Round(10*time.Millisecond), rpcUp.Round(10*time.Millisecond), halted+1, firstBlock.Round(10*time.Millisecond), allUp.Round(10*time.Millisecond))
		waitBatches(t, load, load.Batches(), 2*time.Minute)
		checked = checkpoint(t, ln, load, "crash two", checked)
	}

	// 3. Pause the proposer of the current round; the others time it out
	// and move on; on SIGCONT it catches up.
	{
		victim := proposerNode(t, ln)
		others := othersThan(ln, victim)
		before := ln.MaxHeight()
		paused := time.Now()
		ln.Pause(victim)
		gap := ln.WaitHeight(others, before+1, time.Minute)
		// Long enough for the paused node's turn to propose to come round
		// again (every 4th height with equal power).
		ln.WaitHeight(others, before+6, 2*time.Minute)
		lag := ln.MaxHeight()
		resumed := time.Now()
		ln.Resume(victim)
		ln.WaitHeight([]int{victim}, stoppedHeight(t, ln, victim)+1, time.Minute)
		ownNext := time.Since(resumed)
		ln.WaitHeight([]int{victim}, ln.MaxHeight(), 2*time.Minute)
		caughtUp := time.Since(resumed)
		stall := ln.LongestBlockInterval(others[0], before, lag)
		t.Logf("FAULT-METRIC pause proposer (node%d): next block on the others %s after SIGSTOP; paused %s over %d heights, longest block interval meanwhile %s; after SIGCONT its next block in %s, caught up in %s",
			victim, gap.Round(10*time.Millisecond), resumed.Sub(paused).Round(10*time.Millisecond), lag-before, stall.Round(10*time.Millisecond),
			ownNext.Round(10*time.Millisecond), caughtUp.Round(10*time.Millisecond))
		waitBatches(t, load, load.Batches(), 90*time.Second)
		checked = checkpoint(t, ln, load, "pause proposer", checked)
	}

	// 4. Stop the whole network and start it again.
	{
		before := make([]int64, len(all))
		for _, i := range all {
			h, err := ln.Height(i)
			if err != nil {
				t.Fatalf("node%d: %v", i, err)
			}
			before[i] = h
		}
		for _, i := range all {
			ln.Stop(i)
		}
		restarted := time.Now()
		ln.StartAll()
		// Each node comes back at least at the height it had before the
		// stop (its block store and state survived), never below.
		after := make([]int64, len(all))
		top := int64(0)
		for _, i := range all {
			after[i] = stoppedHeight(t, ln, i)
			if after[i] < before[i] {
				t.Fatalf("node%d came back at height %d, below the %d it had before the stop", i, after[i], before[i])
			}
			top = max(top, after[i])
		}
		rpcUp := time.Since(restarted)
		ln.WaitAnyAbove(top, 2*time.Minute)
		firstBlock := time.Since(restarted)
		ln.WaitHeight(all, top+1, 2*time.Minute)
		allUp := time.Since(restarted)
		t.Logf("FAULT-METRIC restart network: heights %v before the stop, %v after the restart; every RPC answering %s after start, first new block (height %d) after %s, all nodes past it after %s",
			before, after, rpcUp.Round(10*time.Millisecond), top+1, firstBlock.Round(10*time.Millisecond), allUp.Round(10*time.Millisecond))
		waitBatches(t, load, load.Batches(), 2*time.Minute)
		checked = checkpoint(t, ln, load, "restart network", checked)
	}

	// The whole history once more, with the traffic stopped.
	load.Stop()
	checkpoint(t, ln, load, "final", 1)
	t.Logf("load failures while nodes were down (expected, retried): %d", len(load.Failures()))
}

// proposerNode is the node that proposes in the current round.
func proposerNode(t *testing.T, ln *Localnet) int {
	t.Helper()
	addr, err := ln.CurrentProposer(0)
	if err != nil {
		t.Fatalf("current proposer: %v", err)
	}
	for i := range ln.Nodes {
		if got, err := ln.ValidatorAddress(i); err == nil && got == addr {
			return i
		}
	}
	t.Fatalf("no node has validator address %s", addr)
	return 0
}

// stoppedHeight waits for node i's RPC to answer after a (re)start or a
// SIGCONT and returns the height it reports first.
func stoppedHeight(t *testing.T, ln *Localnet, i int) int64 {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if h, err := ln.Height(i); err == nil {
			return h
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("node%d's RPC did not answer within 2 minutes", i)
	return 0
}
