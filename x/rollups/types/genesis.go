package types

import "fmt"

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
		if _, err := ParseStateRoot(r.StateRoot); err != nil {
			return fmt.Errorf("%w: rollup %q: %w", ErrInvalidGenesis, r.Id, err)
		}
		rollups[r.Id] = r
	}
	for _, b := range gs.Batches {
		r, ok := rollups[b.RollupId]
		if !ok || b.Index == 0 || b.Index >= r.NextBatchIndex {
			return ErrInvalidGenesis.Wrapf("batch %d of rollup %q has no matching rollup state", b.Index, b.RollupId)
		}
	}
	for _, m := range gs.Inbox {
		r, ok := rollups[m.RollupId]
		if !ok || m.Message.Sequence >= r.InboxSize {
			return ErrInvalidGenesis.Wrapf("inbox message %d of rollup %q has no matching rollup state", m.Message.Sequence, m.RollupId)
		}
	}
	return nil
}
