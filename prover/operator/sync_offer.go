package operator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/syncv1"
	"github.com/nativechain/nativechain/x/rollups/types"
	"github.com/nativechain/nativechain/x/rollups/verifier"
)

// Wire forms of the sync endpoints (docs/operator-api.md, "Synchronous
// calls"). Byte fields are base64 in JSON.

// SyncOfferRequest is a signed offer with the batch it describes: POST
// /v1/sync/offers, and each upstream batch of an intent.
type SyncOfferRequest struct {
	Offer     []byte `json:"offer"` // syncv1 encoding
	Signature []byte `json:"signature"`
	PubKey    []byte `json:"pubkey"` // compressed secp256k1
	Msg       []byte `json:"msg"`    // the MsgSubmitBatch, protobuf
}

// SyncOfferAnswer is the leader's answer to an admitted offer.
type SyncOfferAnswer struct {
	Round        uint64 `json:"round"`
	ExpiryHeight int64  `json:"expiry_height"`
	Leader       string `json:"leader"`
	// Placement: the exchange inbox sequences the offer's messages to the
	// exchange will have if the bundle lands.
	Placement []uint64 `json:"placement,omitempty"`
}

// SyncRoundInfo is GET /v1/sync/round: the round offers go into now.
type SyncRoundInfo struct {
	Round        uint64 `json:"round"`
	ExpiryHeight int64  `json:"expiry_height"`
	Leader       string `json:"leader"`
	RollupID     string `json:"rollup_id"`
}

// SyncRoundView is GET /v1/sync/rounds/{r}.
type SyncRoundView struct {
	Round        uint64            `json:"round"`
	State        string            `json:"state"`
	ExpiryHeight int64             `json:"expiry_height"`
	Reason       string            `json:"reason,omitempty"`
	Members      []SyncMemberView  `json:"members,omitempty"`
	Tx           []byte            `json:"tx,omitempty"` // the unsigned bundle, while signatures are gathered
	BundleTx     string            `json:"bundle_tx,omitempty"`
	Height       int64             `json:"height,omitempty"`
	Signed       map[string]bool   `json:"signed,omitempty"`
	Placements   map[string]uint64 `json:"-"`
}

// SyncMemberView is one batch of a round.
type SyncMemberView struct {
	Role       string `json:"role"`
	RollupID   string `json:"rollup_id"`
	BatchIndex uint64 `json:"batch_index"`
	Submitter  string `json:"submitter"`
}

// SyncSignature is POST /v1/sync/rounds/{r}/signatures.
type SyncSignature struct {
	Signer    string `json:"signer"`
	Signature []byte `json:"signature"`
}

// SyncIntent is POST /v1/sync/intents: the leader asks a destination to
// build on what the round's batches will route to it. Upstream are the
// bundle's batches before the destination's, in bundle order, each with
// its signed offer.
type SyncIntent struct {
	Round        uint64             `json:"round"`
	ExpiryHeight int64              `json:"expiry_height"`
	Leader       string             `json:"leader"`
	LeaderRollup string             `json:"leader_rollup"`
	Upstream     []SyncOfferRequest `json:"upstream"`
}

// SyncIntentAnswer: the batch the destination built for the round.
type SyncIntentAnswer struct {
	BatchIndex uint64 `json:"batch_index"`
}

// SyncEvidence is two offers signed by one key for one batch slot
// (rollup, index, previous root) that differ: equivocation.
type SyncEvidence struct {
	RollupID   string           `json:"rollup_id"`
	BatchIndex uint64           `json:"batch_index"`
	Submitter  string           `json:"submitter"`
	First      SyncOfferRequest `json:"first"`
	Second     SyncOfferRequest `json:"second"`
}

// offerFor is this operator's offer for its batch r in a round.
func (e *env) offerFor(r batchRecord, role syncv1.Role, leader string, round uint64, expiry int64) syncv1.Offer {
	o := syncv1.Offer{
		Version: 1, ChainID: e.chainID, Leader: leader, Round: round, ExpiryHeight: expiry, Role: role,
		RollupID: e.opts.RollupID, BatchIndex: r.Index, PrevStateRoot: r.PrevRoot, NewStateRoot: r.NewRoot,
		DAHash: protocol.FieldElementBytes(protocol.DAHash(r.Data)), InboxBefore: r.InboxBefore, InboxAfter: r.InboxAfter,
		InboxFrom: r.InboxFrom, InboxConsumed: r.InboxConsumed, L2TxCount: r.L2TxCount, Outbox: r.Outbox,
		Submitter: sdk.AccAddress(e.address).String(),
	}
	sum := sha256.Sum256(r.Proof)
	o.ProofSHA256 = sum[:]
	if r.Sync != nil {
		for _, p := range r.Sync.Provisional {
			o.Provisional = append(o.Provisional, syncv1.EntryRef{Sequence: p.Sequence, EntryHash: p.Hash})
		}
	}
	if e.opts.Sync != nil && e.opts.Sync.Fault == SyncFaultMismatch && role == syncv1.RoleCaller {
		o.NewStateRoot = bytes.Repeat([]byte{0x01}, 32) // a lie about the batch (system tests)
	}
	return o
}

// signOffer signs o with the submitter's key and attaches msg.
func (e *env) signOffer(o syncv1.Offer, msg *types.MsgSubmitBatch) (SyncOfferRequest, error) {
	bc, ok := e.chain.(bundleChain)
	if !ok {
		return SyncOfferRequest{}, errSyncUnsupported
	}
	enc, err := o.Encode()
	if err != nil {
		return SyncOfferRequest{}, err
	}
	sb, err := o.SignBytes()
	if err != nil {
		return SyncOfferRequest{}, err
	}
	sig, pub, err := bc.SignArbitrary(sb)
	if err != nil {
		return SyncOfferRequest{}, err
	}
	bz, err := msg.Marshal()
	if err != nil {
		return SyncOfferRequest{}, err
	}
	return SyncOfferRequest{Offer: enc, Signature: sig, PubKey: pub, Msg: bz}, nil
}

// checkedOffer is an offer whose signature, batch and chain facts were
// checked (verifyOffer).
type checkedOffer struct {
	req    SyncOfferRequest
	offer  syncv1.Offer
	id     [32]byte
	msg    *types.MsgSubmitBatch
	outbox []protocol.OutboxEntry
}

// verifyOffer authenticates a signed offer and checks it against the
// batch it carries and the chain: signed by its submitter, an operator of
// the rollup; every header field the batch's; for this chain, not expired,
// not for a batch the chain is past, and, when the batch is the rollup's
// next, built on the chain's root and inbox. Refusals are APIErrors with
// the codes of docs/operator-api.md.
func (e *env) verifyOffer(ctx context.Context, req SyncOfferRequest, height int64) (*checkedOffer, error) {
	o, err := syncv1.DecodeOffer(req.Offer)
	if err != nil {
		return nil, apiErr(CodeOfferMalformed, "%v", err)
	}
	sb, err := o.SignBytes()
	if err != nil {
		return nil, apiErr(CodeOfferMalformed, "%v", err)
	}
	signer, err := VerifyArbitrary(req.PubKey, sb, req.Signature)
	if err != nil {
		return nil, apiErr(CodeBadSignature, "%v", err)
	}
	if signer != o.Submitter {
		return nil, apiErr(CodeBadSignature, "signed by %s, the offer names submitter %s", signer, o.Submitter)
	}
	if o.ChainID != e.chainID {
		return nil, apiErr(CodeOfferStale, "offer for chain %q, this is %q", o.ChainID, e.chainID)
	}
	if o.ExpiryHeight <= height {
		return nil, apiErr(CodeOfferStale, "offer expired at height %d (chain at %d)", o.ExpiryHeight, height)
	}
	msg := new(types.MsgSubmitBatch)
	if err := msg.Unmarshal(req.Msg); err != nil {
		return nil, apiErr(CodeOfferMismatch, "the batch message does not decode: %v", err)
	}
	if why := offerMatches(o, msg); why != "" {
		return nil, apiErr(CodeOfferMismatch, "the offer does not describe its batch: %s", why)
	}
	outbox, err := protocol.DecodeOutbox(msg.Outbox)
	if err != nil {
		return nil, apiErr(CodeOfferMismatch, "the batch's outbox does not decode: %v", err)
	}
	r, err := e.chain.Rollup(ctx, o.RollupID)
	if err != nil {
		return nil, apiErr(CodeOfferStale, "rollup %q: %v", o.RollupID, err)
	}
	isOp := false
	for _, op := range r.Operators {
		isOp = isOp || op == o.Submitter
	}
	if !isOp {
		return nil, apiErr(CodeNotOperator, "%s is not an operator of %s", o.Submitter, o.RollupID)
	}
	if o.BatchIndex < r.NextBatchIndex {
		return nil, apiErr(CodeOfferStale, "batch %d of %s: the chain is at %d", o.BatchIndex, o.RollupID, r.NextBatchIndex)
	}
	if o.BatchIndex == r.NextBatchIndex && (!bytes.Equal(o.PrevStateRoot, r.StateRoot) || !bytes.Equal(o.InboxBefore, r.ConsumedAccumulator) ||
		o.InboxFrom != r.InboxConsumed) {
		return nil, apiErr(CodeOfferStale, "batch %d of %s is not built on the chain's state root and inbox", o.BatchIndex, o.RollupID)
	}
	sb2, _ := o.SignBytes()
	return &checkedOffer{req: req, offer: o, id: sha256.Sum256(sb2), msg: msg, outbox: outbox}, nil
}

// offerMatches says how an offer's header differs from its batch ("" if
// it does not).
func offerMatches(o syncv1.Offer, m *types.MsgSubmitBatch) string {
	sum := sha256.Sum256(m.Proof)
	switch {
	case o.RollupID != m.RollupId:
		return "rollup id"
	case o.BatchIndex != m.BatchIndex:
		return "batch index"
	case o.Submitter != m.Submitter:
		return "submitter"
	case !bytes.Equal(o.NewStateRoot, m.NewStateRoot):
		return "new state root"
	case !matchesDAHash(m.Data, o.DAHash):
		return "DA hash"
	case !bytes.Equal(o.Outbox, m.Outbox):
		return "outbox"
	case o.InboxConsumed != m.InboxConsumed:
		return "inbox consumed"
	case o.L2TxCount != m.L2TxCount:
		return "L2 transaction count"
	case !bytes.Equal(o.ProofSHA256, sum[:]):
		return "proof"
	}
	return ""
}

// provisionalMatch says whether an offer consumes exactly the predicted
// entries as its provisional ones.
func provisionalMatch(o syncv1.Offer, predicted []protocol.InboxEntry) error {
	if len(o.Provisional) == 0 || len(o.Provisional) > len(predicted) {
		return fmt.Errorf("the batch consumes %d provisional entries, %d are predicted", len(o.Provisional), len(predicted))
	}
	for i, p := range o.Provisional {
		if p.Sequence != predicted[i].Sequence || !bytes.Equal(p.EntryHash, entryHash(predicted[i])) {
			return fmt.Errorf("provisional entry %d (sequence %d) is not the predicted one", i, p.Sequence)
		}
	}
	return nil
}

// verifyBatchProof checks an offer's proof against its rollup's verifying
// key on the chain (or its pending one) and the commitment the chain will
// compute from the offer's header, which verifyOffer matched to the batch.
func (e *env) verifyBatchProof(ctx context.Context, co *checkedOffer) error {
	o := co.offer
	r, err := e.chain.Rollup(ctx, o.RollupID)
	if err != nil {
		return apiErr(CodeOfferStale, "rollup %q: %v", o.RollupID, err)
	}
	submitter, err := sdk.AccAddressFromBech32(o.Submitter)
	if err != nil {
		return apiErr(CodeOfferMismatch, "submitter: %v", err)
	}
	var f [5]fr.Element
	for i, b := range [][]byte{o.PrevStateRoot, o.NewStateRoot, o.DAHash, o.InboxBefore, o.InboxAfter} {
		if f[i], err = protocol.ParseFieldElement(b); err != nil {
			return apiErr(CodeOfferMismatch, "header field %d: %v", i, err)
		}
	}
	c := protocol.BatchCommitment{ChainID: e.chainID, RollupID: o.RollupID, BatchIndex: o.BatchIndex,
		PrevStateRoot: f[0], NewStateRoot: f[1], DAHash: f[2], InboxBefore: f[3], InboxAfter: f[4],
		OutboxHash: protocol.OutboxHash(co.outbox), L2TxCount: o.L2TxCount, Submitter: submitter}
	inputs, err := c.PublicInputs()
	if err != nil {
		return apiErr(CodeOfferMismatch, "commitment: %v", err)
	}
	proof, err := verifier.ParseProof(co.msg.Proof)
	if err != nil {
		return apiErr(CodeOfferMismatch, "proof: %v", err)
	}
	// The inbox range it consumes from the chain (the part before any
	// provisional entries) ends at the chain's accumulator there.
	if len(o.Provisional) == 0 && o.BatchIndex == r.NextBatchIndex {
		if err := e.inboxAfterOnChain(ctx, o, r); err != nil {
			return err
		}
	}
	// The key in force when it lands: the current one, or a pending one
	// due by the round's expiry (then the only one once due now).
	keys := [][]byte{r.VerifyingKey}
	if p := r.PendingVerifyingKey; p != nil && p.ActivationHeight <= o.ExpiryHeight {
		if height, herr := e.chain.Height(ctx); herr == nil && p.ActivationHeight <= height+1 {
			keys = nil
		}
		keys = append(keys, p.VerifyingKey)
	}
	for _, bz := range keys {
		vk, err := verifier.ValidateVerifyingKey(bz, int(protocol.MaxVerifyingKeyBytes), protocol.BatchPublicInputs)
		if err == nil && verifier.Verify(vk, proof, inputs) == nil {
			return nil
		}
	}
	return apiErr(CodeOfferMismatch, "the proof of batch %d of %s does not verify against the rollup's verifying key", o.BatchIndex, o.RollupID)
}

// inboxAfterOnChain checks an offer's InboxAfter against the chain's
// accumulator after the entries it consumes (all of them on the chain).
func (e *env) inboxAfterOnChain(ctx context.Context, o syncv1.Offer, r types.Rollup) error {
	end := o.InboxFrom + o.InboxConsumed
	var want []byte
	switch {
	case end > r.InboxSize:
		return apiErr(CodeOfferMismatch, "batch %d of %s consumes inbox entries up to %d, the chain holds %d", o.BatchIndex, o.RollupID, end, r.InboxSize)
	case o.InboxConsumed == 0:
		want = o.InboxBefore
	case end == r.InboxSize:
		want = r.InboxAccumulator
	default:
		msgs, err := e.chain.Inbox(ctx, o.RollupID, end-1, 1)
		if err != nil || len(msgs) != 1 {
			return apiErr(CodeOfferStale, "inbox entry %d of %s: %v", end-1, o.RollupID, err)
		}
		want = msgs[0].Accumulator
	}
	if !bytes.Equal(o.InboxAfter, want) {
		return apiErr(CodeOfferMismatch, "batch %d of %s does not end at the chain's inbox accumulator", o.BatchIndex, o.RollupID)
	}
	return nil
}
