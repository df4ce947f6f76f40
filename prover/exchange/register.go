package exchange

import (
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
	p := Params{BaseDenom: cp["base"], QuoteDenom: cp["quote"]}
	var err error
	if p.Depth, err = cp.Int("depth"); err != nil {
		return p, err
	}
	if p.Slots, err = cp.Int("slots"); err != nil {
		return p, err
	}
	fee, err := cp.Int("fee_bps")
	if err != nil {
		return p, err
	}
	p.FeeBps = uint32(max(fee, 0))
	if fee <= 0 {
		return p, ErrParams
	}
	return p.WithDefaults(), p.Validate()
}
