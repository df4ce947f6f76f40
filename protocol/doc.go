// Package protocol holds the consensus encodings the chain and the rollups'
// provers share: the floor both sides stand on. It imports only the Go
// standard library and gnark-crypto, so that x/rollups, x/crossrollup and
// prover/ can all depend on it while it depends on none of them (no Cosmos
// SDK, no module types).
//
// What it holds, and where each piece sits in a batch's path:
//
//   - hash.go: the Poseidon2 compression, the tagged Merkle-Damgard hash
//     and the domain tags every encoding below is built from.
//   - inbox.go: inbox entries (deposits, cross-rollup messages, L1 calls,
//     forced transactions, refunds) and the running inbox accumulator. The
//     chain appends entries; a batch proves which prefix it consumed.
//   - da.go: the hash of a batch's posted data.
//   - outbox.go: outbox entries (withdrawals, cross-rollup messages), their
//     canonical binary encoding and hash. A batch posts its outbox; the
//     chain decodes it and applies it once the batch is verified.
//   - commitment.go, proof.go: the batch commitment, the one public input
//     of every batch proof, folding all of the above with the state roots,
//     and the bounds of a verifying key.
//   - field.go: field elements, state roots and 128-bit amounts.
//   - exit.go: what exit claims of a frozen rollup share (docs/spec/exodus.md);
//     paymentsv1 checks the reference rollup's claims.
//   - errors.go: typed errors in the "protocol" codespace, which the SDK's
//     ABCI error translation reports with their stable codes.
//
// docs/spec/batch-commitment.md is normative, with test vectors that this
// package's tests and prover/gadgets' circuit tests both check.
package protocol
