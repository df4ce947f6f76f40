package proof_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/x/crossrollup/client/proof"
	crossrolluptypes "github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// The keys a client proves must be the bytes the keepers write. These
// tests write through the real keepers and read the raw store back, so a
// renumbered prefix or a changed key codec fails here.

func TestInboxKey_MatchesWhatTheRollupsKeeperWrites(t *testing.T) {
	s := newChainState(t)
	s.registerRollup(testRollup)
	s.deposit(testRollup, 5)
	s.deposit(testRollup, 7)

	var want [][]byte
	for seq := uint64(0); seq < 2; seq++ {
		k, err := proof.InboxKey(testRollup, seq)
		require.NoError(t, err)
		want = append(want, k)
	}
	require.Equal(t, want, s.rawKeys(proof.RollupsStore, rollupstypes.InboxKey))
}

func TestRollupKey_MatchesWhatTheRollupsKeeperWrites(t *testing.T) {
	s := newChainState(t)
	s.registerRollup(testRollup)

	k, err := proof.RollupKey(testRollup)
	require.NoError(t, err)
	require.Equal(t, [][]byte{k}, s.rawKeys(proof.RollupsStore, rollupstypes.RollupsKey))
}

func TestLedgerKey_MatchesWhatTheCrossrollupKeeperWrites(t *testing.T) {
	s := newChainState(t)
	s.registerRollup(testRollup)
	s.deposit(testRollup, 5)

	k, err := proof.LedgerKey(testRollup, testDenom)
	require.NoError(t, err)
	require.Equal(t, [][]byte{k}, s.rawKeys(proof.CrossrollupStore, crossrolluptypes.LedgersKey))
}

func TestKeys_RejectEmptyParts(t *testing.T) {
	_, err := proof.RollupKey("")
	require.ErrorIs(t, err, proof.ErrInvalidKey)
	_, err = proof.InboxKey("", 0)
	require.ErrorIs(t, err, proof.ErrInvalidKey)
	_, err = proof.LedgerKey(testRollup, "")
	require.ErrorIs(t, err, proof.ErrInvalidKey)
}

func TestDecode_ReadsWhatTheKeepersWrite(t *testing.T) {
	s := newChainState(t)
	s.registerRollup(testRollup)
	s.deposit(testRollup, 5)
	s.deposit(testRollup, 7)
	s.consume(testRollup, 1)
	kv := s.cms.GetKVStore(s.keys[proof.RollupsStore])

	k, _ := proof.InboxKey(testRollup, 1)
	msg, err := proof.DecodeInboxMessage(kv.Get(k))
	require.NoError(t, err)
	require.Equal(t, uint64(1), msg.Sequence)
	require.Equal(t, "7", msg.Amount)

	k, _ = proof.RollupKey(testRollup)
	r, err := proof.DecodeRollup(kv.Get(k))
	require.NoError(t, err)
	require.Equal(t, proof.StatusConsumed, proof.StatusOf(r, 0))
	require.Equal(t, proof.StatusPending, proof.StatusOf(r, 1))
	require.Equal(t, proof.StatusNotAppended, proof.StatusOf(r, 2))

	k, _ = proof.LedgerKey(testRollup, testDenom)
	amt, err := proof.DecodeLedger(s.cms.GetKVStore(s.keys[proof.CrossrollupStore]).Get(k))
	require.NoError(t, err)
	require.Equal(t, "12", amt.String())
}
