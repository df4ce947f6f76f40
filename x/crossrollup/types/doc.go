// Package types holds x/crossrollup's messages, params, genesis, stored
// records and typed events (generated from proto/nativechain/crossrollup/v1),
// registered errors and store keys, and what the bridge expects from the
// modules around it (expected_keepers.go: x/rollups' registry, inbox and Msg
// service, the reward pool, the bank).
//
// Where it sits: deposits, L1 calls, bundles and governance messages are
// validated here (msgs.go) before the keeper runs them; withdrawals and
// cross-rollup messages arrive not as messages but as a verified batch's
// outbox (protocol.OutboxEntry) through x/rollups' hooks. The exodus of a
// frozen rollup has its own files: its message (exodus_msgs.go), its genesis
// records (exodus_genesis.go) and the ExitVerifier a layout's exit claims
// are checked by (exodus_verifier.go).
package types
