package gadgets

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/std/algebra/algopts"
	"github.com/consensys/gnark/std/algebra/native/twistededwards"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

// Payments-v1 keys (protocol/paymentsv1) in a circuit: the on-curve check
// of a new account's key, its 64-byte address digest, and EdDSA signatures
// by it or by the public dummy key (paymentsv1.DummyKey, the base point)
// that signs the slots carrying no user signature.

var (
	sigOrder       = paymentsv1.SubgroupOrder()
	sigOrderMinus1 = new(big.Int).Sub(sigOrder, big.NewInt(1))

	// DummyKeyHash is the dummy key's hash c(B.X, B.Y).
	DummyKeyHash = func() *big.Int {
		e := paymentsv1.DummyKey.Public.KeyHash()
		return e.BigInt(new(big.Int))
	}()

	// AddressDigestStart is c(tag(address), 64), the constant first step of
	// every 64-byte address digest.
	AddressDigestStart = func() *big.Int {
		e := protocol.Compress(protocol.TagElement(protocol.TagAddress), fr.NewElement(paymentsv1.AddressBytes))
		return e.BigInt(new(big.Int))
	}()
)

// AssertOnCurve asserts a*x^2 + y^2 = 1 + d*x^2*y^2 when cond is 1.
func AssertOnCurve(api frontend.API, curve twistededwards.Curve, x, y, cond frontend.Variable) {
	params := curve.Params()
	x2 := api.Mul(x, x)
	y2 := api.Mul(y, y)
	lhs := api.Add(api.Mul(params.A, x2), y2)
	rhs := api.Add(1, api.Mul(params.D, x2, y2))
	api.AssertIsEqual(api.Mul(cond, api.Sub(lhs, rhs)), 0)
}

// AddressSplit is a key's 64-byte address X || Y cut at the 31-byte chunk
// boundaries: X = XHi*2^8 + XLo, Y = YHi*2^16 + YLo (SplitAddress).
type AddressSplit struct{ XHi, XLo, YHi, YLo frontend.Variable }

// SplitAddress is the witness of AddressSplit for a key.
func SplitAddress(pk paymentsv1.PublicKey) (xHi, xLo, yHi, yLo *big.Int) {
	x, y := pk.X.BigInt(new(big.Int)), pk.Y.BigInt(new(big.Int))
	return new(big.Int).Rsh(x, 8), new(big.Int).And(x, big.NewInt(0xff)), new(big.Int).Rsh(y, 16), new(big.Int).And(y, big.NewInt(0xffff))
}

// AddressChain checks the split of key (x, y) and returns the chain whose
// result is protocol.AddressDigest(X || Y): the chunks X>>8,
// (X&0xff)<<240 | Y>>16, (Y&0xffff)<<232 after the constant first
// compression over the length. A circuit may run it on idle compressions
// (MerkleRootOrChains) or directly (AddressDigest).
func AddressChain(api frontend.API, rc frontend.Rangechecker, x, y frontend.Variable, s AddressSplit) ChainJob {
	rc.Check(s.XLo, 8)
	rc.Check(s.XHi, 248)
	rc.Check(s.YLo, 16)
	rc.Check(s.YHi, 240)
	api.AssertIsEqual(api.Add(api.Mul(s.XHi, 1<<8), s.XLo), x)
	api.AssertIsEqual(api.Add(api.Mul(s.YHi, 1<<16), s.YLo), y)
	c1 := api.Add(api.Mul(s.XLo, new(big.Int).Lsh(big.NewInt(1), 240)), s.YHi)
	c2 := api.Mul(s.YLo, new(big.Int).Lsh(big.NewInt(1), 232))
	return ChainJob{Start: AddressDigestStart, Xs: []frontend.Variable{s.XHi, c1, c2}}
}

// AddressDigest is protocol.AddressDigest(X || Y) of key (x, y).
func (h *Hasher) AddressDigest(rc frontend.Rangechecker, x, y frontend.Variable, s AddressSplit) frontend.Variable {
	job := AddressChain(h.api, rc, x, y, s)
	return h.Chain(job.Start, job.Xs...)
}

// SignerKey is the key a slot's signature is checked against: (x, y) with
// hash keyHash when signed is 1, the dummy key otherwise.
func SignerKey(api frontend.API, curve twistededwards.Curve, signed, x, y, keyHash frontend.Variable) (pkX, pkY, pkHash frontend.Variable) {
	base := curve.Params().Base
	return api.Select(signed, x, base[0]), api.Select(signed, y, base[1]), api.Select(signed, keyHash, DummyKeyHash)
}

// Signature is an EdDSA signature (R, S) in a circuit.
type Signature struct{ RX, RY, S frontend.Variable }

// AssertSignature checks [S]B - [c]A == R with S in [1, l) and
// c = H(domain; R.X, R.Y, keyHash, msg...): paymentsv1.PublicKey.Verify.
// The key A = (pkX, pkY) must be a subgroup point (accounts are created
// only from keys the operator validated; the dummy key is B).
func (h *Hasher) AssertSignature(curve twistededwards.Curve, rc frontend.Rangechecker, domain frontend.Variable, sig Signature, pkX, pkY, keyHash frontend.Variable, msg ...frontend.Variable) {
	api := h.api
	api.AssertIsDifferent(sig.S, 0)
	rc.Check(sig.S, sigOrder.BitLen())
	rc.Check(api.Sub(sigOrderMinus1, sig.S), sigOrder.BitLen())
	api.AssertIsDifferent(pkX, 0)
	c := h.Chain(domain, append([]frontend.Variable{sig.RX, sig.RY, keyHash}, msg...)...)
	base := curve.Params().Base
	q := curve.DoubleBaseScalarMul(
		twistededwards.Point{X: base[0], Y: base[1]},
		curve.Neg(twistededwards.Point{X: pkX, Y: pkY}),
		sig.S, c, algopts.WithIncompleteArithmetic())
	api.AssertIsEqual(q.X, sig.RX)
	api.AssertIsEqual(q.Y, sig.RY)
}
