//go:build icicle

package fleet

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	icicle_groth16 "github.com/consensys/gnark/backend/accelerated/icicle/groth16"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/witness"
)

// The ICICLE backend, compiled in with `-tags icicle`. It needs CUDA, a
// supported NVIDIA GPU and the ICICLE libraries at build and run time
// (gnark's backend/accelerated/icicle documents the install); the default
// build and CI never link it.
func init() {
	backends[BackendICICLE] = func() Backend { return &icicleBackend{keys: map[*Key]groth16.ProvingKey{}} }
}

type icicleBackend struct {
	mu   sync.Mutex
	keys map[*Key]groth16.ProvingKey // the device proving key of each prepared Key
}

func (*icicleBackend) Name() string { return BackendICICLE }

// Prepare converts k's proving key to ICICLE's (same serialization, with
// device pointers): the key is written once and read back into the
// accelerated type, which moves it to the GPU on the first proof.
func (b *icicleBackend) Prepare(k *Key) error {
	var buf bytes.Buffer
	if _, err := k.PK.WriteTo(&buf); err != nil {
		return fmt.Errorf("fleet/icicle: serialize the proving key of %s: %w", k.Hash, err)
	}
	pk := icicle_groth16.NewProvingKey(ecc.BN254)
	if _, err := pk.ReadFrom(&buf); err != nil {
		return fmt.Errorf("fleet/icicle: load the proving key of %s: %w", k.Hash, err)
	}
	b.mu.Lock()
	b.keys[k] = pk
	b.mu.Unlock()
	return nil
}

func (b *icicleBackend) Prove(k *Key, w witness.Witness) (groth16.Proof, error) {
	b.mu.Lock()
	pk, ok := b.keys[k]
	b.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("fleet/icicle: key %s was not prepared", k.Hash)
	}
	return icicle_groth16.Prove(k.CS, pk, w)
}
