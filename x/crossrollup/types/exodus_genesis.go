package types

import (
	"encoding/hex"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
)

// validateExodus checks the exodus part of a genesis state: unique exit
// records with a positive payment, unique positive credits for non-empty L2
// addresses, unique refund cursors with next <= end, and unique waiting
// refunds naming valid rollups.
func (gs GenesisState) validateExodus() error {
	type exitKey struct {
		id   string
		leaf uint64
	}
	exits := make(map[exitKey]struct{}, len(gs.Exits))
	for _, e := range gs.Exits {
		k := exitKey{e.RollupId, e.LeafIndex}
		if _, dup := exits[k]; dup {
			return ErrInvalidGenesis.Wrapf("exit of leaf %d of %q listed twice", e.LeafIndex, e.RollupId)
		}
		exits[k] = struct{}{}
		if e.RollupId == "" || e.LeafIndex == protocol.ExitLeafNone || len(e.Account) == 0 || e.Recipient == "" ||
			e.Paid.Validate() != nil || !e.Paid.IsAllPositive() {
			return ErrInvalidGenesis.Wrapf("exit of leaf %d of %q: rollup, leaf, account, recipient and a positive payment required", e.LeafIndex, e.RollupId)
		}
	}
	credits := make(map[[3]string]struct{}, len(gs.ExitCredits))
	for _, c := range gs.ExitCredits {
		k := [3]string{c.RollupId, hex.EncodeToString(c.Account), c.Denom}
		if _, dup := credits[k]; dup {
			return ErrInvalidGenesis.Wrapf("exit credit %s/%x/%s listed twice", c.RollupId, c.Account, c.Denom)
		}
		credits[k] = struct{}{}
		if c.RollupId == "" || len(c.Account) == 0 || len(c.Account) > protocol.MaxAddressLen || sdk.ValidateDenom(c.Denom) != nil {
			return ErrInvalidGenesis.Wrapf("exit credit %q/%x/%q: invalid rollup id, account or denom", c.RollupId, c.Account, c.Denom)
		}
		amt, ok := sdkmath.NewIntFromString(c.Amount)
		if !ok || !amt.IsPositive() {
			return ErrInvalidGenesis.Wrapf("exit credit %s/%x/%s: amount %q must be a positive integer", c.RollupId, c.Account, c.Denom, c.Amount)
		}
	}
	ids := make([]string, 0, len(gs.RefundQueue))
	for _, c := range gs.RefundQueue {
		if c.NextSequence > c.EndSequence {
			return ErrInvalidGenesis.Wrapf("refund cursor of %q: next %d is past end %d", c.RollupId, c.NextSequence, c.EndSequence)
		}
		ids = append(ids, c.RollupId)
	}
	if err := uniqueIDs("refund queue", ids); err != nil {
		return err
	}
	type waitKey struct {
		id  string
		seq uint64
	}
	waiting := make(map[waitKey]struct{}, len(gs.WaitingRefunds))
	for _, w := range gs.WaitingRefunds {
		k := waitKey{w.RollupId, w.Sequence}
		if _, dup := waiting[k]; dup {
			return ErrInvalidGenesis.Wrapf("waiting refund %s/%d listed twice", w.RollupId, w.Sequence)
		}
		waiting[k] = struct{}{}
		if protocol.ValidateRollupID(w.RollupId) != nil || protocol.ValidateRollupID(w.SourceRollupId) != nil {
			return ErrInvalidGenesis.Wrapf("waiting refund %q/%d: invalid rollup or source rollup id %q", w.RollupId, w.Sequence, w.SourceRollupId)
		}
	}
	return nil
}
