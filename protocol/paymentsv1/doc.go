// Package paymentsv1 is the "payments-v1" exit layout: the part of the
// reference payments rollup's state that the chain itself checks, natively,
// when a frozen rollup's accounts exit (docs/spec/exodus.md,
// docs/spec/payments-rollup.md).
//
// It holds the account key and its L2 address (a point of BN254's twisted
// Edwards curve), the EdDSA signature encoding and check, the signing
// domain, the account leaf hash and the exit claim verifier. Where it sits:
// x/crossrollup runs ExitVerifier in consensus on MsgExodusWithdraw (the app
// wires it under protocol.ExitLayoutPaymentsV1); prover/payments builds the
// same leaves, keys and signatures when it runs the rollup and writes exit
// proofs. One definition serves both, so the chain never links the rollup.
//
// Like its parent package it imports only the standard library and
// gnark-crypto, and every check is a pure function of its arguments.
package paymentsv1
