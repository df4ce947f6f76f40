package proof

import (
	"context"

	sdkmath "cosmossdk.io/math"

	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Prover reads bridge state from an untrusted node and accepts it only
// with a proof against an app hash from Roots.
type Prover struct {
	Node  Node
	Roots AppHashSource
}

// Proven is a store value (or its absence) verified against AppHash.
type Proven struct {
	Result
	AppHash []byte
}

// Absent reports that the proof is one of absence: the key is not in the store.
func (p Proven) Absent() bool { return len(p.Value) == 0 }

// Prove queries key in storeName at height (<= 0: the latest provable
// height), gets the trusted app hash of that height and verifies the proof.
func (p Prover) Prove(ctx context.Context, storeName string, key []byte, height int64) (Proven, error) {
	res, err := Query(ctx, p.Node, storeName, key, height)
	if err != nil {
		return Proven{}, err
	}
	appHash, err := p.Roots.AppHash(ctx, res.Height)
	if err != nil {
		return Proven{}, err
	}
	if err := Verify(appHash, storeName, key, res.Value, res.ProofOps); err != nil {
		return Proven{}, err
	}
	return Proven{Result: res, AppHash: appHash}, nil
}

// InboxMessage proves inbox entry seq of a rollup. A nil message comes with
// a proof that no such entry exists at that height.
func (p Prover) InboxMessage(ctx context.Context, rollupID string, seq uint64, height int64) (*rollupstypes.InboxMessage, Proven, error) {
	key, err := InboxKey(rollupID, seq)
	if err != nil {
		return nil, Proven{}, err
	}
	pr, err := p.Prove(ctx, RollupsStore, key, height)
	if err != nil || pr.Absent() {
		return nil, pr, err
	}
	msg, err := DecodeInboxMessage(pr.Value)
	if err != nil {
		return nil, pr, err
	}
	return &msg, pr, nil
}

// Rollup proves a rollup record. A nil rollup comes with a proof that the
// rollup is not registered at that height.
func (p Prover) Rollup(ctx context.Context, rollupID string, height int64) (*rollupstypes.Rollup, Proven, error) {
	key, err := RollupKey(rollupID)
	if err != nil {
		return nil, Proven{}, err
	}
	pr, err := p.Prove(ctx, RollupsStore, key, height)
	if err != nil || pr.Absent() {
		return nil, pr, err
	}
	r, err := DecodeRollup(pr.Value)
	if err != nil {
		return nil, pr, err
	}
	return &r, pr, nil
}

// MessageStatus proves the status of inbox message seq through the rollup
// record's inbox counters. An unregistered rollup gives StatusUnknownRollup
// with a proof of its absence.
func (p Prover) MessageStatus(ctx context.Context, rollupID string, seq uint64, height int64) (MessageStatus, *rollupstypes.Rollup, Proven, error) {
	r, pr, err := p.Rollup(ctx, rollupID, height)
	if err != nil {
		return "", nil, pr, err
	}
	if r == nil {
		return StatusUnknownRollup, nil, pr, nil
	}
	return StatusOf(*r, seq), r, pr, nil
}

// Ledger proves a rollup's escrow ledger for denom. Emptied ledgers are
// removed, so a proof of absence proves a zero balance.
func (p Prover) Ledger(ctx context.Context, rollupID, denom string, height int64) (sdkmath.Int, Proven, error) {
	key, err := LedgerKey(rollupID, denom)
	if err != nil {
		return sdkmath.Int{}, Proven{}, err
	}
	pr, err := p.Prove(ctx, CrossrollupStore, key, height)
	if err != nil {
		return sdkmath.Int{}, pr, err
	}
	if pr.Absent() {
		return sdkmath.ZeroInt(), pr, nil
	}
	amt, err := DecodeLedger(pr.Value)
	return amt, pr, err
}
