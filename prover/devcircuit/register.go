package devcircuit

import (
	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/prover/circuits"
)

// Name is the development circuit's name in the registry.
const Name = "test"

// Registered in prover/circuits by importing this package. commitment=true
// selects the variant with one BSB22 commitment (a 64-bit range check).
func init() {
	circuits.MustRegister(circuits.Definition{
		Name:        Name,
		Description: "x/rollups test circuit: knowledge of a batch commitment's preimage (about 1.7k constraints; not a rollup circuit)",
		Params: []circuits.ParamSpec{
			{Name: "commitment", Default: "false", Description: "add a 64-bit range check, which gives the keys one BSB22 commitment"},
		},
		New: func(p circuits.Params) (frontend.Circuit, error) {
			withCommitment, err := p.Bool("commitment")
			if err != nil {
				return nil, err
			}
			if withCommitment {
				return &CommittedCircuit{}, nil
			}
			return &Circuit{}, nil
		},
	})
}
