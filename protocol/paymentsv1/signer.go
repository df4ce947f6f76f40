package paymentsv1

import (
	"crypto/sha256"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	tw "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
)

// PrivateKey is a payments-v1 signing key: a scalar in [1, l). One wallet
// key signs on every kind that uses payments-v1 keys (payments, exchange),
// under each rollup's own domain.
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

// Sign signs msg under domain deterministically (PublicKey.Verify checks it).
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
		c := Challenge(domain, R.X, R.Y, k.Public, msg)
		s := new(big.Int).Mul(c, &k.scalar)
		s.Add(s, r).Mod(s, order)
		if s.Sign() == 0 {
			continue
		}
		return Signature{RX: R.X, RY: R.Y, S: *s}
	}
}

// DummyKey signs the slots of a rollup circuit that carry no user
// signature: the circuits check a signature in every slot (a fixed shape),
// against the base point for unsigned slots. Its scalar is 1 and public; it
// authorises nothing.
var DummyKey = func() *PrivateKey {
	k := &PrivateKey{}
	k.scalar.SetInt64(1)
	k.Public = PublicKey{X: curve.Base.X, Y: curve.Base.Y}
	return k
}()
