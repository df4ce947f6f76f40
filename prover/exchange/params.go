package exchange

import (
	"errors"
	"fmt"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/prover/gadgets"
)

// Params are the rollup's shape and pool. Tests use small ones; production
// uses Depth 24.
type Params struct {
	Depth      int    // 2^Depth accounts, 2..24
	Slots      int    // slots per batch
	BaseDenom  string // DefaultBaseDenom if empty
	QuoteDenom string // DefaultQuoteDenom if empty
	FeeBps     uint32 // LP fee of a swap, 1..9999 basis points; DefaultFeeBps if 0
	// CallSlots is how many slots, the first ones, can take an inbox call
	// swap (every slot if 0): only they decode a call payload, about 3.7k
	// constraints a slot.
	CallSlots int
}

const (
	MaxDepth          = 24
	DefaultBaseDenom  = "unat"
	DefaultQuoteDenom = "uusdc"
	DefaultFeeBps     = 30
	bps               = 10000
)

// ErrParams is returned for invalid parameters.
var ErrParams = errors.New("exchange: invalid params")

// WithDefaults fills the empty fields.
func (p Params) WithDefaults() Params {
	if p.BaseDenom == "" {
		p.BaseDenom = DefaultBaseDenom
	}
	if p.QuoteDenom == "" {
		p.QuoteDenom = DefaultQuoteDenom
	}
	if p.FeeBps == 0 {
		p.FeeBps = DefaultFeeBps
	}
	if p.CallSlots == 0 {
		p.CallSlots = p.Slots
	}
	return p
}

// Validate checks the bounds.
func (p Params) Validate() error {
	p = p.WithDefaults()
	if p.Depth < 2 || p.Depth > MaxDepth || p.Slots < 1 || p.Slots > protocol.MaxOutboxEntries {
		return fmt.Errorf("%w: depth %d (2..%d), slots %d (1..1024)", ErrParams, p.Depth, MaxDepth, p.Slots)
	}
	if p.FeeBps >= bps || p.BaseDenom == p.QuoteDenom || p.CallSlots < 0 || p.CallSlots > p.Slots {
		return fmt.Errorf("%w: fee %d bps, denoms %q %q, %d call slots", ErrParams, p.FeeBps, p.BaseDenom, p.QuoteDenom, p.CallSlots)
	}
	for _, d := range []string{p.BaseDenom, p.QuoteDenom} {
		e := protocol.OutboxEntry{Kind: protocol.OutboxKindWithdrawal, Recipient: []byte{1}, Denom: d, Amount: protocol.NewUint128(1)}
		if err := e.Validate(); err != nil {
			return fmt.Errorf("%w: denom: %v", ErrParams, err)
		}
	}
	return nil
}

// pair is the pool's denoms, as the state root commits them.
func (p Params) pair() exchangev1.Pair {
	return exchangev1.Pair{Base: p.BaseDenom, Quote: p.QuoteDenom}
}

// denom is the denom of a side (0 base, 1 quote).
func (p Params) denom(side uint8) string {
	if side == 1 {
		return p.QuoteDenom
	}
	return p.BaseDenom
}

// TopLevels is how many top levels of the account tree the circuit keeps as
// subroots (gadgets.Subroots): one leaf a slot (gadgets.SubrootLevels).
func (p Params) TopLevels() int { return gadgets.SubrootLevels(p.Depth, p.Slots, 1) }

// PathDepth is the length of a path in the circuit, Depth - TopLevels.
func (p Params) PathDepth() int { return p.Depth - p.TopLevels() }
