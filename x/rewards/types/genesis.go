package types

import (
	"fmt"
	"slices"

	"cosmossdk.io/core/address"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultGenesis returns the genesis state with default params and an empty
// pool; the first epoch starts at the first block.
func DefaultGenesis() *GenesisState {
	return &GenesisState{
		Params: DefaultParams(),
		Epoch:  EpochState{Number: 1, StartHeight: 0, EligibleWork: sdkmath.ZeroInt(), ApprovedWork: sdkmath.ZeroInt()},
	}
}

// Validate performs stateless checks of the genesis state. Addresses are
// checked by ValidateAddresses, which needs the chain's address codec.
func (gs GenesisState) Validate() error {
	if err := gs.validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidGenesis, err)
	}
	return nil
}

func (gs GenesisState) validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	if gs.Epoch.Number == 0 || gs.Epoch.StartHeight < 0 {
		return fmt.Errorf("epoch %d starting at %d", gs.Epoch.Number, gs.Epoch.StartHeight)
	}
	if err := nonNegative("epoch eligible work", gs.Epoch.EligibleWork); err != nil {
		return err
	}
	if err := workSplit("epoch", gs.Epoch.EligibleWork, gs.Epoch.ApprovedWork, gs.Epoch.FeesPaid); err != nil {
		return err
	}
	payingEpoch := uint64(0)
	if p := gs.ActivePayout; p != nil {
		if p.Epoch == 0 || p.Epoch >= gs.Epoch.Number {
			return fmt.Errorf("payout of epoch %d while epoch %d is recorded", p.Epoch, gs.Epoch.Number)
		}
		if err := nonNegative("payout eligible work", p.EligibleWork); err != nil {
			return err
		}
		for _, c := range []sdk.Coins{p.ValidatorAmount, p.OperatorPot, p.Credited, p.FeeBackedPot, p.FeesPaid, p.ApprovedPot} {
			if err := c.Validate(); err != nil {
				return fmt.Errorf("active payout: %w", err)
			}
		}
		if !p.OperatorPot.IsAllGTE(p.Credited) {
			return fmt.Errorf("active payout credited %s of a pot of %s", p.Credited, p.OperatorPot)
		}
		if !p.FeeBackedPot.Add(p.ApprovedPot...).Equal(p.OperatorPot) {
			return fmt.Errorf("active payout pot %s is not its fee-backed part %s plus its approved part %s", p.OperatorPot, p.FeeBackedPot, p.ApprovedPot)
		}
		if !p.ApprovedWork.IsNil() && p.ApprovedWork.IsNegative() {
			return fmt.Errorf("active payout approved work %s is negative", p.ApprovedWork)
		}
		payingEpoch = p.Epoch
	}
	seenWork := make(map[string]bool, len(gs.Work))
	for _, w := range gs.Work {
		if w.Epoch != gs.Epoch.Number && w.Epoch != payingEpoch {
			return fmt.Errorf("work record of epoch %d: only the current epoch %d and the epoch being paid are kept", w.Epoch, gs.Epoch.Number)
		}
		key := fmt.Sprintf("%d/%s/%s", w.Epoch, w.RollupId, w.Operator)
		if seenWork[key] {
			return fmt.Errorf("duplicate work record %s", key)
		}
		seenWork[key] = true
		if w.RollupId == "" {
			return fmt.Errorf("work record %s without rollup", key)
		}
		if err := nonNegative("work weight", w.Weight); err != nil {
			return err
		}
		if err := workSplit("work record "+key, w.Weight, w.ApprovedWeight, w.FeesPaid); err != nil {
			return err
		}
	}
	// A frozen rollup's rollup_work (its forfeit marker) stays until the
	// payout of its epoch reaches its work records, so the epoch being paid
	// may have some too (issue 17 red team).
	seenRollup := make(map[string]bool, len(gs.RollupWork))
	for _, rw := range gs.RollupWork {
		if rw.Epoch != gs.Epoch.Number && rw.Epoch != payingEpoch {
			return fmt.Errorf("rollup work of epoch %d: only the current epoch %d and the epoch being paid are kept", rw.Epoch, gs.Epoch.Number)
		}
		key := fmt.Sprintf("%d/%s", rw.Epoch, rw.RollupId)
		if seenRollup[key] {
			return fmt.Errorf("duplicate rollup work for %q in epoch %d", rw.RollupId, rw.Epoch)
		}
		seenRollup[key] = true
		if err := nonNegative("rollup work", rw.Weight); err != nil {
			return err
		}
		if err := workSplit("rollup work of "+rw.RollupId, rw.Weight, rw.ApprovedWeight, rw.FeesPaid); err != nil {
			return err
		}
	}
	seenApproval := make(map[string]bool, len(gs.ApprovedKeys))
	for _, a := range gs.ApprovedKeys {
		if err := a.Validate(); err != nil {
			return err
		}
		key := a.RollupId + "/" + string(a.VkHash)
		if seenApproval[key] {
			return fmt.Errorf("duplicate approved key %x for %q", a.VkHash, a.RollupId)
		}
		seenApproval[key] = true
	}
	if err := validateSourceAmounts("inflow", gs.Inflows, InflowSources); err != nil {
		return err
	}
	if err := validateSourceAmounts("outflow", gs.Outflows, OutflowDestinations); err != nil {
		return err
	}
	if !gs.TotalInflows().IsAllGTE(gs.TotalOutflows()) {
		return fmt.Errorf("outflows %s exceed inflows %s", gs.TotalOutflows(), gs.TotalInflows())
	}
	seenOp := make(map[string]bool, len(gs.Pending))
	for _, p := range gs.Pending {
		if seenOp[p.Operator] {
			return fmt.Errorf("duplicate pending rewards for %s", p.Operator)
		}
		seenOp[p.Operator] = true
		if err := p.Amount.Validate(); err != nil || p.Amount.IsZero() {
			return fmt.Errorf("pending rewards of %s: %q must be positive valid coins", p.Operator, p.Amount)
		}
	}
	seenPayout := make(map[uint64]bool, len(gs.Payouts))
	for _, p := range gs.Payouts {
		if p.Epoch == 0 || p.Epoch >= gs.Epoch.Number || seenPayout[p.Epoch] {
			return fmt.Errorf("payout record of epoch %d is a duplicate or not in the past", p.Epoch)
		}
		seenPayout[p.Epoch] = true
	}
	return nil
}

// ValidateAddresses checks every operator address with the chain's codec.
func (gs GenesisState) ValidateAddresses(ac address.Codec) error {
	for _, w := range gs.Work {
		if _, err := ac.StringToBytes(w.Operator); err != nil {
			return ErrInvalidGenesis.Wrapf("work record operator %q: %s", w.Operator, err)
		}
	}
	for _, p := range gs.Pending {
		if _, err := ac.StringToBytes(p.Operator); err != nil {
			return ErrInvalidGenesis.Wrapf("pending rewards operator %q: %s", p.Operator, err)
		}
	}
	return nil
}

// TotalInflows sums the inflows of every source.
func (gs GenesisState) TotalInflows() sdk.Coins { return sumSourceAmounts(gs.Inflows) }

// TotalOutflows sums the outflows of every destination.
func (gs GenesisState) TotalOutflows() sdk.Coins { return sumSourceAmounts(gs.Outflows) }

func sumSourceAmounts(list []SourceAmount) sdk.Coins {
	total := sdk.NewCoins()
	for _, s := range list {
		total = total.Add(s.Amount...)
	}
	return total
}

func validateSourceAmounts(kind string, list []SourceAmount, allowed []string) error {
	seen := make(map[string]bool, len(list))
	for _, s := range list {
		if !slices.Contains(allowed, s.Source) {
			return fmt.Errorf("%s source %q is not one of %v", kind, s.Source, allowed)
		}
		if seen[s.Source] {
			return fmt.Errorf("duplicate %s source %q", kind, s.Source)
		}
		seen[s.Source] = true
		if err := s.Amount.Validate(); err != nil {
			return fmt.Errorf("%s %q: %w", kind, s.Source, err)
		}
	}
	return nil
}

// workSplit checks the approved part of a weight (unset reads as zero) and
// the fees paid for it.
func workSplit(name string, weight, approved sdkmath.Int, fees sdk.Coins) error {
	if approved.IsNil() {
		approved = sdkmath.ZeroInt()
	}
	if approved.IsNegative() || approved.GT(weight) {
		return fmt.Errorf("%s: approved weight %s must be in [0, weight %s]", name, approved, weight)
	}
	if err := fees.Validate(); err != nil {
		return fmt.Errorf("%s: fees paid: %w", name, err)
	}
	return nil
}

func nonNegative(name string, v sdkmath.Int) error {
	if v.IsNil() || v.IsNegative() {
		return fmt.Errorf("%s must be a non-negative integer, got %s", name, v)
	}
	return nil
}
