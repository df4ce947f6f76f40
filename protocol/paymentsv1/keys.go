package paymentsv1

import (
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	tw "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"

	"github.com/nativechain/nativechain/protocol"
)

// AddressBytes is the size of an L2 address: the public key's affine
// coordinates X and Y, each 32 bytes big-endian. The uncompressed form costs
// the circuit one more compression than a 32-byte compressed key but no
// square-root sign check (see docs/spec/payments-rollup.md).
const AddressBytes = 64

// SignatureBytes is the size of an encoded signature: R.X || R.Y || S, each
// 32 bytes big-endian.
const SignatureBytes = 96

var (
	curve = tw.GetEdwardsCurve()
	// order is l, the order of the curve's prime subgroup.
	order = new(big.Int).Set(&curve.Order)
)

// SubgroupOrder returns l, the order of the prime subgroup keys and
// signature nonces live in.
func SubgroupOrder() *big.Int { return new(big.Int).Set(order) }

// PublicKey is an account's EdDSA key: a point of BN254's twisted Edwards
// curve (Baby Jubjub) in the prime-order subgroup, not the identity.
type PublicKey struct{ X, Y fr.Element }

// Address is the 64-byte L2 address X || Y (big-endian), used as the
// recipient of deposits and cross-rollup messages and as the outbox sender.
func (pk PublicKey) Address() []byte {
	x, y := pk.X.Bytes(), pk.Y.Bytes()
	return append(x[:], y[:]...)
}

// ParseAddress decodes an L2 address strictly: 64 bytes, canonical
// coordinates, a point on the curve, in the prime-order subgroup and not the
// identity. Deposits to anything else are bounced. Errors wrap
// protocol.ErrInvalidL2Key.
func ParseAddress(b []byte) (PublicKey, error) {
	if len(b) != AddressBytes {
		return PublicKey{}, protocol.ErrInvalidL2Key.Wrapf("%d bytes, want %d", len(b), AddressBytes)
	}
	var pk PublicKey
	if err := pk.X.SetBytesCanonical(b[:32]); err != nil {
		return PublicKey{}, protocol.ErrInvalidL2Key.Wrap(err.Error())
	}
	if err := pk.Y.SetBytesCanonical(b[32:]); err != nil {
		return PublicKey{}, protocol.ErrInvalidL2Key.Wrap(err.Error())
	}
	if err := pk.validate(); err != nil {
		return PublicKey{}, err
	}
	return pk, nil
}

func (pk PublicKey) point() tw.PointAffine { return tw.PointAffine{X: pk.X, Y: pk.Y} }

func (pk PublicKey) validate() error {
	p := pk.point()
	if !p.IsOnCurve() || !p.IsInSubGroup() || p.X.IsZero() {
		return protocol.ErrInvalidL2Key
	}
	return nil
}

// KeyHash is c(X, Y), the key's hash in its leaf and in signatures.
func (pk PublicKey) KeyHash() fr.Element { return protocol.Compress(pk.X, pk.Y) }

// Signature is (R, S) with S in [1, l).
type Signature struct {
	RX, RY fr.Element
	S      big.Int
}

// Bytes encodes the signature as R.X || R.Y || S.
func (sig Signature) Bytes() []byte {
	rx, ry := sig.RX.Bytes(), sig.RY.Bytes()
	out := make([]byte, 0, SignatureBytes)
	out = append(out, rx[:]...)
	out = append(out, ry[:]...)
	var s [32]byte
	if sig.S.Sign() >= 0 && sig.S.BitLen() <= 256 {
		sig.S.FillBytes(s[:])
	}
	return append(out, s[:]...)
}

// ParseSignature decodes R.X || R.Y || S strictly: 96 bytes, canonical
// coordinates and S in [1, l). Whether R is on the curve is left to Verify,
// which compares it with a computed point. Errors wrap
// protocol.ErrInvalidSignature.
func ParseSignature(b []byte) (Signature, error) {
	if len(b) != SignatureBytes {
		return Signature{}, protocol.ErrInvalidSignature.Wrapf("%d bytes, want %d", len(b), SignatureBytes)
	}
	var sig Signature
	if err := sig.RX.SetBytesCanonical(b[:32]); err != nil {
		return Signature{}, protocol.ErrInvalidSignature.Wrapf("R.X: %v", err)
	}
	if err := sig.RY.SetBytesCanonical(b[32:64]); err != nil {
		return Signature{}, protocol.ErrInvalidSignature.Wrapf("R.Y: %v", err)
	}
	sig.S.SetBytes(b[64:])
	if sig.S.Sign() <= 0 || sig.S.Cmp(order) >= 0 {
		return Signature{}, protocol.ErrInvalidSignature.Wrap("S out of [1, l)")
	}
	return sig, nil
}

// Challenge is h = H(domain; R.X, R.Y, c(A.X, A.Y), msg...): a chain of
// Poseidon2 compressions whose initial state is the domain. The key enters
// through its hash, which the circuit computes for the leaf anyway. Signers
// (prover/payments) and Verify share it.
func Challenge(domain, rx, ry fr.Element, pk PublicKey, msg []fr.Element) *big.Int {
	h := protocol.Chain(domain, append([]fr.Element{rx, ry, pk.KeyHash()}, msg...)...)
	return h.BigInt(new(big.Int))
}

// Verify is the strict check the circuit enforces: S in [1, l), the key a
// valid subgroup point, and [S]B - [h]A == R exactly (no cofactor), so a
// signature has one encoding.
func (pk PublicKey) Verify(sig Signature, domain fr.Element, msg ...fr.Element) bool {
	if pk.validate() != nil || sig.S.Sign() <= 0 || sig.S.Cmp(order) >= 0 {
		return false
	}
	c := Challenge(domain, sig.RX, sig.RY, pk, msg)
	var sb, ca, lhs tw.PointAffine
	sb.ScalarMultiplicationBase(&sig.S)
	a := pk.point()
	ca.ScalarMultiplication(&a, c)
	ca.Neg(&ca)
	lhs.Add(&sb, &ca)
	return lhs.X.Equal(&sig.RX) && lhs.Y.Equal(&sig.RY)
}
