package cmd

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/exchange"
	"github.com/nativechain/nativechain/prover/wallet"
)

// Red team 7, R7-1 (fixed: the minimum comes from the pool of the last
// verified batch, checked against the chain's state root): `l2 exchange swap` without --min-out takes its
// minimum from the pending pool the operator reports, and nothing checks
// that pool. A lying operator reports a pool whose quote is 2, so the
// wallet signs "min out 1" for a swap the real pool (1M/2M) prices at
// ~998,000; with -y nothing stops it. The operator then sandwiches the
// signed swap (front-run, the victim's swap, back-run, all its own batch)
// and keeps almost all of it.
func TestRedTeam7_ALyingOperatorPoolDoesNotSetTheSwapMinimum(t *testing.T) {
	fakeChainRoot(t, nil) // the chain's state root: the real pool
	dir, dave, _ := twoL2Keys(t)
	accounts := exAccounts(dave)
	key := fmt.Sprintf("%x", dave.Private.Public.Address())
	v := accounts[key]
	// real pool: 1,000,000 unat / 2,000,000 uusdc (v.Pool); the lie:
	v.PendingPool = exchange.PoolAmounts{ReserveBase: "1000000000000000", ReserveQuote: "3000000000", TotalShares: "1"}
	accounts[key] = v
	var submitted []exchange.Tx
	url := fakeExchangeOperator(t, exStatus, accounts, &submitted)
	out, err := runL2(t, append([]string{"exchange", "swap", "dave", "1000000unat", "--l2-home", dir, "--operator", url}, exDomainArgs...)...)
	require.NoError(t, err, out)
	{
		require.Len(t, submitted, 1, out)
		// At the real pool the swap gives floor(1e6·9970·2e6/(1e6·1e4+1e6·9970)) = 997,997.
		require.GreaterOrEqual(t, submitted[0].Min1.Cmp(big.NewInt(900_000)), 0,
			"a swap worth ~998,000 uusdc was signed with min out %s (the operator's pending pool, unchecked)", submitted[0].Min1)
	}
}

// R7-1, the other lie: the operator reports a verified pool that is not the
// one under the chain's state root. The wallet refuses to quote from it
// (after reading both again) and signs nothing.
func TestRedTeam7_AVerifiedPoolThatIsNotTheChainsIsRefused(t *testing.T) {
	fakeChainRoot(t, nil)
	dir, dave, _ := twoL2Keys(t)
	accounts := exAccounts(dave)
	key := fmt.Sprintf("%x", dave.Private.Public.Address())
	v := accounts[key]
	v.VerifiedPool = exchange.PoolAmounts{ReserveBase: "1000000000000000", ReserveQuote: "3000000000", TotalShares: "1"}
	v.PendingPool = v.VerifiedPool
	accounts[key] = v
	for _, args := range [][]string{
		{"swap", "dave", "1000000unat"},
		{"add-liquidity", "dave", "10", "20"},
		{"remove-liquidity", "dave", "500"},
	} {
		var submitted []exchange.Tx
		url := fakeExchangeOperator(t, exStatus, accounts, &submitted)
		out, err := runL2(t, append(append([]string{"exchange"}, args...), append([]string{"--l2-home", dir, "--operator", url}, exDomainArgs...)...)...)
		require.ErrorIs(t, err, wallet.ErrPoolNotOnChain, out)
		require.Empty(t, submitted, "nothing signed")
	}
}
