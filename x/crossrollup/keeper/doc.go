// Package keeper is x/crossrollup's state and rules: the bridge. One module
// account escrows every bridged coin; a ledger per rollup and denom records
// what each rollup holds, and the invariant is escrow == ledgers + deferred
// withdrawals + accrued withdrawals (outflow.go, EscrowInvariant).
//
// Where it sits in a batch's path: operator → x/rollups (CheckTx,
// ProcessProposal, PreBlock, FinalizeBlock) → RollupsHooks.AfterBatchVerified
// (hooks.go) → here: each outbox entry is a withdrawal (withdrawal.go: paid
// from the ledger, deferred by a pause or an outflow cap, or refunded to its
// L2 sender) or a cross-rollup message (routing.go: value moved ledger to
// ledger and the message appended to the destination's inbox through
// x/rollups' AppendInbox, or bounced back to the source). Deposits and L1
// calls enter the same inboxes from L1 (deposit.go), and their bridge fee
// goes to x/rewards' pool. Bundles (bundle.go) go the other way: they apply
// several rollups' batches all-or-nothing through x/rollups' Msg service.
//
//   - keeper.go, msg_server.go, query_server.go, genesis.go: the keeper
//     with what it is built from, the Msg and Query services, genesis.
//   - deposit.go: deposits and L1 calls, escrowed and appended to the
//     rollup's inbox, and the bridge fee.
//   - ledger.go: the per-rollup ledgers, and the cache that reads and
//     writes each once per batch hook.
//   - accrued.go: a submitter's own withdrawals (its fees), accrued in
//     escrow and paid by MsgClaimAccrued.
//   - outflow.go: pauses, per-epoch outflow caps, deferred withdrawals paid
//     in EndBlock, and the escrow invariant.
//   - returned_refund.go: refunds a rollup sent back out, credited instead
//     of bounced again.
//   - refund.go: refunds of a frozen rollup's unconsumed inbox, in EndBlock.
//   - exodus.go, exodus_msg.go, exodus_query.go, exodus_genesis.go: exits
//     of a frozen rollup's accounts (docs/spec/exodus.md) and their exit
//     credits.
package keeper
