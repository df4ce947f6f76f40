package paymentsv1

import (
	"bytes"
	"context"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	tw "github.com/consensys/gnark-crypto/ecc/bn254/twistededwards"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
)

// The payments rollup's own tests (prover/payments) check this verifier
// against exit proofs built from a real rollup state and against the vectors
// of docs/spec/exodus.md. These tests need nothing but this package: a
// signer of a few lines and a hand-built path.

const (
	testChain  = "nativechain-1"
	testRollup = "payments"
)

// testSigner signs like prover/payments' keys, with a fixed nonce: enough
// to produce valid signatures, not a safe signer.
type testSigner struct {
	scalar big.Int
	pub    PublicKey
}

func newTestSigner(k int64) testSigner {
	var s testSigner
	s.scalar.SetInt64(k)
	var a tw.PointAffine
	a.ScalarMultiplicationBase(&s.scalar)
	s.pub = PublicKey{X: a.X, Y: a.Y}
	return s
}

func (s testSigner) sign(domain fr.Element, msg ...fr.Element) Signature {
	r := big.NewInt(987654321)
	var R tw.PointAffine
	R.ScalarMultiplicationBase(r)
	c := Challenge(domain, R.X, R.Y, s.pub, msg)
	S := new(big.Int).Mul(c, &s.scalar)
	S.Add(S, r).Mod(S, SubgroupOrder())
	return Signature{RX: R.X, RY: R.Y, S: *S}
}

// exitFixture is a depth-4 tree whose leaf 5 is the signer's account.
type exitFixture struct {
	signer testSigner
	layout protocol.ExitLayoutParams
	root   []byte
	claim  protocol.ExitClaim
}

func newExitFixture(t *testing.T) exitFixture {
	t.Helper()
	s := newTestSigner(7)
	const depth, index = 4, 5
	balance, nonce := big.NewInt(1_000), uint32(3)
	siblings := make([]fr.Element, depth)
	raw := make([][]byte, depth)
	for i := range siblings {
		siblings[i].SetUint64(uint64(100 + i))
		b := siblings[i].Bytes()
		raw[i] = b[:]
	}
	root := protocol.RootFromPath(LeafHash(s.pub, balance, nonce), index, siblings)
	rb := root.Bytes()
	recipient := bytes.Repeat([]byte{0x42}, 20)
	sig := s.sign(Domain(testChain, testRollup), ExitMessage(index, recipient))
	return exitFixture{
		signer: s,
		layout: protocol.ExitLayoutParams{Name: protocol.ExitLayoutPaymentsV1, Depth: depth, Denom: "unat"},
		root:   rb[:],
		claim: protocol.ExitClaim{
			LeafIndex: index, Account: s.pub.Address(), Balance: balance, Nonce: nonce,
			Siblings: raw, Recipient: recipient, Signature: sig.Bytes(),
		},
	}
}

func (f exitFixture) verify(c protocol.ExitClaim) error {
	return NewExitVerifier().VerifyExit(context.Background(), testChain, testRollup, f.layout, f.root, c)
}

func TestVerifyExit_AcceptsTheLeafOfItsSigner(t *testing.T) {
	f := newExitFixture(t)
	require.NoError(t, f.verify(f.claim))
}

func TestVerifyExit_RejectsWithATypedError(t *testing.T) {
	f := newExitFixture(t)
	other := newTestSigner(8)
	for _, tc := range []struct {
		name   string
		mutate func(c *protocol.ExitClaim)
	}{
		{"balance one more", func(c *protocol.ExitClaim) { c.Balance = big.NewInt(1_001) }},
		{"nil balance", func(c *protocol.ExitClaim) { c.Balance = nil }},
		{"balance of 2^128", func(c *protocol.ExitClaim) { c.Balance = new(big.Int).Lsh(big.NewInt(1), BalanceBits) }},
		{"other nonce", func(c *protocol.ExitClaim) { c.Nonce++ }},
		{"tampered sibling", func(c *protocol.ExitClaim) { c.Siblings[2] = bytes.Clone(c.Siblings[2]); c.Siblings[2][31] ^= 1 }},
		{"one sibling short", func(c *protocol.ExitClaim) { c.Siblings = c.Siblings[1:] }},
		{"leaf index out of the tree", func(c *protocol.ExitClaim) { c.LeafIndex = 16 }},
		{"other recipient", func(c *protocol.ExitClaim) { c.Recipient = bytes.Repeat([]byte{0x43}, 20) }},
		{"signed by another key", func(c *protocol.ExitClaim) {
			c.Signature = other.sign(Domain(testChain, testRollup), ExitMessage(c.LeafIndex, c.Recipient)).Bytes()
		}},
		{"signed for another rollup", func(c *protocol.ExitClaim) {
			c.Signature = f.signer.sign(Domain(testChain, "dex"), ExitMessage(c.LeafIndex, c.Recipient)).Bytes()
		}},
		{"account not on the curve", func(c *protocol.ExitClaim) { c.Account = make([]byte, AddressBytes) }},
		{"truncated signature", func(c *protocol.ExitClaim) { c.Signature = c.Signature[:SignatureBytes-1] }},
		{"credits-only claim with a balance", func(c *protocol.ExitClaim) { c.LeafIndex = protocol.ExitLeafNone }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := f.claim
			c.Siblings = append([][]byte(nil), f.claim.Siblings...)
			tc.mutate(&c)
			require.ErrorIs(t, f.verify(c), protocol.ErrInvalidExitClaim)
		})
	}
	wrongLayout := f.layout
	wrongLayout.Name = "payments-v2"
	require.ErrorIs(t, NewExitVerifier().VerifyExit(context.Background(), testChain, testRollup, wrongLayout, f.root, f.claim), protocol.ErrInvalidExitClaim)
}

// A claim that proves no leaf carries only the account and its signature.
func TestVerifyExit_CreditsOnlyClaimChecksTheSignatureAlone(t *testing.T) {
	f := newExitFixture(t)
	c := protocol.ExitClaim{
		LeafIndex: protocol.ExitLeafNone, Account: f.signer.pub.Address(), Recipient: f.claim.Recipient,
		Signature: f.signer.sign(Domain(testChain, testRollup), ExitMessage(protocol.ExitLeafNone, f.claim.Recipient)).Bytes(),
	}
	require.NoError(t, f.verify(c))
	c.Nonce = 1
	require.ErrorIs(t, f.verify(c), protocol.ErrInvalidExitClaim)
}

func TestVerifyGas_IsPathPlusLeafPlusSignature(t *testing.T) {
	v := NewExitVerifier()
	require.Equal(t, (4+2)*ExitGasPerCompression+ExitGasSignature, v.VerifyGas(protocol.ExitLayoutParams{Depth: 4}))
	require.Equal(t, v.VerifyGas(protocol.ExitLayoutParams{Depth: protocol.MaxExitDepth}), v.VerifyGas(protocol.ExitLayoutParams{Depth: 1 << 20}),
		"a depth beyond the bound costs what the bound costs")
}

func TestParseAddressAndSignature_RoundTripAndTypedErrors(t *testing.T) {
	s := newTestSigner(11)
	pk, err := ParseAddress(s.pub.Address())
	require.NoError(t, err)
	require.Equal(t, s.pub, pk)
	_, err = ParseAddress(s.pub.Address()[:AddressBytes-1])
	require.ErrorIs(t, err, protocol.ErrInvalidL2Key)

	sig := s.sign(Domain(testChain, testRollup), fr.NewElement(1))
	back, err := ParseSignature(sig.Bytes())
	require.NoError(t, err)
	require.Equal(t, sig.Bytes(), back.Bytes())
	require.True(t, pk.Verify(back, Domain(testChain, testRollup), fr.NewElement(1)))
	zeroS := sig.Bytes()
	clear(zeroS[64:])
	_, err = ParseSignature(zeroS)
	require.ErrorIs(t, err, protocol.ErrInvalidSignature)
}
