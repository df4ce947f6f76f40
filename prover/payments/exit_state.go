package payments

import (
	dbm "github.com/cosmos/cosmos-db"
)

// StateFromAccounts writes accounts (as Replay rebuilds them from the chain)
// into a fresh State in db with ApplyAccounts, so an exit proof can be
// built without the operator's database.
func StateFromAccounts(db dbm.DB, p Params, accounts map[uint32]*Account) (*State, error) {
	s, err := OpenState(db, p)
	if err != nil {
		return nil, err
	}
	if err := s.ApplyAccounts(accounts); err != nil {
		return nil, err
	}
	return s, nil
}
