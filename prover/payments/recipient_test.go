package payments

import (
	"encoding/hex"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
)

// H6 (review 2026-12): a transfer signs its recipient's key, not only the
// index an operator reported. The setting of these tests: alice (1) meant
// to pay bob (2), but was told that bob is at index 3, where mallory's
// account is.
func fundedWithMallory(t *testing.T) (r *rollup, alice, bob, mallory *PrivateKey) {
	r, alice, bob = funded(t, testParams)
	mallory = testKey(9)
	r.deposit(mallory.Public, 1)
	r.build()
	require.Equal(t, mallory.Public, account(t, r, 3).Key)
	return r, alice, bob, mallory
}

// transferTo signs a transfer to index to whose signed recipient is key.
func (r *rollup) transferTo(k *PrivateKey, from, to uint32, key PublicKey, amount uint64) Tx {
	tx := r.transfer(k, from, to, amount, 0)
	tx.ToKey = key
	tx.Sign(k, r.domain, DefaultDenom)
	return tx
}

func TestTx_TransferSignsTheRecipientKey(t *testing.T) {
	r, alice, bob, mallory := fundedWithMallory(t)
	tx := r.transferTo(alice, 1, 3, bob.Public, 100)
	require.True(t, tx.Verify(alice.Public, r.domain, DefaultDenom))
	tx.ToKey = mallory.Public
	require.False(t, tx.Verify(alice.Public, r.domain, DefaultDenom), "the signature must not cover another recipient key")
}

func TestNative_RefusesTransferWhoseLeafHoldsAnotherKey(t *testing.T) {
	r, alice, bob, _ := fundedWithMallory(t)
	b := r.build(r.transferTo(alice, 1, 3, bob.Public, 100))
	require.Len(t, b.Rejected, 1)
	require.ErrorContains(t, b.Rejected[0], "not the signed recipient")
	require.Equal(t, "1", func() string { a := account(t, r, 3); return a.Balance.String() }())
}

// The operator cannot get around the native check either: a witness whose
// recipient leaf holds a key other than the signed one does not satisfy
// the circuit.
func TestCircuit_RejectsTransferToALeafWithAnotherKey(t *testing.T) {
	r, alice, bob, mallory := fundedWithMallory(t)
	paid := r.transferTo(alice, 1, 3, mallory.Public, 100) // what the witness executes
	signed := paid
	signed.ToKey = bob.Public // what alice signed
	signed.Sign(alice, r.domain, DefaultDenom)

	b := r.build(paid)
	require.Empty(t, b.Rejected)
	require.NoError(t, solved(t, testParams, b), "the honest witness")
	s := &b.Assignment.Slots[0]
	require.Equal(t, uint32(3), s.To)
	s.SigRX, s.SigRY, s.SigS = signed.Sig.RX, signed.Sig.RY, new(big.Int).Set(&signed.Sig.S)
	require.Error(t, solved(t, testParams, b))
}

// A forced transfer signed for bob but naming mallory's index is not valid
// against the state: it is skipped (and the circuit accepts the skip),
// never paid to mallory.
func TestForcedTx_TransferToALeafWithAnotherKeyIsSkipped(t *testing.T) {
	r, alice, bob, _ := fundedWithMallory(t)
	r.forceTx(r.transferTo(alice, 1, 3, bob.Public, 100))
	b := r.build()
	require.Len(t, b.Forced, 1)
	require.False(t, b.Forced[0].Executed)
	require.ErrorContains(t, b.Forced[0].Reason, "bad signature")
	require.Equal(t, "1", func() string { a := account(t, r, 3); return a.Balance.String() }())
	require.NoError(t, solved(t, testParams, b))

	// the same transfer at bob's real index is executed
	r.forceTx(r.transferTo(alice, 1, 2, bob.Public, 100))
	b = r.build()
	require.True(t, b.Forced[0].Executed)
	require.Equal(t, "600", func() string { a := account(t, r, 2); return a.Balance.String() }())
	require.NoError(t, solved(t, testParams, b))
}

// The transfer vector of docs/spec/payments-rollup.md, section 2: the key
// of seed 02 (account 1) pays 1,000 with a fee of 10 to the key of seed 03
// at index 2, nonce 0, on chain nativechain-1, rollup payments, denom unat.
func TestSpecDoc_TransferSignatureVector(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "spec", "payments-rollup.md"))
	require.NoError(t, err)
	row := regexp.MustCompile("^\\| `(transfer-[a-z0-9-]+)` \\| `([0-9a-f]+)` \\|$")
	inDoc := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if m := row.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			inDoc[m[1]] = m[2]
		}
	}
	k, to := testKey(2), testKey(3)
	amt, err := EncodeAmount(big.NewInt(1000))
	require.NoError(t, err)
	fee, err := EncodeFee(big.NewInt(10))
	require.NoError(t, err)
	tx := Tx{Kind: KindTransfer, From: 1, To: 2, ToKey: to.Public, Amount: amt, Fee: fee, Nonce: 0}
	tx.Sign(k, paymentsv1.Domain(testChainID, testRollupID), DefaultDenom)
	m := tx.Message(k.Public, DefaultDenom)
	var s [32]byte
	tx.Sig.S.FillBytes(s[:])
	want := map[string]string{
		"transfer-recipient-address": hex.EncodeToString(to.Public.Address()),
		"transfer-msg-0":             hex.EncodeToString(protocol.FieldElementBytes(m[0])),
		"transfer-msg-1":             hex.EncodeToString(protocol.FieldElementBytes(m[1])),
		"transfer-sig-rx":            hex.EncodeToString(protocol.FieldElementBytes(tx.Sig.RX)),
		"transfer-sig-ry":            hex.EncodeToString(protocol.FieldElementBytes(tx.Sig.RY)),
		"transfer-sig-s":             hex.EncodeToString(s[:]),
	}
	names := []string{"transfer-recipient-address", "transfer-msg-0", "transfer-msg-1", "transfer-sig-rx", "transfer-sig-ry", "transfer-sig-s"}
	if os.Getenv("PRINT_VECTORS") != "" { // to regenerate the table
		for _, name := range names {
			t.Logf("| `%s` | `%s` |", name, want[name])
		}
	}
	for _, name := range names {
		require.Equal(t, want[name], inDoc[name], "vector %q", name)
	}
	require.Len(t, inDoc, len(want))
	require.Equal(t, to.Public.KeyHash(), m[1], "a transfer signs the recipient's key hash c(X, Y)")
}
