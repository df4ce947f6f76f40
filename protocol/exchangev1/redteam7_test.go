package exchangev1_test

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bn254/fr"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/exchangev1"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

// Red team 7, R7-7 (low, open): a payments-v1 leaf is
// c(KeyHash, balance·2^32 + nonce), which is exactly the innermost node of
// an exchange-v1 leaf c(c(c(KeyHash, base·2^32 + nonce), quote), shares).
// So an exchange rollup's state root opens, under the payments-v1 exit
// verifier at depth d + 3 (top bit 0: the accounts root is the left child
// of the state root, the pool hash its sibling; the two lowest bits 0:
// quote and shares are siblings), to a payments leaf of the account's
// base balance. Registration checks the genesis root only for exchange-v1
// layouts, so an exchange circuit registered with payments-v1
// {denom: uusdc, depth: d+3} pays base (unat) balances in uusdc at
// exodus, and nothing of quote balances or shares. The leaf formats need a
// tag of their own, or a payments-v1 registration its empty root.
func TestRedTeam7_APaymentsClaimDoesNotOpenAnExchangeRoot(t *testing.T) {
	t.Skip("open (red team 7, R7-7): the payments-v1 leaf is the exchange-v1 leaf's inner node; remove this Skip to reproduce")
	s := fixture()
	acct := s.Accounts[plainIndex] // base 250 unat, quote 40 uusdc, nonce 1
	sib := func(e fr.Element) []byte { b := e.Bytes(); return b[:] }
	// path from c(KeyHash, packed) to the state root
	siblings := [][]byte{sib(elemOf(acct.Quote)), sib(elemOf(acct.Shares))}
	siblings = append(siblings, s.Siblings(plainIndex)...)
	siblings = append(siblings, sib(exchangev1.PoolHash(s.Pair, s.Pool)))
	index := uint64(plainIndex) << 2 // top bit 0, two low bits 0
	layout := protocol.ExitLayoutParams{Name: protocol.ExitLayoutPaymentsV1, Depth: depth + 3, Denom: "uusdc"}
	sig := plain.Sign(paymentsv1.Domain(testChain, testRollup), paymentsv1.ExitMessage(index, recipient)).Bytes()
	claim := protocol.ExitClaim{LeafIndex: index, Account: acct.Key.Address(), Balance: new(big.Int).Set(acct.Base),
		Nonce: acct.Nonce, Siblings: siblings, Recipient: recipient, Signature: sig}
	got, err := paymentsv1.NewExitVerifier().VerifyExitPayout(t.Context(), testChain, testRollup, layout, s.Root(), claim)
	require.Error(t, err, "a payments-v1 claim opened an exchange-v1 root and is paid %+v (the account's base, in the layout's denom)", got)
}

func elemOf(v *big.Int) fr.Element {
	var e fr.Element
	if v != nil {
		e.SetBigInt(v)
	}
	return e
}
