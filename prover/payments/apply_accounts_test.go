package payments

import (
	"math/big"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"
)

// A state advanced batch by batch with ApplyAccounts, each batch replayed
// from its posted data onto only the accounts it touches, has the root,
// accounts, key index and next free index of the state that built them.
func TestApplyAccounts_IncrementalReplayMatchesTheBuiltState(t *testing.T) {
	alice, bob, carol := testKey(1), testKey(2), testKey(3)
	r := newRollup(t, testParams)
	r.deposit(alice.Public, 1000)
	r.deposit(bob.Public, 500)
	batches := []*Batch{r.build()}
	batches = append(batches, r.build(r.transfer(alice, 0, 1, 300, 2), r.withdraw(bob, 1, 40, 1, l1Addr(0x42))))
	r.deposit(carol.Public, 7)
	batches = append(batches, r.build(r.transfer(bob, 1, 0, 5, 0)))

	s, err := OpenState(dbm.NewMemDB(), testParams)
	require.NoError(t, err)
	consumed := 0
	for _, b := range batches {
		// only what the batch touches, read from the state so far
		touched := map[uint32]*Account{}
		for _, rec := range b.Records {
			for _, i := range []uint32{rec.From, rec.To} {
				a, err := s.Account(i)
				require.NoError(t, err)
				touched[i] = &a
			}
		}
		n, err := Replay(touched, b.Data, r.inbox[consumed:])
		require.NoError(t, err)
		consumed += n
		require.NoError(t, s.ApplyAccounts(touched))
		got, err := s.Root()
		require.NoError(t, err)
		require.Equal(t, b.NewRoot, got)
	}
	for i, k := range []*PrivateKey{alice, bob, carol} {
		want, err := r.s.Account(uint32(i))
		require.NoError(t, err)
		got, err := s.Account(uint32(i))
		require.NoError(t, err)
		require.Equal(t, want, got)
		idx, ok, err := s.IndexOf(k.Public)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, uint32(i), idx)
	}
	wantNext, err := r.s.acc.NextFree()
	require.NoError(t, err)
	gotNext, err := s.acc.NextFree()
	require.NoError(t, err)
	require.Equal(t, uint32(3), gotNext)
	require.Equal(t, wantNext, gotNext)
}

// An account ApplyAccounts cannot store is refused before anything is
// written, even when other accounts in the set are fine.
func TestApplyAccounts_RejectsOutOfRangeAccountsAndWritesNothing(t *testing.T) {
	key := testKey(1).Public
	account := func(balance *big.Int) *Account {
		a := &Account{Key: key, Nonce: 1}
		a.Balance.Set(balance)
		return a
	}
	fine := account(big.NewInt(10))
	for _, tc := range []struct {
		name     string
		accounts map[uint32]*Account
	}{
		{"index beyond the tree", map[uint32]*Account{0: fine, 256: account(big.NewInt(1))}},
		{"negative balance", map[uint32]*Account{0: fine, 3: account(big.NewInt(-1))}},
		{"balance of 2^128", map[uint32]*Account{0: fine, 3: account(new(big.Int).Lsh(big.NewInt(1), BalanceBits))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := OpenState(dbm.NewMemDB(), testParams)
			require.NoError(t, err)
			before, err := s.Root()
			require.NoError(t, err)
			err = s.ApplyAccounts(tc.accounts)
			require.ErrorIs(t, err, ErrAccountOutOfRange)
			after, err := s.Root()
			require.NoError(t, err)
			require.Equal(t, before, after)
			a, err := s.Account(0)
			require.NoError(t, err)
			require.False(t, a.Exists(), "the valid account of the set was not written either")
			_, ok, err := s.IndexOf(key)
			require.NoError(t, err)
			require.False(t, ok)
		})
	}
}

// Accounts without a key (as Replay leaves for an index it only looked at)
// are not written: the tree keeps its empty leaf.
func TestApplyAccounts_SkipsAccountsWithoutAKey(t *testing.T) {
	s, err := OpenState(dbm.NewMemDB(), testParams)
	require.NoError(t, err)
	before, err := s.Root()
	require.NoError(t, err)
	require.NoError(t, s.ApplyAccounts(map[uint32]*Account{0: {}, 5: nil}))
	after, err := s.Root()
	require.NoError(t, err)
	require.Equal(t, before, after)
	next, err := s.acc.NextFree()
	require.NoError(t, err)
	require.Zero(t, next)
}
