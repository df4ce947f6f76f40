package payments

import (
	"context"
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/tree"
)

// exitClaimAtDepth is a valid claim for a tree of the given depth (arbitrary
// siblings) and its root.
func exitClaimAtDepth(depth int) (protocol.ExitClaim, []byte) {
	k := testKey(1)
	index := uint64(0x5a5a5a5a5a) & (1<<uint(depth) - 1)
	siblings := make([]fr.Element, depth)
	c := protocol.ExitClaim{LeafIndex: index, Account: k.Public.Address(), Balance: big.NewInt(1_000_000), Nonce: 7,
		Recipient: l1Addr(0x42), Siblings: make([][]byte, depth)}
	for i := range siblings {
		siblings[i].SetUint64(uint64(1000 + i))
		b := siblings[i].Bytes()
		c.Siblings[i] = b[:]
	}
	leaf := Account{Key: k.Public, Nonce: 7}
	leaf.Balance.SetInt64(1_000_000)
	root := protocol.RootFromPath(leaf.Leaf(), index, siblings)
	c.Signature = SignExit(k, testChainID, testRollupID, index, c.Recipient).Bytes()
	rb := root.Bytes()
	return c, rb[:]
}

// BenchmarkVerifyExit times the whole check the chain runs for one exit, at
// the depths a layout may declare: VerifyGas is derived from it
// (docs/PERFORMANCE.md, "Exodus").
func BenchmarkVerifyExit(b *testing.B) {
	for _, depth := range []int{8, 24, 32} {
		c, root := exitClaimAtDepth(depth)
		layout := protocol.ExitLayoutParams{Name: protocol.ExitLayoutPaymentsV1, Depth: uint32(depth), Denom: DefaultDenom}
		v := paymentsv1.NewExitVerifier()
		if err := v.VerifyExit(context.Background(), testChainID, testRollupID, layout, root, c); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("depth=%d", depth), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := v.VerifyExit(context.Background(), testChainID, testRollupID, layout, root, c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyExit_Parts splits the check into what VerifyGas prices.
func BenchmarkVerifyExit_Parts(b *testing.B) {
	c, _ := exitClaimAtDepth(24)
	k := testKey(1)
	x, y := k.Public.X, k.Public.Y
	b.Run("poseidon2-compress", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			x = tree.Compress(x, y)
		}
	})
	b.Run("parse-key+message+eddsa", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			pk, err := paymentsv1.ParseAddress(c.Account)
			if err != nil {
				b.Fatal(err)
			}
			sig, err := paymentsv1.ParseSignature(c.Signature)
			if err != nil {
				b.Fatal(err)
			}
			if !pk.Verify(sig, paymentsv1.Domain(testChainID, testRollupID), paymentsv1.ExitMessage(c.LeafIndex, c.Recipient)) {
				b.Fatal("signature")
			}
		}
	})
	// The SDK charges 1,000 gas for this (the chain's gas reference).
	priv := secp256k1.GenPrivKey()
	msg := []byte("the chain's gas reference: one secp256k1 signature")
	sig, err := priv.Sign(msg)
	if err != nil {
		b.Fatal(err)
	}
	pub := priv.PubKey()
	b.Run("secp256k1-reference", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if !pub.VerifySignature(msg, sig) {
				b.Fatal("secp256k1")
			}
		}
	})
}
