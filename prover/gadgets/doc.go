// Package gadgets holds the reusable gnark components of a nativechain
// rollup circuit: the Poseidon2 tagged hash H and byte-string digests of
// docs/spec/batch-commitment.md, the data-availability hash over the posted
// batch data, inbox entry hashing and accumulator consumption, outbox entry
// hashing and the outbox hash, the batch commitment (the proof's single
// public input), and Merkle path verification and update with one Poseidon2
// compression per level.
//
// Every gadget computes exactly what package protocol computes natively; the
// package tests check each against the native function. A custom rollup
// circuit needs nothing else from nativechain: see docs/custom-circuit.md.
package gadgets
