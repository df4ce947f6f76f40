// Package types holds x/rewards' messages, params, genesis, stored records
// and typed events (generated from proto/nativechain/rewards/v1), registered
// errors, store keys and the names of the pool's inflow sources and outflow
// destinations (keys.go), what it expects of x/bank and x/rollups
// (expected_keepers.go), governance's rollup key approvals (approvals.go),
// and the reward formula in integers only (formula.go, docs/spec/rewards.md).
//
// Where it sits: at the end of a batch's path (operator → x/rollups →
// x/crossrollup → x/rewards), the pool books a verified batch's fee and work;
// the formula turns an epoch's work into payouts.
package types
