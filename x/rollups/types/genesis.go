package types

import (
	"bytes"
	"crypto/sha256"
	"fmt"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// DefaultGenesis returns the genesis state with default params and no rollups.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams()}
}

// Validate performs stateless checks of the genesis state: valid params,
// unique valid rollup ids, and batches and inbox messages that belong to a
// listed rollup within its counters.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
	}
	rollups := make(map[string]Rollup, len(gs.Rollups))
	for _, r := range gs.Rollups {
		if err := ValidateRollupName(r.Id); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
		}
		if _, dup := rollups[r.Id]; dup {
			return ErrInvalidGenesis.Wrapf("rollup %q listed twice", r.Id)
		}
		if r.Status == ROLLUP_STATUS_UNSPECIFIED || r.NextBatchIndex == 0 || r.InboxConsumed > r.InboxSize {
			return ErrInvalidGenesis.Wrapf("rollup %q: inconsistent counters or status", r.Id)
		}
		if _, err := protocol.ParseStateRoot(r.StateRoot); err != nil {
			return fmt.Errorf("%w: rollup %q: %w", ErrInvalidGenesis, r.Id, err)
		}
		if err := r.ExitLayout.Validate(); err != nil {
			return fmt.Errorf("%w: rollup %q: %w", ErrInvalidGenesis, r.Id, err)
		}
		if err := validateGenesisRootOfLayout(r); err != nil {
			return fmt.Errorf("%w: rollup %q: %w", ErrInvalidGenesis, r.Id, err)
		}
		if err := validateGenesisKeys(r); err != nil {
			return fmt.Errorf("%w: rollup %q: %w", ErrInvalidGenesis, r.Id, err)
		}
		if r.ClosingHeight < 0 || r.LastForcedDeadline < 0 || (r.ClosingHeight != 0 && r.Status != ROLLUP_STATUS_ACTIVE) {
			return ErrInvalidGenesis.Wrapf("rollup %q: closing height %d or last forced deadline %d inconsistent with status %s",
				r.Id, r.ClosingHeight, r.LastForcedDeadline, r.Status)
		}
		rollups[r.Id] = r
	}
	type key struct {
		id string
		n  uint64
	}
	seen := make(map[key]struct{}, len(gs.Batches)+len(gs.Inbox))
	for _, b := range gs.Batches {
		if _, dup := seen[key{b.RollupId, b.Index}]; dup {
			return ErrInvalidGenesis.Wrapf("batch %d of rollup %q listed twice", b.Index, b.RollupId)
		}
		seen[key{b.RollupId, b.Index}] = struct{}{}
		r, ok := rollups[b.RollupId]
		if !ok || b.Index == 0 || b.Index >= r.NextBatchIndex {
			return ErrInvalidGenesis.Wrapf("batch %d of rollup %q has no matching rollup state", b.Index, b.RollupId)
		}
	}
	clear(seen)
	forced := make(map[string]uint64, len(gs.Rollups))
	for _, m := range gs.Inbox {
		if _, dup := seen[key{m.RollupId, m.Message.Sequence}]; dup {
			return ErrInvalidGenesis.Wrapf("inbox message %d of rollup %q listed twice", m.Message.Sequence, m.RollupId)
		}
		seen[key{m.RollupId, m.Message.Sequence}] = struct{}{}
		r, ok := rollups[m.RollupId]
		if !ok || m.Message.Sequence >= r.InboxSize {
			return ErrInvalidGenesis.Wrapf("inbox message %d of rollup %q has no matching rollup state", m.Message.Sequence, m.RollupId)
		}
		if protocol.InboxKind(m.Message.Kind) == protocol.InboxKindForcedTx && m.Message.Sequence >= r.InboxConsumed {
			forced[m.RollupId]++
		}
		// A stored deadline (0 before queue-position deadlines) is never
		// before the message's arrival.
		if m.Message.Deadline != 0 && m.Message.Deadline < m.Message.Height {
			return ErrInvalidGenesis.Wrapf("inbox message %d of rollup %q is due at %d, before it arrived at %d",
				m.Message.Sequence, m.RollupId, m.Message.Deadline, m.Message.Height)
		}
	}
	// pending_forced must count exactly the listed unconsumed forced
	// transactions (the index of them is rebuilt from the inbox).
	for _, r := range gs.Rollups {
		if forced[r.Id] != r.PendingForced {
			return ErrInvalidGenesis.Wrapf("rollup %q: pending_forced is %d but the inbox holds %d unconsumed forced transactions",
				r.Id, r.PendingForced, forced[r.Id])
		}
	}
	return nil
}

// validateGenesisKeys checks that a rollup's current and pending verifying
// keys parse under the same validation the keeper applies to stored keys
// (the hard size limit, BatchPublicInputs) and that each stored hash is the
// SHA-256 of its key. The keeper caches parsed keys by hash, so a key whose
// stored hash named another key would verify differently on nodes with
// different cache contents.
func validateGenesisKeys(r Rollup) error {
	if err := validateGenesisKey("verifying key", r.VerifyingKey, r.VkHash); err != nil {
		return err
	}
	if p := r.PendingVerifyingKey; p != nil {
		return validateGenesisKey("pending verifying key", p.VerifyingKey, p.VkHash)
	}
	return nil
}

func validateGenesisKey(what string, key, hash []byte) error {
	if _, err := verifier.ValidateVerifyingKey(key, int(protocol.MaxVerifyingKeyBytes), protocol.BatchPublicInputs); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if sum := sha256.Sum256(key); !bytes.Equal(sum[:], hash) {
		return fmt.Errorf("%s: vk_hash %x is not sha256 of the key (%x)", what, hash, sum)
	}
	return nil
}

// validateGenesisRootOfLayout holds a rollup listed in genesis to the rule
// registration applies (ExitLayout.CheckGenesisRoot): an exchange-v1
// rollup's genesis root is the empty state of its layout (red team 7,
// R7-2: genesis import took any).
func validateGenesisRootOfLayout(r Rollup) error {
	if r.ExitLayout.IsEmpty() || r.ExitLayout.Name != protocol.ExitLayoutExchangeV1 {
		return nil
	}
	root, err := protocol.ParseStateRoot(r.GenesisStateRoot)
	if err != nil {
		return ErrInvalidExitLayout.Wrapf("genesis state root: %s", err)
	}
	return r.ExitLayout.CheckGenesisRoot(root)
}
