package operator

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// R9-4 (docs/notes/i19-recheck.md): a member keeps no record of a leader
// whose round held its batch to the expiry and landed nothing. The leading
// peer withholds round after round; each round holds the caller's head
// batch (and all behind it) for round_blocks + 2, a destination's for
// round_blocks + 2 + keep_blocks, and is used again at once.
func TestRecheck_R9_4_ACallerBacksOffFromALeaderThatHeldItToTheExpiry(t *testing.T) {
	r, l, tx := newCallerRun(t, func(l *scriptedLeader) { l.after = 40 })
	id := submitWire(t, r, tx)
	st := finalSync(t, r, id)
	require.Equal(t, syncSolo, st.State)
	require.Contains(t, st.Reason, "expired")

	// The same leader opens its next round, to be withheld the same way.
	l.mu.Lock()
	l.after = 40
	l.mu.Unlock()
	alice := testKey(t, 1)
	tx2 := send(t, r.op, alice, 0, "ex", alice.Public, []byte("swap call"), 100, 1, 1)
	id2 := submitWire(t, r, tx2)
	finalSync(t, r, id2)
	l.mu.Lock()
	defer l.mu.Unlock()
	require.Equal(t, 1, len(l.offered),
		"the caller offered its next batch to the leader that had just held the previous one for a whole round")
}
