// Package keeper is x/rewards' state and rules: the reward pool, one module
// account whose every inflow and outflow is booked by source and
// destination, epochs, and the payouts to validators and operators
// (docs/spec/rewards.md).
//
// Where it sits in a batch's path: operator → x/rollups (CheckTx,
// ProcessProposal, PreBlock, FinalizeBlock) → RollupsHooks.AfterBatchVerified
// → x/crossrollup (outbox), then here (hooks.go): the batch fee is charged to
// the submitter and the batch's work recorded for the epoch. The pool's other
// inflows: a share of each block's inflation through x/mint's mint function
// (inflation.go, called from app/mint.go), x/crossrollup's bridge fees, and
// x/rollups' registration and forced-inclusion fees and slashed bonds (hook
// AfterRewardFundsCollected).
//
//   - keeper.go, msg_server.go, query_server.go, genesis.go: the keeper
//     with what it is built from, the Msg and Query services, genesis.
//   - pool.go: FundPool, the pool's only way in, and its accounting and
//     invariant.
//   - hooks.go: the x/rollups hooks (batch fees and work, frozen rollups'
//     work forfeited, x/rollups' collected funds).
//   - inflation.go: TakeInflationShare.
//   - epoch.go: EndBlock closes a due epoch and pays it a bounded page at
//     a time: the validator share to x/distribution, the operator share
//     credited pro rata to work.
//   - claim.go: operators claim what they were credited.
package keeper
