package payments

import "github.com/nativechain/nativechain/protocol/paymentsv1"

// PublicKey is an account's EdDSA key, the payments-v1 key the chain checks
// exits with (protocol/paymentsv1). The alias keeps the rollup's own name
// for it.
type PublicKey = paymentsv1.PublicKey

// Signature is an EdDSA signature of a payments-v1 key (protocol/paymentsv1).
type Signature = paymentsv1.Signature

// PrivateKey is an account's signing key (protocol/paymentsv1).
type PrivateKey = paymentsv1.PrivateKey

// NewPrivateKey derives a key from a 32-byte secret seed.
func NewPrivateKey(seed [32]byte) *PrivateKey { return paymentsv1.NewPrivateKey(seed) }

// order is l, the prime subgroup order.
var order = paymentsv1.SubgroupOrder()

// dummyKey signs the slots that carry no user signature (paymentsv1.DummyKey).
var dummyKey = paymentsv1.DummyKey
