// Package devcircuit is the development circuit, registered in
// prover/circuits as "test": two tiny Groth16 circuits whose only public
// input is the batch commitment of package protocol, recomputed in-circuit
// from its preimage with gnark std Poseidon2 (the convention every rollup
// circuit follows) at about 2k constraints, so that a setup takes a second.
//
// It proves knowledge of a commitment's preimage and nothing about a state
// transition: keys made for it are for devnets and tests only, never for a
// rollup that holds value. The reference rollup's circuit is
// prover/payments.
//
// Who uses it: `nativechaind operator setup --circuit test` (the binary
// imports this package for its registration, docs/trusted-setup.md); the
// binary fixtures in x/rollups/testdata and their generator;
// x/rollups/testutil/batchprover, which keeper, integration and system tests
// and cmd/rollupdev prove batches with; and the prover/circuits and
// prover/setup tests. It sits outside testdata/ because the binary links it.
package devcircuit
