// Package proof lets a client check bridge state without trusting the RPC
// server that serves it: an inbox entry, a rollup record (whose inbox
// counters give a message's status) or an escrow ledger is read with an
// ABCI store query that carries a Merkle proof, and the proof is checked
// against an app hash taken from a header the validators signed.
//
// Data flow: Key* computes the raw store key a collection writes; Query
// fetches value and proof at a height; an AppHashSource (the CometBFT light
// client, or, weaker, the node's own commit) gives the app hash of that
// height; Verify checks the proof with the store's proof runtime.
//
// The package is client side only. Nothing in consensus imports it.
package proof
