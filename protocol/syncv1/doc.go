// Package syncv1 holds the off-chain objects of synchronous cross-rollup
// calls (docs/spec/sync-calls.md): the operators' signed offers
// (preconfirmations of a batch) and the native
// prediction of the inbox entries a bundle's batches route (spec section 4).
//
// Nothing here runs in a state transition: the leader and the members of a
// round use it to agree on inbox positions before a bundle lands. It is a
// leaf package (the standard library and protocol only, no SDK) so that the
// operator daemons and the CLI share one encoding, and it keeps the
// determinism rules of protocol/: no map order in any result, no floats,
// clocks or randomness.
package syncv1
