// Package exchange is the exchange rollup (docs/spec/exchange-rollup.md): one
// constant-product pool between a base and a quote denom, accounts with
// balances in both and liquidity shares, swaps from signed transactions and
// from inbox calls, LP fees to the providers. Its state layout is
// protocol/exchangev1; its public API mirrors prover/payments (Params,
// OpenState, BuildBatch, DecodeData, Replay, Tx, NewCircuit, NewDevProver)
// and its batches are prover/rollupkit batches.
package exchange
