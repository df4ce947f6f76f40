package payments

import (
	"fmt"
	"slices"

	dbm "github.com/cosmos/cosmos-db"
)

// StateFromAccounts writes accounts (as Replay rebuilds them from the chain)
// into a fresh State in db, in index order, so an exit proof can be built
// without the operator's database. Accounts without a key are skipped: a
// valid history leaves none with value.
func StateFromAccounts(db dbm.DB, p Params, accounts map[uint32]*Account) (*State, error) {
	s, err := OpenState(db, p)
	if err != nil {
		return nil, err
	}
	indices := make([]uint32, 0, len(accounts))
	for i := range accounts {
		indices = append(indices, i)
	}
	slices.Sort(indices)
	for _, i := range indices {
		a := accounts[i]
		if a == nil || !a.Exists() {
			continue
		}
		if uint64(i) >= s.tree.Capacity() {
			return nil, fmt.Errorf("payments: account %d beyond the tree (capacity %d)", i, s.tree.Capacity())
		}
		if a.Balance.Sign() < 0 || a.Balance.Cmp(maxBalance) >= 0 {
			return nil, fmt.Errorf("payments: account %d: balance %s out of range", i, a.Balance.String())
		}
		if err := s.setAccount(i, *a); err != nil {
			return nil, err
		}
	}
	return s, nil
}
