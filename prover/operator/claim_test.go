package operator

import (
	"math/big"
	"testing"
	"time"

	sdkmath "cosmossdk.io/math"
	dbm "github.com/cosmos/cosmos-db"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/prover/payments"
)

func claimOptions(min int64) Options {
	o := testOptions()
	o.ClaimAccruedMin = big.NewInt(min)
	return o
}

// counterValue is a counter's value.
func counterValue(c prometheus.Counter) float64 {
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}

func coins(s string) sdk.Coins {
	c, err := sdk.ParseCoinsNormalized(s)
	if err != nil {
		panic(err)
	}
	return c
}

// claimView is what the chain paid addr's claims (claimed), what is left
// accrued to it, the claims broadcast (sends, refused ones included), the
// accrued queries answered, and the sequence clashes seen.
func (c *fakeChain) claimView(addr sdk.AccAddress) (claimed, accrued sdk.Coins, sends, queries, clashes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.claimed[addr.String()], c.accrued[addr.String()], c.claimSends, c.accruedQueries, c.clashes
}

// burst submits n transfers of 1 from alice (index 0) to bob (index 1),
// nonces from nonce, at once: several batches, built and proven together.
func burst(t *testing.T, op *Operator, alice *payments.PrivateKey, nonce, n uint32) {
	t.Helper()
	for i := uint32(0); i < n; i++ {
		_, err := op.Submit(transfer(t, op, alice, 0, 1, 1, 0, nonce+i))
		require.NoError(t, err)
	}
}

// The accrued fees are claimed once a denom reaches claim_accrued_min, all
// denoms at once, and not below it.
func TestClaim_OverTheThresholdAndNotBelow(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	sub := chain.submitter
	chain.accrue(sub, coins("1500unat"))
	r := startAs(t, dbm.NewMemDB(), chain, claimOptions(1000))

	require.Eventually(t, func() bool { c, _, _, _, _ := chain.claimView(sub); return c.Equal(coins("1500unat")) },
		10*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool { return counterValue(r.op.metrics.accruedClaims) == 1 }, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, 1500.0, counterValue(r.op.metrics.accruedClaimed.WithLabelValues("unat")))
	require.Equal(t, "1000", r.op.Status().ClaimAccruedMin)

	// Below the threshold: asked at several blocks, never claimed.
	chain.accrue(sub, coins("999unat"))
	_, _, sends, queries, _ := chain.claimView(sub)
	require.Equal(t, 1, sends)
	require.Eventually(t, func() bool { _, _, _, q, _ := chain.claimView(sub); return q >= queries+3 }, 10*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool { return r.op.Status().Accrued == "999unat" }, 10*time.Second, 10*time.Millisecond)
	claimed, accrued, sends, _, _ := chain.claimView(sub)
	require.Equal(t, 1, sends, "999 < 1000: no claim")
	require.Equal(t, coins("1500unat"), claimed)
	require.Equal(t, coins("999unat"), accrued)

	// At the threshold in one denom: every denom is claimed.
	chain.accrue(sub, coins("1unat,7uatom"))
	require.Eventually(t, func() bool { c, _, _, _, _ := chain.claimView(sub); return c.Equal(coins("2500unat,7uatom")) },
		10*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool { return counterValue(r.op.metrics.accruedClaims) == 2 }, 10*time.Second, 10*time.Millisecond)
	require.Equal(t, 7.0, counterValue(r.op.metrics.accruedClaimed.WithLabelValues("uatom")))
	require.Zero(t, counterValue(r.op.metrics.accruedClaimFails))
	require.Empty(t, r.op.Status().Halted)
}

// Each batch that lands accrues a fee over the threshold, and batches are
// built and proven ahead: claims go between them, never while a batch
// transaction of the operator is out of a block, and no batch is sent
// while a claim is (the fake refuses either as the node would: one account
// sequence).
func TestClaim_NeverWhileABatchIsInFlight(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	sub := chain.submitter
	chain.accruePerBatch = coins("1000unat")
	alice := testKey(t, 1)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(testKey(t, 2).Public, 10, "unat")
	r := startAs(t, dbm.NewMemDB(), chain, claimOptions(1000))
	waitVerified(t, r.op, 1)
	burst(t, r.op, alice, 0, 12)
	waitVerified(t, r.op, 4)
	burst(t, r.op, alice, 12, 12)
	waitVerified(t, r.op, 7)
	require.Eventually(t, func() bool {
		c, a, _, _, _ := chain.claimView(sub)
		return a.IsZero() && c.Equal(coins("7000unat"))
	}, 10*time.Second, 10*time.Millisecond, "every batch's fee claimed")
	_, _, sends, _, clashes := chain.claimView(sub)
	require.Zero(t, clashes, "a claim and a batch of the operator in the mempool together")
	require.GreaterOrEqual(t, sends, 2)
	require.Zero(t, counterValue(r.op.metrics.accruedClaimFails))
	require.Empty(t, r.op.Status().Halted)
	chain.mu.Lock()
	defer chain.mu.Unlock()
	for i := uint64(1); i <= 7; i++ {
		require.Equal(t, 1, chain.applied[i], "batch %d applied once", i)
	}
}

// A claim refused by CheckTx, then one that fails in its block: both are
// counted and backed off, batches go on meanwhile, and a later claim
// lands.
func TestClaim_RefusedOrFailedClaimDoesNotBlockBatches(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	sub := chain.submitter
	chain.refuseClaims, chain.failClaims = 1, 1
	chain.accrue(sub, coins("5000unat"))
	alice := testKey(t, 1)
	chain.deposit(alice.Public, 1000, "unat")
	chain.deposit(testKey(t, 2).Public, 10, "unat")
	r := startAs(t, dbm.NewMemDB(), chain, claimOptions(1000))
	waitVerified(t, r.op, 1)
	require.Eventually(t, func() bool { return counterValue(r.op.metrics.accruedClaimFails) >= 1 }, 10*time.Second, 10*time.Millisecond)
	burst(t, r.op, alice, 0, 12)
	waitVerified(t, r.op, 4)
	require.Eventually(t, func() bool { c, _, _, _, _ := chain.claimView(sub); return c.Equal(coins("5000unat")) },
		10*time.Second, 10*time.Millisecond)
	require.Equal(t, 2.0, counterValue(r.op.metrics.accruedClaimFails))
	require.Eventually(t, func() bool { return counterValue(r.op.metrics.accruedClaims) == 1 }, 10*time.Second, 10*time.Millisecond)
	_, _, sends, _, clashes := chain.claimView(sub)
	require.Equal(t, 3, sends)
	require.Zero(t, clashes)
	require.Empty(t, r.op.Status().Halted)
	require.Zero(t, counterValue(r.op.metrics.batchesRejected))
}

// claim_accrued_min 0 (or none): the daemon never asks nor claims, however
// much accrues.
func TestClaim_OffWithZero(t *testing.T) {
	for _, min := range []*big.Int{big.NewInt(0), nil} {
		chain := newFakeChain("pay", testParams)
		chain.accrue(chain.submitter, sdk.NewCoins(sdk.NewCoin("unat", sdkmath.NewInt(1_000_000_000))))
		chain.accruePerBatch = coins("1000unat")
		alice := testKey(t, 1)
		chain.deposit(alice.Public, 1000, "unat")
		chain.deposit(testKey(t, 2).Public, 10, "unat")
		opts := testOptions()
		opts.ClaimAccruedMin = min
		r := startAs(t, dbm.NewMemDB(), chain, opts)
		waitVerified(t, r.op, 1)
		burst(t, r.op, alice, 0, 4)
		waitVerified(t, r.op, 2)
		_, _, sends, queries, _ := chain.claimView(chain.submitter)
		require.Zero(t, sends)
		require.Zero(t, queries)
		require.Equal(t, "0", r.op.Status().ClaimAccruedMin)
		require.Empty(t, r.op.Status().Accrued)
		r.stop()
	}
}

// A standby that has not taken over submits nothing, claims included.
func TestClaim_NotWhileStandby(t *testing.T) {
	chain := newFakeChain("pay", testParams)
	standby := chain.client("standby")
	chain.accrue(standby.Submitter(), coins("5000unat"))
	opts := standbyOptions(1_000_000)
	opts.ClaimAccruedMin = big.NewInt(1000)
	r := startAs(t, dbm.NewMemDB(), standby, opts)
	h := r.op.Status().ChainHeight
	require.Eventually(t, func() bool { return r.op.Status().ChainHeight >= h+20 }, 10*time.Second, 10*time.Millisecond)
	_, _, sends, queries, _ := chain.claimView(standby.Submitter())
	require.Zero(t, sends)
	require.Zero(t, queries)
}
