package circuits

import (
	"github.com/consensys/gnark/frontend"

	"github.com/nativechain/nativechain/x/rollups/testdata/testcircuit"
)

// TestCircuitName is the registry name of x/rollups' test circuit.
const TestCircuitName = "test"

// The test circuit of x/rollups/testdata/testcircuit: it proves knowledge of
// a batch commitment's preimage and nothing about a state transition, so
// its keys are for development and tests only. commitment=true selects the
// variant with one BSB22 commitment (a 64-bit range check).
func init() {
	MustRegister(Definition{
		Name:        TestCircuitName,
		Description: "x/rollups test circuit: knowledge of a batch commitment's preimage (about 1.7k constraints; not a rollup circuit)",
		Params: []ParamSpec{
			{Name: "commitment", Default: "false", Description: "add a 64-bit range check, which gives the keys one BSB22 commitment"},
		},
		New: func(p Params) (frontend.Circuit, error) {
			withCommitment, err := p.Bool("commitment")
			if err != nil {
				return nil, err
			}
			if withCommitment {
				return &testcircuit.CommittedCircuit{}, nil
			}
			return &testcircuit.Circuit{}, nil
		},
	})
}
