package keeper

import (
	"crypto/sha256"
	"sync"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// Cache sizes. The caches only skip repeated work: a miss recomputes the
// same answer, so their contents never influence consensus. The statement
// and DA caches hold four blocks' worth of the batches the block-level pass
// may consider (MaxBlockBatches), so the block a node checked in
// ProcessProposal is still cached in PreBlock and FinalizeBlock even while
// CheckTx caches the mempool's batches.
const (
	maxCachedKeys     = 256
	maxCachedProofs   = 4 * MaxBlockBatches
	maxCachedDAHashes = 4 * MaxBlockBatches
)

// verifyCache remembers parsed verifying keys (parsing costs about as much
// as a verification) and statements whose proof already verified on this
// node, so a batch checked in CheckTx, ProcessProposal or the block-level
// batch verification is not verified again in FinalizeBlock. A statement is
// the exact (key, public inputs, proof bytes) triple, so a hit is sound.
type verifyCache struct {
	mu         sync.Mutex
	keys       map[[32]byte]*verifier.VerifyingKey
	keyOrder   [][32]byte
	proofs     map[[32]byte]struct{}
	proofOrder [][32]byte
	// daHashes maps sha256(data) to protocol.DAHash(data). Poseidon2 over the
	// data costs about 170 us/KiB and a batch is planned up to three times
	// per node (ProcessProposal, PreBlock, FinalizeBlock); sha256 costs
	// well under 1 us/KiB.
	daHashes map[[32]byte]fr.Element
	daOrder  [][32]byte

	// stats counts the expensive work done on this node.
	stats VerifyCacheStats
}

// VerifyCacheStats counts the expensive work this node did for batches:
// proofs it verified (one by one or in a block-level multi-pairing), DA
// hashes it computed, and the block-level multi-pairings that verified
// (BlockMultiPairings) with the proofs they took together
// (BlockPassProofs). For tests and metrics; never read by consensus code.
type VerifyCacheStats struct {
	ProofsVerified     uint64
	DAHashes           uint64
	BlockMultiPairings uint64
	BlockPassProofs    uint64
}

// VerifyCacheStats returns the work counters of the keeper's caches.
func (k Keeper) VerifyCacheStats() VerifyCacheStats {
	k.cache.mu.Lock()
	defer k.cache.mu.Unlock()
	return k.cache.stats
}

func newVerifyCache() *verifyCache {
	return &verifyCache{
		keys:     make(map[[32]byte]*verifier.VerifyingKey),
		proofs:   make(map[[32]byte]struct{}),
		daHashes: make(map[[32]byte]fr.Element),
	}
}

func (c *verifyCache) key(vkHash [32]byte) (*verifier.VerifyingKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	vk, ok := c.keys[vkHash]
	return vk, ok
}

func (c *verifyCache) putKey(vk *verifier.VerifyingKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := vk.Hash()
	if _, ok := c.keys[h]; ok {
		return
	}
	if len(c.keyOrder) >= maxCachedKeys {
		delete(c.keys, c.keyOrder[0])
		c.keyOrder = c.keyOrder[1:]
	}
	c.keys[h] = vk
	c.keyOrder = append(c.keyOrder, h)
}

// statementID binds a key, its public inputs and the proof bytes.
func statementID(vkHash [32]byte, inputs []fr.Element, proof []byte) [32]byte {
	h := sha256.New()
	h.Write(vkHash[:])
	for i := range inputs {
		b := inputs[i].Bytes()
		h.Write(b[:])
	}
	h.Write(proof)
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func (c *verifyCache) verified(id [32]byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.proofs[id]
	return ok
}

func (c *verifyCache) markVerified(id [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.proofs[id]; ok {
		return
	}
	if len(c.proofOrder) >= maxCachedProofs {
		delete(c.proofs, c.proofOrder[0])
		c.proofOrder = c.proofOrder[1:]
	}
	c.proofs[id] = struct{}{}
	c.proofOrder = append(c.proofOrder, id)
	c.stats.ProofsVerified++
}

// noteBlockPass counts one block-level multi-pairing over n proofs that
// verified.
func (c *verifyCache) noteBlockPass(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stats.BlockMultiPairings++
	c.stats.BlockPassProofs += uint64(n)
}

// daHash returns protocol.DAHash(data), computing it once per distinct data.
func (c *verifyCache) daHash(data []byte) fr.Element {
	id := sha256.Sum256(data)
	c.mu.Lock()
	h, ok := c.daHashes[id]
	c.mu.Unlock()
	if ok {
		return h
	}
	h = protocol.DAHash(data)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stats.DAHashes++
	if _, ok := c.daHashes[id]; !ok {
		if len(c.daOrder) >= maxCachedDAHashes {
			delete(c.daHashes, c.daOrder[0])
			c.daOrder = c.daOrder[1:]
		}
		c.daHashes[id] = h
		c.daOrder = append(c.daOrder, id)
	}
	return h
}
