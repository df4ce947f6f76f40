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
	return nil
}
