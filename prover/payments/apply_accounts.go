package payments

import (
	"fmt"
	"slices"
)

// ApplyAccounts writes accounts (as Replay rebuilds them from the chain)
// into the state, in index order, through the same write as BuildBatch.
// Accounts without a key are skipped: a valid history never empties an
// account. All accounts are checked before the first write, so bad input
// changes nothing; the tree writes leaf by leaf, so a caller that needs
// the whole set to land atomically gives the state a buffered database
// (the operator's overlay) and commits that in one write.
func (s *State) ApplyAccounts(accounts map[uint32]*Account) error {
	indices := make([]uint32, 0, len(accounts))
	for i, a := range accounts {
		if a == nil || !a.Exists() {
			continue
		}
		if uint64(i) >= s.tree.Capacity() {
			return fmt.Errorf("%w: account %d beyond the tree (capacity %d)", ErrAccountOutOfRange, i, s.tree.Capacity())
		}
		if a.Balance.Sign() < 0 || a.Balance.Cmp(maxBalance) >= 0 {
			return fmt.Errorf("%w: account %d: balance %s", ErrAccountOutOfRange, i, a.Balance.String())
		}
		indices = append(indices, i)
	}
	slices.Sort(indices)
	for _, i := range indices {
		if err := s.setAccount(i, *accounts[i]); err != nil {
			return err
		}
	}
	return nil
}
