package setup

import (
	"fmt"
	"io"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/consensys/gnark/backend/groth16"

	"github.com/nativechain/nativechain/prover/circuits"
)

// devSetupConstraintsPerCoreSecond is the throughput of gnark's
// groth16.Setup on BN254 per core, measured on an idle 2-core machine at
// 2^16 constraints (11 s; BenchmarkDevSetupScaling, docs/PERFORMANCE.md).
// gnark's Setup has no progress callback, so the ETA is this estimate; on a
// busy machine the progress line says when it is exceeded.
const devSetupConstraintsPerCoreSecond = 3000

// EstimateDevSetup is the expected duration of groth16.Setup for a circuit
// of nbConstraints on this machine's cores.
func EstimateDevSetup(nbConstraints int) time.Duration {
	cores := min(runtime.GOMAXPROCS(0), runtime.NumCPU())
	secs := float64(nbConstraints) / float64(devSetupConstraintsPerCoreSecond*max(cores, 1))
	return time.Duration(secs * float64(time.Second))
}

// DevSetupOptions configure DevSetup.
type DevSetupOptions struct {
	// KeysRoot is the cache root; keys go to KeysRoot/<circuit hash>/.
	// Empty means DefaultKeysRoot().
	KeysRoot string
	// Force recomputes even when a valid key set is cached.
	Force bool
	// Log receives the start and finish lines (nil: silent).
	Log io.Writer
	// Interactive redraws an elapsed/ETA line every second on Log.
	Interactive bool
}

// SetupResult describes the key set DevSetup or FinalizePhase2 left.
type SetupResult struct {
	Dir      string
	Manifest Manifest
	// Reused is true when a cached key set was checked and kept.
	Reused  bool
	Elapsed time.Duration
}

// devSetupRuns counts groth16.Setup calls, so tests can tell a cache hit
// from a recomputation without timing anything.
var devSetupRuns atomic.Int64

// DevSetup returns the cached development key pair for c, or makes one
// with gnark's single-party groth16.Setup. The result is UNSAFE: the
// setup's secret randomness (toxic waste) existed in this process, and
// anyone who kept it can forge proofs. The manifest says so.
//
// A cached set is reused only if CheckKeys accepts it; a corrupted one is
// an error (rerun with Force) rather than silently replaced. Force never
// replaces keys that came from a ceremony.
func DevSetup(c *circuits.Compiled, opts DevSetupOptions) (*SetupResult, error) {
	root := opts.KeysRoot
	if root == "" {
		var err error
		if root, err = DefaultKeysRoot(); err != nil {
			return nil, err
		}
	}
	dir := KeyDir(root, c.Hash)

	existing, err := CheckKeys(dir, c.Hash)
	switch {
	case err == nil && !opts.Force:
		return &SetupResult{Dir: dir, Manifest: *existing, Reused: true}, nil
	case err == nil && !existing.UnsafeDevSetup:
		return nil, fmt.Errorf("%w in %s: a development setup will not replace them; remove the directory by hand", ErrCeremonyKeysPresent, dir)
	case err != nil && !isNotFound(err) && !opts.Force:
		return nil, fmt.Errorf("cached keys in %s are unusable (%w); rerun with --force to regenerate", dir, err)
	}
	if opts.Force && err != nil && !isNotFound(err) {
		// Even a damaged set may be a ceremony's: look at what it claims.
		if m, merr := readManifest(dir); merr == nil && !m.UnsafeDevSetup {
			return nil, fmt.Errorf("%w in %s (damaged: %v); remove the directory by hand", ErrCeremonyKeysPresent, dir, err)
		}
	}

	label := fmt.Sprintf("UNSAFE dev setup of %s (%d constraints)", c, c.CS.GetNbConstraints())
	p := startProgress(opts.Log, opts.Interactive, label, EstimateDevSetup(c.CS.GetNbConstraints()))
	devSetupRuns.Add(1)
	pk, vk, err := groth16.Setup(c.CS)
	elapsed := p.finish(err)
	if err != nil {
		return nil, err
	}

	m, err := writeKeySet(dir, keySet{circuit: c, pk: pk, vk: vk, unsafe: true, elapsed: elapsed}, true)
	if err != nil {
		return nil, err
	}
	return &SetupResult{Dir: dir, Manifest: *m, Elapsed: elapsed}, nil
}
