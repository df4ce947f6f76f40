// Package payments is nativechain's reference payments rollup: accounts
// (EdDSA public key on BN254's twisted Edwards curve, balance, nonce) in a
// Poseidon2 sparse Merkle tree; transfers, credits from the inbox (deposits,
// cross-rollup messages, refunds), withdrawals and cross-rollup sends to the
// outbox; compact batch data; the native state transition that produces a
// batch and its full witness; and the Groth16 circuit that proves it.
//
// Data flow: the operator collects signed Txs and the rollup's unconsumed
// inbox, State.BuildBatch applies them natively (persisting the new state)
// and returns a Batch (posted data, outbox, consumed inbox count, new root,
// the chain's BatchCommitment and the circuit Assignment); Prove turns the
// assignment into a proof for MsgSubmitBatch. Forced transactions (inbox
// kind 4, forced.go) are executed by the first Params.ForcedSlots slots
// when valid against the state and skipped otherwise; the circuit
// (forced_circuit.go) makes the choice for the operator. The circuit's
// slot is a list of named constraint functions (circuit_*.go), each tested
// alone as a sub-circuit. The byte format and the rules are specified in
// docs/spec/payments-rollup.md.
package payments
