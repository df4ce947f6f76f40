package exchangev1_test

import (
	"context"
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/exchangev1/exchangev1test"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

// BenchmarkVerifyExitPayout times the exchange-v1 check next to the
// payments-v1 check of the same depth in the same run: payments-v1's gas is
// derived from a benchmark against secp256k1 (prover/payments
// BenchmarkVerifyExit), so the ratio prices exchange-v1
// (docs/PERFORMANCE.md, "The SDK and the exchange rollup").
func BenchmarkVerifyExitPayout(b *testing.B) {
	key := exchangev1test.NewSigner(7)
	recipient := make([]byte, 20)
	for _, depth := range []uint32{8, 24, 32} {
		index := uint64(0x5a5a5a5a5a) & (1<<depth - 1)
		siblings := make([]fr.Element, depth)
		raw := make([][]byte, depth)
		for i := range siblings {
			siblings[i].SetUint64(uint64(1000 + i))
			bz := siblings[i].Bytes()
			raw[i] = bz[:]
		}
		pool := exchangev1.Pool{ReserveBase: big.NewInt(1_000_000), ReserveQuote: big.NewInt(3_000_000), TotalShares: big.NewInt(1000)}
		acct := exchangev1.Account{Key: key.Public, Base: big.NewInt(5), Quote: big.NewInt(7), Shares: big.NewInt(30), Nonce: 3}
		ex := exchangev1.StateRoot(protocol.RootFromPath(exchangev1.LeafHash(acct), index, siblings), exchangev1.Pair{Base: "unat", Quote: "uusdc"}, pool)
		exRoot := ex.Bytes()
		exClaim := protocol.ExitClaim{
			LeafIndex: index, Account: key.Public.Address(), Balance: acct.Base, Nonce: acct.Nonce, Siblings: raw,
			Recipient: recipient, Signature: key.SignExit("nativechain-1", "exchange", index, recipient),
			Quote: acct.Quote, Shares: acct.Shares, PoolReserveBase: pool.ReserveBase, PoolReserveQuote: pool.ReserveQuote, PoolTotalShares: pool.TotalShares,
		}
		exLayout := protocol.ExitLayoutParams{Name: protocol.ExitLayoutExchangeV1, Depth: depth, Denom: "unat", QuoteDenom: "uusdc"}

		pay := protocol.RootFromPath(paymentsv1.LeafHash(key.Public, big.NewInt(5), 3), index, siblings)
		payRoot := pay.Bytes()
		payClaim := protocol.ExitClaim{
			LeafIndex: index, Account: key.Public.Address(), Balance: big.NewInt(5), Nonce: 3, Siblings: raw, Recipient: recipient,
			Signature: key.Sign(paymentsv1.Domain("nativechain-1", "exchange"), paymentsv1.ExitMessage(index, recipient)).Bytes(),
		}
		payLayout := protocol.ExitLayoutParams{Name: protocol.ExitLayoutPaymentsV1, Depth: depth, Denom: "unat"}

		ctx := context.Background()
		if _, err := exchangev1.NewExitVerifier().VerifyExitPayout(ctx, "nativechain-1", "exchange", exLayout, exRoot[:], exClaim); err != nil {
			b.Fatal(err)
		}
		if _, err := paymentsv1.NewExitVerifier().VerifyExitPayout(ctx, "nativechain-1", "exchange", payLayout, payRoot[:], payClaim); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("exchange-v1/depth=%d", depth), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := exchangev1.NewExitVerifier().VerifyExitPayout(ctx, "nativechain-1", "exchange", exLayout, exRoot[:], exClaim); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("payments-v1/depth=%d", depth), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := paymentsv1.NewExitVerifier().VerifyExitPayout(ctx, "nativechain-1", "exchange", payLayout, payRoot[:], payClaim); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
