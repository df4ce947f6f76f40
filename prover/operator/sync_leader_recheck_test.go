package operator

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// R9-5 (docs/notes/i19-recheck.md): probation falls on every signer
// missing when the round expires in signing, however late the leader
// asked for signatures. The leader (slow prover, destinations answering
// late: plan() proceeds once destinationsDue) may open signing in the
// round's last block; a member polls the round view once per tick and
// posts its signature through an endpoint anyone can fill (R9-1). The
// honest caller is then refused for probation_rounds x round_blocks
// blocks (100 with the defaults) for the leader's lateness or a third
// party's denial.
func TestRecheck_R9_5_NoProbationForASigningWindowOfOneBlock(t *testing.T) {
	op, _, c := newLeader(t)
	l := op.leader
	info, err := l.info()
	require.NoError(t, err)
	msg, o := c.batch(t, "ex", 1000, 1)
	o.Leader, o.Round, o.ExpiryHeight = info.Leader, info.Round, info.ExpiryHeight
	_, err = l.offer(context.Background(), signedOffer(t, c.key, o, msg))
	require.NoError(t, err)

	// Signing opens at expiry - 1 (the leader's exchange proof was late).
	op.follower.mu.Lock()
	op.follower.height = info.ExpiryHeight - 1
	op.follower.mu.Unlock()
	l.mu.Lock()
	r := l.round
	r.state, r.tx, r.signers, r.sigs[l.self] = roundSigning, []byte("tx"), []string{c.addr(), l.self}, []byte("signature")
	l.mu.Unlock()

	// One block later the round expires; the caller's signature (503) did not arrive.
	op.follower.mu.Lock()
	op.follower.height = info.ExpiryHeight
	op.follower.mu.Unlock()
	l.step(context.Background())
	l.mu.Lock()
	defer l.mu.Unlock()
	require.Equal(t, roundAborted, r.state)
	require.Zero(t, l.probation["pay"],
		"the caller is on probation until %d for not signing within the one block the leader left it", l.probation["pay"])
}
