// Package ante holds x/rollups' transaction admission: the CheckTx and
// ReCheckTx decorator (BatchProofDecorator) that applies every batch of a
// transaction, proof included, in order on the check state, so an invalid
// or stale batch never enters the mempool and a batch built on one still
// in the mempool does, and the helpers x/crossrollup and x/rollups/abci
// share with it (LandingContext, PrecheckBatches, TxBatches).
//
// Where it sits in a batch's path: operator → MsgSubmitBatch → here
// (CheckTx) → x/rollups/abci (ProcessProposal, PreBlock) → the keeper's
// handler in FinalizeBlock → hooks → x/crossrollup, x/rewards. In
// FinalizeBlock and simulation the decorator does nothing: the message
// handler runs the same checks.
package ante
