// Package circuits is the registry through which prover tools name a
// circuit: `nativechaind operator setup --circuit payments --param depth=24`
// and the ceremony commands look a circuit up here, compile it to a BN254
// R1CS and identify the result by its CircuitHash.
//
// # Contract for circuit packages
//
// A circuit package registers itself once, usually from its init function:
//
//	func init() {
//		circuits.MustRegister(circuits.Definition{
//			Name:        "payments",
//			Description: "reference payments rollup",
//			Params: []circuits.ParamSpec{
//				{Name: "depth", Default: "24", Description: "account tree depth"},
//				{Name: "slots", Default: "8", Description: "transactions per batch"},
//			},
//			New: func(p circuits.Params) (frontend.Circuit, error) { ... },
//		})
//	}
//
// A tool that wants the circuit imports the package (a blank import is
// enough); a test may instead call Register itself. Registering a name twice
// panics in MustRegister and fails in Register, so two packages cannot
// silently shadow each other.
//
//   - Params are strings. Every parameter a circuit reads must be declared
//     in Params with its default; Compile fills in defaults and rejects
//     undeclared keys, so "depth=24" and "" name the same circuit and a typo
//     is an error rather than a silently ignored flag.
//   - New must be deterministic: the same parameters must give the same
//     constraint system, because keys are cached and checked by its hash.
//     Use Params.Int for integer parameters and validate bounds in New.
//   - New returns the circuit definition (an unassigned struct); witness
//     assignment is the circuit package's business.
//
// # Circuit hash
//
// CircuitHash is SHA-256 over gnark's serialization of the compiled R1CS
// (constraint.ConstraintSystem.WriteTo). It is deterministic across runs
// and machines (the serialization holds no file paths), and changes with
// any change to the constraints, to the parameters or to gnark's encoding.
// Key files and the keys manifest record it; the operator refuses keys
// made for another hash.
package circuits
