package operator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/syncv1"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// Red-team tests of issue 19 (synchronous calls), docs/notes/i19-redteam.md.
// Each test states the property the code should have; the ones that fail
// now are open findings (R8-n) for the authors to fix.

// R8-1: a caller takes the leader's address from the unauthenticated
// GET /v1/sync/round answer and checkBundle only compares the fee payer
// with that address. A leader that names the caller itself as "leader"
// gets a bundle paid by the caller signed, with a fee of its choosing
// (checkBundle bounds neither the fee nor the gas).
func TestRedteam_R8_1_CheckBundleRefusesABundlePaidByTheMember(t *testing.T) {
	own := &types.MsgSubmitBatch{RollupId: "pay", BatchIndex: 4, Submitter: "carol", Proof: []byte("p")}
	ex := &types.MsgSubmitBatch{RollupId: "ex", BatchIndex: 2, Submitter: "erin", Proof: []byte("r")}
	// The leader said "the leader is carol" in its round info.
	mark := &syncMark{Role: syncRoleCaller, Leader: "carol", ExpiryHeight: 20}
	info := BundleInfo{Batches: []*types.MsgSubmitBatch{own, ex}, FeePayer: "carol", TimeoutHeight: 20,
		GasLimit: 1 << 40, Fee: sdk.NewCoins(sdk.NewInt64Coin("unat", 1_000_000_000_000))}
	require.ErrorIs(t, checkBundle(info, own, mark, "carol"), errBundleRefused,
		"a member must never sign a bundle whose fee it pays (the leader pays, section 5)")
}

// R8-1, end to end on the caller's pipeline: the scripted leader names the
// caller as leader and asks it to sign a bundle that the caller pays.
func TestRedteam_R8_1_CallerSignsABundleItPaysWhenTheLeaderNamesIt(t *testing.T) {
	r, l, tx := newCallerRun(t, func(l *scriptedLeader) {
		l.leader = l.chain.fakeChain.submitter.String() // the caller's own address
		l.state, l.expiry = roundSigning, 60
		l.bundle = func(m *types.MsgSubmitBatch) BundleInfo {
			return BundleInfo{Batches: []*types.MsgSubmitBatch{m}, FeePayer: m.Submitter, TimeoutHeight: 60,
				GasLimit: 1 << 40, Fee: sdk.NewCoins(sdk.NewInt64Coin("unat", 1_000_000_000_000))}
		}
	})
	id := submitWire(t, r, tx)
	finalSync(t, r, id)
	l.mu.Lock()
	defer l.mu.Unlock()
	require.Zero(t, l.signed, "the caller signed a bundle whose whole fee it pays")
}

// R8-2: POST /v1/sync/rounds/{r}/signatures is unauthenticated and the
// leader stores whatever it is sent, replacing a signature it holds. One
// anonymous request per round (even for the leader's own signature) makes
// BroadcastBundle's verification fail and the round abort.
func TestRedteam_R8_2_AnonymousSignatureDoesNotReplaceAGoodOne(t *testing.T) {
	op, _, c := newLeader(t)
	l := op.leader
	good := []byte("the leader's own valid signature")
	l.mu.Lock()
	l.round = &leaderRound{id: 9, expiry: 15, state: roundSigning, tx: []byte("tx"),
		signers: []string{l.self, c.addr()}, sigs: map[string][]byte{l.self: good}}
	l.mu.Unlock()
	err := l.signature(context.Background(), 9, SyncSignature{Signer: l.self, Signature: []byte("junk from anyone")})
	l.mu.Lock()
	got := l.round.sigs[l.self]
	l.mu.Unlock()
	require.Equal(t, good, got, "an unverified signature replaced the leader's own (err=%v)", err)
	require.Error(t, l.signature(context.Background(), 9, SyncSignature{Signer: c.addr(), Signature: []byte("junk")}),
		"a signature that does not verify over the round's bundle must be refused")
}

// R8-3: probation is "the rollup may offer again from round r.id +
// probation_rounds", but round ids are block heights
// (lastRound = max(lastRound+1, height)): a round that expires without the
// caller's signature ends at r.id + round_blocks, so with the defaults
// (10 and 10) the next round's id is already past the probation. A caller
// that offers and never signs spoils every round (and holds the
// exchange's builder, syncHold, for each whole round).
func TestRedteam_R8_3_ProbationOutlastsTheRound(t *testing.T) {
	op, chain, c := newLeader(t)
	l := op.leader
	ctx := context.Background()
	info, err := l.info()
	require.NoError(t, err)
	msg, o := c.batch(t, "ex", 1000, 1)
	o.Leader, o.Round, o.ExpiryHeight = info.Leader, info.Round, info.ExpiryHeight
	_, err = l.offer(ctx, signedOffer(t, c.key, o, msg))
	require.NoError(t, err)

	// The round reaches signing; the caller never signs; it expires.
	l.mu.Lock()
	r := l.round
	r.state, r.signers, r.sigs[l.self], r.signingAt = roundSigning, []string{c.addr(), l.self}, []byte("sig"), 1
	l.abortLocked(r, "expired")
	until := l.probation["pay"]
	l.mu.Unlock()
	require.Greater(t, until, uint64(info.ExpiryHeight), "the probation outlasts the round")

	// The caller lands that batch alone and builds its next one.
	chain.fakeChain.mu.Lock()
	pay := chain.others["pay"]
	pay.NextBatchIndex, pay.StateRoot = pay.NextBatchIndex+1, msg.NewStateRoot
	chain.others["pay"] = pay
	chain.fakeChain.mu.Unlock()
	c.rec = pay
	op.follower.mu.Lock()
	op.follower.height = info.ExpiryHeight + 1
	op.follower.mu.Unlock()

	info2, err := l.info()
	require.NoError(t, err)
	msg2, o2 := c.batch(t, "ex", 1000, 2)
	o2.Leader, o2.Round, o2.ExpiryHeight = info2.Leader, info2.Round, info2.ExpiryHeight
	_, err = l.offer(ctx, signedOffer(t, c.key, o2, msg2))
	require.Equal(t, CodeProbation, codeOf(err),
		"round %d: the rollup that did not sign round %d is admitted again at once (probation until %d, %d rounds asked)",
		info2.Round, info.Round, until, l.so.ProbationRounds)
}

// R8-4: every equivocating offer appends both offers (each request up to
// 4 MiB, with a batch whose proof the leader never checks) to an unbounded
// evidence list, before the probation check. Any operator of any
// registered rollup with one admitted offer grows the leader's memory
// without bound, at no chain cost.
func TestRedteam_R8_4_EvidenceIsBounded(t *testing.T) {
	op, _, c := newLeader(t)
	l := op.leader
	ctx := context.Background()
	info, err := l.info()
	require.NoError(t, err)
	inRound := func(o syncv1.Offer) syncv1.Offer {
		o.Leader, o.Round, o.ExpiryHeight = info.Leader, info.Round, info.ExpiryHeight
		return o
	}
	msg, o := c.batch(t, "ex", 1000, 1)
	_, err = l.offer(ctx, signedOffer(t, c.key, inRound(o), msg))
	require.NoError(t, err)
	for i := 0; i < 50; i++ {
		m, of := c.batch(t, "ex", uint64(2000+i), 2)
		_, err := l.offer(ctx, signedOffer(t, c.key, inRound(of), m))
		require.Equal(t, CodeEquivocation, codeOf(err))
	}
	require.LessOrEqual(t, len(l.evidenceList()), 1,
		"one key's equivocation on one batch slot is kept %d times", len(l.evidenceList()))
}

// R8-6: the round's expiry height comes from the leader (GET
// /v1/sync/round for a caller, the intent for a destination) and nothing
// bounds it. A leader that answers expiry_height = 2^40 and keeps the
// round "proving" holds the caller's batch (the head of its submission
// order) for ever: the caller's pipeline stops, its inbox passes its
// deadline and the chain freezes the caller's rollup and slashes its bond.
// G2/G4 promise "at the latest at expiry_height + 1"; the caller should
// refuse a round longer than its own round_blocks.
func TestRedteam_R8_6_LeaderChosenExpiryDoesNotHoldTheCallerForEver(t *testing.T) {
	r, l, tx := newCallerRun(t, func(l *scriptedLeader) {
		l.state, l.expiry, l.after = roundProving, 1<<40, 0 // never closes
	})
	id := submitWire(t, r, tx)
	var st TxStatus
	ok := assertEventually(func() bool {
		var err error
		st, err = r.op.TxStatus(id)
		return err == nil && st.Status == "verified"
	}, 8*time.Second)
	l.mu.Lock()
	offered := len(l.offered)
	l.mu.Unlock()
	require.True(t, ok, "the send is held by a round expiring at height 2^40 (status %q, offered %d, sync %+v)", st.Status, offered, st.Sync)
}

// R8-6, destination side: an intent whose expiry is far in the future is
// taken (takeIntent checks only expiry > height+1), and the destination's
// batch then waits for the leader until that height.
func TestRedteam_R8_6_DestinationRefusesAnIntentExpiringFarAway(t *testing.T) {
	op, _, _ := newLeader(t) // "ex"'s operator stands in for a destination: it only needs a leading peer
	op.opts.Sync.Peers["lead"] = SyncPeer{URL: "http://127.0.0.1:1", Leads: true}
	in := SyncIntent{Round: 1, ExpiryHeight: 1 << 40, Leader: "x", LeaderRollup: "lead"}
	_, err := op.takeIntent(context.Background(), in)
	require.Error(t, err)
	require.NotContains(t, err.Error(), "upstream batches", "an intent expiring at height 2^40 passes the expiry check")
}

func assertEventually(cond func() bool, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if cond() {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return cond()
}

// R8-7: an honest caller signs a second, different offer for the same
// (rollup, index, prev_root) whenever its first is refused as "busy"
// (round_closed, slots_full) and it retries in the next round: the round
// number is in the signed bytes. A leader that answers round_closed once
// and then admits holds two offers signed by the caller for one slot:
// self-contained "equivocation" evidence (spec section 7) against an honest
// operator, which Q3 (MsgReportEquivocation) would turn into a slash.
func TestRedteam_R8_7_AHonestRetryIsNotEquivocation(t *testing.T) {
	// Fixed by defining equivocation on the batch, not the signed bytes: an
	// offer for the same batch in a later round (the round number, expiry
	// and leader differ) is a retry; two different batches for one slot are
	// equivocation.
	op, _, c := newLeader(t)
	l := op.leader
	ctx := context.Background()
	info, err := l.info()
	require.NoError(t, err)
	msg, o := c.batch(t, "ex", 1000, 1)
	o.Leader, o.Round, o.ExpiryHeight = info.Leader, info.Round, info.ExpiryHeight
	_, err = l.offer(ctx, signedOffer(t, c.key, o, msg))
	require.NoError(t, err)
	// The round ends without a bundle; the caller retries the same batch in
	// the next round.
	l.mu.Lock()
	l.round.state = roundAborted
	l.mu.Unlock()
	info2, err := l.info()
	require.NoError(t, err)
	require.NotEqual(t, info.Round, info2.Round)
	o.Round, o.ExpiryHeight = info2.Round, info2.ExpiryHeight
	_, err = l.offer(ctx, signedOffer(t, c.key, o, msg))
	require.NoError(t, err, "an honest retry of the same batch is admitted")
	require.Empty(t, l.evidenceList(), "an honest retry is no equivocation evidence")
	require.Zero(t, l.probation["pay"])
}

// R8-8: a destination builds on an intent whose exchange batch it never
// checks: verifyOffer checks the offer's signature, the submitter's
// operator status and the header against the attached batch, not the
// proof. Any operator of a leading peer's rollup signs an "exchange" offer
// for a made-up batch (garbage proof, outputs of its choosing to the
// destination), at no chain cost, and the destination builds a batch on
// entries that will never exist and holds its pipeline behind it until
// the round's expiry + keep_blocks; again, round after round.
func TestRedteam_R8_8_DestinationRefusesAnUnprovenExchangeBatch(t *testing.T) {
	fc := newFakeChain("pay", testParams)
	dk := secp256k1.GenPrivKey()
	fc.submitter = sdk.AccAddress(dk.PubKey().Address())
	fc.rollup.Operators = []string{fc.submitter.String()}
	xk := secp256k1.GenPrivKey() // an operator of the leading rollup "lx"
	acc := protocol.StateRootBytes(protocol.InboxAccumulatorGenesis())
	lx := types.Rollup{Id: "lx", StateRoot: bytes.Repeat([]byte{7}, 32), NextBatchIndex: 4, Status: types.ROLLUP_STATUS_ACTIVE,
		InboxAccumulator: acc, ConsumedAccumulator: acc, Operators: []string{sdk.AccAddress(xk.PubKey().Address()).String()}}
	fc.others = []string{"lx"}
	chain := &syncTestChain{fakeChain: fc, others: map[string]types.Rollup{"lx": lx}, key: dk}
	opts := testOptions()
	opts.Sync = &SyncOptions{Peers: map[string]SyncPeer{"lx": {URL: "http://127.0.0.1:1", Leads: true}}}
	fc.deposit(testKey(t, 1).Public, 1000, "unat")
	run := startAs(t, dbm.NewMemDB(), chain, opts)
	waitVerified(t, run.op, 1)

	x := caller{key: xk, rec: lx}
	msg, o := x.batch(t, "pay", 1000, 1) // a made-up batch of "lx" paying 1000 into "pay"
	msg.RollupId, o.RollupID = "lx", "lx"
	msg.Proof = []byte("not a proof")
	sum := sha256.Sum256(msg.Proof)
	o.ProofSHA256 = sum[:]
	height := run.op.follower.chainView().height
	o.Role, o.Leader, o.Round, o.ExpiryHeight = syncv1.RoleExchange, x.addr(), 3, height+8
	in := SyncIntent{Round: 3, ExpiryHeight: height + 8, Leader: x.addr(), LeaderRollup: "lx",
		Upstream: []SyncOfferRequest{signedOffer(t, xk, o, msg)}}
	ans, err := run.op.takeIntent(context.Background(), in)
	require.Error(t, err, "the destination built batch %d on an exchange batch with no valid proof", ans.BatchIndex)
}

// failingBundles is the test chain whose node refuses every bundle's
// simulation with err.
type failingBundles struct {
	*syncTestChain
	err error
}

func (c failingBundles) BuildBundle(context.Context, []*types.MsgSubmitBatch, map[string][]byte, uint64, string) ([]byte, uint64, error) {
	return nil, 0, c.err
}

// R8-10: after a failed simulation the leader puts on probation every
// caller whose rollup id followed by "/" appears anywhere in the error: a
// caller "usdc" is blamed for the failure of batch "payments-usdc/3".
func TestRedteam_R8_10_SimulationBlameIsExact(t *testing.T) {
	op, chain, _ := newLeader(t)
	l := op.leader
	l.bc = failingBundles{syncTestChain: chain, err: errors.New("simulation: bundle batch 2 (payments-usdc/3): invalid proof")}
	co := func(id string) *checkedOffer {
		return &checkedOffer{offer: syncv1.Offer{RollupID: id, Submitter: id + "-op"}, msg: &types.MsgSubmitBatch{RollupId: id}}
	}
	r := &leaderRound{id: 9, expiry: 50, state: roundIntents, callers: []*checkedOffer{co("usdc"), co("payments-usdc")},
		exchange: co("ex"), dests: map[string]*checkedOffer{}, sigs: map[string][]byte{}}
	l.mu.Lock()
	l.round = r
	l.mu.Unlock()
	require.Error(t, l.plan(context.Background(), r, 10))
	l.mu.Lock()
	defer l.mu.Unlock()
	require.NotZero(t, l.probation["payments-usdc"], "the failing batch's rollup is on probation")
	require.Zero(t, l.probation["usdc"], "caller usdc, whose batch did not fail, is on probation")
}

// R8-13: GET /v1/sync/round (anyone) opens a round, and a caller is
// admitted up to the round's last block, when the exchange batch cannot be
// built, proven, sent to destinations and signed before the expiry: the
// call waits out a round that cannot land.
func TestRedteam_R8_13_NoAdmissionIntoADoomedRound(t *testing.T) {
	op, _, c := newLeader(t)
	l := op.leader
	info, err := l.info() // an anonymous GET at height 5: the round expires at 15
	require.NoError(t, err)
	op.follower.mu.Lock()
	op.follower.height = info.ExpiryHeight - 1
	op.follower.mu.Unlock()
	msg, o := c.batch(t, "ex", 1000, 1)
	o.Leader, o.Round, o.ExpiryHeight = info.Leader, info.Round, info.ExpiryHeight
	_, err = l.offer(context.Background(), signedOffer(t, c.key, o, msg))
	require.Error(t, err, "a caller is admitted one block before the round expires")
}
