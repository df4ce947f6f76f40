package types

import (
	"fmt"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultGenesis returns the genesis state with default params and an empty bridge.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams()}
}

// Validate performs stateless checks: valid params and unique ledgers with
// valid denoms and positive amounts (empty ledgers are not stored).
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
	}
	seen := make(map[[2]string]struct{}, len(gs.Ledgers))
	for _, l := range gs.Ledgers {
		key := [2]string{l.RollupId, l.Denom}
		if _, dup := seen[key]; dup {
			return ErrInvalidGenesis.Wrapf("ledger %s/%s listed twice", l.RollupId, l.Denom)
		}
		seen[key] = struct{}{}
		if l.RollupId == "" || sdk.ValidateDenom(l.Denom) != nil {
			return ErrInvalidGenesis.Wrapf("ledger %q/%q: invalid rollup id or denom", l.RollupId, l.Denom)
		}
		amt, ok := sdkmath.NewIntFromString(l.Amount)
		if !ok || !amt.IsPositive() {
			return ErrInvalidGenesis.Wrapf("ledger %s/%s: amount %q must be a positive integer", l.RollupId, l.Denom, l.Amount)
		}
	}
	if err := uniqueIDs("paused", gs.Paused); err != nil {
		return err
	}
	capIDs := make([]string, 0, len(gs.OutflowCaps))
	for _, c := range gs.OutflowCaps {
		if err := c.Cap.Cap.Validate(); err != nil || c.Cap.Cap.Empty() {
			return ErrInvalidGenesis.Wrapf("outflow cap of %q must be valid, non-empty coins", c.RollupId)
		}
		capIDs = append(capIDs, c.RollupId)
	}
	if err := uniqueIDs("outflow cap", capIDs); err != nil {
		return err
	}
	usageIDs := make([]string, 0, len(gs.OutflowUsage))
	for _, u := range gs.OutflowUsage {
		if err := u.Usage.Paid.Validate(); err != nil {
			return ErrInvalidGenesis.Wrapf("outflow usage of %q: %s", u.RollupId, err)
		}
		usageIDs = append(usageIDs, u.RollupId)
	}
	if err := uniqueIDs("outflow usage", usageIDs); err != nil {
		return err
	}
	seenPending := make(map[uint64]struct{}, len(gs.Pending))
	for _, p := range gs.Pending {
		if _, dup := seenPending[p.Id]; dup {
			return ErrInvalidGenesis.Wrapf("pending withdrawal %d listed twice", p.Id)
		}
		seenPending[p.Id] = struct{}{}
		if p.Id >= gs.NextPendingId {
			return ErrInvalidGenesis.Wrapf("pending withdrawal %d is not below next id %d", p.Id, gs.NextPendingId)
		}
		if p.RollupId == "" || p.Recipient == "" || p.Amount.Validate() != nil || !p.Amount.IsPositive() {
			return ErrInvalidGenesis.Wrapf("pending withdrawal %d: rollup, recipient and a positive amount required", p.Id)
		}
	}
	seenAccrued := make(map[[2]string]struct{}, len(gs.Accrued))
	for _, a := range gs.Accrued {
		key := [2]string{a.Address, a.Amount.Denom}
		if _, dup := seenAccrued[key]; dup {
			return ErrInvalidGenesis.Wrapf("accrued withdrawal of %s in %s listed twice", a.Address, a.Amount.Denom)
		}
		seenAccrued[key] = struct{}{}
		if a.Address == "" || a.Amount.Validate() != nil || !a.Amount.IsPositive() {
			return ErrInvalidGenesis.Wrapf("accrued withdrawal of %q: an address and a positive amount required", a.Address)
		}
	}
	return gs.validateExodus()
}

func uniqueIDs(what string, ids []string) error {
	seen := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		if id == "" {
			return ErrInvalidGenesis.Wrapf("%s: empty rollup id", what)
		}
		if _, dup := seen[id]; dup {
			return ErrInvalidGenesis.Wrapf("%s: rollup %q listed twice", what, id)
		}
		seen[id] = struct{}{}
	}
	return nil
}
