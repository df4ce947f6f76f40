package fleet

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"

	"github.com/nativechain/nativechain/prover/circuits"
	"github.com/nativechain/nativechain/prover/setup"
)

// Key is a key set a worker proves with.
type Key struct {
	// Hash is the key hash: hex SHA-256 of vk.bin.
	Hash string
	// Circuit names the circuit: "name(params)".
	Circuit string
	CS      constraint.ConstraintSystem
	PK      groth16.ProvingKey
	VK      groth16.VerifyingKey

	// solving serializes the proofs made with CS. gnark's constraint
	// system is not safe for two solves at once: its lookup blueprints
	// (std/lookup/logderivlookup, which the payments circuit uses) cache
	// each solve's table inside the constraint system (gnark v0.16.3,
	// BlueprintLookupHint), so two concurrent proofs can corrupt each
	// other's witness. Workers meant to prove side by side in one process
	// each take a Clone.
	solving sync.Mutex
}

// Clone is k with its own copy of the constraint system (the proving and
// verifying keys, read-only while proving, are shared): for a second
// worker in the same process. It costs one constraint system's memory.
func (k *Key) Clone() (*Key, error) {
	var buf bytes.Buffer
	if _, err := k.CS.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("fleet: copy the constraint system: %w", err)
	}
	cs := groth16.NewCS(ecc.BN254)
	if _, err := cs.ReadFrom(&buf); err != nil {
		return nil, fmt.Errorf("fleet: copy the constraint system: %w", err)
	}
	return &Key{Hash: k.Hash, Circuit: k.Circuit, CS: cs, PK: k.PK, VK: k.VK}, nil
}

// KeyFromSetup is the Key of a loaded key set of circuit c.
func KeyFromSetup(c *circuits.Compiled, k *setup.Keys) *Key {
	return &Key{Hash: k.Manifest.VerifyingKey.SHA256, Circuit: c.String(), CS: c.CS, PK: k.PK, VK: k.VK}
}

// Verifier is what the operator checks a worker's proofs with: the
// rollup's verifying key and its hash.
type Verifier struct {
	KeyHash string
	Circuit string
	VK      groth16.VerifyingKey
}

// LoadKeys loads the key sets under dir for a worker: dir itself when it
// is one key set (it holds keys.json), else every key set in its
// subdirectories (the layout of `operator setup --keys-dir`, one
// <circuit hash>/ per circuit). With only non-empty, the key sets whose
// key hash is not in it are skipped without being loaded. Each circuit is
// compiled from the registry (its package must be linked) and must hash to
// the manifest's circuit hash. A key set that does not load is logged and
// skipped; none loading is an error.
func LoadKeys(dir string, only []string, log *slog.Logger) ([]*Key, error) {
	if log == nil {
		log = slog.Default()
	}
	var dirs []string
	if _, err := os.Stat(filepath.Join(dir, setup.ManifestFile)); err == nil {
		dirs = []string{dir}
	} else {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("fleet: keys directory: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() {
				if _, err := os.Stat(filepath.Join(dir, e.Name(), setup.ManifestFile)); err == nil {
					dirs = append(dirs, filepath.Join(dir, e.Name()))
				}
			}
		}
		sort.Strings(dirs)
	}
	var keys []*Key
	var errs []error
	for _, d := range dirs {
		m, err := setup.ReadManifest(d)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if len(only) > 0 && !slices.Contains(only, m.VerifyingKey.SHA256) {
			continue
		}
		k, err := loadKeySet(d, m)
		if err != nil {
			log.Warn("key set skipped", "dir", d, "err", err)
			errs = append(errs, fmt.Errorf("%s: %w", d, err))
			continue
		}
		log.Info("key set loaded", "circuit", k.Circuit, "key_hash", k.Hash, "dir", d)
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("fleet: no usable key set in %s (make one with 'nativechaind operator setup --keys-dir %s'): %w", dir, dir, errors.Join(errs...))
	}
	return keys, nil
}

func loadKeySet(dir string, m *setup.Manifest) (*Key, error) {
	params, err := circuits.ParseCanonical(m.Params)
	if err != nil {
		return nil, err
	}
	compiled, err := circuits.Compile(m.Circuit, params)
	if err != nil {
		return nil, err
	}
	if compiled.Hash.String() != m.CircuitHash {
		return nil, fmt.Errorf("%s compiles to circuit hash %s, the keys are for %s (another build of the circuit)", compiled, compiled.Hash, m.CircuitHash)
	}
	ks, err := setup.LoadKeys(dir, compiled.Hash)
	if err != nil {
		return nil, err
	}
	return KeyFromSetup(compiled, ks), nil
}
