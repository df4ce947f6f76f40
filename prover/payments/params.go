package payments

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/prover/gadgets"
	"github.com/nativechain/nativechain/prover/tree"
)

// Params are the circuit's shape. Tests use small ones; production uses
// Depth 24 and 16 or more slots.
type Params struct {
	Depth int    // tree depth: 2^Depth accounts, at most MaxDepth
	Slots int    // slots per batch (transactions, inbox credits, no-ops)
	Denom string // the rollup's one denom; DefaultDenom if empty
	// ForcedSlots is how many slots, the first ones, can consume a forced
	// transaction (inbox kind 4); DefaultForcedSlots if 0. Only they carry
	// the forced-transaction logic, so that the other slots stay cheap.
	ForcedSlots int
}

const (
	// MaxDepth is bounded by the 3-byte account indices of the compact data.
	MaxDepth = 24
	// DefaultDenom is the denom of balances when Params.Denom is empty.
	DefaultDenom = "unat"
	// ProductionDepth is the depth of the deployed rollup.
	ProductionDepth = 24
	// DefaultForcedSlots is the number of forced-capable slots when
	// Params.ForcedSlots is 0.
	DefaultForcedSlots = 1
)

// WithDefaults fills the denom and the forced-capable slots.
func (p Params) WithDefaults() Params {
	if p.Denom == "" {
		p.Denom = DefaultDenom
	}
	if p.ForcedSlots == 0 {
		p.ForcedSlots = min(DefaultForcedSlots, max(p.Slots, 1))
	}
	return p
}

// Validate checks the bounds.
func (p Params) Validate() error {
	p = p.WithDefaults()
	if p.Depth < 2 || p.Depth > MaxDepth {
		return fmt.Errorf("payments: depth %d out of 2..%d", p.Depth, MaxDepth)
	}
	if p.Slots < 1 || p.Slots > 4096 {
		return fmt.Errorf("payments: %d slots out of 1..4096", p.Slots)
	}
	if p.ForcedSlots < 1 || p.ForcedSlots > p.Slots {
		return fmt.Errorf("payments: %d forced-capable slots out of 1..%d", p.ForcedSlots, p.Slots)
	}
	if err := (protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Recipient: []byte{1}, Denom: p.Denom, Amount: protocol.NewUint128(1)}).Validate(); err != nil {
		return fmt.Errorf("payments: denom: %w", err)
	}
	return nil
}

// TopLevels is how many of the tree's top levels the batch circuit keeps as
// subroots (gadgets.Subroots) rather than walking them on every path: two
// leaves a slot (gadgets.SubrootLevels); 5 for 16 slots, 6 for 32.
func (p Params) TopLevels() int { return gadgets.SubrootLevels(p.Depth, p.Slots, 2) }

// PathDepth is the length of an account's path in the batch circuit: from
// the leaf up to the subroots, Depth - TopLevels.
func (p Params) PathDepth() int { return p.Depth - p.TopLevels() }

// MaxDataBytes is the size of the posted data of a full batch.
func (p Params) MaxDataBytes() int { return RecordBytes * p.Slots }

// EmptyLeaf is the leaf of an unused account: the leaf hash of the zero key,
// balance and nonce. The zero key is not on the curve, so no real account
// hashes to it.
var EmptyLeaf = Account{}.Leaf()

// EmptyRoot is the root of a tree with no account.
func (p Params) EmptyRoot() fr.Element { return tree.EmptyHashes(p.Depth, EmptyLeaf)[p.Depth] }
