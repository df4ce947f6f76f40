// Package types holds x/rollups' messages, params, genesis, stored records
// (generated from proto/nativechain/rollups/v1), registered errors and store
// keys, and the seams to other modules: RollupsHooks and VerifiedBatch
// (hooks.go), what x/rollups tells x/crossrollup and x/rewards after a batch
// verifies or a rollup freezes, and the bank it expects
// (expected_keepers.go).
//
// Where it sits: the messages an operator or a user sends (MsgSubmitBatch,
// MsgRegisterRollup, MsgForceInclude, ...) are validated here (msgs.go)
// before the keeper runs them; the encodings that the batch proof commits
// to are not here but in protocol/, and the stored InboxMessage converts to
// and from protocol.InboxEntry at that seam (inbox_message.go).
package types
