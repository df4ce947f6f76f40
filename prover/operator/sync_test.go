package operator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/syncv1"
	"github.com/nativechain/nativechain/x/rollups/types"
)

// The leader's side of a round, offer by offer, on a fake chain that
// knows the calling rollup too: what an offer must be to be placed, and
// each refusal with its code, leaving the round as it was
// (docs/spec/sync-calls.md 3.1, F7, F9; docs/adversarial.md, "Synchronous
// calls").

// syncTestChain is the fake chain of the leader's rollup ("ex") plus the
// records of other rollups, with a real secp256k1 key for the leader's
// offers. It builds no bundles; it "signs" any.
type syncTestChain struct {
	*fakeChain
	others map[string]types.Rollup
	key    *secp256k1.PrivKey
}

func (c *syncTestChain) Rollup(ctx context.Context, id string) (types.Rollup, error) {
	c.fakeChain.mu.Lock()
	r, ok := c.others[id]
	c.fakeChain.mu.Unlock()
	if ok {
		return r, nil
	}
	if id != c.fakeChain.rollup.Id {
		return types.Rollup{}, errors.New("unknown rollup")
	}
	return c.fakeChain.Rollup(ctx, id)
}

func (c *syncTestChain) SignArbitrary(msg []byte) ([]byte, []byte, error) {
	sig, err := c.key.Sign(msg)
	return sig, c.key.PubKey().Bytes(), err
}

var errNoBundles = errors.New("the test chain builds no bundles")

func (c *syncTestChain) BuildBundle(context.Context, []*types.MsgSubmitBatch, map[string][]byte, uint64, string) ([]byte, uint64, error) {
	return nil, 0, errNoBundles
}

// InspectBundle reads a bundle "transaction" as the JSON of its
// BundleInfo (the real decoding is chain_bundle.go's, tested there).
func (c *syncTestChain) InspectBundle(tx []byte) (BundleInfo, error) {
	var b BundleInfo
	err := json.Unmarshal(tx, &b)
	return b, err
}
func (c *syncTestChain) SignBundle(context.Context, []byte) ([]byte, error) {
	return []byte("signature"), nil
}

// VerifyBundleSignature takes the fake's own signature only.
func (c *syncTestChain) VerifyBundleSignature(_ context.Context, _ []byte, _ string, sig []byte) error {
	if string(sig) != "signature" {
		return ErrBundleSignature
	}
	return nil
}
func (c *syncTestChain) BroadcastBundle(context.Context, []byte, map[string][]byte) (string, error) {
	return "", errNoBundles
}

// caller is the operator of rollup "pay" offering its next batch.
type caller struct {
	key *secp256k1.PrivKey
	rec types.Rollup
}

func (c caller) addr() string { return sdk.AccAddress(c.key.PubKey().Address()).String() }

// batch is a proven batch of "pay" that sends amount to rollup dest, and
// its offer for the leader's round.
func (c caller) batch(t *testing.T, dest string, amount uint64, newRoot byte) (*types.MsgSubmitBatch, syncv1.Offer) {
	outbox, err := protocol.EncodeOutbox([]protocol.OutboxEntry{{Kind: protocol.OutboxKindCrossRollupMessage,
		Sender: bytes.Repeat([]byte{0xaa}, 64), Recipient: bytes.Repeat([]byte{0xbb}, 64), DestRollupID: dest,
		Denom: "unat", Amount: protocol.NewUint128(amount)}})
	require.NoError(t, err)
	msg := &types.MsgSubmitBatch{Submitter: c.addr(), RollupId: "pay", BatchIndex: c.rec.NextBatchIndex,
		NewStateRoot: bytes.Repeat([]byte{newRoot}, 32), Data: []byte("batch data"), InboxConsumed: 0, Outbox: outbox,
		Proof: []byte("a proof"), L2TxCount: 1}
	sum := sha256.Sum256(msg.Proof)
	o := syncv1.Offer{Version: 1, ChainID: "fake-1", Role: syncv1.RoleCaller, RollupID: "pay", BatchIndex: msg.BatchIndex,
		PrevStateRoot: c.rec.StateRoot, NewStateRoot: msg.NewStateRoot, DAHash: protocol.FieldElementBytes(protocol.DAHash(msg.Data)),
		InboxBefore: c.rec.ConsumedAccumulator, InboxAfter: c.rec.ConsumedAccumulator, InboxFrom: c.rec.InboxConsumed,
		L2TxCount: 1, Outbox: outbox, Submitter: c.addr(), ProofSHA256: sum[:]}
	return msg, o
}

func signedOffer(t *testing.T, key *secp256k1.PrivKey, o syncv1.Offer, msg *types.MsgSubmitBatch) SyncOfferRequest {
	enc, err := o.Encode()
	require.NoError(t, err)
	sb, err := o.SignBytes()
	require.NoError(t, err)
	sig, err := key.Sign(sb)
	require.NoError(t, err)
	bz, err := msg.Marshal()
	require.NoError(t, err)
	return SyncOfferRequest{Offer: enc, Signature: sig, PubKey: key.PubKey().Bytes(), Msg: bz}
}

// newLeader is a leading operator of "ex" (the payments kind stands in for
// the exchange: the leader's code is the kind's business only through
// BuildBatch) and a caller of "pay" that the chain knows.
func newLeader(t *testing.T) (*Operator, *syncTestChain, caller) {
	fc := newFakeChain("ex", testParams)
	lk := secp256k1.GenPrivKey()
	fc.submitter = sdk.AccAddress(lk.PubKey().Address())
	fc.rollup.Operators = []string{fc.submitter.String()}
	ck := secp256k1.GenPrivKey()
	acc := protocol.StateRootBytes(protocol.InboxAccumulatorGenesis())
	pay := types.Rollup{Id: "pay", StateRoot: bytes.Repeat([]byte{7}, 32), NextBatchIndex: 4, Status: types.ROLLUP_STATUS_ACTIVE,
		InboxAccumulator: acc, ConsumedAccumulator: acc, Operators: []string{sdk.AccAddress(ck.PubKey().Address()).String()}}
	chain := &syncTestChain{fakeChain: fc, others: map[string]types.Rollup{"pay": pay}, key: lk}
	opts := testOptions()
	opts.RollupID = "ex"
	opts.Sync = &SyncOptions{Lead: true, Peers: map[string]SyncPeer{}}
	op, err := Open(context.Background(), dbm.NewMemDB(), chain, NewInlineProver(&fakeProver{}), opts, false)
	require.NoError(t, err)
	op.follower.mu.Lock()
	op.follower.height = 5
	op.follower.mu.Unlock()
	return op, chain, caller{key: ck, rec: pay}
}

func TestSyncLeader_OfferPlacedOnceAndRefusals(t *testing.T) {
	op, chain, c := newLeader(t)
	l := op.leader
	info, err := l.info()
	require.NoError(t, err)
	require.Equal(t, int64(15), info.ExpiryHeight) // height 5 + round_blocks 10
	ctx := context.Background()
	inRound := func(o syncv1.Offer) syncv1.Offer {
		o.Leader, o.Round, o.ExpiryHeight = info.Leader, info.Round, info.ExpiryHeight
		return o
	}

	msg, o := c.batch(t, "ex", 1000, 1)
	good := signedOffer(t, c.key, inRound(o), msg)
	ans, err := l.offer(ctx, good)
	require.NoError(t, err)
	require.Equal(t, []uint64{0}, ans.Placement, "the first entry of ex's empty inbox")
	again, err := l.offer(ctx, good)
	require.NoError(t, err, "the same offer again is answered, not refused")
	require.Equal(t, ans, again)
	require.Len(t, l.round.callers, 1, "an offer posted twice is placed once")

	other := secp256k1.GenPrivKey()
	tamper := func(f func(*syncv1.Offer, *types.MsgSubmitBatch)) SyncOfferRequest {
		m, of := c.batch(t, "ex", 1000, 2)
		of = inRound(of)
		f(&of, m)
		return signedOffer(t, c.key, of, m)
	}
	cases := []struct {
		name string
		req  SyncOfferRequest
		code string
	}{
		{"bytes that are no offer", SyncOfferRequest{Offer: []byte("nope"), Msg: good.Msg}, CodeOfferMalformed},
		{"signed by another key", func() SyncOfferRequest {
			m, of := c.batch(t, "ex", 1000, 2)
			r := signedOffer(t, other, inRound(of), m)
			return r
		}(), CodeBadSignature},
		{"signed by a key that is not pay's operator", func() SyncOfferRequest {
			m, of := c.batch(t, "ex", 1000, 2)
			of = inRound(of)
			addr := sdk.AccAddress(other.PubKey().Address()).String()
			of.Submitter, m.Submitter = addr, addr
			return signedOffer(t, other, of, m)
		}(), CodeNotOperator},
		{"another chain", tamper(func(o *syncv1.Offer, _ *types.MsgSubmitBatch) { o.ChainID = "other-1" }), CodeOfferStale},
		{"expired", tamper(func(o *syncv1.Offer, _ *types.MsgSubmitBatch) { o.ExpiryHeight = 5 }), CodeOfferStale},
		{"another leader", tamper(func(o *syncv1.Offer, _ *types.MsgSubmitBatch) { o.Leader = c.addr() }), CodeOfferStale},
		{"a closed round", tamper(func(o *syncv1.Offer, _ *types.MsgSubmitBatch) { o.Round = info.Round - 1 }), CodeRoundClosed},
		{"a batch the chain is past", tamper(func(o *syncv1.Offer, m *types.MsgSubmitBatch) { o.BatchIndex, m.BatchIndex = 3, 3 }), CodeOfferStale},
		{"not built on the chain's root", tamper(func(o *syncv1.Offer, _ *types.MsgSubmitBatch) { o.PrevStateRoot = bytes.Repeat([]byte{9}, 32) }), CodeOfferStale},
		{"header's new root is not the batch's", tamper(func(o *syncv1.Offer, _ *types.MsgSubmitBatch) { o.NewStateRoot = bytes.Repeat([]byte{3}, 32) }), CodeOfferMismatch},
		{"header's outbox is not the batch's", tamper(func(_ *syncv1.Offer, m *types.MsgSubmitBatch) { m.Outbox = nil }), CodeOfferMismatch},
		{"header's DA hash is not the batch's", tamper(func(_ *syncv1.Offer, m *types.MsgSubmitBatch) { m.Data = []byte("other data") }), CodeOfferMismatch},
		{"header's proof is not the batch's", tamper(func(_ *syncv1.Offer, m *types.MsgSubmitBatch) { m.Proof = []byte("another proof") }), CodeOfferMismatch},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := l.offer(ctx, tc.req)
			require.Equal(t, tc.code, codeOf(err), "%v", err)
			require.Len(t, l.round.callers, 1, "a refused offer changes nothing")
		})
	}

	// A second, different offer signed for the same batch slot is
	// equivocation: refused, kept as evidence, and the rollup is on
	// probation.
	m2, o2 := c.batch(t, "ex", 2000, 2)
	_, err = l.offer(ctx, signedOffer(t, c.key, inRound(o2), m2))
	require.Equal(t, CodeEquivocation, codeOf(err), "%v", err)
	require.Len(t, l.evidenceList(), 1)
	ev := l.evidenceList()[0]
	require.Equal(t, "pay", ev.RollupID)
	require.Equal(t, good.Offer, ev.First.Offer)
	_, err = l.offer(ctx, good)
	require.NoError(t, err, "the first offer is still answered as before")
	require.Len(t, l.round.callers, 1)
	_ = chain
}

func TestSyncLeader_RefusesWhatWouldBounce(t *testing.T) {
	op, chain, c := newLeader(t)
	info, err := op.leader.info()
	require.NoError(t, err)
	for name, setup := range map[string]func(){
		"a message to a rollup that does not exist": func() {},
		"a message to a frozen rollup": func() {
			chain.fakeChain.mu.Lock()
			chain.others["gone"] = types.Rollup{Id: "gone", Status: types.ROLLUP_STATUS_FROZEN,
				InboxAccumulator: bytes.Repeat([]byte{0}, 32)}
			chain.fakeChain.mu.Unlock()
		},
	} {
		t.Run(name, func(t *testing.T) {
			setup()
			msg, o := c.batch(t, "gone", 1000, 1)
			o.Leader, o.Round, o.ExpiryHeight = info.Leader, info.Round, info.ExpiryHeight
			_, err := op.leader.offer(context.Background(), signedOffer(t, c.key, o, msg))
			require.Equal(t, CodeWouldBounce, codeOf(err), "%v", err)
			require.Empty(t, op.leader.round.callers)
		})
	}
	// A batch that sends the exchange nothing is no caller's.
	msg, o := c.batch(t, "ex", 1000, 1)
	o.Leader, o.Round, o.ExpiryHeight = info.Leader, info.Round, info.ExpiryHeight
	ent, err := protocol.EncodeOutbox(nil)
	require.NoError(t, err)
	msg.Outbox, o.Outbox = ent, ent
	_, err = op.leader.offer(context.Background(), signedOffer(t, c.key, o, msg))
	require.Equal(t, CodeOfferMismatch, codeOf(err), "%v", err)
}

// The round's predictor knows the leader's peers: the exchange batch's
// outputs go to a destination no caller names, and the predictor must not
// read it as unknown (a bounce), or the round plans without destinations
// (found by tests/system/sync_call_test.go: the credit landed 5 blocks
// after the bundle instead of in it).
func TestSyncLeader_PredictorKnowsThePeers(t *testing.T) {
	op, chain, _ := newLeader(t)
	chain.fakeChain.mu.Lock()
	chain.others["dest"] = types.Rollup{Id: "dest", Status: types.ROLLUP_STATUS_ACTIVE, InboxSize: 3,
		InboxAccumulator: protocol.StateRootBytes(protocol.InboxAccumulatorGenesis())}
	chain.fakeChain.mu.Unlock()
	op.leader.so.Peers["dest"] = SyncPeer{URL: "http://127.0.0.1:1"}
	p, err := op.leader.predict(context.Background(), nil)
	require.NoError(t, err)
	out := []protocol.OutboxEntry{{Kind: protocol.OutboxKindCrossRollupMessage, Sender: bytes.Repeat([]byte{0xaa}, 64),
		Recipient: bytes.Repeat([]byte{0xbb}, 64), DestRollupID: "dest", Denom: "uusdc", Amount: protocol.NewUint128(5)}}
	require.NoError(t, p.Apply("ex", out), "an output to a peer is routed, not bounced")
	tail := p.Tail("dest")
	require.Len(t, tail, 1)
	require.Equal(t, uint64(3), tail[0].Sequence)
}

func TestCheckBundle_WhatAMemberSigns(t *testing.T) {
	own := &types.MsgSubmitBatch{RollupId: "usdc", BatchIndex: 3, Submitter: "dave", Proof: []byte("p")}
	up1 := &types.MsgSubmitBatch{RollupId: "pay", BatchIndex: 9, Submitter: "carol", Proof: []byte("q")}
	up2 := &types.MsgSubmitBatch{RollupId: "ex", BatchIndex: 2, Submitter: "erin", Proof: []byte("r")}
	bz := func(m *types.MsgSubmitBatch) []byte { b, _ := m.Marshal(); return b }
	mark := &syncMark{Role: syncRoleDestination, Leader: "erin", ExpiryHeight: 20, Upstream: [][]byte{bz(up1), bz(up2)}}
	good := func() BundleInfo {
		return BundleInfo{Batches: []*types.MsgSubmitBatch{up1, up2, own}, FeePayer: "erin", TimeoutHeight: 20}
	}
	require.NoError(t, checkBundle(good(), own, mark, "dave"))
	altered := *own
	altered.Proof = []byte("other")
	swapped := []*types.MsgSubmitBatch{up2, up1, own}
	changedUp := *up2
	changedUp.NewStateRoot = []byte{1}
	for name, f := range map[string]func(*BundleInfo){
		"another message beside the bundle": func(b *BundleInfo) { b.OtherMsgs = 1 },
		"paid by the member":                func(b *BundleInfo) { b.FeePayer = "dave" },
		"a fee granter":                     func(b *BundleInfo) { b.FeeGranter = "dave" },
		"unordered":                         func(b *BundleInfo) { b.Unordered = true },
		"extension options":                 func(b *BundleInfo) { b.Extensions = 1 },
		"no timeout":                        func(b *BundleInfo) { b.TimeoutHeight = 0 },
		"a timeout past the round":          func(b *BundleInfo) { b.TimeoutHeight = 21 },
		"its batch changed":                 func(b *BundleInfo) { b.Batches[2] = &altered },
		"its batch missing":                 func(b *BundleInfo) { b.Batches = b.Batches[:2] },
		"its batch twice":                   func(b *BundleInfo) { b.Batches = append(b.Batches, own) },
		"upstream batches out of order":     func(b *BundleInfo) { b.Batches = swapped },
		"an upstream batch changed":         func(b *BundleInfo) { b.Batches[1] = &changedUp },
		"an upstream batch after it":        func(b *BundleInfo) { b.Batches = []*types.MsgSubmitBatch{up1, own, up2} },
	} {
		t.Run(name, func(t *testing.T) {
			b := good()
			f(&b)
			require.ErrorIs(t, checkBundle(b, own, mark, "dave"), errBundleRefused)
		})
	}
}

// A round nobody offered into does not keep its old expiry: a caller that
// comes late gets a fresh round with its full life.
func TestSyncLeader_EmptyStaleRoundIsRenewed(t *testing.T) {
	op, _, _ := newLeader(t)
	first, err := op.leader.info()
	require.NoError(t, err)
	op.follower.mu.Lock()
	op.follower.height = first.ExpiryHeight - 2
	op.follower.mu.Unlock()
	again, err := op.leader.info()
	require.NoError(t, err)
	require.Greater(t, again.Round, first.Round)
	require.Equal(t, first.ExpiryHeight-2+op.opts.Sync.RoundBlocks, again.ExpiryHeight)
}
