// Package exchangev1 is the "exchange-v1" state layout: the part of the
// exchange rollup's state (docs/spec/exchange-rollup.md) that both the chain
// and the rollup compute. The chain checks exodus claims against it
// natively; prover/exchange builds the same leaves, pool record and state
// root when it runs the rollup. One definition serves both, so the chain
// never links the rollup.
//
// The state root commits an account tree and the pool:
//
//	root     = c(accountsRoot, poolHash)
//	poolHash = H(TagPool; DenomDigest(base), DenomDigest(quote),
//	             reserveBase, reserveQuote, totalShares)
//	leaf     = c(c(c(KeyHash(key), base*2^32 + nonce), quote), shares)
//
// where c is the Poseidon2 compression, H the tagged chain over it
// (protocol.Tagged), key the account's EdDSA key (the payments-v1 key type:
// one wallet key works on both kinds), and base, quote and shares are below
// 2^128. The empty leaf is the leaf of the zero key with zero fields.
//
// exit.go is the chain's exodus verifier for the layout
// (docs/spec/exodus.md, "exchange-v1 layout"): it proves a leaf and the
// pool record against a frozen state root and pays ExitPayout in the
// layout's base and quote denoms. exchangev1test builds small states and
// signed claims for tests.
//
// Like its parent package it imports only the standard library,
// gnark-crypto and protocol (paymentsv1 for the shared key type and exit
// message), and every function is pure.
package exchangev1
