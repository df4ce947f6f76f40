package exchangev1_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
)

// Red team 6, R6-2: nothing binds a rollup's registered exit layout denoms
// to the denoms its circuit credits (fixed: PoolHash commits the denom
// digests, and x/rollups refuses an exchange-v1 genesis root that is not
// EmptyRoot of its layout). A registrant that declares
// exchange-v1 {denom: uusdc, quote_denom: unat} for a circuit whose base is
// unat and quote uusdc gets an inbox that takes both denoms, a circuit that
// credits both, and an exodus that pays every base balance in the layout's
// denom: a claim for 250 units of the circuit's base (unat) is paid 250
// uusdc, out of the ledger other users' uusdc deposits filled (and 40 uusdc
// of quote are paid as 40 unat), before the fix.
func TestRedTeam6_TheStateRootBindsTheLayoutDenoms(t *testing.T) {
	s := fixture() // built for base unat, quote uusdc (the test layout)
	swapped := protocol.ExitLayoutParams{Name: protocol.ExitLayoutExchangeV1, Depth: depth, Denom: "uusdc", QuoteDenom: "unat"}
	got, err := exchangev1.NewExitVerifier().VerifyExitPayout(t.Context(), testChain, testRollup, swapped, s.Root(),
		s.Claim(plainIndex, plain, testChain, testRollup, recipient))
	require.Error(t, err, "a claim against a state built for other denoms is paid: %+v", got)
}

// The other half of the R6-2 fix: the empty root names its denoms, so a
// registration in one order and a circuit in the other never share a root.
func TestRedTeam6_TheEmptyRootDependsOnTheDenomsAndTheirOrder(t *testing.T) {
	a := exchangev1.EmptyRoot(4, exchangev1.Pair{Base: "unat", Quote: "uusdc"})
	b := exchangev1.EmptyRoot(4, exchangev1.Pair{Base: "uusdc", Quote: "unat"})
	c := exchangev1.EmptyRoot(5, exchangev1.Pair{Base: "unat", Quote: "uusdc"})
	require.NotEqual(t, a, b)
	require.NotEqual(t, a, c)
}
