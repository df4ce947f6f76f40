package keeper_test

import (
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/exchangev1/exchangev1test"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/x/crossrollup/types"
	rollupstypes "github.com/nativechain/nativechain/x/rollups/types"
)

// Exodus of a two-denom rollup (issue 18): an exchange-v1 rollup is paid
// out in its base and quote denoms, each bounded by its own ledger, once per
// leaf; a payments-v1 rollup never pays a quote denom.

const (
	pairID     = "pair" // frozen exchange-v1 rollup, real verifier
	payID      = "pay"  // frozen payments-v1 rollup, real verifier
	quoteDenom = "uusdc"
	pairLP     = 5
	pairPlain  = 9
)

var (
	pairLPKey    = exchangev1test.NewSigner(7)
	pairPlainKey = exchangev1test.NewSigner(11)
)

// pairState: a pool of 1000 unat / 3000 uusdc / 100 shares; the LP holds
// 30 shares (paid 5+300 unat, 7+900 uusdc), the plain account 250 unat and
// 40 uusdc.
func pairState() *exchangev1test.State {
	s := exchangev1test.NewState(exitDepth, exchangev1.Pool{ReserveBase: big.NewInt(1000), ReserveQuote: big.NewInt(3000), TotalShares: big.NewInt(100)})
	s.Accounts[pairLP] = exchangev1.Account{Key: pairLPKey.Public, Base: big.NewInt(5), Quote: big.NewInt(7), Shares: big.NewInt(30), Nonce: 3}
	s.Accounts[pairPlain] = exchangev1.Account{Key: pairPlainKey.Public, Base: big.NewInt(250), Quote: big.NewInt(40), Shares: big.NewInt(0), Nonce: 1}
	return s
}

type pairFixture struct {
	*exodusFixture
	l2 *exchangev1test.State
}

// newPairFixture adds a frozen exchange-v1 rollup (pairState's root) and
// a frozen payments-v1 rollup to the exodus fixture, with the real
// verifiers of both layouts, and funds the exchange rollup's ledgers with
// exactly what its two accounts are owed plus the pool's other 70 shares.
func newPairFixture(t *testing.T) pairFixture {
	t.Helper()
	f := newExodusFixtureWith(t, map[string]types.ExitVerifier{
		protocol.ExitLayoutExchangeV1: exchangev1.NewExitVerifier(),
		protocol.ExitLayoutPaymentsV1: paymentsv1.NewExitVerifier(),
	})
	s := pairState()
	f.reg.rollups[pairID] = &rollupstypes.Rollup{
		Id: pairID, Status: rollupstypes.ROLLUP_STATUS_FROZEN, StateRoot: s.Root(),
		ExitLayout: &rollupstypes.ExitLayout{Name: protocol.ExitLayoutExchangeV1, Depth: exitDepth, Denom: denom, QuoteDenom: quoteDenom},
	}
	f.reg.rollups[payID] = &rollupstypes.Rollup{
		Id: payID, Status: rollupstypes.ROLLUP_STATUS_FROZEN, StateRoot: s.Root(),
		ExitLayout: &rollupstypes.ExitLayout{Name: protocol.ExitLayoutPaymentsV1, Depth: exitDepth, Denom: denom},
	}
	// balances 5+250 and the reserves 1000 unat; 7+40 and 3000 uusdc.
	f.fund(t, pairID, sdk.NewInt64Coin(denom, 1255))
	f.fund(t, pairID, sdk.NewInt64Coin(quoteDenom, 3047))
	return pairFixture{exodusFixture: f, l2: s}
}

// pairMsg is the message of an exit claim on rollupID against root.
func (f pairFixture) pairMsg(rollupID string, root []byte, c protocol.ExitClaim) *types.MsgExodusWithdraw {
	str := func(v *big.Int) string {
		if v == nil {
			return ""
		}
		return v.String()
	}
	return &types.MsgExodusWithdraw{
		Sender: f.bobS, RollupId: rollupID, StateRoot: root, LeafIndex: c.LeafIndex,
		Account: c.Account, Balance: str(c.Balance), Nonce: c.Nonce, Siblings: c.Siblings,
		Recipient: f.bobS, Signature: c.Signature,
		QuoteBalance: str(c.Quote), Shares: str(c.Shares),
		PoolReserveBase: str(c.PoolReserveBase), PoolReserveQuote: str(c.PoolReserveQuote), PoolTotalShares: str(c.PoolTotalShares),
	}
}

// claimOf is the signed claim of the account at index, paying bob.
func (f pairFixture) claimOf(index uint64) *types.MsgExodusWithdraw {
	key := pairLPKey
	if index == pairPlain {
		key = pairPlainKey
	}
	return f.pairMsg(pairID, f.l2.Root(), f.l2.Claim(index, key, chainID, pairID, f.bob))
}

func (f pairFixture) ledgerOf(t *testing.T, id, d string) int64 {
	t.Helper()
	amt, err := f.keeper.Ledger(f.ctx, id, d)
	require.NoError(t, err)
	return amt.Int64()
}

func TestExodusWithdraw_ExchangeLPIsPaidInBothDenoms(t *testing.T) {
	// ARRANGE
	f := newPairFixture(t)

	// ACT
	res, err := f.msgs.ExodusWithdraw(f.ctx, f.claimOf(pairLP))

	// ASSERT
	require.NoError(t, err)
	want := sdk.NewCoins(sdk.NewInt64Coin(denom, 305), sdk.NewInt64Coin(quoteDenom, 907))
	require.Equal(t, want, res.Paid)
	require.Equal(t, sdk.NewInt64Coin(denom, 305), res.Amount, "amount stays the layout's (base) denom")
	require.Equal(t, want.String(), f.bank.balances[string(f.bob)].String())
	require.Equal(t, int64(1255-305), f.ledgerOf(t, pairID, denom))
	require.Equal(t, int64(3047-907), f.ledgerOf(t, pairID, quoteDenom))
	f.requireInvariant(t)
	rec, err := f.keeper.Exits.Get(f.ctx, collections.Join(pairID, uint64(pairLP)))
	require.NoError(t, err)
	require.Equal(t, want, sdk.Coins(rec.Paid))
}

func TestExodusWithdraw_ExchangePlainAccountIsPaidItsBalances(t *testing.T) {
	f := newPairFixture(t)

	res, err := f.msgs.ExodusWithdraw(f.ctx, f.claimOf(pairPlain))

	require.NoError(t, err)
	require.Equal(t, sdk.NewCoins(sdk.NewInt64Coin(denom, 250), sdk.NewInt64Coin(quoteDenom, 40)), res.Paid)
	require.Equal(t, int64(1255-250), f.ledgerOf(t, pairID, denom))
	require.Equal(t, int64(3047-40), f.ledgerOf(t, pairID, quoteDenom))
	f.requireInvariant(t)
}

func TestExodusWithdraw_ExchangeRefusesBadClaimsAndChangesNothing(t *testing.T) {
	two128 := new(big.Int).Lsh(big.NewInt(1), 128).String()
	tests := []struct {
		name  string
		setup func(t *testing.T, f pairFixture)
		msg   func(f pairFixture) *types.MsgExodusWithdraw
		want  error
	}{
		{
			name: "forged pool record (more reserves)",
			msg: func(f pairFixture) *types.MsgExodusWithdraw {
				m := f.claimOf(pairLP)
				m.PoolReserveQuote = "3046"
				return m
			},
			want: types.ErrInvalidExitProof,
		},
		{
			name: "forged pool record (fewer total shares)",
			msg: func(f pairFixture) *types.MsgExodusWithdraw {
				m := f.claimOf(pairLP)
				m.PoolTotalShares = "30"
				return m
			},
			want: types.ErrInvalidExitProof,
		},
		{
			name: "shares above the total",
			msg: func(f pairFixture) *types.MsgExodusWithdraw {
				m := f.claimOf(pairLP)
				m.Shares = "101"
				return m
			},
			want: types.ErrInvalidExitProof,
		},
		{
			name: "quote of 2^128",
			msg: func(f pairFixture) *types.MsgExodusWithdraw {
				m := f.claimOf(pairLP)
				m.QuoteBalance = two128
				return m
			},
			want: types.ErrInvalidExitProof,
		},
		{
			name: "reserve with a sign",
			msg: func(f pairFixture) *types.MsgExodusWithdraw {
				m := f.claimOf(pairLP)
				m.PoolReserveBase = "+1000"
				return m
			},
			want: types.ErrInvalidExitProof,
		},
		{
			name: "claim without the pool",
			msg: func(f pairFixture) *types.MsgExodusWithdraw {
				m := f.claimOf(pairLP)
				m.PoolReserveBase, m.PoolReserveQuote, m.PoolTotalShares = "", "", ""
				return m
			},
			want: types.ErrInvalidExitProof,
		},
		{
			name: "claimed twice",
			setup: func(t *testing.T, f pairFixture) {
				_, err := f.msgs.ExodusWithdraw(f.ctx, f.claimOf(pairLP))
				require.NoError(t, err)
			},
			msg:  func(f pairFixture) *types.MsgExodusWithdraw { return f.claimOf(pairLP) },
			want: types.ErrAlreadyExited,
		},
		{
			name: "the quote ledger does not cover the payout",
			setup: func(t *testing.T, f pairFixture) {
				// Another path took quote out of the ledger (an outbox
				// withdrawal before the freeze): 906 left, 907 owed.
				require.NoError(t, f.keeper.Ledgers.Set(f.ctx, collections.Join(pairID, quoteDenom), sdkmath.NewInt(906)))
				f.bank.balances[string(f.escrow)] = f.bank.balances[string(f.escrow)].Sub(sdk.NewInt64Coin(quoteDenom, 3047-906))
			},
			msg:  func(f pairFixture) *types.MsgExodusWithdraw { return f.claimOf(pairLP) },
			want: types.ErrLedgerInsufficient,
		},
		{
			name: "credits-only claim with a quote balance",
			msg: func(f pairFixture) *types.MsgExodusWithdraw {
				m := f.claimOf(pairLP)
				m.LeafIndex, m.Siblings, m.Balance, m.Nonce = protocol.ExitLeafNone, nil, "", 0
				m.Shares, m.PoolReserveBase, m.PoolReserveQuote, m.PoolTotalShares = "", "", "", ""
				return m
			},
			want: types.ErrInvalidExitProof,
		},
		{
			name: "payments-v1 rollup: a claim with a quote balance",
			msg: func(f pairFixture) *types.MsgExodusWithdraw {
				m := f.claimOf(pairPlain)
				m.RollupId = payID
				return m
			},
			want: types.ErrInvalidExitProof,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// ARRANGE
			f := newPairFixture(t)
			if tc.setup != nil {
				tc.setup(t, f)
			}
			msg := tc.msg(f)
			before := f.state(t)

			// ACT
			_, err := f.msgs.ExodusWithdraw(f.ctx, msg)

			// ASSERT
			require.ErrorIs(t, err, tc.want)
			require.Equal(t, before, f.state(t), "a refused claim changes nothing")
			f.requireInvariant(t)
		})
	}
}

// The keeper does not trust a verifier's payout: an amount in a denom the
// layout does not hold (a quote denom on a one-denom layout), a denom twice,
// or a negative or oversized amount is refused after verification and
// changes nothing.
func TestExodusWithdraw_RefusesAVerifierPayoutOutsideTheLayout(t *testing.T) {
	huge := new(big.Int).Lsh(big.NewInt(1), 255)
	tests := map[string][]protocol.ExitAmount{
		"quote denom on a one-denom layout": {{Denom: denom, Amount: big.NewInt(1)}, {Denom: quoteDenom, Amount: big.NewInt(1)}},
		"empty denom":                       {{Denom: "", Amount: big.NewInt(1)}},
		"one denom twice":                   {{Denom: denom, Amount: big.NewInt(1)}, {Denom: denom, Amount: big.NewInt(1)}},
		"negative amount":                   {{Denom: denom, Amount: big.NewInt(-1)}},
		"nil amount":                        {{Denom: denom}},
		"amount of 2^255":                   {{Denom: denom, Amount: huge}},
	}
	for name, payout := range tests {
		t.Run(name, func(t *testing.T) {
			f := newExodusFixture(t)
			f.fund(t, deadID, sdk.NewInt64Coin(denom, 1_000))
			f.fund(t, deadID, sdk.NewInt64Coin(quoteDenom, 1_000)) // a ledger it could have drained
			f.verifier.payout = payout
			before := f.state(t)

			_, err := f.msgs.ExodusWithdraw(f.ctx, f.claim())

			require.ErrorIs(t, err, types.ErrInvalidExitProof)
			require.Equal(t, before, f.state(t))
			f.requireInvariant(t)
		})
	}
}

// A payments-v1 (one-denom) claim that sets a two-denom field is refused
// before the verifier runs and before its gas is charged.
func TestExodusWithdraw_OneDenomLayoutRefusesTwoDenomFieldsBeforeVerifying(t *testing.T) {
	for name, edit := range map[string]func(m *types.MsgExodusWithdraw){
		"quote balance":      func(m *types.MsgExodusWithdraw) { m.QuoteBalance = "1" },
		"shares":             func(m *types.MsgExodusWithdraw) { m.Shares = "0" },
		"pool reserve base":  func(m *types.MsgExodusWithdraw) { m.PoolReserveBase = "1" },
		"pool reserve quote": func(m *types.MsgExodusWithdraw) { m.PoolReserveQuote = "1" },
		"pool total shares":  func(m *types.MsgExodusWithdraw) { m.PoolTotalShares = "1" },
	} {
		t.Run(name, func(t *testing.T) {
			f := newExodusFixture(t)
			f.fund(t, deadID, sdk.NewInt64Coin(denom, 1_000))
			msg := f.claim()
			edit(msg)
			before := f.state(t)

			_, err := f.msgs.ExodusWithdraw(f.ctx, msg)

			require.ErrorIs(t, err, types.ErrInvalidExitProof)
			require.Equal(t, before, f.state(t))
			require.Empty(t, f.verifier.calls, "refused before verifying")
		})
	}
}

func TestExodusWithdraw_ExchangeChargesTheVerifierGasFirst(t *testing.T) {
	f := newPairFixture(t)
	msg := f.claimOf(pairLP)
	msg.Shares = "29" // a forged leaf: refused by the verifier
	layout := protocol.ExitLayoutParams{Name: protocol.ExitLayoutExchangeV1, Depth: exitDepth, Denom: denom, QuoteDenom: quoteDenom}
	gasBefore := f.ctx.GasMeter().GasConsumed()

	_, err := f.msgs.ExodusWithdraw(f.ctx, msg)

	require.ErrorIs(t, err, types.ErrInvalidExitProof)
	require.GreaterOrEqual(t, f.ctx.GasMeter().GasConsumed()-gasBefore, exchangev1.NewExitVerifier().VerifyGas(layout))
}
