package keeper

import (
	"bytes"
	"context"
	"crypto/sha256"

	errorsmod "cosmossdk.io/errors"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// Verifying keys live once, by sha256, in VerifyingKeys; the rollup record
// and its pending key change hold the hash only (issue 17). A batch never
// reads the key bytes through the metered store: the parsed key comes from
// the node-local cache, and on a miss the bytes are read with a gas-free
// meter. Either way the batch pays the same gas — the key lookup is part of
// verify_proof_gas (docs/spec/rollups.md, "Gas") — so gas never depends on
// what one node happens to have cached.

// putVerifyingKey stores key bytes under their hash, which the caller
// computed from the bytes (registration, key change, genesis). Writing a
// key that is already stored rewrites the same bytes.
func (k Keeper) putVerifyingKey(ctx context.Context, hash, key []byte) error {
	return k.VerifyingKeys.Set(ctx, hash, key)
}

// verifyingKeyBytes returns the stored bytes of the key with this hash,
// read without charging gas (queries, genesis export and the cache miss of
// loadVerifyingKey).
func (k Keeper) verifyingKeyBytes(ctx context.Context, hash []byte) ([]byte, error) {
	free := sdk.UnwrapSDKContext(ctx).WithGasMeter(storetypes.NewInfiniteGasMeter())
	bz, err := k.VerifyingKeys.Get(free, hash)
	if err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidVerifyingKey, "no stored key with hash %x: %s", hash, err)
	}
	return bz, nil
}

// loadVerifyingKey returns the parsed key with this hash, from the cache
// when this node parsed it before. The cache is keyed by the hash of the
// bytes it parsed, never by a stored hash alone; on a miss the stored bytes
// are hashed again, so a store entry that named another key (an
// inconsistent genesis or upgrade) is refused on every node whatever its
// cache holds.
func (k Keeper) loadVerifyingKey(ctx context.Context, vkHash []byte) (*verifier.VerifyingKey, error) {
	var h [32]byte
	if len(vkHash) != len(h) {
		return nil, types.ErrInvalidVerifyingKey.Wrapf("stored key hash has %d bytes", len(vkHash))
	}
	copy(h[:], vkHash)
	if vk, ok := k.cache.key(h); ok {
		return vk, nil
	}
	bz, err := k.verifyingKeyBytes(ctx, vkHash)
	if err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(bz); !bytes.Equal(sum[:], vkHash) {
		return nil, types.ErrInvalidVerifyingKey.Wrapf("stored key hash %x is not the hash of the stored key", vkHash)
	}
	// A stored key was validated under the cap in force when it was
	// registered; re-parse it under the hard limit so a later, lower
	// governance cap cannot brick a registered rollup.
	vk, err := verifier.ValidateVerifyingKey(bz, int(protocol.MaxVerifyingKeyBytes), protocol.BatchPublicInputs)
	if err != nil {
		return nil, errorsmod.Wrap(err, "stored verifying key")
	}
	k.cache.putKey(vk)
	return vk, nil
}

// withKeyBytes returns r with the bytes of its verifying key and of its
// pending key filled in, as queries and genesis show a rollup.
func (k Keeper) withKeyBytes(ctx context.Context, r types.Rollup) (types.Rollup, error) {
	bz, err := k.verifyingKeyBytes(ctx, r.VkHash)
	if err != nil {
		return r, err
	}
	r.VerifyingKey = bz
	if p := r.PendingVerifyingKey; p != nil {
		pending := *p
		if pending.VerifyingKey, err = k.verifyingKeyBytes(ctx, p.VkHash); err != nil {
			return r, err
		}
		r.PendingVerifyingKey = &pending
	}
	return r, nil
}

// withoutKeyBytes returns r as the store holds it: keys by hash only.
func withoutKeyBytes(r types.Rollup) types.Rollup {
	r.VerifyingKey = nil
	if p := r.PendingVerifyingKey; p != nil {
		pending := *p
		pending.VerifyingKey = nil
		r.PendingVerifyingKey = &pending
	}
	return r
}
