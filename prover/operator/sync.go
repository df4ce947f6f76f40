package operator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	curve "github.com/consensys/gnark-crypto/ecc/bn254"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"

	"github.com/nativechain/nativechain/x/rollups/types"
)

// Synchronous cross-rollup calls (docs/spec/sync-calls.md, sync-v1): the
// operators of a calling rollup, an exchange rollup and a destination
// rollup put one batch each into one MsgSubmitBundle, so a user's debit,
// the swap and the credit land at one height. The exchange's operator
// leads (sync_leader.go); callers and destinations are members
// (sync_member.go). Every member's batch is also valid alone once the
// batches before it landed, so when a round fails each member submits its
// own batch (the asynchronous path) and no value is lost or duplicated.
//
// The roles are per batch: a batch whose outbox sends a message to a
// rollup of Sync.Peers that leads is a caller batch; a batch built on the
// inbox entries a leader's intent predicts is a destination batch; the
// leader's own batch of a round is the exchange batch.

// SyncOptions configure synchronous calls (operator.json "sync").
type SyncOptions struct {
	// Lead: this operator leads rounds for its rollup (the exchange).
	Lead bool
	// Peers are the operators of the rollups this one composes with, by
	// rollup id: a caller offers its batches to the leader of the rollup it
	// calls; a leader sends intents to the destinations; a destination
	// answers the leader.
	Peers map[string]SyncPeer
	// RoundBlocks is a round's life, from its opening to the last height
	// its bundle may land at (the bundle's timeout_height).
	RoundBlocks int64
	// OfferWindow is how long a leader takes offers after the first one
	// before it builds the round's exchange batch.
	OfferWindow time.Duration
	// KeepBlocks: a speculative batch whose provisional inbox entries are
	// still not on the chain this many blocks after its round's expiry is
	// discarded and its transactions go back to the mempool.
	KeepBlocks int64
	// MaxCallers bounds the caller batches of one round (the bundle also
	// carries the exchange's batch and the destinations').
	MaxCallers int
	// ProbationRounds: a member that fails a round (offers and does not
	// sign, or its batch fails the bundle) has its offers refused for this
	// many rounds.
	ProbationRounds uint64
	// Fault makes this operator misbehave on purpose, for the system tests
	// of the failure paths only (`operator start` reads it from the
	// environment variable NATIVECHAIN_SYNC_FAULT and logs a warning):
	// "withhold" (a leader never plans), "corrupt_proof" (a leader's
	// batch carries a bad proof in the bundle), "mismatch" (a caller's
	// offer names another new state root than its batch).
	Fault string
	// Client is the HTTP client for the peers (nil: a 10 s timeout one).
	Client *http.Client
}

// SyncPeer is another rollup's operator.
type SyncPeer struct {
	// URL is its operator API.
	URL string
	// Leads: it leads rounds (an exchange); a batch of this operator that
	// sends it a message is offered to it.
	Leads bool
}

// Sync fault names (SyncOptions.Fault).
const (
	SyncFaultWithhold     = "withhold"
	SyncFaultCorruptProof = "corrupt_proof"
	SyncFaultMismatch     = "mismatch"
)

// wrongProof returns a proof that parses (every point canonical, on the
// curve, in the subgroup) but does not verify: Krs moved by the G1
// generator. The "corrupt_proof" fault sends it, so that the failure the
// system test sees is always the pairing check, never the encoding (a
// flipped byte makes either, by chance).
func wrongProof(proof []byte) ([]byte, error) {
	var p groth16bn254.Proof
	if _, err := p.ReadFrom(bytes.NewReader(proof)); err != nil {
		return nil, err
	}
	_, _, g1, _ := curve.Generators()
	p.Krs.Add(&p.Krs, &g1)
	var out bytes.Buffer
	if _, err := p.WriteTo(&out); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func (o SyncOptions) withDefaults() SyncOptions {
	if o.RoundBlocks <= 0 {
		o.RoundBlocks = 10
	}
	if o.OfferWindow <= 0 {
		o.OfferWindow = time.Second
	}
	if o.KeepBlocks <= 0 {
		o.KeepBlocks = 20
	}
	if o.MaxCallers <= 0 {
		o.MaxCallers = 4
	}
	if o.ProbationRounds == 0 {
		o.ProbationRounds = 10
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
	return o
}

func (o SyncOptions) validate() error {
	switch o.Fault {
	case "", SyncFaultWithhold, SyncFaultCorruptProof, SyncFaultMismatch:
	default:
		return fmt.Errorf("operator: unknown sync fault %q", o.Fault)
	}
	if o.RoundBlocks < 4 {
		return fmt.Errorf("operator: sync round_blocks %d: want at least 4", o.RoundBlocks)
	}
	return nil
}

// Sync roles of a batch (syncMark.Role).
const (
	syncRoleCaller      = "caller"
	syncRoleExchange    = "exchange"
	syncRoleDestination = "destination"
)

// Sync states of a member's batch (syncMark.State).
const (
	syncPending = ""        // a caller batch not offered yet; a destination batch not offered yet
	syncOffered = "offered" // the leader placed it in a round
	syncSigned  = "signed"  // this operator signed the round's bundle
	syncSolo    = "solo"    // the round is over without a bundle: the batch goes alone
)

// syncMark is what a batch record keeps about its part in a round.
type syncMark struct {
	Role   string `json:"role"`
	State  string `json:"state,omitempty"`
	Round  uint64 `json:"round,omitempty"`
	Leader string `json:"leader,omitempty"` // the leader's bech32 address
	// LeaderRollup is the rollup the leader runs (its URL is in Peers).
	LeaderRollup string `json:"leader_rollup,omitempty"`
	ExpiryHeight int64  `json:"expiry_height,omitempty"`
	// Provisional are the inbox entries the batch consumes that were not on
	// the chain when it was built: (sequence, entry hash).
	Provisional []provisionalRef `json:"provisional,omitempty"`
	// Upstream are the bundle's batches before this one that it was built
	// on (MsgSubmitBatch, protobuf), for the check before signing.
	Upstream [][]byte `json:"upstream,omitempty"`
	BundleTx string   `json:"bundle_tx,omitempty"`
	Reason   string   `json:"reason,omitempty"`
}

type provisionalRef struct {
	Sequence uint64 `json:"sequence"`
	Hash     []byte `json:"hash"`
}

// SyncTxStatus is a transaction's part in a round (GET /v1/tx/{id}).
type SyncTxStatus struct {
	State        string `json:"state"`
	Round        uint64 `json:"round,omitempty"`
	Leader       string `json:"leader,omitempty"`
	ExpiryHeight int64  `json:"expiry_height,omitempty"`
	BundleTx     string `json:"bundle_tx,omitempty"`
	Reason       string `json:"reason,omitempty"`
}

// BundleInfo is what a member reads from a bundle transaction before it
// signs (CometChain.InspectBundle).
type bundleChain interface {
	// SignArbitrary signs domain-separated bytes (an offer) with the
	// submitter's key; it returns the signature and the compressed
	// secp256k1 public key.
	SignArbitrary(msg []byte) (sig, pubKey []byte, err error)
	// BuildBundle is the unsigned bundle transaction (this operator pays
	// the fee), simulated on the node.
	BuildBundle(ctx context.Context, batches []*types.MsgSubmitBatch, pubKeys map[string][]byte, timeoutHeight uint64, memo string) ([]byte, uint64, error)
	InspectBundle(txBytes []byte) (BundleInfo, error)
	SignBundle(ctx context.Context, txBytes []byte) ([]byte, error)
	// VerifyBundleSignature checks one member's signature of the bundle.
	VerifyBundleSignature(ctx context.Context, txBytes []byte, signer string, sig []byte) error
	BroadcastBundle(ctx context.Context, txBytes []byte, sigs map[string][]byte) (string, error)
}

// errSyncUnsupported: the chain client cannot sign or build bundles.
var errSyncUnsupported = errors.New("operator: synchronous calls need a chain client that builds and signs bundles")
