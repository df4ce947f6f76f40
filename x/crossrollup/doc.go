// Package crossrollup is the x/crossrollup module: a bridge kept by the
// validators themselves. One module account escrows every bridged coin and a
// ledger per rollup and denom records what each rollup holds. Deposits append
// to a rollup's inbox; the outbox of a verified batch pays withdrawals and
// routes cross-rollup messages to the destination inbox in the same block.
package crossrollup
