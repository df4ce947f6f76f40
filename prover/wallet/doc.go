// Package wallet is the client side of the payments rollup: L2 key files
// and a client of the operator's HTTP API (docs/operator-api.md) that
// builds, signs and submits transactions. `nativechaind l2 ...` is built on
// it.
//
// Where it sits: a user's wallet → the operator's API (prover/operator),
// which orders, proves and submits the transactions to x/rollups as
// batches. L2 transfers never go to the chain directly; deposits and
// exodus claims do (`nativechaind tx crossrollup ...`).
package wallet
