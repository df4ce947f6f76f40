//go:build system

package system

import (
	"testing"
	"time"
)

// alternatingGOMAXPROCS runs even nodes on one core and odd nodes on two, so
// every multi-validator run is also a determinism check across CPU counts:
// nodes that computed different app hashes would fork or halt.
func alternatingGOMAXPROCS(i int) []string {
	return []string{"GOMAXPROCS=" + itoa(1+i%2)}
}

func allNodes(ln *Localnet) []int {
	out := make([]int, len(ln.Nodes))
	for i := range out {
		out[i] = i
	}
	return out
}

func othersThan(ln *Localnet, skip ...int) []int {
	var out []int
	for i := range ln.Nodes {
		keep := true
		for _, s := range skip {
			keep = keep && i != s
		}
		if keep {
			out = append(out, i)
		}
	}
	return out
}

// waitBatches waits until the load has landed more than n batches.
func waitBatches(t *testing.T, l *faultLoad, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for l.Batches() <= n {
		if time.Now().After(deadline) {
			t.Fatalf("no batch landed within %s (still %d); load failures: %v", timeout, n, l.Failures())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestFaults_CrashedValidatorCatchesUpWithIdenticalHashes is the short fault
// test of `make test`: four validators (GOMAXPROCS 1 and 2) under bridge
// traffic; one is crashed with SIGKILL, the other three keep finalising
// blocks and batches, the crashed one restarts and catches up, and every
// node holds the same block and app hash at every height.
func TestFaults_CrashedValidatorCatchesUpWithIdenticalHashes(t *testing.T) {
	// ARRANGE: the network, a rollup, and traffic.
	prover := proverAsync()
	ln := NewLocalnet(t, 4, alternatingGOMAXPROCS)
	ln.StartAll()
	ln.WaitHeight(allNodes(ln), 2, 2*time.Minute)
	load := startFaultLoad(t, ln, prover(t), "node0", "node1")

	// ACT: crash node3 (GOMAXPROCS=2) while batches are verified.
	const victim = 3
	ln.Kill(victim)
	down := ln.MaxHeight()
	batchesAtCrash := load.Batches()

	// ASSERT: three of four validators (75% > 2/3 of the power) go on.
	ln.WaitHeight(othersThan(ln, victim), down+3, time.Minute)
	waitBatches(t, load, batchesAtCrash, 90*time.Second)

	// ACT: restart it.
	restarted := time.Now()
	ln.Start(victim)
	target := ln.MaxHeight()
	ln.WaitHeight([]int{victim}, target, 2*time.Minute)
	t.Logf("FAULT-METRIC crash one: down at height %d, restarted %d heights behind, caught up in %s",
		down, target-down, time.Since(restarted).Round(10*time.Millisecond))

	// ASSERT: same blocks everywhere, invariants, nothing applied twice.
	load.Stop()
	checkpoint(t, ln, load, "crash one", 1)
}
