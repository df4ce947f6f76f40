package exchangev1_test

import (
	"bytes"
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/exchangev1/exchangev1test"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

const (
	testChain  = "nativechain-1"
	testRollup = "exchange"
	depth      = 4
	lpIndex    = 5
	plainIndex = 9
)

var (
	layout    = protocol.ExitLayoutParams{Name: protocol.ExitLayoutExchangeV1, Depth: depth, Denom: "unat", QuoteDenom: "uusdc"}
	recipient = bytes.Repeat([]byte{0x42}, 20)
	lp        = exchangev1test.NewSigner(7)
	plain     = exchangev1test.NewSigner(11)
)

// fixture: a pool of 1000 base / 3000 quote / 100 shares; an LP holding 30
// shares and small balances, a plain account holding balances only.
func fixture() *exchangev1test.State {
	s := exchangev1test.NewState(depth, exchangev1.Pool{ReserveBase: big.NewInt(1000), ReserveQuote: big.NewInt(3000), TotalShares: big.NewInt(100)})
	s.Accounts[lpIndex] = exchangev1.Account{Key: lp.Public, Base: big.NewInt(5), Quote: big.NewInt(7), Shares: big.NewInt(30), Nonce: 3}
	s.Accounts[plainIndex] = exchangev1.Account{Key: plain.Public, Base: big.NewInt(250), Quote: big.NewInt(40), Shares: big.NewInt(0), Nonce: 1}
	return s
}

func verify(root []byte, c protocol.ExitClaim) ([]protocol.ExitAmount, error) {
	return exchangev1.NewExitVerifier().VerifyExitPayout(context.Background(), testChain, testRollup, layout, root, c)
}

func requirePays(t *testing.T, got []protocol.ExitAmount, base, quote int64) {
	t.Helper()
	require.Len(t, got, 2)
	require.Equal(t, "unat", got[0].Denom)
	require.Equal(t, "uusdc", got[1].Denom)
	require.Equal(t, big.NewInt(base).String(), got[0].Amount.String())
	require.Equal(t, big.NewInt(quote).String(), got[1].Amount.String())
}

func TestVerifyExitPayout_PaysTheLPItsBalancesAndItsShareOfThePool(t *testing.T) {
	s := fixture()
	got, err := verify(s.Root(), s.Claim(lpIndex, lp, testChain, testRollup, recipient))
	require.NoError(t, err)
	requirePays(t, got, 5+30*1000/100, 7+30*3000/100)
}

func TestVerifyExitPayout_PaysAPlainAccountItsBalances(t *testing.T) {
	s := fixture()
	got, err := verify(s.Root(), s.Claim(plainIndex, plain, testChain, testRollup, recipient))
	require.NoError(t, err)
	requirePays(t, got, 250, 40)
}

func TestVerifyExitPayout_RoundsTheShareDown(t *testing.T) {
	s := exchangev1test.NewState(depth, exchangev1.Pool{ReserveBase: big.NewInt(10), ReserveQuote: big.NewInt(11), TotalShares: big.NewInt(3)})
	s.Accounts[lpIndex] = exchangev1.Account{Key: lp.Public, Base: big.NewInt(0), Quote: big.NewInt(0), Shares: big.NewInt(1)}
	got, err := verify(s.Root(), s.Claim(lpIndex, lp, testChain, testRollup, recipient))
	require.NoError(t, err)
	requirePays(t, got, 3, 3)
}

func TestVerifyExitPayout_RefusesAForgedClaim(t *testing.T) {
	s := fixture()
	root := s.Root()
	two128 := new(big.Int).Lsh(big.NewInt(1), 128)
	p := new(big.Int).Set(fr.Modulus())
	tests := map[string]func(c *protocol.ExitClaim){
		"forged pool: base reserve":       func(c *protocol.ExitClaim) { c.PoolReserveBase = big.NewInt(100_000) },
		"forged pool: quote reserve":      func(c *protocol.ExitClaim) { c.PoolReserveQuote = big.NewInt(100_000) },
		"forged pool: fewer total shares": func(c *protocol.ExitClaim) { c.PoolTotalShares = big.NewInt(30) },
		"forged leaf: more shares":        func(c *protocol.ExitClaim) { c.Shares = big.NewInt(31) },
		"forged leaf: more quote":         func(c *protocol.ExitClaim) { c.Quote = big.NewInt(8) },
		"forged leaf: more base":          func(c *protocol.ExitClaim) { c.Balance = big.NewInt(6) },
		"forged leaf: nonce":              func(c *protocol.ExitClaim) { c.Nonce = 4 },
		"another index":                   func(c *protocol.ExitClaim) { c.LeafIndex = lpIndex ^ 1 },
		"index beyond the tree":           func(c *protocol.ExitClaim) { c.LeafIndex = 1 << depth },
		"short path":                      func(c *protocol.ExitClaim) { c.Siblings = c.Siblings[:depth-1] },
		"sibling not canonical":           func(c *protocol.ExitClaim) { b := p.FillBytes(make([]byte, 32)); c.Siblings[0] = b },
		"sibling of 31 bytes":             func(c *protocol.ExitClaim) { c.Siblings[1] = c.Siblings[1][1:] },
		"another recipient":               func(c *protocol.ExitClaim) { c.Recipient = bytes.Repeat([]byte{0x43}, 20) },
		"another key's signature":         func(c *protocol.ExitClaim) { c.Signature = plain.SignExit(testChain, testRollup, lpIndex, recipient) },
		"signed for another rollup":       func(c *protocol.ExitClaim) { c.Signature = lp.SignExit(testChain, "payments", lpIndex, recipient) },
		"signed in the payments-v1 domain": func(c *protocol.ExitClaim) {
			c.Signature = lp.Sign(paymentsv1.Domain(testChain, testRollup), paymentsv1.ExitMessage(lpIndex, recipient)).Bytes()
		},
		"base of 2^128":         func(c *protocol.ExitClaim) { c.Balance = two128 },
		"quote of 2^128":        func(c *protocol.ExitClaim) { c.Quote = two128 },
		"shares of 2^128":       func(c *protocol.ExitClaim) { c.Shares = two128 },
		"reserve of 2^128":      func(c *protocol.ExitClaim) { c.PoolReserveBase = two128 },
		"total shares of 2^128": func(c *protocol.ExitClaim) { c.PoolTotalShares = two128 },
		"negative quote":        func(c *protocol.ExitClaim) { c.Quote = big.NewInt(-1) },
		"base + p wraps":        func(c *protocol.ExitClaim) { c.Balance = new(big.Int).Add(c.Balance, p) },
		"quote missing":         func(c *protocol.ExitClaim) { c.Quote = nil },
		"shares missing":        func(c *protocol.ExitClaim) { c.Shares = nil },
		"pool missing":          func(c *protocol.ExitClaim) { c.PoolReserveBase, c.PoolReserveQuote, c.PoolTotalShares = nil, nil, nil },
		"base missing":          func(c *protocol.ExitClaim) { c.Balance = nil },
		"no recipient":          func(c *protocol.ExitClaim) { c.Recipient = nil },
		"account not a key":     func(c *protocol.ExitClaim) { c.Account = bytes.Repeat([]byte{1}, 64) },
		"signature truncated":   func(c *protocol.ExitClaim) { c.Signature = c.Signature[:40] },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			c := s.Claim(lpIndex, lp, testChain, testRollup, recipient)
			mutate(&c)
			got, err := verify(root, c)
			require.ErrorIs(t, err, protocol.ErrInvalidExitClaim)
			require.Nil(t, got)
		})
	}
}

// A rollup whose state gives an account more shares than the pool has
// (an unsound rollup) still cannot make one claim take more than the
// reserves: the verifier refuses it even though the root matches.
func TestVerifyExitPayout_RefusesMoreSharesThanThePoolHas(t *testing.T) {
	s := exchangev1test.NewState(depth, exchangev1.Pool{ReserveBase: big.NewInt(1000), ReserveQuote: big.NewInt(3000), TotalShares: big.NewInt(100)})
	s.Accounts[lpIndex] = exchangev1.Account{Key: lp.Public, Base: big.NewInt(0), Quote: big.NewInt(0), Shares: big.NewInt(101)}
	_, err := verify(s.Root(), s.Claim(lpIndex, lp, testChain, testRollup, recipient))
	require.ErrorIs(t, err, protocol.ErrInvalidExitClaim)
	require.Contains(t, err.Error(), "exceed the pool's total shares")

	// Shares against an empty pool are the same case.
	s.Pool = exchangev1.Pool{ReserveBase: big.NewInt(0), ReserveQuote: big.NewInt(0), TotalShares: big.NewInt(0)}
	_, err = verify(s.Root(), s.Claim(lpIndex, lp, testChain, testRollup, recipient))
	require.ErrorIs(t, err, protocol.ErrInvalidExitClaim)
}

// The largest amounts the layout admits pay out without overflow: the
// payout is computed in big.Int and stays below 2^129.
func TestVerifyExitPayout_LargestAmountsDoNotOverflow(t *testing.T) {
	max := exchangev1.MaxAmount
	s := exchangev1test.NewState(depth, exchangev1.Pool{ReserveBase: max, ReserveQuote: max, TotalShares: max})
	s.Accounts[lpIndex] = exchangev1.Account{Key: lp.Public, Base: max, Quote: max, Shares: max, Nonce: ^uint32(0)}
	got, err := verify(s.Root(), s.Claim(lpIndex, lp, testChain, testRollup, recipient))
	require.NoError(t, err)
	want := new(big.Int).Add(max, max)
	require.Equal(t, want.String(), got[0].Amount.String())
	require.Equal(t, want.String(), got[1].Amount.String())
}

func TestVerifyExitPayout_RefusesAnotherLayout(t *testing.T) {
	s := fixture()
	c := s.Claim(lpIndex, lp, testChain, testRollup, recipient)
	v := exchangev1.NewExitVerifier()
	for name, l := range map[string]protocol.ExitLayoutParams{
		"payments-v1":          {Name: protocol.ExitLayoutPaymentsV1, Depth: depth, Denom: "unat"},
		"no quote denom":       {Name: protocol.ExitLayoutExchangeV1, Depth: depth, Denom: "unat"},
		"one denom twice":      {Name: protocol.ExitLayoutExchangeV1, Depth: depth, Denom: "unat", QuoteDenom: "unat"},
		"depth 0":              {Name: protocol.ExitLayoutExchangeV1, Depth: 0, Denom: "unat", QuoteDenom: "uusdc"},
		"depth 33":             {Name: protocol.ExitLayoutExchangeV1, Depth: 33, Denom: "unat", QuoteDenom: "uusdc"},
		"another depth (path)": {Name: protocol.ExitLayoutExchangeV1, Depth: depth + 1, Denom: "unat", QuoteDenom: "uusdc"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := v.VerifyExitPayout(context.Background(), testChain, testRollup, l, s.Root(), c)
			require.ErrorIs(t, err, protocol.ErrInvalidExitClaim)
		})
	}
}

func TestVerifyExitPayout_RefusesABadRoot(t *testing.T) {
	s := fixture()
	c := s.Claim(lpIndex, lp, testChain, testRollup, recipient)
	ar := s.AccountsRoot()
	accountsOnly := ar.Bytes() // the accounts root without the pool
	for name, root := range map[string][]byte{
		"accounts root only": accountsOnly[:],
		"31 bytes":           s.Root()[1:],
		"not canonical":      fr.Modulus().FillBytes(make([]byte, 32)),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := verify(root, c)
			require.ErrorIs(t, err, protocol.ErrInvalidExitClaim)
		})
	}
}

func TestVerifyExitPayout_CreditsOnlyClaimChecksTheSignatureAndPaysNothing(t *testing.T) {
	s := fixture()
	c := protocol.ExitClaim{
		LeafIndex: protocol.ExitLeafNone, Account: lp.Public.Address(), Recipient: recipient,
		Signature: lp.SignExit(testChain, testRollup, protocol.ExitLeafNone, recipient),
	}
	got, err := verify(s.Root(), c)
	require.NoError(t, err)
	require.Empty(t, got)

	withValues := c
	withValues.Quote = big.NewInt(1)
	_, err = verify(s.Root(), withValues)
	require.ErrorIs(t, err, protocol.ErrInvalidExitClaim)

	withPath := c
	withPath.Siblings = s.Siblings(lpIndex)
	_, err = verify(s.Root(), withPath)
	require.ErrorIs(t, err, protocol.ErrInvalidExitClaim)

	badSig := c
	badSig.Signature = plain.SignExit(testChain, testRollup, protocol.ExitLeafNone, recipient)
	_, err = verify(s.Root(), badSig)
	require.ErrorIs(t, err, protocol.ErrInvalidExitClaim)
}

// payments-v1 refuses a claim with the exchange fields: a payments-v1
// rollup never pays a quote denom.
func TestPaymentsV1_RefusesAClaimWithTwoDenomFields(t *testing.T) {
	s := fixture()
	c := s.Claim(plainIndex, plain, testChain, testRollup, recipient)
	pay := protocol.ExitLayoutParams{Name: protocol.ExitLayoutPaymentsV1, Depth: depth, Denom: "unat"}
	_, err := paymentsv1.NewExitVerifier().VerifyExitPayout(context.Background(), testChain, testRollup, pay, s.Root(), c)
	require.ErrorIs(t, err, protocol.ErrInvalidExitClaim)
	require.Contains(t, err.Error(), "carries no quote balance")

	pay.QuoteDenom = "uusdc"
	c.Quote, c.Shares, c.PoolReserveBase, c.PoolReserveQuote, c.PoolTotalShares = nil, nil, nil, nil, nil
	_, err = paymentsv1.NewExitVerifier().VerifyExitPayout(context.Background(), testChain, testRollup, pay, s.Root(), c)
	require.ErrorIs(t, err, protocol.ErrInvalidExitClaim)
	require.Contains(t, err.Error(), "holds one denom")
}

func TestVerifyGas_CoversThePathThePoolAndTheSignature(t *testing.T) {
	v := exchangev1.NewExitVerifier()
	// unat and uusdc: two compressions each for their digests
	require.Equal(t, (4+exchangev1.ExitLeafCompressions+2+2)*paymentsv1.ExitGasPerCompression+paymentsv1.ExitGasSignature, v.VerifyGas(layout))
	require.Equal(t, v.VerifyGas(protocol.ExitLayoutParams{Depth: protocol.MaxExitDepth}), v.VerifyGas(protocol.ExitLayoutParams{Depth: 1 << 20}))
	long := layout
	long.QuoteDenom = "ibc/" + strings.Repeat("A", 64) // 68 bytes: 1 + 3 compressions
	require.Equal(t, v.VerifyGas(layout)+2*paymentsv1.ExitGasPerCompression, v.VerifyGas(long), "the digests are priced by the denoms' length")
	require.Greater(t, v.VerifyGas(layout), paymentsv1.NewExitVerifier().VerifyGas(layout), "more hashing than a payments-v1 leaf")
}

// FuzzVerifyExitPayout: any claim, however malformed, is answered with a
// payout or an error, never a panic, and a payout only for the true leaf.
func FuzzVerifyExitPayout(f *testing.F) {
	s := fixture()
	root := s.Root()
	f.Add(uint64(lpIndex), []byte{5}, []byte{7}, []byte{30}, []byte{0x03, 0xe8}, []byte{0x0b, 0xb8}, []byte{100}, uint32(3), []byte{0})
	f.Fuzz(func(t *testing.T, index uint64, base, quote, shares, rb, rq, ts []byte, nonce uint32, sigEdit []byte) {
		c := s.Claim(lpIndex, lp, testChain, testRollup, recipient)
		c.LeafIndex, c.Nonce = index, nonce
		set := func(b []byte) *big.Int {
			if len(b) > 40 {
				b = b[:40]
			}
			return new(big.Int).SetBytes(b)
		}
		c.Balance, c.Quote, c.Shares = set(base), set(quote), set(shares)
		c.PoolReserveBase, c.PoolReserveQuote, c.PoolTotalShares = set(rb), set(rq), set(ts)
		if len(sigEdit) > 0 && len(c.Signature) > 0 {
			c.Signature[int(sigEdit[0])%len(c.Signature)] ^= 1
		}
		got, err := verify(root, c)
		if err != nil {
			return
		}
		requirePays(t, got, 5+300, 7+900)
	})
}
