// Package verifier is the Groth16 (BN254) adapter of x/rollups: the only
// place the module touches gnark. It sits between the keeper, which builds a
// batch's public inputs from chain state (x/rollups/types.BatchCommitment),
// and gnark-crypto's pairing code.
//
// Untrusted bytes never reach a gnark decoder. ValidateVerifyingKey and
// ParseProof read the fixed gnark compressed layout themselves: they check
// every length prefix against hard bounds before allocating, require the
// compressed point encoding (one encoding per point), canonical coordinates,
// points on the curve and in the prime-order subgroup, and no trailing
// bytes. The parsed values are then assembled into gnark's own structs,
// which gnark's encoder must reproduce byte for byte.
//
// Verification runs on one goroutine with no clock or randomness: Verify
// checks one proof; BatchVerify checks all proofs of a block with one
// Miller loop and one final exponentiation, using random-linear-combination
// weights derived from a SHA-256 transcript of every verifying key, proof
// and public input, and falls back to one-by-one verification to name the
// culprit. Its cost per proof is the proof's own pairing e(w·Ar, Bs) plus a
// 64-doubling scalar multiplication (the weights are drawn in GLV form,
// glv.go) and a share of one small MSM per key; public inputs are combined
// in the field, so a key's public-input MSM is paid once per batch, not
// once per proof.
//
// Groth16 proofs are malleable: anyone can re-randomise a valid proof into
// different bytes that verify for the same statement. Replay protection must
// therefore come from the statement (the batch index in the commitment),
// never from proof bytes.
package verifier

//go:generate go run ../testdata/gen
