package exchangev1_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/exchangev1/exchangev1test"
)

// The vectors of docs/spec/exodus.md, "exchange-v1 layout": key of scalar
// 7 (a test key), leaf 5 of a depth-4 tree holding only it, base 1,000,000,
// quote 2,000,000, shares 30, nonce 3, pool 1,000 / 3,000 / 100, the
// recipient a0 a1 ... b3, chain nativechain-1, rollup exchange.
func specState() (*exchangev1test.State, exchangev1test.Signer, []byte) {
	key := exchangev1test.NewSigner(7)
	s := exchangev1test.NewState(4, exchangev1.Pool{ReserveBase: big.NewInt(1000), ReserveQuote: big.NewInt(3000), TotalShares: big.NewInt(100)})
	s.Accounts[5] = exchangev1.Account{Key: key.Public, Base: big.NewInt(1_000_000), Quote: big.NewInt(2_000_000), Shares: big.NewInt(30), Nonce: 3}
	recipient := make([]byte, 20)
	for i := range recipient {
		recipient[i] = byte(0xa0 + i)
	}
	return s, key, recipient
}

func hexOf(e fr.Element) string {
	b := e.Bytes()
	return hex.EncodeToString(b[:])
}

func specVectors() map[string]string {
	s, key, recipient := specState()
	c := s.Claim(5, key, "nativechain-1", "exchange", recipient)
	return map[string]string{
		"exchange.account":            hex.EncodeToString(key.Public.Address()),
		"exchange.domain":             hexOf(exchangev1.Domain("nativechain-1", "exchange")),
		"exchange.leaf":               hexOf(exchangev1.LeafHash(s.Accounts[5])),
		"exchange.pool":               hexOf(exchangev1.PoolHash(s.Pair, s.Pool)),
		"exchange.empty-root-depth-4": hexOf(exchangev1.EmptyRoot(4, s.Pair)),
		"exchange.root-depth-4":       hex.EncodeToString(s.Root()),
		"exchange.message":            hexOf(exchangev1.ExitMessage(5, recipient)),
		"exchange.signature":          hex.EncodeToString(c.Signature),
	}
}

func TestSpecDoc_ExchangeExitVectorsMatchImplementation(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "spec", "exodus.md"))
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(raw), "\n## exchange-v1 layout\n")
	require.True(t, ok, "docs/spec/exodus.md has a section \"exchange-v1 layout\"")
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	row := regexp.MustCompile("^\\| `(exchange\\.[a-z0-9.-]+)` \\| `([0-9a-z]+)` \\|$")
	inDoc := map[string]string{}
	for _, line := range strings.Split(section, "\n") {
		if m := row.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			inDoc[m[1]] = m[2]
		}
	}
	require.Equal(t, specVectors(), inDoc)

	// The documented claim verifies and pays 1,000,000 + 300 base and
	// 2,000,000 + 900 quote.
	s, key, recipient := specState()
	root, err := hex.DecodeString(inDoc["exchange.root-depth-4"])
	require.NoError(t, err)
	require.True(t, bytes.Equal(s.Root(), root))
	got, err := exchangev1.NewExitVerifier().VerifyExitPayout(context.Background(), "nativechain-1", "exchange",
		protocol.ExitLayoutParams{Name: protocol.ExitLayoutExchangeV1, Depth: 4, Denom: "unat", QuoteDenom: "uusdc"}, root,
		s.Claim(5, key, "nativechain-1", "exchange", recipient))
	require.NoError(t, err)
	require.Equal(t, "1000300", got[0].Amount.String())
	require.Equal(t, "2000900", got[1].Amount.String())
}
