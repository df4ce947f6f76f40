// Package keeper is x/rollups' state and the rules that change it: the
// rollup registry, batch verification and application, the inboxes and
// the liveness rules.
//
// Where it sits in a batch's path: operator → MsgSubmitBatch →
// x/rollups/ante (CheckTx: PrecheckBatch, then SubmitBatch on the check
// state, so consecutive batches are admitted in order) → x/rollups/abci
// (ProcessProposal and PreBlock: VerifyBlockBatches warms the verification
// cache) → here, in FinalizeBlock (msg_server.go SubmitBatch →
// submitBatch) → RollupsHooks.AfterBatchVerified → x/crossrollup
// (withdrawals, routing, which calls back into AppendInbox) and x/rewards
// (batch fee, work). CheckTx, the block-level pass and FinalizeBlock all
// check a batch with planBatch, so it means the same thing in each.
//
//   - keeper.go: the keeper, its collections, and SetHooks (the one late
//     wiring, registered once).
//   - msg_server.go, query_server.go, genesis.go: the Msg and Query
//     services and genesis.
//   - registry.go: registration, operator and delayed verifying-key
//     changes, deregistration and wind-down, bonds.
//   - batch.go: planBatch (every check of a batch, cheapest first, gas
//     before work), PrecheckBatch for the ante handlers, CheckBatch (a
//     read-only check), submitBatch for CheckTx's check state and
//     FinalizeBlock.
//   - block_verify.go, verify_cache.go: the block-level batched
//     verification and the node-local cache of verified statements and
//     parsed keys (a cache miss recomputes the same answer).
//   - inbox.go, forced.go: AppendInbox (the bridge's only way into a
//     rollup's inbox) and forced transactions.
//   - liveness.go: inbox deadlines, freezing a censoring rollup in
//     EndBlock, permissionless submission, MsgForceInclude.
//
// Proof bytes go to gnark only through x/rollups/verifier; the encodings
// the chain and provers share (commitment, inbox, outbox, DA hash) are in
// protocol/.
package keeper
