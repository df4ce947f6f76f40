package payments

import (
	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/prover/circuits"
)

// CircuitName is the name under which the circuit is registered.
const CircuitName = "payments"

func init() {
	circuits.MustRegister(circuits.Definition{
		Name:        CircuitName,
		Description: "reference payments rollup: transfers, inbox credits, withdrawals and cross-rollup sends",
		Params: []circuits.ParamSpec{
			{Name: "depth", Default: "24", Description: "account tree depth (2..24)"},
			{Name: "slots", Default: "16", Description: "slots per batch"},
			{Name: "denom", Default: DefaultDenom, Description: "the rollup's denom"},
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
	depth, err := cp.Int("depth")
	if err != nil {
		return Params{}, err
	}
	slots, err := cp.Int("slots")
	if err != nil {
		return Params{}, err
	}
	p := Params{Depth: depth, Slots: slots, Denom: cp["denom"]}.WithDefaults()
	if err := p.Validate(); err != nil {
		return Params{}, err
	}
	return p, nil
}
