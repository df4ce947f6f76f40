package payments

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
	dbm "github.com/cosmos/cosmos-db"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/nativechain/nativechain/protocol"
	"github.com/nativechain/nativechain/protocol/paymentsv1"
	"github.com/nativechain/nativechain/prover/tree"
)

// exitFixture is a rollup with two funded accounts after one batch.
type exitFixture struct {
	r      *rollup
	alice  *PrivateKey // account 0
	bob    *PrivateKey // account 1
	layout protocol.ExitLayoutParams
	root   []byte
}

func newExitFixture(t testing.TB) exitFixture {
	r := newRollup(t, testParams)
	alice, bob := testKey(1), testKey(2)
	r.deposit(alice.Public, 1000)
	r.deposit(bob.Public, 500)
	r.build()
	r.build(r.transfer(alice, 0, 1, 300, 2))
	root, err := r.s.Root()
	require.NoError(t, err)
	rb := root.Bytes()
	return exitFixture{r: r, alice: alice, bob: bob, root: rb[:],
		layout: protocol.ExitLayoutParams{Name: protocol.ExitLayoutPaymentsV1, Depth: uint32(testParams.Depth), Denom: DefaultDenom}}
}

// claim builds key's proof for index, paying recipient, as a claim.
func (f exitFixture) claim(t testing.TB, index uint32, key *PrivateKey, recipient []byte) protocol.ExitClaim {
	file, err := BuildExitProof(f.r.s, index, key, testChainID, testRollupID, recipient)
	require.NoError(t, err)
	root, c, err := ParseExitProofFile(file)
	require.NoError(t, err)
	require.Equal(t, f.root, root)
	return c
}

func (f exitFixture) verify(c protocol.ExitClaim) error {
	return paymentsv1.NewExitVerifier().VerifyExit(context.Background(), testChainID, testRollupID, f.layout, f.root, c)
}

func TestBuildExitProof_VerifiesWithTheLastProvenBalance(t *testing.T) {
	f := newExitFixture(t)
	for _, tc := range []struct {
		index   uint32
		key     *PrivateKey
		balance int64
		nonce   uint32
	}{
		{0, f.alice, 1000 - 300 - 2, 1},
		{1, f.bob, 500 + 300, 0},
	} {
		c := f.claim(t, tc.index, tc.key, l1Addr(0x42))
		require.Equal(t, big.NewInt(tc.balance), c.Balance)
		require.Equal(t, tc.nonce, c.Nonce)
		require.Equal(t, tc.key.Public.Address(), c.Account)
		require.NoError(t, f.verify(c))
	}
}

func TestBuildExitProof_RefusesAnotherKeysLeaf(t *testing.T) {
	f := newExitFixture(t)
	_, err := BuildExitProof(f.r.s, 0, f.bob, testChainID, testRollupID, l1Addr(0x42))
	require.ErrorContains(t, err, "another key")
	_, err = BuildExitProof(f.r.s, 7, f.bob, testChainID, testRollupID, l1Addr(0x42))
	require.ErrorContains(t, err, "no account")
}

func TestVerifyExit_RejectsInvalidClaims(t *testing.T) {
	f := newExitFixture(t)
	recipient := l1Addr(0x42)
	nonCanonical := fr.Modulus().FillBytes(make([]byte, 32)) // p itself: >= the modulus
	resign := func(c *protocol.ExitClaim, k *PrivateKey, chainID, rollupID string, index uint64, to []byte) {
		c.Signature = SignExit(k, chainID, rollupID, index, to).Bytes()
	}
	for _, tc := range []struct {
		name   string
		mutate func(c *protocol.ExitClaim)
		layout func(l *protocol.ExitLayoutParams)
		root   []byte
	}{
		{name: "other account's leaf (bob claims alice's leaf with his key)", mutate: func(c *protocol.ExitClaim) {
			c.Account = f.bob.Public.Address()
			resign(c, f.bob, testChainID, testRollupID, c.LeafIndex, recipient)
		}},
		{name: "signed by another key", mutate: func(c *protocol.ExitClaim) {
			resign(c, f.bob, testChainID, testRollupID, c.LeafIndex, recipient)
		}},
		{name: "other leaf index", mutate: func(c *protocol.ExitClaim) {
			c.LeafIndex = 1
			resign(c, f.alice, testChainID, testRollupID, 1, recipient)
		}},
		{name: "tampered sibling", mutate: func(c *protocol.ExitClaim) { c.Siblings[3][31] ^= 1 }},
		{name: "balance one more", mutate: func(c *protocol.ExitClaim) { c.Balance = new(big.Int).Add(c.Balance, big.NewInt(1)) }},
		{name: "balance one less", mutate: func(c *protocol.ExitClaim) { c.Balance = new(big.Int).Sub(c.Balance, big.NewInt(1)) }},
		{name: "negative balance", mutate: func(c *protocol.ExitClaim) { c.Balance = big.NewInt(-1) }},
		{name: "nil balance", mutate: func(c *protocol.ExitClaim) { c.Balance = nil }},
		{name: "balance of 2^128", mutate: func(c *protocol.ExitClaim) {
			c.Balance = new(big.Int).Lsh(big.NewInt(1), BalanceBits)
		}},
		{name: "wrong nonce", mutate: func(c *protocol.ExitClaim) { c.Nonce++ }},
		{name: "recipient not the signed one", mutate: func(c *protocol.ExitClaim) { c.Recipient = l1Addr(0x43) }},
		{name: "empty recipient", mutate: func(c *protocol.ExitClaim) { c.Recipient = nil }},
		{name: "signed for another rollup", mutate: func(c *protocol.ExitClaim) {
			resign(c, f.alice, testChainID, "payments-b", c.LeafIndex, recipient)
		}},
		{name: "signed for another chain", mutate: func(c *protocol.ExitClaim) {
			resign(c, f.alice, "nativechain-2", testRollupID, c.LeafIndex, recipient)
		}},
		{name: "signed as a credits-only claim", mutate: func(c *protocol.ExitClaim) {
			resign(c, f.alice, testChainID, testRollupID, protocol.ExitLeafNone, recipient)
		}},
		{name: "non-canonical sibling", mutate: func(c *protocol.ExitClaim) { c.Siblings[0] = nonCanonical }},
		{name: "short sibling", mutate: func(c *protocol.ExitClaim) { c.Siblings[0] = c.Siblings[0][1:] }},
		{name: "non-canonical account X", mutate: func(c *protocol.ExitClaim) { copy(c.Account[:32], nonCanonical) }},
		{name: "account not on the curve", mutate: func(c *protocol.ExitClaim) { c.Account[63] ^= 1 }},
		{name: "account of 63 bytes", mutate: func(c *protocol.ExitClaim) { c.Account = c.Account[:63] }},
		{name: "non-canonical signature R.X", mutate: func(c *protocol.ExitClaim) { copy(c.Signature[:32], nonCanonical) }},
		{name: "signature S = 0", mutate: func(c *protocol.ExitClaim) { clear(c.Signature[64:]) }},
		{name: "signature S >= l", mutate: func(c *protocol.ExitClaim) {
			s := new(big.Int).SetBytes(c.Signature[64:])
			s.Add(s, order).FillBytes(c.Signature[64:])
		}},
		{name: "signature of 95 bytes", mutate: func(c *protocol.ExitClaim) { c.Signature = c.Signature[:95] }},
		{name: "one sibling too few", mutate: func(c *protocol.ExitClaim) { c.Siblings = c.Siblings[:len(c.Siblings)-1] }},
		{name: "one sibling too many", mutate: func(c *protocol.ExitClaim) { c.Siblings = append(c.Siblings, make([]byte, 32)) }},
		{name: "leaf index beyond the tree", mutate: func(c *protocol.ExitClaim) {
			c.LeafIndex = 1 << testParams.Depth
			resign(c, f.alice, testChainID, testRollupID, c.LeafIndex, recipient)
		}},
		{name: "credits-only claim carrying a balance", mutate: func(c *protocol.ExitClaim) {
			c.LeafIndex, c.Siblings, c.Nonce = protocol.ExitLeafNone, nil, 0
			resign(c, f.alice, testChainID, testRollupID, protocol.ExitLeafNone, recipient)
		}},
		{name: "another layout", layout: func(l *protocol.ExitLayoutParams) { l.Name = "payments-v2" }},
		{name: "depth 0", layout: func(l *protocol.ExitLayoutParams) { l.Depth = 0 }},
		{name: "depth 33", layout: func(l *protocol.ExitLayoutParams) { l.Depth = 33 }},
		{name: "another root", root: bytes.Repeat([]byte{1}, 32)},
		{name: "non-canonical root", root: nonCanonical},
		{name: "root of 31 bytes", root: make([]byte, 31)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := f.claim(t, 0, f.alice, recipient)
			require.NoError(t, f.verify(c))
			if tc.mutate != nil {
				tc.mutate(&c)
			}
			layout, root := f.layout, f.root
			if tc.layout != nil {
				tc.layout(&layout)
			}
			if tc.root != nil {
				root = tc.root
			}
			err := paymentsv1.NewExitVerifier().VerifyExit(context.Background(), testChainID, testRollupID, layout, root, c)
			require.ErrorIs(t, err, protocol.ErrInvalidExitClaim)
		})
	}
}

func TestBuildCreditsExitProof_VerifiesOnlyForTheSigner(t *testing.T) {
	f := newExitFixture(t)
	var root fr.Element
	require.NoError(t, root.SetBytesCanonical(f.root))
	stranger := testKey(9) // no leaf in the tree
	file, err := BuildCreditsExitProof(root, stranger, testChainID, testRollupID, l1Addr(0x42))
	require.NoError(t, err)
	_, c, err := ParseExitProofFile(file)
	require.NoError(t, err)
	require.Equal(t, protocol.ExitLeafNone, c.LeafIndex)
	require.NoError(t, f.verify(c))

	c.Account = f.bob.Public.Address() // bob's address, stranger's signature
	require.ErrorIs(t, f.verify(c), protocol.ErrInvalidExitClaim)
}

func TestParseExitProofFile_RejectsMalformedFields(t *testing.T) {
	f := newExitFixture(t)
	good, err := BuildExitProof(f.r.s, 0, f.alice, testChainID, testRollupID, l1Addr(0x42))
	require.NoError(t, err)
	for name, mutate := range map[string]func(p *protocol.ExitProofFile){
		"hex root":          func(p *protocol.ExitProofFile) { p.StateRoot = "zz" },
		"hex sibling":       func(p *protocol.ExitProofFile) { p.Siblings[0] = "0x00" },
		"negative balance":  func(p *protocol.ExitProofFile) { p.Balance = "-1" },
		"balance of 2^128":  func(p *protocol.ExitProofFile) { p.Balance = new(big.Int).Lsh(big.NewInt(1), 128).String() },
		"balance not dec":   func(p *protocol.ExitProofFile) { p.Balance = "1e3" },
		"recipient bech32":  func(p *protocol.ExitProofFile) { p.Recipient = "nope" },
		"account not hex":   func(p *protocol.ExitProofFile) { p.Account = "g" },
		"signature not hex": func(p *protocol.ExitProofFile) { p.Signature = "g" },
	} {
		p := good
		p.Siblings = append([]string(nil), good.Siblings...)
		mutate(&p)
		_, _, err := ParseExitProofFile(p)
		require.Error(t, err, name)
	}
}

func TestVerifyGas_GrowsWithDepth(t *testing.T) {
	v := paymentsv1.NewExitVerifier()
	at := func(d uint32) uint64 {
		return v.VerifyGas(protocol.ExitLayoutParams{Name: protocol.ExitLayoutPaymentsV1, Depth: d})
	}
	require.Equal(t, 26*paymentsv1.ExitGasPerCompression+paymentsv1.ExitGasSignature, at(24))
	require.Equal(t, paymentsv1.ExitGasPerCompression, at(25)-at(24))
	require.Equal(t, at(protocol.MaxExitDepth), at(1000), "bounded for an out-of-range depth")
}

// FuzzVerifyExit: no input makes the verifier panic or accept a claim the
// fixture did not sign.
func FuzzVerifyExit(f *testing.F) {
	fx := newExitFixture(f)
	good := fx.claim(f, 0, fx.alice, l1Addr(0x42))
	f.Add(good.LeafIndex, good.Account, []byte("700"), good.Nonce, bytes.Join(good.Siblings, nil), good.Recipient, good.Signature, fx.root)
	f.Add(protocol.ExitLeafNone, good.Account, []byte{}, uint32(0), []byte{}, good.Recipient, good.Signature, fx.root)
	f.Fuzz(func(t *testing.T, index uint64, account, balance []byte, nonce uint32, siblings, recipient, sig, root []byte) {
		c := protocol.ExitClaim{LeafIndex: index, Account: account, Balance: new(big.Int).SetBytes(balance[:min(len(balance), 32)]),
			Nonce: nonce, Recipient: recipient, Signature: sig}
		for len(siblings) > 0 {
			n := min(32, len(siblings))
			c.Siblings = append(c.Siblings, siblings[:n])
			siblings = siblings[n:]
		}
		err := paymentsv1.NewExitVerifier().VerifyExit(context.Background(), testChainID, testRollupID, fx.layout, root, c)
		if err != nil {
			require.ErrorIs(t, err, protocol.ErrInvalidExitClaim)
		}
	})
}

// ---------------------------------------------------------------------------
// The test vector of docs/spec/exodus.md, section "payments-v1 layout".

// exitVectorSeed is the key seed of the vector: bytes 1, 2, ..., 32.
func exitVectorSeed() [32]byte {
	var seed [32]byte
	for i := range seed {
		seed[i] = byte(i + 1)
	}
	return seed
}

func exitVectors(t *testing.T) map[string]string {
	k := NewPrivateKey(exitVectorSeed())
	recipient := make([]byte, 20)
	for i := range recipient {
		recipient[i] = byte(0xa0 + i)
	}
	const index = 5
	hexEl := func(e fr.Element) string { b := e.Bytes(); return hex.EncodeToString(b[:]) }
	m := paymentsv1.ExitMessage(index, recipient)
	sig := SignExit(k, testChainID, testRollupID, index, recipient)
	require.True(t, k.Public.Verify(sig, paymentsv1.Domain(testChainID, testRollupID), m))
	leaf := Account{Key: k.Public, Nonce: 3}
	leaf.Balance.SetInt64(1_000_000)
	// The root of a depth-4 tree holding only this leaf, at index 5.
	empty := tree.EmptyHashes(4, EmptyLeaf)
	root := protocol.RootFromPath(leaf.Leaf(), index, empty[:4])
	return map[string]string{
		"exit.account":          hex.EncodeToString(k.Public.Address()),
		"exit.recipient":        hex.EncodeToString(recipient),
		"exit.domain":           hexEl(paymentsv1.Domain(testChainID, testRollupID)),
		"exit.message":          hexEl(m),
		"exit.message-none":     hexEl(paymentsv1.ExitMessage(protocol.ExitLeafNone, recipient)),
		"exit.leaf":             hexEl(leaf.Leaf()),
		"exit.signature":        hex.EncodeToString(sig.Bytes()),
		"exit.root-depth-4":     hexEl(root),
		"exit.recipient-bech32": sdk.MustBech32ifyAddressBytes("native", recipient),
	}
}

func TestSpecDoc_ExitVectorsMatchImplementation(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "spec", "exodus.md"))
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(raw), "\n## payments-v1 layout\n")
	require.True(t, ok, "docs/spec/exodus.md has a section \"payments-v1 layout\"")
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	row := regexp.MustCompile("^\\| `(exit\\.[a-z0-9.-]+)` \\| `([0-9a-z]+)` \\|$")
	inDoc := map[string]string{}
	for _, line := range strings.Split(section, "\n") {
		if m := row.FindStringSubmatch(strings.TrimSpace(line)); m != nil {
			inDoc[m[1]] = m[2]
		}
	}
	want := exitVectors(t)
	require.Equal(t, want, inDoc)

	// The documented signature verifies through the chain's verifier.
	sig, err := hex.DecodeString(inDoc["exit.signature"])
	require.NoError(t, err)
	account, err := hex.DecodeString(inDoc["exit.account"])
	require.NoError(t, err)
	recipient, err := hex.DecodeString(inDoc["exit.recipient"])
	require.NoError(t, err)
	c := protocol.ExitClaim{LeafIndex: protocol.ExitLeafNone, Account: account, Recipient: recipient,
		Signature: SignExit(NewPrivateKey(exitVectorSeed()), testChainID, testRollupID, protocol.ExitLeafNone, recipient).Bytes()}
	layout := protocol.ExitLayoutParams{Name: protocol.ExitLayoutPaymentsV1, Depth: 8}
	require.NoError(t, paymentsv1.NewExitVerifier().VerifyExit(context.Background(), testChainID, testRollupID, layout, make([]byte, 32), c))
	pk, err := paymentsv1.ParseAddress(account)
	require.NoError(t, err)
	parsed, err := paymentsv1.ParseSignature(sig)
	require.NoError(t, err)
	msg, err := hex.DecodeString(inDoc["exit.message"])
	require.NoError(t, err)
	var m fr.Element
	require.NoError(t, m.SetBytesCanonical(msg))
	require.True(t, pk.Verify(parsed, paymentsv1.Domain(testChainID, testRollupID), m))
}

func TestStateFromAccounts_ReplayedHistoryGivesTheSameRootAndProof(t *testing.T) {
	f := newExitFixture(t)
	// Replay the fixture's two batches from their posted data and inbox.
	r := newRollup(t, testParams)
	r.deposit(f.alice.Public, 1000)
	r.deposit(f.bob.Public, 500)
	b1 := r.build()
	b2 := r.build(r.transfer(f.alice, 0, 1, 300, 2))
	accounts := map[uint32]*Account{}
	n, err := Replay(accounts, b1.Data, r.inbox)
	require.NoError(t, err)
	_, err = Replay(accounts, b2.Data, r.inbox[n:])
	require.NoError(t, err)

	s, err := StateFromAccounts(dbm.NewMemDB(), testParams, accounts)
	require.NoError(t, err)
	root, err := s.Root()
	require.NoError(t, err)
	rb := root.Bytes()
	require.Equal(t, f.root, rb[:])
	want, err := BuildExitProof(f.r.s, 1, f.bob, testChainID, testRollupID, l1Addr(0x42))
	require.NoError(t, err)
	got, err := BuildExitProof(s, 1, f.bob, testChainID, testRollupID, l1Addr(0x42))
	require.NoError(t, err)
	require.Equal(t, want, got)
}
