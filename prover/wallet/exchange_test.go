package wallet

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
)

// QuoteSwap is the spec's pool rule (section 3); 19743 is what the devnet's
// demo swap got from the builder and the circuit on this pool.
func TestQuoteSwap_IsThePoolRule(t *testing.T) {
	pool := &ExchangePool{ReserveBase: "1000000", ReserveQuote: "2000000", TotalShares: "1000000"}
	out, err := QuoteSwap(pool, 0, big.NewInt(10000), 30)
	require.NoError(t, err)
	require.Equal(t, "19743", out.String())
	out, err = QuoteSwap(pool, 1, big.NewInt(2000), 30)
	require.NoError(t, err)
	require.Equal(t, "996", out.String()) // floor(2000·9970·1000000 / (2000000·10000 + 2000·9970))

	_, err = QuoteSwap(&ExchangePool{ReserveBase: "0", ReserveQuote: "0", TotalShares: "0"}, 0, big.NewInt(1), 30)
	require.ErrorIs(t, err, ErrExchangeTx)
	_, err = QuoteSwap(nil, 0, big.NewInt(1), 30)
	require.ErrorIs(t, err, ErrExchangeTx)
	_, err = QuoteSwap(pool, 0, big.NewInt(0), 30)
	require.ErrorIs(t, err, ErrExchangeTx)

	price, ok := PoolPrice(pool)
	require.True(t, ok)
	require.Equal(t, "2.000000", price)
	_, ok = PoolPrice(&ExchangePool{ReserveBase: "0", ReserveQuote: "5"})
	require.False(t, ok)
}
