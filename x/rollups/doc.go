// Package rollups is the x/rollups module: rollup teams register a rollup
// (verifying key, genesis state root, bonded operators), and operators submit
// batches whose Groth16 validity proofs the validators verify in consensus.
// A verified batch advances the rollup's state root and is final in the block
// that includes it; its posted data makes the base chain the rollup's
// data-availability layer. x/crossrollup and x/rewards build on its hooks.
package rollups
