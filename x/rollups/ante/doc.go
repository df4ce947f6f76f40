// Package ante holds x/rollups' transaction admission: the CheckTx and
// ReCheckTx decorator (BatchProofDecorator) that fully checks every batch of
// a transaction, proof included, so an invalid or stale batch never enters
// the mempool, and the helpers x/crossrollup's bundle decorator shares with
// it (LandingContext, PrecheckBatches, TxBatches).
//
// Where it sits in a batch's path: operator → MsgSubmitBatch → here
// (CheckTx) → x/rollups/abci (ProcessProposal, PreBlock) → the keeper's
// handler in FinalizeBlock → hooks → x/crossrollup, x/rewards. In
// FinalizeBlock and simulation the decorator does nothing: the message
// handler runs the same checks.
package ante
