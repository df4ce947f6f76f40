package payments

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	tw "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"

	"github.com/nativechain/nativechain/prover/tree"
)

// AddressBytes is the size of an L2 address: the public key's affine
// coordinates X and Y, each 32 bytes big-endian. The uncompressed form costs
// the circuit one more compression than a 32-byte compressed key but no
// square-root sign check (see docs/spec/payments-rollup.md).
const AddressBytes = 64

var (
	curve     = tw.GetEdwardsCurve()
	order     = new(big.Int).Set(&curve.Order) // prime subgroup order l
	errKey    = errors.New("payments: invalid public key")
	errSigEnc = errors.New("payments: invalid signature")
)

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
// identity. Deposits to anything else are bounced.
func ParseAddress(b []byte) (PublicKey, error) {
	if len(b) != AddressBytes {
		return PublicKey{}, fmt.Errorf("%w: %d bytes, want %d", errKey, len(b), AddressBytes)
	}
	var pk PublicKey
	if err := pk.X.SetBytesCanonical(b[:32]); err != nil {
		return PublicKey{}, fmt.Errorf("%w: %v", errKey, err)
	}
	if err := pk.Y.SetBytesCanonical(b[32:]); err != nil {
		return PublicKey{}, fmt.Errorf("%w: %v", errKey, err)
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
		return errKey
	}
	return nil
}

// PrivateKey is an account's signing key: a scalar in [1, l).
type PrivateKey struct {
	scalar big.Int
	seed   [32]byte
	Public PublicKey
}

// NewPrivateKey derives a key from a 32-byte secret seed.
func NewPrivateKey(seed [32]byte) *PrivateKey {
	k := &PrivateKey{seed: seed}
	for ctr := byte(0); ; ctr++ {
		h := sha256.Sum256(append([]byte("nativechain/payments/key/v1"), append(seed[:], ctr)...))
		k.scalar.SetBytes(h[:])
		k.scalar.Mod(&k.scalar, order)
		if k.scalar.Sign() != 0 {
			break
		}
	}
	var a tw.PointAffine
	a.ScalarMultiplicationBase(&k.scalar)
	k.Public = PublicKey{X: a.X, Y: a.Y}
	return k
}

// Signature is (R, S) with S in [1, l).
type Signature struct {
	RX, RY fr.Element
	S      big.Int
}

// KeyHash is c(X, Y), the key's hash in its leaf and in signatures.
func (pk PublicKey) KeyHash() fr.Element { return tree.Compress(pk.X, pk.Y) }

// challenge is h = H(domain; R.X, R.Y, c(A.X, A.Y), msg...): a chain of
// Poseidon2 compressions whose initial state is the domain. The key enters
// through its hash, which the circuit computes for the leaf anyway.
func challenge(domain, rx, ry fr.Element, pk PublicKey, msg []fr.Element) *big.Int {
	h := tree.Chain(domain, append([]fr.Element{rx, ry, pk.KeyHash()}, msg...)...)
	return h.BigInt(new(big.Int))
}

// Sign signs msg under domain deterministically.
func (k *PrivateKey) Sign(domain fr.Element, msg ...fr.Element) Signature {
	seed := append([]byte("nativechain/payments/nonce/v1"), k.seed[:]...)
	db := domain.Bytes()
	seed = append(seed, db[:]...)
	for i := range msg {
		mb := msg[i].Bytes()
		seed = append(seed, mb[:]...)
	}
	for ctr := byte(0); ; ctr++ {
		h := sha256.Sum256(append(seed, ctr))
		r := new(big.Int).SetBytes(h[:])
		r.Mod(r, order)
		if r.Sign() == 0 {
			continue
		}
		var R tw.PointAffine
		R.ScalarMultiplicationBase(r)
		c := challenge(domain, R.X, R.Y, k.Public, msg)
		s := new(big.Int).Mul(c, &k.scalar)
		s.Add(s, r).Mod(s, order)
		if s.Sign() == 0 {
			continue
		}
		return Signature{RX: R.X, RY: R.Y, S: *s}
	}
}

// Verify is the strict check the circuit enforces: S in [1, l), the key a
// valid subgroup point, and [S]B - [h]A == R exactly (no cofactor), so a
// signature has one encoding.
func (pk PublicKey) Verify(sig Signature, domain fr.Element, msg ...fr.Element) bool {
	if pk.validate() != nil || sig.S.Sign() <= 0 || sig.S.Cmp(order) >= 0 {
		return false
	}
	c := challenge(domain, sig.RX, sig.RY, pk, msg)
	var sb, ca, lhs tw.PointAffine
	sb.ScalarMultiplicationBase(&sig.S)
	a := pk.point()
	ca.ScalarMultiplication(&a, c)
	ca.Neg(&ca)
	lhs.Add(&sb, &ca)
	return lhs.X.Equal(&sig.RX) && lhs.Y.Equal(&sig.RY)
}

// dummyKey signs the slots that carry no user signature: the circuit checks
// a signature in every slot (a fixed shape), against the base point for
// unsigned slots. Its scalar is 1 and public; it authorises nothing.
var dummyKey = func() *PrivateKey {
	k := &PrivateKey{}
	k.scalar.SetInt64(1)
	k.Public = PublicKey{X: curve.Base.X, Y: curve.Base.Y}
	return k
}()
