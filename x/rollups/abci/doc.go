// Package abci holds x/rollups' block-level passes, run before a block's
// transactions: ProcessProposalHandler (on a proposal) and
// PreBlockBatchVerify (at the start of FinalizeBlock, from the app's
// PreBlocker) verify the block's batch proofs with one multi-pairing to warm
// the keeper's verification cache, so FinalizeBlock does not verify them
// again.
//
// Where it sits in a batch's path: operator → MsgSubmitBatch → x/rollups/ante
// (CheckTx) → here (ProcessProposal, PreBlock) → the keeper's handler in
// FinalizeBlock → hooks → x/crossrollup, x/rewards.
//
// Neither pass decides what a block contains. The one block-level rule is
// the block gas limit over the transactions' declared gas
// (BlockGasWithinLimit); a bad proof fails only its own transaction, and
// only batches of transactions that pass ante with gas to pay for them are
// pre-verified (PaidBatchMsgs). The app wires both (app/app.go).
package abci
