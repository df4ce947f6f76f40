package exchange

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/prover/circuits"
)

// CircuitName is the name under which the circuit is registered.
const CircuitName = "exchange"

func init() {
	circuits.MustRegister(circuits.Definition{
		Name:        CircuitName,
		Description: "exchange rollup: one constant-product pool, swaps, liquidity, inbox swap calls",
		Params: []circuits.ParamSpec{
			{Name: "depth", Default: "24", Description: "account tree depth (2..24)"},
			{Name: "slots", Default: "16", Description: "slots per batch"},
			{Name: "base", Default: DefaultBaseDenom, Description: "the pool's base denom"},
			{Name: "quote", Default: DefaultQuoteDenom, Description: "the pool's quote denom"},
			{Name: "fee_bps", Default: strconv.Itoa(DefaultFeeBps), Description: "swap LP fee in basis points (1..9999)"},
			{Name: "call_slots", Default: "0", Description: "slots, the first ones, that can take an inbox call swap (0: all)"},
		},
		New: func(cp circuits.Params) (frontend.Circuit, error) {
			p, err := ParamsFromRegistry(cp)
			if err != nil {
				return nil, err
			}
			return NewCircuit(p), nil
		},
	})
}

// ParamsFromRegistry reads resolved registry parameters.
func ParamsFromRegistry(cp circuits.Params) (Params, error) {
	depth, err1 := cp.Int("depth")
	slots, err2 := cp.Int("slots")
	fee, err3 := cp.Int("fee_bps")
	calls, err4 := cp.Int("call_slots")
	if err := errors.Join(err1, err2, err3, err4); err != nil {
		return Params{}, err
	}
	if fee <= 0 {
		return Params{}, fmt.Errorf("%w: fee_bps %d", ErrParams, fee)
	}
	p := Params{Depth: depth, Slots: slots, BaseDenom: cp["base"], QuoteDenom: cp["quote"], FeeBps: uint32(fee), CallSlots: calls}.WithDefaults()
	return p, p.Validate()
}
