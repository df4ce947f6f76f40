// Package inbox is the client side of a rollup's inbox: it reads, through
// the x/rollups inbox query, the messages a posted batch consumed and checks
// them against the accumulator the chain recorded. Operators following one
// another and wallets rebuilding a state for exodus use it to replay
// batches. It runs in the user's process, never in consensus.
package inbox
